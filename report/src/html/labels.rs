//! Run labels short enough for a column header: a label such as `stable
//! x86_64-unknown-linux-gnu generic` repeats what every run shares. The
//! header keeps what tells the runs apart; the full label and cell stay in
//! its tooltip and in the runs table.

use std::collections::BTreeSet;

use crate::history;
use crate::model::Run;

/// Longest short label, in characters.
pub(crate) const MAX_CHARS: usize = 20;

/// One short label per run, unique among them.
///
/// Runs of one cell with distinct tags or commits are named by those (a
/// history). Otherwise a label loses the words every run shares and its
/// run's target triple; what is left is cut to [`MAX_CHARS`]; a label left
/// empty keeps its first word; duplicates get `#n`.
pub(crate) fn short_labels(runs: &[Run]) -> Vec<String> {
    let cells: BTreeSet<_> = runs.iter().map(Run::cell).collect();
    let points: Vec<String> = runs.iter().map(history::point_label).collect();
    let distinct: BTreeSet<&String> = points.iter().collect();
    let mut labels: Vec<String> =
        if runs.len() > 1 && cells.len() == 1 && distinct.len() == runs.len() {
            points
        } else {
            let words: Vec<Vec<&str>> = runs
                .iter()
                .map(|r| r.label.split_whitespace().collect())
                .collect();
            let common: BTreeSet<&str> = match words.split_first() {
                Some((first, rest)) if !rest.is_empty() => first
                    .iter()
                    .copied()
                    .filter(|w| rest.iter().all(|ws| ws.contains(w)))
                    .collect(),
                _ => BTreeSet::new(),
            };
            runs.iter()
                .zip(&words)
                .map(|(run, ws)| {
                    let kept: Vec<&str> = ws
                        .iter()
                        .copied()
                        .filter(|w| !common.contains(w))
                        .filter(|w| run.context.target.as_deref() != Some(*w))
                        .collect();
                    if kept.is_empty() {
                        ws.first().copied().unwrap_or("run").to_owned()
                    } else {
                        kept.join(" ")
                    }
                })
                .collect()
        };
    for label in &mut labels {
        *label = super::draw::label(label, MAX_CHARS);
    }
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for label in &labels {
        *seen.entry(label.clone()).or_default() += 1;
    }
    let mut counter = std::collections::BTreeMap::<String, usize>::new();
    for label in &mut labels {
        if seen[label.as_str()] > 1 {
            let n = counter.entry(label.clone()).or_default();
            *n += 1;
            *label = format!("{label} #{n}");
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(label: &str, toolchain: &str) -> Run {
        let mut r = crate::synth::synthetic_runs(1, 1).remove(0);
        r.label = label.to_owned();
        r.context.toolchain.release = Some(toolchain.to_owned());
        r
    }

    #[test]
    fn shared_words_and_the_triple_go() {
        let one = [run("stable x86_64-unknown-linux-gnu generic", "1.95.0")];
        assert_eq!(short_labels(&one), ["stable generic"]);
        let two = [
            run("stable x86_64-unknown-linux-gnu generic", "1.95.0"),
            run("nightly x86_64-unknown-linux-gnu generic", "1.97.0"),
        ];
        assert_eq!(short_labels(&two), ["stable", "nightly"]);
    }

    #[test]
    fn a_history_is_named_by_tag_or_commit_and_labels_stay_unique() {
        let runs = crate::synth::synthetic_history(3, 2);
        assert_eq!(short_labels(&runs)[0], "v0.0.0");
        assert_eq!(short_labels(&runs)[1].len(), 7);
        let same = [
            run("a very long label that goes on", "1"),
            run("a very long label that goes on", "2"),
        ];
        let labels = short_labels(&same);
        assert_ne!(labels[0], labels[1]);
        assert!(labels.iter().all(|l| l.chars().count() <= MAX_CHARS + 3));
    }
}
