//! The facts of a run, once: what produced it (toolchain, target, CPU, …) as
//! a list of (key, label, value) that every renderer lays out — the terminal
//! summary's header, the HTML page's context table, the markdown runs table —
//! and that `diff` compares by key. A new context field is added here and
//! appears everywhere; an unset value reads the same in every output
//! ([`UNKNOWN`], [`NOT_SET`], [`GENERIC`]). Pure.

use crate::format;
use crate::model::{BuildContext, Resources, Run};

/// An unknown fact (not detected; never guessed).
pub const UNKNOWN: &str = "unknown";
/// An optional setting that was not given (RUSTFLAGS).
pub const NOT_SET: &str = "not set";
/// No `-C target-cpu`: rustc's generic baseline for the target.
pub const GENERIC: &str = "generic (not set)";

/// Where a fact belongs in a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The build and machine (one line each in the summary header).
    Build,
    /// Lists of what the build can do (CPU features, codecs, libraries).
    Features,
    /// About the run itself rather than its build (benchmarks, resources).
    Run,
}

/// One fact of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Stable name (`target-cpu`), used by `diff` and as a column key.
    pub key: &'static str,
    /// Human title (`Target CPU`).
    pub label: &'static str,
    /// The value as text; unset values read [`UNKNOWN`] or [`NOT_SET`].
    pub value: String,
    pub section: Section,
    /// Whether `diff` lists it when two runs differ in it: build facts that
    /// can explain a change, not those that differ by nature (commit, time).
    pub compared: bool,
}

fn or_unknown(v: Option<impl ToString>) -> String {
    v.map_or_else(|| UNKNOWN.to_owned(), |v| v.to_string())
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        UNKNOWN.to_owned()
    } else {
        items.join(", ")
    }
}

/// `rustc 1.95.0 (59807616e1fa 2026-01-15), LLVM 21.1.2 [stable]`.
fn toolchain(ctx: &BuildContext) -> String {
    // A Python run's "toolchain" is its interpreter (`CPython 3.14.0t, GIL off`).
    if let Some(interpreter) = &ctx.interpreter {
        let mut text = interpreter.cell_name();
        if let Some(build) = &interpreter.build {
            text.push_str(&format!(" [{build}]"));
        }
        return text;
    }
    let tc = &ctx.toolchain;
    let mut text = format!("rustc {}", or_unknown(tc.release.as_ref()));
    let commit: Vec<String> = [&tc.commit_hash, &tc.commit_date]
        .into_iter()
        .flatten()
        .map(|s| s.chars().take(12).collect())
        .collect();
    if !commit.is_empty() {
        text.push_str(&format!(" ({})", commit.join(" ")));
    }
    if let Some(llvm) = &tc.llvm_version {
        text.push_str(&format!(", LLVM {llvm}"));
    }
    if let Some(name) = tc
        .rustup_toolchain
        .as_ref()
        .filter(|n| tc.release.as_ref() != Some(n))
    {
        text.push_str(&format!(" [{name}]"));
    }
    text
}

/// `bench (opt-level 3, lto thin, …)`: the settings that are known.
fn profile(ctx: &BuildContext) -> String {
    let p = &ctx.profile;
    let mut settings: Vec<String> = [
        ("opt-level", &p.opt_level),
        ("lto", &p.lto),
        ("debug", &p.debug),
        ("panic", &p.panic),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
    .collect();
    if let Some(cgu) = p.codegen_units {
        settings.push(format!("codegen-units {cgu}"));
    }
    let mut text = or_unknown(p.name.as_ref());
    if !settings.is_empty() {
        text.push_str(&format!(" ({})", settings.join(", ")));
    }
    text
}

fn os(ctx: &BuildContext) -> String {
    let mut text = or_unknown(ctx.os.name.as_ref());
    if let Some(version) = &ctx.os.version {
        text.push_str(&format!(" ({version})"));
    }
    if let Some(kernel) = &ctx.os.kernel {
        text.push_str(&format!(", kernel {kernel}"));
    }
    text
}

fn git(ctx: &BuildContext) -> String {
    let mut text = or_unknown(ctx.git.commit.as_ref());
    match ctx.git.dirty {
        Some(true) => text.push_str(" (dirty: uncommitted changes)"),
        Some(false) => text.push_str(" (clean)"),
        None => {}
    }
    text
}

fn or(value: &Option<String>, unset: &str) -> String {
    value.clone().unwrap_or_else(|| unset.to_owned())
}

fn cores(ctx: &BuildContext) -> String {
    let cpu = &ctx.cpu;
    format!(
        "{} physical, {} logical, available parallelism {}",
        or_unknown(cpu.physical_cores),
        or_unknown(cpu.logical_cpus),
        or_unknown(cpu.available_parallelism)
    )
}

fn resources(r: &Resources) -> String {
    format!(
        "wall {}, CPU {}, peak memory {}",
        or_unknown(r.wall_seconds.map(|s| format!("{s:.1} s"))),
        or_unknown(r.cpu_seconds.map(|s| format!("{s:.1} s"))),
        or_unknown(r.peak_memory_bytes.map(|b| format::bytes(b as f64))),
    )
}

/// Every fact of `run`, in the order the layouts show them.
pub fn facts(run: &Run) -> Vec<Fact> {
    let ctx = &run.context;
    let in_section = |section| {
        move |key, label, compared, value| Fact {
            key,
            label,
            value,
            section,
            compared,
        }
    };
    let (build, features) = (in_section(Section::Build), in_section(Section::Features));
    let about_run = in_section(Section::Run);
    let libraries = ctx.libraries.iter().map(|(name, v)| format!("{name} {v}"));
    let memory = ctx.memory_bytes.map(|b| format::bytes(b as f64));
    let mut facts = vec![
        build("toolchain", "Toolchain", true, toolchain(ctx)),
        build("host", "Host", false, or(&ctx.toolchain.host, UNKNOWN)),
        build("target", "Target", true, or(&ctx.target, UNKNOWN)),
        build(
            "target-cpu",
            "Target CPU",
            true,
            or(&ctx.target_cpu, GENERIC),
        ),
        build("rustflags", "RUSTFLAGS", true, or(&ctx.rustflags, NOT_SET)),
        build("profile", "Profile", true, profile(ctx)),
        build("cpu", "CPU", true, or(&ctx.cpu.model, UNKNOWN)),
        build("cores", "Cores", true, cores(ctx)),
        build("memory", "Memory", false, or_unknown(memory)),
        build("os", "OS", true, os(ctx)),
        build("git", "Git commit", false, git(ctx)),
        build("recorded", "Recorded", false, or(&ctx.recorded_at, UNKNOWN)),
        build("baseline", "Criterion data", false, run.baseline.clone()),
        features(
            "cpu-features",
            "CPU features",
            false,
            list(ctx.cpu.features.clone()),
        ),
        features("codecs", "Codecs", false, list(ctx.codecs.clone())),
        features("libraries", "Libraries", true, list(libraries)),
        about_run(
            "benchmarks",
            "Benchmarks",
            false,
            run.benchmarks.len().to_string(),
        ),
    ];
    if let Some(r) = &run.resources {
        facts.push(about_run("resources", "Resources", false, resources(r)));
    }
    facts
}

/// The value of fact `key` of `run` ([`UNKNOWN`] for a key no fact has).
pub fn value(facts: &[Fact], key: &str) -> String {
    facts
        .iter()
        .find(|f| f.key == key)
        .map_or_else(|| UNKNOWN.to_owned(), |f| f.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_values_read_the_same_and_keys_are_unique() {
        let mut run = crate::synth::synthetic_runs(1, 1).remove(0);
        run.context = BuildContext::default();
        let facts = facts(&run);
        let mut keys: Vec<&str> = facts.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), facts.len(), "duplicate keys");
        assert_eq!(value(&facts, "target-cpu"), GENERIC);
        assert_eq!(value(&facts, "rustflags"), NOT_SET);
        assert_eq!(value(&facts, "memory"), UNKNOWN);
        assert_eq!(value(&facts, "codecs"), UNKNOWN);
        assert_eq!(value(&facts, "toolchain"), "rustc unknown");
        assert_eq!(
            value(&facts, "cores"),
            "unknown physical, unknown logical, available parallelism unknown"
        );
    }

    #[test]
    fn sizes_go_through_format() {
        let mut run = crate::synth::synthetic_runs(1, 1).remove(0);
        run.context.memory_bytes = Some(8 << 30);
        assert_eq!(value(&facts(&run), "memory"), "8.00 GiB");
    }
}
