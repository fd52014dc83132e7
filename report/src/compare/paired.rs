//! The statistic of `report compare`: per benchmark, the paired series of
//! per-round log ratios `x_i = ln(candidate_i / baseline_i)`, where both
//! sides of round `i` were measured back to back. Pure functions.
//!
//! Pairing is what makes a shared machine usable: a slow minute slows both
//! halves of a round, so it cancels in `x_i` instead of landing on one side.
//! What is left is the spread of `x_i` across rounds, which gives
//!
//! - the mean change `exp(mean x) − 1` with a Student-t interval,
//! - a one-sample t-test of `mean x = 0`, Holm-corrected across benchmarks,
//! - the **minimum detectable change**: the smallest true change that this
//!   many rounds with this spread would flag with the chosen power,
//!   `(t(1 − α/(2m)) + t(power)) · s / √n`, with `m` benchmarks tested
//!   (Holm's strictest step, so it holds for every benchmark).
//!
//! Classes are the diff's (`crate::diff::Class`): regressed/improved when
//! significant after Holm, the interval excludes zero and the change is
//! beyond the threshold; unchanged when the whole interval lies within
//! ±threshold; noisy otherwise (the interval straddles the threshold, so
//! more rounds could still decide it). The method: `docs/diff-method.md`.

use serde::Serialize;

use crate::diff::Class;
use crate::stats::significance::holm_bonferroni;
use crate::stats::student;

/// Fewest rounds before a benchmark is tested (one degree of freedom is a
/// Cauchy distribution: its interval says nothing useful).
pub const MIN_TESTED_ROUNDS: usize = 3;

/// The knobs of the paired method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairedOptions {
    /// Smallest relative change that can count, as a fraction (0.02 = 2 %).
    pub threshold: f64,
    /// Family-wise error rate of the Holm-corrected p-values.
    pub alpha: f64,
    /// Confidence level of the change intervals.
    pub confidence: f64,
    /// Power at which the minimum detectable change is given.
    pub power: f64,
}

impl PairedOptions {
    /// The documented defaults with the threshold given in percent.
    pub fn with_threshold_pct(threshold_pct: f64) -> Result<Self, String> {
        if !(threshold_pct.is_finite() && threshold_pct >= 0.0) {
            return Err(format!(
                "threshold {threshold_pct} is not a percentage of 0 or more"
            ));
        }
        Ok(Self {
            threshold: threshold_pct / 100.0,
            alpha: 0.05,
            confidence: 0.95,
            power: 0.8,
        })
    }
}

/// What the rounds of one benchmark say, before Holm's correction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Paired {
    pub rounds: usize,
    /// Mean of the per-round log ratios.
    pub mean_log: f64,
    /// Their sample standard deviation.
    pub sd_log: f64,
    /// `exp(mean_log) − 1` (0.03 = 3 % slower).
    pub change: f64,
    /// The confidence interval of `change`.
    pub lower: f64,
    pub upper: f64,
    /// Two-sided one-sample t-test of `mean_log = 0`.
    pub p_value: f64,
}

/// Mean, t interval and test of a paired series; `None` below
/// [`MIN_TESTED_ROUNDS`] or when a value is not finite.
pub fn paired(log_ratios: &[f64], options: &PairedOptions) -> Option<Paired> {
    let n = log_ratios.len();
    if n < MIN_TESTED_ROUNDS || log_ratios.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let nf = n as f64;
    let mean = log_ratios.iter().sum::<f64>() / nf;
    let var = log_ratios.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let sd = var.sqrt();
    let se = sd / nf.sqrt();
    let df = nf - 1.0;
    let t_crit = student::quantile(0.5 + options.confidence / 2.0, df);
    let p_value = if se > 0.0 {
        student::two_sided_p(mean / se, df)
    } else if mean == 0.0 {
        1.0
    } else {
        0.0
    };
    Some(Paired {
        rounds: n,
        mean_log: mean,
        sd_log: sd,
        change: mean.exp_m1(),
        lower: (mean - t_crit * se).exp_m1(),
        upper: (mean + t_crit * se).exp_m1(),
        p_value,
    })
}

/// Smallest true change (as a fraction) that `rounds` rounds with spread
/// `sd_log` would find with `power`, testing at level `alpha / tested`
/// two-sided. `None` below [`MIN_TESTED_ROUNDS`].
pub fn detectable_change(
    sd_log: f64,
    rounds: usize,
    tested: usize,
    options: &PairedOptions,
) -> Option<f64> {
    if rounds < MIN_TESTED_ROUNDS || !sd_log.is_finite() {
        return None;
    }
    let df = rounds as f64 - 1.0;
    let level = options.alpha / tested.max(1) as f64;
    let delta = (student::quantile(1.0 - level / 2.0, df) + student::quantile(options.power, df))
        * sd_log
        / (rounds as f64).sqrt();
    Some(delta.exp_m1())
}

/// Whether `rounds` rounds (more than `p` has) could still decide this
/// benchmark, were its spread to stay what it is: some true change within
/// one standard error of the mean so far would then give an interval wholly
/// inside ±threshold (unchanged), or clear of zero with the change beyond
/// the threshold (regressed or improved). Holm's correction is left out,
/// so the answer errs towards measuring on.
///
/// Why: a benchmark whose rounds spread by 10 % cannot be decided at a 2 %
/// threshold in the dozen rounds a budget leaves; measuring it on takes
/// those rounds from benchmarks that can be decided. Left undecided it is
/// reported noisy with its detectable change, which is the honest answer.
pub fn decidable_within(p: &Paired, rounds: usize, options: &PairedOptions) -> bool {
    if rounds < MIN_TESTED_ROUNDS || !p.sd_log.is_finite() {
        return true;
    }
    let n = rounds as f64;
    let half = student::quantile(0.5 + options.confidence / 2.0, n - 1.0) * p.sd_log / n.sqrt();
    let se = p.sd_log / (p.rounds as f64).sqrt();
    let (low, high) = (p.mean_log - se, p.mean_log + se);
    let (down, up) = ((-options.threshold).ln_1p(), options.threshold.ln_1p());
    // Unchanged: some mean in [low, high] has mean ± half within [down, up].
    let unchanged = down + half <= up - half && low <= up - half && high >= down + half;
    let regressed = high > up.max(half);
    let improved = low < down.min(-half);
    unchanged || regressed || improved
}

/// One benchmark's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub class: Class,
    pub paired: Option<Paired>,
    pub p_adjusted: Option<f64>,
    pub detectable: Option<f64>,
    /// Why the class is noisy, when it is.
    pub note: Option<String>,
}

/// Classifies every series together: Holm across all tested ones.
pub fn classify_all(series: &[Vec<f64>], options: &PairedOptions) -> Vec<Verdict> {
    let tested: Vec<Option<Paired>> = series.iter().map(|s| paired(s, options)).collect();
    let raw: Vec<f64> = tested.iter().flatten().map(|p| p.p_value).collect();
    let m = raw.len();
    let mut adjusted = holm_bonferroni(&raw).into_iter();
    tested
        .into_iter()
        .zip(series)
        .map(|(p, s)| match p {
            None => Verdict {
                class: Class::Noisy,
                paired: None,
                p_adjusted: None,
                detectable: None,
                note: Some(format!(
                    "{} paired round{}; at least {MIN_TESTED_ROUNDS} are needed for a test",
                    s.len(),
                    if s.len() == 1 { "" } else { "s" }
                )),
            },
            Some(p) => {
                let p_adj = adjusted.next().unwrap_or(1.0);
                let detectable = detectable_change(p.sd_log, p.rounds, m, options);
                let (class, note) = class_of(&p, p_adj, options);
                Verdict {
                    class,
                    paired: Some(p),
                    p_adjusted: Some(p_adj),
                    detectable,
                    note,
                }
            }
        })
        .collect()
}

fn class_of(p: &Paired, p_adjusted: f64, options: &PairedOptions) -> (Class, Option<String>) {
    let significant = p_adjusted < options.alpha;
    let excludes_zero = p.lower > 0.0 || p.upper < 0.0;
    let beyond = p.change.abs() > options.threshold;
    if significant && excludes_zero && beyond {
        let class = if p.change > 0.0 {
            Class::Regressed
        } else {
            Class::Improved
        };
        return (class, None);
    }
    if p.lower >= -options.threshold && p.upper <= options.threshold {
        return (Class::Unchanged, None);
    }
    (
        Class::Noisy,
        Some(format!(
            "interval {:+.1}% to {:+.1}% straddles the ±{:.1}% threshold after {} rounds",
            p.lower * 100.0,
            p.upper * 100.0,
            options.threshold * 100.0,
            p.rounds
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic noise: SplitMix64 → Box-Muller normal deviates.
    struct Noise(u64);
    impl Noise {
        fn uniform(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn normal(&mut self) -> f64 {
            let (u, v) = (self.uniform().max(1e-300), self.uniform());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        }
    }

    /// Per-round log ratios of a benchmark whose candidate is `shift`
    /// slower, measured on a machine whose speed drifts by ±20 % from round
    /// to round (shared by both halves of a round) with `sd` of independent
    /// noise on each half.
    fn rounds(noise: &mut Noise, shift: f64, sd: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let machine = 1.0 + 0.2 * noise.normal().clamp(-3.0, 3.0) / 3.0;
                let base = 1000.0 * machine * (1.0 + sd * noise.normal());
                let cand = 1000.0 * (1.0 + shift) * machine * (1.0 + sd * noise.normal());
                (cand / base).ln()
            })
            .collect()
    }

    fn options() -> PairedOptions {
        PairedOptions::with_threshold_pct(1.0).unwrap()
    }

    #[test]
    fn a_three_percent_shift_is_found_despite_machine_drift() {
        let mut noise = Noise(1);
        let series = vec![rounds(&mut noise, 0.03, 0.01, 12)];
        let v = &classify_all(&series, &options())[0];
        assert_eq!(v.class, Class::Regressed, "{v:?}");
        let p = v.paired.unwrap();
        assert!(p.lower < 0.03 && 0.03 < p.upper, "{p:?}");
        assert!(p.lower > 0.0);
        // A 3 % improvement is the mirror image.
        let series = vec![rounds(&mut noise, -0.03, 0.01, 12)];
        assert_eq!(classify_all(&series, &options())[0].class, Class::Improved);
    }

    #[test]
    fn a_spread_too_wide_for_the_rounds_left_is_not_worth_measuring() {
        let opts = PairedOptions::with_threshold_pct(2.0).unwrap();
        // Six rounds spread by ~11 % around no change.
        let wide = paired(&[0.1, -0.1, 0.1, -0.1, 0.1, -0.1], &opts).unwrap();
        assert!(!decidable_within(&wide, 12, &opts), "{wide:?}");
        assert!(!decidable_within(&wide, 20, &opts));
        // At 30 rounds a true +4.5 % (one standard error above the mean so
        // far) would clear zero: worth measuring. Hundreds of rounds would
        // narrow no change inside ±2 %.
        assert!(decidable_within(&wide, 30, &opts));
        assert!(decidable_within(&wide, 2000, &opts));
        // The same spread around a 40 % slowdown can be decided: the
        // interval clears zero with the change beyond the threshold.
        let big: Vec<f64> = [0.1, -0.1, 0.1, -0.1, 0.1, -0.1]
            .iter()
            .map(|x| x + 0.4)
            .collect();
        assert!(decidable_within(&paired(&big, &opts).unwrap(), 12, &opts));
        // And so can its mirror image.
        let better: Vec<f64> = big.iter().map(|x| -x).collect();
        assert!(decidable_within(
            &paired(&better, &opts).unwrap(),
            12,
            &opts
        ));
    }

    #[test]
    fn a_three_percent_change_with_a_tight_spread_stays_worth_measuring() {
        let opts = PairedOptions::with_threshold_pct(2.0).unwrap();
        let mut noise = Noise(3);
        // +3 % with 1 % of noise per half: six rounds do not decide it yet
        // at a 2 % threshold, twelve can.
        let p = paired(&rounds(&mut noise, 0.03, 0.01, 6), &opts).unwrap();
        assert!(decidable_within(&p, 12, &opts), "{p:?}");
        // No change with the same spread: decidable as unchanged.
        let p = paired(&rounds(&mut noise, 0.0, 0.01, 6), &opts).unwrap();
        assert!(decidable_within(&p, 12, &opts), "{p:?}");
        // Too few rounds to judge the spread: always worth measuring.
        assert!(decidable_within(&p, 2, &opts));
    }

    #[test]
    fn a_over_a_finds_nothing_across_many_benchmarks() {
        let mut noise = Noise(7);
        let series: Vec<Vec<f64>> = (0..200)
            .map(|_| rounds(&mut noise, 0.0, 0.01, 10))
            .collect();
        let verdicts = classify_all(&series, &options());
        let flagged = verdicts
            .iter()
            .filter(|v| matches!(v.class, Class::Regressed | Class::Improved))
            .count();
        assert_eq!(flagged, 0);
        // Without the pairing (each side's own drift), the same noise level
        // would make the raw ratios swing by up to ±20 %; paired, the spread
        // is that of the two halves' own noise, √2 x 1 %.
        let sd = verdicts[0].paired.unwrap().sd_log;
        assert!((0.007..0.025).contains(&sd), "{sd}");
    }

    #[test]
    fn detectable_change_shrinks_with_rounds() {
        let o = options();
        let at = |n| detectable_change(0.01, n, 30, &o).unwrap();
        assert!(at(4) > at(8) && at(8) > at(16) && at(16) > at(64));
        // Asymptotically (z(1 − 0.05/60) + z(0.8)) · s / √n = (3.14 + 0.84) · 0.01 / 8.
        assert!((at(64) - 0.0053).abs() < 0.0006, "{}", at(64));
        assert_eq!(detectable_change(0.01, 2, 30, &o), None);
        // More benchmarks tested at once: a stricter level, a larger change needed.
        assert!(detectable_change(0.01, 10, 300, &o) > detectable_change(0.01, 10, 3, &o));
    }

    #[test]
    fn holm_keeps_a_real_change_and_drops_a_marginal_one() {
        let o = options();
        // Raw p-value of the marginal series is about 0.013; alone it
        // counts, next to 21 other tested benchmarks (x 22) it must not.
        let marginal = vec![0.03, 0.01, 0.05, 0.02, 0.04];
        let alone = classify_all(std::slice::from_ref(&marginal), &o);
        assert!(alone[0].paired.unwrap().p_value < 0.05);
        assert_eq!(alone[0].class, Class::Regressed);
        let mut noise = Noise(3);
        let mut series: Vec<Vec<f64>> =
            (0..20).map(|_| rounds(&mut noise, 0.0, 0.002, 5)).collect();
        series.push(marginal);
        series.push(vec![0.05, 0.051, 0.049, 0.05, 0.052]);
        let v = classify_all(&series, &o);
        assert_ne!(v[20].class, Class::Regressed, "{:?}", v[20]);
        assert!(v[20].p_adjusted.unwrap() > v[20].paired.unwrap().p_value);
        assert_eq!(v[21].class, Class::Regressed);
    }

    #[test]
    fn too_few_rounds_or_a_straddling_interval_is_noisy() {
        let o = options();
        let v = classify_all(&[vec![0.1, 0.1]], &o);
        assert_eq!(v[0].class, Class::Noisy);
        assert!(v[0].note.as_deref().unwrap().contains("2 paired rounds"));
        let v = classify_all(&[vec![0.0, 0.05, -0.04, 0.02]], &o);
        assert_eq!(v[0].class, Class::Noisy);
        assert!(v[0].note.as_deref().unwrap().contains("straddles"));
        // Identical halves: no spread, no change.
        let v = classify_all(&[vec![0.0; 4]], &o);
        assert_eq!(v[0].class, Class::Unchanged);
        assert_eq!(v[0].paired.unwrap().p_value, 1.0);
    }
}
