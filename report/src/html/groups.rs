//! Per-group charts: every benchmark of a group (`cpu/frames`,
//! `compress/compress`, …) as grouped bars, one bar per run, with the
//! confidence interval of the typical time as whiskers.
//!
//! Time per iteration rather than throughput: it is what criterion measures
//! and the tables quote, and it reads the same for every group whatever its
//! `Throughput` kind. Lower is better.

use super::bars::{self, Bar, BarChart, Series};
use super::{Chart, draw};
use crate::format;
use crate::model::Run;
use crate::tables;

/// Most benchmarks one group chart shows; the group's table has them all.
pub(crate) const MAX_BENCHMARKS: usize = 40;

/// One chart per group, in the tables' order (suite, then group name).
pub(crate) fn charts(runs: &[Run]) -> Result<Vec<Chart>, String> {
    let (shown, runs_note) = draw::series_runs(runs);
    let mut groups: Vec<&str> = Vec::new();
    for run in runs {
        for b in &run.benchmarks {
            if !groups.contains(&b.id.group.as_str()) {
                groups.push(&b.id.group);
            }
        }
    }
    groups.sort_by(|a, b| {
        let rank = |g: &str| tables::suite_rank(g.split('/').next().unwrap_or(g));
        rank(a)
            .cmp(&rank(b))
            .then_with(|| tables::natural_cmp(a, b))
    });
    let mut out = Vec::with_capacity(groups.len());
    for (i, group) in groups.into_iter().enumerate() {
        let mut names: Vec<String> = Vec::new();
        for run in runs {
            for b in run.benchmarks.iter().filter(|b| b.id.group == group) {
                let name = member_name(&b.id.full_id(), group);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
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
            .map(|run| Series {
                name: run.label.clone(),
                bars: names
                    .iter()
                    .map(|name| {
                        let id = full_id(group, name);
                        draw::find(run, &id).map(|b| Bar {
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

fn full_id(group: &str, member: &str) -> String {
    if member == group {
        group.to_owned()
    } else {
        format!("{group}/{member}")
    }
}
