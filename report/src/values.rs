//! Which numbers a run may hold. `ingest` applies [`time`] to criterion's
//! values and skips a benchmark that fails it; `store` applies
//! [`check_benchmark`] to every run file it reads, so a hand-edited or
//! foreign file with a negative latency is refused (naming file and
//! benchmark) instead of being exported to a dashboard as `± -21.86`.
//!
//! Times are nanoseconds: finite and not negative. Non-time metrics are any
//! finite number (a change can be negative). A value that is finite but
//! absurd (1.6e308 ns) is valid here; charts keep their axes finite.

use crate::model::{Benchmark, Estimate};

/// A time (ns) that is a finite number of 0 or more; `name` is the field.
pub fn time(name: &str, x: f64) -> Result<f64, String> {
    checked(|| name.to_owned(), x)
}

/// [`time`] with the field's name made only for the error: a run file is
/// checked number by number (a 1,000-run history holds tens of millions),
/// and formatting a name for each valid one took a sixth of `report html`.
fn checked(name: impl FnOnce() -> String, x: f64) -> Result<f64, String> {
    if !x.is_finite() {
        Err(format!("{} is {x}", name()))
    } else if x < 0.0 {
        Err(format!("{} is negative ({x})", name()))
    } else {
        Ok(x)
    }
}

fn estimate(name: &str, e: &Estimate) -> Result<(), String> {
    checked(|| format!("{name}.point"), e.point)?;
    checked(|| format!("{name}.lower"), e.lower)?;
    checked(|| format!("{name}.upper"), e.upper)?;
    checked(|| format!("{name}.standard_error"), e.standard_error)?;
    if !(0.0..=1.0).contains(&e.confidence) {
        return Err(format!(
            "{name}.confidence {} is not in 0..=1",
            e.confidence
        ));
    }
    Ok(())
}

/// Every number of `b` that must be a time or finite; the first problem.
pub fn check_benchmark(b: &Benchmark) -> Result<(), String> {
    estimate("typical", &b.typical)?;
    estimate("mean", &b.mean)?;
    estimate("median", &b.median)?;
    estimate("std_dev", &b.std_dev)?;
    estimate("median_abs_dev", &b.median_abs_dev)?;
    if let Some(slope) = &b.slope {
        estimate("slope", slope)?;
    }
    let p = &b.percentiles;
    time("percentiles.p50", p.p50)?;
    time("percentiles.p95", p.p95)?;
    time("percentiles.p99", p.p99)?;
    for (i, t) in b.sampling.per_iteration_ns.iter().enumerate() {
        checked(|| format!("sampling.per_iteration_ns[{i}]"), *t)?;
    }
    for m in &b.metrics {
        if !m.value.is_finite() {
            return Err(format!("metric '{}' is {}", m.name, m.value));
        }
    }
    Ok(())
}
