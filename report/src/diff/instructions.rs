//! The instruction channel of a diff: instruction counts (gungraun under
//! callgrind, metric `instructions`) compared per benchmark beside the
//! wall-time channel.
//!
//! Counts are deterministic (one run of the same binary on the same input
//! gives the same count, up to the few instructions that depend on the clock
//! or the scheduler), so there is no sample to test: a change counts when
//! |candidate / baseline − 1| exceeds [`DiffOptions::instructions_threshold`]
//! (default [`DEFAULT_THRESHOLD_PCT`] %). Only benchmarks with counts on both
//! sides are compared.
//!
//! Once both channels are classified, each benchmark's [`Agreement`] names
//! the cases people need named: time moved but instructions did not (code
//! layout, caches, frequency or the machine: not the executed path), and
//! instructions moved but time did not resolve it (a real change below the
//! wall-time channel's noise). Method and limits: `docs/diff-method.md`.

use serde::Serialize;

use super::{Class, Comparison, DiffOptions, DiffReport, Entry};
use crate::model::Benchmark;
use crate::{format, gungraun};

/// The CLI's default `--instructions-threshold`, in percent.
pub const DEFAULT_THRESHOLD_PCT: f64 = 0.5;

/// The instruction counts of one benchmark on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub baseline: f64,
    pub candidate: f64,
    /// candidate / baseline − 1 (0.01 = 1 % more instructions).
    pub change: f64,
    /// `regressed`, `improved` or `unchanged`.
    pub class: Class,
    /// How this agrees with the wall-time class (set once both are final).
    pub agreement: Option<Agreement>,
}

/// How the two channels' verdicts relate for one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Both unchanged, or both moved the same way.
    Agree,
    /// Time regressed or improved, the instruction count did not move:
    /// layout, cache, frequency or machine effects, or noise.
    TimeOnly,
    /// The instruction count moved, wall time did not show it (unchanged or
    /// noisy): a real change of the executed code below the time channel's
    /// resolution.
    InstructionsOnly,
    /// The two moved in opposite directions.
    Opposite,
}

impl Agreement {
    /// The sentence reports use for it; `None` for [`Agreement::Agree`].
    pub fn note(self) -> Option<&'static str> {
        match self {
            Agreement::Agree => None,
            Agreement::TimeOnly => Some(
                "time moved, instructions did not: layout, cache, frequency or machine noise, \
                 not the executed code",
            ),
            Agreement::InstructionsOnly => Some(
                "instructions moved, time did not resolve it: a change of the executed code \
                 below the wall-time channel's noise",
            ),
            Agreement::Opposite => Some("time and instructions moved in opposite directions"),
        }
    }
}

/// Counts of the instruction channel over one comparison (or all gating ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChannelSummary {
    /// Benchmarks with counts on both sides.
    pub compared: usize,
    pub regressed: usize,
    pub improved: usize,
    pub unchanged: usize,
    pub time_only: usize,
    pub instructions_only: usize,
    pub opposite: usize,
}

impl ChannelSummary {
    pub fn add(&mut self, other: &ChannelSummary) {
        self.compared += other.compared;
        self.regressed += other.regressed;
        self.improved += other.improved;
        self.unchanged += other.unchanged;
        self.time_only += other.time_only;
        self.instructions_only += other.instructions_only;
        self.opposite += other.opposite;
    }
}

/// The instruction change of a paired benchmark, `None` unless both sides
/// have a count (a zero baseline cannot give a ratio, so it is left out too).
pub fn compare(base: &Benchmark, cand: &Benchmark, options: &DiffOptions) -> Option<Change> {
    let (b, c) = (gungraun::instructions(base)?, gungraun::instructions(cand)?);
    if b <= 0.0 {
        return None;
    }
    let change = c / b - 1.0;
    let class = if change > options.instructions_threshold {
        Class::Regressed
    } else if change < -options.instructions_threshold {
        Class::Improved
    } else {
        Class::Unchanged
    };
    Some(Change {
        baseline: b,
        candidate: c,
        change,
        class,
        agreement: None,
    })
}

/// How the wall-time class and the instruction class relate.
pub fn agreement(time: Class, instructions: Class) -> Agreement {
    let moved = |c: Class| matches!(c, Class::Regressed | Class::Improved);
    match (moved(time), moved(instructions)) {
        (true, true) if time == instructions => Agreement::Agree,
        (true, true) => Agreement::Opposite,
        (true, false) => Agreement::TimeOnly,
        (false, true) => Agreement::InstructionsOnly,
        (false, false) => Agreement::Agree,
    }
}

/// Sets every entry's [`Agreement`] from its final wall-time class and
/// returns the comparison's channel summary (`None` when no benchmark has
/// counts on both sides).
pub fn finish(comparison: &mut Comparison) -> Option<ChannelSummary> {
    let mut s = ChannelSummary::default();
    for entry in &mut comparison.entries {
        let time = entry.class;
        let Some(change) = entry.figures.instructions.as_mut() else {
            continue;
        };
        let a = agreement(time, change.class);
        change.agreement = Some(a);
        s.compared += 1;
        match change.class {
            Class::Regressed => s.regressed += 1,
            Class::Improved => s.improved += 1,
            _ => s.unchanged += 1,
        }
        match a {
            Agreement::TimeOnly => s.time_only += 1,
            Agreement::InstructionsOnly => s.instructions_only += 1,
            Agreement::Opposite => s.opposite += 1,
            Agreement::Agree => {}
        }
    }
    (s.compared > 0).then_some(s)
}

/// Entries whose instruction count regressed, in gating comparisons.
pub fn gating_regressions(
    comparisons: &[Comparison],
) -> impl Iterator<Item = (&Comparison, &Entry)> {
    comparisons
        .iter()
        .filter(|c| c.gating)
        .flat_map(|c| c.entries.iter().map(move |e| (c, e)))
        .filter(|(_, e)| {
            e.figures
                .instructions
                .as_ref()
                .is_some_and(|i| i.class == Class::Regressed)
        })
}

// ---- rendering (used by `super::render`) ----

/// The instruction channel's verdict line; `None` without counts.
pub fn verdict(report: &DiffReport) -> Option<String> {
    let s = report.instructions.as_ref()?;
    let threshold = format!("{:.2}%", report.options.instructions_threshold * 100.0);
    let head = match s.regressed {
        0 => format!("Instructions: no regressions beyond the {threshold} threshold"),
        n => format!(
            "Instructions: {n} regression{} beyond the {threshold} threshold",
            if n == 1 { "" } else { "s" }
        ),
    };
    let mut parts = vec![format!(
        "{} improved, {} unchanged of {} counted",
        s.improved, s.unchanged, s.compared
    )];
    if s.time_only > 0 {
        parts.push(format!(
            "{} where time moved but instructions did not",
            s.time_only
        ));
    }
    if s.instructions_only > 0 {
        parts.push(format!(
            "{} where instructions moved but time did not show it",
            s.instructions_only
        ));
    }
    if s.opposite > 0 {
        parts.push(format!("{} moving in opposite directions", s.opposite));
    }
    Some(format!("{head} ({})", parts.join("; ")))
}

/// Entries worth a line: a counted instruction change, or channels that
/// disagree.
fn notable(comparison: &Comparison) -> impl Iterator<Item = (&Entry, &Change)> {
    comparison.entries.iter().filter_map(|e| {
        let i = e.figures.instructions.as_ref()?;
        let disagree = i.agreement.is_some_and(|a| a != Agreement::Agree);
        (i.class != Class::Unchanged || disagree).then_some((e, i))
    })
}

fn counts_text(i: &Change) -> String {
    format!(
        "{:+.3}% ({} -> {})",
        i.change * 100.0,
        format::count(i.baseline),
        format::count(i.candidate)
    )
}

/// Terminal lines for one comparison: counted changes and disagreements.
pub fn text_lines(comparison: &Comparison) -> Vec<String> {
    notable(comparison)
        .map(|(e, i)| {
            let mut line = format!(
                "  instructions {} {}: {} (time: {})",
                i.class.as_str().to_uppercase(),
                e.id,
                counts_text(i),
                e.class.as_str()
            );
            if let Some(note) = i.agreement.and_then(Agreement::note) {
                line.push_str(" - ");
                line.push_str(note);
            }
            line
        })
        .collect()
}

/// Markdown: one table of the notable benchmarks of the gating comparisons.
pub fn markdown_section(report: &DiffReport) -> String {
    let rows: Vec<(&Entry, &Change)> = report
        .comparisons
        .iter()
        .filter(|c| c.gating)
        .flat_map(notable)
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "#### Instruction counts: changes and disagreements ({})\n\n\
         | Benchmark | Instructions | Change | Time | Note |\n|---|---|---|---|---|\n",
        rows.len()
    );
    for (e, i) in rows {
        out.push_str(&format!(
            "| `{}` | {} -> {} | {:+.3}% | {} | {} |\n",
            e.id.replace('`', "'"),
            format::count(i.baseline),
            format::count(i.candidate),
            i.change * 100.0,
            e.class.as_str(),
            i.agreement
                .and_then(Agreement::note)
                .unwrap_or(i.class.as_str())
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_names_each_case() {
        use Class::*;
        assert_eq!(agreement(Regressed, Regressed), Agreement::Agree);
        assert_eq!(agreement(Unchanged, Unchanged), Agreement::Agree);
        assert_eq!(agreement(Noisy, Unchanged), Agreement::Agree);
        assert_eq!(agreement(Regressed, Unchanged), Agreement::TimeOnly);
        assert_eq!(agreement(Improved, Unchanged), Agreement::TimeOnly);
        assert_eq!(agreement(Unchanged, Regressed), Agreement::InstructionsOnly);
        assert_eq!(agreement(Noisy, Improved), Agreement::InstructionsOnly);
        assert_eq!(agreement(Improved, Regressed), Agreement::Opposite);
    }
}
