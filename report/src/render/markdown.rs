//! The markdown report: the doc-shaped tables, then one table per group with
//! every benchmark of every run (the latest [`MAX_TABLE_RUNS`] of a long
//! history), then the runs themselves (what produced each column). Tables are laid out here (escaped, padded pipe tables); the page
//! around them is the tera template `templates/report.md.tera`.

use serde::Serialize;

use crate::facts;
use crate::model::Run;
use crate::render::{escape_markdown, pad, width};
use crate::tables::{MISSING, Table, TableSpec, doc_tables, group_tables};

const TEMPLATE: &str = include_str!("../../templates/report.md.tera");
const TEMPLATE_NAME: &str = "report.md";

/// Rendering failed: only possible if the embedded template is broken.
#[derive(Debug, thiserror::Error)]
#[error("markdown template: {0}")]
pub struct MarkdownError(#[from] tera::Error);

#[derive(Serialize)]
struct Page {
    summary: String,
    doc_tables: Vec<Section>,
    /// The history tables, when the runs span commits of one cell.
    history: Option<String>,
    group_tables: Vec<Section>,
    runs_table: String,
}

#[derive(Serialize)]
struct Section {
    title: String,
    table: String,
    notes: Vec<String>,
}

impl Section {
    fn new(table: &Table) -> Self {
        Section {
            title: escape_markdown(&table.title),
            table: pipe_table(&table.columns, &table.rows),
            notes: table.notes.iter().map(|n| escape_markdown(n)).collect(),
        }
    }
}

/// Runs the doc, group and runs tables show at most: a CI history of a
/// thousand runs would make a thousand columns; the History section shows
/// the trend over all of them.
pub const MAX_TABLE_RUNS: usize = 8;

/// The runs the tables show ([`MAX_TABLE_RUNS`], the latest by
/// `recorded_at`), as indices into `runs`.
pub fn table_runs(runs: &[Run]) -> Vec<usize> {
    crate::history::latest(runs, MAX_TABLE_RUNS, None)
}

/// Renders the report of `runs` (one column each, in this order, the latest
/// [`MAX_TABLE_RUNS`] when there are more) with the doc-shaped tables of `specs`.
pub fn render(runs: &[Run], specs: &[TableSpec]) -> Result<String, MarkdownError> {
    let benchmarks: usize = runs.iter().map(|r| r.benchmarks.len()).sum();
    let shown_index = table_runs(runs);
    let cut = shown_index.len() < runs.len();
    let shown: std::borrow::Cow<'_, [Run]> = if cut {
        std::borrow::Cow::Owned(shown_index.iter().map(|&i| runs[i].clone()).collect())
    } else {
        std::borrow::Cow::Borrowed(runs)
    };
    let mut summary = format!(
        "{} run{}, {} benchmark result{}.",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        benchmarks,
        if benchmarks == 1 { "" } else { "s" },
    );
    if cut {
        summary.push_str(&format!(
            " The tables show the latest {} runs; {} older ones are left out of them \
             (the History shows every cell over time).",
            shown.len(),
            runs.len() - shown.len()
        ));
    }
    let page = Page {
        summary,
        doc_tables: doc_tables(&shown, specs).iter().map(Section::new).collect(),
        history: crate::render::history::history_markdown(runs),
        group_tables: group_tables(&shown).iter().map(Section::new).collect(),
        runs_table: runs_table(&shown),
    };
    let mut tera = tera::Tera::default();
    tera.add_raw_template(TEMPLATE_NAME, TEMPLATE)?;
    let context = tera::Context::from_serialize(&page)?;
    Ok(tera.render(TEMPLATE_NAME, &context)?)
}

/// What produced each column: every fact of every run ([`facts::facts`]),
/// one row per fact and one column per run, as the group tables are laid out.
fn runs_table(runs: &[Run]) -> String {
    let mut columns = vec!["Run".to_owned()];
    columns.extend(runs.iter().map(|r| r.label.clone()));
    let per_run: Vec<Vec<facts::Fact>> = runs.iter().map(facts::facts).collect();
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for fact in per_run.iter().flatten() {
        if !keys.iter().any(|(k, _)| *k == fact.key) {
            keys.push((fact.key, fact.label));
        }
    }
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|(key, label)| {
            let mut row = vec![(*label).to_owned()];
            row.extend(per_run.iter().map(|facts| facts::value(facts, key)));
            row
        })
        .collect();
    pipe_table(&columns, &rows)
}

/// A GitHub-flavoured pipe table: cells escaped and padded so the source
/// reads as a table too. Columns of numbers (every cell but the dashes starts
/// with a digit) are right-aligned, text columns left-aligned.
pub fn pipe_table(columns: &[String], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = columns.iter().map(|c| escape_markdown(c)).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| escape_markdown(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h).max(3)).collect();
    for row in &body {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let numeric: Vec<bool> = (0..widths.len())
        .map(|i| {
            let mut cells = rows
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|c| *c != MISSING);
            i > 0 && cells.all(|c| c.starts_with(|ch: char| ch.is_ascii_digit()))
        })
        .collect();
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            out.push(' ');
            pad(out, cells.get(i).map_or("", String::as_str), *w, numeric[i]);
            out.push_str(" |");
        }
        out.push('\n');
    };
    line(&mut out, &header);
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        out.push(' ');
        if !numeric[i] {
            out.push_str(&"-".repeat(*w));
        } else {
            out.push_str(&"-".repeat(w - 1));
            out.push(':');
        }
        out.push_str(" |");
    }
    out.push('\n');
    for row in &body {
        line(&mut out, row);
    }
    out.pop(); // the template places the table's final newline
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_tables_escape_and_align() {
        let columns = vec!["Name".to_owned(), "a|b".to_owned()];
        let rows = vec![vec!["x<y>".to_owned(), "2.35 µs".to_owned()]];
        assert_eq!(
            pipe_table(&columns, &rows),
            "| Name       |    a\\|b |\n\
             | ---------- | ------: |\n\
             | x&lt;y&gt; | 2.35 µs |"
        );
    }
}
