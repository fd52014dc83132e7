//! Comparing baseline runs with candidate runs: which benchmarks got slower,
//! which faster, and which we cannot tell. Pure: runs in, a [`DiffReport`] out.
//!
//! Benchmarks are paired by full id inside one **cell** (toolchain x target x
//! target-cpu, [`Run::cell`]). For each pair the relative change of the
//! typical time gets a bootstrap confidence interval and a Mann-Whitney
//! p-value on the per-iteration samples; the p-values of every gating pair are
//! Holm-corrected together. A change counts only when it is significant, its
//! interval excludes zero, it is larger than the threshold, and it is larger
//! than the run-to-run noise floor ([`DiffOptions::noise_z`] times the spread
//! of all paired ratios, [`run_noise`], estimated from the two runs
//! themselves). Runs from
//! different cells, or from different CPU models, are compared for information
//! and never gate. The method and its reasoning: `docs/diff-method.md`.

pub mod instructions;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::facts;
use crate::model::{Benchmark, Cell, Run};
use crate::order::natural_cmp;
use crate::stats::geometric_mean;
use crate::stats::percentiles::quantile_sorted;
use crate::stats::significance::{
    RatioInterval, bootstrap_mean_ratio, holm_bonferroni, mann_whitney, seed_from,
};

/// Version of the JSON that `report diff --format json` writes.
pub const DIFF_SCHEMA: u32 = 1;

/// Errors that make a diff impossible; each names the run or value involved.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("no {0} runs were given")]
    NoRuns(Side),
    #[error(
        "{side} runs '{first}' and '{second}' are both in cell {cell}; \
         give at most one run per cell on each side"
    )]
    DuplicateCell {
        side: Side,
        // Boxed: a Cell of four optional strings would make every Result large.
        cell: Box<Cell>,
        first: String,
        second: String,
    },
    #[error("run '{label}' holds benchmark '{id}' twice; it cannot be paired")]
    DuplicateBenchmark { label: String, id: String },
    #[error("threshold {0} is not a percentage of 0 or more")]
    BadThreshold(f64),
}

/// Which side of the comparison a run is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Baseline,
    Candidate,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Baseline => "baseline",
            Side::Candidate => "candidate",
        })
    }
}

/// The knobs of the method. [`DiffOptions::with_threshold_pct`] gives the
/// documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffOptions {
    /// Smallest relative change that can count, as a fraction (0.05 = 5 %).
    pub threshold: f64,
    /// Family-wise error rate for the Holm-corrected p-values.
    pub alpha: f64,
    /// Confidence level of the change intervals.
    pub confidence: f64,
    /// Fewer per-iteration samples than this on either side: noisy.
    pub min_samples: usize,
    /// An uncounted change whose interval is wider than this many thresholds
    /// (floored at [`MIN_NOISE_LIMIT`]) is noisy rather than unchanged.
    pub noise_width: f64,
    /// Bootstrap resamples per benchmark.
    pub resamples: usize,
    /// Base seed of the bootstrap (mixed with each benchmark's id).
    pub seed: u64,
    /// A change counts only when |ln(candidate/baseline)| exceeds this many
    /// times the comparison's run-to-run noise (see [`run_noise`]); 0 turns
    /// the noise floor off.
    pub noise_z: f64,
    /// Fewest paired benchmarks for estimating the run-to-run noise.
    pub min_noise_pairs: usize,
    /// Instruction channel: smallest relative change of an instruction count
    /// that counts, as a fraction (see [`instructions`]).
    pub instructions_threshold: f64,
}

/// The noise limit never drops below a 2 % wide interval, so `--threshold 0`
/// does not turn every benchmark noisy.
pub const MIN_NOISE_LIMIT: f64 = 0.02;

impl DiffOptions {
    /// Defaults with the threshold given in percent (the CLI's `--threshold`).
    pub fn with_threshold_pct(threshold_pct: f64) -> Result<Self, DiffError> {
        if !(threshold_pct.is_finite() && threshold_pct >= 0.0) {
            return Err(DiffError::BadThreshold(threshold_pct));
        }
        Ok(Self {
            threshold: threshold_pct / 100.0,
            alpha: 0.05,
            confidence: 0.95,
            min_samples: 10,
            noise_width: 2.0,
            resamples: 2000,
            seed: 0x5eed,
            noise_z: 4.0,
            min_noise_pairs: 8,
            instructions_threshold: instructions::DEFAULT_THRESHOLD_PCT / 100.0,
        })
    }

    /// Widest interval (upper − lower, as a fraction) that still allows
    /// calling an uncounted change "unchanged".
    pub fn noise_limit(&self) -> f64 {
        (self.noise_width * self.threshold).max(MIN_NOISE_LIMIT)
    }
}

/// What became of one benchmark between baseline and candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Regressed,
    Improved,
    Noisy,
    Unchanged,
    Added,
    Removed,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Regressed => "regressed",
            Class::Improved => "improved",
            Class::Noisy => "noisy",
            Class::Unchanged => "unchanged",
            Class::Added => "added",
            Class::Removed => "removed",
        }
    }
}

/// The whole comparison, as `--format json` writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    pub schema: u32,
    pub options: DiffOptions,
    /// Always `holm-bonferroni`.
    pub correction: &'static str,
    /// One per pair of runs compared, gating comparisons first.
    pub comparisons: Vec<Comparison>,
    /// Counts over the gating comparisons only.
    pub summary: Summary,
    /// The instruction channel over the gating comparisons; absent when no
    /// benchmark has instruction counts on both sides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<instructions::ChannelSummary>,
}

/// Class counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub regressed: usize,
    pub improved: usize,
    pub unchanged: usize,
    pub noisy: usize,
    pub added: usize,
    pub removed: usize,
}

impl Summary {
    fn count(&mut self, class: Class) {
        match class {
            Class::Regressed => self.regressed += 1,
            Class::Improved => self.improved += 1,
            Class::Unchanged => self.unchanged += 1,
            Class::Noisy => self.noisy += 1,
            Class::Added => self.added += 1,
            Class::Removed => self.removed += 1,
        }
    }
}

/// One baseline run against one candidate run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub baseline: RunRef,
    pub candidate: RunRef,
    /// Whether this comparison's regressions can fail the diff.
    pub gating: bool,
    /// Why it does not gate (different cells, different CPU models).
    pub info_reason: Option<String>,
    /// Build-context fields that differ between the two runs.
    pub context_differences: Vec<ContextDifference>,
    pub entries: Vec<Entry>,
    /// Geometric mean of candidate/baseline typical-time ratios per group.
    pub groups: Vec<GroupSummary>,
    /// The same over every paired benchmark; `None` when nothing was paired.
    pub geomean_ratio: Option<f64>,
    /// Run-to-run noise of this pair of runs: the robust spread (1.4826 x
    /// median absolute deviation) of ln(candidate/baseline) over all paired
    /// benchmarks; `None` with too few pairs to estimate it.
    pub run_noise: Option<f64>,
    pub summary: Summary,
    /// The instruction channel of this comparison (see [`instructions`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<instructions::ChannelSummary>,
}

/// A run as the diff names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRef {
    pub label: String,
    pub cell: Cell,
}

/// A field of the build context that differs between the two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextDifference {
    pub field: &'static str,
    pub baseline: String,
    pub candidate: String,
}

/// One benchmark of a comparison, as every diff method reports it: the
/// unpaired diff (`F` = [`SampleFigures`]) and `report compare`'s paired
/// rounds (`compare::RoundFigures`). What the method adds is flattened into
/// the same JSON object, after these fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry<F = SampleFigures> {
    /// Full id, `suite/question/variant/parameter`.
    pub id: String,
    pub group: String,
    pub class: Class,
    /// Typical time per iteration, ns (absent when the side lacks it; in a
    /// paired comparison the median over the rounds).
    pub baseline_ns: Option<f64>,
    pub candidate_ns: Option<f64>,
    /// candidate/baseline − 1 of the typical times (0.10 = 10 % slower; in
    /// a paired comparison exp(mean per-round log ratio) − 1).
    pub change: Option<f64>,
    /// Confidence interval of `change`.
    pub change_lower: Option<f64>,
    pub change_upper: Option<f64>,
    /// Raw two-sided p-value (Mann-Whitney; paired: the paired t-test).
    pub p_value: Option<f64>,
    /// Holm-corrected p-value (across the comparison's family).
    pub p_adjusted: Option<f64>,
    /// What the method measured besides.
    #[serde(flatten)]
    pub figures: F,
}

/// What the unpaired diff adds to an [`Entry`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleFigures {
    pub baseline_samples: usize,
    pub candidate_samples: usize,
    /// Why the class is what it is, when that is not obvious (noisy reasons).
    pub note: Option<String>,
    /// Instruction counts on both sides, when both have them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<instructions::Change>,
}

/// Geometric mean of the ratios of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    pub group: String,
    pub benchmarks: usize,
    pub geomean_ratio: Option<f64>,
    pub regressed: usize,
    pub improved: usize,
}

impl DiffReport {
    /// Regressions that gate: significant, beyond the threshold, in a
    /// comparison of the same cell on the same CPU model.
    pub fn gating_regressions(&self) -> impl Iterator<Item = (&Comparison, &Entry)> {
        self.comparisons
            .iter()
            .filter(|c| c.gating)
            .flat_map(|c| c.entries.iter().map(move |e| (c, e)))
            .filter(|(_, e)| e.class == Class::Regressed)
    }

    /// Instruction-count regressions beyond the instruction threshold in
    /// gating comparisons (the second channel `--fail-on-regression` gates on).
    pub fn gating_instruction_regressions(&self) -> impl Iterator<Item = (&Comparison, &Entry)> {
        instructions::gating_regressions(&self.comparisons)
    }
}

/// Compares `baseline` runs with `candidate` runs.
///
/// Runs pair by cell; a cell may appear at most once per side. A cell found
/// on one side only is compared with every other cell of the other side, for
/// information.
pub fn diff(
    baseline: &[Run],
    candidate: &[Run],
    options: &DiffOptions,
) -> Result<DiffReport, DiffError> {
    if !(options.threshold.is_finite() && options.threshold >= 0.0) {
        return Err(DiffError::BadThreshold(options.threshold * 100.0));
    }
    let base_cells = by_cell(baseline, Side::Baseline)?;
    let cand_cells = by_cell(candidate, Side::Candidate)?;

    let mut pairs: Vec<(&Run, &Run, Option<String>)> = Vec::new();
    for (cell, base) in &base_cells {
        if let Some(cand) = cand_cells.get(cell) {
            pairs.push((base, cand, different_cpu(base, cand)));
        }
    }
    // A cell found on one side only is compared, for information, with
    // every other cell of the other side (nightly against stable, native
    // against generic).
    for (base_cell, base) in &base_cells {
        for (cand_cell, cand) in &cand_cells {
            let unmatched =
                !cand_cells.contains_key(base_cell) || !base_cells.contains_key(cand_cell);
            if base_cell != cand_cell && unmatched {
                let reason = format!(
                    "different cells ({base_cell} vs {cand_cell}): shown for information, never gates"
                );
                pairs.push((base, cand, Some(reason)));
            }
        }
    }

    let mut comparisons = pairs
        .into_iter()
        .map(|(b, c, reason)| compare_runs(b, c, reason, options))
        .collect::<Result<Vec<_>, _>>()?;
    // Gating comparisons first; one family for all gating pairs, one for the rest.
    comparisons.sort_by_key(|c| !c.gating);
    for gating in [true, false] {
        correct(
            comparisons.iter_mut().filter(|c| c.gating == gating),
            options,
        );
    }

    let mut summary = Summary::default();
    let mut channel: Option<instructions::ChannelSummary> = None;
    for comparison in &mut comparisons {
        finish(comparison);
        comparison.instructions = instructions::finish(comparison);
        if comparison.gating {
            for entry in &comparison.entries {
                summary.count(entry.class);
            }
            if let Some(s) = &comparison.instructions {
                channel.get_or_insert_with(Default::default).add(s);
            }
        }
    }
    Ok(DiffReport {
        schema: DIFF_SCHEMA,
        options: options.clone(),
        correction: "holm-bonferroni",
        comparisons,
        summary,
        instructions: channel,
    })
}

fn by_cell(runs: &[Run], side: Side) -> Result<BTreeMap<Cell, &Run>, DiffError> {
    if runs.is_empty() {
        return Err(DiffError::NoRuns(side));
    }
    let mut cells: BTreeMap<Cell, &Run> = BTreeMap::new();
    for run in runs {
        let cell = run.cell();
        if let Some(first) = cells.get(&cell) {
            return Err(DiffError::DuplicateCell {
                side,
                cell: Box::new(cell),
                first: first.label.clone(),
                second: run.label.clone(),
            });
        }
        cells.insert(cell, run);
    }
    Ok(cells)
}

/// Same cell but a known, different CPU model: timings move with the hardware,
/// so such a pair informs but does not gate (a shared CI runner pool mixes
/// CPU generations).
fn different_cpu(base: &Run, cand: &Run) -> Option<String> {
    match (&base.context.cpu.model, &cand.context.cpu.model) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "different CPU models ({a} vs {b}): shown for information, never gates"
        )),
        _ => None,
    }
}

fn compare_runs(
    base: &Run,
    cand: &Run,
    info_reason: Option<String>,
    options: &DiffOptions,
) -> Result<Comparison, DiffError> {
    let entries = entries(base, cand, options, true)?;
    let run_noise = run_noise(&entries, options.min_noise_pairs);
    Ok(Comparison {
        baseline: RunRef {
            label: base.label.clone(),
            cell: base.cell(),
        },
        candidate: RunRef {
            label: cand.label.clone(),
            cell: cand.cell(),
        },
        gating: info_reason.is_none(),
        info_reason,
        context_differences: context_differences(base, cand),
        entries,
        groups: Vec::new(),
        geomean_ratio: None,
        run_noise,
        summary: Summary::default(),
        instructions: None,
    })
}

/// The entries of one pair of runs, unclassified; `intervals: false` skips
/// the bootstrap (see [`counted_changes`]).
fn entries(
    base: &Run,
    cand: &Run,
    options: &DiffOptions,
    intervals: bool,
) -> Result<Vec<Entry>, DiffError> {
    let base_index = index(base)?;
    let cand_index = index(cand)?;
    let ids: BTreeSet<&String> = base_index.keys().chain(cand_index.keys()).collect();
    // Natural order (`1us, 10us, 1ms`), as every renderer lists benchmarks.
    let mut ids: Vec<&String> = ids.into_iter().collect();
    ids.sort_by(|a, b| natural_cmp(a, b));
    Ok(ids
        .into_iter()
        .map(
            |id| match (base_index.get(id.as_str()), cand_index.get(id.as_str())) {
                (Some(b), Some(c)) => pair(id, b, c, options, intervals),
                (Some(b), None) => one_sided(id, b, Class::Removed),
                (None, Some(c)) => one_sided(id, c, Class::Added),
                (None, None) => unreachable!("every id comes from one of the runs"),
            },
        )
        .collect())
}

/// The benchmarks that `diff(&[base], &[cand], options)` classifies as
/// [`Class::Regressed`] or [`Class::Improved`], in id order, for a long
/// history of consecutive runs where a full diff per pair costs too much.
///
/// Same rules, same code: the entries, the run-to-run noise, Holm's
/// correction and [`classify`] are `diff`'s own. Only the bootstrap interval
/// is computed lazily: a change can count only when it is significant after
/// correction, beyond the threshold and beyond the noise floor, and none of
/// those needs the interval, so only such entries get one. Every other entry
/// keeps `Unchanged` or `Noisy` provisionally and is left out.
pub fn counted_changes(
    base: &Run,
    cand: &Run,
    options: &DiffOptions,
) -> Result<Vec<Entry>, DiffError> {
    if !(options.threshold.is_finite() && options.threshold >= 0.0) {
        return Err(DiffError::BadThreshold(options.threshold * 100.0));
    }
    let mut entries = entries(base, cand, options, false)?;
    let noise = run_noise(&entries, options.min_noise_pairs);
    let tested: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].p_value.is_some())
        .collect();
    let raw: Vec<f64> = tested
        .iter()
        .map(|&i| entries[i].p_value.unwrap_or(1.0))
        .collect();
    let floor = noise.map_or(0.0, |sigma| options.noise_z * sigma);
    let mut counted = Vec::new();
    for (&i, adjusted) in tested.iter().zip(holm_bonferroni(&raw)) {
        let entry = &mut entries[i];
        entry.p_adjusted = Some(adjusted);
        let Some(change) = entry.change else { continue };
        let may_count = adjusted < options.alpha
            && change.abs() > options.threshold
            && change.ln_1p().abs() > floor;
        if !may_count {
            continue;
        }
        let (Some(b), Some(c)) = (find_bench(base, &entry.id), find_bench(cand, &entry.id)) else {
            continue;
        };
        if !set_interval(entry, b, c, options) {
            continue;
        }
        classify(entry, noise, options);
        if matches!(entry.class, Class::Regressed | Class::Improved) {
            counted.push(entry.clone());
        }
    }
    Ok(counted)
}

fn find_bench<'r>(run: &'r Run, id: &str) -> Option<&'r Benchmark> {
    run.benchmarks.iter().find(|b| b.id.full_id() == id)
}

/// The run-to-run noise of a pair of runs, estimated from the runs themselves.
///
/// Per-iteration samples only show the noise *within* a run. Between two runs
/// a shared or virtual machine shifts whole benchmarks by far more (A/A runs
/// on a 2-core VM moved single benchmarks by up to 57 % while their samples
/// were tight), and a within-run test calls every such shift significant.
/// Most benchmarks do not change between a baseline and a candidate, so the
/// spread of ln(ratio) across all of them measures that between-run noise;
/// the median absolute deviation keeps the few real changes from inflating it.
pub fn run_noise(entries: &[Entry], min_pairs: usize) -> Option<f64> {
    let logs: Vec<f64> = entries
        .iter()
        .filter(|e| e.p_value.is_some())
        .filter_map(|e| e.change)
        .map(f64::ln_1p)
        .filter(|x| x.is_finite())
        .collect();
    if logs.len() < min_pairs.max(1) {
        return None;
    }
    let median = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        quantile_sorted(&xs, 0.5)
    };
    let m = median(logs.clone())?;
    Some(1.4826 * median(logs.iter().map(|x| (x - m).abs()).collect())?)
}

fn index(run: &Run) -> Result<BTreeMap<String, &Benchmark>, DiffError> {
    let mut map = BTreeMap::new();
    for bench in &run.benchmarks {
        let id = bench.id.full_id();
        if map.insert(id.clone(), bench).is_some() {
            return Err(DiffError::DuplicateBenchmark {
                label: run.label.clone(),
                id,
            });
        }
    }
    Ok(map)
}

fn one_sided(id: &str, bench: &Benchmark, class: Class) -> Entry {
    let ns = Some(bench.typical.point);
    let n = bench.sampling.per_iteration_ns.len();
    Entry {
        id: id.to_owned(),
        group: bench.id.group.clone(),
        class,
        baseline_ns: if class == Class::Removed { ns } else { None },
        candidate_ns: if class == Class::Added { ns } else { None },
        change: None,
        change_lower: None,
        change_upper: None,
        p_value: None,
        p_adjusted: None,
        figures: SampleFigures {
            baseline_samples: if class == Class::Removed { n } else { 0 },
            candidate_samples: if class == Class::Added { n } else { 0 },
            note: None,
            instructions: None,
        },
    }
}

/// Statistics of one pair; the class is provisional (noisy or unchanged)
/// until the p-values are corrected in [`correct`].
///
/// Without `interval` the bootstrap is skipped: the entry gets its p-value
/// when the bootstrap *would* succeed (checked with one resample), so the
/// Holm family and the run-to-run noise are the same as with it.
fn pair(
    id: &str,
    base: &Benchmark,
    cand: &Benchmark,
    options: &DiffOptions,
    interval: bool,
) -> Entry {
    let b = &base.sampling.per_iteration_ns;
    let c = &cand.sampling.per_iteration_ns;
    let (tb, tc) = (base.typical.point, cand.typical.point);
    let mut entry = Entry {
        id: id.to_owned(),
        group: base.id.group.clone(),
        class: Class::Noisy,
        baseline_ns: Some(tb),
        candidate_ns: Some(tc),
        change: None,
        change_lower: None,
        change_upper: None,
        p_value: None,
        p_adjusted: None,
        figures: SampleFigures {
            baseline_samples: b.len(),
            candidate_samples: c.len(),
            note: None,
            instructions: instructions::compare(base, cand, options),
        },
    };
    let ratio = tc / tb;
    if !(ratio.is_finite() && ratio > 0.0) {
        entry.figures.note = Some("typical time missing, zero or not a number".to_owned());
        return entry;
    }
    entry.change = Some(ratio - 1.0);
    // Like noisy: the time is not the code's alone, so it is shown, not tested.
    if let Some(why) = disturbed_note(base, cand) {
        entry.figures.note = Some(why);
        return entry;
    }
    if b.len() < options.min_samples || c.len() < options.min_samples {
        entry.figures.note = Some(format!(
            "too few samples ({} baseline, {} candidate; need {} per side)",
            b.len(),
            c.len(),
            options.min_samples
        ));
        return entry;
    }
    let test = mann_whitney(b, c);
    let resamples = if interval { options.resamples } else { 1 };
    let bootstrap = bootstrap_mean_ratio(
        b,
        c,
        resamples,
        options.confidence,
        seed_from(id, options.seed),
    );
    let (Some(test), Some(bootstrap)) = (test, bootstrap) else {
        entry.figures.note =
            Some("samples hold values that are not positive finite times".to_owned());
        return entry;
    };
    if interval {
        set_bounds(&mut entry, ratio, &bootstrap);
    }
    entry.p_value = Some(test.p_value);
    entry.class = Class::Unchanged;
    entry
}

/// Why a pair cannot be judged when either side was disturbed (other
/// processes took the CPUs it used, `crate::interference`), else `None`.
fn disturbed_note(base: &Benchmark, cand: &Benchmark) -> Option<String> {
    let side = |b: &Benchmark, name: &str| {
        let i = b.interference.as_ref().filter(|i| i.disturbed)?;
        Some(format!("{name} (others took {:.2} cores)", i.taken_cores()))
    };
    let sides: Vec<String> = [side(base, "baseline"), side(cand, "candidate")]
        .into_iter()
        .flatten()
        .collect();
    (!sides.is_empty()).then(|| {
        format!(
            "disturbed in the {}: other processes took the CPUs it used while it ran, so it never gates",
            sides.join(" and the ")
        )
    })
}

/// The bootstrap's relative spread around the sample-mean ratio, carried
/// over to the typical-time ratio (slope or mean), so the interval is
/// always around the change we report.
fn set_bounds(entry: &mut Entry, ratio: f64, interval: &RatioInterval) {
    entry.change_lower = Some(ratio * interval.lower / interval.point - 1.0);
    entry.change_upper = Some(ratio * interval.upper / interval.point - 1.0);
}

/// The full bootstrap interval of an entry [`pair`] made without one;
/// false when it cannot be computed.
fn set_interval(
    entry: &mut Entry,
    base: &Benchmark,
    cand: &Benchmark,
    options: &DiffOptions,
) -> bool {
    let ratio = cand.typical.point / base.typical.point;
    match bootstrap_mean_ratio(
        &base.sampling.per_iteration_ns,
        &cand.sampling.per_iteration_ns,
        options.resamples,
        options.confidence,
        seed_from(&entry.id, options.seed),
    ) {
        Some(interval) => {
            set_bounds(entry, ratio, &interval);
            true
        }
        None => false,
    }
}

/// Holm-corrects the p-values of every tested entry of `comparisons` as one
/// family, then classifies those entries.
fn correct<'a>(comparisons: impl Iterator<Item = &'a mut Comparison>, options: &DiffOptions) {
    let mut tested: Vec<(&mut Entry, Option<f64>)> = comparisons
        .flat_map(|c| {
            let noise = c.run_noise;
            c.entries.iter_mut().map(move |e| (e, noise))
        })
        .filter(|(e, _)| e.p_value.is_some())
        .collect();
    let raw: Vec<f64> = tested
        .iter()
        .map(|(e, _)| e.p_value.unwrap_or(1.0))
        .collect();
    for ((entry, noise), adjusted) in tested.iter_mut().zip(holm_bonferroni(&raw)) {
        entry.p_adjusted = Some(adjusted);
        classify(entry, *noise, options);
    }
}

fn classify(entry: &mut Entry, run_noise: Option<f64>, options: &DiffOptions) {
    let (Some(change), Some(lower), Some(upper), Some(p)) = (
        entry.change,
        entry.change_lower,
        entry.change_upper,
        entry.p_adjusted,
    ) else {
        return;
    };
    let significant = p < options.alpha;
    let excludes_zero = lower > 0.0 || upper < 0.0;
    let beyond = change.abs() > options.threshold;
    let floor = run_noise.map_or(0.0, |sigma| options.noise_z * sigma);
    let within_run_noise = change.ln_1p().abs() <= floor;
    let counts = significant && excludes_zero && beyond;
    entry.class = if counts && within_run_noise {
        entry.figures.note = Some(format!(
            "{:+.1}% is within {} x the run-to-run noise of these two runs (±{:.1}%)",
            change * 100.0,
            options.noise_z,
            (floor.exp() - 1.0) * 100.0
        ));
        Class::Noisy
    } else if counts {
        if change > 0.0 {
            Class::Regressed
        } else {
            Class::Improved
        }
    } else if upper - lower > options.noise_limit() {
        entry.figures.note = Some(format!(
            "interval {:+.1}% to {:+.1}% is wider than {:.1} points",
            lower * 100.0,
            upper * 100.0,
            options.noise_limit() * 100.0
        ));
        Class::Noisy
    } else {
        Class::Unchanged
    };
}

/// Group geometric means and class counts, once the classes are final.
fn finish(comparison: &mut Comparison) {
    let mut groups: BTreeMap<&str, (Vec<f64>, usize, usize, usize)> = BTreeMap::new();
    let mut all = Vec::new();
    let mut summary = Summary::default();
    for entry in &comparison.entries {
        summary.count(entry.class);
        let slot = groups.entry(&entry.group).or_default();
        if let Some(change) = entry.change {
            slot.0.push(change + 1.0);
            all.push(change + 1.0);
        }
        slot.1 += 1;
        slot.2 += usize::from(entry.class == Class::Regressed);
        slot.3 += usize::from(entry.class == Class::Improved);
    }
    comparison.groups = groups
        .into_iter()
        .map(
            |(group, (ratios, benchmarks, regressed, improved))| GroupSummary {
                group: group.to_owned(),
                benchmarks,
                geomean_ratio: geometric_mean(&ratios),
                regressed,
                improved,
            },
        )
        .collect();
    comparison.geomean_ratio = geometric_mean(&all);
    comparison.summary = summary;
}

/// The run facts worth knowing about when they differ ([`Fact::compared`]),
/// by key, with the values every renderer shows.
///
/// [`Fact::compared`]: crate::facts::Fact::compared
fn context_differences(base: &Run, cand: &Run) -> Vec<ContextDifference> {
    let candidate = facts::facts(cand);
    facts::facts(base)
        .into_iter()
        .filter(|f| f.compared)
        .filter_map(|b| {
            let c = facts::value(&candidate, b.key);
            (b.value != c).then_some(ContextDifference {
                field: b.key,
                baseline: b.value,
                candidate: c,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(change: f64, lower: f64, upper: f64, p: f64) -> Entry {
        Entry {
            id: "g/f/1".into(),
            group: "g".into(),
            class: Class::Unchanged,
            baseline_ns: Some(100.0),
            candidate_ns: Some(100.0 * (1.0 + change)),
            change: Some(change),
            change_lower: Some(lower),
            change_upper: Some(upper),
            p_value: Some(p),
            p_adjusted: Some(p),
            figures: SampleFigures {
                baseline_samples: 50,
                candidate_samples: 50,
                note: None,
                instructions: None,
            },
        }
    }

    fn class_of(change: f64, lower: f64, upper: f64, p: f64) -> Class {
        let options = DiffOptions::with_threshold_pct(5.0).unwrap();
        let mut e = entry(change, lower, upper, p);
        classify(&mut e, None, &options);
        e.class
    }

    #[test]
    fn a_change_counts_only_when_all_three_conditions_hold() {
        assert_eq!(class_of(0.10, 0.08, 0.12, 1e-9), Class::Regressed);
        assert_eq!(class_of(-0.10, -0.12, -0.08, 1e-9), Class::Improved);
        // Not significant after correction.
        assert_eq!(class_of(0.10, 0.08, 0.12, 0.2), Class::Unchanged);
        // Significant and tight but below the threshold.
        assert_eq!(class_of(0.02, 0.01, 0.03, 1e-9), Class::Unchanged);
        // Interval reaches zero.
        assert_eq!(class_of(0.06, -0.001, 0.08, 1e-9), Class::Unchanged);
        // Too wide to say.
        assert_eq!(class_of(0.06, -0.05, 0.2, 0.3), Class::Noisy);
    }

    #[test]
    fn thresholds_are_validated() {
        assert!(DiffOptions::with_threshold_pct(-1.0).is_err());
        assert!(DiffOptions::with_threshold_pct(f64::NAN).is_err());
        let zero = DiffOptions::with_threshold_pct(0.0).unwrap();
        assert_eq!(zero.noise_limit(), MIN_NOISE_LIMIT);
        assert!((DiffOptions::with_threshold_pct(5.0).unwrap().noise_limit() - 0.1).abs() < 1e-12);
    }
}
