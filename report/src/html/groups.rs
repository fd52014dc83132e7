//! Per-group charts: every benchmark of a group (`cpu/frames`,
//! `compress/compress`, …) as grouped bars, one bar per run, with the
//! confidence interval of the typical time as whiskers.
//!
//! Time per iteration rather than throughput: it is what criterion measures
//! and the tables quote, and it reads the same for every group whatever its
//! `Throughput` kind. Lower is better.

use std::collections::{HashMap, HashSet};

use super::bars::{self, Bar, BarChart, Series};
use super::{Chart, draw};
use crate::format;
use crate::model::{Benchmark, Run};
use crate::tables;

/// Most benchmarks one group chart shows; the group's table has them all.
pub(crate) const MAX_BENCHMARKS: usize = 40;

/// One chart per group, in the tables' order (suite, then group name).
pub(crate) fn charts(runs: &[Run]) -> Result<Vec<Chart>, String> {
    let (shown, runs_note) = draw::series_runs(runs);
    // One pass over every benchmark: the groups in the order first seen, each
    // with its benchmarks and the run they come from. (Looking each group
    // and each bar up again by scanning all benchmarks made this quadratic:
    // minutes for a run of 200,000 benchmarks.)
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<(usize, &Benchmark)>)> = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        for b in &run.benchmarks {
            let g = *index.entry(b.id.group.as_str()).or_insert_with(|| {
                groups.push((b.id.group.as_str(), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push((r, b));
        }
    }
    groups.sort_by(|(a, _), (b, _)| {
        let rank = |g: &str| tables::suite_rank(g.split('/').next().unwrap_or(g));
        rank(a)
            .cmp(&rank(b))
            .then_with(|| tables::natural_cmp(a, b))
    });
    let mut out = Vec::with_capacity(groups.len());
    for (i, (group, members)) in groups.into_iter().enumerate() {
        let mut names: Vec<String> = Vec::new();
        // (run, member name) -> the run's first benchmark of that name.
        let mut by_name: HashMap<(usize, String), &Benchmark> = HashMap::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (r, b) in members {
            let name = member_name(&b.id.full_id(), group);
            if seen.insert(name.clone()) {
                names.push(name.clone());
            }
            by_name.entry((r, name)).or_insert(b);
        }
        // As the group's table lists them: `1us, 10us, 100us, 1ms`, not as text.
        names.sort_by(|a, b| tables::natural_cmp(a, b));
        let mut notes: Vec<String> = runs_note.iter().cloned().collect();
        if names.len() > MAX_BENCHMARKS {
            notes.push(format!(
                "Showing the first {MAX_BENCHMARKS} of {} benchmarks; the group's table lists all.",
                names.len()
            ));
            names.truncate(MAX_BENCHMARKS);
        }
        let series = shown
            .iter()
            .enumerate()
            .map(|(r, run)| Series {
                name: run.label.clone(),
                bars: names
                    .iter()
                    .map(|name| {
                        by_name.get(&(r, name.clone())).map(|b| Bar {
                            value: b.typical.point,
                            lower: b.typical.lower,
                            upper: b.typical.upper,
                        })
                    })
                    .collect(),
            })
            .collect();
        let links: Vec<String> = names.iter().map(|name| full_id(group, name)).collect();
        let title = format!("{group}: time per iteration");
        let svg = bars::render(&BarChart {
            title: title.clone(),
            axis: "time per iteration; lower is better; whiskers: confidence interval".into(),
            categories: names,
            series,
            format: &format::duration_ns,
            links: &links,
        })?;
        if svg.is_none() {
            notes.push(format!(
                "No positive times in group {group}; nothing to draw."
            ));
        }
        out.push(Chart {
            id: format!("group-{}-{}", i + 1, super::anchor(group)),
            title,
            svg,
            notes,
        });
    }
    Ok(out)
}

/// The part of a full id after its group (`cpu/kernel/rayon/4` -> `rayon/4`).
fn member_name(full_id: &str, group: &str) -> String {
    full_id
        .strip_prefix(group)
        .map(|rest| rest.trim_start_matches('/'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(full_id)
        .to_owned()
}

/// The benchmark id of a group member's bar (its detail link).
fn full_id(group: &str, member: &str) -> String {
    if member == group {
        group.to_owned()
    } else {
        format!("{group}/{member}")
    }
}
