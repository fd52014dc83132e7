//! Run files on disk: reading them (schema-checked), loading several at once
//! (files or folders of `*.json`, with duplicate labels refused), and writing
//! them through the one writer (`output`) without replacing another run's
//! file unless asked to.
//!
//! Reading applies the same rules as ingest (`safe_read`): regular files
//! only, at most [`MAX_RUN_FILE_BYTES`], and every number checked
//! (`values`), naming the file and the benchmark.
//!
//! The format itself is `model::Run`, documented in `results/README.md`.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::{Run, SCHEMA};
use crate::output::{self, Kind, Output, OutputError, Policy};
use crate::safe_read::{self, Links, ReadError};

/// Largest run file read. A run keeps every sample: 200,000 benchmarks of
/// 100 samples are about 1 GiB of JSON; anything bigger is not a run file.
pub const MAX_RUN_FILE_BYTES: u64 = 4 << 30;

/// Errors reading or writing run files; each names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a run file (expected JSON written by `report ingest`): {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{path}: run file schema {found} is newer than this build of report understands \
         (schema {SCHEMA}); update report to read it"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error("{path}: run file has schema {found}, expected 1 to {SCHEMA}")]
    BadSchema { path: PathBuf, found: u32 },
    #[error(
        "duplicate run label '{label}' in {first} and {second}; \
         give one of them another label (report ingest --label)"
    )]
    DuplicateLabel {
        label: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{path}: no run files (*.json) found there")]
    NoRuns { path: PathBuf },
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{path}: benchmark '{id}': {problem} (times are finite numbers of 0 or more ns)")]
    BadValue {
        path: PathBuf,
        id: String,
        problem: String,
    },
    #[error(transparent)]
    Output(OutputError),
    #[error(
        "{path} already exists; refusing to overwrite another run's results \
         (use --force to replace it)"
    )]
    Exists { path: PathBuf },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads one run file, checking its schema version first so that a file from a
/// newer `report` fails with a clear message rather than a confusing parse error.
pub fn read_run(path: &Path) -> Result<Run, StoreError> {
    let bytes = safe_read::read_regular(path, MAX_RUN_FILE_BYTES, Links::Follow, "a run file")?;
    parse_run(path, &bytes)
}

/// Parses the bytes of a run file; `path` is only used in error messages.
pub fn parse_run(path: &Path, bytes: &[u8]) -> Result<Run, StoreError> {
    #[derive(serde::Deserialize)]
    struct Version {
        schema: u32,
    }
    let parse = |source| StoreError::Parse {
        path: path.to_owned(),
        source,
    };
    let schema_error = |found: u32| {
        if found > SCHEMA {
            Some(StoreError::NewerSchema {
                path: path.to_owned(),
                found,
            })
        } else if found == 0 {
            Some(StoreError::BadSchema {
                path: path.to_owned(),
                found,
            })
        } else {
            None
        }
    };
    // One parse on the happy path (a run of 200,000 benchmarks is a GiB of
    // JSON); only a file that fails is parsed again for its schema, so a
    // newer file gets the clear message rather than a parse error.
    let run: Run = match serde_json::from_slice::<Run>(bytes) {
        Ok(run) => match schema_error(run.schema) {
            Some(e) => return Err(e),
            None => run,
        },
        Err(e) => {
            let version: Version = serde_json::from_slice(bytes).map_err(parse)?;
            return Err(schema_error(version.schema).unwrap_or_else(|| parse(e)));
        }
    };
    for b in &run.benchmarks {
        crate::values::check_benchmark(b).map_err(|problem| StoreError::BadValue {
            path: path.to_owned(),
            id: b.id.full_id(),
            problem,
        })?;
    }
    Ok(run)
}

/// Loads run files given as files or folders (every `*.json` directly inside a
/// folder, in name order). Two runs with the same label are refused, naming
/// both files, because reports label columns by run.
pub fn load_runs(paths: &[PathBuf]) -> Result<Vec<Run>, StoreError> {
    read_all(&run_files(paths)?, false)
}

/// [`load_runs`] for a report that reads the samples of only some runs. Up
/// to `whole_up_to` runs (the most a report shows samples of) are read whole
/// in one pass. Beyond that every run is first read without its samples
/// (`per_iteration_ns` empty), then the runs `sampled` picks from those are
/// read again whole. A history of a thousand runs is mostly samples, and
/// converting their text to numbers was most of `report html`'s time; the
/// skipped samples are scanned as JSON but not checked as times.
pub fn load_runs_sampling(
    paths: &[PathBuf],
    whole_up_to: usize,
    sampled: impl Fn(&[Run]) -> Vec<usize>,
) -> Result<Vec<Run>, StoreError> {
    let files = run_files(paths)?;
    if files.len() <= whole_up_to {
        return read_all(&files, false);
    }
    let mut runs = read_all(&files, true)?;
    let mut keep = sampled(&runs);
    keep.sort_unstable();
    keep.dedup();
    let whole: Vec<Result<Run, StoreError>> =
        keep.par_iter().map(|&i| read_run(&files[i])).collect();
    for (i, run) in keep.into_iter().zip(whole) {
        runs[i] = run?;
    }
    Ok(runs)
}

thread_local! {
    /// Set while a thread reads a run whose samples will not be used.
    static SKIP_SAMPLES: Cell<bool> = const { Cell::new(false) };
}

/// How `Sampling::per_iteration_ns` is read: the samples, or an empty list
/// when this thread is reading for [`load_runs_sampling`]'s first pass.
pub(crate) fn samples<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    use serde::Deserialize;
    if SKIP_SAMPLES.get() {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(Vec::new())
    } else {
        Vec::deserialize(d)
    }
}

/// The run files named by `paths`: files as given, folders' `*.json`.
fn run_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, StoreError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(io(path))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in fs::read_dir(path).map_err(io(path))? {
                let entry = entry.map_err(io(path))?;
                let p = entry.path();
                let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
                let hidden = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                // `run.schema.json` (the format's JSON Schema) lives beside
                // the runs in results/; it is documentation, not a run.
                let schema_doc = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".schema.json"));
                if is_file && !hidden && !schema_doc && p.extension().is_some_and(|e| e == "json") {
                    found.push(p);
                }
            }
            if found.is_empty() {
                return Err(StoreError::NoRuns { path: path.clone() });
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Reads `files` (without samples when `skip_samples`), refusing duplicate labels.
fn read_all(files: &[PathBuf], skip_samples: bool) -> Result<Vec<Run>, StoreError> {
    // Parsing dominates loading (a run keeps every sample), and files are
    // independent: parse them in parallel, then check labels in file order so
    // errors stay deterministic.
    let parsed: Vec<Result<Run, StoreError>> = files
        .par_iter()
        .map(|f| {
            SKIP_SAMPLES.set(skip_samples);
            let run = read_run(f);
            SKIP_SAMPLES.set(false);
            run
        })
        .collect();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut runs = Vec::with_capacity(files.len());
    for (file, run) in files.iter().zip(parsed) {
        let run = run?;
        if let Some(first) = seen.get(&run.label) {
            return Err(StoreError::DuplicateLabel {
                label: run.label,
                first: first.clone(),
                second: file.clone(),
            });
        }
        seen.insert(run.label.clone(), file.clone());
        runs.push(run);
    }
    Ok(runs)
}

/// Serializes a run as the pretty JSON of a run file (with a final newline).
pub fn to_json(run: &Run) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(run).expect("a run always serializes to JSON");
    bytes.push(b'\n');
    bytes
}

/// Writes `run` to `path` (`-`: stdout) through `output`: an existing file
/// is refused unless `overwrite`, and even then only a run file is replaced.
pub fn write_run(path: &Path, run: &Run, overwrite: bool) -> Result<(), StoreError> {
    let policy = if overwrite {
        Policy::ReplaceOwn
    } else {
        Policy::NeverReplace
    };
    write_run_to(&Output::path(path), run, policy).map(|_| ())
}

/// Writes `run` under `policy`; returns the file written (`None`: stdout).
pub fn write_run_to(
    output: &Output,
    run: &Run,
    policy: Policy,
) -> Result<Option<PathBuf>, StoreError> {
    let json = String::from_utf8(to_json(run)).expect("serde_json writes UTF-8");
    output::write(output, Kind::Run, policy, &json).map_err(|e| match e {
        OutputError::Exists { path } => StoreError::Exists { path },
        other => StoreError::Output(other),
    })
}

/// Writes a derived output (report, export) to `path`, replacing anything
/// there but a run file. Kept for callers that have no kind; commands use
/// `output::write` with their own policy.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let text = String::from_utf8_lossy(bytes);
    output::write(
        &Output::File(path.to_owned()),
        Kind::Other,
        Policy::ReplaceAnyButRun,
        &text,
    )
    .map(|_| ())
    .map_err(StoreError::Output)
}

/// `results/<sanitized label>-<UTC time>.json`, the time taken from the run's
/// `recorded_at` (or `unknown-time`), made safe for every file system.
pub fn default_run_path(results_dir: &Path, run: &Run) -> PathBuf {
    let label = sanitize(&run.label, 80);
    let time = run
        .context
        .recorded_at
        .as_deref()
        .map(|t| sanitize(&t.replace(':', ""), 40))
        .unwrap_or_else(|| "unknown-time".to_owned());
    let label = if label.is_empty() {
        "run".to_owned()
    } else {
        label
    };
    results_dir.join(format!("{label}-{time}.json"))
}

/// Keeps ASCII letters, digits, `.`, `-` and `_`; other runs of characters
/// become one `_`; cut to `max` characters.
fn sanitize(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out: String = out.trim_matches('_').chars().take(max).collect();
    out.trim_start_matches('.').to_owned()
}
