//! The self-contained HTML report: charts drawn as inline SVG with plotters,
//! the doc-shaped and per-group tables, and each run's build context, put
//! together by one tera template (`templates/report.html.tera`, embedded).
//!
//! One file per chart kind, each a pure function from runs to SVG text:
//! [`scaling`] (speedup vs threads), [`groups`] (grouped bars per group, via
//! [`bars`]), [`compression`] (ratio vs speed, decompression speed),
//! [`uuid`] (per-id cost, SQLite time and size) and [`heatmap`] (benchmarks x
//! runs relative to a reference). [`page`] assembles the document.
//!
//! [`history`] draws a benchmark's typical time across the runs of a cell;
//! [`detail`] embeds the samples each benchmark's detail view is drawn from
//! by the page's one script (`templates/report.js`: search, sortable tables,
//! details); [`views`] gives tables ids and short headers ([`labels`]).
//!
//! Invariants: nothing here does I/O; the output loads nothing (no network,
//! no external file) and runs only its own script, allowed by hash
//! ([`sha256`]); every name that came from a run file is escaped, by tera in
//! the page, by plotters' SVG backend in the charts, for a script element in
//! the detail JSON, and set as text by the script; a chart without data is
//! replaced by a note, never drawn empty; without JavaScript every table and
//! chart is still there.

mod bars;
mod compression;
mod detail;
mod draw;
mod groups;
mod heatmap;
mod history;
mod labels;
mod marks;
mod page;
mod scaling;
mod sha256;
mod summary;
mod tips;
mod uuid;
mod views;

use serde::Serialize;

use crate::model::Run;

pub use page::{HtmlOptions, render, sampled_runs};

/// One chart: its SVG, or `None` with a note saying what data it needs.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Fragment id in the page (`scaling`, `group-cpu-kernel`, …).
    pub id: String,
    pub title: String,
    /// The SVG document (`<svg …>…</svg>`), its text already escaped.
    pub svg: Option<String>,
    /// What to know when reading it (runs left out, scale, missing data).
    pub notes: Vec<String>,
}

/// Charts under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct ChartSection {
    pub id: String,
    pub title: String,
    pub charts: Vec<Chart>,
}

/// Why no report could be made.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    #[error("no runs to report on")]
    NoRuns,
    #[error("--reference '{label}' is not the label of any run given; labels: {available}")]
    UnknownReference { label: String, available: String },
    #[error("drawing the chart '{chart}' failed: {message}")]
    Chart { chart: String, message: String },
    #[error("rendering the HTML template failed: {0}")]
    Template(String),
}

/// Index of the run the heat map is relative to: the one labelled `label`,
/// else the first.
pub fn reference_index(runs: &[Run], label: Option<&str>) -> Result<usize, HtmlError> {
    if runs.is_empty() {
        return Err(HtmlError::NoRuns);
    }
    match label {
        None => Ok(0),
        Some(label) => {
            runs.iter()
                .position(|r| r.label == label)
                .ok_or_else(|| HtmlError::UnknownReference {
                    label: label.to_owned(),
                    available: runs
                        .iter()
                        .map(|r| format!("'{}'", r.label))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
        }
    }
}

/// Runs `report html` reads whole, samples and all, in one pass: up to this
/// many, a page shows every run's samples anyway ([`views::MAX_TABLE_RUNS`]).
pub const WHOLE_RUNS: usize = views::MAX_TABLE_RUNS;

/// Every chart of the report, by section. Without `group_charts` (a page
/// over its detail limit) the "Every group" section is one note instead of
/// a chart per group: at 200,000 benchmarks those were 8,000 charts and four
/// fifths of the page, repeating what the group tables already show.
pub fn chart_sections(
    runs: &[Run],
    reference: usize,
    group_charts: bool,
) -> Result<Vec<ChartSection>, HtmlError> {
    let err = |chart: &str| {
        let chart = chart.to_owned();
        move |message: String| HtmlError::Chart { chart, message }
    };
    let mut sections = vec![
        ChartSection {
            id: "chart-matrix".into(),
            title: "Runs compared".into(),
            charts: vec![heatmap::chart(runs, reference).map_err(err("matrix"))?],
        },
        ChartSection {
            id: "chart-scaling".into(),
            title: "Parallel scaling".into(),
            charts: vec![scaling::chart(runs).map_err(err("scaling"))?],
        },
        ChartSection {
            id: "chart-compression".into(),
            title: "Compression".into(),
            charts: compression::charts(runs).map_err(err("compression"))?,
        },
        ChartSection {
            id: "chart-uuid".into(),
            title: "UUID".into(),
            charts: uuid::charts(runs).map_err(err("uuid"))?,
        },
        ChartSection {
            id: "chart-groups".into(),
            title: "Every group".into(),
            charts: if group_charts {
                groups::charts(runs).map_err(err("groups"))?
            } else {
                vec![groups_left_out()]
            },
        },
    ];
    marks::annotate(&mut sections, runs);
    Ok(sections)
}

/// The note that stands for the per-group charts on a page too large for them.
fn groups_left_out() -> Chart {
    Chart {
        id: "groups-left-out".into(),
        title: "Charts per group".into(),
        svg: None,
        notes: vec![
            "Left out on a page this large: the group tables below have the same figures. \
             report html --filter REGEX makes a page of the matching benchmarks with them."
                .into(),
        ],
    }
}

/// A fragment id made of `[a-z0-9-]` from any text.
pub(crate) fn anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}
