//! UUIDs: what one id costs with each generator (`uuid/generate/<generator>/<n>`),
//! and what the key kind does to SQLite: insert time per row and file size
//! (`uuid/sqlite-insert/{v4,v7,int}/<rows already in table>` with its
//! `db_bytes` metric). Groups and metric come from `[charts.uuid]` in
//! `catalog.toml`.

use super::bars::{self, Bar, BarChart, Series};
use super::{Chart, draw};
use crate::catalog::{self, pattern_group};
use crate::format;
use crate::model::{Benchmark, Run, Throughput};

/// Items one iteration handles: the `Elements` throughput, else the id's
/// numeric parameter (`.../1000`).
fn items(b: &Benchmark) -> Option<f64> {
    match b.throughput {
        Some(Throughput::Elements(n)) | Some(Throughput::ElementsAndBytes { elements: n, .. })
            if n > 0 =>
        {
            Some(n as f64)
        }
        _ => {
            b.id.value
                .as_deref()?
                .parse::<f64>()
                .ok()
                .and_then(draw::positive)
        }
    }
}

/// Time per item with its interval.
fn per_item(b: &Benchmark) -> Option<Bar> {
    let n = items(b)?;
    Some(Bar {
        value: draw::positive(b.typical.point)? / n,
        lower: b.typical.lower / n,
        upper: b.typical.upper / n,
    })
}

fn metric(b: &Benchmark, name: &str) -> Option<Bar> {
    let v = b.metrics.iter().find(|m| m.name == name)?.value;
    let v = draw::positive(v)?;
    Some(Bar {
        value: v,
        lower: v,
        upper: v,
    })
}

/// Members (`function/value`) of a group in natural order (`10000` before `100000`).
fn members(runs: &[Run], group: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for run in runs {
        for b in run.benchmarks.iter().filter(|b| b.id.group == group) {
            let m = (
                b.id.function.clone().unwrap_or_default(),
                b.id.value.clone().unwrap_or_default(),
            );
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out.sort_by(|a, b| {
        crate::order::natural_cmp(&a.0, &b.0).then_with(|| crate::order::natural_cmp(&a.1, &b.1))
    });
    out
}

/// One bar chart over a group's members.
struct Spec<'a> {
    id: &'a str,
    title: &'a str,
    axis: &'a str,
    group: &'a str,
    members: &'a [(String, String)],
    category: &'a dyn Fn(&(String, String)) -> String,
    value: &'a dyn Fn(&Benchmark) -> Option<Bar>,
    format: &'a dyn Fn(f64) -> String,
}

fn bar_chart(runs: &[Run], spec: &Spec<'_>, mut notes: Vec<String>) -> Result<Chart, String> {
    let links: Vec<String> = spec
        .members
        .iter()
        .map(|(f, v)| format!("{}/{f}/{v}", spec.group))
        .collect();
    let svg = bars::render(&BarChart {
        title: spec.title.to_owned(),
        axis: spec.axis.to_owned(),
        categories: spec.members.iter().map(spec.category).collect(),
        series: runs
            .iter()
            .map(|run| Series {
                name: run.label.clone(),
                bars: spec
                    .members
                    .iter()
                    .map(|(f, v)| {
                        draw::find(run, &format!("{}/{f}/{v}", spec.group)).and_then(spec.value)
                    })
                    .collect(),
            })
            .collect(),
        format: spec.format,
        links: &links,
    })?;
    if svg.is_none() {
        notes.push(format!(
            "No data: no {} benchmarks with the values this chart needs.",
            spec.group
        ));
    }
    Ok(Chart {
        id: spec.id.to_owned(),
        title: spec.title.to_owned(),
        svg,
        notes,
    })
}

pub(crate) fn charts(runs: &[Run]) -> Result<Vec<Chart>, String> {
    let (shown, runs_note) = draw::series_runs(runs);
    let notes: Vec<String> = runs_note.into_iter().collect();
    let spec = &catalog::get().charts.uuid;
    let (generate_group, sqlite_group) = (
        pattern_group(&spec.generate),
        pattern_group(&spec.sqlite_insert),
    );
    let generate = members(shown, generate_group);
    let sqlite = members(shown, sqlite_group);
    let sqlite_label = |(f, v): &(String, String)| format!("{f} keys, {v} rows before");
    let generator = |(f, _): &(String, String)| f.clone();
    let db_bytes = |b: &Benchmark| metric(b, &spec.size_metric);
    let sqlite_insert = Spec {
        id: "uuid-sqlite-insert",
        title: "SQLite insert: time per row by primary-key kind",
        axis: "time per inserted row; lower is better",
        group: sqlite_group,
        members: &sqlite,
        category: &sqlite_label,
        value: &per_item,
        format: &format::duration_ns,
    };
    Ok(vec![
        bar_chart(
            shown,
            &Spec {
                id: "uuid-generate",
                title: "UUID generation: cost per id",
                axis: "time per id; lower is better",
                group: generate_group,
                members: &generate,
                category: &generator,
                value: &per_item,
                format: &format::duration_ns,
            },
            notes.clone(),
        )?,
        bar_chart(shown, &sqlite_insert, notes.clone())?,
        bar_chart(
            shown,
            // The same benchmarks and categories as the insert chart.
            &Spec {
                id: "uuid-sqlite-size",
                title: "SQLite file size by primary-key kind (db_bytes)",
                axis: "database file size; lower is better",
                value: &db_bytes,
                format: &size_bytes,
                ..sqlite_insert
            },
            notes,
        )?,
    ])
}

/// A byte count with a binary prefix: `512 B`, `1.50 MiB` ([`format::bytes`]).
pub(crate) fn size_bytes(n: f64) -> String {
    format::bytes(n)
}

#[cfg(test)]
mod tests {
    use super::size_bytes;

    #[test]
    fn sizes_use_binary_prefixes() {
        assert_eq!(size_bytes(512.0), "512 B");
        assert_eq!(size_bytes(1536.0), "1.50 KiB");
        assert_eq!(size_bytes(300.0 * 1024.0 * 1024.0), "300.0 MiB");
    }
}
