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
    /// The Python interpreter, for a run of `scripts/benchmark_py314.py`
    /// (then `toolchain`, `target` and `profile` are unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<Interpreter>,
    /// How busy the machine was before the first cell (`report run` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_check: Option<MachineCheck>,
}

/// What `report run` found about the machine before measuring: is anything
/// else running? Linux only; every figure is `None` where it cannot be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MachineCheck {
    /// 1-, 5- and 15-minute load averages at the end of the check.
    pub load_average: Option<[f64; 3]>,
    /// CPU other processes used during the check, in cores.
    pub others_cores: Option<f64>,
    /// Seconds the check watched the machine (after any `--wait-idle`).
    pub seconds: f64,
    /// The busiest other processes during the check, busiest first.
    #[serde(default)]
    pub busiest: Vec<BusyProcess>,
    /// `scaling_governor` of cpu0 (`performance`, `powersave`, …).
    pub governor: Option<String>,
    /// Current frequency of the CPUs, MHz (mean over CPUs).
    pub frequency_mhz: Option<f64>,
    /// Whether others took enough CPU to disturb a benchmark that uses every core.
    pub busy: bool,
    /// Seconds spent waiting for the machine to calm down (`--wait-idle`).
    #[serde(default)]
    pub waited_seconds: f64,
}

/// Another process seen using CPU during the machine check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusyProcess {
    pub pid: u32,
    pub command: String,
    /// Its CPU during the check, in cores.
    pub cores: f64,
}

/// What other processes took while one benchmark ran, as `report run` saw
/// between criterion's "Benchmarking <id>" and its result (warm-up,
/// measurement and analysis). Linux only: absent elsewhere, never guessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interference {
    /// Seconds the benchmark ran.
    pub seconds: f64,
    /// Mean CPU other processes used meanwhile, in cores (1.0 = one core
    /// the whole time); `report`, cargo and the bench process are not others.
    pub others_cores: f64,
    /// Mean steal time (the hypervisor ran another guest), in cores.
    pub steal_cores: Option<f64>,
    /// 1-minute load average at its start.
    pub load_average: Option<f64>,
    /// CPUs of the machine (`/proc/stat`).
    pub cpus: u32,
    /// Threads the benchmark runs, read from its id (`None`: `max` with an
    /// unknown parallelism; judged as one thread).
    pub threads: Option<u32>,
    /// Others took more of its CPUs than the rule allows (`docs/glossary.md`).
    pub disturbed: bool,
    /// 2 when it was disturbed and measured again at the end of its cell;
    /// the result and these figures are then the second measurement's.
    pub attempts: u32,
    /// `others_cores` of the first measurement, when it was measured again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_others_cores: Option<f64>,
}

/// The Python interpreter that ran `scripts/benchmark_py314.py`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interpreter {
    /// `sys.implementation.name`, e.g. `cpython`.
    pub implementation: String,
    /// `platform.python_version()`, e.g. `3.14.0`.
    pub version: String,
    /// Built free-threaded (`python3.14t`, `Py_GIL_DISABLED`).
    pub free_threaded_build: bool,
    /// Whether the GIL was on while it ran (`sys._is_gil_enabled()`).
    pub gil_enabled: bool,
    /// `sys.version`, the full build string.
    pub build: Option<String>,
    /// The guide's feature flags (`free_threading`, `uuid7`, `compression_zstd`, `improved_errors`).
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
    /// Benchmark ids this interpreter cannot run, with the reason (e.g. `uuid.uuid7 needs Python 3.14`).
    #[serde(default)]
    pub unavailable: BTreeMap<String, String>,
}

impl Interpreter {
    /// What the cell shows: `CPython 3.11.7 (GIL)`, `CPython 3.14.0t (no GIL)`.
    pub fn cell_name(&self) -> String {
        let name = match self.implementation.as_str() {
            "cpython" => "CPython",
            "pypy" => "PyPy",
            other => other,
        };
        let t = if self.free_threaded_build { "t" } else { "" };
        let gil = if self.gil_enabled { "GIL" } else { "no GIL" };
        format!("{name} {}{t} ({gil})", self.version)
    }
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
    /// CPU other processes took while it ran (`report run` on Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interference: Option<Interference>,
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
    #[serde(deserialize_with = "crate::store::samples")]
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
        if let Some(interpreter) = &self.context.interpreter {
            return Cell {
                toolchain: None,
                target: None,
                target_cpu: None,
                interpreter: Some(interpreter.cell_name()),
            };
        }
        Cell {
            toolchain: self
                .context
                .toolchain
                .rustup_toolchain
                .clone()
                .or_else(|| self.context.toolchain.release.clone()),
            target: self.context.target.clone(),
            target_cpu: self.context.target_cpu.clone(),
            interpreter: None,
        }
    }
}

/// Toolchain x target x target-cpu: what must match for two runs to be compared
/// as "the same build of different code". For a Python run, the interpreter
/// with its GIL state instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub toolchain: Option<String>,
    pub target: Option<String>,
    pub target_cpu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(interpreter) = &self.interpreter {
            return f.write_str(interpreter);
        }
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
