//! `report html <runs...> [-o FILE] [--reference LABEL] [--tables FILE]
//! [--force]`: loads runs, renders the self-contained HTML report (see the
//! `html` module) and writes it atomically, by default to `report.html`.
//!
//! Overwriting: an existing output file is replaced only when it is a report
//! this command wrote (its head carries our `<meta name="generator"
//! content="report …">`), so re-running is painless but a page someone else
//! wrote is never lost silently; `--force` replaces anything. `-` writes to
//! stdout.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::HtmlArgs;
use crate::html::{self, HtmlOptions};
use crate::store;

/// What our reports carry in their first bytes (see the template's head).
const GENERATOR_MARK: &str = "<meta name=\"generator\" content=\"report ";

pub fn run(args: &HtmlArgs) -> anyhow::Result<ExitCode> {
    // Validate everything before reading runs or writing anything.
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("report.html"));
    let to_stdout = output == Path::new("-");
    if !to_stdout && !args.force {
        check_replaceable(&output)?;
    }
    let specs = super::table_specs(args.tables.as_deref())?;
    let runs = store::load_runs(&args.runs)?;
    let text = html::render(
        &runs,
        &HtmlOptions {
            reference: args.reference.clone(),
            specs,
        },
    )?;
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .context("writing the report to stdout")?;
    } else {
        store::write_file_atomically(&output, text.as_bytes())
            .with_context(|| format!("writing {}", output.display()))?;
        eprintln!(
            "wrote {} ({} run{}, {} KiB)",
            output.display(),
            runs.len(),
            if runs.len() == 1 { "" } else { "s" },
            text.len() / 1024
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses an existing `path` that is not a report of ours.
fn check_replaceable(path: &Path) -> anyhow::Result<()> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("checking {}", path.display())),
    };
    let mut head = Vec::new();
    Read::by_ref(&mut file)
        .take(2048)
        .read_to_end(&mut head)
        .with_context(|| format!("reading {}", path.display()))?;
    if String::from_utf8_lossy(&head).contains(GENERATOR_MARK) {
        return Ok(());
    }
    bail!(
        "{} exists and is not a report written by `report html`; \
         choose another -o FILE or pass --force to replace it",
        path.display()
    )
}
