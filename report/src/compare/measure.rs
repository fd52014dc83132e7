//! The processes of `report compare`: build each side once with the
//! runner's build step (`cargo bench --no-run`, with cargo's JSON messages
//! to learn where each bench binary is), list each binary's benchmarks, and
//! run one binary per side and round ([`ProcessMeasurer`]).
//!
//! The bench binaries are started directly rather than through `cargo
//! bench`: both sides then start the same way (no cargo in between that
//! checks fingerprints for one side while the other's binary is cached), in
//! the package folder as cargo would, with the same environment but for the
//! side's own `CRITERION_HOME` and a padding variable of random length, so
//! that the stack of neither side always starts at the same alignment
//! (Mytkowicz et al., "Producing wrong data without doing anything
//! obviously wrong", ASPLOS 2009: the size of the environment alone moved
//! results by several percent).

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::rounds::{MeasureError, Measurement, Measurer};
use crate::criterion;
use crate::diff::Side;
use crate::ingest::{self, IngestOptions};
use crate::runner::execute::{CellJob, CellPaths};
use crate::runner::interrupt;
use crate::runner::process::{self, Finished, Invocation, Usage};
use crate::runner::progress::{Stream, strip_ansi};

/// The environment variable whose random length shifts the initial stack.
pub const PAD_VAR: &str = "REPORT_COMPARE_PAD";
/// Longest padding: a few pages, so every 16-byte stack alignment within a
/// page is reachable.
pub const PAD_MAX: usize = 4096;

/// One bench binary of a side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub krate: String,
    /// The `[[bench]]` target name.
    pub bench: String,
    pub exe: PathBuf,
    /// The package folder (cargo runs bench binaries there).
    pub cwd: PathBuf,
}

/// A step of a side that failed, with the command and its last lines.
#[derive(Debug, thiserror::Error)]
#[error("{side}: {step} failed ({status})\n  command: {command}\n  last lines (all of it in {log}):\n  | {}", tail.join("\n  | "))]
pub struct StepError {
    pub side: Side,
    pub step: String,
    pub command: String,
    pub status: String,
    pub tail: Vec<String>,
    pub log: PathBuf,
}

/// What we need of cargo's `compiler-artifact` messages.
#[derive(Debug, Deserialize)]
struct Artifact {
    reason: String,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    target: Option<ArtifactTarget>,
}

#[derive(Debug, Deserialize)]
struct ArtifactTarget {
    name: String,
    kind: Vec<String>,
}

/// Bench binaries named in cargo's JSON messages (one per line of stdout).
pub fn parse_artifacts(krate: &str, stdout: &str, fallback_cwd: &Path) -> Vec<Unit> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Artifact>(l).ok())
        .filter(|a| a.reason == "compiler-artifact")
        .filter_map(|a| {
            let target = a.target?;
            if !target.kind.iter().any(|k| k == "bench") {
                return None;
            }
            Some(Unit {
                krate: krate.to_owned(),
                bench: target.name,
                exe: a.executable?,
                cwd: a
                    .manifest_path
                    .as_deref()
                    .and_then(Path::parent)
                    .map_or_else(|| fallback_cwd.to_owned(), Path::to_owned),
            })
        })
        .collect()
}

/// Ids that `<binary> --list` printed (`<id>: benchmark`), in order.
pub fn parse_listed(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(strip_ansi)
        .filter_map(|l| l.trim_end().strip_suffix(": benchmark").map(str::to_owned))
        .collect()
}

/// Criterion's filter for exactly these ids.
pub fn exact_filter(ids: &[String]) -> String {
    let alternatives: Vec<String> = ids.iter().map(|id| regex::escape(id)).collect();
    format!("^(?:{})$", alternatives.join("|"))
}

/// One side, ready to measure.
#[derive(Debug)]
pub struct SideExec {
    pub side: Side,
    pub paths: CellPaths,
    pub units: Vec<Unit>,
    log: BufWriter<fs::File>,
    /// Criterion folder of each id (relative to `paths.criterion_dir`).
    dirs: BTreeMap<String, String>,
    pub usage: Usage,
}

impl SideExec {
    fn env(&self, pad: usize) -> Vec<(String, String)> {
        vec![
            (
                "CARGO_TARGET_DIR".to_owned(),
                self.paths.target_dir.display().to_string(),
            ),
            (
                "CRITERION_HOME".to_owned(),
                self.paths.criterion_dir.display().to_string(),
            ),
            (PAD_VAR.to_owned(), "x".repeat(pad)),
        ]
    }

    fn step_error(&self, step: String, inv: &Invocation, done: &Finished) -> StepError {
        StepError {
            side: self.side,
            step,
            command: inv.shell_line(),
            status: done.status.clone(),
            tail: done.tail.clone(),
            log: self.paths.log.clone(),
        }
    }

    /// Runs `inv`, logging its output; stdout is returned.
    fn run(&mut self, inv: &Invocation, step: &str) -> Result<(String, Finished), anyhow::Error> {
        let mut stdout = String::new();
        let done = process::run_streaming(inv, &mut self.log, &mut |stream, line| {
            if stream == Stream::Stdout {
                stdout.push_str(line);
                stdout.push('\n');
            }
        })?;
        if interrupt::interrupted() {
            return Err(MeasureError::Interrupted.into());
        }
        if !done.success {
            return Err(self.step_error(step.to_owned(), inv, &done).into());
        }
        Ok((stdout, done))
    }
}

/// Builds a side's bench crates and finds their binaries.
pub fn build(side: Side, job: &CellJob<'_>) -> anyhow::Result<SideExec> {
    let paths = job.paths();
    fs::create_dir_all(&paths.target_dir)?;
    let log = BufWriter::new(fs::File::create(&paths.log)?);
    let mut exec = SideExec {
        side,
        paths: paths.clone(),
        units: Vec::new(),
        log,
        dirs: BTreeMap::new(),
        usage: Usage::zero(),
    };
    for krate in job.crates {
        let mut inv = job.build_invocation(&paths, krate);
        inv.args
            .push("--message-format=json-render-diagnostics".to_owned());
        let (stdout, _) = exec.run(&inv, &format!("building {}", krate.name))?;
        let units = parse_artifacts(&krate.name, &stdout, job.workspace_root);
        if units.is_empty() {
            anyhow::bail!(
                "{side}: `{}` named no bench binary for {}",
                inv.shell_line(),
                krate.name
            );
        }
        exec.units.extend(units);
    }
    Ok(exec)
}

/// Lists each unit's benchmarks (criterion applies `filter` to `--list`).
pub fn list(exec: &mut SideExec, filter: Option<&str>) -> anyhow::Result<Vec<Vec<String>>> {
    let mut all = Vec::new();
    for unit in exec.units.clone() {
        let mut args = vec!["--bench".to_owned(), "--list".to_owned()];
        args.extend(filter.map(str::to_owned));
        let inv = Invocation {
            program: unit.exe.display().to_string(),
            args,
            env: exec.env(0),
            cwd: unit.cwd.clone(),
        };
        let (stdout, _) = exec.run(&inv, &format!("listing {} ({})", unit.bench, unit.krate))?;
        all.push(parse_listed(&stdout));
    }
    Ok(all)
}

/// Runs the bench binaries of both sides for the rounds scheduler.
#[derive(Debug)]
pub struct ProcessMeasurer {
    /// Baseline, candidate.
    pub sides: [SideExec; 2],
    /// For each unit of the comparison, its index among each side's units.
    pub units: Vec<[usize; 2]>,
    /// Criterion arguments of every measuring process (before the filter).
    pub criterion_args: Vec<String>,
    started: Instant,
    rng: u64,
}

impl ProcessMeasurer {
    pub fn new(sides: [SideExec; 2], units: Vec<[usize; 2]>, criterion_args: Vec<String>) -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()).rotate_left(32);
        Self {
            sides,
            units,
            criterion_args,
            started: Instant::now(),
            rng: seed,
        }
    }

    /// SplitMix64: enough for padding lengths, no dependency.
    fn next_pad(&mut self) -> usize {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % (PAD_MAX as u64 + 1)) as usize
    }
}

impl Measurer for ProcessMeasurer {
    fn measure(&mut self, side: Side, unit: usize, ids: &[String]) -> Measurement {
        let s = usize::from(side == Side::Candidate);
        let pad = self.next_pad();
        let filter = exact_filter(ids);
        let mut args = vec!["--bench".to_owned()];
        args.extend(self.criterion_args.iter().cloned());
        args.push(filter.clone());
        let exec = &mut self.sides[s];
        let u = exec.units[self.units[unit][s]].clone();
        // The same ids for the harness's own setup (bench_metrics::select):
        // bench-compress otherwise prepares all its cases in every process.
        let mut env = exec.env(pad);
        env.push((bench_metrics::SELECT_VAR.to_owned(), filter));
        let inv = Invocation {
            program: u.exe.display().to_string(),
            args,
            env,
            cwd: u.cwd.clone(),
        };
        // A result counts only when this process wrote it: its file's
        // modification time changed (ids seen before), or is not older than
        // the start, minus a second for file systems with coarse times.
        let since = SystemTime::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or(UNIX_EPOCH);
        let before: BTreeMap<&String, Option<SystemTime>> = ids
            .iter()
            .filter_map(|id| {
                exec.dirs
                    .get(id)
                    .map(|d| (id, modified(&estimates_file(exec, d))))
            })
            .collect();
        let (_, done) = exec
            .run(&inv, &format!("measuring {}", u.bench))
            .map_err(|e| match e.downcast::<MeasureError>() {
                Ok(m) => m,
                Err(e) => MeasureError::Failed(format!("{e:#}")),
            })?;
        exec.usage.add(&done.usage);
        let mut times = BTreeMap::new();
        for id in ids {
            if !exec.dirs.contains_key(id) {
                refresh_dirs(exec);
            }
            let Some(dir) = exec.dirs.get(id) else {
                continue;
            };
            let file = estimates_file(exec, dir);
            let now = modified(&file);
            let fresh = match before.get(id) {
                Some(old) => now.is_some() && now != *old,
                None => now.is_some_and(|t| t >= since),
            };
            if !fresh {
                continue;
            }
            if let Ok(est) = criterion::read_estimates(&file) {
                let typical = est
                    .slope
                    .as_ref()
                    .and_then(|s| s.point_estimate)
                    .or(est.mean.point_estimate);
                if let Some(t) = typical.filter(|t| t.is_finite() && *t > 0.0) {
                    times.insert(id.clone(), t);
                }
            }
        }
        let _ = exec.log.flush();
        Ok(times)
    }

    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

fn estimates_file(exec: &SideExec, dir: &str) -> PathBuf {
    criterion::BaselineFiles::new(
        &exec.paths.criterion_dir.join(dir),
        criterion::LATEST_BASELINE,
    )
    .estimates
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Learns where criterion keeps each benchmark of a side (criterion
/// sanitizes folder names, so ids are read from its files by `ingest`).
fn refresh_dirs(exec: &mut SideExec) {
    if let Ok(ingested) = ingest::ingest(&exec.paths.criterion_dir, &IngestOptions::default()) {
        for b in ingested.run.benchmarks {
            exec.dirs.insert(b.id.full_id(), b.directory);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_binaries_come_from_cargos_json_messages() {
        let stdout = r#"{"reason":"compiler-artifact","package_id":"x","manifest_path":"/w/bench-cpu/Cargo.toml","target":{"name":"bench_cpu","kind":["lib"]},"executable":null}
{"reason":"compiler-artifact","package_id":"x","manifest_path":"/w/bench-cpu/Cargo.toml","target":{"name":"cpu","kind":["bench"]},"executable":"/t/release/deps/cpu-abc"}
{"reason":"build-finished","success":true}
not json"#;
        let units = parse_artifacts("bench-cpu", stdout, Path::new("/w"));
        assert_eq!(
            units,
            [Unit {
                krate: "bench-cpu".into(),
                bench: "cpu".into(),
                exe: "/t/release/deps/cpu-abc".into(),
                cwd: "/w/bench-cpu".into(),
            }]
        );
    }

    #[test]
    fn listing_and_exact_filters() {
        let ids = parse_listed(
            "cpu/kernel/serial/1: benchmark\n\u{1b}[1mcpu/a+b/x\u{1b}[0m: benchmark\nnoise\n",
        );
        assert_eq!(ids, ["cpu/kernel/serial/1", "cpu/a+b/x"]);
        let f = exact_filter(&ids);
        assert_eq!(f, r"^(?:cpu/kernel/serial/1|cpu/a\+b/x)$");
        let re = regex::Regex::new(&f).unwrap();
        assert!(re.is_match("cpu/a+b/x"));
        assert!(!re.is_match("cpu/kernel/serial/10"));
        assert!(!re.is_match("xcpu/kernel/serial/1"));
    }
}
