//! Deterministic synthetic result sets for the performance benchmarks of the
//! report itself (ingest of a 500-benchmark tree; markdown and HTML over 100
//! runs x 300 benchmarks) and for tests that need many benchmarks.
//!
//! - [`write_criterion_tree`] writes a criterion 0.8-shaped tree (`new/`
//!   benchmark.json, estimates.json, sample.json, tukey.json) of N benchmarks;
//! - [`synthetic_runs`] builds M runs x N benchmarks in memory, whose ids
//!   start with the ids the built-in doc tables and charts read (taken from
//!   `tables.toml` and the catalog, see docs/ids.md), so renderers fill every
//!   table as with real data;
//! - [`synthetic_history`] builds M runs of one cell over M days, one commit
//!   each (every tenth tagged), with lasting steps of +25 % and −20 % in a few
//!   benchmarks, as a CI history would hold; `cpu/kernel` benchmarks carry
//!   an `instructions` count.
//!
//! Everything derives from a fixed seed: the same arguments give the same
//! bytes. `cargo run -p report --example synth` writes either to disk.

use std::fs;
use std::io;
use std::path::Path;

use serde_json::json;

use crate::criterion;
use crate::model::{
    Benchmark, BenchmarkId, Better, BuildContext, Cpu, Estimate, Git, Metric, Os, Percentiles,
    Profile, Run, SCHEMA, Sampling, SamplingMode, Throughput, Toolchain,
};
use crate::{catalog, tables};

/// Samples per synthetic benchmark (criterion's default).
pub const SAMPLES: usize = 100;

/// splitmix64: tiny, good enough for synthetic data, and stable forever.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The ids of benchmark `i` of a synthetic tree: `synth/q<g>/<variant>/<param>`.
fn synthetic_id(i: usize) -> BenchmarkId {
    BenchmarkId {
        group: format!("synth/q{:02}", i / 25),
        function: Some(format!("variant-{}", (i / 5) % 5)),
        value: Some(format!("{}", 1usize << (i % 5))),
    }
}

/// The ids the built-in doc tables (`tables.toml`) and charts (the
/// catalog) read, each once and in that order, then synthetic ones. A chart
/// pattern's `*` takes every word its suite's known ids have there.
fn run_ids(n: usize) -> Vec<BenchmarkId> {
    let mut full: Vec<String> = Vec::new();
    for spec in tables::builtin_specs() {
        for row in &spec.rows {
            full.extend(row.id.iter().chain(row.ids.values()).cloned());
        }
    }
    let (patterns, charts): (Vec<String>, Vec<String>) = catalog::get()
        .chart_ids()
        .into_iter()
        .partition(|id| id.contains('*'));
    full.extend(charts);
    let known: Vec<String> = full.iter().chain(&patterns).cloned().collect();
    for pattern in &patterns {
        full.extend(expand(pattern, &known));
    }
    let mut seen = std::collections::BTreeSet::new();
    full.retain(|id| seen.insert(id.clone()));

    let mut ids: Vec<BenchmarkId> = full.iter().filter_map(|id| parse_id(id)).collect();
    ids.truncate(n);
    let mut i = 0;
    while ids.len() < n {
        ids.push(synthetic_id(i));
        i += 1;
    }
    ids
}

/// The ids `pattern` matches among the combinations of the words `known`
/// ids of its suite have at each `*` (wildcards themselves left out).
fn expand(pattern: &str, known: &[String]) -> Vec<String> {
    let parts: Vec<&str> = pattern.split('/').collect();
    let suite_ids: Vec<Vec<&str>> = known
        .iter()
        .map(|id| id.split('/').collect::<Vec<_>>())
        .filter(|id| id.len() == parts.len() && id[0] == parts[0])
        .collect();
    let mut ids = vec![String::new()];
    for (k, part) in parts.iter().enumerate() {
        let mut words: Vec<&str> = if *part == "*" {
            suite_ids
                .iter()
                .map(|id| id[k])
                .filter(|w| *w != "*")
                .collect()
        } else {
            vec![*part]
        };
        let mut seen = std::collections::BTreeSet::new();
        words.retain(|w| seen.insert(*w));
        ids = ids
            .iter()
            .flat_map(|prefix| words.iter().map(move |w| join_segment(prefix, w)))
            .collect();
    }
    ids
}

fn join_segment(prefix: &str, word: &str) -> String {
    if prefix.is_empty() {
        word.to_owned()
    } else {
        format!("{prefix}/{word}")
    }
}

/// `suite/question/function/value` as an id; other shapes are left out.
fn parse_id(full: &str) -> Option<BenchmarkId> {
    let parts: Vec<&str> = full.split('/').collect();
    let [suite, question, function, value] = parts[..] else {
        return None;
    };
    Some(BenchmarkId {
        group: format!("{suite}/{question}"),
        function: Some(function.to_owned()),
        value: Some(value.to_owned()),
    })
}

/// Per-iteration times of one benchmark around `typical_ns`, ±10 % noise.
fn sample_times(rng: &mut Rng, typical_ns: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut iters = Vec::with_capacity(n);
    let mut times = Vec::with_capacity(n);
    for k in 1..=n {
        let it = (k * 10) as f64;
        let per = typical_ns * (0.95 + 0.1 * rng.unit());
        iters.push(it);
        times.push(per * it);
    }
    (iters, times)
}

fn typical_for(rng: &mut Rng) -> f64 {
    // 10 ns .. 10 ms, log-uniform
    10f64.powf(1.0 + 6.0 * rng.unit())
}

fn throughput_for(i: usize) -> Option<Throughput> {
    match i % 6 {
        0 => Some(Throughput::Bytes(100 * 1024)),
        1 => Some(Throughput::BytesDecimal(100_000)),
        2 => Some(Throughput::Elements(1000)),
        3 => Some(Throughput::Bits(8192)),
        4 => Some(Throughput::ElementsAndBytes {
            elements: 8,
            bytes: 4096,
        }),
        _ => None,
    }
}

fn criterion_throughput(t: Throughput) -> serde_json::Value {
    match t {
        Throughput::Bytes(n) => json!({ "Bytes": n }),
        Throughput::BytesDecimal(n) => json!({ "BytesDecimal": n }),
        Throughput::Elements(n) => json!({ "Elements": n }),
        Throughput::Bits(n) => json!({ "Bits": n }),
        Throughput::ElementsAndBytes { elements, bytes } => {
            json!({ "ElementsAndBytes": { "elements": elements, "bytes": bytes } })
        }
    }
}

/// Writes a criterion-0.8-shaped tree of `n` benchmarks into `dir` (created).
pub fn write_criterion_tree(dir: &Path, n: usize) -> io::Result<()> {
    let mut rng = Rng(0x5eed_0001);
    for i in 0..n {
        let id = synthetic_id(i);
        let function = id.function.clone().unwrap_or_default();
        let value = id.value.clone().unwrap_or_default();
        let directory = format!("{}/{function}/{value}", id.group.replace('/', "_"));
        let new = dir.join(&directory).join(criterion::LATEST_BASELINE);
        fs::create_dir_all(&new)?;
        let flat = i % 7 == 6;
        let typical = typical_for(&mut rng);
        let (iters, times) = sample_times(&mut rng, typical, SAMPLES);
        let est = |point: f64| {
            json!({
                "confidence_interval": {
                    "confidence_level": 0.95,
                    "lower_bound": point * 0.98,
                    "upper_bound": point * 1.02
                },
                "point_estimate": point,
                "standard_error": point * 0.01
            })
        };
        let benchmark = json!({
            "group_id": id.group,
            "function_id": function,
            "value_str": value,
            "throughput": throughput_for(i).map(criterion_throughput),
            "full_id": id.full_id(),
            "directory_name": directory,
            "title": id.full_id(),
        });
        let estimates = json!({
            "mean": est(typical),
            "median": est(typical * 0.99),
            "median_abs_dev": est(typical * 0.02),
            "slope": if flat { serde_json::Value::Null } else { est(typical * 1.001) },
            "std_dev": est(typical * 0.03),
        });
        let sample = json!({
            "sampling_mode": if flat { "Flat" } else { "Linear" },
            "iters": iters,
            "times": times,
        });
        let tukey = json!([typical * 0.8, typical * 0.9, typical * 1.1, typical * 1.2]);
        for (name, value) in [
            (criterion::BENCHMARK_FILE, benchmark),
            (criterion::ESTIMATES_FILE, estimates),
            (criterion::SAMPLE_FILE, sample),
            (criterion::TUKEY_FILE, tukey),
        ] {
            fs::write(new.join(name), serde_json::to_vec(&value)?)?;
        }
    }
    Ok(())
}

/// `m` runs of `n` benchmarks each, labelled `synthetic <k>`, with contexts
/// that differ by toolchain and target-cpu like a real matrix.
pub fn synthetic_runs(m: usize, n: usize) -> Vec<Run> {
    let ids = run_ids(n);
    let mut base = Rng(0x5eed_0002);
    let typicals: Vec<f64> = ids.iter().map(|_| typical_for(&mut base)).collect();
    (0..m)
        .map(|k| {
            let mut rng = Rng(0x5eed_1000 + k as u64);
            let toolchain = ["1.89.0", "1.95.0", "1.97.0-nightly"][k % 3];
            let target_cpu = [None, Some("native"), Some("x86-64-v3")][(k / 3) % 3];
            let benchmarks = ids
                .iter()
                .zip(&typicals)
                .enumerate()
                .map(|(i, (id, &t))| {
                    let typical = t * (0.9 + 0.2 * rng.unit());
                    synthetic_benchmark(&mut rng, id.clone(), i, typical)
                })
                .collect();
            Run {
                schema: SCHEMA,
                label: format!("synthetic {k}"),
                baseline: "new".to_owned(),
                context: BuildContext {
                    toolchain: Toolchain {
                        release: Some(toolchain.to_owned()),
                        host: Some("x86_64-unknown-linux-gnu".to_owned()),
                        ..Toolchain::default()
                    },
                    target: Some("x86_64-unknown-linux-gnu".to_owned()),
                    target_cpu: target_cpu.map(str::to_owned),
                    profile: Profile {
                        name: Some("bench".to_owned()),
                        ..Profile::default()
                    },
                    cpu: Cpu {
                        model: Some("Synthetic CPU".to_owned()),
                        physical_cores: Some(2),
                        logical_cpus: Some(2),
                        available_parallelism: Some(2),
                        features: vec!["avx2".to_owned()],
                    },
                    os: Os {
                        name: Some("linux".to_owned()),
                        ..Os::default()
                    },
                    recorded_at: Some(format!("2026-01-01T00:{:02}:{:02}Z", (k / 60) % 60, k % 60)),
                    machine_check: None,
                    ..BuildContext::default()
                },
                benchmarks,
                resources: None,
            }
        })
        .collect()
}

/// `m` runs of `n` benchmarks in one cell (1.95.0, x86_64, generic), run
/// `k` recorded on day `k` at its own commit, every tenth tagged `v0.<k/10>.0`.
/// Run-to-run noise is ±1 %; every seventh run, one benchmark steps
/// by +25 % and another by −20 % for good, so `report diff` between consecutive runs
/// counts regressions and improvements.
pub fn synthetic_history(m: usize, n: usize) -> Vec<Run> {
    let ids = run_ids(n);
    let mut base = Rng(0x5eed_0003);
    let mut levels: Vec<f64> = ids.iter().map(|_| typical_for(&mut base)).collect();
    let template = synthetic_runs(1, 0).remove(0);
    (0..m)
        .map(|k| {
            let mut rng = Rng(0x5eed_2000 + k as u64);
            if k > 0 && k % 7 == 0 && n > 0 {
                // Two different benchmarks: one 25 % slower, one 20 % faster.
                let first = (rng.next_u64() as usize) % n;
                levels[first] *= 1.25;
                if n > 1 {
                    let second = (first + 1 + (rng.next_u64() as usize) % (n - 1)) % n;
                    levels[second] *= 0.8;
                }
            }
            let benchmarks = ids
                .iter()
                .zip(&levels)
                .enumerate()
                .map(|(i, (id, &level))| {
                    let typical = level * (0.99 + 0.02 * rng.unit());
                    let mut b = synthetic_benchmark(&mut rng, id.clone(), i, typical);
                    if id.group == "cpu/kernel" {
                        // About 3 instructions per ns, steady across runs.
                        let count = (level * 3.0).round();
                        b.metrics
                            .push(Metric::new("instructions", count, "", Better::Lower));
                    }
                    b
                })
                .collect();
            let mut context = template.context.clone();
            context.toolchain.release = Some("1.95.0".to_owned());
            context.target_cpu = None;
            // One run a day, on a calendar of 12 months of 28 days: the
            // strings sort as the runs were made.
            context.recorded_at = Some(format!(
                "{}-{:02}-{:02}T12:00:00Z",
                2026 + k / 336,
                1 + (k / 28) % 12,
                1 + k % 28
            ));
            context.git = Git {
                commit: Some(format!("{:016x}{:024x}", Rng(k as u64).next_u64(), k)),
                dirty: Some(false),
                tag: (k % 10 == 0).then(|| format!("v0.{}.0", k / 10)),
            };
            Run {
                schema: SCHEMA,
                label: format!("history {k}"),
                baseline: "new".to_owned(),
                context,
                benchmarks,
                resources: None,
            }
        })
        .collect()
}

fn synthetic_benchmark(rng: &mut Rng, id: BenchmarkId, i: usize, typical: f64) -> Benchmark {
    let (iters, times) = sample_times(rng, typical, SAMPLES);
    let per_iteration_ns: Vec<f64> = times.iter().zip(&iters).map(|(t, n)| t / n).collect();
    let percentiles =
        crate::stats::percentiles::percentiles(&per_iteration_ns).unwrap_or(Percentiles {
            p50: typical,
            p95: typical,
            p99: typical,
            reliable: false,
        });
    let est = |point: f64| Estimate {
        point,
        lower: point * 0.98,
        upper: point * 1.02,
        confidence: 0.95,
        standard_error: point * 0.01,
    };
    let flat = i % 7 == 6;
    let slope = (!flat).then(|| est(typical));
    Benchmark {
        directory: id.full_id().replace(['/', '|', '<', '>'], "_"),
        id,
        typical: est(typical),
        mean: est(typical),
        median: est(typical * 0.99),
        std_dev: est(typical * 0.03),
        median_abs_dev: est(typical * 0.02),
        slope,
        percentiles,
        sampling: Sampling {
            mode: if flat {
                SamplingMode::Flat
            } else {
                SamplingMode::Linear
            },
            samples: SAMPLES as u64,
            iterations: iters.iter().sum::<f64>() as u64,
            per_iteration_ns,
        },
        throughput: throughput_for(i),
        metrics: Vec::new(),
        interference: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_deterministic_and_shaped_as_asked() {
        let a = synthetic_runs(3, 40);
        let b = synthetic_runs(3, 40);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert!(a.iter().all(|r| r.benchmarks.len() == 40));
        let labels: std::collections::BTreeSet<_> = a.iter().map(|r| &r.label).collect();
        assert_eq!(labels.len(), 3);
        assert_eq!(a[0].benchmarks[0].id.full_id(), "cpu/kernel/serial/1");
        // ids unique within a run
        let ids: std::collections::BTreeSet<_> = a[0].benchmarks.iter().map(|b| &b.id).collect();
        assert_eq!(ids.len(), 40);
    }

    #[test]
    fn every_id_the_doc_tables_and_charts_read_is_in_the_runs() {
        let run = &synthetic_runs(1, 200)[0];
        let tables = tables::doc_tables(std::slice::from_ref(run), &tables::builtin_specs());
        assert_eq!(tables.len(), tables::builtin_specs().len());
        for table in &tables {
            assert!(
                table.notes.iter().all(|n| !n.contains("no result for")),
                "{}: {:?}",
                table.title,
                table.notes
            );
        }
        let ids: Vec<String> = run.benchmarks.iter().map(|b| b.id.full_id()).collect();
        for wanted in catalog::get().chart_ids() {
            assert!(
                ids.iter().any(|id| tables::glob_match(&wanted, id)),
                "no synthetic id for {wanted}"
            );
        }
    }

    #[test]
    fn many_ids_stay_unique() {
        let ids = run_ids(600);
        let set: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(set.len(), 600);
    }
}
