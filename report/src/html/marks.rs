//! The marks (disturbed, noisy) on charts: a note under each chart naming
//! the marked benchmarks it draws, per run. The scaling chart also draws
//! its disturbed points hollow (`scaling`).

use rayon::prelude::*;

use super::{ChartSection, anchor};
use crate::interference::{self, Mark};
use crate::model::{Benchmark, Run};

/// Marked benchmarks listed by name in one note; the rest are counted.
const LISTED: usize = 6;

/// A benchmark that carries a mark, found once per page.
struct Marked<'r> {
    bench: &'r Benchmark,
    marks: Vec<Mark>,
    /// Its group's fragment id, as the group chart's id ends with.
    group: String,
}

/// Adds the marks notes to every chart of `sections`.
pub(crate) fn annotate(sections: &mut [ChartSection], runs: &[Run]) {
    // Only marked benchmarks can appear in a note: find them once, instead
    // of walking every benchmark of every run for every chart (one group
    // chart per group made that quadratic: 40,000 benchmarks took 26 s).
    // Each benchmark's marks are independent (the noisy test sorts its
    // samples), so find them in parallel.
    let marked: Vec<Vec<Marked<'_>>> = runs
        .iter()
        .map(|run| {
            run.benchmarks
                .par_iter()
                .filter_map(|bench| {
                    let marks = interference::marks(bench);
                    (!marks.is_empty()).then(|| Marked {
                        bench,
                        marks,
                        group: anchor(&bench.id.group),
                    })
                })
                .collect()
        })
        .collect();
    for section in sections {
        for chart in &mut section.charts {
            if chart.svg.is_none() {
                continue;
            }
            // A group chart's id is `group-<n>-<anchor of the group>`.
            let group = chart
                .id
                .strip_prefix("group-")
                .and_then(|rest| rest.split_once('-'))
                .map(|(_, group)| group);
            let shows = |m: &Marked<'_>| match section.id.as_str() {
                "chart-matrix" => true,
                "chart-scaling" => m.bench.id.group == "cpu/kernel",
                "chart-compression" => m.bench.id.suite() == "compress",
                "chart-uuid" => m.bench.id.suite() == "uuid",
                "chart-groups" => group == Some(m.group.as_str()),
                _ => false,
            };
            let notes = notes(runs, &marked, shows);
            chart.notes.extend(notes);
        }
    }
}

/// One note per mark and run that has marked benchmarks among those `shows`.
fn notes(
    runs: &[Run],
    marked: &[Vec<Marked<'_>>],
    shows: impl Fn(&Marked<'_>) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for mark in [Mark::Disturbed, Mark::Noisy] {
        for (run, marked) in runs.iter().zip(marked) {
            let ids: Vec<String> = marked
                .iter()
                .filter(|m| m.marks.contains(&mark) && shows(m))
                .map(|m| m.bench.id.full_id())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let mut listed = ids
                .iter()
                .take(LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if ids.len() > LISTED {
                listed.push_str(&format!(" and {} more", ids.len() - LISTED));
            }
            out.push(format!(
                "{} {} in {}: {listed}.",
                mark.symbol(),
                mark.word(),
                run.label
            ));
        }
    }
    out
}
