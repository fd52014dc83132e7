//! The marks (disturbed, noisy) on charts: a note under each chart naming
//! the marked benchmarks it draws, per run. The scaling chart also draws
//! its disturbed points hollow (`scaling`).

use super::{ChartSection, anchor};
use crate::interference::{self, Mark};
use crate::model::{Benchmark, Run};

/// Marked benchmarks listed by name in one note; the rest are counted.
const LISTED: usize = 6;

/// Adds the marks notes to every chart of `sections`.
pub(crate) fn annotate(sections: &mut [ChartSection], runs: &[Run]) {
    for section in sections {
        for chart in &mut section.charts {
            if chart.svg.is_none() {
                continue;
            }
            let shows = |b: &Benchmark| match section.id.as_str() {
                "chart-matrix" => true,
                "chart-scaling" => b.id.group == "cpu/kernel",
                "chart-compression" => b.id.suite() == "compress",
                "chart-uuid" => b.id.suite() == "uuid",
                "chart-groups" => chart.id.strip_prefix("group-") == Some(&anchor(&b.id.group)),
                _ => false,
            };
            let notes = notes(runs, shows);
            chart.notes.extend(notes);
        }
    }
}

/// One note per mark and run that has marked benchmarks among those `shows`.
pub(crate) fn notes(runs: &[Run], shows: impl Fn(&Benchmark) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for mark in [Mark::Disturbed, Mark::Noisy] {
        for run in runs {
            let ids: Vec<String> = run
                .benchmarks
                .iter()
                .filter(|b| shows(b) && interference::marks(b).contains(&mark))
                .map(|b| b.id.full_id())
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
