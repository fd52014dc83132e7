//! The compact "instructions" columns of the doc tables: for each run that
//! holds instruction counts (`report run --instructions`), one column per
//! source beside the times, with the count of each single-threaded row.
//! Multi-threaded rows say "not counted" instead of a number: valgrind runs
//! one thread at a time, so their count would be the serial work plus
//! scheduling, not what their time measures (`docs/diff-method.md` §10).

use super::doc::{Row, RunIndex};
use super::{MISSING, Table};
use crate::format;
use crate::gungraun::INSTRUCTIONS;
use crate::threads::Threads;

/// The cell of a multi-threaded row.
pub(super) const NOT_COUNTED: &str = "not counted";

/// The note under a table with a [`NOT_COUNTED`] cell.
pub(super) const NOT_COUNTED_NOTE: &str = "Instructions: \"not counted\" rows are multi-threaded \
     (valgrind serialises threads, so a count would not describe what the time measures).";

/// Whether `index`'s run counted instructions at all: runs without counts
/// get no column, so tables of time-only runs stay as they were.
fn has_counts(index: &RunIndex<'_>) -> bool {
    index
        .run
        .benchmarks
        .iter()
        .any(|b| b.metrics.iter().any(|m| m.name == INSTRUCTIONS))
}

/// The instructions cell of `id` in `index`'s run.
fn cell(index: &RunIndex<'_>, id: Option<&String>) -> (String, bool) {
    let Some(id) = id else {
        return (MISSING.to_owned(), false);
    };
    if Threads::of_id(id) != Threads::Fixed(1) {
        return (NOT_COUNTED.to_owned(), true);
    }
    let count = index
        .by_id
        .get(id.as_str())
        .and_then(|b| b.metrics.iter().find(|m| m.name == INSTRUCTIONS))
        .map_or_else(|| MISSING.to_owned(), |m| format::count(m.value));
    (count, false)
}

/// Appends the instructions columns (after every run's time columns, so the
/// time columns keep their places) and the note when a row is not counted.
pub(super) fn append(
    table: &mut Table,
    sources: &[&str],
    rows: &[Row<'_>],
    indexes: &[RunIndex<'_>],
) {
    let mut not_counted = false;
    for index in indexes.iter().filter(|index| has_counts(index)) {
        for source in sources {
            table.columns.push(if sources.len() == 1 {
                format!("{}: instructions", index.run.label)
            } else {
                format!("{}: {source} instructions", index.run.label)
            });
            for (line, row) in table.rows.iter_mut().zip(rows) {
                let (text, multi) = cell(index, row.ids.get(*source));
                not_counted |= multi;
                line.push(text);
            }
        }
    }
    if not_counted {
        table.notes.push(NOT_COUNTED_NOTE.to_owned());
    }
}
