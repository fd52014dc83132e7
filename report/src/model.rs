//! The domain: a **run** is one ingest of a criterion tree together with the
//! build context that produced it; it holds **benchmarks**, each with its
//! **estimates**, **percentiles**, **samples**, **throughput** and non-time
//! **metrics**.
//!
//! These types *are* the run file format (`results/*.json`, documented in
//! `results/README.md` and `results/run.schema.json`). The format is versioned
//! by [`SCHEMA`]; later versions only add fields, so every field added after
//! schema 1 must be `Option` or `#[serde(default)]`. Criterion's own files are
//! parsed elsewhere (`criterion` module) into these types: nothing here mirrors
//! criterion's private layout.
//!
//! Anything that could not be detected is `None` (JSON `null`) and shown as
//! "unknown"; it is never guessed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use bench_metrics::{Better, Metric};

/// Version of the run file format.
pub const SCHEMA: u32 = 1;

/// One ingest of a criterion tree: what was measured and what produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Format version, always [`SCHEMA`] when written by this build.
    pub schema: u32,
    /// Human label, unique among the runs shown together (e.g. `1.95.0 x86_64 native`).
    pub label: String,
    /// Which criterion data was read: `new` (latest) or a named baseline.
    pub baseline: String,
    pub context: BuildContext,
    pub benchmarks: Vec<Benchmark>,
    /// Resources the bench processes used, when `report run` produced the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

/// The toolchain, target, machine and build settings behind a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BuildContext {
    pub toolchain: Toolchain,
    /// Target triple the benchmarks were compiled for.
    pub target: Option<String>,
    /// `-C target-cpu` in effect (`None` when not set: rustc's generic default).
    pub target_cpu: Option<String>,
    /// RUSTFLAGS as given (`None` when unset).
    pub rustflags: Option<String>,
    pub profile: Profile,
    pub cpu: Cpu,
    pub memory_bytes: Option<u64>,
    pub os: Os,
    /// Compression codecs compiled into bench-compress (e.g. `zstd`, `gzip`, `lz4`).
    pub codecs: Vec<String>,
    /// Versions of the benchmarked libraries, from Cargo.lock (`zstd` -> `0.14.4`).
    pub libraries: BTreeMap<String, String>,
    pub git: Git,
    /// When the run was ingested, RFC 3339 UTC.
    pub recorded_at: Option<String>,
}

/// `rustc -vV`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Toolchain {
    /// e.g. `1.95.0` or `1.97.0-nightly`.
    pub release: Option<String>,
    pub commit_hash: Option<String>,
    pub commit_date: Option<String>,
    pub llvm_version: Option<String>,
    pub host: Option<String>,
    /// rustup toolchain name when known (`stable`, `nightly`, `1.89.0`).
    pub rustup_toolchain: Option<String>,
}

/// The cargo profile the benchmarks were built with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// `bench` for `cargo bench`.
    pub name: Option<String>,
    pub opt_level: Option<String>,
    pub lto: Option<String>,
    pub codegen_units: Option<u32>,
    pub debug: Option<String>,
    pub panic: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cpu {
    pub model: Option<String>,
    pub physical_cores: Option<u32>,
    pub logical_cpus: Option<u32>,
    /// `std::thread::available_parallelism()` (respects affinity and cgroup quotas).
    pub available_parallelism: Option<u32>,
    /// Features detected at run time (`avx2`, `avx512f`, `bmi2`, `neon`, …).
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Os {
    /// e.g. `linux`, `macos`, `windows`.
    pub name: Option<String>,
    /// Distribution or product version when known (`Debian GNU/Linux 12`).
    pub version: Option<String>,
    pub kernel: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Git {
    pub commit: Option<String>,
    /// Whether the work tree had uncommitted changes.
    pub dirty: Option<bool>,
    /// A tag pointing exactly at `commit` (`git describe --tags --exact-match`),
    /// when there is one: the release a run measured, for history axes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// Resources used by the bench processes of a run (`report run` only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    pub wall_seconds: Option<f64>,
    pub cpu_seconds: Option<f64>,
    pub peak_memory_bytes: Option<u64>,
}

/// One criterion benchmark of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    pub id: BenchmarkId,
    /// Criterion's folder for it, relative to the criterion directory (unique).
    pub directory: String,
    /// The time per iteration people should quote: slope when criterion
    /// fitted one (linear sampling), else the mean.
    pub typical: Estimate,
    pub mean: Estimate,
    pub median: Estimate,
    pub std_dev: Estimate,
    pub median_abs_dev: Estimate,
    pub slope: Option<Estimate>,
    pub percentiles: Percentiles,
    pub sampling: Sampling,
    pub throughput: Option<Throughput>,
    /// Non-time metrics recorded by the harness (see the `bench-metrics` crate).
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// A criterion benchmark id: `group[/function][/value]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BenchmarkId {
    pub group: String,
    pub function: Option<String>,
    pub value: Option<String>,
}

impl BenchmarkId {
    /// The id as criterion prints it: present parts joined with `/`.
    pub fn full_id(&self) -> String {
        let mut id = self.group.clone();
        for part in [&self.function, &self.value].into_iter().flatten() {
            id.push('/');
            id.push_str(part);
        }
        id
    }

    /// The subsystem a benchmark belongs to: the part of the group before its
    /// first `/` (`cpu/kernel` -> `cpu`). Our bench crates name every group
    /// `<suite>/<question>`, so this is the crate's section in reports.
    pub fn suite(&self) -> &str {
        self.group.split('/').next().unwrap_or(&self.group)
    }
}

/// A statistic with its confidence interval; all times in nanoseconds per iteration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub point: f64,
    pub lower: f64,
    pub upper: f64,
    /// Confidence level of `[lower, upper]`, e.g. 0.95.
    pub confidence: f64,
    pub standard_error: f64,
}

/// Percentiles of the per-iteration sample times (ns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    /// False when there were too few samples for P95/P99 to mean anything
    /// (criterion's `--quick` may keep only a handful).
    pub reliable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    pub mode: SamplingMode,
    /// Number of samples criterion kept.
    pub samples: u64,
    /// Iterations over all samples.
    pub iterations: u64,
    /// Per-iteration time of each sample, ns (`times[i] / iters[i]`), in
    /// criterion's order. Kept so diffs can test significance.
    pub per_iteration_ns: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SamplingMode {
    Linear,
    Flat,
}

/// Work done per iteration, as criterion's `Throughput`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Throughput {
    Bytes(u64),
    BytesDecimal(u64),
    Elements(u64),
    Bits(u64),
    ElementsAndBytes { elements: u64, bytes: u64 },
}

impl Run {
    /// The **cell** a run belongs to: toolchain x target x target-cpu. Diffs
    /// pair benchmarks only within a cell.
    pub fn cell(&self) -> Cell {
        Cell {
            toolchain: self
                .context
                .toolchain
                .rustup_toolchain
                .clone()
                .or_else(|| self.context.toolchain.release.clone()),
            target: self.context.target.clone(),
            target_cpu: self.context.target_cpu.clone(),
        }
    }
}

/// Toolchain x target x target-cpu: what must match for two runs to be compared
/// as "the same build of different code".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub toolchain: Option<String>,
    pub target: Option<String>,
    pub target_cpu: Option<String>,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let part = |p: &Option<String>| p.clone().unwrap_or_else(|| "unknown".into());
        write!(
            f,
            "{} {} {}",
            part(&self.toolchain),
            part(&self.target),
            self.target_cpu.as_deref().unwrap_or("generic")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_id_and_suite() {
        let id = BenchmarkId {
            group: "cpu/kernel".into(),
            function: Some("rayon".into()),
            value: Some("4".into()),
        };
        assert_eq!(id.full_id(), "cpu/kernel/rayon/4");
        assert_eq!(id.suite(), "cpu");
        let bare = BenchmarkId {
            group: "solo".into(),
            function: None,
            value: None,
        };
        assert_eq!(bare.full_id(), "solo");
        assert_eq!(bare.suite(), "solo");
    }

    #[test]
    fn throughput_serializes_in_snake_case() {
        let t = Throughput::ElementsAndBytes {
            elements: 2,
            bytes: 64,
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"elements_and_bytes":{"elements":2,"bytes":64}}"#);
        assert_eq!(serde_json::from_str::<Throughput>(&json).unwrap(), t);
    }
}
