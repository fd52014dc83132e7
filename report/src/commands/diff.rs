//! `report diff`: compares baseline runs with candidate runs, prints the
//! result as text, markdown or JSON, and with `--fail-on-regression` exits 1
//! when a gating comparison holds a significant regression beyond the
//! threshold, or an instruction count beyond `--instructions-threshold`. Bad input is an error (exit 2, from `main`).

use std::process::ExitCode;

use anyhow::Context;

use super::export::write_output;
use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{self, DiffOptions, render};
use crate::store;

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let mut options = DiffOptions::with_threshold_pct(args.threshold)
        .with_context(|| format!("--threshold {}", args.threshold))?;
    if !(args.noise_z.is_finite() && args.noise_z >= 0.0) {
        anyhow::bail!("--noise-z {} is not a number of 0 or more", args.noise_z);
    }
    options.noise_z = args.noise_z;
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
    write_output(args.output.as_deref(), output.as_bytes())?;

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
            if let Some(i) = &entry.instructions {
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
                entry.id,
                comparison.candidate.cell,
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
