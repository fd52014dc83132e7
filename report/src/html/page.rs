//! The page: the context structs the template (`templates/report.html.tera`)
//! is fed, and the one call that renders it.
//!
//! The template, its CSS and its one script are embedded (`include_str!`),
//! so the binary needs no file at run time and the page needs nothing but
//! itself. The template is registered under a `.html` name, which turns
//! tera's auto-escaping on: every label, id and context value is escaped;
//! only the chart SVGs (escaped by plotters), the CSS and script (ours) and
//! the detail JSON (escaped for a script element, see `detail`) and the
//! summaries under the group tables (escaped as they are built, see
//! `summary`) are inserted with `safe`. The Content-Security-Policy allows that script by its hash
//! and nothing else.

use serde::Serialize;
use tera::{Context, Tera};

use super::{HtmlError, chart_sections, reference_index};
use super::{detail, labels, sha256, views};
use crate::facts;
use crate::model::{BuildContext, Run};
use crate::tables::{self, TableSpec};

const TEMPLATE: &str = include_str!("../../templates/report.html.tera");
const CSS: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

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
    script: &'a str,
    /// CSP source allowing exactly `script`.
    script_hash: String,
    /// The detail data (`detail::DetailData`), escaped for a script element.
    data_json: String,
    version: &'a str,
    benchmark_count: usize,
    reference: &'a str,
    /// Set when a long history keeps the tables to the latest runs.
    shown_note: Option<String>,
    /// Set when the page has too many benchmarks for their details.
    detail_note: Option<String>,
    runs: Vec<RunRow>,
    history: Option<views::SectionView>,
    doc_tables: Vec<views::TableView>,
    chart_sections: Vec<views::SectionView>,
    group_tables: Vec<views::TableView>,
    group_index: Vec<views::GroupLink>,
    contexts: Vec<RunContext>,
}

/// One line of the run list at the top.
#[derive(Debug, Serialize)]
struct RunRow {
    /// Its build context's fragment id; empty when the page leaves it out.
    anchor: String,
    label: String,
    /// The column-header name of the run (`labels::short_labels`).
    short: String,
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

/// The runs whose samples [`render`] reads: those the tables and details
/// show, and those the history classifies changes between; `report html`
/// reads only these runs' samples (`store::load_runs_sampling`).
pub fn sampled_runs(runs: &[Run], reference: Option<&str>) -> Vec<usize> {
    let mut out = crate::history::sampled_runs(runs);
    // An unknown reference is reported by `render`; any run will do here.
    let reference = reference_index(runs, reference).unwrap_or(0);
    out.extend(views::table_runs(runs, reference));
    out
}

/// Benchmarks a page gives details (samples, summaries) at most: 200,000
/// benchmarks of 100 samples would be hundreds of megabytes of page.
pub(crate) const DETAIL_LIMIT: usize = 20_000;

/// The whole HTML document for these runs.
pub fn render(runs: &[Run], options: &HtmlOptions) -> Result<String, HtmlError> {
    render_limited(runs, options, DETAIL_LIMIT)
}

/// The note saying the details of `benchmarks` (more than `limit`) are left
/// out, and how to get them.
fn detail_note(benchmarks: usize, limit: usize) -> String {
    format!(
        "This page shows {benchmarks} benchmarks, more than the {limit} it gives details for: \
         the samples, percentiles and outlier counts of each benchmark (the summary under each \
         table and the detail a benchmark name opens) and the chart of each group are left out \
         to keep the page small. \
         report html --filter REGEX makes a page of the matching benchmarks with them."
    )
}

/// [`render`] with details for at most `limit` benchmarks.
fn render_limited(runs: &[Run], options: &HtmlOptions, limit: usize) -> Result<String, HtmlError> {
    let reference = reference_index(runs, options.reference.as_deref())?;
    let anchors: Vec<String> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| format!("run-{}-{}", i + 1, super::anchor(&r.label)))
        .collect();
    let short_all = labels::short_labels(runs);
    let history = views::history_section(runs)?;
    // A long history keeps the tables, charts and contexts to the latest
    // runs; the history section shows the trend over the rest.
    let shown_index = views::table_runs(runs, reference);
    let cut = shown_index.len() < runs.len();
    let shown: std::borrow::Cow<'_, [Run]> = if cut {
        std::borrow::Cow::Owned(shown_index.iter().map(|&i| runs[i].clone()).collect())
    } else {
        std::borrow::Cow::Borrowed(runs)
    };
    let short: Vec<String> = shown_index.iter().map(|&i| short_all[i].clone()).collect();
    let reference_shown = shown_index
        .iter()
        .position(|&i| i == reference)
        .expect("the reference run is always shown");
    let benchmarks = detail::benchmark_count(&shown);
    let details = benchmarks <= limit;
    let group_tables = views::group_tables(&tables::group_tables(&shown), &shown, &short, details);
    let group_index = views::group_index(&group_tables, history.as_ref());
    let data_json = detail::script_json(&detail::data(&shown, &short, details))
        .map_err(|e| HtmlError::Template(format!("the detail data: {e}")))?;
    let page = Page {
        css: CSS,
        script: SCRIPT,
        script_hash: sha256::csp_source(SCRIPT),
        data_json,
        version: env!("CARGO_PKG_VERSION"),
        benchmark_count: runs.iter().map(|r| r.benchmarks.len()).sum(),
        reference: &runs[reference].label,
        shown_note: cut.then(|| {
            format!(
                "Tables, charts and build contexts show the latest {} of {} runs (and the reference); \
                 the History shows how every cell moved over time.",
                shown_index.len(),
                runs.len()
            )
        }),
        detail_note: (!details).then(|| detail_note(benchmarks, limit)),
        runs: runs
            .iter()
            .enumerate()
            .zip(&anchors)
            .zip(&short_all)
            .map(|(((i, r), a), s)| RunRow {
                anchor: if shown_index.binary_search(&i).is_ok() {
                    a.clone()
                } else {
                    String::new()
                },
                label: r.label.clone(),
                short: s.clone(),
                cell: r.cell().to_string(),
                benchmarks: r.benchmarks.len(),
                recorded_at: or_unknown(r.context.recorded_at.as_ref()),
                commit: commit(&r.context),
            })
            .collect(),
        history,
        doc_tables: views::doc_tables(
            &tables::doc_tables(&shown, &options.specs),
            &shown,
            &short,
        ),
        chart_sections: chart_sections(&shown, reference_shown, details)?
            .into_iter()
            .map(views::SectionView::from)
            .collect(),
        group_tables,
        group_index,
        contexts: shown_index
            .iter()
            .map(|&i| RunContext {
                anchor: anchors[i].clone(),
                label: runs[i].label.clone(),
                rows: context_rows(&runs[i]),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn above_the_limit_details_are_left_out_with_a_note_saying_how_to_get_them() {
        let runs = crate::synth::synthetic_runs(2, 40);
        let options = HtmlOptions::default();
        let count = detail::benchmark_count(&runs);
        assert!(count >= 40);
        let full = render_limited(&runs, &options, count).unwrap();
        let capped = render_limited(&runs, &options, count - 1).unwrap();
        assert!(full.contains("<details class=\"stats\">"));
        assert!(!full.contains("details-left-out"));
        assert!(full.contains("\"left_out\":false"));
        assert!(!capped.contains("<details class=\"stats\">"));
        let note = detail_note(count, count - 1);
        assert!(capped.contains(&note), "{note}");
        assert!(capped.contains("--filter REGEX"));
        assert!(capped.contains("\"benchmarks\":{}") && capped.contains("\"left_out\":true"));
        // The tables are all still there, and the charts but the per-group
        // ones, which a note stands for.
        assert_eq!(
            full.matches("<tr data-id=").count(),
            capped.matches("<tr data-id=").count()
        );
        assert!(full.contains("id=\"group-1-") && !capped.contains("id=\"group-1-"));
        assert!(capped.contains("id=\"groups-left-out\"") && !full.contains("groups-left-out"));
        assert!(capped.contains("id=\"chart-matrix\"") && capped.contains("id=\"scaling\""));
        assert!(capped.len() < full.len());
    }
}
