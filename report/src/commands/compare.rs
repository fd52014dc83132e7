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
use crate::compare::measure::{self, ProcessMeasurer, SideExec, Unit};
use crate::compare::paired::{self, PairedOptions};
use crate::compare::rounds::{self, MeasureError, Measurer, Pending, Schedule, Series, Stop};
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

/// One comparison's checked flags, which every step reads.
struct Compare<'a> {
    args: &'a CompareArgs,
    options: PairedOptions,
    budget: Duration,
    filter: Option<Filter>,
    /// Two `--toolchain` or `--target-cpu` values: one source, two cells.
    pair_mode: bool,
}

impl<'a> Compare<'a> {
    /// Checks the flags before anything is built.
    fn new(args: &'a CompareArgs) -> anyhow::Result<Self> {
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
        if args.max_rounds < args.min_rounds || args.min_rounds < paired::MIN_TESTED_ROUNDS {
            bail!(
                "--min-rounds {} / --max-rounds {}: need {} <= min <= max",
                args.min_rounds,
                args.max_rounds,
                paired::MIN_TESTED_ROUNDS
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
        Ok(Self {
            args,
            options,
            budget,
            filter,
            pair_mode,
        })
    }

    /// A progress line on stderr, unless `--quiet`.
    fn say(&self, line: String) {
        if !self.args.quiet {
            eprintln!("{line}");
        }
    }
}

pub fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let compare = Compare::new(args)?;
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

    // Worktrees: made before the sides so they are dropped (removed) after
    // everything that reads them, on every way out of this function.
    let mut checkouts = Checkouts::new()?;
    let sides = compare.plan_sides(&plan, &mut checkouts)?;
    let result = compare.measure_sides(&plan.workspace, plan.rustup, &sides);
    drop(checkouts);
    let report = match result {
        Ok(r) => r,
        Err(e) if is_interrupt(&e) => {
            eprintln!("interrupted: no run file written, worktrees removed");
            return Ok(ExitCode::from(130));
        }
        Err(e) => return Err(e),
    };
    compare.render(&report)
}

/// The temporary worktrees of the revisions compared: each removed on drop,
/// then the scratch folder that holds them.
struct Checkouts {
    worktrees: Vec<Worktree>,
    scratch: Scratch,
}

impl Checkouts {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            worktrees: Vec::new(),
            scratch: Scratch::new()?,
        })
    }

    /// The worktree of `commit` (made once, shared by both sides when they
    /// name the same commit).
    fn worktree(
        &mut self,
        repo: &Path,
        side: Side,
        rev: &str,
        commit: &str,
        say: &dyn Fn(String),
    ) -> anyhow::Result<PathBuf> {
        if let Some(w) = self.worktrees.iter().find(|w| w.commit == commit) {
            return Ok(w.path.clone());
        }
        // Same-length names: the two checkouts' paths (which end up in the
        // binaries) differ only in bytes.
        let name = if side == Side::Baseline {
            "base"
        } else {
            "cand"
        };
        let w = Worktree::add(repo, commit, &self.scratch.path.join(name))?;
        say(format!(
            "{side}: {rev} ({}) checked out in {}",
            &commit[..commit.len().min(12)],
            w.path.display()
        ));
        let path = w.path.clone();
        self.worktrees.push(w);
        Ok(path)
    }
}

impl Compare<'_> {
    /// The sources and cells of the two sides, each side's workspace root
    /// (a worktree for a revision).
    fn plan_sides(
        &self,
        plan: &plan::Plan,
        checkouts: &mut Checkouts,
    ) -> anyhow::Result<Vec<SidePlan>> {
        let args = self.args;
        let (sources, cells) = if self.pair_mode {
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
        let mut sides = Vec::new();
        for ((side, source), cell) in [Side::Baseline, Side::Candidate]
            .into_iter()
            .zip(sources)
            .zip(cells)
        {
            let root = &plan.workspace.root;
            let (root, commit) = match &source {
                Source::WorkingTree => (root.clone(), None),
                Source::Folder(p) => (
                    p.canonicalize()
                        .with_context(|| format!("{side}: {}", p.display()))?,
                    None,
                ),
                Source::Revision(rev) => {
                    let top = worktree::toplevel(root)?;
                    let commit = worktree::resolve(&top, rev)?;
                    let rel = root.strip_prefix(&top).unwrap_or(Path::new(""));
                    let say = |line| self.say(line);
                    let path = checkouts.worktree(&top, side, rev, &commit, &say)?;
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
        Ok(sides)
    }

    /// Writes the report in `--format`; with `--fail-on-regression`, names
    /// the regressions on stderr and exits with 1.
    fn render(&self, report: &CompareReport) -> anyhow::Result<ExitCode> {
        let args = self.args;
        let output = match args.format {
            DiffFormat::Text => render::text(report),
            DiffFormat::Markdown => render::markdown(report),
            DiffFormat::Json => render::json(report),
        };
        write_output(args.output.as_deref(), output.as_bytes())?;
        let regressions = report.regressions().count();
        if !(args.fail_on_regression && regressions > 0) {
            return Ok(ExitCode::SUCCESS);
        }
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
                e.figures.rounds,
                e.p_adjusted.unwrap_or(f64::NAN)
            );
        }
        Ok(ExitCode::from(1))
    }
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

/// One side built: its bench binaries and the ids each one lists.
struct Built {
    exec: SideExec,
    /// Per unit (bench binary), the ids it lists, in order.
    lists: Vec<Vec<String>>,
}

/// The benchmarks both sides have, by bench target and id.
#[derive(Debug, Default, PartialEq, Eq)]
struct Pairing {
    /// Per paired unit, its index among the baseline's and the candidate's units.
    units: Vec<[usize; 2]>,
    /// Per paired unit, the ids both sides list (in the baseline's order).
    ids: Vec<Vec<String>>,
    /// Ids only the candidate lists.
    added: Vec<String>,
    /// Ids only the baseline lists.
    removed: Vec<String>,
}

impl Pairing {
    fn count(&self) -> usize {
        self.ids.iter().map(Vec::len).sum()
    }
}

/// Pairs the units of two sides by (crate, bench target) and the ids within
/// them; the rest is added (candidate only) or removed (baseline only).
/// Each side is its units and, per unit, the ids it lists.
fn pair_benchmarks(base: (&[Unit], &[Vec<String>]), cand: (&[Unit], &[Vec<String>])) -> Pairing {
    let ((base_units, base_lists), (cand_units, cand_lists)) = (base, cand);
    let key = |u: &Unit| (u.krate.clone(), u.bench.clone());
    let mut pairing = Pairing::default();
    for (bi, bu) in base_units.iter().enumerate() {
        let base_ids = &base_lists[bi];
        let Some(ci) = cand_units.iter().position(|cu| key(cu) == key(bu)) else {
            pairing.removed.extend(base_ids.iter().cloned());
            continue;
        };
        let cand_ids: BTreeSet<&String> = cand_lists[ci].iter().collect();
        let base_set: BTreeSet<&String> = base_ids.iter().collect();
        let (common, gone): (Vec<String>, Vec<String>) = base_ids
            .iter()
            .cloned()
            .partition(|id| cand_ids.contains(id));
        pairing.removed.extend(gone);
        pairing.added.extend(
            cand_lists[ci]
                .iter()
                .filter(|id| !base_set.contains(id))
                .cloned(),
        );
        pairing.units.push([bi, ci]);
        pairing.ids.push(common);
    }
    for (ci, cu) in cand_units.iter().enumerate() {
        if !base_units.iter().any(|bu| key(bu) == key(cu)) {
            pairing.added.extend(cand_lists[ci].iter().cloned());
        }
    }
    pairing
}

/// The rounds measured, and what the report says of them.
struct Measured {
    outcome: rounds::Outcome,
    measurer: ProcessMeasurer,
    criterion_args: Vec<String>,
    /// When the first round started: a result is a round's only if written since.
    started: SystemTime,
    /// Measuring time of the rounds (building and ingesting left out).
    seconds: f64,
}

impl Compare<'_> {
    /// Builds, pairs and measures both sides, writes their run files and
    /// returns the report.
    fn measure_sides(
        &self,
        workspace: &Workspace,
        rustup: bool,
        sides: &[SidePlan],
    ) -> anyhow::Result<CompareReport> {
        let flags = UserFlags::from_env();
        let compare_dir = workspace.target_dir.join("report-compare");
        let build_started = Instant::now();
        let mut built = Vec::new();
        for s in sides {
            built.push(self.build_side(s, &compare_dir, &flags)?);
        }
        let build_seconds = build_started.elapsed().as_secs_f64();
        let [base, cand] =
            <[Built; 2]>::try_from(built).map_err(|_| anyhow!("expected two sides"))?;
        let pairing = self.pairing(&base, &cand)?;
        let measured = self.schedule_rounds(&pairing, [base.exec, cand.exec])?;
        let (refs, groups) = self.write_run_files(sides, &measured, rustup, &flags)?;
        let analysis = compare::analyse(
            &measured.outcome.series,
            &pairing.added,
            &pairing.removed,
            &groups,
            &self.options,
        );
        let [baseline, candidate] =
            <[SideRef; 2]>::try_from(refs).map_err(|_| anyhow!("expected two sides"))?;
        Ok(CompareReport {
            schema: compare::COMPARE_SCHEMA,
            method: "paired-rounds",
            options: self.options.clone(),
            correction: "holm-bonferroni",
            baseline,
            candidate,
            rounds: self.rounds_summary(&measured, build_seconds),
            entries: analysis.entries,
            groups: analysis.groups,
            geomean_ratio: analysis.geomean_ratio,
            summary: analysis.summary,
        })
    }

    /// Builds one side once, in its own target folder, and lists its benchmarks.
    fn build_side(
        &self,
        s: &SidePlan,
        compare_dir: &Path,
        flags: &UserFlags,
    ) -> anyhow::Result<Built> {
        let tools = SystemTools {
            cwd: s.root.clone(),
        };
        let metadata =
            tools.output("cargo", &["metadata", "--no-deps", "--format-version", "1"])?;
        let ws = Workspace::from_metadata(&metadata)
            .with_context(|| format!("{}: cargo metadata in {}", s.side, s.root.display()))?;
        let crates = ws
            .select(&self.args.packages)
            .with_context(|| format!("{} ({})", s.side, source_text(s)))?;
        let cells_dir = compare_dir.join(side_folder(s.side, &s.source, &s.root));
        let job = CellJob {
            cell: &s.cell,
            crates: &crates,
            workspace_root: &s.root,
            cells_dir: &cells_dir,
            settings: &Settings::FirstRun,
            filter: None,
            flags,
            cargo: "cargo",
        };
        self.say(format!(
            "{}: building {} ({}) in {}",
            s.side,
            source_text(s),
            s.cell,
            job.paths().target_dir.display()
        ));
        let mut exec = measure::build(s.side, &job)?;
        let lists = measure::list(&mut exec, self.filter.as_ref().map(Filter::as_arg))?;
        for (u, l) in exec.units.iter().zip(&lists) {
            self.say(format!("  {} {}: {} benchmarks", u.krate, u.bench, l.len()));
        }
        Ok(Built { exec, lists })
    }

    /// The benchmarks both sides have; an error when there are none.
    fn pairing(&self, base: &Built, cand: &Built) -> anyhow::Result<Pairing> {
        let pairing = pair_benchmarks(
            (&base.exec.units, &base.lists),
            (&cand.exec.units, &cand.lists),
        );
        if pairing.count() == 0 {
            bail!(
                "the two sides share no benchmark{} ({} only in the baseline, {} only in the candidate)",
                self.filter.as_ref().map_or(String::new(), |f| format!(
                    " matching --filter '{}'",
                    f.as_arg()
                )),
                pairing.removed.len(),
                pairing.added.len()
            );
        }
        Ok(pairing)
    }

    /// Measures the paired benchmarks in A B B A rounds, `--min-rounds` for
    /// all, then more only for those still undecided, within the budget.
    fn schedule_rounds(&self, pairing: &Pairing, sides: [SideExec; 2]) -> anyhow::Result<Measured> {
        let args = self.args;
        let batches = rounds::batches(&pairing.ids, args.batch_size);
        let paired = pairing.count();
        self.say(format!(
            "{paired} benchmarks paired ({} added, {} removed) in {} batches; measuring for at most {}",
            pairing.added.len(),
            pairing.removed.len(),
            batches.len(),
            human_duration(self.budget)
        ));
        let criterion_args = vec![
            "--warm-up-time".to_owned(),
            args.warm_up_time.to_string(),
            "--measurement-time".to_owned(),
            args.measurement_time.to_string(),
            "--sample-size".to_owned(),
            args.sample_size.to_string(),
            "--nresamples".to_owned(),
            "1000".to_owned(),
        ];
        let started = SystemTime::now();
        let mut measurer =
            ProcessMeasurer::new(sides, pairing.units.clone(), criterion_args.clone());
        let schedule = Schedule {
            min_rounds: args.min_rounds,
            max_rounds: args.max_rounds,
            budget: self.budget,
        };
        let mut pass = 0usize;
        let clock = Instant::now();
        let outcome = rounds::run(
            &batches,
            &schedule,
            &mut measurer,
            &mut |series: &Series, passes_left| {
                pass += 1;
                let open = pending(
                    series,
                    &self.options,
                    passes_left,
                    schedule.min_rounds.saturating_mul(2),
                );
                self.say(format!(
                    "  after {} rounds ({}): {} of {paired} benchmarks still undecided, \
                     {} of them decidable in the rounds left",
                    schedule.min_rounds + pass - 1,
                    human_duration(clock.elapsed()),
                    open.undecided.len(),
                    open.worth_measuring.len()
                ));
                open
            },
        )
        .map_err(anyhow::Error::from)?;
        let below = outcome.below_min_rounds(args.min_rounds);
        if !below.is_empty() {
            // A warning, not progress: shown with --quiet too.
            eprintln!(
                "warning: the budget of {} ran out: {}",
                human_duration(self.budget),
                render::below_min_rounds_text(below.len(), args.min_rounds)
            );
        }
        Ok(Measured {
            outcome,
            seconds: measurer.elapsed().as_secs_f64(),
            measurer,
            criterion_args,
            started,
        })
    }

    /// Writes each side's run file (the last round of each paired
    /// benchmark); returns the sides as the report names them and the group
    /// of every id written.
    fn write_run_files(
        &self,
        sides: &[SidePlan],
        measured: &Measured,
        rustup: bool,
        flags: &UserFlags,
    ) -> anyhow::Result<(Vec<SideRef>, BTreeMap<String, String>)> {
        let paired_ids: BTreeSet<&String> = measured.outcome.series.keys().collect();
        let mut groups: BTreeMap<String, String> = BTreeMap::new();
        let mut refs: Vec<SideRef> = Vec::new();
        for (s, exec) in sides.iter().zip(&measured.measurer.sides) {
            let label = label_of(s, self.args.label.as_deref());
            let context = context::detect(&ContextInputs {
                workspace_root: s.root.clone(),
                rustup_toolchain: rustup.then(|| s.cell.toolchain.rustup_name().to_owned()),
                target: Some(s.cell.triple.clone()),
                target_cpu: s.cell.target_cpu.clone(),
                rustflags: flags.effective(&s.cell),
                profile: "bench".to_owned(),
            });
            let criterion_dir = &exec.paths.criterion_dir;
            let ingested = ingest::ingest(
                criterion_dir,
                &IngestOptions {
                    baseline: None,
                    label: Some(label.clone()),
                    context: Some(context),
                },
            )
            .with_context(|| format!("{}: ingesting {}", s.side, criterion_dir.display()))?;
            let mut run: Run = ingested.run;
            run.benchmarks.retain(|b| {
                paired_ids.contains(&b.id.full_id())
                    && written_since(&criterion_dir.join(&b.directory), measured.started)
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
                let path = write_new_run(&self.args.results, &run)?;
                self.say(format!("{}: wrote {}", s.side, path.display()));
                Some(path.display().to_string())
            };
            refs.push(SideRef {
                label,
                source: source_text(s),
                cell: s.cell.to_string(),
                run_file,
            });
        }
        Ok((refs, groups))
    }

    /// How the measuring went, as the report says it.
    fn rounds_summary(&self, measured: &Measured, build_seconds: f64) -> RoundsSummary {
        let outcome = &measured.outcome;
        RoundsSummary {
            processes: outcome.processes,
            stop: match outcome.stop {
                Stop::Decided => "decided",
                Stop::Budget => "budget",
                Stop::MaxRounds => "max_rounds",
                Stop::Undecidable => "undecidable",
            },
            measuring_seconds: measured.seconds,
            budget_seconds: self.budget.as_secs_f64(),
            build_seconds,
            min_rounds: self.args.min_rounds,
            max_rounds: self.args.max_rounds,
            criterion_args: measured.criterion_args.clone(),
            below_min_rounds: outcome.below_min_rounds(self.args.min_rounds),
        }
    }
}

/// The folder of a side's builds and criterion data under
/// `target/report-compare`.
///
/// A revision is checked out afresh each time, so its files are newer than
/// any earlier build, and cargo rebuilds what differs: all revisions of a
/// side share one folder (`base-worktree`), and its dependencies stay built.
/// A folder or the working tree keeps its files' old modification times,
/// and cargo decides freshness by those times, not by content: in a folder
/// that another source was built in since, cargo would take that source's
/// newer binaries as up to date and measure them (seen on 2026-12-03: an
/// A/A of two checkouts ran the previous A/B's candidate and "found" its
/// +5 % kernels). So each such source has a folder of its own, named by a
/// hash of its path. All names have the same length, so that no path
/// reaching the processes (the binary, `CRITERION_HOME`) is longer on one
/// side.
fn side_folder(side: Side, source: &Source, root: &Path) -> String {
    let prefix = match side {
        Side::Baseline => "base",
        Side::Candidate => "cand",
    };
    match source {
        Source::Revision(_) => format!("{prefix}-worktree"),
        Source::WorkingTree | Source::Folder(_) => {
            // FNV-1a: stable across runs and platforms, no dependency.
            let hash = root
                .as_os_str()
                .as_encoded_bytes()
                .iter()
                .fold(0x811c_9dc5_u32, |h, b| {
                    (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
                });
            format!("{prefix}-{hash:08x}")
        }
    }
}

/// The benchmarks whose interval still straddles the threshold (noisy), and
/// those of them that `passes_left` more rounds could decide at their
/// spread so far (`paired::decidable_within`): only these get another round.
/// A regression or improvement found in fewer than `confirm_rounds` rounds
/// is open too, and measured on: its later rounds come minutes later, so a
/// slow stretch of the machine that happened to favour one side for a few
/// rounds does not make the verdict (an A/A on 2026-12-03 flagged a memcpy
/// benchmark +3.2 % after 6 rounds, and +1.1 %, noisy, after 16 in the
/// next run of the same binaries).
fn pending(
    series: &Series,
    options: &PairedOptions,
    passes_left: usize,
    confirm_rounds: usize,
) -> Pending {
    let mut open = Pending::default();
    for (id, v) in compare::verdicts(series, options) {
        let rounds = v.paired.as_ref().map_or(0, |p| p.rounds);
        if matches!(v.class, Class::Regressed | Class::Improved) {
            if rounds < confirm_rounds {
                open.worth_measuring.insert(id.clone());
                open.undecided.insert(id);
            }
            continue;
        }
        if v.class != Class::Noisy {
            continue;
        }
        let worth = v.paired.as_ref().is_none_or(|p| {
            paired::decidable_within(p, p.rounds.saturating_add(passes_left), options)
        });
        if worth {
            open.worth_measuring.insert(id.clone());
        }
        open.undecided.insert(id);
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_folder_source_builds_apart_and_revisions_share_a_folder_per_side() {
        let rev = Source::Revision("main".into());
        let folder = |p: &str| Source::Folder(PathBuf::from(p));
        let (a, b) = (Path::new("/w/aa-base"), Path::new("/w/aa-cand"));
        // Revisions: one folder per side, whatever the revision or worktree.
        assert_eq!(side_folder(Side::Baseline, &rev, a), "base-worktree");
        assert_eq!(
            side_folder(Side::Baseline, &Source::Revision("v1".into()), b),
            "base-worktree"
        );
        assert_eq!(side_folder(Side::Candidate, &rev, a), "cand-worktree");
        // Folders and the working tree: one per path and side, stable.
        let fa = side_folder(Side::Candidate, &folder("/w/aa-base"), a);
        let fb = side_folder(Side::Candidate, &folder("/w/aa-cand"), b);
        assert_ne!(fa, fb);
        assert_eq!(fa, side_folder(Side::Candidate, &Source::WorkingTree, a));
        assert_ne!(fa, side_folder(Side::Baseline, &folder("/w/aa-base"), a));
        assert_ne!(fa, "cand-worktree");
        // Every name has the same length.
        let names = [
            side_folder(Side::Baseline, &rev, a),
            side_folder(Side::Candidate, &rev, a),
            fa,
            fb,
        ];
        assert!(names.iter().all(|n| n.len() == names[0].len()), "{names:?}");
    }

    #[test]
    fn flags_are_confirmed_and_only_decidable_noise_is_measured_on() {
        let options = PairedOptions::with_threshold_pct(2.0).unwrap();
        let rounds = |ratios: &[f64]| -> Vec<(f64, f64)> {
            ratios.iter().map(|r| (1000.0, 1000.0 * r)).collect()
        };
        let series: Series = [
            // +10 %, tight: regressed after 6 rounds.
            ("slower", rounds(&[1.10, 1.101, 1.099, 1.10, 1.102, 1.098])),
            // ±20 % around no change: noisy.
            ("wild", rounds(&[1.2, 0.8, 1.2, 0.8, 1.2, 0.8])),
            // Within ±0.2 %: unchanged.
            ("same", rounds(&[1.001, 0.999, 1.0, 1.001, 0.999, 1.0])),
        ]
        .into_iter()
        .map(|(id, r)| (id.to_owned(), r))
        .collect();
        let set = |names: &[&str]| -> BTreeSet<String> {
            names.iter().map(|s| (*s).to_owned()).collect()
        };
        // Two rounds left: the flag is confirmed on, the wild one cannot be
        // decided in two more, the unchanged one is done.
        let open = pending(&series, &options, 2, 12);
        assert_eq!(open.undecided, set(&["slower", "wild"]));
        assert_eq!(open.worth_measuring, set(&["slower"]));
        // Thousands of rounds left: the wild one is worth measuring too.
        let open = pending(&series, &options, 5000, 12);
        assert_eq!(open.worth_measuring, set(&["slower", "wild"]));
        // Once a flag has its confirming rounds it is decided.
        let open = pending(&series, &options, 2, 6);
        assert_eq!(open.undecided, set(&["wild"]));
        assert!(open.worth_measuring.is_empty());
    }

    fn unit(krate: &str, bench: &str) -> Unit {
        Unit {
            krate: krate.into(),
            bench: bench.into(),
            exe: PathBuf::from("/t").join(bench),
            cwd: PathBuf::from("/w").join(krate),
        }
    }

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn benchmarks_pair_by_bench_target_and_id_whatever_the_order() {
        // The candidate lists its binaries in another order, drops one id
        // and a whole binary (`old`), and adds an id and a binary (`new`).
        let base = [
            unit("cpu", "kernel"),
            unit("cpu", "old"),
            unit("uuid", "v4"),
        ];
        let base_lists = [ids(&["k/1", "k/2", "k/3"]), ids(&["o/1"]), ids(&["u/1"])];
        let cand = [
            unit("uuid", "v4"),
            unit("cpu", "new"),
            unit("cpu", "kernel"),
        ];
        let cand_lists = [ids(&["u/1"]), ids(&["n/1"]), ids(&["k/3", "k/1", "k/4"])];
        let p = pair_benchmarks((&base, &base_lists), (&cand, &cand_lists));
        assert_eq!(p.units, [[0, 2], [2, 0]]);
        assert_eq!(p.ids, [ids(&["k/1", "k/3"]), ids(&["u/1"])]);
        assert_eq!(p.count(), 3);
        assert_eq!(p.removed, ids(&["k/2", "o/1"]));
        assert_eq!(p.added, ids(&["k/4", "n/1"]));
    }

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
