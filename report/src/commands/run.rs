//! `report run`: the one command that runs the suite for every toolchain x
//! target-cpu x target cell, writes one run file per finished cell into
//! `--results`, then renders the markdown and HTML report of this
//! invocation's cells and prints their paths (on stdout; progress and
//! messages go to stderr).
//!
//! Exit status: 0 when every cell that was run finished (cells skipped with
//! `--keep-going` for being unavailable do not count as failures: skipping
//! them was asked for, and they are listed before anything runs); 1 when a
//! cell failed to build or measure (its neighbours' results are kept); 130
//! on Ctrl-C (finished cells are written, the interrupted one is not).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context, anyhow};

use crate::cli::RunArgs;
use crate::context::{self, ContextInputs};
use crate::ingest::{self, IngestOptions};
use crate::interference::RunSummary;
use crate::model::{MachineCheck, Resources, Run};
use crate::output::{self, Kind, Output, Policy};
use crate::runner::cell::{CellSpec, UserFlags};
use crate::runner::execute::{CellJob, CellOutcome, Failure, Measured};
use crate::runner::interference::{self as sampling, Watch, WatchSettings};
use crate::runner::plan::{self, Plan, Request};
use crate::runner::progress::{Progress, human_duration};
use crate::runner::settings::{Filter, Settings};
use crate::runner::tools::{SystemTools, runner_env_var};
use crate::runner::{interrupt, python, utc_stamp};
use crate::store;
use crate::{html, render, tables};

/// A cell whose run file was written.
struct Written {
    cell: CellSpec,
    path: PathBuf,
    run: Run,
    build_time: Duration,
}

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    // Validate everything before building anything.
    let settings = Settings::from_flags(
        args.quick,
        args.full,
        args.sample_size,
        args.measurement_time,
    )?;
    let filter = args.filter.as_deref().map(Filter::new).transpose()?;
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let tools = SystemTools { cwd };
    let request = Request {
        toolchains: args.toolchain.clone(),
        target_cpus: args.target_cpu.clone(),
        targets: args.target.clone(),
        packages: args.packages.clone(),
        keep_going: args.keep_going,
    };
    let plan = plan::plan(&tools, &request, &|t| {
        std::env::var_os(runner_env_var(t)).is_some()
    })?;
    let python_cells = python::plan(&args.python, &plan.workspace.root)?;
    interrupt::install().map_err(|e| anyhow!(e))?;

    let started = SystemTime::now();
    let flags = UserFlags::from_env();
    let mut progress = Progress::new(args.quiet, plan.cells.len());
    // valgrind and the runner are checked (and the runner installed) before
    // any cell is built.
    let instructions = args
        .instructions
        .then(|| crate::runner::instructions::prepare(&plan, args.cache_sim, &mut progress))
        .transpose()
        .map_err(|e| anyhow!(e))?;
    announce(&plan, &settings, &progress);

    let watch_settings = WatchSettings::new(!args.no_retry);
    let machine_check = check_machine(args, &watch_settings, &progress)?;

    let cells_dir = plan.workspace.cells_dir();
    let mut tally = Tally::default();
    for (i, cell) in plan.cells.iter().enumerate() {
        if interrupt::interrupted() {
            tally.interrupted = true;
            break;
        }
        progress.start_cell(i, &cell.to_string());
        let job = CellJob {
            cell,
            crates: &plan.crates,
            workspace_root: &plan.workspace.root,
            cells_dir: &cells_dir,
            settings: &settings,
            filter: filter.as_ref(),
            flags: &flags,
            cargo: "cargo",
        };
        let mut watch = Watch::new(watch_settings, machine_check.clone());
        let ran = job.run_watched(&mut progress, &mut watch);
        let outcome = ran.with_context(|| {
            format!(
                "cell {cell}: running cargo (log: {})",
                job.paths().log.display()
            )
        });
        let (outcome, counted) =
            count_instructions(outcome, instructions.as_ref(), &job, &mut progress);
        let recorded = |m: &Measured| record(&plan, cell, m, args, &flags, counted.as_ref());
        if !tally.settle(cell, outcome, recorded, &progress) && !args.keep_going {
            break;
        }
        if tally.interrupted {
            break;
        }
    }
    progress.finish();
    let python_written = run_python(args, &plan, &python_cells, &mut tally);

    // The report of this invocation's cells.
    let mut report_paths = Vec::new();
    if !tally.written.is_empty() || !python_written.is_empty() {
        let mut runs: Vec<Run> = tally.written.iter().map(|w| w.run.clone()).collect();
        runs.extend(python_written.iter().map(|(_, run)| run.clone()));
        match write_reports(&args.results, &runs, started) {
            Ok(paths) => report_paths = paths,
            Err(e) => tally.failures.push(format!("writing the report: {e:#}")),
        }
    }

    print_summary(
        &tally.written,
        &report_paths,
        &tally.failures,
        &plan,
        progress.elapsed(),
    );
    Ok(tally.exit_code())
}

/// The Python cells (`--python`), unless Ctrl-C or a failed cell without
/// `--keep-going` stopped the run: the run files they wrote.
fn run_python(
    args: &RunArgs,
    plan: &Plan,
    python_cells: &[python::PythonCell],
    tally: &mut Tally,
) -> Vec<(PathBuf, Run)> {
    if tally.interrupted || (!tally.failures.is_empty() && !args.keep_going) {
        Vec::new()
    } else {
        python::run_all(
            python_cells,
            &python::Invocation {
                workspace_root: &plan.workspace.root,
                cells_dir: &plan.workspace.cells_dir(),
                iterations: python::iterations(args.python_iterations, args.quick),
                label: args.label.as_deref(),
                keep_going: args.keep_going,
            },
            &|run: &Run| write_new_run(&args.results, run),
            &mut tally.failures,
        )
    }
}

/// The skipped cells and what is about to run.
fn announce(plan: &Plan, settings: &Settings, progress: &Progress) {
    for s in &plan.skipped {
        let why: Vec<String> = s.problems.iter().map(ToString::to_string).collect();
        progress.println(format!("skipping cell {}: {}", s.cell, why.join("; ")));
    }
    progress.println(format!(
        "{} cell{} x {} crate{} ({}), {settings}; logs in {}",
        plan.cells.len(),
        plural(plan.cells.len()),
        plan.crates.len(),
        plural(plan.crates.len()),
        plan.crates
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        plan.workspace.cells_dir().display()
    ));
}

/// With `--instructions`, a measured cell's instruction counts; a cell
/// whose count failed is a failed cell.
fn count_instructions(
    outcome: anyhow::Result<CellOutcome>,
    pass: Option<&crate::runner::instructions::Pass>,
    job: &CellJob<'_>,
    progress: &mut Progress,
) -> (
    anyhow::Result<CellOutcome>,
    Option<crate::runner::instructions::Counted>,
) {
    let cell = job.cell;
    match (outcome, pass) {
        (Ok(CellOutcome::Measured(m)), Some(pass)) => match pass.run(job, progress) {
            Ok(Ok(c)) => (Ok(CellOutcome::Measured(m)), Some(c)),
            Ok(Err(f)) => (Ok(CellOutcome::Failed(f)), None),
            Err(e) => (
                Err(anyhow!(e).context(format!("cell {cell}: counting instructions"))),
                None,
            ),
        },
        (other, _) => (other, None),
    }
}

/// What the cells left: the written ones, the failures, and whether Ctrl-C
/// stopped them.
#[derive(Default)]
struct Tally {
    written: Vec<Written>,
    failures: Vec<String>,
    interrupted: bool,
}

impl Tally {
    /// Records one cell's outcome (writing its run file through `record`);
    /// false when the cell failed.
    fn settle(
        &mut self,
        cell: &CellSpec,
        outcome: anyhow::Result<CellOutcome>,
        record: impl FnOnce(&Measured) -> anyhow::Result<Recorded>,
        progress: &Progress,
    ) -> bool {
        let failure = match outcome {
            Ok(CellOutcome::Measured(m)) => match record(&m) {
                Ok(Recorded {
                    path,
                    run,
                    warnings,
                    notes,
                }) => {
                    for w in warnings {
                        progress.println(format!("  warning: {w}"));
                    }
                    for n in notes {
                        progress.println(format!("  {n}"));
                    }
                    progress.println(format!(
                        "  wrote {} ({} benchmarks, measuring took {})",
                        path.display(),
                        run.benchmarks.len(),
                        human_duration(m.usage.wall)
                    ));
                    self.written.push(Written {
                        cell: cell.clone(),
                        path,
                        run,
                        build_time: m.build_time,
                    });
                    return true;
                }
                Err(e) => {
                    let msg = format!("cell {cell}: {e:#}");
                    progress.println(&msg);
                    msg
                }
            },
            Ok(CellOutcome::Failed(f)) => {
                progress.println(failure_message(cell, &f));
                format!("cell {cell}: {} failed ({})", f.step, f.status)
            }
            Ok(CellOutcome::Interrupted(paths)) => {
                progress.println(format!(
                    "interrupted: cell {cell} is not written (its partial criterion data stays in {})",
                    paths.criterion_dir.display()
                ));
                self.interrupted = true;
                return true;
            }
            Err(e) => {
                let msg = format!("{e:#}");
                progress.println(&msg);
                msg
            }
        };
        self.failures.push(failure);
        false
    }

    fn exit_code(&self) -> ExitCode {
        if self.interrupted {
            ExitCode::from(130)
        } else if self.failures.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// The machine check before the first cell (Linux: `/proc`), with
/// `--wait-idle`; warns when the machine is busy.
fn check_machine(
    args: &RunArgs,
    settings: &WatchSettings,
    progress: &Progress,
) -> anyhow::Result<Option<MachineCheck>> {
    let wait = match args.wait_idle {
        Some(s) if !(s.is_finite() && s >= 0.0) => {
            anyhow::bail!("--wait-idle {s}: expected a number of seconds (0 or more)")
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    if !settings.sample {
        return Ok(None);
    }
    let check = sampling::check_machine(Duration::from_secs(1), wait, settings.fraction);
    progress.println(sampling::describe(&check));
    if check.busy {
        progress.println(format!(
            "  warning: the machine is busy{}: benchmarks measured now may be disturbed \
             (they are marked; --wait-idle SECS waits for it to calm down)",
            if check.waited_seconds > 0.0 {
                " after --wait-idle"
            } else {
                ""
            }
        ));
    }
    Ok(Some(check))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn failure_message(cell: &CellSpec, f: &Failure) -> String {
    let mut msg = format!("cell {cell}: {} failed ({})", f.step, f.status);
    if !f.command.is_empty() {
        msg.push_str(&format!("\n  command: {}", f.command));
    }
    if !f.tail.is_empty() {
        msg.push_str(&format!(
            "\n  last {} lines of its output (all of it in {}):",
            f.tail.len(),
            f.paths.log.display()
        ));
        for line in &f.tail {
            msg.push_str("\n  | ");
            msg.push_str(line);
        }
    }
    msg
}

/// Ingests a finished cell, keeps only the benchmarks this invocation
/// measured, adds its resources and writes the run file.
/// A cell's run file as written, with what to tell about it: warnings
/// (something is missing or wrong) and plain notes.
struct Recorded {
    path: PathBuf,
    run: Run,
    warnings: Vec<String>,
    notes: Vec<String>,
}

fn record(
    plan: &Plan,
    cell: &CellSpec,
    m: &Measured,
    args: &RunArgs,
    flags: &UserFlags,
    counted: Option<&crate::runner::instructions::Counted>,
) -> anyhow::Result<Recorded> {
    let mut context = context::detect(&ContextInputs {
        workspace_root: plan.workspace.root.clone(),
        rustup_toolchain: plan.rustup.then(|| cell.toolchain.rustup_name().to_owned()),
        target: Some(cell.triple.clone()),
        target_cpu: cell.target_cpu.clone(),
        rustflags: flags.effective(cell),
        profile: "bench".to_owned(),
    });
    context.machine_check = m.machine_check.as_deref().cloned();
    let ingested = ingest::ingest(
        &m.paths.criterion_dir,
        &IngestOptions {
            baseline: None,
            label: Some(cell.label(args.label.as_deref())),
            context: Some(context),
        },
    )
    .with_context(|| format!("ingesting {}", m.paths.criterion_dir.display()))?;
    let mut warnings = ingested.warnings;
    let mut notes = Vec::new();
    let mut run = ingested.run;
    // The criterion directory keeps benchmarks of earlier invocations (other
    // filters, other crates): keep those whose data this one wrote.
    let before = run.benchmarks.len();
    run.benchmarks.retain(|b| {
        crate::criterion::written_since(
            &m.paths.criterion_dir.join(&b.directory),
            m.measuring_started,
        )
    });
    if run.benchmarks.is_empty() {
        anyhow::bail!(
            "criterion wrote no results under {} during this run",
            m.paths.criterion_dir.display()
        );
    }
    if run.benchmarks.len() != m.finished_ids.len() {
        warnings.push(format!(
            "criterion reported {} finished benchmarks but {} were found in {} \
             ({} older ones left out)",
            m.finished_ids.len(),
            run.benchmarks.len(),
            m.paths.criterion_dir.display(),
            before - run.benchmarks.len()
        ));
    }
    for b in &mut run.benchmarks {
        b.interference = m.interference.get(&b.id.full_id()).cloned();
    }
    if let Some(c) = counted {
        let attached = crate::gungraun::add_to_run(&mut run, &c.dir, Some(c.started))
            .map_err(|e| anyhow!(e))?;
        warnings.extend(attached.warnings);
        let filter = args
            .filter
            .as_deref()
            .and_then(|f| regex::Regex::new(f).ok());
        for (id, source) in &attached.unmatched {
            if filter.as_ref().is_none_or(|f| f.is_match(id)) {
                warnings.push(crate::gungraun::unmatched_warning(id, source));
            }
        }
        notes.push(format!(
            "instruction counts for {} benchmarks ({} under valgrind)",
            attached.attached,
            human_duration(c.wall)
        ));
    }
    run.resources = Some(Resources {
        wall_seconds: Some(m.usage.wall.as_secs_f64()),
        cpu_seconds: m.usage.cpu.map(|d| d.as_secs_f64()),
        peak_memory_bytes: m.usage.peak_memory_bytes,
    });
    let path = write_new_run(&args.results, &run)?;
    Ok(Recorded {
        path,
        run,
        warnings,
        notes,
    })
}

/// Writes the run to its default path, or `-2`, `-3`… beside it when that
/// file exists: another run's results are never replaced.
pub(crate) fn write_new_run(results: &Path, run: &Run) -> anyhow::Result<PathBuf> {
    let path = store::default_run_path(results, run);
    let written = store::write_run_to(&Output::File(path), run, Policy::NumberedSibling)?;
    Ok(written.expect("a file output writes a file"))
}

/// `results/report-<time>.md` and `.html` for the runs of this invocation.
fn write_reports(
    results: &Path,
    runs: &[Run],
    started: SystemTime,
) -> anyhow::Result<Vec<PathBuf>> {
    let specs = tables::builtin_specs();
    let markdown =
        render::markdown::render(runs, &specs).context("rendering the markdown report")?;
    let page = html::render(
        runs,
        &html::HtmlOptions {
            reference: None,
            specs,
        },
    )
    .context("rendering the HTML report")?;
    let stamp = utc_stamp(started);
    let html_path = write_new_file(
        &results.join(format!("report-{stamp}.html")),
        Kind::Html,
        &page,
    )?;
    let md_path = write_new_file(
        &results.join(format!("report-{stamp}.md")),
        Kind::Markdown,
        &markdown,
    )?;
    Ok(vec![html_path, md_path])
}

/// Creates `path`, or a numbered sibling when it exists (`output`).
fn write_new_file(path: &Path, kind: Kind, text: &str) -> anyhow::Result<PathBuf> {
    let written = output::write(
        &Output::File(path.to_owned()),
        kind,
        Policy::NumberedSibling,
        text,
    )?;
    Ok(written.expect("a file output writes a file"))
}

fn print_summary(
    written: &[Written],
    reports: &[PathBuf],
    failures: &[String],
    plan: &Plan,
    elapsed: Duration,
) {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} of {} cell{} finished in {}{}",
        written.len(),
        plan.cells.len() + plan.skipped.len(),
        plural(plan.cells.len() + plan.skipped.len()),
        human_duration(elapsed),
        if plan.skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} skipped as unavailable)", plan.skipped.len())
        }
    );
    for w in written {
        let r = w.run.resources.clone().unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}: {} benchmarks; build {}, measuring {} wall, {} CPU, peak {} -> {}",
            w.cell,
            w.run.benchmarks.len(),
            human_duration(w.build_time),
            r.wall_seconds.map_or("unknown".into(), |s| human_duration(
                Duration::from_secs_f64(s)
            )),
            r.cpu_seconds.map_or("unknown".into(), |s| human_duration(
                Duration::from_secs_f64(s)
            )),
            r.peak_memory_bytes
                .map_or("unknown".into(), |b| crate::format::bytes(b as f64)),
            w.path.display()
        );
        let interference = RunSummary::of(&w.run.benchmarks);
        if interference.sampled > 0 {
            let _ = writeln!(out, "    {}", interference.sentence());
            for id in interference.disturbed.iter().take(10) {
                let _ = writeln!(out, "      disturbed: {id}");
            }
            if interference.disturbed.len() > 10 {
                let _ = writeln!(
                    out,
                    "      … and {} more",
                    interference.disturbed.len() - 10
                );
            }
        }
    }
    for f in failures {
        let _ = writeln!(out, "  FAILED {}", f.lines().next().unwrap_or(f));
    }
    if !reports.is_empty() {
        let _ = writeln!(out, "report:");
        for p in reports {
            let _ = writeln!(out, "  {}", p.display());
        }
    }
    // Through the writer, which neutralises ids and labels for the terminal;
    // a closed stdout is not worth failing the run over.
    let _ = output::write(&Output::Stdout, Kind::Text, Policy::ReplaceOwn, &out);
}
