//! A [`DiffReport`] as terminal text, as markdown for a pull-request comment
//! or `$GITHUB_STEP_SUMMARY`, or as JSON. Pure string building; numbers go
//! through `crate::format` so they read as in every other report.
//!
//! The markdown leads with one verdict line, then the regressions and
//! improvements; everything else is collapsed in `<details>`. Comparisons
//! across cells show only group geometric means (the full rows are in the
//! JSON), which keeps a comment under GitHub's size limit.
//!
//! `report compare`'s renderer (`compare::render`) lays out its paired
//! report with the helpers here that both share (`pub(crate)`).

use std::fmt::Write as _;

use serde::Serialize;

use super::{Class, Comparison, DiffReport, Entry, GroupSummary, Summary, instructions};
use crate::format;

/// What a value that does not exist (the baseline of an added benchmark,
/// the p-value of an untested one) reads as.
pub(crate) const NONE: &str = "—";

/// Pretty JSON with a final newline (a diff or a compare report).
pub fn json(report: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("a report serializes");
    text.push('\n');
    text
}

/// One line saying whether the candidate regressed.
pub fn verdict(report: &DiffReport) -> String {
    let threshold = threshold_text(report);
    let regressions = report.gating_regressions().count();
    if !report.comparisons.iter().any(|c| c.gating) {
        return "No comparable runs: baseline and candidate share no cell on the same CPU model; \
                differences are information only"
            .to_owned();
    }
    regressions_line(regressions, &threshold)
}

/// The verdict on `regressions` significant regressions beyond `threshold`.
pub(crate) fn regressions_line(regressions: usize, threshold: &str) -> String {
    if regressions > 0 {
        format!(
            "{regressions} significant regression{} beyond the {threshold} threshold",
            plural(regressions)
        )
    } else {
        format!("No significant regressions beyond the {threshold} threshold")
    }
}

/// Terminal text: the verdict, then every comparison with all its rows.
pub fn text(report: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", verdict(report), counts(&report.summary));
    if let Some(line) = instructions::verdict(report) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "method: Mann-Whitney U on per-iteration samples, Holm-corrected alpha {}, {:.0}% bootstrap intervals (docs/diff-method.md)",
        report.options.alpha,
        report.options.confidence * 100.0
    );
    for comparison in &report.comparisons {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "baseline '{}' ({}) vs candidate '{}' ({}){}",
            comparison.baseline.label,
            comparison.baseline.cell,
            comparison.candidate.label,
            comparison.candidate.cell,
            if comparison.gating {
                ""
            } else {
                " [information only]"
            }
        );
        if let Some(reason) = &comparison.info_reason {
            let _ = writeln!(out, "  {reason}");
        }
        for d in &comparison.context_differences {
            let _ = writeln!(
                out,
                "  differs: {}: {} -> {}",
                d.field, d.baseline, d.candidate
            );
        }
        if let Some(line) = noise_line(comparison) {
            let _ = writeln!(out, "  {line}");
        }
        let rows: Vec<[String; 6]> = sorted(&comparison.entries)
            .into_iter()
            .map(|e| {
                [
                    e.class.as_str().to_uppercase(),
                    e.id.clone(),
                    times(e),
                    change_text(e),
                    interval_text(e),
                    p_text(e.p_adjusted),
                ]
            })
            .collect();
        aligned_rows(&mut out, &rows);
        // Why a disturbed benchmark is not judged (other notes stay in JSON/markdown).
        for e in &comparison.entries {
            if let Some(note) = e
                .figures
                .note
                .as_deref()
                .filter(|n| n.starts_with("disturbed"))
            {
                let _ = writeln!(out, "  {}: {note}", e.id);
            }
        }
        for line in instructions::text_lines(comparison) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "  geometric mean of ratios: {} ({})",
            geomean_text(comparison.geomean_ratio),
            comparison
                .groups
                .iter()
                .map(|g| format!("{} {}", g.group, geomean_text(g.geomean_ratio)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// Terminal rows with each column padded to its widest cell.
pub(crate) fn aligned_rows<const N: usize>(out: &mut String, rows: &[[String; N]]) {
    let widths: Vec<usize> = (0..N)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::from(" ");
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, " {cell:<width$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Markdown for a pull-request comment or the job summary.
pub fn markdown(report: &DiffReport) -> String {
    let mut out = String::new();
    let regressions =
        report.gating_regressions().count() + report.gating_instruction_regressions().count();
    let mark = if !report.comparisons.iter().any(|c| c.gating) {
        "ℹ️"
    } else if regressions > 0 {
        "❌"
    } else {
        "✅"
    };
    let _ = writeln!(out, "### Benchmark diff\n");
    let _ = writeln!(
        out,
        "{mark} **{}** — {}\n",
        verdict(report),
        counts(&report.summary)
    );
    if let Some(line) = instructions::verdict(report) {
        let _ = writeln!(out, "{line}.\n");
    }
    let _ = writeln!(
        out,
        "Mann-Whitney U on per-iteration samples, Holm-corrected α = {}, {:.0}% bootstrap intervals; \
         a change counts only when significant, beyond the threshold and its interval excludes zero.\n",
        report.options.alpha,
        report.options.confidence * 100.0
    );

    let gating: Vec<&Comparison> = report.comparisons.iter().filter(|c| c.gating).collect();
    let many = gating.len() > 1;
    for comparison in &gating {
        let _ = writeln!(
            out,
            "Baseline `{}` vs candidate `{}` ({}).",
            code_safe(&comparison.baseline.label),
            code_safe(&comparison.candidate.label),
            comparison.candidate.cell
        );
        if let Some(line) = noise_line(comparison) {
            let _ = writeln!(out, "{}.", capitalized(&line));
        }
        differences_md(&mut out, comparison);
    }
    let _ = writeln!(out);
    for (class, title) in [
        (Class::Regressed, "Regressions"),
        (Class::Improved, "Improvements"),
    ] {
        let rows: Vec<(&Comparison, &Entry)> = gating
            .iter()
            .flat_map(|c| c.entries.iter().map(move |e| (*c, e)))
            .filter(|(_, e)| e.class == class)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title} ({})\n", rows.len());
        table_md(&mut out, &rows, many, false);
        let _ = writeln!(out);
    }

    out.push_str(&instructions::markdown_section(report));

    for comparison in &gating {
        let rest: Vec<(&Comparison, &Entry)> = sorted(&comparison.entries)
            .into_iter()
            .filter(|e| !matches!(e.class, Class::Regressed | Class::Improved))
            .map(|e| (*comparison, e))
            .collect();
        if !rest.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>{} other benchmark{} of {}: unchanged, noisy, added, removed</summary>\n",
                rest.len(),
                plural(rest.len()),
                comparison.candidate.cell,
            );
            table_md(&mut out, &rest, false, true);
            let _ = writeln!(out, "\n</details>\n");
        }
        groups_md(&mut out, comparison, "Geometric mean per group");
    }

    info_only_md(&mut out, report);
    out
}

/// The comparisons that never gate (other cells, other toolchains): one line
/// each, then their per-group geometric means.
fn info_only_md(out: &mut String, report: &DiffReport) {
    let info: Vec<&Comparison> = report.comparisons.iter().filter(|c| !c.gating).collect();
    if !info.is_empty() {
        let _ = writeln!(out, "#### Information only (never gates)\n");
        for comparison in info {
            let _ = writeln!(
                out,
                "- `{}` ({}) vs `{}` ({}): geometric mean {}; {}",
                code_safe(&comparison.baseline.label),
                comparison.baseline.cell,
                code_safe(&comparison.candidate.label),
                comparison.candidate.cell,
                geomean_text(comparison.geomean_ratio),
                comparison
                    .info_reason
                    .as_deref()
                    .unwrap_or("information only")
            );
        }
        let _ = writeln!(out);
        for comparison in report.comparisons.iter().filter(|c| !c.gating) {
            let title = format!(
                "`{}` vs `{}`: per group",
                code_safe(&comparison.baseline.label),
                code_safe(&comparison.candidate.label)
            );
            groups_md(out, comparison, &title);
        }
    }
}

fn differences_md(out: &mut String, comparison: &Comparison) {
    if comparison.context_differences.is_empty() {
        return;
    }
    let list = comparison
        .context_differences
        .iter()
        .map(|d| {
            format!(
                "{}: `{}` → `{}`",
                d.field,
                code_safe(&d.baseline),
                code_safe(&d.candidate)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let _ = writeln!(out, "Build context differs: {list}.");
}

fn table_md(out: &mut String, rows: &[(&Comparison, &Entry)], with_cell: bool, with_class: bool) {
    let mut header = String::from("| Benchmark |");
    let mut rule = String::from("|---|");
    if with_cell {
        header.push_str(" Cell |");
        rule.push_str("---|");
    }
    if with_class {
        header.push_str(" Class |");
        rule.push_str("---|");
    }
    header.push_str(" Baseline | Candidate | Change | Interval | p (Holm) |");
    rule.push_str("---:|---:|---:|---|---:|");
    if with_class {
        header.push_str(" Note |");
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for (comparison, e) in rows {
        let mut line = format!("| `{}` |", code_safe(&e.id));
        if with_cell {
            let _ = write!(
                line,
                " {} |",
                cell_safe(&comparison.candidate.cell.to_string())
            );
        }
        if with_class {
            let _ = write!(line, " {} |", e.class.as_str());
        }
        let _ = write!(
            line,
            " {} | {} | {} | {} | {} |",
            ns(e.baseline_ns),
            ns(e.candidate_ns),
            change_text(e),
            interval_text(e),
            p_text(e.p_adjusted)
        );
        if with_class {
            let _ = write!(
                line,
                " {} |",
                cell_safe(e.figures.note.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(out, "{line}");
    }
}

fn groups_md(out: &mut String, comparison: &Comparison, title: &str) {
    if comparison.groups.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>{title}: overall {}</summary>\n",
        geomean_text(comparison.geomean_ratio)
    );
    let _ = writeln!(
        out,
        "| Group | Benchmarks | Geometric mean (candidate/baseline) | Regressed | Improved |\n|---|---:|---:|---:|---:|"
    );
    for g in &comparison.groups {
        let _ = writeln!(out, "{}", group_row(g));
    }
    let _ = writeln!(out, "\n</details>\n");
}

/// A group's markdown row: name, benchmarks, geometric mean, regressed, improved.
pub(crate) fn group_row(g: &GroupSummary) -> String {
    format!(
        "| `{}` | {} | {} | {} | {} |",
        code_safe(&g.group),
        g.benchmarks,
        geomean_text(g.geomean_ratio),
        g.regressed,
        g.improved
    )
}

/// Entries ordered by class (regressions first), then by id in natural
/// order (`1us < 10us < 1ms`); `report compare` lists its rows the same way.
pub(crate) fn sorted<F>(entries: &[Entry<F>]) -> Vec<&Entry<F>> {
    let mut v: Vec<&Entry<F>> = entries.iter().collect();
    v.sort_by(|a, b| {
        a.class
            .cmp(&b.class)
            .then_with(|| crate::order::natural_cmp(&a.id, &b.id))
    });
    v
}

pub(crate) fn counts(s: &Summary) -> String {
    format!(
        "{} improved, {} unchanged, {} noisy, {} added, {} removed",
        s.improved, s.unchanged, s.noisy, s.added, s.removed
    )
}

fn threshold_text(report: &DiffReport) -> String {
    percent(report.options.threshold)
}

/// A threshold (0.05) as `5.0%`.
pub(crate) fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub(crate) fn times<F>(e: &Entry<F>) -> String {
    format!("{} -> {}", ns(e.baseline_ns), ns(e.candidate_ns))
}

/// A typical time, or [`NONE`].
pub(crate) fn ns(v: Option<f64>) -> String {
    v.map_or(NONE.into(), format::duration_ns)
}

fn signed_pct(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

pub(crate) fn change_text<F>(e: &Entry<F>) -> String {
    e.change.map_or_else(|| NONE.into(), signed_pct)
}

pub(crate) fn interval_text<F>(e: &Entry<F>) -> String {
    match (e.change_lower, e.change_upper) {
        (Some(l), Some(u)) => format!("{} to {}", signed_pct(l), signed_pct(u)),
        _ => NONE.into(),
    }
}

pub(crate) fn p_text(p: Option<f64>) -> String {
    match p {
        None => NONE.into(),
        Some(p) if p < 1e-4 => "<0.0001".into(),
        Some(p) => format!("{p:.4}"),
    }
}

pub(crate) fn geomean_text(g: Option<f64>) -> String {
    g.map_or_else(
        || "n/a".into(),
        |r| format!("{} ({})", format::ratio(r), signed_pct(r - 1.0)),
    )
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Text inside a markdown table cell: a `|` would end the cell, and a
/// newline the row (it shows as `\u{a}`, see `sanitize`).
pub(crate) fn cell_safe(s: &str) -> String {
    crate::sanitize::one_line(s).replace('|', "\\|")
}

/// Text inside backticks in a table cell: backticks cannot be escaped there,
/// so they become quotes; `|` still needs its escape.
pub(crate) fn code_safe(s: &str) -> String {
    cell_safe(&s.replace('`', "'"))
}

/// One line on the run-to-run noise of a comparison and the change it takes
/// to count, or `None` when it could not be estimated.
fn noise_line(comparison: &Comparison) -> Option<String> {
    let sigma = comparison.run_noise?;
    Some(format!(
        "run-to-run noise of these two runs: ±{:.1}% (robust spread of all changes); \
         changes smaller than the noise floor cannot count",
        sigma.exp_m1() * 100.0
    ))
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(cell_safe("a|b\nc\u{1b}"), "a\\|b\\u{a}c\\u{1b}");
        assert_eq!(code_safe("x`y|z"), "x'y\\|z");
    }

    #[test]
    fn p_values_read_plainly() {
        assert_eq!(p_text(None), "—");
        assert_eq!(p_text(Some(1e-9)), "<0.0001");
        assert_eq!(p_text(Some(0.25)), "0.2500");
    }
}
