//! Interference: the sampling arithmetic over real `/proc` snapshots, the
//! disturbed and noisy marks in every renderer, and `report diff` never
//! gating on a disturbed benchmark.
//!
//! `tests/fixtures/proc/` was recorded on the project's 2-vCPU VM, while
//! other builds ran, by a script that started `yes > /dev/null` in a
//! subshell that exited (so `yes` is another process, reparented to init)
//! and a two-thread Python spin loop as its own child, then read
//! `/proc/stat`, `/proc/loadavg` and every `/proc/<pid>/stat` twice, a
//! second apart (`root` is the script's pid; `pids-of-interest` names the
//! others).

use crate::util::*;

use report::diff::{self, Class, DiffOptions};
use report::interference::{
    self, CpuTimes, Mark, ProcStat, Snapshot, parse_loadavg, parse_pid_stat, parse_proc_stat,
    tree_ticks, window,
};
use report::model::{
    Benchmark, BenchmarkId, BuildContext, Interference, Percentiles, Run, Sampling, SamplingMode,
    Throughput,
};

fn fixture(name: &str) -> String {
    let path = fixture_path("proc").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn procs(name: &str) -> Vec<ProcStat> {
    fixture(name).lines().filter_map(parse_pid_stat).collect()
}

fn pid_of(name: &str) -> u32 {
    let text = fixture("pids-of-interest");
    let field = text
        .split_whitespace()
        .find_map(|f| f.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in pids-of-interest: {text}"));
    field.parse().unwrap()
}

#[test]
fn proc_files_parse() {
    let a = parse_proc_stat(&fixture("stat-a")).unwrap();
    // cpu  400675 46 40622 29489 1022 0 686 9335 0 0
    assert_eq!(
        a,
        CpuTimes {
            busy: 400_675 + 46 + 40_622 + 686,
            steal: 9335,
            total: 400_675 + 46 + 40_622 + 29_489 + 1022 + 686 + 9335,
            cpus: 2,
        }
    );
    let load = parse_loadavg(&fixture("loadavg-a")).unwrap();
    assert!(load.iter().all(|l| *l > 0.0), "{load:?}");
    let all = procs("pids-a");
    // Every line of the recording is a process (kernel threads included).
    assert_eq!(all.len(), fixture("pids-a").lines().count());
    let yes = all.iter().find(|p| p.pid == pid_of("yes")).unwrap();
    assert_eq!((yes.command.as_str(), yes.ppid), ("yes", 1));
    assert_eq!(parse_proc_stat("intr 1 2 3"), None);
}

#[test]
fn our_tree_holds_the_script_and_its_child_but_not_the_reparented_process() {
    let root: u32 = fixture("root").trim().parse().unwrap();
    let a = procs("pids-a");
    let ticks = |pid: u32| a.iter().find(|p| p.pid == pid).map_or(0, |p| p.ticks);
    let python = pid_of("python");
    assert!(ticks(python) > 0, "the spinning child has CPU time");
    // The script's children at that moment: the spinner and the snapshot
    // reader (which has no children of its own).
    let children: u64 = a.iter().filter(|p| p.ppid == root).map(|p| p.ticks).sum();
    assert!(children > ticks(python), "the reader is a child too");
    assert_eq!(tree_ticks(&a, root), ticks(root) + children);
    // `yes` was started from the script but reparented: not ours.
    let without_yes: Vec<ProcStat> = a
        .iter()
        .filter(|p| p.pid != pid_of("yes"))
        .cloned()
        .collect();
    assert!(ticks(pid_of("yes")) > 0);
    assert_eq!(tree_ticks(&without_yes, root), tree_ticks(&a, root));
}

#[test]
fn others_are_the_busy_ticks_minus_our_tree() {
    let root: u32 = fixture("root").trim().parse().unwrap();
    let snap = |stat: &str, pids: &str, load: &str| {
        let procs = procs(pids);
        Snapshot {
            cpu: parse_proc_stat(&fixture(stat)).unwrap(),
            own: tree_ticks(&procs, root),
            load: parse_loadavg(&fixture(load)).map(|l| l[0]),
        }
    };
    let a = snap("stat-a", "pids-a", "loadavg-a");
    let b = snap("stat-b", "pids-b", "loadavg-b");
    let w = window(&a, &b).unwrap();
    assert_eq!(w.cpus, 2);
    let per_cpu = (b.cpu.total - a.cpu.total) as f64 / 2.0;
    let own_cores = (b.own - a.own) as f64 / per_cpu;
    let busy_cores = (b.cpu.busy - a.cpu.busy) as f64 / per_cpu;
    assert!(
        (w.others_cores + own_cores - busy_cores).abs() < 1e-9,
        "{w:?}"
    );
    // `yes` is among the others: they took at least what it took.
    let yes = pid_of("yes");
    let yes_ticks = |pids: &str| procs(pids).iter().find(|p| p.pid == yes).unwrap().ticks;
    let yes_cores = (yes_ticks("pids-b") - yes_ticks("pids-a")) as f64 / per_cpu;
    assert!(yes_cores > 0.0);
    assert!(w.others_cores >= yes_cores, "{w:?} vs yes {yes_cores}");
    assert!(w.others_cores <= 2.0 && w.steal_cores >= 0.0, "{w:?}");
}

// ------------------------------------------------------------ renderers

/// A benchmark whose 20 samples are `ns` ± `spread` (alternating).
fn bench(id: &str, ns: f64, spread: f64, taken_cores: Option<f64>) -> Benchmark {
    let parts: Vec<&str> = id.splitn(4, '/').collect();
    let samples: Vec<f64> = (0..20)
        .map(|i| {
            if i % 2 == 0 {
                ns * (1.0 + spread)
            } else {
                ns * (1.0 - spread)
            }
        })
        .collect();
    Benchmark {
        id: BenchmarkId {
            group: format!("{}/{}", parts[0], parts[1]),
            function: parts.get(2).map(|s| (*s).to_owned()),
            value: parts.get(3).map(|s| (*s).to_owned()),
        },
        directory: id.to_owned(),
        typical: estimate(ns),
        mean: estimate(ns),
        median: estimate(ns),
        std_dev: estimate(ns * spread),
        median_abs_dev: estimate(ns * spread),
        slope: None,
        percentiles: Percentiles {
            p50: ns,
            p95: ns,
            p99: ns,
            reliable: true,
        },
        sampling: Sampling {
            mode: SamplingMode::Flat,
            samples: 20,
            iterations: 20,
            per_iteration_ns: samples,
        },
        throughput: Some(Throughput::Elements(1000)),
        metrics: Vec::new(),
        interference: taken_cores.map(|others| {
            let threads = report::threads::Threads::of_id(id)
                .resolve(Some(2))
                .unwrap_or(1);
            Interference {
                seconds: 1.0,
                others_cores: others,
                steal_cores: Some(0.0),
                load_average: Some(1.0),
                cpus: 2,
                threads: Some(threads),
                disturbed: interference::is_disturbed(
                    others,
                    threads,
                    2,
                    interference::DEFAULT_FRACTION,
                ),
                attempts: 1,
                first_others_cores: None,
            }
        }),
    }
}

/// The reproduction: one core kept busy (others 1.0 core) while
/// serial and rayon at 2 threads ran; 1.06x.
fn busy_run(label: &str) -> Run {
    let mut context = BuildContext::default();
    context.cpu.available_parallelism = Some(2);
    context.toolchain.release = Some("1.95.0".into());
    context.target = Some("x86_64-unknown-linux-gnu".into());
    Run {
        schema: report::model::SCHEMA,
        label: label.to_owned(),
        baseline: "new".into(),
        context,
        benchmarks: vec![
            bench("cpu/kernel/serial/1", 92.41e6, 0.001, Some(1.0)),
            bench("cpu/kernel/rayon/2", 86.79e6, 0.001, Some(1.0)),
            bench("cpu/kernel/rayon/1", 93.0e6, 0.001, Some(1.0)),
            bench("uuid/generate/v4/1000", 2.3e6, 0.2, Some(0.0)),
        ],
        resources: None,
    }
}

#[test]
fn the_rule_marks_what_shared_its_cpus() {
    let run = busy_run("busy");
    let marks = |id: &str| {
        let b = run
            .benchmarks
            .iter()
            .find(|b| b.id.full_id() == id)
            .unwrap();
        interference::marks(b)
    };
    assert_eq!(
        marks("cpu/kernel/serial/1"),
        [],
        "one core of two stays free"
    );
    assert_eq!(marks("cpu/kernel/rayon/2"), [Mark::Disturbed]);
    assert_eq!(
        marks("uuid/generate/v4/1000"),
        [Mark::Noisy],
        "±20 % samples"
    );
    let summary = interference::RunSummary::of(&run.benchmarks);
    assert_eq!(summary.disturbed, ["cpu/kernel/rayon/2"]);
    assert!(
        summary.sentence().contains("took 0.75 cores on average"),
        "{}",
        summary.sentence()
    );
}

#[test]
fn the_noisy_rule_needs_a_wide_spread_or_many_outliers() {
    assert!(!interference::is_noisy(&bench(
        "a/b/c/1", 100.0, 0.04, None
    )));
    assert!(interference::is_noisy(&bench("a/b/c/1", 100.0, 0.06, None)));
    // Tight samples with 5 of 20 far out: 25 % outliers.
    let mut b = bench("a/b/c/1", 100.0, 0.001, None);
    for x in b.sampling.per_iteration_ns.iter_mut().take(5) {
        *x = 200.0;
    }
    assert!(interference::is_noisy(&b));
    b.sampling.per_iteration_ns[0] = 100.0;
    b.sampling.per_iteration_ns[2] = 100.0;
    assert!(!interference::is_noisy(&b), "3 of 20 is not many");
}

#[test]
fn the_terminal_summary_marks_and_sums_up() {
    let text = report::render::summary::render(&busy_run("busy"));
    let line = |id: &str| text.lines().find(|l| l.starts_with(id)).unwrap().to_owned();
    assert!(line("cpu/kernel/rayon/2").ends_with("disturbed"), "{text}");
    assert!(!line("cpu/kernel/serial/1").contains("disturbed"), "{text}");
    assert!(line("uuid/generate/v4/1000").ends_with("noisy"), "{text}");
    assert!(
        text.contains("Interference:   other processes took 0.75 cores"),
        "{text}"
    );
    assert!(text.contains(Mark::Disturbed.legend()), "{text}");
}

#[test]
fn markdown_marks_times_and_the_speedups_made_from_them() {
    let md =
        report::render::markdown::render(&[busy_run("busy")], &report::tables::builtin_specs())
            .unwrap();
    let row = |label: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {label} ")))
            .unwrap()
    };
    let rayon2 = row("CPU parallel (2 threads, rayon)");
    // Time, speedup and efficiency all carry the mark.
    assert_eq!(rayon2.matches(" !").count(), 3, "{rayon2}");
    let serial = row("CPU serial");
    assert!(!serial.contains(" !"), "{serial}");
    assert!(md.contains(Mark::Disturbed.legend()), "{md}");
    // The per-group table too.
    assert!(
        md.lines()
            .any(|l| l.starts_with("| rayon/2 ") && l.contains(" !")),
        "{md}"
    );
    assert!(
        md.lines()
            .any(|l| l.starts_with("| v4/1000 ") && l.contains(" ≈")),
        "{md}"
    );
}

/// The HTML report of [`busy_run`] with the built-in tables.
fn busy_html() -> String {
    report::html::render(
        &[busy_run("busy")],
        &report::html::HtmlOptions {
            reference: None,
            specs: report::tables::builtin_specs(),
        },
    )
    .unwrap()
}

#[test]
fn html_marks_tables_and_draws_disturbed_points_hollow() {
    let html = busy_html();
    // As tera escapes text.
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
            .replace('/', "&#x2F;")
    };
    assert!(
        html.contains("Hollow markers: disturbed"),
        "scaling chart note"
    );
    assert!(
        html.contains(&esc("! disturbed in busy: cpu/kernel/rayon/2.")),
        "chart notes"
    );
    assert!(
        html.contains(&esc("≈ noisy in busy: uuid/generate/v4/1000.")),
        "chart notes"
    );
    assert!(
        html.contains(&esc(Mark::Disturbed.legend())),
        "table legend"
    );
    // The scaling chart: rayon at 1 thread filled, at 2 threads hollow.
    let start = html.find("Parallel scaling: speedup").unwrap();
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    let circles: Vec<&str> = svg.split("<circle").skip(1).collect();
    assert!(circles.iter().any(|c| c.contains("fill=\"none\"")), "{svg}");
    assert!(
        circles.iter().any(|c| !c.contains("fill=\"none\"")),
        "{svg}"
    );
}

#[test]
fn diff_never_gates_on_a_disturbed_benchmark_and_says_why() {
    let quiet = {
        let mut r = busy_run("base");
        for b in &mut r.benchmarks {
            b.interference = None;
        }
        r
    };
    let mut slow = busy_run("cand");
    // rayon/2 is twice as slow in the candidate, but it was disturbed.
    slow.benchmarks[1] = bench("cpu/kernel/rayon/2", 2.0 * 86.79e6, 0.001, Some(1.0));
    slow.benchmarks[0] = bench("cpu/kernel/serial/1", 2.0 * 92.41e6, 0.001, Some(0.0));
    let report = diff::diff(
        &[quiet],
        &[slow],
        &DiffOptions::with_threshold_pct(5.0).unwrap(),
    )
    .unwrap();
    let entry = |id: &str| {
        report.comparisons[0]
            .entries
            .iter()
            .find(|e| e.id == id)
            .unwrap()
    };
    let rayon = entry("cpu/kernel/rayon/2");
    assert_eq!(rayon.class, Class::Noisy);
    let note = rayon.figures.note.as_deref().unwrap();
    assert!(
        note.starts_with("disturbed in the candidate (others took 1.00 cores)"),
        "{note}"
    );
    // The undisturbed one still gates.
    assert_eq!(entry("cpu/kernel/serial/1").class, Class::Regressed);
    let gating: Vec<&str> = report
        .gating_regressions()
        .map(|(_, e)| e.id.as_str())
        .collect();
    assert_eq!(gating, ["cpu/kernel/serial/1"]);
    let text = diff::render::text(&report);
    assert!(
        text.contains("cpu/kernel/rayon/2: disturbed in the candidate"),
        "{text}"
    );
}

/// What one snapshot costs (two per benchmark): prints the mean over 200.
/// Ignored: a timing, not a check (`cargo test --release -p report --test
/// interference -- --ignored --nocapture`).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "prints a timing"]
fn snapshot_cost() {
    let root = std::process::id();
    let started = std::time::Instant::now();
    for _ in 0..200 {
        assert!(report::runner::interference::snapshot(root).is_some());
    }
    let each = started.elapsed() / 200;
    let processes = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .count();
    println!("one snapshot: {each:?} with {processes} processes");
}

/// The figure whose id starts with `prefix` and ends with `suffix`, up to its end.
fn figure<'h>(html: &'h str, prefix: &str, suffix: &str) -> &'h str {
    let mut rest = html;
    while let Some(at) = rest.find(&format!("<figure id=\"{prefix}")) {
        let from = &rest[at..];
        let id_end = from["<figure id=\"".len()..].find('"').unwrap() + "<figure id=\"".len();
        let figure = &from[..from.find("</figure>").unwrap()];
        if from[..id_end].ends_with(suffix) {
            return figure;
        }
        rest = &from[id_end..];
    }
    panic!("no figure {prefix}…{suffix}");
}

#[test]
fn each_group_chart_names_the_marked_benchmarks_of_its_own_group() {
    let html = busy_html();
    let kernel = figure(&html, "group-", "-cpu-kernel");
    assert!(kernel.contains("disturbed in busy"), "{kernel}");
    assert!(!kernel.contains("noisy in busy"), "{kernel}");
    let uuid = figure(&html, "group-", "-uuid-generate");
    assert!(uuid.contains("noisy in busy"), "{uuid}");
    assert!(!uuid.contains("disturbed in busy"), "{uuid}");
}
