//! `report html <runs...> [-o FILE] [--reference LABEL] [--filter ID]
//! [--tables FILE] [--force]`: loads runs, renders the self-contained HTML report (see the
//! `html` module) and writes it through `output`, by default to `report.html`.
//!
//! Overwriting: an existing output file is replaced only when it is a report
//! `report` wrote (its head carries our `<meta name="generator"
//! content="report …">`), so re-running is painless but a page someone else
//! wrote is never lost silently; `--force` replaces anything but a run file.
//! `-` writes to stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::HtmlArgs;
use crate::html::{self, HtmlOptions};
use crate::output::{self, Kind, Output, Policy};
use crate::render::select;
use crate::store;

pub fn run(args: &HtmlArgs) -> anyhow::Result<ExitCode> {
    // Validate everything before reading runs or writing anything.
    let out = Output::path(
        args.output
            .clone()
            .unwrap_or_else(|| PathBuf::from("report.html")),
    );
    let policy = Policy::derived(args.force);
    output::check(&out, Kind::Html, policy)?;
    let specs = super::table_specs(args.tables.as_deref())?;
    let mut runs = store::load_runs_sampling(&args.runs, html::WHOLE_RUNS, |runs| {
        html::sampled_runs(runs, args.reference.as_deref())
    })?;
    if let Some(filter) = &args.filter {
        select::filter_benchmarks(&mut runs, filter).context("--filter")?;
    }
    let text = html::render(
        &runs,
        &HtmlOptions {
            reference: args.reference.clone(),
            specs,
        },
    )?;
    let written =
        output::write(&out, Kind::Html, policy, &text).context("writing the HTML report")?;
    if let Some(path) = written {
        eprintln!(
            "wrote {} ({} run{}, {} KiB)",
            path.display(),
            runs.len(),
            if runs.len() == 1 { "" } else { "s" },
            text.len() / 1024
        );
    }
    Ok(ExitCode::SUCCESS)
}
