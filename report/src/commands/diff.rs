//! `report diff`: compares baseline runs with candidate runs, prints the
//! result as text, markdown or JSON, and with `--fail-on-regression` exits 1
//! when a gating comparison holds a significant regression beyond the
//! threshold, or an instruction count beyond `--instructions-threshold`.
//! Bad input is an error (exit 2, from `main`), and so is a gate that
//! compared nothing (no benchmark paired within a cell) unless
//! `--allow-empty`: a misconfigured CI job must not pass silently.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{self, Class, DiffOptions, DiffReport, render};
use crate::output::{self, Kind, Output, Policy};
use crate::{sanitize, store};

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let mut options = DiffOptions::with_threshold_pct(args.threshold)
        .with_context(|| format!("--threshold {}", args.threshold))?;
    if !(args.noise_z.is_finite() && args.noise_z >= 0.0) {
        anyhow::bail!("--noise-z {} is not a number of 0 or more", args.noise_z);
    }
    options.noise_z = args.noise_z;
    let out = Output::from_arg(args.output.as_deref());
    let policy = Policy::derived(args.force);
    let kind = match args.format {
        DiffFormat::Text => Kind::Text,
        DiffFormat::Markdown => Kind::Markdown,
        DiffFormat::Json => Kind::DiffJson,
    };
    output::check(&out, kind, policy)?;
    if !(args.instructions_threshold.is_finite() && args.instructions_threshold >= 0.0) {
        anyhow::bail!(
            "--instructions-threshold {} is not a percentage of 0 or more",
            args.instructions_threshold
        );
    }
    options.instructions_threshold = args.instructions_threshold / 100.0;
    let baseline = store::load_runs(&args.baseline).context("reading the baseline runs")?;
    let candidate = store::load_runs(&args.candidate).context("reading the candidate runs")?;
    let report = diff::diff(&baseline, &candidate, &options)?;
    let output = match args.format {
        DiffFormat::Text => render::text(&report),
        DiffFormat::Markdown => render::markdown(&report),
        DiffFormat::Json => render::json(&report),
    };
    output::write(&out, kind, policy, &output)?;

    if args.fail_on_regression && !args.allow_empty && paired(&report) == 0 {
        let why = if report.comparisons.iter().any(|c| c.gating) {
            format!(
                "no benchmark is in both runs: {} added, {} removed",
                report.summary.added, report.summary.removed
            )
        } else {
            render::verdict(&report)
        };
        anyhow::bail!(
            "--fail-on-regression: no benchmark was compared ({why}), so the gate checked \
             nothing; check that baseline and candidate are runs of the same cell and \
             benchmarks, or pass --allow-empty to accept an empty diff"
        );
    }

    let regressions: Vec<_> = report.gating_regressions().collect();
    let counted: Vec<_> = report.gating_instruction_regressions().collect();
    if args.fail_on_regression && !counted.is_empty() {
        eprintln!(
            "{} instruction-count regression{} beyond {}%:",
            counted.len(),
            if counted.len() == 1 { "" } else { "s" },
            args.instructions_threshold
        );
        for (comparison, entry) in &counted {
            if let Some(i) = &entry.figures.instructions {
                eprintln!(
                    "  {} ({}): {:+.3}% instructions ({:.0} -> {:.0})",
                    entry.id,
                    comparison.candidate.cell,
                    i.change * 100.0,
                    i.baseline,
                    i.candidate
                );
            }
        }
    }
    if args.fail_on_regression && !regressions.is_empty() {
        eprintln!(
            "{} significant regression{} beyond {}%:",
            regressions.len(),
            if regressions.len() == 1 { "" } else { "s" },
            args.threshold
        );
        for (comparison, entry) in regressions {
            eprintln!(
                "  {} ({}): {:+.1}% [{:+.1}% to {:+.1}%], p (Holm) {:.2e}",
                sanitize::one_line(&entry.id),
                sanitize::one_line(&comparison.candidate.cell.to_string()),
                entry.change.unwrap_or(f64::NAN) * 100.0,
                entry.change_lower.unwrap_or(f64::NAN) * 100.0,
                entry.change_upper.unwrap_or(f64::NAN) * 100.0,
                entry.p_adjusted.unwrap_or(f64::NAN)
            );
        }
        return Ok(ExitCode::from(1));
    }
    if args.fail_on_regression && !counted.is_empty() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Benchmarks paired (in both runs) within gating comparisons.
fn paired(report: &DiffReport) -> usize {
    report
        .comparisons
        .iter()
        .filter(|c| c.gating)
        .flat_map(|c| &c.entries)
        .filter(|e| !matches!(e.class, Class::Added | Class::Removed))
        .count()
}
