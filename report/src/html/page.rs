//! The page: the context structs the template (`templates/report.html.tera`)
//! is fed, and the one call that renders it.
//!
//! The template and its CSS are embedded (`include_str!`), so the binary needs
//! no file at run time and the page needs nothing but itself. The template is
//! registered under a `.html` name, which turns tera's auto-escaping on: every
//! label, id and context value is escaped; only the chart SVGs (escaped by
//! plotters) and the CSS (ours) are inserted with `safe`.

use serde::Serialize;
use tera::{Context, Tera};

use super::{ChartSection, HtmlError, chart_sections, reference_index};
use crate::facts;
use crate::model::{BuildContext, Run};
use crate::tables::{self, Table, TableSpec};

const TEMPLATE: &str = include_str!("../../templates/report.html.tera");
const CSS: &str = include_str!("../../templates/report.css");

/// What the page needs besides the runs.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// Label of the heat map's reference run (default: the first run).
    pub reference: Option<String>,
    /// Doc-shaped table specs (`tables::builtin_specs()` unless `--tables`).
    pub specs: Vec<TableSpec>,
}

#[derive(Debug, Serialize)]
struct Page<'a> {
    css: &'a str,
    version: &'a str,
    benchmark_count: usize,
    reference: &'a str,
    runs: Vec<RunRow>,
    doc_tables: Vec<Table>,
    chart_sections: Vec<ChartSection>,
    group_tables: Vec<Table>,
    contexts: Vec<RunContext>,
}

/// One line of the run list at the top.
#[derive(Debug, Serialize)]
struct RunRow {
    anchor: String,
    label: String,
    cell: String,
    benchmarks: usize,
    recorded_at: String,
    commit: String,
}

/// A run's build context as label/value rows.
#[derive(Debug, Serialize)]
struct RunContext {
    anchor: String,
    label: String,
    rows: Vec<(String, String)>,
}

fn or_unknown(v: Option<impl ToString>) -> String {
    v.map_or_else(|| facts::UNKNOWN.to_owned(), |v| v.to_string())
}

/// The run list's short commit: 12 hex digits, `(dirty)` when it was.
fn commit(ctx: &BuildContext) -> String {
    match (&ctx.git.commit, ctx.git.dirty) {
        (Some(c), Some(true)) => format!("{} (dirty)", short(c)),
        (Some(c), _) => short(c).to_owned(),
        (None, _) => facts::UNKNOWN.to_owned(),
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Every fact of the run ([`facts::facts`]) as a label/value row.
fn context_rows(run: &Run) -> Vec<(String, String)> {
    facts::facts(run)
        .into_iter()
        .map(|f| (f.label.to_owned(), f.value))
        .collect()
}

/// The whole HTML document for these runs.
pub fn render(runs: &[Run], options: &HtmlOptions) -> Result<String, HtmlError> {
    let reference = reference_index(runs, options.reference.as_deref())?;
    let anchors: Vec<String> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| format!("run-{}-{}", i + 1, super::anchor(&r.label)))
        .collect();
    let page = Page {
        css: CSS,
        version: env!("CARGO_PKG_VERSION"),
        benchmark_count: runs.iter().map(|r| r.benchmarks.len()).sum(),
        reference: &runs[reference].label,
        runs: runs
            .iter()
            .zip(&anchors)
            .map(|(r, a)| RunRow {
                anchor: a.clone(),
                label: r.label.clone(),
                cell: r.cell().to_string(),
                benchmarks: r.benchmarks.len(),
                recorded_at: or_unknown(r.context.recorded_at.as_ref()),
                commit: commit(&r.context),
            })
            .collect(),
        doc_tables: tables::doc_tables(runs, &options.specs),
        chart_sections: chart_sections(runs, reference)?,
        group_tables: tables::group_tables(runs),
        contexts: runs
            .iter()
            .zip(&anchors)
            .map(|(r, a)| RunContext {
                anchor: a.clone(),
                label: r.label.clone(),
                rows: context_rows(r),
            })
            .collect(),
    };
    let mut tera = Tera::default();
    tera.add_raw_template("report.html", TEMPLATE)
        .map_err(|e| HtmlError::Template(error_chain(&e)))?;
    let context =
        Context::from_serialize(&page).map_err(|e| HtmlError::Template(error_chain(&e)))?;
    tera.render("report.html", &context)
        .map_err(|e| HtmlError::Template(error_chain(&e)))
}

/// Tera's errors keep the useful part in their sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
