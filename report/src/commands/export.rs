//! `report export`: writes runs as Bencher Metric Format or
//! github-action-benchmark JSON, through `output` (stdout, or a file that
//! replaces only an earlier export of the same format; `--force`: anything
//! but a run file).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{ExportArgs, ExportFormat};
use crate::output::{self, Kind, Output, Policy};
use crate::{export, store};

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let out = Output::from_arg(args.output.as_deref());
    let policy = Policy::derived(args.force);
    let kind = match args.format {
        ExportFormat::Bmf => Kind::Bmf,
        ExportFormat::GithubActionBenchmark => Kind::GithubActionBenchmark,
    };
    output::check(&out, kind, policy)?;
    let runs = store::load_runs(&args.runs).context("reading the runs to export")?;
    let mut json = match args.format {
        ExportFormat::Bmf => serde_json::to_string_pretty(&export::bmf(&runs)?)?,
        ExportFormat::GithubActionBenchmark => {
            serde_json::to_string_pretty(&export::github_action_benchmark(&runs)?)?
        }
    };
    json.push('\n');
    output::write(&out, kind, policy, &json)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` of no particular kind to stdout (`None` or `-`) or to
/// `path`, replacing anything there but a run file. Kept for callers without
/// a `Kind`; the commands call `output::write` with their own.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    output::write(
        &Output::from_arg(path),
        Kind::Other,
        Policy::ReplaceAnyButRun,
        &String::from_utf8_lossy(bytes),
    )?;
    Ok(())
}
