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

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context, anyhow};

use crate::cli::RunArgs;
use crate::context::{self, ContextInputs};
use crate::ingest::{self, IngestOptions};
use crate::model::{Resources, Run};
use crate::runner::cell::{CellSpec, UserFlags};
use crate::runner::execute::{CellJob, CellOutcome, Failure, Measured};
use crate::runner::plan::{self, Plan, Request};
use crate::runner::progress::{Progress, human_duration};
use crate::runner::settings::{Filter, Settings};
use crate::runner::tools::{SystemTools, runner_env_var};
use crate::runner::{interrupt, utc_stamp};
use crate::store::{self, StoreError};
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
    interrupt::install().map_err(|e| anyhow!(e))?;

    let started = SystemTime::now();
    let flags = UserFlags::from_env();
    let mut progress = Progress::new(args.quiet, plan.cells.len());
    // valgrind and the runner are checked (and the runner installed) before
    // any cell is built.
    let instructions = args
        .instructions
        .then(|| crate::runner::instructions::prepare(&plan, &mut progress))
        .transpose()
        .map_err(|e| anyhow!(e))?;
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

    let cells_dir = plan.workspace.cells_dir();
    let mut written: Vec<Written> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut interrupted = false;
    for (i, cell) in plan.cells.iter().enumerate() {
        if interrupt::interrupted() {
            interrupted = true;
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
        let outcome = job.run(&mut progress).with_context(|| {
            format!(
                "cell {cell}: running cargo (log: {})",
                job.paths().log.display()
            )
        });
        let mut counted = None;
        let outcome = match (outcome, &instructions) {
            (Ok(CellOutcome::Measured(m)), Some(pass)) => match pass.run(&job, &mut progress) {
                Ok(Ok(c)) => {
                    counted = Some(c);
                    Ok(CellOutcome::Measured(m))
                }
                Ok(Err(f)) => Ok(CellOutcome::Failed(f)),
                Err(e) => Err(anyhow!(e).context(format!("cell {cell}: counting instructions"))),
            },
            (other, _) => other,
        };
        match outcome {
            Ok(CellOutcome::Measured(m)) => {
                match record(&plan, cell, &m, args, &flags, counted.as_ref()) {
                    Ok((path, run, warnings)) => {
                        for w in warnings {
                            progress.println(format!("  warning: {w}"));
                        }
                        progress.println(format!(
                            "  wrote {} ({} benchmarks, measuring took {})",
                            path.display(),
                            run.benchmarks.len(),
                            human_duration(m.usage.wall)
                        ));
                        written.push(Written {
                            cell: cell.clone(),
                            path,
                            run,
                            build_time: m.build_time,
                        });
                    }
                    Err(e) => {
                        let msg = format!("cell {cell}: {e:#}");
                        progress.println(&msg);
                        failures.push(msg);
                        if !args.keep_going {
                            break;
                        }
                    }
                }
            }
            Ok(CellOutcome::Failed(f)) => {
                let msg = failure_message(cell, &f);
                progress.println(&msg);
                failures.push(format!("cell {cell}: {} failed ({})", f.step, f.status));
                if !args.keep_going {
                    break;
                }
            }
            Ok(CellOutcome::Interrupted(paths)) => {
                progress.println(format!(
                    "interrupted: cell {cell} is not written (its partial criterion data stays in {})",
                    paths.criterion_dir.display()
                ));
                interrupted = true;
                break;
            }
            Err(e) => {
                let msg = format!("{e:#}");
                progress.println(&msg);
                failures.push(msg);
                if !args.keep_going {
                    break;
                }
            }
        }
    }
    progress.finish();

    // The report of this invocation's cells.
    let mut report_paths = Vec::new();
    if !written.is_empty() {
        let runs: Vec<Run> = written.iter().map(|w| w.run.clone()).collect();
        match write_reports(&args.results, &runs, started) {
            Ok(paths) => report_paths = paths,
            Err(e) => failures.push(format!("writing the report: {e:#}")),
        }
    }

    print_summary(
        &written,
        &report_paths,
        &failures,
        &plan,
        progress.elapsed(),
    );
    Ok(if interrupted {
        ExitCode::from(130)
    } else if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
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
fn record(
    plan: &Plan,
    cell: &CellSpec,
    m: &Measured,
    args: &RunArgs,
    flags: &UserFlags,
    counted: Option<&crate::runner::instructions::Counted>,
) -> anyhow::Result<(PathBuf, Run, Vec<String>)> {
    let context = context::detect(&ContextInputs {
        workspace_root: plan.workspace.root.clone(),
        rustup_toolchain: plan.rustup.then(|| cell.toolchain.rustup_name().to_owned()),
        target: Some(cell.triple.clone()),
        target_cpu: cell.target_cpu.clone(),
        rustflags: flags.effective(cell),
        profile: "bench".to_owned(),
    });
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
    let mut run = ingested.run;
    // The criterion directory keeps benchmarks of earlier invocations (other
    // filters, other crates): keep those whose data this one wrote.
    let before = run.benchmarks.len();
    run.benchmarks.retain(|b| {
        written_since(
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
        warnings.push(format!(
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
    Ok((path, run, warnings))
}

/// Whether criterion wrote this benchmark's `new/` data at or after `since`.
fn written_since(bench_dir: &Path, since: SystemTime) -> bool {
    ["estimates.json", "sample.json", "benchmark.json"]
        .iter()
        .filter_map(|f| fs::metadata(bench_dir.join("new").join(f)).ok())
        .filter_map(|meta| meta.modified().ok())
        .any(|t| t >= since)
}

/// Writes the run to its default path, or `-2`, `-3`… beside it when that
/// file exists: another run's results are never replaced.
fn write_new_run(results: &Path, run: &Run) -> anyhow::Result<PathBuf> {
    let first = store::default_run_path(results, run);
    for n in 1..100 {
        let path = if n == 1 {
            first.clone()
        } else {
            with_suffix(&first, n)
        };
        match store::write_run(&path, run, false) {
            Ok(()) => return Ok(path),
            Err(StoreError::Exists { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!("{} and 98 numbered siblings already exist", first.display())
}

fn with_suffix(path: &Path, n: usize) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("run");
    let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("json");
    path.with_file_name(format!("{stem}-{n}.{ext}"))
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
        page.as_bytes(),
    )?;
    let md_path = write_new_file(
        &results.join(format!("report-{stamp}.md")),
        markdown.as_bytes(),
    )?;
    Ok(vec![html_path, md_path])
}

/// Atomically creates `path` (temporary file + hard link, which fails
/// rather than replacing), or a numbered sibling when it exists.
fn write_new_file(path: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".tmp-report-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("writing {}", tmp.display()))?;
        for n in 1..100 {
            let candidate = if n == 1 {
                path.to_owned()
            } else {
                with_suffix(path, n)
            };
            match fs::hard_link(&tmp, &candidate) {
                Ok(()) => return Ok(candidate),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(_) if !candidate.exists() => {
                    fs::rename(&tmp, &candidate)
                        .with_context(|| format!("writing {}", candidate.display()))?;
                    return Ok(candidate);
                }
                Err(e) => {
                    return Err(e).with_context(|| format!("writing {}", candidate.display()));
                }
            }
        }
        anyhow::bail!("{} and 98 numbered siblings already exist", path.display())
    })();
    let _ = fs::remove_file(&tmp);
    result
}

fn print_summary(
    written: &[Written],
    reports: &[PathBuf],
    failures: &[String],
    plan: &Plan,
    elapsed: Duration,
) {
    let mut out = std::io::stdout().lock();
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
            r.peak_memory_bytes.map_or("unknown".into(), |b| format!(
                "{:.0} MiB",
                b as f64 / 1_048_576.0
            )),
            w.path.display()
        );
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
}
