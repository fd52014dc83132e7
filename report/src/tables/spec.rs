//! The table spec format (`tables.toml`, `--tables FILE`): its serde schema
//! and the check that names the table and field of a bad value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog;

/// The built-in table specs (`report/tables.toml`).
const BUILTIN: &str = include_str!("../../tables.toml");

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
pub(super) enum RowThreads {
    Fixed(catalog::Threads),
    /// The matched id's parameter (`.../rayon/8`, `.../rayon/max`).
    FromValue,
}

impl Threads {
    pub(super) fn typed(&self) -> Result<RowThreads, String> {
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
