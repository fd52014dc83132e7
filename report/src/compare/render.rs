//! A [`CompareReport`] as terminal text, markdown (a pull-request comment
//! or `$GITHUB_STEP_SUMMARY`) or JSON, shaped like `report diff`'s output
//! (verdict line, classes, geometric means per group) plus each
//! benchmark's rounds and minimum detectable change.

use std::fmt::Write as _;

use super::{CompareEntry, CompareReport};
use crate::diff::Class;
pub use crate::diff::render::json;
use crate::diff::render::{
    NONE, aligned_rows, cell_safe, change_text, code_safe, counts, geomean_text as geomean,
    group_row, interval_text as interval, ns, p_text, percent, plural, regressions_line, sorted,
    times,
};

/// One line saying whether the candidate regressed.
pub fn verdict(report: &CompareReport) -> String {
    regressions_line(
        report.regressions().count(),
        &percent(report.options.threshold),
    )
}

fn method(report: &CompareReport) -> String {
    format!(
        "paired A B B A rounds, t-test on per-round log ratios, Holm-corrected alpha {}, \
         {:.0}% intervals; detectable change at {:.0}% power (docs/diff-method.md)",
        report.options.alpha,
        report.options.confidence * 100.0,
        report.options.power * 100.0
    )
}

fn rounds_line(report: &CompareReport) -> String {
    let r = &report.rounds;
    let stop = match r.stop {
        "decided" => "every benchmark decided",
        "budget" => "budget reached",
        "undecidable" => "the rest undecidable in the rounds left",
        _ => "round limit reached",
    };
    format!(
        "{} processes, measuring {} of a {} budget ({stop}), build {}",
        r.processes,
        seconds(r.measuring_seconds),
        seconds(r.budget_seconds),
        seconds(r.build_seconds)
    )
}

/// `N benchmarks stopped below --min-rounds M: budget exhausted; ...`.
pub fn below_min_rounds_text(benchmarks: usize, min_rounds: usize) -> String {
    format!(
        "{benchmarks} benchmark{} stopped below --min-rounds {min_rounds}: budget exhausted; \
         {} intervals are wider",
        plural(benchmarks),
        if benchmarks == 1 { "its" } else { "their" }
    )
}

/// The report's line on the benchmarks the budget cut short, if any.
fn below_min_rounds_line(report: &CompareReport) -> Option<String> {
    let r = &report.rounds;
    (!r.below_min_rounds.is_empty())
        .then(|| below_min_rounds_text(r.below_min_rounds.len(), r.min_rounds))
}

/// Terminal text: verdict, sides, every benchmark, groups.
pub fn text(report: &CompareReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", verdict(report), counts(&report.summary));
    let _ = writeln!(out, "method: {}", method(report));
    let _ = writeln!(
        out,
        "baseline '{}' ({}, {}) vs candidate '{}' ({}, {})",
        report.baseline.label,
        report.baseline.source,
        report.baseline.cell,
        report.candidate.label,
        report.candidate.source,
        report.candidate.cell
    );
    let _ = writeln!(out, "{}", rounds_line(report));
    if let Some(line) = below_min_rounds_line(report) {
        let _ = writeln!(out, "{line}");
    }
    let mut rows: Vec<[String; 8]> = vec![[
        "class".into(),
        "benchmark".into(),
        "baseline -> candidate".into(),
        "change".into(),
        "interval".into(),
        "p (Holm)".into(),
        "rounds".into(),
        "detectable".into(),
    ]];
    rows.extend(sorted(&report.entries).into_iter().map(|e| {
        [
            e.class.as_str().to_uppercase(),
            e.id.clone(),
            times(e),
            change_text(e),
            interval(e),
            p_text(e.p_adjusted),
            e.figures.rounds.to_string(),
            detectable(e.figures.detectable_change),
        ]
    }));
    aligned_rows(&mut out, &rows);
    for e in sorted(&report.entries) {
        if let Some(note) = &e.figures.note {
            let _ = writeln!(out, "  note {}: {note}", e.id);
        }
    }
    let _ = writeln!(
        out,
        "geometric mean of ratios: {}",
        geomean(report.geomean_ratio)
    );
    for g in &report.groups {
        let _ = writeln!(
            out,
            "  {}: {} benchmarks, geometric mean {}, median detectable change {}",
            g.summary.group,
            g.summary.benchmarks,
            geomean(g.summary.geomean_ratio),
            detectable(g.median_detectable_change)
        );
    }
    out
}

/// Markdown for a pull-request comment or the job summary.
pub fn markdown(report: &CompareReport) -> String {
    let mut out = String::new();
    let mark = if report.regressions().count() > 0 {
        "❌"
    } else {
        "✅"
    };
    let _ = writeln!(out, "### Benchmark comparison (paired)\n");
    let _ = writeln!(
        out,
        "{mark} **{}** — {}\n",
        verdict(report),
        counts(&report.summary)
    );
    let _ = writeln!(
        out,
        "Baseline `{}` ({}) vs candidate `{}` ({}), {}; {}.\n",
        code_safe(&report.baseline.label),
        cell_safe(&report.baseline.source),
        code_safe(&report.candidate.label),
        cell_safe(&report.candidate.source),
        cell_safe(&report.candidate.cell),
        rounds_line(report)
    );
    if let Some(line) = below_min_rounds_line(report) {
        let _ = writeln!(out, "⚠️ {line}.\n");
    }
    let _ = writeln!(out, "Method: {}.\n", method(report));
    let head = "| Benchmark | Class | Baseline | Candidate | Change | Interval | p (Holm) | Rounds | Detectable |\n\
                |---|---|---:|---:|---:|---|---:|---:|---:|";
    let changed: Vec<&CompareEntry> = sorted(&report.entries)
        .into_iter()
        .filter(|e| matches!(e.class, Class::Regressed | Class::Improved))
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "#### Changes ({})\n\n{head}", changed.len());
        for e in &changed {
            row_md(&mut out, e);
        }
        let _ = writeln!(out);
    }
    let rest: Vec<&CompareEntry> = sorted(&report.entries)
        .into_iter()
        .filter(|e| !matches!(e.class, Class::Regressed | Class::Improved))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} other benchmark{}: unchanged, noisy, added, removed</summary>\n\n{head}",
            rest.len(),
            plural(rest.len())
        );
        for e in &rest {
            row_md(&mut out, e);
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    if !report.groups.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Per group: overall {}</summary>\n\n\
             | Group | Benchmarks | Geometric mean | Regressed | Improved | Median detectable change |\n\
             |---|---:|---:|---:|---:|---:|",
            geomean(report.geomean_ratio)
        );
        for g in &report.groups {
            let _ = writeln!(
                out,
                "{} {} |",
                group_row(&g.summary),
                detectable(g.median_detectable_change)
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}

fn row_md(out: &mut String, e: &CompareEntry) {
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
        code_safe(&e.id),
        e.class.as_str(),
        ns(e.baseline_ns),
        ns(e.candidate_ns),
        change_text(e),
        interval(e),
        p_text(e.p_adjusted),
        e.figures.rounds,
        detectable(e.figures.detectable_change)
    );
}

fn detectable(v: Option<f64>) -> String {
    v.map_or(NONE.into(), |x| format!("±{:.1}%", x * 100.0))
}

fn seconds(s: f64) -> String {
    crate::runner::progress::human_duration(std::time::Duration::from_secs_f64(s.max(0.0)))
}
