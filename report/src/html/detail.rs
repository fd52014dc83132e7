//! The data behind each benchmark's detail view, embedded in the page as one
//! compact JSON block that the page's script draws from on demand: the
//! per-iteration samples (4 significant digits), the sampling mode and
//! iteration count (for the iteration-time regression of linear sampling),
//! the typical time with its interval, the slope, percentiles, and Tukey
//! outlier counts — for every detail run that has the benchmark.
//!
//! Drawn lazily rather than as SVG per benchmark: 300 benchmarks x 8 runs of
//! SVG would be tens of megabytes; the samples are under two. At most
//! [`MAX_RUNS`] runs carry samples (the latest by `recorded_at`); the tables
//! and the history show the others.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Run, SamplingMode};
use crate::stats::percentiles::quantile_sorted;

/// Runs whose samples the page carries, at most.
pub(crate) const MAX_RUNS: usize = 8;

/// The embedded document.
#[derive(Debug, Serialize)]
pub(crate) struct DetailData {
    /// The runs samples come from: short label, full label with its cell.
    pub runs: Vec<DetailRun>,
    /// Runs given in all; more than `runs.len()` means some were left out.
    pub total_runs: usize,
    /// Full id -> one entry per detail run that has it.
    pub benchmarks: BTreeMap<String, Vec<DetailEntry>>,
    /// The page has too many benchmarks for details (`benchmarks` empty).
    pub left_out: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct DetailRun {
    pub short: String,
    pub full: String,
}

/// One benchmark in one run; short keys keep the page small.
#[derive(Debug, Serialize)]
pub(crate) struct DetailEntry {
    /// Index into `runs`.
    pub r: usize,
    /// Linear sampling (`true`): sample k ran k·d iterations.
    pub lin: bool,
    /// Iterations over all samples.
    pub it: u64,
    /// Per-iteration time of each sample, ns, in criterion's order.
    pub s: Vec<f64>,
    /// Typical time: point, lower, upper (ns).
    pub t: [f64; 3],
    /// Slope estimate (linear sampling), ns.
    pub sl: Option<f64>,
    /// P50, P95, P99 (ns) and whether P95/P99 are reliable.
    pub p: [f64; 3],
    pub pr: bool,
    /// Tukey outliers: low severe, low mild, high mild, high severe.
    pub o: [usize; 4],
}

/// Rounds to 4 significant digits, which the JSON then prints short.
fn sig4(x: f64) -> f64 {
    if x.is_finite() && x != 0.0 {
        format!("{x:.3e}").parse().unwrap_or(x)
    } else {
        x
    }
}

/// Tukey's fences (1.5 and 3 IQR) as criterion classifies outliers.
pub(crate) fn outliers(samples: &[f64]) -> [usize; 4] {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.len() < 4 {
        return [0; 4];
    }
    sorted.sort_by(f64::total_cmp);
    let q1 = quantile_sorted(&sorted, 0.25).unwrap_or(0.0);
    let q3 = quantile_sorted(&sorted, 0.75).unwrap_or(0.0);
    let iqr = q3 - q1;
    let mut out = [0; 4];
    for &x in &sorted {
        if x < q1 - 3.0 * iqr {
            out[0] += 1;
        } else if x < q1 - 1.5 * iqr {
            out[1] += 1;
        } else if x > q3 + 3.0 * iqr {
            out[3] += 1;
        } else if x > q3 + 1.5 * iqr {
            out[2] += 1;
        }
    }
    out
}

/// Indices of the runs whose samples are embedded: all when few, else the
/// latest [`MAX_RUNS`] by `recorded_at`, in the order given.
pub(crate) fn detail_runs(runs: &[Run]) -> Vec<usize> {
    crate::history::latest(runs, MAX_RUNS, None)
}

/// Distinct benchmark ids in `runs`.
pub(crate) fn benchmark_count(runs: &[Run]) -> usize {
    let mut ids = std::collections::HashSet::new();
    for run in runs {
        ids.extend(run.benchmarks.iter().map(|b| &b.id));
    }
    ids.len()
}

/// The detail data of `runs`, labelled with `short` labels (one per run);
/// without any benchmark's unless `details`.
pub(crate) fn data(runs: &[Run], short: &[String], details: bool) -> DetailData {
    let chosen = detail_runs(runs);
    let mut benchmarks: BTreeMap<String, Vec<DetailEntry>> = BTreeMap::new();
    for (r, &i) in chosen.iter().enumerate().filter(|_| details) {
        for b in &runs[i].benchmarks {
            let s = &b.sampling;
            benchmarks
                .entry(b.id.full_id())
                .or_default()
                .push(DetailEntry {
                    r,
                    lin: s.mode == SamplingMode::Linear,
                    it: s.iterations,
                    s: s.per_iteration_ns.iter().copied().map(sig4).collect(),
                    t: [b.typical.point, b.typical.lower, b.typical.upper].map(sig4),
                    sl: b.slope.map(|e| sig4(e.point)),
                    p: [b.percentiles.p50, b.percentiles.p95, b.percentiles.p99].map(sig4),
                    pr: b.percentiles.reliable,
                    o: outliers(&s.per_iteration_ns),
                });
        }
    }
    DetailData {
        runs: chosen
            .iter()
            .map(|&i| DetailRun {
                short: short[i].clone(),
                full: format!("{} ({})", runs[i].label, runs[i].cell()),
            })
            .collect(),
        total_runs: runs.len(),
        benchmarks,
        left_out: !details,
    }
}

/// JSON safe inside `<script type="application/json">`: `<`, `>` and `&`
/// only occur in strings, where their `\u` escapes mean the same, so no
/// `</script>` or comment opener can end the block early.
pub(crate) fn script_json(value: &impl Serialize) -> Result<String, serde_json::Error> {
    let text = serde_json::to_string(value)?;
    Ok(text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tukey_counts_both_tails_by_severity() {
        // Quartiles about 6 and 15: mild beyond 1.5 IQR, severe beyond 3.
        let mut samples: Vec<f64> = (1..=20).map(f64::from).collect();
        samples.extend([100.0, -80.0, 34.0]);
        assert_eq!(outliers(&samples), [1, 0, 1, 1]);
        assert_eq!(outliers(&[1.0, 2.0, 3.0]), [0; 4]);
    }

    #[test]
    fn json_cannot_close_its_script_element() {
        let json = script_json(&vec!["</script><!--&"]).unwrap();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec!["</script><!--&"]);
    }

    #[test]
    fn four_significant_digits() {
        assert_eq!(sig4(123456.0), 123500.0);
        assert_eq!(sig4(0.0012346), 0.001235);
        assert_eq!(sig4(0.0), 0.0);
    }

    #[test]
    fn many_runs_keep_the_latest_samples() {
        let runs = crate::synth::synthetic_history(MAX_RUNS + 2, 3);
        let mut shuffled = runs.clone();
        shuffled.swap(0, MAX_RUNS + 1);
        // Index 0 now holds the latest run, index MAX_RUNS + 1 the oldest.
        let chosen = detail_runs(&shuffled);
        assert_eq!(chosen.len(), MAX_RUNS);
        assert!(chosen.contains(&0));
        assert!(!chosen.contains(&(MAX_RUNS + 1)));
    }
}
