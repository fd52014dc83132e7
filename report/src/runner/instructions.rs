//! `report run --instructions`: the instruction-count pass of a cell.
//!
//! After a cell's criterion benchmarks, each selected crate that has a
//! `benches/instructions.rs` harness (the `[[bench]]` target
//! [`BENCH_TARGET`]) runs once more under gungraun:
//! `cargo bench -p CRATE --bench instructions -- --save-summary=json
//! --truncate-description=no`, with
//! the cell's toolchain, target, flags and `CARGO_TARGET_DIR`, so gungraun's
//! summaries land in `<cell target dir>/gungraun/` and are ingested into the
//! same run (`crate::gungraun`).
//!
//! Before anything is built: valgrind must be installed (the error names the
//! package), and `gungraun-runner` at exactly the version Cargo.lock pins
//! for the `gungraun` library (they refuse to work together otherwise) is
//! installed from crates.io into `<workspace target>/gungraun-runner/<version>`
//! when it is not there yet. The runner is found through `PATH`, which the
//! bench command gets with that folder's `bin/` in front.
//!
//! callgrind's cache simulation is off unless `--cache-sim` is given: the
//! harnesses configure `--cache-sim=no`, and every invocation states the
//! choice in gungraun's `GUNGRAUN_CALLGRIND_ARGS` ([`CALLGRIND_ARGS_ENV`]),
//! which gungraun applies after the harness's own arguments, so the flag
//! decides either way. Without it a summary holds instructions only and the
//! run gets no cache figures (they are optional metrics, `crate::gungraun`).
//!
//! `--filter` does not shorten this pass (gungraun's filter is a wildcard
//! over its own module paths, not criterion's ids): every instruction
//! benchmark of the crate runs and counts outside the filter are left out.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use super::execute::{CellJob, CellPaths, Failure};
use super::plan::BenchCrate;
use super::process::{self, Invocation};
use super::progress::{Progress, Stream};

/// The `[[bench]]` target name of every crate's instruction harness.
pub const BENCH_TARGET: &str = "instructions";
/// The runner's crate on crates.io.
pub const RUNNER_PACKAGE: &str = "gungraun-runner";
/// gungraun's variable of extra callgrind arguments (after the harness's).
pub const CALLGRIND_ARGS_ENV: &str = "GUNGRAUN_CALLGRIND_ARGS";

/// What the pass did in one cell.
#[derive(Debug, Clone)]
pub struct Counted {
    /// Summaries older than this belong to earlier invocations.
    pub started: SystemTime,
    pub wall: Duration,
    /// `<cell target dir>/gungraun`.
    pub dir: PathBuf,
    pub commands: Vec<String>,
}

/// Stops `report run --instructions` before anything is built when valgrind
/// cannot run.
pub fn check_valgrind() -> Result<String, String> {
    let missing = || {
        "valgrind was not found: instruction counts need it \
         (Debian/Ubuntu: `apt-get install valgrind`; Fedora: `dnf install valgrind`; \
         it runs on Linux and a few other Unix systems only)"
            .to_owned()
    };
    let out = Command::new("valgrind")
        .arg("--version")
        .output()
        .map_err(|_| missing())?;
    if !out.status.success() {
        return Err(missing());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The version of `gungraun-runner` Cargo.lock pins (it is a dependency of
/// the `gungraun` library, which checks the runner's version at run time).
pub fn locked_runner_version(lock_text: &str, lock_path: &Path) -> Result<String, String> {
    let lock: toml::Table = toml::from_str(lock_text)
        .map_err(|e| format!("{}: not a Cargo.lock: {e}", lock_path.display()))?;
    lock.get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_table())
        .find(|p| p.get("name").and_then(|n| n.as_str()) == Some(RUNNER_PACKAGE))
        .and_then(|p| p.get("version")?.as_str().map(str::to_owned))
        .ok_or_else(|| {
            format!(
                "{}: no {RUNNER_PACKAGE} package (the bench crates' instruction harnesses \
                 depend on `gungraun`, which pins it)",
                lock_path.display()
            )
        })
}

/// `<workspace target>/gungraun-runner/<version>`: the `--root` of the install.
pub fn runner_root(workspace_target: &Path, version: &str) -> PathBuf {
    workspace_target.join(RUNNER_PACKAGE).join(version)
}

/// The runner's `bin/` folder, installing it first when the binary is missing.
pub fn ensure_runner(
    workspace_root: &Path,
    workspace_target: &Path,
    progress: &mut Progress,
) -> Result<PathBuf, String> {
    let lock_path = workspace_root.join("Cargo.lock");
    let text = fs::read_to_string(&lock_path).map_err(|e| {
        format!(
            "{}: {e} (needed for the runner version)",
            lock_path.display()
        )
    })?;
    let version = locked_runner_version(&text, &lock_path)?;
    let root = runner_root(workspace_target, &version);
    let bin = root.join("bin");
    if bin.join(RUNNER_PACKAGE).is_file() {
        return Ok(bin);
    }
    progress.println(format!(
        "installing {RUNNER_PACKAGE} {version} into {} (once)",
        root.display()
    ));
    let status = Command::new("cargo")
        .current_dir(workspace_root)
        .args([
            "install",
            "--locked",
            "--version",
            &version,
            RUNNER_PACKAGE,
            "--root",
        ])
        .arg(&root)
        .status()
        .map_err(|e| format!("cannot start `cargo install {RUNNER_PACKAGE}`: {e}"))?;
    if !status.success() || !bin.join(RUNNER_PACKAGE).is_file() {
        return Err(format!(
            "`cargo install --locked --version {version} {RUNNER_PACKAGE} --root {}` failed \
             ({status}); instruction counts need it",
            root.display()
        ));
    }
    Ok(bin)
}

/// Everything the pass needs, prepared once before any cell is built.
#[derive(Debug, Clone)]
pub struct Pass {
    /// The runner's `bin/` folder.
    pub bin: PathBuf,
    /// Selected crates with an instruction harness, in plan order.
    pub crates: Vec<String>,
    /// `valgrind --version`.
    pub valgrind: String,
    /// `--cache-sim`: run callgrind's cache simulation too.
    pub cache_sim: bool,
}

/// Checks valgrind, picks the crates and installs the runner when missing.
pub fn prepare(
    plan: &super::plan::Plan,
    cache_sim: bool,
    progress: &mut Progress,
) -> Result<Pass, String> {
    let valgrind = check_valgrind()?;
    let crates: Vec<String> = plan
        .crates
        .iter()
        .map(|c| c.name.clone())
        .filter(|n| plan.workspace.instruction_crates.contains(n))
        .collect();
    if crates.is_empty() {
        return Err(format!(
            "--instructions: none of the selected crates ({}) has an instruction harness \
             (crates with one: {})",
            plan.crates
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            plan.workspace.instruction_crates.join(", ")
        ));
    }
    let bin = ensure_runner(&plan.workspace.root, &plan.workspace.target_dir, progress)?;
    Ok(Pass {
        bin,
        crates,
        valgrind,
        cache_sim,
    })
}

impl Pass {
    /// [`run_cell`] with the prepared crates and runner.
    pub fn run(
        &self,
        job: &CellJob<'_>,
        progress: &mut Progress,
    ) -> io::Result<Result<Counted, Failure>> {
        run_cell(job, &self.crates, &self.bin, self.cache_sim, progress)
    }
}

/// `PATH` with `bin` in front.
fn path_with(bin: &Path) -> String {
    let mut parts = vec![bin.to_owned()];
    if let Some(path) = std::env::var_os("PATH") {
        parts.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(parts)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| bin.display().to_string())
}

/// `GUNGRAUN_CALLGRIND_ARGS` for the bench process: the caller's own
/// arguments (`inherited`) followed by the cache-simulation choice, which so
/// wins over both theirs and the harness's.
pub fn callgrind_args(inherited: Option<&str>, cache_sim: bool) -> String {
    let choice = if cache_sim {
        "--cache-sim=yes"
    } else {
        "--cache-sim=no"
    };
    match inherited.map(str::trim).filter(|s| !s.is_empty()) {
        Some(theirs) => format!("{theirs} {choice}"),
        None => choice.to_owned(),
    }
}

/// The instruction benchmarks of one crate in this cell.
pub fn invocation(
    job: &CellJob<'_>,
    paths: &CellPaths,
    krate: &str,
    bin: &Path,
    cache_sim: bool,
) -> Invocation {
    let target = BenchCrate {
        name: krate.to_owned(),
        benches: vec![BENCH_TARGET.to_owned()],
    };
    // Whole descriptions: they state the criterion id (`crate::gungraun`).
    let after = [
        "--save-summary=json".to_owned(),
        "--truncate-description=no".to_owned(),
    ];
    let mut inv = job.bench_invocation_for(paths, &target, &after);
    inv.env.push(("PATH".to_owned(), path_with(bin)));
    let inherited = std::env::var(CALLGRIND_ARGS_ENV).ok();
    inv.env.push((
        CALLGRIND_ARGS_ENV.to_owned(),
        callgrind_args(inherited.as_deref(), cache_sim),
    ));
    inv
}

/// Runs the instruction harness of each of `crates` in the cell, appending
/// to the cell's log. `Err(Failure)` names the command that failed.
pub fn run_cell(
    job: &CellJob<'_>,
    crates: &[String],
    bin: &Path,
    cache_sim: bool,
    progress: &mut Progress,
) -> io::Result<Result<Counted, Failure>> {
    let paths = job.paths();
    let mut log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log)?;
    progress.phase("counting instructions (gungraun under valgrind)");
    let started = SystemTime::now();
    let clock = Instant::now();
    let mut commands = Vec::new();
    for krate in crates {
        let inv = invocation(job, &paths, krate, bin, cache_sim);
        commands.push(inv.shell_line());
        let done = process::run_streaming(&inv, &mut log, &mut |stream, line| {
            // gungraun prints `instructions::group::function id:args` per benchmark.
            if stream == Stream::Stdout && line.starts_with(BENCH_TARGET) {
                progress.detail(&format!("instructions: {}", line.trim()));
            }
        })?;
        log.flush()?;
        if !done.success {
            return Ok(Err(Failure {
                paths: paths.clone(),
                step: format!("instruction counts of {krate}"),
                command: inv.shell_line(),
                status: done.status,
                tail: done.tail,
            }));
        }
    }
    Ok(Ok(Counted {
        started,
        wall: clock.elapsed(),
        dir: paths.target_dir.join(crate::gungraun::DIR_NAME),
        commands,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runner_version_comes_from_the_lock() {
        let lock = r#"
version = 4

[[package]]
name = "gungraun"
version = "0.20.0"

[[package]]
name = "gungraun-runner"
version = "0.20.0"
"#;
        let path = Path::new("Cargo.lock");
        assert_eq!(locked_runner_version(lock, path).unwrap(), "0.20.0");
        let err = locked_runner_version("version = 4\n", path).unwrap_err();
        assert!(err.contains("no gungraun-runner package"), "{err}");
        assert!(
            locked_runner_version("[[[", path)
                .unwrap_err()
                .contains("not a Cargo.lock")
        );
    }

    #[test]
    fn the_real_lock_pins_the_runner_of_the_library() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        let text = fs::read_to_string(&path).unwrap();
        let runner = locked_runner_version(&text, &path).unwrap();
        let lock: toml::Table = toml::from_str(&text).unwrap();
        let library = lock["package"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"].as_str() == Some("gungraun"))
            .map(|p| p["version"].as_str().unwrap().to_owned())
            .unwrap();
        assert_eq!(runner, library, "gungraun and gungraun-runner must match");
    }

    #[test]
    fn the_cache_sim_flag_decides_after_the_callers_arguments() {
        assert_eq!(callgrind_args(None, false), "--cache-sim=no");
        assert_eq!(callgrind_args(Some("  "), true), "--cache-sim=yes");
        // gungraun applies the last --cache-sim it sees.
        assert_eq!(
            callgrind_args(Some("--dump-instr=yes --cache-sim=yes"), false),
            "--dump-instr=yes --cache-sim=yes --cache-sim=no"
        );
    }

    #[test]
    fn runner_bin_goes_first_on_path() {
        let p = path_with(Path::new("/opt/runner/bin"));
        assert!(p.starts_with("/opt/runner/bin"), "{p}");
    }
}
