//! `report compare`: two builds measured side by side, interleaved, so
//! that a change of a few percent is visible on a shared machine.
//!
//! - `worktree`: each git revision in a temporary worktree, removed again;
//! - `measure`: build each side once (the runner's build step), list its
//!   benchmarks, run one bench binary per side and round;
//! - `rounds`: A B B A rounds per batch, never overlapping, within a budget,
//!   more rounds only where the answer is still open;
//! - `paired`: per-round log ratios → mean, t interval, test, Holm, classes
//!   and the minimum detectable change;
//! - this module: the [`CompareReport`] (pure, from the paired series);
//!   `render`: text, markdown and JSON.
//!
//! The method and why it resolves what the unpaired diff cannot:
//! `docs/diff-method.md`, section 9.

pub mod measure;
pub mod paired;
pub mod render;
pub mod rounds;
pub mod worktree;

use std::collections::BTreeMap;

use serde::Serialize;

use self::paired::{PairedOptions, Verdict, classify_all};
use self::rounds::Series;
use crate::diff::{Class, Entry, GroupSummary, Summary};
use crate::stats::geometric_mean;
use crate::stats::percentiles::quantile_sorted;

/// Version of the JSON that `report compare --format json` writes.
pub const COMPARE_SCHEMA: u32 = 1;

/// The whole comparison, as `--format json` writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    pub schema: u32,
    /// Always `paired-rounds`.
    pub method: &'static str,
    pub options: PairedOptions,
    /// Always `holm-bonferroni`.
    pub correction: &'static str,
    pub baseline: SideRef,
    pub candidate: SideRef,
    pub rounds: RoundsSummary,
    pub entries: Vec<CompareEntry>,
    pub groups: Vec<CompareGroup>,
    /// Geometric mean of the paired ratios over every tested benchmark.
    pub geomean_ratio: Option<f64>,
    pub summary: Summary,
}

/// One side as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideRef {
    pub label: String,
    /// `working tree`, `revision <sha>`, or a folder.
    pub source: String,
    /// Toolchain, target and target-cpu of the build.
    pub cell: String,
    /// Run file written for this side.
    pub run_file: Option<String>,
}

/// How the measuring went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundsSummary {
    /// Bench processes started, both sides together.
    pub processes: usize,
    /// `decided`, `undecidable` (no undecided benchmark could be decided in
    /// the rounds left), `budget` or `max_rounds`.
    pub stop: &'static str,
    pub measuring_seconds: f64,
    pub budget_seconds: f64,
    /// Build time of both sides, seconds.
    pub build_seconds: f64,
    pub min_rounds: usize,
    pub max_rounds: usize,
    /// Criterion arguments of every measuring process.
    pub criterion_args: Vec<String>,
    /// Benchmarks the budget stopped before `min_rounds` rounds (their
    /// intervals are wider than the schedule meant).
    pub below_min_rounds: Vec<String>,
}

/// One benchmark: the fields every diff method reports (`diff::Entry`:
/// the sides' medians over the rounds, the change as exp(mean per-round log
/// ratio) − 1, the paired t-test), then [`RoundFigures`].
pub type CompareEntry = Entry<RoundFigures>;

/// What the paired rounds add to an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundFigures {
    /// Paired rounds measured.
    pub rounds: usize,
    /// Standard deviation of the per-round log ratios.
    pub paired_sd: Option<f64>,
    /// Smallest change these rounds would find with the chosen power.
    pub detectable_change: Option<f64>,
    pub note: Option<String>,
}

/// Per group: geometric mean and counts as in a diff, then the median
/// detectable change (one flat JSON object).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareGroup {
    #[serde(flatten)]
    pub summary: GroupSummary,
    pub median_detectable_change: Option<f64>,
}

/// Per-round log ratios of a series.
pub fn log_ratios(rounds: &[(f64, f64)]) -> Vec<f64> {
    rounds.iter().map(|(b, c)| (c / b).ln()).collect()
}

/// Classifies all series at once (Holm across them); ids in the series' order.
pub fn verdicts(series: &Series, options: &PairedOptions) -> Vec<(String, Verdict)> {
    let logs: Vec<Vec<f64>> = series.values().map(|r| log_ratios(r)).collect();
    series
        .keys()
        .cloned()
        .zip(classify_all(&logs, options))
        .collect()
}

/// The group of an id: from `groups` (what the runs say), else the id up to
/// its second `/` (our crates name groups `<suite>/<question>`).
fn group_of(id: &str, groups: &BTreeMap<String, String>) -> String {
    groups.get(id).cloned().unwrap_or_else(|| {
        let mut parts = id.splitn(3, '/');
        match (parts.next(), parts.next()) {
            (Some(a), Some(b)) => format!("{a}/{b}"),
            (Some(a), None) => a.to_owned(),
            _ => id.to_owned(),
        }
    })
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    quantile_sorted(&xs, 0.5)
}

/// The entries, groups and summary of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub entries: Vec<CompareEntry>,
    pub groups: Vec<CompareGroup>,
    pub geomean_ratio: Option<f64>,
    pub summary: Summary,
}

/// Classifies the paired series and lists added and removed ids.
pub fn analyse(
    series: &Series,
    added: &[String],
    removed: &[String],
    groups: &BTreeMap<String, String>,
    options: &PairedOptions,
) -> Analysis {
    let mut entries: Vec<CompareEntry> = verdicts(series, options)
        .into_iter()
        .map(|(id, v)| {
            let rounds = &series[&id];
            let p = v.paired;
            CompareEntry {
                group: group_of(&id, groups),
                class: v.class,
                baseline_ns: median(rounds.iter().map(|r| r.0).collect()),
                candidate_ns: median(rounds.iter().map(|r| r.1).collect()),
                change: p.map(|p| p.change),
                change_lower: p.map(|p| p.lower),
                change_upper: p.map(|p| p.upper),
                p_value: p.map(|p| p.p_value),
                p_adjusted: v.p_adjusted,
                figures: RoundFigures {
                    rounds: rounds.len(),
                    paired_sd: p.map(|p| p.sd_log),
                    detectable_change: v.detectable,
                    note: v.note,
                },
                id,
            }
        })
        .collect();
    for (ids, class) in [(added, Class::Added), (removed, Class::Removed)] {
        entries.extend(ids.iter().map(|id| CompareEntry {
            id: id.clone(),
            group: group_of(id, groups),
            class,
            baseline_ns: None,
            candidate_ns: None,
            change: None,
            change_lower: None,
            change_upper: None,
            p_value: None,
            p_adjusted: None,
            figures: RoundFigures {
                rounds: 0,
                paired_sd: None,
                detectable_change: None,
                note: None,
            },
        }));
    }
    entries.sort_by(|a, b| crate::order::natural_cmp(&a.id, &b.id));

    let mut summary = Summary::default();
    let mut by_group: BTreeMap<&str, Vec<&CompareEntry>> = BTreeMap::new();
    for e in &entries {
        match e.class {
            Class::Regressed => summary.regressed += 1,
            Class::Improved => summary.improved += 1,
            Class::Unchanged => summary.unchanged += 1,
            Class::Noisy => summary.noisy += 1,
            Class::Added => summary.added += 1,
            Class::Removed => summary.removed += 1,
        }
        by_group.entry(&e.group).or_default().push(e);
    }
    let ratio = |e: &&CompareEntry| e.change.map(|c| c + 1.0);
    let groups = by_group
        .into_iter()
        .map(|(group, es)| CompareGroup {
            summary: GroupSummary {
                group: group.to_owned(),
                benchmarks: es.len(),
                geomean_ratio: geometric_mean(&es.iter().filter_map(ratio).collect::<Vec<_>>()),
                regressed: es.iter().filter(|e| e.class == Class::Regressed).count(),
                improved: es.iter().filter(|e| e.class == Class::Improved).count(),
            },
            median_detectable_change: median(
                es.iter()
                    .filter_map(|e| e.figures.detectable_change)
                    .collect(),
            ),
        })
        .collect();
    let all: Vec<f64> = entries
        .iter()
        .filter_map(|e| e.change.map(|c| c + 1.0))
        .collect();
    Analysis {
        geomean_ratio: geometric_mean(&all),
        entries,
        groups,
        summary,
    }
}

impl CompareReport {
    /// Regressions that fail `--fail-on-regression`.
    pub fn regressions(&self) -> impl Iterator<Item = &CompareEntry> {
        self.entries.iter().filter(|e| e.class == Class::Regressed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_counts_groups_and_one_sided_ids() {
        let mut series = Series::new();
        // 5 % slower every round, with a little spread.
        series.insert(
            "cpu/kernel/serial/1".into(),
            (0..8)
                .map(|i| (100.0, 105.0 + f64::from(i % 3) * 0.1))
                .collect(),
        );
        series.insert(
            "cpu/kernel/rayon/2".into(),
            (0..8)
                .map(|i| (200.0, 200.0 + f64::from(i % 2) * 0.2 - 0.1))
                .collect(),
        );
        let options = PairedOptions::with_threshold_pct(2.0).unwrap();
        let a = analyse(
            &series,
            &["cpu/new/x".to_owned()],
            &[],
            &BTreeMap::new(),
            &options,
        );
        assert_eq!(a.summary.regressed, 1);
        assert_eq!(a.summary.unchanged, 1);
        assert_eq!(a.summary.added, 1);
        let kernel = a
            .groups
            .iter()
            .find(|g| g.summary.group == "cpu/kernel")
            .unwrap();
        assert_eq!(kernel.summary.benchmarks, 2);
        assert_eq!(kernel.summary.regressed, 1);
        assert!(kernel.median_detectable_change.unwrap() < 0.01);
        let serial = a
            .entries
            .iter()
            .find(|e| e.id.ends_with("serial/1"))
            .unwrap();
        assert_eq!(serial.figures.rounds, 8);
        assert!((serial.change.unwrap() - 0.051).abs() < 0.001);
        assert_eq!(serial.baseline_ns, Some(100.0));
    }

    /// Benchmark values sort naturally, as in every other renderer:
    /// 10us before 100us, not after it as text would have it.
    #[test]
    fn entries_are_in_natural_order_of_their_ids() {
        let mut series = Series::new();
        for id in ["cpu/granularity/rayon/100us", "cpu/granularity/rayon/10us"] {
            series.insert(
                id.into(),
                (0..8).map(|i| (100.0, 100.0 + f64::from(i % 2))).collect(),
            );
        }
        let options = PairedOptions::with_threshold_pct(2.0).unwrap();
        let a = analyse(&series, &[], &[], &BTreeMap::new(), &options);
        let ids: Vec<&str> = a.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            ["cpu/granularity/rayon/10us", "cpu/granularity/rayon/100us"]
        );
    }

    /// The entry shares `diff::Entry`'s fields; the JSON stays one flat
    /// object with the keys in the order `--format json` always wrote them.
    #[test]
    fn an_entry_is_one_flat_json_object_in_the_published_order() {
        let options = PairedOptions::with_threshold_pct(2.0).unwrap();
        let a = analyse(
            &Series::new(),
            &["cpu/new/x".to_owned()],
            &[],
            &BTreeMap::new(),
            &options,
        );
        assert_eq!(
            serde_json::to_string(&a.entries[0]).unwrap(),
            r#"{"id":"cpu/new/x","group":"cpu/new","class":"added","baseline_ns":null,"candidate_ns":null,"change":null,"change_lower":null,"change_upper":null,"p_value":null,"p_adjusted":null,"rounds":0,"paired_sd":null,"detectable_change":null,"note":null}"#
        );
        assert_eq!(
            serde_json::to_string(&a.groups[0]).unwrap(),
            r#"{"group":"cpu/new","benchmarks":1,"geomean_ratio":null,"regressed":0,"improved":0,"median_detectable_change":null}"#
        );
    }
}
