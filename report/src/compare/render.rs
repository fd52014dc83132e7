//! A [`CompareReport`] as terminal text, markdown (a pull-request comment
//! or `$GITHUB_STEP_SUMMARY`) or JSON, shaped like `report diff`'s output
//! (verdict line, classes, geometric means per group) plus each
//! benchmark's rounds and minimum detectable change.

use std::fmt::Write as _;

use super::{CompareEntry, CompareReport};
use crate::diff::Class;
use crate::format;

const NONE: &str = "—";

/// Pretty JSON with a final newline.
pub fn json(report: &CompareReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("a compare report serializes");
    text.push('\n');
    text
}

/// One line saying whether the candidate regressed.
pub fn verdict(report: &CompareReport) -> String {
    let threshold = format!("{:.1}%", report.options.threshold * 100.0);
    match report.regressions().count() {
        0 => format!("No significant regressions beyond the {threshold} threshold"),
        n => format!(
            "{n} significant regression{} beyond the {threshold} threshold",
            plural(n)
        ),
    }
}

fn counts(report: &CompareReport) -> String {
    let s = &report.summary;
    format!(
        "{} improved, {} unchanged, {} noisy, {} added, {} removed",
        s.improved, s.unchanged, s.noisy, s.added, s.removed
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

/// Terminal text: verdict, sides, every benchmark, groups.
pub fn text(report: &CompareReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", verdict(report), counts(report));
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
            format!("{} -> {}", ns(e.baseline_ns), ns(e.candidate_ns)),
            pct(e.change),
            interval(e),
            p_text(e.p_adjusted),
            e.rounds.to_string(),
            detectable(e.detectable_change),
        ]
    }));
    let widths: Vec<usize> = (0..8)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let mut line = String::from(" ");
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, " {cell:<width$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for e in sorted(&report.entries) {
        if let Some(note) = &e.note {
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
            g.group,
            g.benchmarks,
            geomean(g.geomean_ratio),
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
    let _ = writeln!(out, "{mark} **{}** — {}\n", verdict(report), counts(report));
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
                "| `{}` | {} | {} | {} | {} | {} |",
                code_safe(&g.group),
                g.benchmarks,
                geomean(g.geomean_ratio),
                g.regressed,
                g.improved,
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
        pct(e.change),
        interval(e),
        p_text(e.p_adjusted),
        e.rounds,
        detectable(e.detectable_change)
    );
}

fn sorted(entries: &[CompareEntry]) -> Vec<&CompareEntry> {
    let mut v: Vec<&CompareEntry> = entries.iter().collect();
    v.sort_by(|a, b| a.class.cmp(&b.class).then_with(|| a.id.cmp(&b.id)));
    v
}

fn ns(v: Option<f64>) -> String {
    v.map_or(NONE.into(), format::duration_ns)
}

fn pct(v: Option<f64>) -> String {
    v.map_or(NONE.into(), |x| format!("{:+.1}%", x * 100.0))
}

fn interval(e: &CompareEntry) -> String {
    match (e.change_lower, e.change_upper) {
        (Some(l), Some(u)) => format!("{:+.1}% to {:+.1}%", l * 100.0, u * 100.0),
        _ => NONE.into(),
    }
}

fn detectable(v: Option<f64>) -> String {
    v.map_or(NONE.into(), |x| format!("±{:.1}%", x * 100.0))
}

fn p_text(p: Option<f64>) -> String {
    match p {
        None => NONE.into(),
        Some(p) if p < 1e-4 => "<0.0001".into(),
        Some(p) => format!("{p:.4}"),
    }
}

fn geomean(g: Option<f64>) -> String {
    g.map_or_else(
        || "n/a".into(),
        |r| format!("{} ({:+.1}%)", format::ratio(r), (r - 1.0) * 100.0),
    )
}

fn seconds(s: f64) -> String {
    crate::runner::progress::human_duration(std::time::Duration::from_secs_f64(s.max(0.0)))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn cell_safe(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code_safe(s: &str) -> String {
    cell_safe(&s.replace('`', "'"))
}
