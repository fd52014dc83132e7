//! Is a difference between two sets of per-iteration samples real? Three
//! tools, each a pure function (no I/O, no global state, no clock):
//!
//! - [`mann_whitney`]: the Mann-Whitney U (Wilcoxon rank-sum) test, two-sided,
//!   with the normal approximation, tie correction and continuity correction.
//!   Rank-based, so one preempted sample on a shared machine moves it by one
//!   rank, not by its size.
//! - [`bootstrap_mean_ratio`]: a percentile-bootstrap confidence interval for
//!   `mean(candidate) / mean(baseline)`, seeded, so the same inputs always give
//!   the same interval.
//! - [`holm_bonferroni`]: Holm's step-down adjustment of many p-values, so the
//!   chance of even one false alarm across all benchmarks compared at once
//!   stays at the chosen level.
//!
//! The reasoning behind these choices is in `docs/diff-method.md`.

/// Result of a two-sided Mann-Whitney U test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U statistic of the candidate sample: the number of (baseline,
    /// candidate) pairs in which the candidate is slower, ties counting one half.
    pub u: f64,
    /// Standardised U (continuity-corrected); positive when the candidate
    /// tends to be slower.
    pub z: f64,
    /// Two-sided p-value, in `[0, 1]`.
    pub p_value: f64,
}

/// Two-sided Mann-Whitney U test of `baseline` against `candidate`.
///
/// `None` when either side is empty or holds a value that is not finite (a
/// corrupt sample says nothing about the distribution). When every value is
/// the same the variance is zero and the answer is "no evidence": `p = 1`.
pub fn mann_whitney(baseline: &[f64], candidate: &[f64]) -> Option<MannWhitney> {
    let (n1, n2) = (baseline.len(), candidate.len());
    if n1 == 0 || n2 == 0 || baseline.iter().chain(candidate).any(|x| !x.is_finite()) {
        return None;
    }
    // Pool both samples, remembering which side each value came from.
    let mut pooled: Vec<(f64, bool)> = baseline
        .iter()
        .map(|&x| (x, false))
        .chain(candidate.iter().map(|&x| (x, true)))
        .collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));

    // Average ranks over ties; sum of the candidate's ranks; tie term Σ(t³ − t).
    let n = pooled.len();
    let mut rank_sum_candidate = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        // Ranks i+1 ..= j, averaged.
        let rank = (i + 1 + j) as f64 / 2.0;
        let in_candidate = pooled[i..j].iter().filter(|p| p.1).count() as f64;
        rank_sum_candidate += rank * in_candidate;
        tie_term += t * t * t - t;
        i = j;
    }

    let (n1f, n2f, nf) = (n1 as f64, n2 as f64, n as f64);
    let u = rank_sum_candidate - n2f * (n2f + 1.0) / 2.0;
    let mean = n1f * n2f / 2.0;
    let variance = n1f * n2f / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)));
    if variance <= 0.0 || !variance.is_finite() {
        return Some(MannWhitney {
            u,
            z: 0.0,
            p_value: 1.0,
        });
    }
    let deviation = u - mean;
    // Continuity correction: U moves in steps of 1/2 at most, so move half a
    // step towards the mean (never past it).
    let corrected = (deviation.abs() - 0.5).max(0.0).copysign(deviation);
    let z = corrected / variance.sqrt();
    let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0);
    Some(MannWhitney { u, z, p_value })
}

/// A ratio with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioInterval {
    /// The ratio observed on the samples themselves.
    pub point: f64,
    pub lower: f64,
    pub upper: f64,
    /// Confidence level of `[lower, upper]`, e.g. 0.95.
    pub confidence: f64,
}

/// Percentile-bootstrap interval of `mean(candidate) / mean(baseline)`:
/// both samples are resampled with replacement `resamples` times, and the
/// interval is the central `confidence` share of the resampled ratios.
///
/// Deterministic: the resampling uses a small PRNG seeded with `seed`.
/// `None` when a side is empty, a value is not finite, a mean is not positive,
/// `resamples` is zero or `confidence` is not inside `(0, 1)`.
pub fn bootstrap_mean_ratio(
    baseline: &[f64],
    candidate: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Option<RatioInterval> {
    if baseline.is_empty()
        || candidate.is_empty()
        || resamples == 0
        || !(confidence > 0.0 && confidence < 1.0)
        || baseline.iter().chain(candidate).any(|x| !x.is_finite())
    {
        return None;
    }
    let point = mean(candidate) / mean(baseline);
    if !(point.is_finite() && point > 0.0) {
        return None;
    }
    let mut rng = SplitMix64(seed);
    let mut ratios: Vec<f64> = (0..resamples)
        .map(|_| resampled_mean(candidate, &mut rng) / resampled_mean(baseline, &mut rng))
        .filter(|r| r.is_finite())
        .collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    Some(RatioInterval {
        point,
        lower: quantile_sorted(&ratios, tail),
        upper: quantile_sorted(&ratios, 1.0 - tail),
        confidence,
    })
}

/// Holm-Bonferroni adjusted p-values, in the order given.
///
/// Sorting the m p-values ascending, the i-th smallest (1-based) becomes
/// `max over j ≤ i of min(1, (m − j + 1) · p(j))`. Rejecting every adjusted
/// p-value below α keeps the family-wise error rate at α under any dependence
/// between the tests. A p-value that is not a number counts as 1.
pub fn holm_bonferroni(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let clean = |p: f64| if p.is_nan() { 1.0 } else { p.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean(p_values[a]).total_cmp(&clean(p_values[b])));
    let mut adjusted = vec![1.0; m];
    let mut running_max: f64 = 0.0;
    for (rank, &index) in order.iter().enumerate() {
        let scaled = ((m - rank) as f64 * clean(p_values[index])).min(1.0);
        running_max = running_max.max(scaled);
        adjusted[index] = running_max;
    }
    adjusted
}

/// A seed for one benchmark from its id (FNV-1a), so each benchmark resamples
/// differently but every invocation of the diff gives the same intervals.
pub fn seed_from(text: &str, base: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ base;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn resampled_mean(xs: &[f64], rng: &mut SplitMix64) -> f64 {
    let n = xs.len();
    let sum: f64 = (0..n).map(|_| xs[rng.below(n)]).sum();
    sum / n as f64
}

/// Linear interpolation between the closest ranks of an ascending slice.
fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    let weight = position - low as f64;
    sorted[low] * (1.0 - weight) + sorted[high] * weight
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough to pick
/// resampling indices; kept here so the bootstrap needs no dependency and its
/// output never changes with a crate upgrade.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` (multiply-shift; bias below 2^-40 for our n).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// Complementary error function, by the Chebyshev fit of Numerical Recipes
/// (`erfcc`): fractional error below 1.2e-7 everywhere, and it keeps its
/// relative accuracy for the tiny tail p-values that real regressions give.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Deterministic noise around `centre` with relative spread `spread`.
    fn noisy(centre: f64, spread: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = SplitMix64(seed);
        (0..n)
            .map(|_| {
                let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                centre * (1.0 + spread * (2.0 * u - 1.0))
            })
            .collect()
    }

    #[test]
    fn erfc_matches_known_values() {
        for (x, expected) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_13),
            (2.0, 0.004_677_734_981_047_266),
            (-1.0, 1.842_700_792_949_715),
        ] {
            let got = erfc(x);
            assert!(
                ((got - expected) / expected).abs() < 2e-7,
                "erfc({x}) = {got}"
            );
        }
    }

    #[test]
    fn mann_whitney_known_example() {
        // Completely separated samples of 5: U = 25 for the slower candidate,
        // mean 12.5, variance 25·11/12; with continuity correction
        // z = 12/4.7871 = 2.5067, two-sided p = 0.01219 (as SciPy's asymptotic test).
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [6.0, 7.0, 8.0, 9.0, 10.0];
        let r = mann_whitney(&a, &b).unwrap();
        assert_eq!(r.u, 25.0);
        assert!((r.z - 2.5067).abs() < 1e-3, "{r:?}");
        assert!((r.p_value - 0.01219).abs() < 1e-4, "{r:?}");
        let reverse = mann_whitney(&b, &a).unwrap();
        assert_eq!(reverse.u, 0.0);
        assert!((reverse.z + r.z).abs() < 1e-12);
        assert!((reverse.p_value - r.p_value).abs() < 1e-12);
    }

    #[test]
    fn mann_whitney_tie_correction_shrinks_variance() {
        // With heavy ties the corrected variance is smaller, so the same
        // separation is more significant than without the correction.
        let a = [1.0, 1.0, 1.0, 1.0, 2.0, 2.0];
        let b = [2.0, 2.0, 3.0, 3.0, 3.0, 3.0];
        let r = mann_whitney(&a, &b).unwrap();
        // Hand computation: pooled ranks 1-4 (value 1) avg 2.5, 5-8 (value 2)
        // avg 6.5, 9-12 (value 3) avg 10.5; candidate rank sum = 2·6.5 + 4·10.5 = 55,
        // U = 55 − 21 = 34; Σ(t³−t) = 3·60 = 180; variance = 36/12·(13 − 180/132).
        assert_eq!(r.u, 34.0);
        let variance: f64 = 3.0 * (13.0 - 180.0 / 132.0);
        let expected_z = (34.0 - 18.0 - 0.5) / variance.sqrt();
        assert!((r.z - expected_z).abs() < 1e-12, "{r:?}");
    }

    #[test]
    fn identical_samples_are_not_significant() {
        let a = noisy(100.0, 0.05, 50, 1);
        let r = mann_whitney(&a, &a).unwrap();
        assert_eq!(r.z, 0.0);
        assert_eq!(r.p_value, 1.0);
        let constant = [5.0; 20];
        assert_eq!(mann_whitney(&constant, &constant).unwrap().p_value, 1.0);
    }

    #[test]
    fn clearly_shifted_samples_are_significant() {
        let a = noisy(100.0, 0.02, 30, 1);
        let b = noisy(110.0, 0.02, 30, 2);
        let r = mann_whitney(&a, &b).unwrap();
        assert!(r.z > 0.0);
        assert!(r.p_value < 1e-8, "{r:?}");
    }

    #[test]
    fn same_distribution_different_draws_is_usually_not_significant() {
        let mut significant = 0;
        for seed in 0..200 {
            let a = noisy(100.0, 0.1, 30, seed * 2);
            let b = noisy(100.0, 0.1, 30, seed * 2 + 1);
            if mann_whitney(&a, &b).unwrap().p_value < 0.05 {
                significant += 1;
            }
        }
        // About 5 % false positives expected at α = 0.05; allow sampling slack.
        assert!(significant <= 20, "{significant} of 200 significant");
    }

    #[test]
    fn mann_whitney_refuses_empty_and_non_finite() {
        assert!(mann_whitney(&[], &[1.0]).is_none());
        assert!(mann_whitney(&[1.0], &[]).is_none());
        assert!(mann_whitney(&[1.0, f64::NAN], &[1.0]).is_none());
        assert!(mann_whitney(&[1.0], &[f64::INFINITY]).is_none());
    }

    #[test]
    fn bootstrap_brackets_the_true_ratio_and_is_deterministic() {
        let a = noisy(100.0, 0.02, 50, 3);
        let b = noisy(110.0, 0.02, 50, 4);
        let r = bootstrap_mean_ratio(&a, &b, 2000, 0.95, 7).unwrap();
        assert!(r.lower < r.point && r.point < r.upper, "{r:?}");
        assert!(r.lower > 1.09 && r.upper < 1.11, "{r:?}");
        assert_eq!(bootstrap_mean_ratio(&a, &b, 2000, 0.95, 7), Some(r));
        let same = bootstrap_mean_ratio(&a, &a, 2000, 0.95, 7).unwrap();
        assert_eq!(same.point, 1.0);
        assert!(same.lower < 1.0 && same.upper > 1.0, "{same:?}");
    }

    #[test]
    fn bootstrap_interval_widens_with_noise() {
        let tight = bootstrap_mean_ratio(
            &noisy(100.0, 0.01, 30, 5),
            &noisy(100.0, 0.01, 30, 6),
            1000,
            0.95,
            1,
        )
        .unwrap();
        let wide = bootstrap_mean_ratio(
            &noisy(100.0, 0.5, 30, 5),
            &noisy(100.0, 0.5, 30, 6),
            1000,
            0.95,
            1,
        )
        .unwrap();
        assert!(wide.upper - wide.lower > 10.0 * (tight.upper - tight.lower));
    }

    #[test]
    fn bootstrap_refuses_bad_input() {
        assert!(bootstrap_mean_ratio(&[], &[1.0], 10, 0.95, 0).is_none());
        assert!(bootstrap_mean_ratio(&[1.0], &[1.0], 0, 0.95, 0).is_none());
        assert!(bootstrap_mean_ratio(&[1.0], &[1.0], 10, 1.0, 0).is_none());
        assert!(bootstrap_mean_ratio(&[0.0], &[1.0], 10, 0.95, 0).is_none());
        assert!(bootstrap_mean_ratio(&[1.0], &[f64::NAN], 10, 0.95, 0).is_none());
    }

    #[test]
    fn holm_known_example() {
        // m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, max(0.04, 0.06),
        // max(0.06, 0.06), max(0.06, 0.5).
        let adjusted = holm_bonferroni(&[0.03, 0.5, 0.01, 0.02]);
        let expected = [0.06, 0.5, 0.04, 0.06];
        for (a, e) in adjusted.iter().zip(expected) {
            assert!((a - e).abs() < 1e-12, "{adjusted:?}");
        }
        assert!(holm_bonferroni(&[]).is_empty());
        assert_eq!(holm_bonferroni(&[f64::NAN]), vec![1.0]);
    }

    #[test]
    fn seeds_differ_by_id_and_repeat() {
        assert_eq!(
            seed_from("cpu/kernel/serial/1", 0),
            seed_from("cpu/kernel/serial/1", 0)
        );
        assert_ne!(
            seed_from("cpu/kernel/serial/1", 0),
            seed_from("cpu/kernel/rayon/1", 0)
        );
    }

    proptest! {
        #[test]
        fn p_values_are_probabilities(
            a in proptest::collection::vec(0.0f64..1e6, 1..40),
            b in proptest::collection::vec(0.0f64..1e6, 1..40),
        ) {
            let r = mann_whitney(&a, &b).unwrap();
            prop_assert!((0.0..=1.0).contains(&r.p_value), "{:?}", r);
            prop_assert!(r.u >= 0.0 && r.u <= (a.len() * b.len()) as f64);
        }

        #[test]
        fn holm_is_monotone_bounded_and_never_smaller(
            p in proptest::collection::vec(0.0f64..=1.0, 0..50),
        ) {
            let adjusted = holm_bonferroni(&p);
            prop_assert_eq!(adjusted.len(), p.len());
            for i in 0..p.len() {
                prop_assert!(adjusted[i] >= p[i] && adjusted[i] <= 1.0);
                for j in 0..p.len() {
                    if p[i] <= p[j] {
                        prop_assert!(adjusted[i] <= adjusted[j], "{:?} -> {:?}", p, adjusted);
                    }
                }
            }
        }

        #[test]
        fn bootstrap_interval_contains_its_point(
            a in proptest::collection::vec(1.0f64..1e6, 2..30),
            b in proptest::collection::vec(1.0f64..1e6, 2..30),
            seed in any::<u64>(),
        ) {
            let r = bootstrap_mean_ratio(&a, &b, 200, 0.95, seed).unwrap();
            prop_assert!(r.lower <= r.upper);
            prop_assert!(r.lower > 0.0 && r.upper.is_finite());
        }
    }
}
