//! Ingest: walk a criterion output tree and turn it into a [`Run`].
//!
//! A **benchmark folder** is any folder below the criterion directory that
//! holds a `<baseline>/` folder with criterion's files (`baseline` = `new` or
//! the name given with `--baseline`). Ids come from `benchmark.json`, never
//! from folder names (criterion sanitizes and truncates those).
//!
//! Rules, all tested in `tests/all/ingest.rs`:
//! - a bad benchmark (missing, truncated or malformed file, NaN, negative
//!   values, zero iterations, samples of different lengths) is skipped with a
//!   warning that names the file and the reason; the rest is ingested;
//! - a directory with no benchmark at all is an error;
//! - nothing outside the given directory is read: symbolic links (to folders
//!   or files) are not followed, which also means a link loop cannot hang the
//!   walk; folders already visited (bind-mount loops) are not walked again;
//! - criterion's own `report/` folders and our `bench-metrics/` are skipped;
//! - P50/P95/P99 come from the per-iteration sample times and are marked
//!   unreliable below [`MIN_RELIABLE_SAMPLES`] samples;
//! - non-time metrics from `bench-metrics/` are joined by (group, function,
//!   value). Those files describe the latest bench run (like `new/`), so with
//!   `--baseline` they may be newer than the baseline's times.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::context::codecs_measured;
use crate::criterion::{self, EstimateFile, SamplingModeFile, ThroughputFile};
use crate::model::{
    Benchmark, BenchmarkId, BuildContext, Estimate, Run, SCHEMA, Sampling, SamplingMode, Throughput,
};
pub use crate::stats::percentiles::MIN_RELIABLE_SAMPLES;

pub use crate::criterion::LATEST_BASELINE;

/// Folders deeper than this below the criterion directory are not walked
/// (criterion nests at most group/function/value/baseline).
const MAX_DEPTH: usize = 32;

/// How to ingest a criterion tree.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Named baseline to read (`--save-baseline NAME`); `None` = `new`.
    pub baseline: Option<String>,
    /// Run label; `None` = `<toolchain release> <target> <target-cpu or generic>`.
    pub label: Option<String>,
    /// Build context to record; `None` = an empty (all unknown) context.
    pub context: Option<BuildContext>,
}

/// An ingested run plus the benchmarks skipped, one warning each (naming the
/// file and the reason).
#[derive(Debug, Clone)]
pub struct Ingested {
    pub run: Run,
    pub warnings: Vec<String>,
}

/// Errors that stop an ingest as a whole.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: is not a directory (expected criterion's output directory, e.g. target/criterion)"
    )]
    NotADirectory { path: PathBuf },
    #[error(
        "{path}: not a criterion output directory: no benchmark folder with \
         '{baseline}/{}' found (expected e.g. target/criterion after `cargo bench`)",
        criterion::BENCHMARK_FILE
    )]
    NotCriterion { path: PathBuf, baseline: String },
    #[error(
        "{path}: every benchmark was skipped ({count} problems), nothing to ingest:\n  {}",
        .warnings.join("\n  ")
    )]
    AllSkipped {
        path: PathBuf,
        count: usize,
        warnings: Vec<String>,
    },
    #[error("baseline name '{0}' is not a plain folder name (expected e.g. 'new' or 'main')")]
    BadBaseline(String),
    #[error("run label must not be empty")]
    EmptyLabel,
}

/// Reads every benchmark of `criterion_dir` for the chosen baseline.
pub fn ingest(criterion_dir: &Path, opts: &IngestOptions) -> Result<Ingested, IngestError> {
    let baseline = opts
        .baseline
        .clone()
        .unwrap_or_else(|| LATEST_BASELINE.to_owned());
    let mut components = Path::new(&baseline).components();
    let plain =
        matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none();
    if !plain || baseline == criterion::HTML_REPORT_DIR {
        return Err(IngestError::BadBaseline(baseline));
    }
    let label = match &opts.label {
        Some(l) if l.trim().is_empty() => return Err(IngestError::EmptyLabel),
        Some(l) => l.clone(),
        None => default_label(opts.context.as_ref()),
    };
    let meta = fs::metadata(criterion_dir).map_err(|source| IngestError::Io {
        path: criterion_dir.to_owned(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(IngestError::NotADirectory {
            path: criterion_dir.to_owned(),
        });
    }

    let mut warnings = Vec::new();
    let folders = find_benchmark_folders(criterion_dir, &baseline, &mut warnings)?;
    let mut benchmarks = Vec::with_capacity(folders.len());
    for folder in &folders {
        match read_benchmark(criterion_dir, folder, &baseline) {
            Ok(b) => benchmarks.push(b),
            Err(w) => warnings.push(w),
        }
    }
    if benchmarks.is_empty() {
        if warnings.is_empty() {
            return Err(IngestError::NotCriterion {
                path: criterion_dir.to_owned(),
                baseline,
            });
        }
        return Err(IngestError::AllSkipped {
            path: criterion_dir.to_owned(),
            count: warnings.len(),
            warnings,
        });
    }
    benchmarks.sort_by(|a, b| {
        crate::order::id_cmp(&a.id, &b.id).then_with(|| a.directory.cmp(&b.directory))
    });
    join_metrics(criterion_dir, &mut benchmarks, &mut warnings);

    let mut context = opts.context.clone().unwrap_or_default();
    if context.codecs.is_empty() {
        context.codecs = codecs_measured(&benchmarks);
    }
    Ok(Ingested {
        run: Run {
            schema: SCHEMA,
            label,
            baseline,
            context,
            benchmarks,
            resources: None,
        },
        warnings,
    })
}

/// `<toolchain release> <target> <target-cpu or generic>`, `unknown` for parts
/// not known.
pub fn default_label(context: Option<&BuildContext>) -> String {
    let unknown = || "unknown".to_owned();
    match context {
        Some(c) => format!(
            "{} {} {}",
            c.toolchain.release.clone().unwrap_or_else(unknown),
            c.target.clone().unwrap_or_else(unknown),
            c.target_cpu.as_deref().unwrap_or("generic")
        ),
        None => "unknown unknown generic".to_owned(),
    }
}

/// Walks the tree without following symbolic links and returns every folder
/// holding a `<baseline>/` folder with at least one of criterion's files.
fn find_benchmark_folders(
    root: &Path,
    baseline: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<PathBuf>, IngestError> {
    let mut found = Vec::new();
    let mut visited = Visited::default();
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_owned(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        if !visited.first_visit(&dir) {
            continue;
        }
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(source) if depth == 0 => {
                return Err(IngestError::Io { path: dir, source });
            }
            Err(e) => {
                warnings.push(format!("{}: folder not read: {e}", dir.display()));
                continue;
            }
        };
        let mut children = Vec::new();
        for entry in entries {
            let Ok(entry) = entry else { continue };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_symlink() {
                if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                    warnings.push(format!(
                        "{}: symbolic link to a folder; not followed",
                        path.display()
                    ));
                }
                continue;
            }
            if kind.is_dir() {
                children.push(path);
            }
        }
        children.sort();
        let baseline_dir = dir.join(baseline);
        if depth > 0 && children.contains(&baseline_dir) && criterion::holds_files(&baseline_dir) {
            found.push(dir.clone());
        } else if depth > 0 && baseline != LATEST_BASELINE {
            let latest = dir.join(LATEST_BASELINE);
            if children.contains(&latest) && criterion::holds_files(&latest) {
                warnings.push(format!(
                    "{}: no baseline '{baseline}' for this benchmark (only '{LATEST_BASELINE}' and others); skipped",
                    dir.display()
                ));
            }
        }
        if depth + 1 > MAX_DEPTH {
            continue;
        }
        for child in children.into_iter().rev() {
            let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let skip = (depth == 0 && name == bench_metrics::DIR_NAME)
                || criterion::is_html_report(&child);
            if !skip {
                stack.push((child, depth + 1));
            }
        }
    }
    Ok(found)
}

/// Folders seen so far, by (device, inode) where the platform has them.
#[derive(Default)]
struct Visited {
    #[cfg(unix)]
    seen: BTreeSet<(u64, u64)>,
}

impl Visited {
    #[cfg(unix)]
    fn first_visit(&mut self, dir: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        match fs::symlink_metadata(dir) {
            Ok(m) => self.seen.insert((m.dev(), m.ino())),
            Err(_) => true,
        }
    }

    #[cfg(not(unix))]
    fn first_visit(&mut self, _dir: &Path) -> bool {
        // Without inode numbers, not following links is the guard; the
        // depth limit bounds anything else.
        true
    }
}

/// Reads one benchmark folder; the error is the warning to show.
fn read_benchmark(root: &Path, folder: &Path, baseline: &str) -> Result<Benchmark, String> {
    let criterion::BaselineFiles {
        benchmark: bench_path,
        estimates: est_path,
        sample: sample_path,
    } = criterion::BaselineFiles::new(folder, baseline);
    let bench = criterion::read_benchmark(&bench_path).map_err(|e| skipped(&e))?;
    let est = criterion::read_estimates(&est_path).map_err(|e| skipped(&e))?;
    let sample = criterion::read_sample(&sample_path).map_err(|e| skipped(&e))?;
    let problem =
        |path: &Path, reason: String| format!("{}: {reason}; benchmark skipped", path.display());

    if bench.group_id.is_empty() {
        return Err(problem(&bench_path, "empty group_id".into()));
    }
    let estimate = |name: &str, e: &EstimateFile| {
        to_estimate(e).map_err(|reason| problem(&est_path, format!("{name}: {reason}")))
    };
    let mean = estimate("mean", &est.mean)?;
    let median = estimate("median", &est.median)?;
    let std_dev = estimate("std_dev", &est.std_dev)?;
    let median_abs_dev = estimate("median_abs_dev", &est.median_abs_dev)?;
    let slope = est
        .slope
        .as_ref()
        .map(|s| estimate("slope", s))
        .transpose()?;

    let (per_iteration_ns, iterations) =
        per_iteration(&sample).map_err(|reason| problem(&sample_path, reason))?;
    let percentiles = crate::stats::percentiles::percentiles(&per_iteration_ns)
        .ok_or_else(|| problem(&sample_path, "percentiles undefined".into()))?;
    let mode = match sample.sampling_mode {
        Some(SamplingModeFile::Flat) => SamplingMode::Flat,
        // Before 0.3.4 criterion had only linear sampling (no field written).
        Some(SamplingModeFile::Linear | SamplingModeFile::Auto) | None => SamplingMode::Linear,
    };

    Ok(Benchmark {
        id: BenchmarkId {
            group: bench.group_id,
            function: bench.function_id,
            value: bench.value_str,
        },
        directory: relative(root, folder),
        typical: slope.unwrap_or(mean),
        mean,
        median,
        std_dev,
        median_abs_dev,
        slope,
        percentiles,
        sampling: Sampling {
            mode,
            samples: per_iteration_ns.len() as u64,
            iterations,
            per_iteration_ns,
        },
        throughput: bench.throughput.map(to_throughput),
        metrics: Vec::new(),
        interference: None,
    })
}

/// Each sample's time per iteration, and the iterations in all; the error
/// says which sample is bad and what was expected.
fn per_iteration(sample: &criterion::SampleFile) -> Result<(Vec<f64>, u64), String> {
    if sample.iters.len() != sample.times.len() {
        return Err(format!(
            "{} iteration counts but {} times (expected one each per sample)",
            sample.iters.len(),
            sample.times.len()
        ));
    }
    if sample.iters.is_empty() {
        return Err("no samples".into());
    }
    let mut per_iteration_ns = Vec::with_capacity(sample.iters.len());
    let mut iterations: u64 = 0;
    for (i, (iters, time)) in sample.iters.iter().zip(&sample.times).enumerate() {
        let iters = match iters {
            Some(n) if n.is_finite() && *n >= 1.0 => *n,
            Some(n) if *n == 0.0 => return Err(format!("sample {i} has zero iterations")),
            Some(n) => {
                return Err(format!(
                    "sample {i} has {n} iterations (expected a positive count)"
                ));
            }
            None => return Err(format!("sample {i}: iterations not a number")),
        };
        let time = match time {
            Some(t) if t.is_finite() && *t >= 0.0 => *t,
            Some(t) => {
                return Err(format!(
                    "sample {i} has time {t} ns (expected a finite, non-negative time)"
                ));
            }
            None => return Err(format!("sample {i}: time is not a number")),
        };
        iterations = iterations.saturating_add(iters.round() as u64);
        per_iteration_ns.push(time / iters);
    }
    Ok((per_iteration_ns, iterations))
}

fn skipped(e: &criterion::CriterionError) -> String {
    format!("{e}; benchmark skipped")
}

fn to_estimate(e: &EstimateFile) -> Result<Estimate, String> {
    let field = |name: &str, v: Option<f64>| -> Result<f64, String> {
        match v {
            None => Err(format!("{name} is not a number (null)")),
            Some(x) => crate::values::time(name, x),
        }
    };
    let confidence = field("confidence_level", e.confidence_interval.confidence_level)?;
    if confidence > 1.0 {
        return Err(format!("confidence_level {confidence} is not in 0..=1"));
    }
    Ok(Estimate {
        point: field("point_estimate", e.point_estimate)?,
        lower: field("lower_bound", e.confidence_interval.lower_bound)?,
        upper: field("upper_bound", e.confidence_interval.upper_bound)?,
        confidence,
        standard_error: field("standard_error", e.standard_error)?,
    })
}

fn to_throughput(t: ThroughputFile) -> Throughput {
    match t {
        ThroughputFile::Bytes(n) => Throughput::Bytes(n),
        ThroughputFile::BytesDecimal(n) => Throughput::BytesDecimal(n),
        ThroughputFile::Elements(n) => Throughput::Elements(n),
        ThroughputFile::Bits(n) => Throughput::Bits(n),
        ThroughputFile::ElementsAndBytes { elements, bytes } => {
            Throughput::ElementsAndBytes { elements, bytes }
        }
    }
}

/// `folder` relative to `root`, `/`-separated.
fn relative(root: &Path, folder: &Path) -> String {
    let rel = folder.strip_prefix(root).unwrap_or(folder);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Attaches the metrics recorded in `bench-metrics/` to their benchmarks.
fn join_metrics(root: &Path, benchmarks: &mut [Benchmark], warnings: &mut Vec<String>) {
    let dir = root.join(bench_metrics::DIR_NAME);
    match fs::symlink_metadata(&dir) {
        Err(_) => return,
        Ok(m) if m.file_type().is_symlink() => {
            warnings.push(format!("{}: symbolic link; not followed", dir.display()));
            return;
        }
        Ok(_) => {}
    }
    let files = match bench_metrics::read_all(root) {
        Ok(files) => files,
        Err(e) => {
            warnings.push(format!("{e}; metrics not joined"));
            return;
        }
    };
    let mut by_id: BTreeMap<BenchmarkId, usize> = BTreeMap::new();
    for (i, b) in benchmarks.iter().enumerate() {
        by_id.entry(b.id.clone()).or_insert(i);
    }
    for file in files {
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                warnings.push(format!("{e}; metrics skipped"));
                continue;
            }
        };
        let id = BenchmarkId {
            group: file.benchmark.group,
            function: file.benchmark.function,
            value: file.benchmark.value,
        };
        let finite: Vec<_> = file
            .metrics
            .into_iter()
            .filter(|m| m.value.is_finite())
            .collect();
        match by_id.get(&id) {
            Some(&i) => {
                let metrics = &mut benchmarks[i].metrics;
                for m in finite {
                    metrics.retain(|old| old.name != m.name);
                    metrics.push(m);
                }
                metrics.sort_by(|a, b| a.name.cmp(&b.name));
            }
            None => warnings.push(format!(
                "{}: metrics for '{}', which is not a benchmark of this run; ignored",
                dir.display(),
                id.full_id()
            )),
        }
    }
}
