//! Results of the Python suite (`scripts/benchmark_py314.py --output FILE`)
//! as a [`Run`] whose cell is the interpreter instead of a Rust toolchain.
//!
//! The script writes its own versioned format (`"format": "py314-bench"`,
//! [`FORMAT_VERSION`]): runtime facts, the guide's feature flags and, per
//! benchmark, the id (the Rust benchmark's id where the workload is the same),
//! the throughput and every raw sample in nanoseconds per iteration. The serde
//! mirror of that format stays in this module; [`to_run`] turns it into the
//! domain, computing what criterion would have estimated from the same
//! samples: mean, median, standard deviation and median absolute deviation
//! with 95 % bootstrap intervals, and the percentiles. Samples are timed one
//! after another (flat sampling), so there is no slope and `typical` is the
//! mean.
//!
//! Pure except for [`read`], which reads the file and names it in every error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{
    Benchmark, BenchmarkId, BuildContext, Cpu, Estimate, Interpreter, Metric, Os, Run, SCHEMA,
    Sampling, SamplingMode, Throughput,
};
use crate::stats::percentiles::{percentiles, quantile_sorted};
use crate::stats::significance::seed_from;

/// The `format` field of the script's output.
pub const FORMAT: &str = "py314-bench";
/// The newest `format_version` this build reads.
pub const FORMAT_VERSION: u32 = 1;
/// Fewest samples a benchmark needs (a standard deviation needs two).
pub const MIN_SAMPLES: usize = 2;

const BOOTSTRAP_RESAMPLES: usize = 2_000;
const CONFIDENCE: f64 = 0.95;

/// Why a file could not be read as the Python suite's output.
#[derive(Debug, thiserror::Error)]
pub enum PythonError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid output of scripts/benchmark_py314.py: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{path}: format_version {found} is newer than this build reads ({FORMAT_VERSION}); update report"
    )]
    Version { path: PathBuf, found: u32 },
    #[error("{path}: benchmark '{id}': {message}")]
    Benchmark {
        path: PathBuf,
        id: String,
        message: String,
    },
    #[error("{path}: no benchmark results in the file (was the script run with --only?)")]
    Empty { path: PathBuf },
    #[error("run label must not be empty")]
    EmptyLabel,
}

/// The script's output file, as written (format version 1).
#[derive(Debug, Clone, Deserialize)]
pub struct SuiteOutput {
    pub format: String,
    pub format_version: u32,
    pub recorded_at: Option<String>,
    pub iterations: Option<u64>,
    pub runtime: RuntimeFile,
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
    pub kernel: Option<KernelFile>,
    pub payload: Option<PayloadFile>,
    pub benchmarks: Vec<BenchmarkFile>,
    #[serde(default)]
    pub unavailable: Vec<UnavailableFile>,
    #[serde(default)]
    pub not_measured: Vec<UnavailableFile>,
}

/// The script's `get_runtime_info()` plus what the report needs.
#[derive(Debug, Clone, Deserialize)]
pub struct RuntimeFile {
    /// `sys.version`.
    pub python_version: Option<String>,
    /// `platform.python_version()`.
    pub version: String,
    pub implementation: String,
    pub gil_enabled: bool,
    #[serde(default)]
    pub free_threaded_build: bool,
    pub platform: Option<String>,
    pub machine: Option<String>,
    pub system: Option<String>,
    pub cpu_model: Option<String>,
    pub cpu_count: Option<u32>,
    pub available_cpus: Option<u32>,
}

/// The CPU kernel's size: the Rust kernel's chunks and seed, fewer points.
#[derive(Debug, Clone, Deserialize)]
pub struct KernelFile {
    pub chunks: u64,
    pub points_per_chunk: u64,
    pub rust_points_per_chunk: Option<u64>,
    pub seed: u64,
    pub checksum: u64,
}

/// The compressed payload and its digest.
#[derive(Debug, Clone, Deserialize)]
pub struct PayloadFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BenchmarkFile {
    pub id: String,
    pub name: Option<String>,
    /// Calls of the workload per sample (short workloads are repeated).
    #[serde(default = "one")]
    pub iterations_per_sample: u64,
    /// Nanoseconds per call, one per sample, in the order measured.
    pub samples_ns: Vec<f64>,
    pub throughput: Option<ThroughputFile>,
    pub compressed_bytes: Option<u64>,
    pub threads: Option<u32>,
}

fn one() -> u64 {
    1
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThroughputFile {
    pub elements: Option<u64>,
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UnavailableFile {
    pub id: String,
    pub reason: String,
}

/// Whether `bytes` look like the script's output: a JSON object whose
/// `format` is [`FORMAT`]. Cheap enough to call on any file given to ingest.
pub fn is_suite_output(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        format: Option<String>,
    }
    serde_json::from_slice::<Probe>(bytes).is_ok_and(|p| p.format.as_deref() == Some(FORMAT))
}

/// Reads and converts the script's output file; `label` overrides the
/// default (the interpreter's cell name).
pub fn read(path: &Path, label: Option<&str>) -> Result<Run, PythonError> {
    let bytes = std::fs::read(path).map_err(|source| PythonError::Io {
        path: path.to_owned(),
        source,
    })?;
    let output = parse(path, &bytes)?;
    to_run(path, &output, label)
}

/// Parses the output; `path` only names the file in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<SuiteOutput, PythonError> {
    let output: SuiteOutput =
        serde_json::from_slice(bytes).map_err(|source| PythonError::Json {
            path: path.to_owned(),
            source,
        })?;
    if output.format != FORMAT {
        return Err(PythonError::Json {
            path: path.to_owned(),
            source: serde::de::Error::custom(format!(
                "format is '{}', expected '{FORMAT}'",
                output.format
            )),
        });
    }
    if output.format_version > FORMAT_VERSION {
        return Err(PythonError::Version {
            path: path.to_owned(),
            found: output.format_version,
        });
    }
    Ok(output)
}

/// The output as a run: one benchmark per result, the interpreter as the
/// cell, the machine facts the script recorded as the context.
pub fn to_run(path: &Path, output: &SuiteOutput, label: Option<&str>) -> Result<Run, PythonError> {
    let rt = &output.runtime;
    let interpreter = Interpreter {
        implementation: rt.implementation.clone(),
        version: rt.version.clone(),
        free_threaded_build: rt.free_threaded_build,
        gil_enabled: rt.gil_enabled,
        build: rt.python_version.clone(),
        features: output.features.clone(),
        unavailable: output
            .unavailable
            .iter()
            .chain(&output.not_measured)
            .map(|u| (u.id.clone(), u.reason.clone()))
            .collect(),
    };
    let label = match label {
        Some(l) if l.trim().is_empty() => return Err(PythonError::EmptyLabel),
        Some(l) => l.to_owned(),
        None => interpreter.cell_name(),
    };
    let mut benchmarks = output
        .benchmarks
        .iter()
        .map(|b| {
            benchmark(b).map_err(|message| PythonError::Benchmark {
                path: path.to_owned(),
                id: b.id.clone(),
                message,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if benchmarks.is_empty() {
        return Err(PythonError::Empty {
            path: path.to_owned(),
        });
    }
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(pair) = benchmarks.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(PythonError::Benchmark {
            path: path.to_owned(),
            id: pair[0].id.full_id(),
            message: "appears twice".into(),
        });
    }
    let mut codecs: Vec<String> = benchmarks
        .iter()
        .filter(|b| b.id.suite() == "compress")
        .filter_map(|b| {
            b.id.function
                .as_deref()?
                .split('-')
                .next()
                .map(str::to_owned)
        })
        .collect();
    codecs.sort();
    codecs.dedup();
    let context = BuildContext {
        cpu: Cpu {
            model: rt.cpu_model.clone(),
            logical_cpus: rt.cpu_count,
            available_parallelism: rt.available_cpus,
            ..Cpu::default()
        },
        os: Os {
            name: rt.system.clone(),
            version: rt.platform.clone(),
            kernel: None,
        },
        codecs,
        recorded_at: output.recorded_at.clone(),
        interpreter: Some(interpreter),
        ..BuildContext::default()
    };
    Ok(Run {
        schema: SCHEMA,
        label,
        baseline: "new".to_owned(),
        context,
        benchmarks,
        resources: None,
    })
}

/// `group/function/value` as the Rust harnesses name them (the last two
/// segments are function and value; a two-segment id has no value).
fn parse_id(id: &str) -> Result<BenchmarkId, String> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) || parts.len() < 2 {
        return Err("id must be 'suite/question[/function][/value]' with no empty part".into());
    }
    let (group, function, value) = match parts.len() {
        2 => (id.to_owned(), None, None),
        3 => (parts[..2].join("/"), Some(parts[2].to_owned()), None),
        n => (
            parts[..n - 2].join("/"),
            Some(parts[n - 2].to_owned()),
            Some(parts[n - 1].to_owned()),
        ),
    };
    Ok(BenchmarkId {
        group,
        function,
        value,
    })
}

fn benchmark(b: &BenchmarkFile) -> Result<Benchmark, String> {
    let id = parse_id(&b.id)?;
    let samples = &b.samples_ns;
    if samples.len() < MIN_SAMPLES {
        return Err(format!(
            "{} samples, need at least {MIN_SAMPLES}",
            samples.len()
        ));
    }
    if let Some(bad) = samples.iter().find(|s| !s.is_finite() || **s <= 0.0) {
        return Err(format!(
            "sample {bad} is not a positive number of nanoseconds"
        ));
    }
    if b.iterations_per_sample == 0 {
        return Err("iterations_per_sample is 0".into());
    }
    let throughput = match b.throughput {
        None => None,
        Some(ThroughputFile {
            elements: Some(n),
            bytes: None,
        }) => Some(Throughput::Elements(n)),
        Some(ThroughputFile {
            elements: None,
            bytes: Some(n),
        }) => Some(Throughput::Bytes(n)),
        Some(ThroughputFile {
            elements: Some(elements),
            bytes: Some(bytes),
        }) => Some(Throughput::ElementsAndBytes { elements, bytes }),
        Some(_) => return Err("throughput has neither 'elements' nor 'bytes'".into()),
    };
    let mut metrics = Vec::new();
    if let (Some(packed), Some(Throughput::Bytes(raw))) = (b.compressed_bytes, throughput) {
        if packed == 0 {
            return Err("compressed_bytes is 0".into());
        }
        // The same metrics bench-compress records, so tables and charts match.
        metrics.push(Metric::new(
            "ratio",
            raw as f64 / packed as f64,
            "x",
            crate::model::Better::Higher,
        ));
        metrics.push(Metric::new(
            "compressed_bytes",
            packed as f64,
            "bytes",
            crate::model::Better::Lower,
        ));
    }
    let estimates = Estimates::of(samples, seed_from(&b.id, 0x5079));
    Ok(Benchmark {
        directory: format!("python/{}", b.id),
        id,
        typical: estimates.mean,
        mean: estimates.mean,
        median: estimates.median,
        std_dev: estimates.std_dev,
        median_abs_dev: estimates.mad,
        slope: None,
        percentiles: percentiles(samples).ok_or("samples have no percentiles")?,
        sampling: Sampling {
            mode: SamplingMode::Flat,
            samples: samples.len() as u64,
            iterations: samples.len() as u64 * b.iterations_per_sample,
            per_iteration_ns: samples.clone(),
        },
        throughput,
        metrics,
        // The script runs outside `report run`'s watch: nothing sampled.
        interference: None,
    })
}

/// Mean, median, standard deviation and MAD with bootstrap intervals.
struct Estimates {
    mean: Estimate,
    median: Estimate,
    std_dev: Estimate,
    mad: Estimate,
}

impl Estimates {
    fn of(samples: &[f64], seed: u64) -> Self {
        let stats = |xs: &[f64]| -> [f64; 4] {
            let mut sorted = xs.to_vec();
            sorted.sort_by(f64::total_cmp);
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
            let median = quantile_sorted(&sorted, 0.5).unwrap_or(mean);
            let mut dev: Vec<f64> = xs.iter().map(|x| (x - median).abs()).collect();
            dev.sort_by(f64::total_cmp);
            // Scaled by 1.4826 like criterion's MAD (consistent with σ for normal data).
            let mad = 1.4826 * quantile_sorted(&dev, 0.5).unwrap_or(0.0);
            [mean, median, var.sqrt(), mad]
        };
        let point = stats(samples);
        let mut rng = seed;
        let mut draws: [Vec<f64>; 4] = Default::default();
        let mut resample = vec![0.0; samples.len()];
        for _ in 0..BOOTSTRAP_RESAMPLES {
            for slot in &mut resample {
                *slot = samples[below(&mut rng, samples.len())];
            }
            for (k, v) in stats(&resample).into_iter().enumerate() {
                draws[k].push(v);
            }
        }
        let mut estimate = |k: usize| {
            let d = &mut draws[k];
            d.sort_by(f64::total_cmp);
            let mean = d.iter().sum::<f64>() / d.len() as f64;
            let se =
                (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d.len() - 1) as f64).sqrt();
            let tail = (1.0 - CONFIDENCE) / 2.0;
            Estimate {
                point: point[k],
                lower: quantile_sorted(d, tail).unwrap_or(point[k]),
                upper: quantile_sorted(d, 1.0 - tail).unwrap_or(point[k]),
                confidence: CONFIDENCE,
                standard_error: se,
            }
        };
        Estimates {
            mean: estimate(0),
            median: estimate(1),
            std_dev: estimate(2),
            mad: estimate(3),
        }
    }
}

/// SplitMix64 step, then a value in `0..n` (multiply-shift).
fn below(state: &mut u64, n: usize) -> usize {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((u128::from(z) * n as u128) >> 64) as usize
}

/// A Python run's work per iteration in the unit its throughput counts, to
/// compare it with a Rust run of the same id that did more or less work
/// (the CPU kernel runs fewer points per chunk in Python).
pub fn work(bench: &Benchmark) -> Option<f64> {
    match bench.throughput? {
        Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => Some(n),
        Throughput::Bytes(n) | Throughput::BytesDecimal(n) => Some(n),
        Throughput::Bits(n) => Some(n),
    }
    .filter(|n| *n > 0)
    .map(|n| n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(benchmarks: &str) -> String {
        format!(
            r#"{{"format":"py314-bench","format_version":1,"recorded_at":"2026-12-02T15:00:00Z",
            "runtime":{{"version":"3.14.0","implementation":"cpython","gil_enabled":false,
            "free_threaded_build":true,"available_cpus":4,"cpu_count":4,"system":"linux"}},
            "features":{{"free_threading":true,"uuid7":true}},
            "benchmarks":[{benchmarks}],
            "unavailable":[{{"id":"x/y/z","reason":"needs 3.15"}}]}}"#
        )
    }

    const KERNEL: &str = r#"{"id":"cpu/kernel/rayon/4","samples_ns":[3e6,1e6,2e6,4e6,5e6],
        "iterations_per_sample":1,"throughput":{"elements":215040}}"#;

    fn convert(text: &str) -> Result<Run, PythonError> {
        let path = Path::new("py.json");
        to_run(path, &parse(path, text.as_bytes())?, None)
    }

    #[test]
    fn converts_samples_into_estimates_and_the_interpreter_cell() {
        let run = convert(&output(KERNEL)).unwrap();
        assert_eq!(run.label, "CPython 3.14.0t (no GIL)");
        assert_eq!(run.cell().to_string(), "CPython 3.14.0t (no GIL)");
        let b = &run.benchmarks[0];
        assert_eq!(b.id.full_id(), "cpu/kernel/rayon/4");
        assert_eq!(
            (b.id.group.as_str(), b.id.function.as_deref()),
            ("cpu/kernel", Some("rayon"))
        );
        assert_eq!(b.mean.point, 3e6);
        assert_eq!(b.typical, b.mean);
        assert_eq!(b.median.point, 3e6);
        assert!((b.std_dev.point - 2.5e12f64.sqrt()).abs() < 1.0);
        assert!(b.mean.lower < 3e6 && b.mean.upper > 3e6 && b.mean.upper <= 5e6);
        assert_eq!(b.sampling.per_iteration_ns, vec![3e6, 1e6, 2e6, 4e6, 5e6]);
        assert_eq!(b.throughput, Some(Throughput::Elements(215_040)));
        let interpreter = run.context.interpreter.as_ref().unwrap();
        assert_eq!(interpreter.unavailable["x/y/z"], "needs 3.15");
        assert_eq!(run.context.cpu.available_parallelism, Some(4));
    }

    #[test]
    fn compression_sizes_become_the_harness_metrics() {
        let b = r#"{"id":"compress/compress/gzip-6/json-100k","samples_ns":[1.0,2.0],
            "throughput":{"bytes":102400},"compressed_bytes":10240}"#;
        let run = convert(&output(b)).unwrap();
        let ratio = &run.benchmarks[0].metrics[0];
        assert_eq!((ratio.name.as_str(), ratio.value), ("ratio", 10.0));
        assert_eq!(run.context.codecs, ["gzip"]);
    }

    #[test]
    fn errors_name_the_file_and_the_benchmark() {
        let one_sample = r#"{"id":"uuid/generate/v4/1000","samples_ns":[5.0]}"#;
        let err = convert(&output(one_sample)).unwrap_err().to_string();
        assert!(
            err.contains("py.json") && err.contains("uuid/generate/v4/1000"),
            "{err}"
        );
        assert!(err.contains("need at least 2"), "{err}");
        let negative = r#"{"id":"a/b/c/d","samples_ns":[5.0,-1.0]}"#;
        assert!(
            convert(&output(negative))
                .unwrap_err()
                .to_string()
                .contains("not a positive")
        );
        let twice = format!("{KERNEL},{KERNEL}");
        assert!(
            convert(&output(&twice))
                .unwrap_err()
                .to_string()
                .contains("appears twice")
        );
        let bad_id = r#"{"id":"cpu//x","samples_ns":[5.0,6.0]}"#;
        assert!(
            convert(&output(bad_id))
                .unwrap_err()
                .to_string()
                .contains("no empty part")
        );
        let newer = output(KERNEL).replace("\"format_version\":1", "\"format_version\":2");
        assert!(matches!(
            convert(&newer),
            Err(PythonError::Version { found: 2, .. })
        ));
        assert!(matches!(
            convert(&output("")),
            Err(PythonError::Empty { .. })
        ));
    }

    #[test]
    fn recognises_only_its_own_format() {
        assert!(is_suite_output(output(KERNEL).as_bytes()));
        assert!(!is_suite_output(br#"{"schema":1,"label":"x"}"#));
        assert!(!is_suite_output(b"not json"));
        assert!(!is_suite_output(br#"{"format":"other"}"#));
    }

    #[test]
    fn interpreter_names_show_the_gil_state() {
        let mut i = Interpreter {
            implementation: "cpython".into(),
            version: "3.11.7".into(),
            gil_enabled: true,
            ..Interpreter::default()
        };
        assert_eq!(i.cell_name(), "CPython 3.11.7 (GIL)");
        i.version = "3.14.0".into();
        i.free_threaded_build = true;
        assert_eq!(i.cell_name(), "CPython 3.14.0t (GIL)");
        i.gil_enabled = false;
        assert_eq!(i.cell_name(), "CPython 3.14.0t (no GIL)");
    }
}
