//! `report markdown <runs...> [-o FILE] [--force] [--filter ID] [--label L,..]
//! [--tables FILE]`: loads runs, picks what to show, renders the markdown
//! report (see `render::markdown`) and writes it through `output` (stdout,
//! or a file that replaces only its own earlier output; `--force`: anything
//! but a run file).

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::MarkdownArgs;
use crate::output::{self, Kind, Output, Policy};
use crate::render::{markdown, select};
use crate::store;

pub fn run(args: &MarkdownArgs) -> anyhow::Result<ExitCode> {
    // Validate everything before reading runs or writing anything.
    let out = Output::from_arg(args.output.as_deref());
    let policy = Policy::derived(args.force);
    output::check(&out, Kind::Markdown, policy)?;
    let specs = super::table_specs(args.tables.as_deref())?;
    let runs = if args.label.is_empty() {
        // Only the runs the tables show and the history compares need
        // their samples (see `store::load_runs_sampling`).
        store::load_runs_sampling(&args.runs, markdown::MAX_TABLE_RUNS, |runs| {
            let mut sampled = crate::history::sampled_runs(runs);
            sampled.extend(markdown::table_runs(runs));
            sampled
        })?
    } else {
        store::load_runs(&args.runs)?
    };
    let mut runs = select::select_labels(runs, &args.label).context("--label")?;
    if let Some(filter) = &args.filter {
        select::filter_benchmarks(&mut runs, filter).context("--filter")?;
    }
    let text = markdown::render(&runs, &specs)?;
    output::write(&out, Kind::Markdown, policy, &text)?;
    Ok(ExitCode::SUCCESS)
}
