//! `report markdown <runs...> [-o FILE] [--filter ID] [--label L,..]
//! [--tables FILE]`: loads runs, picks what to show, renders the markdown
//! report (see `render::markdown`) and writes it to stdout or, atomically,
//! to a file.

use std::process::ExitCode;

use anyhow::Context;

use super::export::write_output;
use crate::cli::MarkdownArgs;
use crate::render::{markdown, select};
use crate::store;

pub fn run(args: &MarkdownArgs) -> anyhow::Result<ExitCode> {
    // Validate everything before reading runs or writing anything.
    let specs = super::table_specs(args.tables.as_deref())?;
    let runs = store::load_runs(&args.runs)?;
    let mut runs = select::select_labels(runs, &args.label).context("--label")?;
    if let Some(filter) = &args.filter {
        select::filter_benchmarks(&mut runs, filter).context("--filter")?;
    }
    let text = markdown::render(&runs, &specs)?;
    // Same writer as diff and export: stdout for none or `-`, otherwise
    // atomic, and never over a run file.
    write_output(args.output.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
