//! Build context detection: which toolchain, target, CPU, OS, build profile
//! and library versions produced a run (the Python guide's `get_runtime_info`
//! and "Available Features").
//!
//! Detection runs where `report ingest` runs, so ingest on the machine that ran
//! the benchmarks (as `report run` does). Anything that cannot be detected is
//! `None` (or an empty list), never guessed. The parsers are pure functions
//! over text and are unit-tested on samples; the `detect` function only reads
//! files and runs commands, then calls them.
//!
//! Sources:
//! - toolchain: `rustc -vV` (`rustup run <toolchain> rustc -vV` when named);
//! - target: the input, else rustc's host; target-cpu: the input, else the
//!   last `-C target-cpu=` in RUSTFLAGS;
//! - profile: `[profile.<name>]` of the workspace root Cargo.toml, following
//!   `inherits` and cargo's documented defaults for the built-in profiles,
//!   then `CARGO_PROFILE_<NAME>_*` environment overrides (`.cargo/config.toml`
//!   profiles are not read);
//! - CPU: `/proc/cpuinfo` (Linux) or `sysctl` (macOS); features detected at
//!   run time by `std`; memory: `/proc/meminfo` or `sysctl hw.memsize`;
//! - OS: `/etc/os-release` or `sw_vers`; kernel: `/proc/sys/kernel/osrelease`
//!   or `uname -r`;
//! - library versions: the workspace Cargo.lock; git: `git rev-parse HEAD` and
//!   `git status --porcelain --untracked-files=no` (untracked files such as
//!   new results do not make a tree dirty).

mod git;
mod host;
mod libraries;
mod process;
mod profile;
mod rustc;

use std::collections::BTreeSet;
use std::path::PathBuf;

pub use self::host::{cpu_features, parse_cpuinfo, parse_meminfo, parse_os_release};
pub use self::libraries::{LIBRARIES, library_versions};
pub use self::profile::{apply_profile_env, resolve_profile};
pub use self::rustc::{parse_rustc_vv, target_cpu_from_rustflags};
use crate::model::{Benchmark, BuildContext, Profile};

/// What the caller knows about the build (from `report run` or the CLI);
/// everything else is detected.
#[derive(Debug, Clone, Default)]
pub struct ContextInputs {
    /// Workspace root: its Cargo.toml (profiles), Cargo.lock (versions), git.
    pub workspace_root: PathBuf,
    /// rustup toolchain name (`stable`, `1.89.0`); `None` = the default `rustc`.
    pub rustup_toolchain: Option<String>,
    /// Target triple; `None` = the host.
    pub target: Option<String>,
    /// `-C target-cpu`; `None` = parsed from RUSTFLAGS, else generic.
    pub target_cpu: Option<String>,
    /// RUSTFLAGS; `None` = the `RUSTFLAGS` environment variable.
    pub rustflags: Option<String>,
    /// Cargo profile name, `bench` for `cargo bench`.
    pub profile: String,
}

/// Detects the build context. Never fails: what cannot be found is `None`.
pub fn detect(inputs: &ContextInputs) -> BuildContext {
    let mut toolchain = rustc::rustc_verbose_version(inputs.rustup_toolchain.as_deref())
        .map(|text| parse_rustc_vv(&text))
        .unwrap_or_default();
    toolchain.rustup_toolchain = inputs.rustup_toolchain.clone();

    let rustflags = inputs
        .rustflags
        .clone()
        .or_else(|| std::env::var("RUSTFLAGS").ok())
        .filter(|f| !f.trim().is_empty());
    let target_cpu = inputs
        .target_cpu
        .clone()
        .or_else(|| rustflags.as_deref().and_then(target_cpu_from_rustflags));
    let target = inputs.target.clone().or_else(|| toolchain.host.clone());

    let root = &inputs.workspace_root;
    let profile_name = if inputs.profile.is_empty() {
        "bench"
    } else {
        inputs.profile.as_str()
    };
    let mut profile = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|text| resolve_profile(&text, profile_name))
        .unwrap_or_else(|| Profile {
            name: Some(profile_name.to_owned()),
            ..Profile::default()
        });
    apply_profile_env(&mut profile, profile_name, |k| std::env::var(k).ok());

    let libraries = std::fs::read_to_string(root.join("Cargo.lock"))
        .ok()
        .map(|text| library_versions(&text))
        .unwrap_or_default();

    BuildContext {
        toolchain,
        target,
        target_cpu,
        rustflags,
        profile,
        cpu: host::detect_cpu(),
        memory_bytes: host::detect_memory(),
        os: host::detect_os(),
        codecs: Vec::new(),
        libraries,
        git: git::detect_git(root),
        recorded_at: Some(now_rfc3339()),
        interpreter: None,
        machine_check: None,
    }
}

/// The codecs measured in a run: the codec families (`zstd`, `gzip`, `lz4`)
/// of the functions of the catalog's compression suite, its references
/// (`copy`, the memcpy reference) excluded ([`Catalog::codec_family`]).
/// These are the codecs benchmarked, which are the ones compiled into
/// bench-compress for that run.
///
/// [`Catalog::codec_family`]: crate::catalog::Catalog::codec_family
pub fn codecs_measured(benchmarks: &[Benchmark]) -> Vec<String> {
    let catalog = crate::catalog::get();
    let mut codecs = BTreeSet::new();
    for b in benchmarks {
        if b.id.suite() != catalog.codecs.suite {
            continue;
        }
        if let Some(family) =
            b.id.function
                .as_deref()
                .and_then(|f| catalog.codec_family(f))
        {
            codecs.insert(family.to_owned());
        }
    }
    codecs.into_iter().collect()
}

pub use crate::time::{now_rfc3339, rfc3339_from_unix};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_conversion_known_instants() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            rfc3339_from_unix(1_776_124_800 + 3661),
            "2026-04-14T01:01:01Z"
        );
    }

    #[test]
    fn detect_never_guesses_inputs_it_was_given() {
        let dir = std::env::temp_dir().join("report-context-test-nonexistent");
        let ctx = detect(&ContextInputs {
            workspace_root: dir,
            rustup_toolchain: None,
            target: Some("aarch64-unknown-linux-gnu".into()),
            target_cpu: None,
            rustflags: Some("-C target-cpu=neoverse-v2".into()),
            profile: "bench".into(),
        });
        assert_eq!(ctx.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(ctx.target_cpu.as_deref(), Some("neoverse-v2"));
        // no Cargo.toml there: only the name is known
        assert_eq!(ctx.profile.name.as_deref(), Some("bench"));
        assert_eq!(ctx.profile.opt_level, None);
        assert!(ctx.libraries.is_empty());
        assert_eq!(ctx.git.commit, None);
        assert!(ctx.recorded_at.is_some());
    }
}
