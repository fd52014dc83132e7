//! `report ingest <criterion dir> [--baseline NAME] [--label L] [-o FILE] [--force]`:
//! reads a criterion tree, detects the build context, and writes one run file.
//!
//! Warnings (skipped benchmarks, each naming its file) go to stderr; the path
//! written goes to stdout. Without `-o` the file goes to
//! `results/<label>-<time>.json` (a `-2`, `-3`... suffix when that name is
//! taken within the same second); with `-o FILE` an existing file is refused
//! unless `--force`; `-o -` writes the run to stdout.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::IngestArgs;
use crate::context::{self, ContextInputs};
use crate::ingest::{self, IngestOptions};
use crate::store::{self, StoreError};

/// Folder run files go to when `-o` is not given (relative to the current directory).
pub const RESULTS_DIR: &str = "results";

pub fn run(args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let context = context::detect(&ContextInputs {
        workspace_root: workspace_root(&cwd),
        rustup_toolchain: std::env::var("RUSTUP_TOOLCHAIN")
            .ok()
            .filter(|t| !t.is_empty()),
        target: None,
        target_cpu: None,
        rustflags: None,
        profile: "bench".to_owned(),
    });
    let ingested = ingest::ingest(
        &args.criterion_dir,
        &IngestOptions {
            baseline: args.baseline.clone(),
            label: args.label.clone(),
            context: Some(context),
        },
    )
    .with_context(|| format!("ingesting {}", args.criterion_dir.display()))?;
    for warning in &ingested.warnings {
        eprintln!("warning: {warning}");
    }
    let mut ingested = ingested;
    if let Some(dir) = &args.instructions {
        let attached = crate::gungraun::add_to_run(&mut ingested.run, dir, None)
            .map_err(anyhow::Error::msg)?;
        for warning in attached.all_warnings() {
            eprintln!("warning: {warning}");
        }
        eprintln!(
            "instruction counts for {} benchmarks from {}",
            attached.attached,
            dir.display()
        );
    }
    let run = &ingested.run;
    match &args.output {
        Some(path) if path == Path::new("-") => {
            store::write_run(path, run, true)?;
        }
        Some(path) => {
            store::write_run(path, run, args.force)?;
            println!("{}", path.display());
        }
        None => {
            let path = write_new(Path::new(RESULTS_DIR), run, args.force)?;
            println!("{}", path.display());
        }
    }
    eprintln!(
        "ingested {} benchmarks as '{}'{}",
        run.benchmarks.len(),
        run.label,
        match ingested.warnings.len() {
            0 => String::new(),
            n => format!(", {n} skipped or with warnings"),
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// The nearest folder at or above `start` whose Cargo.toml has a `[workspace]`
/// table, else the nearest with a Cargo.lock, else `start`.
fn workspace_root(start: &Path) -> PathBuf {
    let mut with_lock = None;
    for dir in start.ancestors() {
        if let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml"))
            && toml::from_str::<toml::Table>(&text).is_ok_and(|t| t.contains_key("workspace"))
        {
            return dir.to_owned();
        }
        if with_lock.is_none() && dir.join("Cargo.lock").is_file() {
            with_lock = Some(dir.to_owned());
        }
    }
    with_lock.unwrap_or_else(|| start.to_owned())
}

/// Writes to the default path, or a numbered sibling when that name is taken:
/// another run's results are never replaced (unless `force`).
fn write_new(results: &Path, run: &crate::model::Run, force: bool) -> anyhow::Result<PathBuf> {
    let first = store::default_run_path(results, run);
    if force {
        store::write_run(&first, run, true)?;
        return Ok(first);
    }
    for n in 1..100 {
        let path = if n == 1 {
            first.clone()
        } else {
            let stem = first.file_stem().and_then(|s| s.to_str()).unwrap_or("run");
            first.with_file_name(format!("{stem}-{n}.json"))
        };
        match store::write_run(&path, run, false) {
            Ok(()) => return Ok(path),
            Err(StoreError::Exists { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!("{} and 98 numbered siblings already exist", first.display())
}
