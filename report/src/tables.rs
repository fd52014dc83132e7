//! Tables as data: the doc-shaped "performance expectation" tables are
//! described in a TOML file (`tables.toml`, built in; `--tables FILE` for your
//! own) that says which benchmark fills which row, which figures the doc
//! quotes, and which columns are derived how. This module parses and checks
//! those specs and fills them from runs; it also builds the full per-group
//! tables. Everything here is pure (reading a `--tables` file is
//! `commands::table_specs`): the cells come out as text, already
//! formatted (see `format`), and each renderer only lays them out.
//!
//! A cell with no measurement reads [`MISSING`] and the table gets a note
//! saying which run lacks which benchmark, so a dash is never silent.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog;
use crate::format;
use crate::interference::{self, Mark};
use crate::model::{Benchmark, Metric, Run};
pub use crate::order::{natural_cmp, suite_rank};

/// What an empty cell reads.
pub const MISSING: &str = "-";

/// Marks an efficiency computed with more threads than the run could use.
pub const OVERSUBSCRIBED: &str = "†";

/// How many missing ids a note lists before it says "and N more".
const MISSING_LISTED: usize = 5;

/// The built-in table specs (`report/tables.toml`).
const BUILTIN: &str = include_str!("../tables.toml");

mod instructions;

/// Errors in a table spec file; each names the file and, for a bad value, the
/// table and field.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error("{path}: cannot read table specs: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid table spec file: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: Box<toml::de::Error>,
    },
    #[error("{path}: table '{table}', field '{field}': {message}")]
    Invalid {
        path: PathBuf,
        table: String,
        field: String,
        message: String,
    },
}

/// One doc-shaped table, as written in the spec file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub title: String,
    /// Title of the first column.
    #[serde(default = "default_row_header")]
    pub row_header: String,
    /// The values each row has per run; empty means one, called `time`.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Add a note with each run's cores (for thread-scaling tables).
    #[serde(default)]
    pub core_note: bool,
    #[serde(default)]
    pub notes: Vec<String>,
    /// Notes shown only when a measured Python run is in the table.
    #[serde(default)]
    pub python_notes: Vec<String>,
    #[serde(default, rename = "reference")]
    pub references: Vec<ReferenceSpec>,
    #[serde(default, rename = "row")]
    pub rows: Vec<RowSpec>,
    #[serde(default)]
    pub derived: Vec<DerivedSpec>,
}

/// A column of figures quoted from the doc (not measured by us).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceSpec {
    pub title: String,
}

/// A row: one benchmark id per source, or a pattern that expands to one row
/// per matching benchmark.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    pub label: String,
    /// Name other rows' derived columns use to refer to this row.
    pub key: Option<String>,
    pub id: Option<String>,
    #[serde(default)]
    pub ids: BTreeMap<String, String>,
    pub pattern: Option<String>,
    pub threads: Option<Threads>,
    /// Reference column title -> the doc's figure, as text.
    #[serde(default)]
    pub reference: BTreeMap<String, String>,
}

/// Threads a row ran with, as written: a count, `"max"` (the run's available
/// parallelism) or `"value"` (the benchmark id's parameter). Checked and
/// typed by `Threads::typed`; nothing else matches the words.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Threads {
    Count(u32),
    Word(String),
}

/// The word of a pattern row whose threads are the id's parameter.
const FROM_VALUE: &str = "value";

/// A row's threads, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowThreads {
    Fixed(catalog::Threads),
    /// The matched id's parameter (`.../rayon/8`, `.../rayon/max`).
    FromValue,
}

impl Threads {
    fn typed(&self) -> Result<RowThreads, String> {
        let max = &catalog::get().threads.max;
        match self {
            Threads::Count(0) => Err("must be at least 1".into()),
            Threads::Count(n) => Ok(RowThreads::Fixed(catalog::Threads::Fixed(*n))),
            Threads::Word(w) if w == FROM_VALUE => Ok(RowThreads::FromValue),
            Threads::Word(w) => catalog::Threads::parse(w)
                .filter(|t| *t == catalog::Threads::Max)
                .map(RowThreads::Fixed)
                .ok_or_else(|| {
                    format!("expected a number, \"{max}\" or \"{FROM_VALUE}\", found \"{w}\"")
                }),
        }
    }
}

impl RowSpec {
    /// The row's threads are a valid word for its kind: `"value"` only on
    /// pattern rows (a fixed id has no parameter to take it from).
    fn check_threads(&self) -> Result<(), String> {
        match self.threads.as_ref().map(Threads::typed).transpose()? {
            Some(RowThreads::FromValue) if self.pattern.is_none() => {
                Err(format!("\"{FROM_VALUE}\" only applies to pattern rows"))
            }
            _ => Ok(()),
        }
    }
}

/// A column computed from measured ones, shown once per run.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedSpec {
    pub title: String,
    pub kind: DerivedKind,
    /// Row (by key) the row kinds compare with.
    pub of_row: Option<String>,
    /// Source the row kinds use (default: the first).
    pub source: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DerivedKind {
    /// value(of_row) / value(row): above 1 the row is faster.
    Speedup,
    /// value(row) / value(of_row): the row's cost relative to of_row.
    Relative,
    /// speedup / threads of the row.
    Efficiency,
    /// value(numerator source) / value(denominator source), same row.
    Ratio,
}

/// A filled table: header, rows of formatted cells, and notes (plain text;
/// renderers escape them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

fn default_row_header() -> String {
    "Benchmark".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    #[serde(default, rename = "table")]
    tables: Vec<TableSpec>,
}

/// The built-in doc-shaped tables.
pub fn builtin_specs() -> Vec<TableSpec> {
    parse_specs(BUILTIN, Path::new("<built-in tables.toml>"))
        .expect("the built-in tables.toml is valid (checked by a unit test)")
}

/// Parses and checks table specs; `path` only names the file in errors.
pub fn parse_specs(text: &str, path: &Path) -> Result<Vec<TableSpec>, TablesError> {
    let file: SpecFile = toml::from_str(text).map_err(|source| TablesError::Parse {
        path: path.to_owned(),
        source: Box::new(source),
    })?;
    for spec in &file.tables {
        spec.check()
            .map_err(|(field, message)| TablesError::Invalid {
                path: path.to_owned(),
                table: spec.title.clone(),
                field,
                message,
            })?;
    }
    Ok(file.tables)
}

const DEFAULT_SOURCE: &str = "time";

impl TableSpec {
    /// The source names, `["time"]` when none are given.
    pub fn source_names(&self) -> Vec<&str> {
        if self.sources.is_empty() {
            vec![DEFAULT_SOURCE]
        } else {
            self.sources.iter().map(String::as_str).collect()
        }
    }

    /// Checks what serde cannot: references between fields. Err = (field, why).
    fn check(&self) -> Result<(), (String, String)> {
        let bad = |field: &str, message: String| Err((field.to_owned(), message));
        if self.title.trim().is_empty() {
            return bad("title", "must not be empty".into());
        }
        let sources = self.source_names();
        if let Some(dup) = first_duplicate(sources.iter().copied()) {
            return bad("sources", format!("'{dup}' is listed twice"));
        }
        let references: Vec<&str> = self.references.iter().map(|r| r.title.as_str()).collect();
        if let Some(dup) = first_duplicate(references.iter().copied()) {
            return bad("reference", format!("column '{dup}' is listed twice"));
        }
        if let Some(dup) = first_duplicate(self.rows.iter().filter_map(|r| r.key.as_deref())) {
            return bad("row.key", format!("key '{dup}' is used by two rows"));
        }
        if self.rows.is_empty() {
            return bad("row", "a table needs at least one row".into());
        }
        for row in &self.rows {
            let field = |name: &str| format!("row '{}'.{name}", row.label);
            let given = [row.id.is_some(), !row.ids.is_empty(), row.pattern.is_some()];
            if given.iter().filter(|g| **g).count() != 1 {
                return bad(
                    &field("id"),
                    "give exactly one of 'id', 'ids' or 'pattern'".into(),
                );
            }
            if (row.id.is_some() || row.pattern.is_some()) && sources.len() != 1 {
                return bad(
                    &field("id"),
                    format!(
                        "the table has sources {sources:?}: use ids = {{ <source> = \"<id>\" }}"
                    ),
                );
            }
            for source in row.ids.keys() {
                if !sources.contains(&source.as_str()) {
                    return bad(
                        &field("ids"),
                        format!("unknown source '{source}', expected one of {sources:?}"),
                    );
                }
            }
            for column in row.reference.keys() {
                if !references.contains(&column.as_str()) {
                    return bad(
                        &field("reference"),
                        format!(
                            "unknown reference column '{column}', expected one of {references:?}"
                        ),
                    );
                }
            }
            row.check_threads()
                .map_err(|message| (field("threads"), message))?;
        }
        let keys: Vec<&str> = self.rows.iter().filter_map(|r| r.key.as_deref()).collect();
        for derived in &self.derived {
            let field = |name: &str| format!("derived '{}'.{name}", derived.title);
            let known_source = |name: &str, value: &Option<String>| match value {
                Some(s) if !sources.contains(&s.as_str()) => Err((
                    field(name),
                    format!("unknown source '{s}', expected one of {sources:?}"),
                )),
                _ => Ok(()),
            };
            known_source("source", &derived.source)?;
            known_source("numerator", &derived.numerator)?;
            known_source("denominator", &derived.denominator)?;
            match derived.kind {
                DerivedKind::Ratio => {
                    if derived.numerator.is_none() || derived.denominator.is_none() {
                        return bad(
                            &field("numerator"),
                            "a ratio needs 'numerator' and 'denominator' sources".into(),
                        );
                    }
                }
                _ => match &derived.of_row {
                    None => {
                        return bad(
                            &field("of_row"),
                            "needs the key of the row to compare with".into(),
                        );
                    }
                    Some(key) if !keys.contains(&key.as_str()) => {
                        return bad(
                            &field("of_row"),
                            format!("no row has key '{key}' (keys: {keys:?})"),
                        );
                    }
                    Some(_) => {}
                },
            }
        }
        Ok(())
    }
}

fn first_duplicate<'a>(items: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = BTreeSet::new();
    items.into_iter().find(|item| !seen.insert(*item))
}

/// A run's benchmarks by full id, built once per render.
struct RunIndex<'a> {
    run: &'a Run,
    by_id: HashMap<String, &'a Benchmark>,
}

impl<'a> RunIndex<'a> {
    fn new(run: &'a Run) -> Self {
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
    fn time(&self, id: &str) -> Option<f64> {
        let ns = self.by_id.get(id)?.typical.point;
        (ns.is_finite() && ns > 0.0).then_some(ns)
    }
}

/// A spec row with its pattern expanded.
struct Row<'s> {
    label: String,
    key: Option<&'s str>,
    ids: BTreeMap<&'s str, String>,
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
    let mut columns = vec![spec.row_header.clone()];
    columns.extend(spec.references.iter().map(|r| r.title.clone()));
    for (i, index) in indexes.iter().enumerate() {
        let label = &index.run.label;
        for source in &sources {
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
    notes.extend(versus.notes(indexes, &rows));
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
    let mut table = Table {
        title: spec.title.clone(),
        columns,
        rows: cells,
        notes,
    };
    instructions::append(&mut table, &sources, &rows, indexes);
    Some(table)
}

/// Measured Python runs beside Rust: for each Python run (one whose context
/// has an interpreter) a "Python/Rust" column per source it measured, against
/// the first Rust run of the table. Both times are taken per unit of work (the
/// throughput), since the Python CPU kernel runs fewer points per chunk.
struct PythonVersus<'s> {
    /// Index of the Rust run compared with.
    rust: Option<usize>,
    /// Per run: the sources it gets a Python/Rust column for (empty for Rust runs).
    sources: Vec<Vec<&'s str>>,
}

impl<'s> PythonVersus<'s> {
    fn new(indexes: &[RunIndex<'_>], rows: &[Row<'_>], sources: &[&'s str]) -> Self {
        let is_python = |index: &RunIndex<'_>| index.run.context.interpreter.is_some();
        let rust = indexes.iter().position(|index| !is_python(index));
        let sources = indexes
            .iter()
            .map(|index| match rust {
                Some(r) if is_python(index) => sources
                    .iter()
                    .copied()
                    .filter(|source| {
                        rows.iter().any(|row| {
                            row.ids.get(source).is_some_and(|id| {
                                index.time(id).is_some() && indexes[r].time(id).is_some()
                            })
                        })
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        PythonVersus { rust, sources }
    }

    fn titles(&self, i: usize, indexes: &[RunIndex<'_>], all_sources: usize) -> Vec<String> {
        if self.rust.is_none() {
            return Vec::new();
        }
        let python = &indexes[i].run.label;
        self.sources[i]
            .iter()
            .map(|source| match all_sources {
                1 => format!("{python}: Python/Rust"),
                _ => format!("{python}: {source} Python/Rust"),
            })
            .collect()
    }

    fn cells(&self, i: usize, indexes: &[RunIndex<'_>], row: &Row<'_>) -> Vec<String> {
        let Some(rust) = self.rust else {
            return Vec::new();
        };
        let per_unit = |index: &RunIndex<'_>, id: &str| {
            let bench = index.by_id.get(id)?;
            Some(index.time(id)? / crate::python::work(bench).unwrap_or(1.0))
        };
        self.sources[i]
            .iter()
            .map(|source| {
                row.ids
                    .get(source)
                    .and_then(|id| Some(per_unit(&indexes[i], id)? / per_unit(&indexes[rust], id)?))
                    .map_or_else(|| MISSING.to_owned(), format::ratio)
            })
            .collect()
    }

    /// What the ratio means, and what each Python run could not measure.
    fn notes(&self, indexes: &[RunIndex<'_>], rows: &[Row<'_>]) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(rust) = self.rust
            && self.sources.iter().any(|s| !s.is_empty())
        {
            notes.push(format!(
                "Python/Rust = the Python run's time per unit of work / {}'s, same benchmark id \
                 (above 1x = Python is slower). Python CPU kernel: the same 840 chunks and seed \
                 with fewer points per chunk, so its times compare per point.",
                indexes[rust].run.label
            ));
        }
        for index in indexes {
            let Some(interpreter) = &index.run.context.interpreter else {
                continue;
            };
            for row in rows {
                for id in row.ids.values() {
                    if let Some(reason) = interpreter.unavailable.get(id) {
                        notes.push(format!("{}: {id} unavailable ({reason}).", index.run.label));
                    }
                }
            }
        }
        notes
    }
}

/// One legend note per mark used in a table.
fn marks_legend(mut used: Vec<Mark>) -> Vec<String> {
    used.sort();
    used.dedup();
    used.into_iter().map(|m| m.legend().to_owned()).collect()
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

/// The note for a run's missing cells, or none when nothing is missing.
fn missing_note(label: &str, missing: &[&str], wanted: usize) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    if missing.len() == wanted {
        return Some(format!("{label}: has none of this table's benchmarks."));
    }
    let mut listed = missing
        .iter()
        .take(MISSING_LISTED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if missing.len() > MISSING_LISTED {
        listed.push_str(&format!(" and {} more", missing.len() - MISSING_LISTED));
    }
    Some(format!(
        "{label}: no result for {listed} (shown as {MISSING})."
    ))
}

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

/// A non-time metric with its unit: ratios as `5.2x`, bytes with prefixes,
/// other quantities with three to four significant digits (`98.48 %`).
pub fn metric_value(metric: &Metric) -> String {
    if !metric.value.is_finite() {
        return format::NOT_A_NUMBER.to_owned();
    }
    match metric.unit.as_str() {
        "x" => format::ratio(metric.value),
        "bytes" | "B" => format::bytes(metric.value),
        "" => format::number(metric.value),
        unit => format!("{} {unit}", format::number(metric.value)),
    }
}

/// `*` matches any text within one `/`-separated segment; the rest literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((prefix, rest)) => {
            let Some(text) = text.strip_prefix(prefix) else {
                return false;
            };
            // Try every split point up to the end of the current segment.
            let segment_end = text.find('/').unwrap_or(text.len());
            (0..=segment_end)
                .filter(|i| text.is_char_boundary(*i))
                .any(|i| glob_match(rest, &text[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BenchmarkId, BuildContext, Estimate, Percentiles, Sampling, SamplingMode};

    #[test]
    fn builtin_specs_parse_and_cover_the_doc_tables() {
        let specs = builtin_specs();
        let titles: Vec<&str> = specs.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles.len(), 4, "{titles:?}");
        assert!(titles[0].starts_with("Parallel scaling"));
        assert_eq!(titles[1..], ["UUID Generation", "Compression", "Async"]);
    }

    fn bench(id: &str, ns: f64) -> Benchmark {
        let mut parts = id.splitn(3, '/').map(str::to_owned);
        let group = [parts.next(), parts.next()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        let rest: Option<String> = parts.next();
        let (function, value) = match rest.as_deref().and_then(|r| r.rsplit_once('/')) {
            Some((f, v)) => (Some(f.to_owned()), Some(v.to_owned())),
            None => (rest, None),
        };
        let estimate = Estimate {
            point: ns,
            lower: ns,
            upper: ns,
            confidence: 0.95,
            standard_error: 0.0,
        };
        Benchmark {
            id: BenchmarkId {
                group: group.join("/"),
                function,
                value,
            },
            directory: id.to_owned(),
            typical: estimate,
            mean: estimate,
            median: estimate,
            std_dev: estimate,
            median_abs_dev: estimate,
            slope: None,
            percentiles: Percentiles {
                p50: ns,
                p95: ns,
                p99: ns,
                reliable: true,
            },
            sampling: Sampling {
                mode: SamplingMode::Linear,
                samples: 10,
                iterations: 55,
                per_iteration_ns: vec![ns; 10],
            },
            throughput: None,
            metrics: Vec::new(),
            interference: None,
        }
    }

    fn run(label: &str, cores: u32, benches: &[(&str, f64)]) -> Run {
        let mut context = BuildContext::default();
        context.cpu.available_parallelism = Some(cores);
        Run {
            schema: crate::model::SCHEMA,
            label: label.to_owned(),
            baseline: "new".to_owned(),
            context,
            benchmarks: benches.iter().map(|(id, ns)| bench(id, *ns)).collect(),
            resources: None,
        }
    }

    const SCALING: &str = r#"
        [[table]]
        title = "Scaling"
        [[table.reference]]
        title = "doc"
        [[table.row]]
        label = "serial"
        key = "serial"
        id = "cpu/k/serial/1"
        threads = 1
        reference = { doc = "250ms" }
        [[table.row]]
        label = "{value} threads"
        pattern = "cpu/k/rayon/*"
        threads = "value"
        [[table.derived]]
        title = "speedup"
        kind = "speedup"
        of_row = "serial"
        [[table.derived]]
        title = "efficiency"
        kind = "efficiency"
        of_row = "serial"
    "#;

    fn specs(text: &str) -> Vec<TableSpec> {
        parse_specs(text, Path::new("test.toml")).expect("valid specs")
    }

    #[test]
    fn speedup_and_efficiency_follow_the_threads_of_each_row() {
        let runs = [
            run(
                "a",
                4,
                &[
                    ("cpu/k/serial/1", 400.0),
                    ("cpu/k/rayon/2", 200.0),
                    ("cpu/k/rayon/8", 100.0),
                    ("cpu/k/rayon/max", 125.0),
                ],
            ),
            run(
                "b",
                2,
                &[("cpu/k/serial/1", 300.0), ("cpu/k/rayon/2", 300.0)],
            ),
        ];
        let tables = doc_tables(&runs, &specs(SCALING));
        let t = &tables[0];
        assert_eq!(
            t.columns,
            [
                "Benchmark",
                "doc",
                "a",
                "a: speedup",
                "a: efficiency",
                "b",
                "b: speedup",
                "b: efficiency"
            ]
        );
        let labels: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(labels, ["serial", "2 threads", "8 threads", "max threads"]);
        assert_eq!(
            t.rows[0][1..],
            [
                "250ms", "400.0 ns", "1.0x", "100.0%", "300.0 ns", "1.0x", "100.0%"
            ]
        );
        assert_eq!(
            t.rows[1][2..],
            ["200.0 ns", "2.0x", "100.0%", "300.0 ns", "1.0x", "50.0%"]
        );
        // 8 threads on 4 cores: 4x speedup, 50 % efficiency, flagged oversubscribed.
        assert_eq!(t.rows[2][2..5], ["100.0 ns", "4.0x", "50.0% †"]);
        assert_eq!(t.rows[2][5..], ["-", "-", "-"]);
        // "max" = the run's available parallelism (4): 3.2x / 4 = 80 %.
        assert_eq!(t.rows[3][4], "80.0%");
        assert!(t.notes.iter().any(|n| n.starts_with("† more threads")));
        assert!(
            t.notes.contains(
                &"b: no result for cpu/k/rayon/8, cpu/k/rayon/max (shown as -).".to_owned()
            ),
            "{:?}",
            t.notes
        );
    }

    #[test]
    fn ratio_columns_divide_two_sources_of_a_row() {
        let text = r#"
            [[table]]
            title = "Codecs"
            sources = ["gzip", "zstd"]
            [[table.row]]
            label = "Compress"
            ids = { gzip = "c/c/gzip/x", zstd = "c/c/zstd/x" }
            [[table.derived]]
            title = "Improvement"
            kind = "ratio"
            numerator = "gzip"
            denominator = "zstd"
        "#;
        let runs = [run(
            "r",
            2,
            &[("c/c/gzip/x", 5.2e6), ("c/c/zstd/x", 0.23e6)],
        )];
        let t = &doc_tables(&runs, &specs(text))[0];
        assert_eq!(
            t.columns,
            ["Benchmark", "r: gzip", "r: zstd", "r: Improvement"]
        );
        assert_eq!(t.rows[0], ["Compress", "5.20 ms", "230.0 µs", "22.6x"]);
        assert!(t.notes.is_empty(), "{:?}", t.notes);
    }

    #[test]
    fn tables_without_any_data_are_left_out_and_empty_runs_get_a_note() {
        let runs = [
            run("has", 2, &[("cpu/k/serial/1", 1.0)]),
            run("lacks", 2, &[("other/x/y/1", 1.0)]),
        ];
        let tables = doc_tables(&runs, &specs(SCALING));
        assert_eq!(tables.len(), 1);
        assert!(
            tables[0]
                .notes
                .contains(&"lacks: has none of this table's benchmarks.".to_owned())
        );
        let none = doc_tables(&runs[1..], &specs(SCALING));
        assert!(none.is_empty());
    }

    #[test]
    fn group_tables_have_one_column_per_run_and_dashes_for_gaps() {
        let runs = [
            run(
                "a",
                2,
                &[("g/q/x/10", 1e3), ("g/q/x/2", 2e3), ("h/q/y/1", 3.0)],
            ),
            run("b", 2, &[("g/q/x/2", 4e3)]),
        ];
        let tables = group_tables(&runs);
        let titles: Vec<&str> = tables.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["g/q", "h/q"]);
        assert_eq!(tables[0].columns, ["Benchmark", "a", "b"]);
        assert_eq!(
            tables[0].rows,
            [["x/2", "2.00 µs", "4.00 µs"], ["x/10", "1.00 µs", "-"]]
        );
        assert_eq!(tables[0].notes, ["b: no result for g/q/x/10 (shown as -)."]);
        assert_eq!(tables[1].notes, ["b: has none of this table's benchmarks."]);
    }

    #[test]
    fn spec_errors_name_file_table_and_field() {
        let bad = |text: &str| {
            parse_specs(text, Path::new("my.toml"))
                .unwrap_err()
                .to_string()
        };
        let err = bad(&SCALING.replace(
            "of_row = \"serial\"\n        [[table.derived]]",
            "of_row = \"nope\"\n        [[table.derived]]",
        ));
        assert_eq!(
            err,
            "my.toml: table 'Scaling', field 'derived 'speedup'.of_row': no row has key 'nope' (keys: [\"serial\"])"
        );
        let err = bad(&SCALING.replace("reference = { doc", "reference = { docs"));
        assert!(err.starts_with("my.toml: table 'Scaling', field 'row 'serial'.reference': unknown reference column 'docs'"), "{err}");
        let err = bad(&SCALING.replace("threads = 1", "threads = \"all\""));
        assert!(err.contains("field 'row 'serial'.threads'"), "{err}");
        let err = bad(&SCALING.replace("threads = 1", "threads = \"value\""));
        assert!(
            err.ends_with("field 'row 'serial'.threads': \"value\" only applies to pattern rows"),
            "{err}"
        );
        let err = bad(&SCALING.replace("threads = 1", "threads = 0"));
        assert!(err.ends_with("must be at least 1"), "{err}");
        let err = bad("[[table]]\ntitle = \"T\"\nrowz = 1\n");
        assert!(
            err.starts_with("my.toml: not a valid table spec file:") && err.contains("rowz"),
            "{err}"
        );
        let err = bad(
            "[[table]]\ntitle = \"T\"\nsources = [\"a\", \"b\"]\n[[table.row]]\nlabel = \"r\"\nid = \"x\"\n",
        );
        assert!(err.contains("field 'row 'r'.id'"), "{err}");
    }

    #[test]
    fn glob_stays_within_a_segment() {
        assert!(glob_match("cpu/kernel/rayon/*", "cpu/kernel/rayon/8"));
        assert!(glob_match("cpu/kernel/*/max", "cpu/kernel/scoped/max"));
        assert!(glob_match("a/*-3/*", "a/zstd-3/json"));
        assert!(!glob_match("cpu/kernel/*", "cpu/kernel/rayon/8"));
        assert!(!glob_match("cpu/*/rayon", "cpu/kernel/x/rayon"));
    }
}
