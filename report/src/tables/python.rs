//! Python runs beside Rust in the doc tables: the "Python/Rust" columns and
//! their notes.

use super::MISSING;
use super::doc::{Row, RunIndex};
use crate::format;

/// Measured Python runs beside Rust: for each Python run (one whose context
/// has an interpreter) a "Python/Rust" column per source it measured, against
/// the first Rust run of the table. Both times are taken per unit of work (the
/// throughput), since the Python CPU kernel runs fewer points per chunk.
pub(super) struct PythonVersus<'s> {
    /// Index of the Rust run compared with.
    rust: Option<usize>,
    /// Per run: the sources it gets a Python/Rust column for (empty for Rust runs).
    sources: Vec<Vec<&'s str>>,
}

impl<'s> PythonVersus<'s> {
    pub(super) fn new(indexes: &[RunIndex<'_>], rows: &[Row<'_>], sources: &[&'s str]) -> Self {
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

    pub(super) fn titles(
        &self,
        i: usize,
        indexes: &[RunIndex<'_>],
        all_sources: usize,
    ) -> Vec<String> {
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

    pub(super) fn cells(&self, i: usize, indexes: &[RunIndex<'_>], row: &Row<'_>) -> Vec<String> {
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
    pub(super) fn notes(&self, indexes: &[RunIndex<'_>], rows: &[Row<'_>]) -> Vec<String> {
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
