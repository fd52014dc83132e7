//! Filling the doc-shaped tables from runs: one column group per run,
//! derived columns (speedup, relative, ratio, efficiency), and the notes
//! that say what is missing or marked.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::python::PythonVersus;
use super::spec::{DerivedKind, RowThreads, TableSpec, Threads};
use super::{MISSING, OVERSUBSCRIBED, Table, glob_match, marks_legend, missing_note, natural_cmp};
use crate::catalog;
use crate::format;
use crate::interference::{self, Mark};
use crate::model::{Benchmark, Run};

/// A run's benchmarks by full id, built once per render.
pub(super) struct RunIndex<'a> {
    pub(super) run: &'a Run,
    pub(super) by_id: HashMap<String, &'a Benchmark>,
}

impl<'a> RunIndex<'a> {
    pub(super) fn new(run: &'a Run) -> Self {
        let by_id = run.benchmarks.iter().map(|b| (b.id.full_id(), b)).collect();
        RunIndex { run, by_id }
    }

    /// The marks of the benchmarks behind a cell (any of them marked marks
    /// the cell: a speedup is as doubtful as either of its times).
    fn marks(&self, ids: &[Option<&String>]) -> Vec<Mark> {
        interference::marks_of(
            ids.iter()
                .flatten()
                .filter_map(|id| self.by_id.get(*id).copied()),
        )
    }

    /// The time to quote for `id` (criterion's typical: slope or mean), when
    /// the run has it and it is a usable number.
    pub(super) fn time(&self, id: &str) -> Option<f64> {
        let ns = self.by_id.get(id)?.typical.point;
        (ns.is_finite() && ns > 0.0).then_some(ns)
    }
}

/// A spec row with its pattern expanded.
pub(super) struct Row<'s> {
    label: String,
    key: Option<&'s str>,
    pub(super) ids: BTreeMap<&'s str, String>,
    threads: Option<catalog::Threads>,
    reference: Option<&'s BTreeMap<String, String>>,
}

fn expand_rows<'s>(spec: &'s TableSpec, indexes: &[RunIndex<'_>]) -> Vec<Row<'s>> {
    let source = spec.source_names()[0];
    // Checked by `TableSpec::check`, so `typed` cannot fail here.
    let typed = |threads: &Option<Threads>| threads.as_ref().and_then(|t| t.typed().ok());
    let fixed_threads = |threads: &Option<Threads>| match typed(threads) {
        Some(RowThreads::Fixed(t)) => Some(t),
        _ => None,
    };
    let mut rows = Vec::new();
    for row in &spec.rows {
        if let Some(pattern) = &row.pattern {
            let mut matches: Vec<&Benchmark> = Vec::new();
            let mut seen = BTreeSet::new();
            for index in indexes {
                for bench in &index.run.benchmarks {
                    let id = bench.id.full_id();
                    if glob_match(pattern, &id) && seen.insert(id) {
                        matches.push(bench);
                    }
                }
            }
            matches.sort_by(|a, b| natural_cmp(&a.id.full_id(), &b.id.full_id()));
            for bench in matches {
                let value = bench.id.value.as_deref().unwrap_or("");
                let threads = match typed(&row.threads) {
                    Some(RowThreads::FromValue) => catalog::Threads::parse(value),
                    _ => fixed_threads(&row.threads),
                };
                let label = row
                    .label
                    .replace("{id}", &bench.id.full_id())
                    .replace("{group}", &bench.id.group)
                    .replace("{function}", bench.id.function.as_deref().unwrap_or(""))
                    .replace("{value}", value);
                rows.push(Row {
                    label,
                    key: None,
                    ids: BTreeMap::from([(source, bench.id.full_id())]),
                    threads,
                    reference: Some(&row.reference),
                });
            }
        } else {
            let ids = match &row.id {
                Some(id) => BTreeMap::from([(source, id.clone())]),
                None => row
                    .ids
                    .iter()
                    .map(|(s, id)| (s.as_str(), id.clone()))
                    .collect(),
            };
            rows.push(Row {
                label: row.label.clone(),
                key: row.key.as_deref(),
                ids,
                threads: fixed_threads(&row.threads),
                reference: Some(&row.reference),
            });
        }
    }
    rows
}

/// The doc's performance-expectation tables filled from `runs`, one column
/// group per run (in the order given). A table none of whose benchmarks is in
/// any run is left out: it would be all dashes.
pub fn doc_tables(runs: &[Run], specs: &[TableSpec]) -> Vec<Table> {
    let indexes: Vec<RunIndex<'_>> = runs.iter().map(RunIndex::new).collect();
    specs
        .iter()
        .filter_map(|spec| doc_table(spec, &indexes))
        .collect()
}

fn doc_table(spec: &TableSpec, indexes: &[RunIndex<'_>]) -> Option<Table> {
    let rows = expand_rows(spec, indexes);
    let any_data = rows.iter().any(|row| {
        row.ids
            .values()
            .any(|id| indexes.iter().any(|index| index.time(id).is_some()))
    });
    if !any_data {
        return None;
    }
    let sources = spec.source_names();

    let versus = PythonVersus::new(indexes, &rows, &sources);
    let columns = columns(spec, indexes, &sources, &versus);

    let keyed: HashMap<&str, &Row<'_>> = rows
        .iter()
        .filter_map(|row| row.key.map(|key| (key, row)))
        .collect();
    let mut oversubscribed = false;
    let mut used_marks: Vec<Mark> = Vec::new();
    let mut cells = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut line = vec![row.label.clone()];
        for reference in &spec.references {
            let text = row.reference.and_then(|r| r.get(&reference.title));
            line.push(text.cloned().unwrap_or_else(|| MISSING.to_owned()));
        }
        for (i, index) in indexes.iter().enumerate() {
            let value =
                |row: &Row<'_>, source: &str| row.ids.get(source).and_then(|id| index.time(id));
            let mut marked = |cell: Option<String>, ids: &[Option<&String>]| match cell {
                Some(mut text) => {
                    let marks = index.marks(ids);
                    text.push_str(&interference::suffix(&marks));
                    used_marks.extend(marks);
                    text
                }
                None => MISSING.to_owned(),
            };
            for source in &sources {
                let cell = value(row, source).map(format::duration_ns);
                line.push(marked(cell, &[row.ids.get(*source)]));
            }
            for derived in &spec.derived {
                let source = derived.source.as_deref().unwrap_or(sources[0]);
                let of_row = derived.of_row.as_deref().and_then(|k| keyed.get(k));
                let inputs = match derived.kind {
                    DerivedKind::Ratio => [&derived.numerator, &derived.denominator]
                        .map(|s| s.as_deref().and_then(|s| row.ids.get(s))),
                    _ => [of_row.and_then(|r| r.ids.get(source)), row.ids.get(source)],
                };
                let speedup = || Some(value(of_row?, source)? / value(row, source)?);
                let cell = match derived.kind {
                    DerivedKind::Speedup => speedup().map(format::ratio),
                    DerivedKind::Relative => speedup().map(|s| format::ratio(1.0 / s)),
                    DerivedKind::Ratio => {
                        let num = derived.numerator.as_deref().and_then(|s| value(row, s));
                        let den = derived.denominator.as_deref().and_then(|s| value(row, s));
                        num.zip(den).map(|(n, d)| format::ratio(n / d))
                    }
                    DerivedKind::Efficiency => {
                        let threads = row.threads.and_then(|t| t.for_run(index.run));
                        speedup().zip(threads).map(|(s, threads)| {
                            let mut text = format::percent(s / f64::from(threads));
                            let cores = index.run.context.cpu.available_parallelism;
                            if cores.is_some_and(|cores| threads > cores) {
                                oversubscribed = true;
                                text.push(' ');
                                text.push_str(OVERSUBSCRIBED);
                            }
                            text
                        })
                    }
                };
                line.push(marked(cell, &inputs));
            }
            line.extend(versus.cells(i, indexes, row));
        }
        cells.push(line);
    }

    let notes = notes(spec, indexes, &rows, &versus, used_marks, oversubscribed);
    let mut table = Table {
        title: spec.title.clone(),
        columns,
        rows: cells,
        notes,
    };
    super::instructions::append(&mut table, &sources, &rows, indexes);
    Some(table)
}

/// The header: the row header, the references, then per run its sources,
/// derived columns and Python/Rust columns.
fn columns(
    spec: &TableSpec,
    indexes: &[RunIndex<'_>],
    sources: &[&str],
    versus: &PythonVersus<'_>,
) -> Vec<String> {
    let mut columns = vec![spec.row_header.clone()];
    columns.extend(spec.references.iter().map(|r| r.title.clone()));
    for (i, index) in indexes.iter().enumerate() {
        let label = &index.run.label;
        for source in sources {
            columns.push(if sources.len() == 1 {
                label.clone()
            } else {
                format!("{label}: {source}")
            });
        }
        for derived in &spec.derived {
            columns.push(format!("{label}: {}", derived.title));
        }
        columns.extend(versus.titles(i, indexes, sources.len()));
    }
    columns
}

/// A table's notes: the spec's, the core and oversubscription notes, the
/// Python notes, the legend of the marks used, and what each run lacks.
fn notes(
    spec: &TableSpec,
    indexes: &[RunIndex<'_>],
    rows: &[Row<'_>],
    versus: &PythonVersus<'_>,
    used_marks: Vec<Mark>,
    oversubscribed: bool,
) -> Vec<String> {
    let mut notes = spec.notes.clone();
    if indexes
        .iter()
        .any(|index| index.run.context.interpreter.is_some())
    {
        notes.extend(spec.python_notes.iter().cloned());
    }
    if spec.core_note {
        notes.extend(indexes.iter().map(|index| core_note(index.run)));
    }
    if oversubscribed {
        notes.push(format!(
            "{OVERSUBSCRIBED} more threads than the run's available parallelism: oversubscribed, \
             so the efficiency says little about scaling."
        ));
    }
    notes.extend(versus.notes(indexes, rows));
    notes.extend(marks_legend(used_marks));
    for index in indexes {
        let wanted: BTreeSet<&str> = rows
            .iter()
            .flat_map(|row| row.ids.values().map(String::as_str))
            .collect();
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|id| index.time(id).is_none())
            .collect();
        notes.extend(missing_note(&index.run.label, &missing, wanted.len()));
    }
    notes
}

/// "label: 2 cores (2 logical CPUs), available parallelism 2, CPU model".
fn core_note(run: &Run) -> String {
    let cpu = &run.context.cpu;
    let known = |n: Option<u32>| n.map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    format!(
        "{}: {} physical cores, {} logical CPUs, available parallelism {} ({}).",
        run.label,
        known(cpu.physical_cores),
        known(cpu.logical_cpus),
        known(cpu.available_parallelism),
        cpu.model.as_deref().unwrap_or("CPU model unknown"),
    )
}
