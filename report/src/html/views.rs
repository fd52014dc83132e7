//! What the template lays out, beyond the charts themselves: tables whose
//! rows know their benchmark id (for the search, the sort and the link to
//! each benchmark's detail) and whose run columns carry short headers with
//! the full label as a tooltip; chart sections whose figures know their
//! group (so the search can hide them); the history section; the group
//! index. Pure conversions of what `tables` and the chart modules make.

use serde::Serialize;

use super::summary;
use super::{Chart, ChartSection, HtmlError, anchor, history as history_charts};
use crate::history;
use crate::model::Run;
use crate::tables::Table;

/// A column header: the text shown and, when shortened, the full text.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HeaderView {
    pub text: String,
    pub title: Option<String>,
}

/// A table row: its cells, and for a benchmark's rows its full id.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowView {
    pub cells: Vec<String>,
    pub id: Option<String>,
    /// The link to the benchmark's detail (`#bench=<id, percent-encoded>`).
    pub href: Option<String>,
    /// A non-time metric row that belongs to the benchmark row above it.
    pub sub: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TableView {
    /// Fragment id (`table-cpu-kernel`).
    pub anchor: String,
    pub title: String,
    /// The group, for the search (group tables only).
    pub group: Option<String>,
    pub columns: Vec<HeaderView>,
    pub rows: Vec<RowView>,
    pub notes: Vec<String>,
    /// The server-rendered detail of its benchmarks (group tables only),
    /// as escaped HTML (`summary`).
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FigureView {
    #[serde(flatten)]
    pub chart: Chart,
    /// The group a chart shows, for the search; `None`: always shown.
    pub group: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectionView {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub charts: Vec<FigureView>,
}

impl From<ChartSection> for SectionView {
    fn from(section: ChartSection) -> Self {
        SectionView {
            id: section.id,
            title: section.title,
            intro: None,
            charts: section
                .charts
                .into_iter()
                .map(|chart| {
                    // Per-group charts are titled `<group>: <what>`.
                    let group = chart
                        .id
                        .starts_with("group-")
                        .then(|| chart.title.rsplit_once(": ").map(|(g, _)| g.to_owned()))
                        .flatten();
                    FigureView { chart, group }
                })
                .collect(),
        }
    }
}

/// Runs the tables, charts and contexts show at most; a CI history of a
/// thousand runs would make a thousand columns and tens of megabytes.
pub(crate) const MAX_TABLE_RUNS: usize = 16;

/// Indices (ascending) of the runs the tables show: all when few, else the
/// latest [`MAX_TABLE_RUNS`] by `recorded_at`, with `reference` among them.
pub(crate) fn table_runs(runs: &[Run], reference: usize) -> Vec<usize> {
    history::latest(runs, MAX_TABLE_RUNS, Some(reference))
}

/// One entry of the group index.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GroupLink {
    pub group: String,
    pub table: String,
    pub history: Option<String>,
    pub benchmarks: usize,
}

/// Headers with the run labels replaced by their short forms: `columns` come
/// from `tables`, where a run's column reads its label, alone or before
/// `: <source>`.
fn headers(columns: &[String], runs: &[Run], short: &[String]) -> Vec<HeaderView> {
    let mut by_length: Vec<usize> = (0..runs.len()).collect();
    by_length.sort_by_key(|&i| std::cmp::Reverse(runs[i].label.len()));
    columns
        .iter()
        .map(|column| {
            let hit = by_length
                .iter()
                .find(|&&i| column.starts_with(runs[i].label.as_str()));
            match hit {
                Some(&i) if short[i] != runs[i].label => HeaderView {
                    text: format!("{}{}", short[i], &column[runs[i].label.len()..]),
                    title: Some(format!("{column} — {}", runs[i].cell())),
                },
                _ => HeaderView {
                    text: column.clone(),
                    title: None,
                },
            }
        })
        .collect()
}

/// The fragment that opens a benchmark's detail: `#bench=` and the id with
/// every byte but `[A-Za-z0-9/_.~-]` percent-encoded (the script decodes it).
pub(crate) fn detail_href(id: &str) -> String {
    let mut out = String::from("#bench=");
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The per-group tables with ids on their rows, each with the summary of
/// its benchmarks' latest samples when `summaries`.
pub(crate) fn group_tables(
    tables: &[Table],
    runs: &[Run],
    short: &[String],
    summaries: bool,
) -> Vec<TableView> {
    let latest = if summaries {
        summary::latest_by_id(runs)
    } else {
        std::collections::HashMap::new()
    };
    tables
        .iter()
        .map(|t| {
            let mut main = String::new();
            let rows = t
                .rows
                .iter()
                .map(|cells| {
                    let name = cells.first().cloned().unwrap_or_default();
                    let sub = !main.is_empty() && name.starts_with(&format!("{main} · "));
                    if !sub {
                        main = name.clone();
                    }
                    let id = if main == t.title {
                        main.clone()
                    } else {
                        format!("{}/{main}", t.title)
                    };
                    RowView {
                        cells: cells.clone(),
                        href: (!sub).then(|| detail_href(&id)),
                        id: Some(id),
                        sub,
                    }
                })
                .collect::<Vec<RowView>>();
            let benchmarks = rows
                .iter()
                .filter(|r| !r.sub)
                .filter_map(|r| Some((r.id.as_deref()?, r.cells.first()?.as_str())));
            TableView {
                anchor: format!("table-{}", anchor(&t.title)),
                title: t.title.clone(),
                group: Some(t.title.clone()),
                columns: headers(&t.columns, runs, short),
                summary: summary::view(runs, short, &latest, benchmarks),
                rows,
                notes: t.notes.clone(),
            }
        })
        .collect()
}

/// The doc-shaped tables: rows have labels, not ids; the search reads those.
pub(crate) fn doc_tables(tables: &[Table], runs: &[Run], short: &[String]) -> Vec<TableView> {
    tables
        .iter()
        .enumerate()
        .map(|(i, t)| TableView {
            anchor: format!("doc-{}-{}", i + 1, anchor(&t.title)),
            title: t.title.clone(),
            group: None,
            columns: headers(&t.columns, runs, short),
            rows: t
                .rows
                .iter()
                .map(|cells| RowView {
                    cells: cells.clone(),
                    id: None,
                    href: None,
                    sub: false,
                })
                .collect(),
            notes: t.notes.clone(),
            summary: None,
        })
        .collect()
}

/// The History section, when the runs span several commits, tags or dates
/// of one cell.
pub(crate) fn history_section(runs: &[Run]) -> Result<Option<SectionView>, HtmlError> {
    let Some(history) = history::history(runs) else {
        return Ok(None);
    };
    let charts = history_charts::charts(runs, &history).map_err(|message| HtmlError::Chart {
        chart: "history".into(),
        message,
    })?;
    let runs_shown: usize = history.cells.iter().map(|c| c.runs.len()).sum();
    let options = crate::diff::DiffOptions::with_threshold_pct(history::DIFF_THRESHOLD_PCT)
        .expect("the default threshold is valid");
    Ok(Some(SectionView {
        id: "history".into(),
        title: "History".into(),
        intro: Some(format!(
            "Typical time per iteration across {runs_shown} runs, oldest left, each named by its \
             release tag or short commit; the band is the confidence interval. Markers: where \
             report diff (threshold {}%, noise floor {}x) between consecutive runs counts a \
             regression or an improvement.",
            history::DIFF_THRESHOLD_PCT,
            options.noise_z
        )),
        charts: charts
            .into_iter()
            .map(|h| FigureView {
                chart: h.chart,
                group: Some(h.group),
            })
            .collect(),
    }))
}

/// Every group with links to its table and, when there is one, its first
/// history chart.
pub(crate) fn group_index(tables: &[TableView], history: Option<&SectionView>) -> Vec<GroupLink> {
    tables
        .iter()
        .filter_map(|t| {
            let group = t.group.clone()?;
            let history = history.and_then(|h| {
                h.charts
                    .iter()
                    .find(|f| f.group.as_deref() == Some(group.as_str()))
                    .map(|f| f.chart.id.clone())
            });
            Some(GroupLink {
                benchmarks: t.rows.iter().filter(|r| !r.sub).count(),
                table: t.anchor.clone(),
                history,
                group,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_history_shows_the_latest_runs_and_the_reference() {
        let mut runs = crate::synth::synthetic_history(MAX_TABLE_RUNS + 10, 2);
        runs.swap(0, 5);
        // Index 0 is now run 5 (old), index 5 run 0 (the oldest).
        let shown = table_runs(&runs, 5);
        assert_eq!(shown.len(), MAX_TABLE_RUNS);
        assert!(shown.contains(&5), "the reference is shown");
        assert!(!shown.contains(&0));
        assert_eq!(*shown.last().unwrap(), runs.len() - 1);
        assert!(shown.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(table_runs(&runs[..3], 1), [0, 1, 2]);
    }

    #[test]
    fn detail_links_encode_what_a_fragment_cannot_hold() {
        assert_eq!(
            detail_href("cpu/kernel/rayon/4"),
            "#bench=cpu/kernel/rayon/4"
        );
        assert_eq!(detail_href("a b<\"é"), "#bench=a%20b%3C%22%C3%A9");
    }
}
