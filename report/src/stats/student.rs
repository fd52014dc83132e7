//! Student's t distribution: its CDF and quantiles, for the paired test of
//! `report compare` (a handful of rounds, so the normal approximation would
//! make intervals too narrow). Pure functions over `f64`.
//!
//! The CDF goes through the regularized incomplete beta function
//! (`I_x(a, b)`, evaluated with Lentz's continued fraction as in Numerical
//! Recipes §6.4); quantiles invert the CDF by bisection, which is exact to
//! `f64` resolution and fast enough for a few hundred benchmarks.

/// P(T ≤ t) for Student's t with `df` degrees of freedom (`df` > 0).
/// `NaN` for a non-finite `df` or `t` that is NaN.
pub fn cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || !(df.is_finite() && df > 0.0) {
        return f64::NAN;
    }
    if t.is_infinite() {
        return if t > 0.0 { 1.0 } else { 0.0 };
    }
    let x = df / (df + t * t);
    let tail = 0.5 * incomplete_beta(0.5 * df, 0.5, x);
    if t > 0.0 { 1.0 - tail } else { tail }
}

/// Two-sided p-value of a t statistic: P(|T| ≥ |t|).
pub fn two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || !(df.is_finite() && df > 0.0) {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    incomplete_beta(0.5 * df, 0.5, df / (df + t * t)).clamp(0.0, 1.0)
}

/// The `p`-quantile of Student's t with `df` degrees of freedom, `p` in (0, 1).
pub fn quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && df.is_finite() && df > 0.0) {
        return f64::NAN;
    }
    if p < 0.5 {
        return -quantile(1.0 - p, df);
    }
    // Bracket: the t quantile is at most the Cauchy (df = 1) one for df ≥ 1;
    // double the bound until it holds for any df.
    let mut hi = (std::f64::consts::PI * (p - 0.5)).tan().max(1.0);
    while cdf(hi, df) < p {
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Regularized incomplete beta function `I_x(a, b)`, `x` in [0, 1].
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2);
    // otherwise use the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// Lentz's evaluation of the continued fraction of `I_x(a, b)`.
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        h *= lentz_step(aa, &mut c, &mut d);
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        let delta = lentz_step(aa, &mut c, &mut d);
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Lentz's floor for the continued-fraction terms: keeps them away from zero.
const TINY: f64 = 1e-300;

/// One step of the modified Lentz algorithm with coefficient `aa`: updates
/// `c` and `d` (kept away from zero) and returns the factor the continued
/// fraction changes by.
fn lentz_step(aa: f64, c: &mut f64, d: &mut f64) -> f64 {
    *d = 1.0 + aa * *d;
    if d.abs() < TINY {
        *d = TINY;
    }
    *c = 1.0 + aa / *c;
    if c.abs() < TINY {
        *c = TINY;
    }
    *d = 1.0 / *d;
    *d * *c
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-14).
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn quantiles_match_published_tables() {
        // Two-sided 95 % critical values (any statistics textbook's t table).
        for (df, t) in [
            (1.0, 12.706_204_736),
            (2.0, 4.302_652_730),
            (5.0, 2.570_581_836),
            (9.0, 2.262_157_163),
            (29.0, 2.045_229_642),
            (1000.0, 1.962_339_081),
        ] {
            let q = quantile(0.975, df);
            assert!(close(q, t, 1e-6), "df {df}: {q} vs {t}");
            assert!(close(quantile(0.025, df), -t, 1e-6));
        }
        // One-sided 80 % (power 0.8) at df = 9: 0.8834 (tables round to 0.883).
        assert!(close(quantile(0.8, 9.0), 0.883_404, 1e-5));
    }

    #[test]
    fn cdf_is_symmetric_and_inverts_the_quantile() {
        assert!(close(cdf(0.0, 4.0), 0.5, 1e-15));
        for df in [1.0, 3.0, 12.0, 80.0] {
            for t in [-3.0, -0.7, 0.2, 1.5, 6.0] {
                assert!(close(cdf(t, df) + cdf(-t, df), 1.0, 1e-13), "df {df} t {t}");
                let p = cdf(t, df);
                assert!(close(quantile(p, df), t, 1e-8), "df {df} t {t}");
            }
        }
        // Cauchy (df 1) has a closed form: 1/2 + atan(t)/π.
        let t: f64 = 2.0;
        assert!(close(
            cdf(t, 1.0),
            0.5 + t.atan() / std::f64::consts::PI,
            1e-13
        ));
    }

    #[test]
    fn two_sided_p_values() {
        assert!(close(two_sided_p(2.262_157_163, 9.0), 0.05, 1e-8));
        assert!(close(two_sided_p(0.0, 9.0), 1.0, 1e-12));
        assert!(two_sided_p(40.0, 9.0) < 1e-10);
        assert!(two_sided_p(f64::NAN, 3.0).is_nan());
        assert!(quantile(1.0, 3.0).is_nan());
    }
}
