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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::model::{Benchmark, BuildContext, Cpu, Git, Os, Profile, Toolchain};

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

/// Libraries whose versions are recorded, as named in Cargo.lock.
pub const LIBRARIES: &[&str] = &[
    "zstd",
    "zstd-sys",
    "flate2",
    "zlib-rs",
    "lz4_flex",
    "uuid",
    "tokio",
    "rayon",
    "rusqlite",
    "libsqlite3-sys",
    "criterion",
    "serde_json",
];

/// Detects the build context. Never fails: what cannot be found is `None`.
pub fn detect(inputs: &ContextInputs) -> BuildContext {
    let mut toolchain = rustc_verbose_version(inputs.rustup_toolchain.as_deref())
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
        cpu: detect_cpu(),
        memory_bytes: detect_memory(),
        os: detect_os(),
        codecs: Vec::new(),
        libraries,
        git: detect_git(root),
        recorded_at: Some(now_rfc3339()),
        interpreter: None,
        machine_check: None,
    }
}

/// Runs a command and returns its stdout when it succeeded.
fn command_stdout(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

fn rustc_verbose_version(rustup_toolchain: Option<&str>) -> Option<String> {
    match rustup_toolchain {
        Some(tc) => command_stdout("rustup", &["run", tc, "rustc", "-vV"]),
        None => command_stdout("rustc", &["-vV"]),
    }
}

/// Parses the output of `rustc -vV`.
pub fn parse_rustc_vv(text: &str) -> Toolchain {
    let mut tc = Toolchain::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() || value == "unknown" {
            continue;
        }
        let slot = match key.trim() {
            "release" => &mut tc.release,
            "commit-hash" => &mut tc.commit_hash,
            "commit-date" => &mut tc.commit_date,
            "host" => &mut tc.host,
            "LLVM version" => &mut tc.llvm_version,
            _ => continue,
        };
        *slot = Some(value.to_owned());
    }
    tc
}

/// The last `-C target-cpu=` in a RUSTFLAGS string (the one rustc obeys).
pub fn target_cpu_from_rustflags(flags: &str) -> Option<String> {
    let mut found = None;
    let mut tokens = flags.split_whitespace();
    while let Some(token) = tokens.next() {
        let codegen = if token == "-C" || token == "--codegen" {
            tokens.next()
        } else if let Some(rest) = token.strip_prefix("-C") {
            Some(rest)
        } else {
            token.strip_prefix("--codegen=")
        };
        if let Some(cpu) = codegen.and_then(|c| c.strip_prefix("target-cpu=")) {
            found = Some(cpu.to_owned());
        }
    }
    found.filter(|c| !c.is_empty())
}

/// The settings of profile `name` from a workspace root Cargo.toml, following
/// `inherits` and cargo's built-in defaults (`bench` inherits `release`,
/// `test` inherits `dev`). `None` when the text is not TOML or the profile is
/// neither built in nor defined.
pub fn resolve_profile(cargo_toml: &str, name: &str) -> Option<Profile> {
    let table: toml::Table = toml::from_str(cargo_toml).ok()?;
    let profiles = table.get("profile").and_then(|p| p.as_table());
    // Chain from `name` back to a root profile, guarding against cycles.
    let mut chain: Vec<String> = Vec::new();
    let mut current = name.to_owned();
    loop {
        if chain.contains(&current) || chain.len() > 16 {
            return None;
        }
        chain.push(current.clone());
        let inherits = profiles
            .and_then(|p| p.get(&current))
            .and_then(|p| p.get("inherits"))
            .and_then(|i| i.as_str())
            .map(str::to_owned)
            .or_else(|| match current.as_str() {
                "bench" => Some("release".to_owned()),
                "test" => Some("dev".to_owned()),
                _ => None,
            });
        match inherits {
            Some(parent) => current = parent,
            None => break,
        }
    }
    let root = chain.last()?;
    let mut profile = match root.as_str() {
        // cargo's documented defaults for the two root built-in profiles
        "release" => Profile {
            name: None,
            opt_level: Some("3".into()),
            lto: Some("false".into()),
            codegen_units: Some(16),
            debug: Some("false".into()),
            panic: Some("unwind".into()),
        },
        "dev" => Profile {
            name: None,
            opt_level: Some("0".into()),
            lto: Some("false".into()),
            codegen_units: Some(256),
            debug: Some("true".into()),
            panic: Some("unwind".into()),
        },
        other if profiles.and_then(|p| p.get(other)).is_none() => return None,
        _ => Profile::default(),
    };
    for link in chain.iter().rev() {
        let Some(settings) = profiles
            .and_then(|p| p.get(link))
            .and_then(|s| s.as_table())
        else {
            continue;
        };
        if let Some(v) = settings.get("opt-level") {
            profile.opt_level = toml_scalar(v);
        }
        if let Some(v) = settings.get("lto") {
            profile.lto = toml_scalar(v);
        }
        if let Some(v) = settings.get("debug") {
            profile.debug = toml_scalar(v);
        }
        if let Some(v) = settings.get("panic") {
            profile.panic = toml_scalar(v);
        }
        if let Some(v) = settings.get("codegen-units") {
            profile.codegen_units = v.as_integer().and_then(|i| u32::try_from(i).ok());
        }
    }
    profile.name = Some(name.to_owned());
    Some(profile)
}

fn toml_scalar(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Applies cargo's `CARGO_PROFILE_<NAME>_<KEY>` environment overrides.
pub fn apply_profile_env(profile: &mut Profile, name: &str, env: impl Fn(&str) -> Option<String>) {
    let prefix = format!(
        "CARGO_PROFILE_{}_",
        name.to_ascii_uppercase().replace('-', "_")
    );
    let get = |key: &str| env(&format!("{prefix}{key}")).filter(|v| !v.is_empty());
    if let Some(v) = get("OPT_LEVEL") {
        profile.opt_level = Some(v);
    }
    if let Some(v) = get("LTO") {
        profile.lto = Some(v);
    }
    if let Some(v) = get("DEBUG") {
        profile.debug = Some(v);
    }
    if let Some(v) = get("PANIC") {
        profile.panic = Some(v);
    }
    if let Some(v) = get("CODEGEN_UNITS") {
        profile.codegen_units = v.parse().ok();
    }
}

/// Versions of [`LIBRARIES`] from Cargo.lock text. Several versions of one
/// package are joined with `, `. Adds `libzstd` (the C library bundled by
/// `zstd-sys`, from its `+zstd.X` build metadata) and `flate2-backend`.
pub fn library_versions(cargo_lock: &str) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Lock {
        #[serde(default)]
        package: Vec<Package>,
    }
    #[derive(serde::Deserialize)]
    struct Package {
        name: String,
        version: String,
        #[serde(default)]
        dependencies: Vec<String>,
    }
    let Ok(lock) = toml::from_str::<Lock>(cargo_lock) else {
        return BTreeMap::new();
    };
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut flate2_deps: BTreeSet<String> = BTreeSet::new();
    let mut all: BTreeMap<String, String> = BTreeMap::new();
    for p in &lock.package {
        all.entry(p.name.clone())
            .or_insert_with(|| p.version.clone());
        if LIBRARIES.contains(&p.name.as_str()) {
            versions
                .entry(p.name.clone())
                .or_default()
                .insert(p.version.clone());
        }
        if p.name == "flate2" {
            // Lock entries name a dependency `name` or `name version`.
            flate2_deps.extend(
                p.dependencies
                    .iter()
                    .filter_map(|d| d.split_whitespace().next().map(str::to_owned)),
            );
        }
    }
    let mut out: BTreeMap<String, String> = versions
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect::<Vec<_>>().join(", ")))
        .collect();
    if let Some(sys) = out.get("zstd-sys") {
        let libzstd: Vec<&str> = sys
            .split(", ")
            .filter_map(|v| v.split_once("+zstd.").map(|(_, lib)| lib))
            .collect();
        if !libzstd.is_empty() {
            out.insert("libzstd".into(), libzstd.join(", "));
        }
    }
    // flate2 picks its backend by feature; the lock shows which one is linked.
    for backend in [
        "zlib-rs",
        "libz-ng-sys",
        "libz-sys",
        "cloudflare-zlib-sys",
        "miniz_oxide",
    ] {
        if flate2_deps.contains(backend) {
            let version = all
                .get(backend)
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            out.insert("flate2-backend".into(), format!("{backend}{version}"));
            break;
        }
    }
    out
}

/// CPU facts from `/proc/cpuinfo` text: (model, physical cores, logical CPUs).
/// Physical cores count distinct (physical id, core id) pairs and are `None`
/// when the file does not list them (as on many ARM kernels).
pub fn parse_cpuinfo(text: &str) -> (Option<String>, Option<u32>, Option<u32>) {
    let mut model = None;
    let mut logical = 0u32;
    let mut cores: BTreeSet<(String, String)> = BTreeSet::new();
    let mut physical_id = String::from("0");
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "processor" => {
                logical += 1;
                physical_id = "0".into();
            }
            "model name" | "Model" | "cpu model" if model.is_none() && !value.is_empty() => {
                model = Some(value.to_owned());
            }
            "physical id" => physical_id = value.to_owned(),
            "core id" => {
                cores.insert((physical_id.clone(), value.to_owned()));
            }
            _ => {}
        }
    }
    let logical = (logical > 0).then_some(logical);
    let physical = u32::try_from(cores.len()).ok().filter(|&n| n > 0);
    (model, physical, logical)
}

/// `MemTotal` of `/proc/meminfo` text, in bytes.
pub fn parse_meminfo(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut parts = line["MemTotal:".len()..].split_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") => value.checked_mul(1024),
        None => Some(value),
        Some(_) => None,
    }
}

/// The distribution name and version from `/etc/os-release` text:
/// `PRETTY_NAME`, else `NAME VERSION`.
pub fn parse_os_release(text: &str) -> Option<String> {
    let mut fields: BTreeMap<&str, String> = BTreeMap::new();
    for line in text.lines() {
        let Some((key, value)) = line.trim().split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        fields.insert(key.trim(), value.replace("\\\"", "\""));
    }
    if let Some(pretty) = fields.get("PRETTY_NAME").filter(|p| !p.is_empty()) {
        return Some(pretty.clone());
    }
    let name = fields.get("NAME")?;
    Some(match fields.get("VERSION") {
        Some(v) if !v.is_empty() => format!("{name} {v}"),
        _ => name.clone(),
    })
}

fn detect_cpu() -> Cpu {
    let available_parallelism = std::thread::available_parallelism()
        .ok()
        .and_then(|n| u32::try_from(n.get()).ok());
    let (model, physical_cores, logical_cpus) = if cfg!(target_os = "linux") {
        std::fs::read_to_string("/proc/cpuinfo")
            .map(|t| parse_cpuinfo(&t))
            .unwrap_or_default()
    } else if cfg!(target_os = "macos") {
        let sysctl =
            |key: &str| command_stdout("sysctl", &["-n", key]).map(|s| s.trim().to_owned());
        (
            sysctl("machdep.cpu.brand_string").filter(|s| !s.is_empty()),
            sysctl("hw.physicalcpu").and_then(|s| s.parse().ok()),
            sysctl("hw.logicalcpu").and_then(|s| s.parse().ok()),
        )
    } else {
        (None, None, None)
    };
    Cpu {
        model,
        physical_cores,
        logical_cpus,
        available_parallelism,
        features: cpu_features(),
    }
}

/// CPU features of interest that `std` detects at run time on this machine.
pub fn cpu_features() -> Vec<String> {
    #[allow(unused_mut)]
    let mut features: Vec<String> = Vec::new();
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    {
        macro_rules! detect_x86 {
            ($($f:tt),*) => {$(
                if std::arch::is_x86_feature_detected!($f) {
                    features.push($f.to_owned());
                }
            )*};
        }
        detect_x86!(
            "sse4.2", "avx", "avx2", "fma", "bmi1", "bmi2", "avx512f", "avx512bw", "avx512vl",
            "popcnt", "lzcnt"
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        macro_rules! detect_arm {
            ($($f:tt),*) => {$(
                if std::arch::is_aarch64_feature_detected!($f) {
                    features.push($f.to_owned());
                }
            )*};
        }
        detect_arm!("neon", "aes", "sha2", "crc");
    }
    features
}

fn detect_memory() -> Option<u64> {
    if cfg!(target_os = "linux") {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| parse_meminfo(&t))
    } else if cfg!(target_os = "macos") {
        command_stdout("sysctl", &["-n", "hw.memsize"]).and_then(|s| s.trim().parse().ok())
    } else {
        None
    }
}

fn detect_os() -> Os {
    let name = Some(std::env::consts::OS.to_owned());
    let (version, kernel) = if cfg!(target_os = "linux") {
        (
            std::fs::read_to_string("/etc/os-release")
                .ok()
                .and_then(|t| parse_os_release(&t)),
            std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .ok()
                .or_else(|| command_stdout("uname", &["-r"])),
        )
    } else if cfg!(target_os = "macos") {
        (
            command_stdout("sw_vers", &["-productVersion"]).map(|v| format!("macOS {}", v.trim())),
            command_stdout("uname", &["-r"]),
        )
    } else {
        (None, None)
    };
    Os {
        name,
        version,
        kernel: kernel
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty()),
    }
}

fn detect_git(root: &Path) -> Git {
    let root = root.to_string_lossy();
    let commit = command_stdout("git", &["-C", &root, "rev-parse", "HEAD"])
        .map(|s| s.trim().to_owned())
        .filter(|s| s.len() >= 40 && s.chars().all(|c| c.is_ascii_hexdigit()));
    let dirty = commit.as_ref().and_then(|_| {
        command_stdout(
            "git",
            &["-C", &root, "status", "--porcelain", "--untracked-files=no"],
        )
        .map(|s| !s.trim().is_empty())
    });
    let tag = commit.as_ref().and_then(|_| {
        command_stdout(
            "git",
            &["-C", &root, "describe", "--tags", "--exact-match", "HEAD"],
        )
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    });
    Git { commit, dirty, tag }
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

    const RUSTC_VV: &str = "rustc 1.95.0 (59807616e 2026-04-14)\n\
        binary: rustc\n\
        commit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860\n\
        commit-date: 2026-04-14\n\
        host: x86_64-unknown-linux-gnu\n\
        release: 1.95.0\n\
        LLVM version: 22.1.2\n";

    #[test]
    fn rustc_vv_is_parsed_field_by_field() {
        let tc = parse_rustc_vv(RUSTC_VV);
        assert_eq!(tc.release.as_deref(), Some("1.95.0"));
        assert_eq!(
            tc.commit_hash.as_deref(),
            Some("59807616e1fa2540724bfbac14d7976d7e4a3860")
        );
        assert_eq!(tc.commit_date.as_deref(), Some("2026-04-14"));
        assert_eq!(tc.host.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(tc.llvm_version.as_deref(), Some("22.1.2"));
        assert_eq!(tc.rustup_toolchain, None);
    }

    #[test]
    fn rustc_vv_unknown_fields_stay_none() {
        // A locally built rustc prints `unknown` and may omit LLVM.
        let tc = parse_rustc_vv("rustc 1.97.0-dev\ncommit-hash: unknown\nrelease: 1.97.0-dev\n");
        assert_eq!(tc.release.as_deref(), Some("1.97.0-dev"));
        assert_eq!(tc.commit_hash, None);
        assert_eq!(tc.llvm_version, None);
        assert_eq!(parse_rustc_vv(""), Toolchain::default());
    }

    #[test]
    fn target_cpu_is_the_last_one_in_any_spelling() {
        assert_eq!(
            target_cpu_from_rustflags("-C target-cpu=native").as_deref(),
            Some("native")
        );
        assert_eq!(
            target_cpu_from_rustflags("-Ctarget-cpu=x86-64-v3 -C opt-level=3").as_deref(),
            Some("x86-64-v3")
        );
        assert_eq!(
            target_cpu_from_rustflags("-C target-cpu=a --codegen target-cpu=b").as_deref(),
            Some("b")
        );
        assert_eq!(target_cpu_from_rustflags("-C opt-level=3"), None);
        assert_eq!(target_cpu_from_rustflags("-C"), None);
        assert_eq!(target_cpu_from_rustflags(""), None);
    }

    const CPUINFO: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\n\
        model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 0\ncore id\t\t: 0\n\n\
        processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 0\ncore id\t\t: 0\n\n\
        processor\t: 2\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 0\ncore id\t\t: 1\n\n\
        processor\t: 3\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 1\ncore id\t\t: 0\n";

    #[test]
    fn cpuinfo_counts_logical_cpus_and_distinct_cores() {
        let (model, physical, logical) = parse_cpuinfo(CPUINFO);
        assert_eq!(model.as_deref(), Some("Intel(R) Xeon(R) CPU @ 2.20GHz"));
        assert_eq!(logical, Some(4));
        // (0,0) twice (hyper-threads), (0,1), (1,0)
        assert_eq!(physical, Some(3));
    }

    #[test]
    fn cpuinfo_without_core_ids_leaves_physical_cores_unknown() {
        let arm = "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n\n\
                   processor\t: 1\nBogoMIPS\t: 50.00\n";
        assert_eq!(parse_cpuinfo(arm), (None, None, Some(2)));
        assert_eq!(parse_cpuinfo(""), (None, None, None));
    }

    #[test]
    fn meminfo_total_in_bytes() {
        let text = "MemTotal:       16318480 kB\nMemFree:         1234 kB\n";
        assert_eq!(parse_meminfo(text), Some(16_318_480 * 1024));
        assert_eq!(parse_meminfo("MemFree: 1 kB\n"), None);
        assert_eq!(parse_meminfo("MemTotal: lots\n"), None);
    }

    #[test]
    fn os_release_prefers_pretty_name() {
        let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
                      VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n";
        assert_eq!(
            parse_os_release(debian).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        let bare = "NAME=Alpine\nVERSION='3.20'\n";
        assert_eq!(parse_os_release(bare).as_deref(), Some("Alpine 3.20"));
        assert_eq!(parse_os_release("ID=x\n"), None);
    }

    const LOCK: &str = r#"
version = 4

[[package]]
name = "flate2"
version = "1.1.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "crc32fast",
 "zlib-rs",
]

[[package]]
name = "rand"
version = "0.8.5"

[[package]]
name = "rand"
version = "0.9.2"

[[package]]
name = "tokio"
version = "1.48.0"

[[package]]
name = "zlib-rs"
version = "0.5.2"

[[package]]
name = "zstd-sys"
version = "2.0.16+zstd.1.5.7"
"#;

    #[test]
    fn lock_versions_with_libzstd_and_flate2_backend() {
        let v = library_versions(LOCK);
        assert_eq!(v.get("tokio").map(String::as_str), Some("1.48.0"));
        assert_eq!(
            v.get("zstd-sys").map(String::as_str),
            Some("2.0.16+zstd.1.5.7")
        );
        assert_eq!(v.get("libzstd").map(String::as_str), Some("1.5.7"));
        assert_eq!(v.get("flate2").map(String::as_str), Some("1.1.5"));
        assert_eq!(
            v.get("flate2-backend").map(String::as_str),
            Some("zlib-rs 0.5.2")
        );
        // not a recorded library, and absent ones are not invented
        assert!(!v.contains_key("rand"));
        assert!(!v.contains_key("uuid"));
        assert!(library_versions("not toml [").is_empty());
    }

    #[test]
    fn lock_lists_every_version_of_a_duplicated_library() {
        let lock = "[[package]]\nname = \"rayon\"\nversion = \"1.10.0\"\n\n\
                    [[package]]\nname = \"rayon\"\nversion = \"1.11.0\"\n";
        assert_eq!(
            library_versions(lock).get("rayon").map(String::as_str),
            Some("1.10.0, 1.11.0")
        );
    }

    const WORKSPACE: &str = r#"
[workspace]
members = ["a"]

[profile.release]
opt-level = 3
codegen-units = 1
lto = "thin"
debug = "line-tables-only"

[profile.bench]
inherits = "release"

[profile.fast-bench]
inherits = "bench"
lto = false
panic = "abort"
"#;

    #[test]
    fn bench_profile_inherits_release_settings() {
        let p = resolve_profile(WORKSPACE, "bench").unwrap();
        assert_eq!(p.name.as_deref(), Some("bench"));
        assert_eq!(p.opt_level.as_deref(), Some("3"));
        assert_eq!(p.codegen_units, Some(1));
        assert_eq!(p.lto.as_deref(), Some("thin"));
        assert_eq!(p.debug.as_deref(), Some("line-tables-only"));
        assert_eq!(p.panic.as_deref(), Some("unwind"));
    }

    #[test]
    fn custom_profiles_chain_and_override() {
        let p = resolve_profile(WORKSPACE, "fast-bench").unwrap();
        assert_eq!(p.lto.as_deref(), Some("false"));
        assert_eq!(p.panic.as_deref(), Some("abort"));
        assert_eq!(p.codegen_units, Some(1));
        // no [profile] at all: cargo's defaults for bench (= release)
        let p = resolve_profile("[workspace]\n", "bench").unwrap();
        assert_eq!(p.codegen_units, Some(16));
        assert_eq!(p.opt_level.as_deref(), Some("3"));
        assert_eq!(resolve_profile("[workspace]\n", "nope"), None);
        let cycle = "[profile.a]\ninherits = \"b\"\n[profile.b]\ninherits = \"a\"\n";
        assert_eq!(resolve_profile(cycle, "a"), None);
    }

    #[test]
    fn profile_env_overrides_apply() {
        let mut p = resolve_profile(WORKSPACE, "bench").unwrap();
        apply_profile_env(&mut p, "bench", |k| {
            (k == "CARGO_PROFILE_BENCH_LTO").then(|| "fat".to_owned())
        });
        assert_eq!(p.lto.as_deref(), Some("fat"));
        assert_eq!(p.codegen_units, Some(1));
    }

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
