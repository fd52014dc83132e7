//! Running one cell: build every selected bench crate (`cargo bench
//! --no-run`), list the benchmarks the filter selects (`-- --list`, for
//! progress and the estimate), then measure each crate with its own `cargo
//! bench`, so that build time and measuring time are separate.
//!
//! Every command runs in the workspace root with the cell's own
//! `CARGO_TARGET_DIR` and `CRITERION_HOME` (the latter explicit so that
//! criterion and `bench-metrics` agree on where data goes), and its output
//! goes to the cell's log file. Only the measuring commands count towards
//! the cell's resources.

use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use std::collections::BTreeMap;

use super::cell::{CellSpec, UserFlags};
use super::interference::{Watch, WatchSettings};
use super::interrupt;
use super::plan::{BenchCrate, plus_arg};
use super::process::{self, Finished, Invocation, Usage};
use super::progress::{BenchEvent, LineParser, Progress, Stream, count_listed};
use super::settings::{self, Filter, Settings};
use crate::model::{Interference, MachineCheck};

/// Everything needed to run one cell.
#[derive(Debug, Clone)]
pub struct CellJob<'a> {
    pub cell: &'a CellSpec,
    pub crates: &'a [BenchCrate],
    pub workspace_root: &'a Path,
    /// `target/report-run`.
    pub cells_dir: &'a Path,
    pub settings: &'a Settings,
    pub filter: Option<&'a Filter>,
    pub flags: &'a UserFlags,
    /// The cargo program (`cargo`: the rustup proxy understands `+toolchain`).
    pub cargo: &'a str,
}

/// Where a cell keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellPaths {
    /// The cell's `CARGO_TARGET_DIR`.
    pub target_dir: PathBuf,
    /// Its `CRITERION_HOME`: `<target_dir>/criterion`.
    pub criterion_dir: PathBuf,
    /// Every command and its output: `<target_dir>/report-run.log`.
    pub log: PathBuf,
}

impl CellPaths {
    pub fn new(cells_dir: &Path, cell: &CellSpec) -> Self {
        let target_dir = cells_dir.join(cell.slug());
        Self {
            criterion_dir: target_dir.join("criterion"),
            log: target_dir.join("report-run.log"),
            target_dir,
        }
    }
}

/// A cell that ran to the end.
#[derive(Debug, Clone)]
pub struct Measured {
    pub paths: CellPaths,
    /// When measuring began: criterion files older than this are from an
    /// earlier invocation and do not belong to this run.
    pub measuring_started: SystemTime,
    /// Resources of the measuring commands (build and listing excluded).
    pub usage: Usage,
    pub build_time: Duration,
    /// Benchmarks criterion reported as finished.
    pub finished_ids: Vec<String>,
    /// The commands that measured, as a person would type them.
    pub commands: Vec<String>,
    /// What other processes took while each benchmark ran, by full id
    /// (empty when not sampled); a retried benchmark has its second figures.
    pub interference: BTreeMap<String, Interference>,
    /// Benchmarks measured a second time because they were disturbed.
    pub retried: Vec<String>,
    /// The machine check before the first cell (`report run` on Linux;
    /// boxed: it is large beside the other outcomes).
    pub machine_check: Option<Box<MachineCheck>>,
}

/// Which step of a cell failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub paths: CellPaths,
    /// What was being done, for "cell X: <step> failed": `building <crate>`,
    /// `listing <crate>`, `listing` (no benchmark selected at all) or
    /// `benchmarks of <crate>` (measuring).
    pub step: String,
    pub command: String,
    pub status: String,
    pub tail: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum CellOutcome {
    Measured(Measured),
    Failed(Failure),
    /// Ctrl-C: nothing of this cell is written.
    Interrupted(CellPaths),
}

impl CellJob<'_> {
    pub fn paths(&self) -> CellPaths {
        CellPaths::new(self.cells_dir, self.cell)
    }

    fn env(&self, paths: &CellPaths) -> Vec<(String, String)> {
        let mut env = vec![
            (
                "CARGO_TARGET_DIR".to_owned(),
                paths.target_dir.display().to_string(),
            ),
            (
                "CRITERION_HOME".to_owned(),
                paths.criterion_dir.display().to_string(),
            ),
        ];
        if let Some((k, v)) = self.flags.for_cell(self.cell) {
            env.push((k.to_owned(), v));
        }
        env
    }

    fn cargo_args(&self, crates: &[&BenchCrate], extra: &[&str], after: &[String]) -> Vec<String> {
        let mut args: Vec<String> = plus_arg(&self.cell.toolchain).into_iter().collect();
        args.extend(["bench".to_owned(), "--locked".to_owned()]);
        for c in crates {
            args.extend(["-p".to_owned(), c.name.clone()]);
        }
        // Only the [[bench]] targets: libtest harnesses reject criterion's flags.
        for c in crates {
            for b in &c.benches {
                args.extend(["--bench".to_owned(), b.clone()]);
            }
        }
        if let Some(t) = &self.cell.target {
            args.extend(["--target".to_owned(), t.clone()]);
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        if !after.is_empty() {
            args.push("--".to_owned());
            args.extend(after.iter().cloned());
        }
        args
    }

    fn invocation(&self, paths: &CellPaths, args: Vec<String>) -> Invocation {
        Invocation {
            program: self.cargo.to_owned(),
            args,
            env: self.env(paths),
            cwd: self.workspace_root.to_owned(),
        }
    }

    /// `cargo bench --no-run` for one crate, with exactly the package and
    /// target selection its list and bench invocations use: cargo unifies
    /// features across the packages selected together, so building all crates
    /// in one invocation would build different artifacts from the ones each
    /// per-crate run needs, and every run would rebuild.
    pub fn build_invocation(&self, paths: &CellPaths, krate: &BenchCrate) -> Invocation {
        self.invocation(paths, self.cargo_args(&[krate], &["--no-run"], &[]))
    }

    pub fn list_invocation(&self, paths: &CellPaths, krate: &BenchCrate) -> Invocation {
        self.invocation(
            paths,
            self.cargo_args(&[krate], &[], &settings::list_args(self.filter)),
        )
    }

    pub fn bench_invocation(&self, paths: &CellPaths, krate: &BenchCrate) -> Invocation {
        self.invocation(
            paths,
            self.cargo_args(
                &[krate],
                &[],
                &settings::bench_args(self.settings, self.filter),
            ),
        )
    }

    /// `cargo bench` of `krate`'s own `benches` with `after` behind `--`
    /// (the instruction pass, `super::instructions`, uses it).
    pub fn bench_invocation_for(
        &self,
        paths: &CellPaths,
        krate: &BenchCrate,
        after: &[String],
    ) -> Invocation {
        self.invocation(paths, self.cargo_args(&[krate], &[], after))
    }

    /// Runs the cell without watching for interference. `progress`'s total
    /// grows by this cell's benchmark count once the listing knows it.
    pub fn run(&self, progress: &mut Progress) -> io::Result<CellOutcome> {
        self.run_watched(progress, &mut Watch::new(WatchSettings::off(), None))
    }

    /// Runs the cell. `progress.total` is updated with this cell's benchmark
    /// count once it is known (for progress across cells). `watch` samples
    /// the machine around each benchmark and, with retry on, measures the
    /// disturbed ones once more at the end.
    pub fn run_watched(
        &self,
        progress: &mut Progress,
        watch: &mut Watch,
    ) -> io::Result<CellOutcome> {
        let paths = self.paths();
        fs::create_dir_all(&paths.target_dir)?;
        let mut log = BufWriter::new(fs::File::create(&paths.log)?);

        // 1. Build.
        let build_time = match self.build(&paths, &mut log, progress)? {
            Ok(time) => time,
            Err(outcome) => return Ok(outcome),
        };

        // 2. List what will run, per crate.
        progress.phase("listing benchmarks");
        let mut counts = Vec::with_capacity(self.crates.len());
        for krate in self.crates {
            let list = self.list_invocation(&paths, krate);
            let mut stdout = String::new();
            let done = process::run_streaming(&list, &mut log, &mut |stream, line| {
                if stream == Stream::Stdout {
                    stdout.push_str(line);
                    stdout.push('\n');
                }
            })?;
            if let Some(outcome) =
                self.check(&paths, &format!("listing {}", krate.name), &list, &done)
            {
                return Ok(outcome);
            }
            counts.push(count_listed(&stdout));
        }
        let cell_total: usize = counts.iter().sum();
        if cell_total == 0 {
            return Ok(CellOutcome::Failed(Failure {
                paths,
                step: "listing".into(),
                command: String::new(),
                status: match self.filter {
                    Some(f) => format!("no benchmark matches --filter '{}'", f.as_arg()),
                    None => "the bench crates define no benchmarks".into(),
                },
                tail: Vec::new(),
            }));
        }
        progress.set_total(progress.total.max(progress.done + cell_total as u64));

        // 3. Measure, one crate at a time.
        let measuring_started = SystemTime::now();
        let mut measuring = Measuring {
            log: &mut log,
            usage: Usage::zero(),
            commands: Vec::new(),
        };
        let mut finished_ids = Vec::new();
        let mut per_crate: Vec<(&BenchCrate, Vec<String>)> = Vec::new();
        for (krate, count) in self.crates.iter().zip(counts) {
            if count == 0 {
                continue;
            }
            progress.start_crate(&krate.name, count);
            let bench = self.bench_invocation(&paths, krate);
            let step = format!("benchmarks of {}", krate.name);
            let ids =
                match self.measure_step(&paths, &step, &bench, &mut measuring, progress, watch)? {
                    Ok(ids) => ids,
                    Err(outcome) => return Ok(outcome),
                };
            finished_ids.extend(ids.iter().cloned());
            per_crate.push((krate, ids));
        }

        // 4. Measure the disturbed benchmarks once more: the machine may be
        // calmer now. Criterion replaces their `new/` data, so the run file
        // gets the second measurement.
        let retried = if watch.settings.retry {
            match self.retry_disturbed(&paths, &per_crate, &mut measuring, progress, watch)? {
                Ok(retried) => retried,
                Err(outcome) => return Ok(outcome),
            }
        } else {
            Vec::new()
        };
        let Measuring {
            usage, commands, ..
        } = measuring;
        Ok(CellOutcome::Measured(Measured {
            paths,
            measuring_started,
            usage,
            build_time,
            finished_ids,
            commands,
            interference: std::mem::take(&mut watch.results),
            retried,
            machine_check: watch.machine_check.clone().map(Box::new),
        }))
    }

    /// Builds every bench crate (`cargo bench --no-run`): the time it took,
    /// or the outcome that stops the cell.
    fn build(
        &self,
        paths: &CellPaths,
        log: &mut dyn io::Write,
        progress: &mut Progress,
    ) -> io::Result<Result<Duration, CellOutcome>> {
        progress.phase("building (cargo bench --no-run)");
        let build_started = Instant::now();
        for krate in self.crates {
            let build = self.build_invocation(paths, krate);
            let done = process::run_streaming(&build, log, &mut |stream, line| {
                if let (Stream::Stderr, Some(what)) =
                    (stream, line.trim_start().strip_prefix("Compiling "))
                {
                    progress.detail(&format!("building: compiling {what}"));
                }
            })?;
            if let Some(outcome) =
                self.check(paths, &format!("building {}", krate.name), &build, &done)
            {
                return Ok(Err(outcome));
            }
        }
        Ok(Ok(build_started.elapsed()))
    }

    /// Runs one bench invocation with `watch` and checks it: the ids it
    /// finished, or the outcome that stops the cell.
    fn measure_step(
        &self,
        paths: &CellPaths,
        step: &str,
        bench: &Invocation,
        measuring: &mut Measuring<'_>,
        progress: &mut Progress,
        watch: &mut Watch,
    ) -> io::Result<Result<Vec<String>, CellOutcome>> {
        measuring.commands.push(bench.shell_line());
        let (done, ids) = measure(bench, measuring.log, progress, watch)?;
        measuring.usage.add(&done.usage);
        Ok(match self.check(paths, step, bench, &done) {
            Some(outcome) => Err(outcome),
            None => Ok(ids),
        })
    }

    /// Measures each crate's disturbed benchmarks once more: the ids
    /// measured again, or the outcome that stops the cell.
    fn retry_disturbed(
        &self,
        paths: &CellPaths,
        per_crate: &[(&BenchCrate, Vec<String>)],
        measuring: &mut Measuring<'_>,
        progress: &mut Progress,
        watch: &mut Watch,
    ) -> io::Result<Result<Vec<String>, CellOutcome>> {
        let mut retried = Vec::new();
        for (krate, ids) in per_crate {
            let disturbed: Vec<String> = watch.disturbed(ids).into_iter().cloned().collect();
            if disturbed.is_empty() {
                continue;
            }
            progress.println(format!(
                "  {}: measuring {} disturbed benchmark{} again",
                krate.name,
                disturbed.len(),
                if disturbed.len() == 1 { "" } else { "s" }
            ));
            progress.set_total(progress.total + disturbed.len() as u64);
            progress.start_crate(&krate.name, disturbed.len());
            let filter = Filter::exactly(&disturbed);
            let bench = self.invocation(
                paths,
                self.cargo_args(
                    &[krate],
                    &[],
                    &settings::bench_args(self.settings, Some(&filter)),
                ),
            );
            let step = format!("measuring disturbed benchmarks of {} again", krate.name);
            if let Err(outcome) =
                self.measure_step(paths, &step, &bench, measuring, progress, watch)?
            {
                return Ok(Err(outcome));
            }
            retried.extend(disturbed);
        }
        Ok(Ok(retried))
    }

    /// `Some(outcome)` when the cell must stop here (interrupt or failure).
    fn check(
        &self,
        paths: &CellPaths,
        step: &str,
        inv: &Invocation,
        done: &Finished,
    ) -> Option<CellOutcome> {
        if interrupt::interrupted() {
            return Some(CellOutcome::Interrupted(paths.clone()));
        }
        (!done.success).then(|| {
            CellOutcome::Failed(Failure {
                paths: paths.clone(),
                step: step.to_owned(),
                command: inv.shell_line(),
                status: done.status.clone(),
                tail: done.tail.clone(),
            })
        })
    }
}

/// What measuring a cell gathers across its bench invocations: the log
/// they write to, their resource usage and their command lines.
struct Measuring<'l> {
    log: &'l mut dyn io::Write,
    usage: Usage,
    commands: Vec<String>,
}

/// Runs one measuring command, feeding criterion's events to progress and
/// to `watch`; returns how it ended and the ids it finished.
fn measure(
    bench: &Invocation,
    log: &mut dyn io::Write,
    progress: &mut Progress,
    watch: &mut Watch,
) -> io::Result<(Finished, Vec<String>)> {
    let mut parser = LineParser::default();
    let measured_before = progress.estimate.measured;
    let started = Instant::now();
    let mut ids = Vec::new();
    let done = process::run_streaming(bench, log, &mut |stream, line| {
        if let Some(event) = parser.line(stream, line) {
            match &event {
                BenchEvent::Started(id) => watch.started(id),
                BenchEvent::Finished { id, .. } => {
                    watch.finished(id);
                    progress.estimate.finished += 1;
                    progress.estimate.measured = measured_before + started.elapsed();
                    ids.push(id.clone());
                }
            }
            progress.event(&event);
        }
    })?;
    progress.estimate.measured = measured_before + started.elapsed();
    Ok((done, ids))
}
