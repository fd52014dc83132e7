//! `report compare <BASE> [<CANDIDATE>]`: builds both sides once, pairs
//! their benchmarks by id, measures them in interleaved A B B A rounds
//! (`compare::rounds`), prints the paired verdict as text, markdown or JSON
//! and writes each side's run file to `--results`.
//!
//! Sides are git revisions (each checked out in a temporary worktree that
//! is removed again; the candidate defaults to the working tree), folders
//! holding a checkout, or with two `--toolchain` / `--target-cpu` values
//! two cells of one source. Exit status: 0, or 1 with
//! `--fail-on-regression` and a regression; 2 on bad input or a failed
//! build; 130 on Ctrl-C (no run file is written then).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, anyhow, bail};

use super::export::write_output;
use super::run::write_new_run;
use crate::cli::{CompareArgs, DiffFormat};
use crate::compare::measure::{self, ProcessMeasurer, SideExec};
use crate::compare::paired::PairedOptions;
use crate::compare::rounds::{self, MeasureError, Measurer, Schedule, Series, Stop};
use crate::compare::worktree::{self, Scratch, Worktree};
use crate::compare::{self, CompareReport, RoundsSummary, SideRef, render};
use crate::context::{self, ContextInputs};
use crate::criterion::written_since;
use crate::diff::{Class, Side};
use crate::ingest::{self, IngestOptions};
use crate::model::{Resources, Run};
use crate::runner::cell::{CellSpec, UserFlags};
use crate::runner::execute::CellJob;
use crate::runner::interrupt;
use crate::runner::plan::{self, Request, Workspace};
use crate::runner::progress::human_duration;
use crate::runner::settings::{Filter, Settings};
use crate::runner::tools::{SystemTools, Tools, runner_env_var};

/// Where one side's source comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    WorkingTree,
    Revision(String),
    Folder(PathBuf),
}

impl Source {
    /// A folder holding a `Cargo.toml` is a checkout; anything else a revision.
    pub fn parse(arg: &str) -> Self {
        let p = Path::new(arg);
        if p.join("Cargo.toml").is_file() {
            Self::Folder(p.to_owned())
        } else {
            Self::Revision(arg.to_owned())
        }
    }
}

/// `90`, `90s`, `10m`, `1h30m`, `2.5m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("--budget '{text}': expected a duration such as 90s, 10m or 1h30m");
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = t.parse::<f64>() {
        return (secs.is_finite() && secs > 0.0)
            .then(|| Duration::from_secs_f64(secs))
            .ok_or_else(bad);
    }
    let mut total = 0.0;
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return Err(bad()),
        };
        let n: f64 = number.parse().map_err(|_| bad())?;
        total += n * unit;
        number.clear();
    }
    if !(number.is_empty() && total.is_finite() && total > 0.0) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

/// One side, planned.
struct SidePlan {
    side: Side,
    source: Source,
    cell: CellSpec,
    /// Workspace root of this side (a worktree's, for a revision).
    root: PathBuf,
    commit: Option<String>,
}

pub fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let options = PairedOptions::with_threshold_pct(args.threshold)
        .map_err(|e| anyhow!("--threshold: {e}"))?;
    let budget = parse_duration(&args.budget).map_err(|e| anyhow!(e))?;
    let filter = args.filter.as_deref().map(Filter::new).transpose()?;
    for (name, v) in [
        ("--warm-up-time", args.warm_up_time),
        ("--measurement-time", args.measurement_time),
    ] {
        if !(v.is_finite() && v > 0.0) {
            bail!("{name} {v}: expected a positive number of seconds");
        }
    }
    if args.max_rounds < args.min_rounds || args.min_rounds < compare::paired::MIN_TESTED_ROUNDS {
        bail!(
            "--min-rounds {} / --max-rounds {}: need {} <= min <= max",
            args.min_rounds,
            args.max_rounds,
            compare::paired::MIN_TESTED_ROUNDS
        );
    }
    let pair_mode = args.toolchain.len() == 2 || args.target_cpu.len() == 2;
    if args.toolchain.len() > 2 || args.target_cpu.len() > 2 {
        bail!(
            "--toolchain and --target-cpu take one value (both sides) or two (baseline,candidate)"
        );
    }
    if args.toolchain.len() == 2 && args.target_cpu.len() == 2 {
        bail!("give two values to --toolchain or to --target-cpu, not to both");
    }
    if pair_mode && args.candidate.is_some() {
        bail!(
            "with two --toolchain or --target-cpu values both sides build one source; \
             give at most one revision"
        );
    }
    if !pair_mode && args.base.is_none() {
        bail!(
            "name the baseline: `report compare <BASE> [<CANDIDATE>]` (git revisions), \
             or give two --toolchain or --target-cpu values"
        );
    }

    let cwd = std::env::current_dir().context("reading the current directory")?;
    let tools = SystemTools { cwd: cwd.clone() };
    let request = Request {
        toolchains: args.toolchain.clone(),
        target_cpus: args.target_cpu.clone(),
        targets: Vec::new(),
        packages: args.packages.clone(),
        keep_going: false,
    };
    let plan = plan::plan(&tools, &request, &|t| {
        std::env::var_os(runner_env_var(t)).is_some()
    })?;
    interrupt::install().map_err(|e| anyhow!(e))?;
    let say = |line: String| {
        if !args.quiet {
            eprintln!("{line}");
        }
    };

    // Sources and cells of the two sides.
    let (sources, cells) = if pair_mode {
        let source = args
            .base
            .as_deref()
            .map_or(Source::WorkingTree, Source::parse);
        let [a, b] = <[CellSpec; 2]>::try_from(plan.cells.clone())
            .map_err(|c| anyhow!("expected two cells, the plan has {}", c.len()))?;
        ([source.clone(), source], [a, b])
    } else {
        let base = Source::parse(args.base.as_deref().unwrap_or_default());
        let cand = args
            .candidate
            .as_deref()
            .map_or(Source::WorkingTree, Source::parse);
        let cell = plan.cells[0].clone();
        ([base, cand], [cell.clone(), cell])
    };

    // Worktrees: declared before the sides so they are dropped (removed)
    // after everything that reads them, on every way out of this function.
    let scratch = Scratch::new()?;
    let mut worktrees: Vec<Worktree> = Vec::new();
    let mut sides: Vec<SidePlan> = Vec::new();
    for ((side, source), cell) in [Side::Baseline, Side::Candidate]
        .into_iter()
        .zip(sources)
        .zip(cells)
    {
        let (root, commit) = match &source {
            Source::WorkingTree => (plan.workspace.root.clone(), None),
            Source::Folder(p) => (
                p.canonicalize()
                    .with_context(|| format!("{side}: {}", p.display()))?,
                None,
            ),
            Source::Revision(rev) => {
                let top = worktree::toplevel(&plan.workspace.root)?;
                let commit = worktree::resolve(&top, rev)?;
                let rel = plan
                    .workspace
                    .root
                    .strip_prefix(&top)
                    .unwrap_or(Path::new(""))
                    .to_owned();
                let existing = worktrees.iter().find(|w| w.commit == commit);
                let path = match existing {
                    Some(w) => w.path.clone(),
                    None => {
                        // Same-length names: the two checkouts' paths (which
                        // end up in the binaries) differ only in bytes.
                        let name = if side == Side::Baseline {
                            "base"
                        } else {
                            "cand"
                        };
                        let w = Worktree::add(&top, &commit, &scratch.path.join(name))?;
                        say(format!(
                            "{side}: {rev} ({}) checked out in {}",
                            &commit[..commit.len().min(12)],
                            w.path.display()
                        ));
                        let p = w.path.clone();
                        worktrees.push(w);
                        p
                    }
                };
                (path.join(rel), Some(commit))
            }
        };
        sides.push(SidePlan {
            side,
            source,
            cell,
            root,
            commit,
        });
    }

    let result = measure_sides(
        args,
        &plan.workspace,
        plan.rustup,
        &sides,
        &options,
        budget,
        filter.as_ref(),
        &say,
    );
    drop(worktrees);
    drop(scratch);
    let (report, regressions) = match result {
        Ok(r) => r,
        Err(e) if is_interrupt(&e) => {
            eprintln!("interrupted: no run file written, worktrees removed");
            return Ok(ExitCode::from(130));
        }
        Err(e) => return Err(e),
    };
    let output = match args.format {
        DiffFormat::Text => render::text(&report),
        DiffFormat::Markdown => render::markdown(&report),
        DiffFormat::Json => render::json(&report),
    };
    write_output(args.output.as_deref(), output.as_bytes())?;
    if args.fail_on_regression && regressions > 0 {
        eprintln!(
            "{regressions} significant regression{} beyond {}%",
            if regressions == 1 { "" } else { "s" },
            args.threshold
        );
        for e in report.regressions() {
            eprintln!(
                "  {}: {:+.1}% [{:+.1}% to {:+.1}%] after {} rounds, p (Holm) {:.2e}",
                e.id,
                e.change.unwrap_or(f64::NAN) * 100.0,
                e.change_lower.unwrap_or(f64::NAN) * 100.0,
                e.change_upper.unwrap_or(f64::NAN) * 100.0,
                e.rounds,
                e.p_adjusted.unwrap_or(f64::NAN)
            );
        }
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn is_interrupt(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<MeasureError>(),
            Some(MeasureError::Interrupted)
        )
    }) || interrupt::interrupted()
}

fn source_text(s: &SidePlan) -> String {
    match (&s.source, &s.commit) {
        (Source::WorkingTree, _) => "working tree".to_owned(),
        (Source::Folder(p), _) => p.display().to_string(),
        (Source::Revision(rev), Some(c)) => format!("{rev} = {}", &c[..c.len().min(12)]),
        (Source::Revision(rev), None) => rev.clone(),
    }
}

fn label_of(s: &SidePlan, prefix: Option<&str>) -> String {
    let what = match (&s.source, &s.commit) {
        (Source::Revision(_), Some(c)) => format!("{} {}", s.side, &c[..c.len().min(9)]),
        (Source::Folder(p), _) => format!(
            "{} {}",
            s.side,
            p.file_name()
                .map_or("folder".into(), |n| n.to_string_lossy())
        ),
        _ => s.side.to_string(),
    };
    let prefix = match prefix.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => format!("{p} {what}"),
        None => what,
    };
    s.cell.label(Some(&prefix))
}

#[allow(clippy::too_many_arguments)]
fn measure_sides(
    args: &CompareArgs,
    workspace: &Workspace,
    rustup: bool,
    sides: &[SidePlan],
    options: &PairedOptions,
    budget: Duration,
    filter: Option<&Filter>,
    say: &dyn Fn(String),
) -> anyhow::Result<(CompareReport, usize)> {
    let flags = UserFlags::from_env();
    let settings = Settings::FirstRun;
    let compare_dir = workspace.target_dir.join("report-compare");

    // 1. Build each side once, in its own target folder.
    let build_started = Instant::now();
    let mut execs: Vec<SideExec> = Vec::new();
    let mut lists: Vec<Vec<Vec<String>>> = Vec::new();
    for s in sides {
        let tools = SystemTools {
            cwd: s.root.clone(),
        };
        let metadata =
            tools.output("cargo", &["metadata", "--no-deps", "--format-version", "1"])?;
        let ws = Workspace::from_metadata(&metadata)
            .with_context(|| format!("{}: cargo metadata in {}", s.side, s.root.display()))?;
        let crates = ws
            .select(&args.packages)
            .with_context(|| format!("{} ({})", s.side, source_text(s)))?;
        let cells_dir = compare_dir.join(s.side.to_string());
        let job = CellJob {
            cell: &s.cell,
            crates: &crates,
            workspace_root: &s.root,
            cells_dir: &cells_dir,
            settings: &settings,
            filter: None,
            flags: &flags,
            cargo: "cargo",
        };
        say(format!(
            "{}: building {} ({}) in {}",
            s.side,
            source_text(s),
            s.cell,
            job.paths().target_dir.display()
        ));
        let mut exec = measure::build(s.side, &job)?;
        let listed = measure::list(&mut exec, filter.map(Filter::as_arg))?;
        exec.units
            .iter()
            .zip(&listed)
            .for_each(|(u, l)| say(format!("  {} {}: {} benchmarks", u.krate, u.bench, l.len())));
        execs.push(exec);
        lists.push(listed);
    }
    let build_seconds = build_started.elapsed().as_secs_f64();

    // 2. Pair units by (crate, bench target) and ids within them.
    let key = |u: &measure::Unit| (u.krate.clone(), u.bench.clone());
    let mut units: Vec<[usize; 2]> = Vec::new();
    let mut unit_ids: Vec<Vec<String>> = Vec::new();
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for (bi, bu) in execs[0].units.iter().enumerate() {
        let base_ids = &lists[0][bi];
        match execs[1].units.iter().position(|cu| key(cu) == key(bu)) {
            Some(ci) => {
                let cand_ids: BTreeSet<&String> = lists[1][ci].iter().collect();
                let base_set: BTreeSet<&String> = base_ids.iter().collect();
                let common: Vec<String> = base_ids
                    .iter()
                    .filter(|id| cand_ids.contains(id))
                    .cloned()
                    .collect();
                removed.extend(base_ids.iter().filter(|id| !cand_ids.contains(id)).cloned());
                added.extend(
                    lists[1][ci]
                        .iter()
                        .filter(|id| !base_set.contains(id))
                        .cloned(),
                );
                units.push([bi, ci]);
                unit_ids.push(common);
            }
            None => removed.extend(base_ids.iter().cloned()),
        }
    }
    for (ci, cu) in execs[1].units.iter().enumerate() {
        if !execs[0].units.iter().any(|bu| key(bu) == key(cu)) {
            added.extend(lists[1][ci].iter().cloned());
        }
    }
    let paired_count: usize = unit_ids.iter().map(Vec::len).sum();
    if paired_count == 0 {
        bail!(
            "the two sides share no benchmark{} ({} only in the baseline, {} only in the candidate)",
            filter.map_or(String::new(), |f| format!(
                " matching --filter '{}'",
                f.as_arg()
            )),
            removed.len(),
            added.len()
        );
    }
    let batches = rounds::batches(&unit_ids, args.batch_size);
    say(format!(
        "{paired_count} benchmarks paired ({} added, {} removed) in {} batches; measuring for at most {}",
        added.len(),
        removed.len(),
        batches.len(),
        human_duration(budget)
    ));

    // 3. Rounds.
    let criterion_args = vec![
        "--warm-up-time".to_owned(),
        args.warm_up_time.to_string(),
        "--measurement-time".to_owned(),
        args.measurement_time.to_string(),
        "--nresamples".to_owned(),
        "1000".to_owned(),
    ];
    let measuring_started = SystemTime::now();
    let [base_exec, cand_exec] =
        <[SideExec; 2]>::try_from(execs).map_err(|_| anyhow!("expected two sides"))?;
    let mut measurer = ProcessMeasurer::new([base_exec, cand_exec], units, criterion_args.clone());
    let schedule = Schedule {
        min_rounds: args.min_rounds,
        max_rounds: args.max_rounds,
        budget,
    };
    let mut pass = 0usize;
    let started = Instant::now();
    let outcome = rounds::run(
        &batches,
        &schedule,
        &mut measurer,
        &mut |series: &Series| {
            pass += 1;
            let open: BTreeSet<String> = compare::verdicts(series, options)
                .into_iter()
                .filter(|(_, v)| v.class == Class::Noisy)
                .map(|(id, _)| id)
                .collect();
            say(format!(
                "  after {} rounds ({}): {} of {paired_count} benchmarks still undecided",
                schedule.min_rounds + pass - 1,
                human_duration(started.elapsed()),
                open.len()
            ));
            open
        },
    )
    .map_err(anyhow::Error::from)?;
    let measuring_seconds = measurer.elapsed().as_secs_f64();

    // 4. Run files of both sides (the last round of each benchmark).
    let paired_ids: BTreeSet<&String> = outcome.series.keys().collect();
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    let mut refs: Vec<SideRef> = Vec::new();
    for (s, exec) in sides.iter().zip(&measurer.sides) {
        let label = label_of(s, args.label.as_deref());
        let context = context::detect(&ContextInputs {
            workspace_root: s.root.clone(),
            rustup_toolchain: rustup.then(|| s.cell.toolchain.rustup_name().to_owned()),
            target: Some(s.cell.triple.clone()),
            target_cpu: s.cell.target_cpu.clone(),
            rustflags: flags.effective(&s.cell),
            profile: "bench".to_owned(),
        });
        let ingested = ingest::ingest(
            &exec.paths.criterion_dir,
            &IngestOptions {
                baseline: None,
                label: Some(label.clone()),
                context: Some(context),
            },
        )
        .with_context(|| {
            format!(
                "{}: ingesting {}",
                s.side,
                exec.paths.criterion_dir.display()
            )
        })?;
        let mut run: Run = ingested.run;
        run.benchmarks.retain(|b| {
            paired_ids.contains(&b.id.full_id())
                && written_since(
                    &exec.paths.criterion_dir.join(&b.directory),
                    measuring_started,
                )
        });
        for b in &run.benchmarks {
            groups.insert(b.id.full_id(), b.id.group.clone());
        }
        run.resources = Some(Resources {
            wall_seconds: Some(exec.usage.wall.as_secs_f64()),
            cpu_seconds: exec.usage.cpu.map(|d| d.as_secs_f64()),
            peak_memory_bytes: exec.usage.peak_memory_bytes,
        });
        let run_file = if run.benchmarks.is_empty() {
            None
        } else {
            let path = write_new_run(&args.results, &run)?;
            say(format!("{}: wrote {}", s.side, path.display()));
            Some(path.display().to_string())
        };
        refs.push(SideRef {
            label,
            source: source_text(s),
            cell: s.cell.to_string(),
            run_file,
        });
    }

    // 5. The verdict.
    let analysis = compare::analyse(&outcome.series, &added, &removed, &groups, options);
    let [baseline, candidate] =
        <[SideRef; 2]>::try_from(refs).map_err(|_| anyhow!("expected two sides"))?;
    let report = CompareReport {
        schema: compare::COMPARE_SCHEMA,
        method: "paired-rounds",
        options: options.clone(),
        correction: "holm-bonferroni",
        baseline,
        candidate,
        rounds: RoundsSummary {
            processes: outcome.processes,
            stop: match outcome.stop {
                Stop::Decided => "decided",
                Stop::Budget => "budget",
                Stop::MaxRounds => "max_rounds",
            },
            measuring_seconds,
            budget_seconds: budget.as_secs_f64(),
            build_seconds,
            min_rounds: args.min_rounds,
            max_rounds: args.max_rounds,
            criterion_args,
        },
        entries: analysis.entries,
        groups: analysis.groups,
        geomean_ratio: analysis.geomean_ratio,
        summary: analysis.summary,
    };
    let regressions = report.regressions().count();
    Ok((report, regressions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_durations() {
        let s = |x: f64| Ok(Duration::from_secs_f64(x));
        assert_eq!(parse_duration("90"), s(90.0));
        assert_eq!(parse_duration("90s"), s(90.0));
        assert_eq!(parse_duration("10m"), s(600.0));
        assert_eq!(parse_duration("1h30m"), s(5400.0));
        assert_eq!(parse_duration("2.5m"), s(150.0));
        for bad in ["", "soon", "m", "5x", "0", "-3", "10m5"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
