//! Statistics over the domain's numbers. Pure functions: no I/O here.

pub mod percentiles;
pub mod significance;
pub mod student;

/// Geometric mean of strictly positive, finite values; `None` when `xs` is
/// empty or holds a value that has no logarithm (zero, negative, NaN, infinite).
pub fn geometric_mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|x| !x.is_finite() || *x <= 0.0) {
        return None;
    }
    let sum: f64 = xs.iter().map(|x| x.ln()).sum();
    Some((sum / xs.len() as f64).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_mean_of_known_values() {
        let g = geometric_mean(&[2.0, 8.0]).unwrap();
        assert!((g - 4.0).abs() < 1e-12, "{g}");
        let g = geometric_mean(&[1.0, 10.0, 100.0]).unwrap();
        assert!((g - 10.0).abs() < 1e-9, "{g}");
    }

    #[test]
    fn geometric_mean_refuses_what_has_no_logarithm() {
        assert_eq!(geometric_mean(&[]), None);
        assert_eq!(geometric_mean(&[1.0, 0.0]), None);
        assert_eq!(geometric_mean(&[1.0, -2.0]), None);
        assert_eq!(geometric_mean(&[f64::NAN]), None);
    }
}
