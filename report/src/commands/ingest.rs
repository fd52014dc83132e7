//! `report ingest <criterion dir> [--baseline NAME] [--label L] [-o FILE] [--force]`:
//! reads a criterion tree, detects the build context, and writes one run file.
//! Given the output file of `scripts/benchmark_py314.py` instead, it writes
//! that as a run whose cell is the interpreter (`python` module).
//!
//! Warnings (skipped benchmarks, each naming its file) go to stderr; the path
//! written goes to stdout. Without `-o` the file goes to
//! `results/<label>-<time>.json` (a `-2`, `-3`... suffix when that name is
//! taken within the same second); with `-o FILE` an existing file is refused
//! unless `--force`, which replaces only a run file; `-o -` writes the run to
//! stdout. The policies are `output::Policy`'s.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::IngestArgs;
use crate::context::{self, ContextInputs};
use crate::ingest::{self, IngestOptions};
use crate::output::{Output, Policy};
use crate::{python, sanitize, store};

/// Folder run files go to when `-o` is not given (relative to the current directory).
pub const RESULTS_DIR: &str = "results";

pub fn run(args: &IngestArgs) -> anyhow::Result<ExitCode> {
    if let Some(run) = python_run(args)? {
        return write(
            args,
            &ingest::Ingested {
                run,
                warnings: Vec::new(),
            },
        );
    }
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
    let mut ingested = ingested;
    if let Some(dir) = &args.instructions {
        let attached = crate::gungraun::add_to_run(&mut ingested.run, dir, None)
            .map_err(anyhow::Error::msg)?;
        for warning in attached.all_warnings() {
            eprintln!("warning: {}", sanitize::message(&warning.to_string()));
        }
        eprintln!(
            "instruction counts for {} benchmarks from {}",
            attached.attached,
            dir.display()
        );
    }
    write(args, &ingested)
}

/// The run of a `scripts/benchmark_py314.py --output` file, when the path is one.
fn python_run(args: &IngestArgs) -> anyhow::Result<Option<crate::model::Run>> {
    let path = &args.criterion_dir;
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = crate::safe_read::read_regular(
        path,
        store::MAX_RUN_FILE_BYTES,
        crate::safe_read::Links::Follow,
        "a Python suite file",
    )?;
    if !python::is_suite_output(&bytes) {
        return Ok(None);
    }
    if args.baseline.is_some() {
        anyhow::bail!(
            "{}: --baseline names a criterion baseline; a Python suite file has none",
            path.display()
        );
    }
    let output = python::parse(path, &bytes)?;
    Ok(Some(python::to_run(path, &output, args.label.as_deref())?))
}

fn write(args: &IngestArgs, ingested: &ingest::Ingested) -> anyhow::Result<ExitCode> {
    let run = &ingested.run;
    let (out, policy) = match &args.output {
        Some(path) => (Output::path(path), Policy::NeverReplace),
        None => (
            Output::File(store::default_run_path(Path::new(RESULTS_DIR), run)),
            Policy::NumberedSibling,
        ),
    };
    let policy = if args.force {
        Policy::ReplaceOwn
    } else {
        policy
    };
    for warning in &ingested.warnings {
        eprintln!("warning: {}", sanitize::message(warning));
    }
    if let Some(path) = store::write_run_to(&out, run, policy)? {
        println!("{}", path.display());
    }
    eprintln!(
        "ingested {} benchmarks as '{}'{}",
        run.benchmarks.len(),
        sanitize::message(&run.label),
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
