//! `report export`: writes runs as Bencher Metric Format or
//! github-action-benchmark JSON. Also home of [`write_output`], the one way
//! `diff` and `export` write their result (stdout or an atomic file).

use std::fs;
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
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file =
            fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("writing {}", tmp.display()))?;
        drop(file);
        fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
    })();
    if tmp.exists() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(bytes)
        .and_then(|()| lock.flush())
        .context("writing to stdout")?;
    Ok(())
}
