//! Percentiles of per-iteration sample times. Pure functions: no I/O here.
//!
//! Criterion keeps few samples (100 by default, sometimes 2 after `--quick`),
//! so the method matters: we use linear interpolation between closest ranks
//! (the "R-7" / NumPy default), which is well defined for any sample count.
//! With fewer than [`MIN_RELIABLE_SAMPLES`] samples P95 and P99 are just the
//! largest values, so such percentiles are marked unreliable.

use crate::model::Percentiles;

/// Fewest samples for which P95/P99 are treated as meaningful. With 20
/// samples P95 interpolates between the two largest; below that it is the
/// maximum, i.e. one outlier.
pub const MIN_RELIABLE_SAMPLES: usize = 20;

/// The `q`-quantile (0..=1) of already sorted, finite values; `None` when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

/// P50/P95/P99 of `values`; `None` when empty or any value is not finite.
pub fn percentiles(values: &[f64]) -> Option<Percentiles> {
    if values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(Percentiles {
        p50: quantile_sorted(&sorted, 0.50)?,
        p95: quantile_sorted(&sorted, 0.95)?,
        p99: quantile_sorted(&sorted, 0.99)?,
        reliable: sorted.len() >= MIN_RELIABLE_SAMPLES,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_ranks() {
        let v: Vec<f64> = (1..=101).map(f64::from).collect();
        let p = percentiles(&v).unwrap();
        assert_eq!(p.p50, 51.0);
        assert_eq!(p.p95, 96.0);
        assert_eq!(p.p99, 100.0);
        assert!(p.reliable);
        assert_eq!(quantile_sorted(&[1.0, 2.0], 0.5), Some(1.5));
    }

    #[test]
    fn few_samples_are_unreliable_and_order_does_not_matter() {
        let p = percentiles(&[30.0, 10.0, 20.0]).unwrap();
        assert_eq!(p.p50, 20.0);
        assert!(p.p99 <= 30.0 && p.p99 > 29.0);
        assert!(!p.reliable);
    }

    #[test]
    fn empty_or_non_finite_gives_none() {
        assert_eq!(percentiles(&[]), None);
        assert_eq!(percentiles(&[1.0, f64::NAN]), None);
    }
}
