//! Runs in the JSON formats that existing dashboards read. Pure: runs in,
//! serializable values out.
//!
//! - [Bencher Metric Format](https://bencher.dev/docs/reference/bencher-metric-format):
//!   `{"<benchmark>": {"<measure>": {"value", "lower_value", "upper_value"}}}`.
//!   `latency` is the typical time in ns with its confidence interval;
//!   `throughput` is elements per second (Bencher's built-in Throughput
//!   measure counts operations per second), and byte or bit rates go to
//!   their own measures (`throughput-bytes`, `throughput-bits`) so one
//!   measure never mixes units. Non-time metrics become measures named after
//!   the metric (`ratio`, `db_bytes`).
//! - [github-action-benchmark](https://github.com/benchmark-action/github-action-benchmark)
//!   `customSmallerIsBetter`: `[{"name", "unit", "value", "range", "extra"}]`.
//!   Only smaller-is-better values belong there: the typical time, and the
//!   metrics whose `better` is `lower`.
//!
//! With several runs, every name starts with the run's label (`label/id`).
//! Values that are not finite numbers are left out (JSON has no NaN).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::format;
use crate::model::{Benchmark, Better, Run, Throughput};

/// Errors that make an export ambiguous.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no runs to export")]
    NoRuns,
    #[error(
        "benchmark name '{0}' occurs twice in the export; \
         a dashboard would mix the two (give the runs distinct labels)"
    )]
    DuplicateName(String),
}

/// One Bencher metric: a value with an optional interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BmfMetric {
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_value: Option<f64>,
}

/// Bencher Metric Format: benchmark name -> measure -> metric.
pub type Bmf = BTreeMap<String, BTreeMap<String, BmfMetric>>;

/// One entry of github-action-benchmark's custom JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GabEntry {
    pub name: String,
    pub unit: String,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
}

/// The runs as Bencher Metric Format.
pub fn bmf(runs: &[Run]) -> Result<Bmf, ExportError> {
    let mut out = Bmf::new();
    for (name, _run, bench) in named(runs)? {
        let mut measures = BTreeMap::new();
        let t = bench.typical;
        if let Some(metric) = metric(t.point, Some(t.lower), Some(t.upper)) {
            measures.insert("latency".to_owned(), metric);
        }
        if let Some(throughput) = bench.throughput {
            for (measure, amount) in throughput_measures(throughput) {
                // Rate = amount / time: the slow end of the time interval is
                // the low end of the rate interval.
                let rate = |ns: f64| amount as f64 * 1e9 / ns;
                if let Some(m) = metric(rate(t.point), Some(rate(t.upper)), Some(rate(t.lower))) {
                    measures.insert(measure.to_owned(), m);
                }
            }
        }
        for m in &bench.metrics {
            if let Some(value) = metric(m.value, None, None) {
                measures.entry(m.name.clone()).or_insert(value);
            }
        }
        if measures.is_empty() {
            continue;
        }
        if out.insert(name.clone(), measures).is_some() {
            return Err(ExportError::DuplicateName(name));
        }
    }
    Ok(out)
}

/// The runs as github-action-benchmark `customSmallerIsBetter` entries.
pub fn github_action_benchmark(runs: &[Run]) -> Result<Vec<GabEntry>, ExportError> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut push = |entry: GabEntry| {
        if seen.insert(entry.name.clone()) {
            out.push(entry);
            Ok(())
        } else {
            Err(ExportError::DuplicateName(entry.name))
        }
    };
    for (name, run, bench) in named(runs)? {
        let t = bench.typical;
        if t.point.is_finite() {
            let half_width = (t.upper - t.lower) / 2.0;
            let mut extra = vec![
                format!("cell: {}", run.cell()),
                format!("samples: {}", bench.sampling.per_iteration_ns.len()),
            ];
            if let Some(throughput) = &bench.throughput {
                extra.push(format!(
                    "throughput: {}",
                    format::throughput(throughput, t.point)
                ));
            }
            push(GabEntry {
                name: name.clone(),
                unit: "ns/iter".to_owned(),
                value: t.point,
                range: half_width
                    .is_finite()
                    .then(|| format!("± {}", significant(half_width))),
                extra: Some(extra.join("\n")),
            })?;
        }
        for m in &bench.metrics {
            if m.better == Better::Lower && m.value.is_finite() {
                push(GabEntry {
                    name: format!("{name} ({})", m.name),
                    unit: m.unit.clone(),
                    value: m.value,
                    range: None,
                    extra: None,
                })?;
            }
        }
    }
    Ok(out)
}

/// Every benchmark of every run with the name it is exported under.
fn named(runs: &[Run]) -> Result<Vec<(String, &Run, &Benchmark)>, ExportError> {
    if runs.is_empty() {
        return Err(ExportError::NoRuns);
    }
    let prefix = runs.len() > 1;
    Ok(runs
        .iter()
        .flat_map(|run| {
            run.benchmarks.iter().map(move |bench| {
                let id = bench.id.full_id();
                let name = if prefix {
                    format!("{}/{id}", run.label)
                } else {
                    id
                };
                (name, run, bench)
            })
        })
        .collect())
}

fn throughput_measures(t: Throughput) -> Vec<(&'static str, u64)> {
    match t {
        Throughput::Elements(n) => vec![("throughput", n)],
        Throughput::Bytes(n) | Throughput::BytesDecimal(n) => vec![("throughput-bytes", n)],
        Throughput::Bits(n) => vec![("throughput-bits", n)],
        Throughput::ElementsAndBytes { elements, bytes } => {
            vec![("throughput", elements), ("throughput-bytes", bytes)]
        }
    }
}

/// A metric when its value is a finite number; bounds kept only when finite
/// and ordered around the value.
fn metric(value: f64, lower: Option<f64>, upper: Option<f64>) -> Option<BmfMetric> {
    if !value.is_finite() {
        return None;
    }
    let lower = lower.filter(|l| l.is_finite() && *l <= value);
    let upper = upper.filter(|u| u.is_finite() && *u >= value);
    Some(BmfMetric {
        value,
        lower_value: lower,
        upper_value: upper,
    })
}

/// Four significant digits, for the `range` text.
fn significant(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_drops_what_json_cannot_hold() {
        assert!(metric(f64::NAN, None, None).is_none());
        let m = metric(10.0, Some(f64::INFINITY), Some(12.0)).unwrap();
        assert_eq!(m.lower_value, None);
        assert_eq!(m.upper_value, Some(12.0));
        // Bounds on the wrong side of the value are not an interval.
        assert_eq!(
            metric(10.0, Some(11.0), Some(9.0)).unwrap().lower_value,
            None
        );
    }

    #[test]
    fn range_text_has_four_significant_digits() {
        assert_eq!(significant(1234.5678), "1235");
        assert_eq!(significant(12.345678), "12.35");
        assert_eq!(significant(0.012345), "0.01235");
        assert_eq!(significant(0.0), "0");
    }
}
