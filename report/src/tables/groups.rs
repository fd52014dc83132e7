//! The full per-group tables: every benchmark of every run, with its
//! non-time metrics, groups in suite order and rows in natural order.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::{MISSING, Table, marks_legend, metric_value, missing_note, natural_cmp, suite_rank};
use crate::format;
use crate::interference;
use crate::model::{Benchmark, Run};

/// A group's rows: name within the group -> the benchmark of each run.
type GroupRows<'a> = BTreeMap<RowName, Vec<Option<&'a Benchmark>>>;

/// One table per criterion group with every benchmark of every run: rows are
/// the group's benchmarks (and their non-time metrics), one column per run.
/// Groups come in suite order (cpu, uuid, compress, async, then the others).
pub fn group_tables(runs: &[Run]) -> Vec<Table> {
    let mut groups: BTreeMap<(usize, &str), GroupRows<'_>> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        for bench in &run.benchmarks {
            let cells = groups
                .entry((suite_rank(bench.id.suite()), bench.id.group.as_str()))
                .or_default()
                .entry(RowName(row_name(bench)))
                .or_insert_with(|| vec![None; runs.len()]);
            cells[i] = Some(bench);
        }
    }
    let mut columns = vec!["Benchmark".to_owned()];
    columns.extend(runs.iter().map(|r| r.label.clone()));

    groups
        .into_iter()
        .map(|((_, group), rows)| {
            let mut used_marks = Vec::new();
            let mut missing: Vec<Vec<String>> = vec![Vec::new(); runs.len()];
            let mut cells = Vec::with_capacity(rows.len());
            for (name, per_run) in &rows {
                let mut line = Vec::with_capacity(runs.len() + 1);
                line.push(name.0.clone());
                for (i, bench) in per_run.iter().enumerate() {
                    let time = bench.map(|b| b.typical.point);
                    let mut text = time.map_or_else(|| MISSING.to_owned(), format::duration_ns);
                    if let Some(b) = bench {
                        let marks = interference::marks(b);
                        text.push_str(&interference::suffix(&marks));
                        used_marks.extend(marks);
                    }
                    line.push(text);
                    if bench.is_none() {
                        missing[i].push(format!("{group}/{}", name.0));
                    }
                }
                cells.push(line);
                for metric in metric_names(per_run) {
                    let mut line = vec![format!("{} · {metric}", name.0)];
                    line.extend(per_run.iter().map(|bench| {
                        bench
                            .and_then(|b| b.metrics.iter().find(|m| m.name == metric))
                            .map_or_else(|| MISSING.to_owned(), metric_value)
                    }));
                    cells.push(line);
                }
            }
            let mut notes: Vec<String> = runs
                .iter()
                .zip(&missing)
                .filter_map(|(run, missing)| {
                    let ids: Vec<&str> = missing.iter().map(String::as_str).collect();
                    missing_note(&run.label, &ids, rows.len())
                })
                .collect();
            notes.extend(marks_legend(used_marks));
            Table {
                title: group.to_owned(),
                columns: columns.clone(),
                rows: cells,
                notes,
            }
        })
        .collect()
}

/// A benchmark's name within its group: `function/value`.
fn row_name(bench: &Benchmark) -> String {
    let parts: Vec<&str> = [bench.id.function.as_deref(), bench.id.value.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        bench.id.group.clone()
    } else {
        parts.join("/")
    }
}

/// A row name ordered naturally (`rayon/2` before `rayon/10`).
#[derive(PartialEq, Eq)]
struct RowName(String);

impl Ord for RowName {
    fn cmp(&self, other: &Self) -> Ordering {
        natural_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for RowName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The names of the metrics any of these benchmarks has, in first-seen order.
fn metric_names(benches: &[Option<&Benchmark>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for metric in benches.iter().flatten().flat_map(|b| &b.metrics) {
        if !names.contains(&metric.name) {
            names.push(metric.name.clone());
        }
    }
    names
}
