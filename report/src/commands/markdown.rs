//! `report markdown <runs...> [-o FILE] [--filter ID] [--label L,..]
//! [--tables FILE]`: loads runs, picks what to show, renders the markdown
//! report (see `render::markdown`) and writes it to stdout or, atomically,
//! to a file.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::MarkdownArgs;
use crate::render::{markdown, select};
use crate::{store, tables};

pub fn run(args: &MarkdownArgs) -> anyhow::Result<ExitCode> {
    // Validate everything before reading runs or writing anything.
    let specs = match &args.tables {
        Some(path) => tables::load_specs(path)?,
        None => tables::builtin_specs(),
    };
    let runs = store::load_runs(&args.runs)?;
    let mut runs = select::select_labels(runs, &args.label).context("--label")?;
    if let Some(filter) = &args.filter {
        select::filter_benchmarks(&mut runs, filter).context("--filter")?;
    }
    let text = markdown::render(&runs, &specs)?;
    match args.output.as_deref() {
        None => write_stdout(&text)?,
        Some(path) if path == Path::new("-") => write_stdout(&text)?,
        Some(path) => store::write_file_atomically(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing the report to stdout")
}
