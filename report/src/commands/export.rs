//! `report export`: writes runs as Bencher Metric Format or
//! github-action-benchmark JSON. Also home of [`write_output`], the one way
//! `diff` and `export` write their result (stdout or an atomic file).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{ExportArgs, ExportFormat};
use crate::{export, store};

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let runs = store::load_runs(&args.runs).context("reading the runs to export")?;
    let mut json = match args.format {
        ExportFormat::Bmf => serde_json::to_string_pretty(&export::bmf(&runs)?)?,
        ExportFormat::GithubActionBenchmark => {
            serde_json::to_string_pretty(&export::github_action_benchmark(&runs)?)?
        }
    };
    json.push('\n');
    write_output(args.output.as_deref(), json.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to stdout (`None` or `-`) or to `path` atomically: a
/// temporary file in the same folder, then a rename, so a reader never sees
/// half a file. A run file is never replaced: pointing `-o` at one by mistake
/// would destroy measured results, while the diff or export can be redone.
pub(crate) fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    let path = match path {
        None => return write_stdout(bytes),
        Some(p) if p == Path::new("-") => return write_stdout(bytes),
        Some(p) => p,
    };
    if path.is_file() && store::read_run(path).is_ok() {
        anyhow::bail!(
            "{}: is a run file; refusing to overwrite measured results with this output",
            path.display()
        );
    }
    store::write_file_atomically(path, bytes)?;
    Ok(())
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(bytes)
        .and_then(|()| lock.flush())
        .context("writing to stdout")?;
    Ok(())
}
