//! The markdown form of the history (see [`crate::history`]), fit for a
//! release note: per cell and group, a table of the last [`LAST_RUNS`] runs,
//! one row per benchmark, each time with its change from the run before and
//! `▲`/`▼` where `report diff` counts a regression or an improvement.

use crate::diff::Class;
use crate::format;
use crate::history::{self, History};
use crate::model::Run;
use crate::render::escape_markdown;
use crate::render::markdown::pipe_table;
use crate::tables::{self, MISSING};

/// Runs per table: the latest ones.
pub const LAST_RUNS: usize = 5;

/// The History section's body (headings and tables), or `None` when the
/// runs do not span several commits, tags or dates of a cell.
pub fn history_markdown(runs: &[Run]) -> Option<String> {
    let history = history::history(runs)?;
    Some(render(runs, &history, LAST_RUNS))
}

fn render(runs: &[Run], history: &History, last: usize) -> String {
    let mut out = String::new();
    for cell in &history.cells {
        let n = cell.runs.len();
        let from = n.saturating_sub(last);
        let shown = &cell.runs[from..];
        let total = n + cell.left_out;
        out.push_str(&format!(
            "### {}\n\nThe last {} of {} runs, oldest first; each time with its change from the run before. \
             ▲ regression, ▼ improvement: what `report diff` between the two runs counts.\n",
            escape_markdown(&cell.cell.to_string()),
            shown.len(),
            total
        ));
        let indexes: Vec<_> = shown.iter().map(|&i| history::index(&runs[i])).collect();
        let before = from
            .checked_sub(1)
            .map(|k| history::index(&runs[cell.runs[k]]));
        let mut groups: std::collections::BTreeMap<(usize, String), Vec<String>> =
            Default::default();
        for index in &indexes {
            for (id, b) in index {
                let ids = groups
                    .entry((tables::suite_rank(b.id.suite()), b.id.group.clone()))
                    .or_default();
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
        let mut columns = vec!["Benchmark".to_owned()];
        columns.extend(shown.iter().zip(&cell.labels[from..]).map(|(&i, label)| {
            match runs[i]
                .context
                .recorded_at
                .as_deref()
                .and_then(|t| t.get(..10))
            {
                Some(date) => format!("{label} ({date})"),
                None => label.clone(),
            }
        }));
        for ((_, group), mut ids) in groups {
            ids.sort_by(|a, b| tables::natural_cmp(a, b));
            let rows: Vec<Vec<String>> = ids
                .iter()
                .map(|id| {
                    let mut row = vec![
                        id.strip_prefix(&group)
                            .map(|r| r.trim_start_matches('/'))
                            .filter(|r| !r.is_empty())
                            .unwrap_or(id)
                            .to_owned(),
                    ];
                    for (j, index) in indexes.iter().enumerate() {
                        let Some(b) = index.get(id) else {
                            row.push(MISSING.to_owned());
                            continue;
                        };
                        let previous = if j == 0 {
                            before.as_ref().and_then(|ix| ix.get(id))
                        } else {
                            indexes[j - 1].get(id)
                        };
                        let time = format::duration_ns(b.typical.point);
                        let mark = match cell.class_at(from + j, id).map(|c| c.class) {
                            Some(Class::Regressed) => " ▲",
                            Some(Class::Improved) => " ▼",
                            _ => "",
                        };
                        row.push(match previous {
                            Some(p) if p.typical.point > 0.0 => format!(
                                "{time} ({:+.1}%{mark})",
                                (b.typical.point / p.typical.point - 1.0) * 100.0
                            ),
                            _ => time,
                        });
                    }
                    row
                })
                .collect();
            out.push_str(&format!(
                "\n#### {}\n\n{}\n",
                escape_markdown(&group),
                pipe_table(&columns, &rows)
            ));
        }
        out.push('\n');
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_the_last_runs_with_changes_and_marks() {
        let runs = crate::synth::synthetic_history(15, 40);
        let text = history_markdown(&runs).unwrap();
        let history = history::history(&runs).unwrap();
        let cell = &history.cells[0];
        // The last five runs head the columns, by tag or commit.
        for label in &cell.labels[cell.labels.len() - LAST_RUNS..] {
            assert!(text.contains(label.as_str()), "{label} missing");
        }
        assert!(!text.contains(&format!("{} (", cell.labels[0])));
        assert!(text.contains("#### cpu/kernel"));
        // Run 14 stepped two benchmarks (every seventh run does), counted by the diff.
        let marks = text.matches("% ▲)").count() + text.matches("% ▼)").count();
        let counted: usize = cell.changes[cell.runs.len() - LAST_RUNS..]
            .iter()
            .map(Vec::len)
            .sum();
        assert_eq!(marks, counted);
        assert!(counted > 0);
    }
}
