//! `report summary <run> [--filter TEXT]`: prints one run as the terminal
//! summary (see `render::summary`).

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::SummaryArgs;
use crate::output::{self, Kind, Output, Policy};
use crate::render::{select, summary};
use crate::store;

pub fn run(args: &SummaryArgs) -> anyhow::Result<ExitCode> {
    let mut run = store::read_run(&args.run)?;
    if let Some(filter) = &args.filter {
        select::filter_benchmarks(std::slice::from_mut(&mut run), filter)
            .with_context(|| format!("--filter in {}", args.run.display()))?;
    }
    let text = summary::render(&run);
    output::write(&Output::Stdout, Kind::Text, Policy::ReplaceOwn, &text)
        .context("writing the summary to stdout")?;
    Ok(ExitCode::SUCCESS)
}
