//! How benchmarks moved across runs of one cell: the runs of each cell in
//! `recorded_at` order, each labelled by its release tag or short commit,
//! and for each consecutive pair the benchmarks `report diff` would call
//! regressed or improved ([`crate::diff::counted_changes`]: the diff's own
//! rules, not a second implementation). The HTML history charts and the
//! markdown history tables both read this; it is pure.
//!
//! A long history is the normal case in CI (one run per merged pull
//! request), so only the latest [`MAX_POINTS`] runs of a cell are kept: that
//! bounds the charts, the page and the diff work whatever the history's
//! length, and the note says how many runs were left out.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diff::{Class, DiffOptions, Entry, counted_changes};
use crate::model::{Benchmark, Cell, Run};

/// Runs of one cell shown at most: the latest ones.
pub const MAX_POINTS: usize = 120;

/// `report diff`'s defaults (`--threshold 5 --noise-z 4`).
pub const DIFF_THRESHOLD_PCT: f64 = 5.0;

/// The history of every cell that has one.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub cells: Vec<CellHistory>,
}

/// The runs of one cell over time.
#[derive(Debug, Clone, PartialEq)]
pub struct CellHistory {
    pub cell: Cell,
    /// Indices into the runs given, oldest first; the latest [`MAX_POINTS`].
    pub runs: Vec<usize>,
    /// Axis label of each of `runs`: tag, else short commit, else date, else label.
    pub labels: Vec<String>,
    /// Runs of this cell left out (older than the ones kept).
    pub left_out: usize,
    /// `changes[k]`: what changed from the run before `runs[k]` (the one
    /// left out just before the window, for k = 0) to `runs[k]`; empty when
    /// there is no run before.
    pub changes: Vec<Vec<Change>>,
}

/// One benchmark the diff classifies as regressed or improved.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub id: String,
    pub class: Class,
    /// candidate/baseline − 1 of the typical time.
    pub change: f64,
}

impl From<&Entry> for Change {
    fn from(e: &Entry) -> Self {
        Change {
            id: e.id.clone(),
            class: e.class,
            change: e.change.unwrap_or(0.0),
        }
    }
}

impl CellHistory {
    /// The class of benchmark `id` at point `k`, when the diff counted it.
    pub fn class_at(&self, k: usize, id: &str) -> Option<&Change> {
        self.changes.get(k).and_then(|c| {
            c.binary_search_by(|x| x.id.as_str().cmp(id))
                .ok()
                .map(|i| &c[i])
        })
    }
}

/// What labels a run on a history axis: its tag, else its short commit
/// (with `+` when dirty), else its recording date, else its label.
pub fn point_label(run: &Run) -> String {
    let git = &run.context.git;
    if let Some(tag) = &git.tag {
        return tag.clone();
    }
    if let Some(commit) = &git.commit {
        let short = commit.get(..7).unwrap_or(commit);
        return if git.dirty == Some(true) {
            format!("{short}+")
        } else {
            short.to_owned()
        };
    }
    if let Some(at) = &run.context.recorded_at {
        return at.get(..10).unwrap_or(at).to_owned();
    }
    run.label.clone()
}

/// What tells two runs of a cell apart in time.
fn moment(run: &Run) -> (Option<&str>, Option<&str>, Option<&str>) {
    let c = &run.context;
    (
        c.git.commit.as_deref(),
        c.git.tag.as_deref(),
        c.recorded_at.as_deref(),
    )
}

/// Each cell with a history: its runs in time order and how many of the
/// oldest are left out of the window ([`MAX_POINTS`]).
fn windows(runs: &[Run]) -> Vec<(Cell, Vec<usize>, usize)> {
    let mut cells: BTreeMap<Cell, Vec<usize>> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        cells.entry(run.cell()).or_default().push(i);
    }
    let mut out = Vec::new();
    for (cell, mut members) in cells {
        let distinct: std::collections::BTreeSet<_> =
            members.iter().map(|&i| moment(&runs[i])).collect();
        if distinct.len() < 2 {
            continue;
        }
        // RFC 3339 UTC strings order as times; unknown times first, stable.
        members.sort_by(|&a, &b| {
            runs[a]
                .context
                .recorded_at
                .cmp(&runs[b].context.recorded_at)
        });
        let left_out = members.len().saturating_sub(MAX_POINTS);
        out.push((cell, members, left_out));
    }
    out
}

/// Indices (ascending) of the latest `n` runs by `recorded_at` (all of
/// them when there are no more than `n`), with `keep` always among them:
/// what a report shows of a long CI history beside its History section.
pub fn latest(runs: &[Run], n: usize, keep: Option<usize>) -> Vec<usize> {
    if runs.len() <= n {
        return (0..runs.len()).collect();
    }
    let mut order: Vec<usize> = (0..runs.len()).filter(|&i| Some(i) != keep).collect();
    order.sort_by(|&a, &b| {
        runs[a]
            .context
            .recorded_at
            .cmp(&runs[b].context.recorded_at)
    });
    let take = n.saturating_sub(usize::from(keep.is_some()));
    let mut latest = order.split_off(order.len() - take);
    latest.extend(keep);
    latest.sort_unstable();
    latest
}

/// The runs whose samples [`history`] reads (to classify changes): each
/// window and the run just before it. Every other run needs only its
/// estimates, which lets `report html` skip the others' samples.
pub fn sampled_runs(runs: &[Run]) -> Vec<usize> {
    windows(runs)
        .into_iter()
        .flat_map(|(_, members, left_out)| members[left_out.saturating_sub(1)..].to_vec())
        .collect()
}

/// The history of `runs`: every cell holding at least two runs that differ
/// in commit, tag or recording time. `None` when no cell has one.
pub fn history(runs: &[Run]) -> Option<History> {
    let options = DiffOptions::with_threshold_pct(DIFF_THRESHOLD_PCT)
        .expect("the default threshold is valid");
    let mut out = Vec::new();
    for (cell, members, left_out) in windows(runs) {
        let shown = members[left_out..].to_vec();
        let changes: Vec<Vec<Change>> = (0..shown.len())
            .into_par_iter()
            .map(|k| {
                let previous = if k == 0 {
                    left_out.checked_sub(1).map(|j| members[j])
                } else {
                    Some(shown[k - 1])
                };
                match previous {
                    // A run that cannot be paired (an id twice) gets no markers.
                    Some(p) => counted_changes(&runs[p], &runs[shown[k]], &options)
                        .map(|entries| entries.iter().map(Change::from).collect())
                        .unwrap_or_default(),
                    None => Vec::new(),
                }
            })
            .collect();
        out.push(CellHistory {
            labels: shown.iter().map(|&i| point_label(&runs[i])).collect(),
            cell,
            runs: shown,
            left_out,
            changes,
        });
    }
    (!out.is_empty()).then_some(History { cells: out })
}

/// The benchmark of `run` with this full id, by a per-run index built once.
pub fn index(run: &Run) -> BTreeMap<String, &Benchmark> {
    run.benchmarks.iter().map(|b| (b.id.full_id(), b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::synth::synthetic_history;

    #[test]
    fn runs_are_ordered_by_time_and_labelled_by_tag_or_commit() {
        let mut runs = synthetic_history(6, 30);
        runs.reverse();
        let h = history(&runs).expect("one cell with six runs");
        assert_eq!(h.cells.len(), 1);
        let cell = &h.cells[0];
        let times: Vec<&str> = cell
            .runs
            .iter()
            .map(|&i| runs[i].context.recorded_at.as_deref().unwrap())
            .collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);
        for (&i, label) in cell.runs.iter().zip(&cell.labels) {
            let git = &runs[i].context.git;
            match &git.tag {
                Some(tag) => assert_eq!(label, tag),
                None => assert!(git.commit.as_ref().unwrap().starts_with(label.as_str())),
            }
        }
        assert!(cell.changes[0].is_empty());
    }

    #[test]
    fn markers_are_what_the_diff_classifies() {
        let runs = synthetic_history(16, 60);
        let h = history(&runs).unwrap();
        let cell = &h.cells[0];
        let options = DiffOptions::with_threshold_pct(DIFF_THRESHOLD_PCT).unwrap();
        let mut counted = 0;
        for k in 1..cell.runs.len() {
            let (a, b) = (&runs[cell.runs[k - 1]], &runs[cell.runs[k]]);
            let report = diff(std::slice::from_ref(a), std::slice::from_ref(b), &options).unwrap();
            let expected: Vec<(String, Class)> = report.comparisons[0]
                .entries
                .iter()
                .filter(|e| matches!(e.class, Class::Regressed | Class::Improved))
                .map(|e| (e.id.clone(), e.class))
                .collect();
            let got: Vec<(String, Class)> = cell.changes[k]
                .iter()
                .map(|c| (c.id.clone(), c.class))
                .collect();
            assert_eq!(got, expected, "transition {k}");
            counted += got.len();
        }
        assert!(
            counted > 0,
            "the synthetic history has steps the diff counts"
        );
    }

    #[test]
    fn a_long_history_keeps_the_latest_runs() {
        let runs = synthetic_history(MAX_POINTS + 3, 5);
        let h = history(&runs).unwrap();
        let cell = &h.cells[0];
        assert_eq!(cell.runs.len(), MAX_POINTS);
        assert_eq!(cell.left_out, 3);
        assert_eq!(cell.runs[0], 3);
        assert_eq!(cell.changes.len(), MAX_POINTS);
    }

    #[test]
    fn one_run_per_cell_is_no_history() {
        let runs = crate::synth::synthetic_runs(3, 10);
        assert!(history(&runs).is_none());
    }
}
