//! `report run`: the cell matrix, the mapping of flags to criterion and cargo
//! arguments, validation against canned rustup/rustc outputs, criterion
//! output parsing, and the whole command end to end against fake `cargo`,
//! `rustup` and `rustc` programs (a shell script each, first on PATH) that
//! copy a real criterion tree (`tests/fixtures/criterion-0.8.2`) where
//! criterion would write it. One test runs the real thing on the fixture
//! crate; it is `#[ignore]`d because it compiles criterion (see its doc).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use report::runner::cell::{self, CellSpec, ToolchainChoice, UserFlags};
use report::runner::execute::{CellJob, CellPaths};
use report::runner::plan::{self, BenchCrate, PlanError, Problem, Request, Workspace};
use report::runner::progress::{BenchEvent, LineParser, Stream, count_listed, strip_ansi};
use report::runner::settings::{self, Filter, Settings, SettingsError};
use report::runner::tools::{ToolError, Tools};

const HOST: &str = "x86_64-unknown-linux-gnu";

fn current() -> ToolchainChoice {
    ToolchainChoice::current(Some("stable-x86_64-unknown-linux-gnu"), HOST)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------- matrix

#[test]
fn matrix_is_toolchain_by_cpu_by_target_with_defaults() {
    let cells = cell::expand(&[current()], &[], &[], HOST);
    assert_eq!(cells.len(), 1);
    let c = &cells[0];
    assert_eq!(
        c.toolchain.plus, None,
        "the current toolchain gets no +toolchain"
    );
    assert_eq!(c.toolchain.name, "stable");
    assert_eq!(c.target, None);
    assert_eq!(c.triple, HOST);
    assert_eq!(c.target_cpu, None);
    assert_eq!(c.slug(), "stable-x86_64-unknown-linux-gnu-generic");
    assert_eq!(c.label(None), "stable x86_64-unknown-linux-gnu generic");
    assert_eq!(
        c.label(Some("pr-42")),
        "pr-42 stable x86_64-unknown-linux-gnu generic"
    );

    let toolchains = [
        ToolchainChoice::named("1.89.0", HOST),
        ToolchainChoice::named("nightly-x86_64-unknown-linux-gnu", HOST),
    ];
    let cells = cell::expand(
        &toolchains,
        &strings(&["generic", "native"]),
        &strings(&[HOST, "x86_64-unknown-linux-musl"]),
        HOST,
    );
    let slugs: Vec<String> = cells.iter().map(CellSpec::slug).collect();
    assert_eq!(
        slugs,
        [
            "1.89.0-x86_64-unknown-linux-gnu-generic",
            "1.89.0-x86_64-unknown-linux-musl-generic",
            "1.89.0-x86_64-unknown-linux-gnu-native",
            "1.89.0-x86_64-unknown-linux-musl-native",
            "nightly-x86_64-unknown-linux-gnu-generic",
            "nightly-x86_64-unknown-linux-musl-generic",
            "nightly-x86_64-unknown-linux-gnu-native",
            "nightly-x86_64-unknown-linux-musl-native",
        ]
    );
    // The host given explicitly is the host cell: no --target flag.
    assert_eq!(cells[0].target, None);
    assert_eq!(
        cells[1].target.as_deref(),
        Some("x86_64-unknown-linux-musl")
    );
    assert_eq!(
        cells[4].toolchain.plus.as_deref(),
        Some("nightly-x86_64-unknown-linux-gnu")
    );
    assert_eq!(cells[4].toolchain.name, "nightly");
}

#[test]
fn repeated_cells_are_run_once_and_slugs_are_file_names() {
    let cells = cell::expand(
        &[current()],
        &strings(&["native", "native", "generic", ""]),
        &[],
        HOST,
    );
    assert_eq!(cells.len(), 2);
    let odd = CellSpec {
        toolchain: ToolchainChoice::named("my toolchain/../x", HOST),
        target: None,
        triple: HOST.into(),
        target_cpu: Some("a:b".into()),
    };
    let slug = odd.slug();
    assert!(
        !slug.contains('/') && !slug.contains(' ') && !slug.contains(':'),
        "{slug}"
    );
    assert!(!slug.starts_with('.'));
}

// ------------------------------------------------------ argument mapping

#[test]
fn settings_map_to_criterion_flags() {
    let first = Settings::from_flags(false, false, None, None).unwrap();
    assert_eq!(first, Settings::FirstRun);
    assert_eq!(
        first.criterion_args(),
        strings(&[
            "--warm-up-time",
            &settings::DEFAULT_WARM_UP_S.to_string(),
            "--measurement-time",
            &settings::DEFAULT_MEASUREMENT_S.to_string(),
            "--sample-size",
            &settings::DEFAULT_SAMPLE_SIZE.to_string(),
            "--nresamples",
            &settings::DEFAULT_NRESAMPLES.to_string(),
        ])
    );
    assert_eq!(
        Settings::from_flags(true, false, None, None)
            .unwrap()
            .criterion_args(),
        ["--quick"]
    );
    assert_eq!(
        Settings::from_flags(false, true, None, None)
            .unwrap()
            .criterion_args(),
        strings(&[
            "--warm-up-time",
            "3",
            "--measurement-time",
            "5",
            "--sample-size",
            "100"
        ])
    );
    assert_eq!(
        Settings::from_flags(false, false, Some(50), Some(2.5))
            .unwrap()
            .criterion_args(),
        strings(&["--sample-size", "50", "--measurement-time", "2.5"])
    );
    assert_eq!(
        Settings::from_flags(false, false, None, Some(2.0))
            .unwrap()
            .criterion_args(),
        strings(&["--measurement-time", "2"])
    );
    assert_eq!(
        Settings::from_flags(false, false, Some(5), None),
        Err(SettingsError::SampleSize(5))
    );
    assert!(matches!(
        Settings::from_flags(false, false, None, Some(0.0)),
        Err(SettingsError::MeasurementTime(_))
    ));
    assert!(matches!(
        Settings::from_flags(false, false, None, Some(f64::NAN)),
        Err(SettingsError::MeasurementTime(_))
    ));
}

#[test]
fn filters_are_checked_regexes_passed_positionally() {
    let f = Filter::new("cpu/kernel/(serial|rayon)/1$").unwrap();
    let args = settings::bench_args(&Settings::Quick, Some(&f));
    assert_eq!(args, ["--quick", "cpu/kernel/(serial|rayon)/1$"]);
    assert_eq!(
        settings::list_args(Some(&f)),
        ["--list", "cpu/kernel/(serial|rayon)/1$"]
    );
    assert_eq!(settings::list_args(None), ["--list"]);
    // A leading `-` would be read as a flag; the rewrite matches the same names.
    let dash = Filter::new("-v7").unwrap();
    assert_eq!(dash.as_arg(), "(?:)-v7");
    let re = regex::Regex::new(dash.as_arg()).unwrap();
    assert!(re.is_match("uuid/generate/now-v7/1000"));
    let err = Filter::new("cpu/(kernel").unwrap_err();
    assert!(err.to_string().contains("cpu/(kernel"), "{err}");
}

#[test]
fn a_retry_filter_selects_exactly_the_given_ids() {
    let ids = strings(&["cpu/kernel/rayon/2", "odd/a.b+(c)/max"]);
    let f = Filter::exactly(&ids);
    let re = regex::Regex::new(f.as_arg()).unwrap();
    assert!(re.is_match("cpu/kernel/rayon/2"));
    assert!(re.is_match("odd/a.b+(c)/max"));
    // Anchored: neither longer ids nor look-alikes of the escaped characters.
    assert!(!re.is_match("cpu/kernel/rayon/24"));
    assert!(!re.is_match("x/cpu/kernel/rayon/2"));
    assert!(!re.is_match("odd/aXbb+(c)/max"));
    assert!(!f.as_arg().starts_with('-'));
}

fn job_fixture() -> (CellSpec, Vec<BenchCrate>) {
    let cell = CellSpec {
        toolchain: ToolchainChoice::named("nightly", HOST),
        target: Some("x86_64-unknown-linux-musl".into()),
        triple: "x86_64-unknown-linux-musl".into(),
        target_cpu: Some("native".into()),
    };
    let crates = vec![
        BenchCrate {
            name: "bench-cpu".into(),
            benches: strings(&["cpu"]),
        },
        BenchCrate {
            name: "bench-uuid".into(),
            benches: strings(&["uuid", "sqlite"]),
        },
    ];
    (cell, crates)
}

#[test]
fn cargo_commands_per_cell() {
    let (cell, crates) = job_fixture();
    let filter = Filter::new("uuid/generate").unwrap();
    let flags = UserFlags::Rustflags("-C debuginfo=1".into());
    let job = CellJob {
        cell: &cell,
        crates: &crates,
        workspace_root: Path::new("/ws"),
        cells_dir: Path::new("/ws/target/report-run"),
        settings: &Settings::Quick,
        filter: Some(&filter),
        flags: &flags,
        cargo: "cargo",
    };
    let paths = job.paths();
    let dir = PathBuf::from("/ws/target/report-run/nightly-x86_64-unknown-linux-musl-native");
    assert_eq!(
        paths,
        CellPaths {
            target_dir: dir.clone(),
            criterion_dir: dir.join("criterion"),
            log: dir.join("report-run.log"),
        }
    );

    // Built one crate at a time, with the same selection its bench run uses,
    // so cargo's feature unification cannot make the run rebuild.
    let build = job.build_invocation(&paths, &crates[1]);
    assert_eq!(build.program, "cargo");
    assert_eq!(build.cwd, Path::new("/ws"));
    assert_eq!(
        build.args,
        strings(&[
            "+nightly",
            "bench",
            "--locked",
            "-p",
            "bench-uuid",
            "--bench",
            "uuid",
            "--bench",
            "sqlite",
            "--target",
            "x86_64-unknown-linux-musl",
            "--no-run",
        ])
    );
    let env: HashMap<_, _> = build.env.iter().cloned().collect();
    assert_eq!(env["CARGO_TARGET_DIR"], dir.display().to_string());
    assert_eq!(
        env["CRITERION_HOME"],
        dir.join("criterion").display().to_string()
    );
    assert_eq!(env["RUSTFLAGS"], "-C debuginfo=1 -C target-cpu=native");

    let bench = job.bench_invocation(&paths, &crates[1]);
    assert_eq!(
        bench.args,
        strings(&[
            "+nightly",
            "bench",
            "--locked",
            "-p",
            "bench-uuid",
            "--bench",
            "uuid",
            "--bench",
            "sqlite",
            "--target",
            "x86_64-unknown-linux-musl",
            "--",
            "--quick",
            "uuid/generate",
        ])
    );
    assert_eq!(bench.env, build.env);
    let list = job.list_invocation(&paths, &crates[0]);
    assert_eq!(
        list.args[list.args.len() - 3..],
        strings(&["--", "--list", "uuid/generate"])
    );
    assert!(
        bench.shell_line().starts_with(&format!(
            "CARGO_TARGET_DIR={} CRITERION_HOME={}/criterion RUSTFLAGS='-C debuginfo=1 -C target-cpu=native' cargo +nightly bench",
            dir.display(),
            dir.display()
        )),
        "{}",
        bench.shell_line()
    );
}

#[test]
fn the_default_cell_runs_plain_cargo_bench() {
    let cell = cell::expand(&[current()], &[], &[], HOST).remove(0);
    let crates = vec![BenchCrate {
        name: "bench-cpu".into(),
        benches: strings(&["cpu"]),
    }];
    let job = CellJob {
        cell: &cell,
        crates: &crates,
        workspace_root: Path::new("/ws"),
        cells_dir: Path::new("/ws/target/report-run"),
        settings: &Settings::Full,
        filter: None,
        flags: &UserFlags::None,
        cargo: "cargo",
    };
    let paths = job.paths();
    let bench = job.bench_invocation(&paths, &crates[0]);
    assert_eq!(
        bench.args,
        strings(&[
            "bench",
            "--locked",
            "-p",
            "bench-cpu",
            "--bench",
            "cpu",
            "--",
            "--warm-up-time",
            "3",
            "--measurement-time",
            "5",
            "--sample-size",
            "100",
        ])
    );
    let keys: Vec<&str> = bench.env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["CARGO_TARGET_DIR", "CRITERION_HOME"],
        "no RUSTFLAGS for generic"
    );
}

// ------------------------------------------------------------ validation

/// Canned answers keyed by the command line; anything else is "not found".
struct FakeTools {
    answers: HashMap<String, Result<String, ToolError>>,
}

impl Tools for FakeTools {
    fn output(&self, program: &str, args: &[&str]) -> Result<String, ToolError> {
        let key = std::iter::once(program)
            .chain(args.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        self.answers.get(&key).cloned().unwrap_or_else(|| {
            Err(ToolError::Failed {
                command: key,
                status: "exit status: 1".into(),
                stderr: "unexpected query in test".into(),
            })
        })
    }
}

const METADATA: &str = r#"{
  "packages": [
    {"name": "bench-cpu", "id": "cpu-id", "targets": [
      {"name": "bench_cpu", "kind": ["lib"]}, {"name": "cpu", "kind": ["bench"]}]},
    {"name": "bench-metrics", "id": "m-id", "targets": [{"name": "bench_metrics", "kind": ["lib"]}]},
    {"name": "bench-uuid", "id": "uuid-id", "targets": [
      {"name": "uuid", "kind": ["bench"]}, {"name": "sqlite", "kind": ["bench"]}]},
    {"name": "report", "id": "report-id", "targets": [{"name": "ingest", "kind": ["bench"]}]}
  ],
  "workspace_members": ["cpu-id", "m-id", "uuid-id", "report-id"],
  "workspace_root": "/ws",
  "target_directory": "/ws/target",
  "version": 1
}"#;

fn machine(rustup: bool) -> FakeTools {
    let mut answers: HashMap<String, Result<String, ToolError>> = HashMap::new();
    let mut ok = |k: &str, v: &str| answers.insert(k.to_owned(), Ok(v.to_owned()));
    ok("cargo metadata --no-deps --format-version 1", METADATA);
    ok(
        "rustc -vV",
        "rustc 1.95.0 (0 2026-01-01)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n",
    );
    let cpus = "Available CPUs for this target:\n    native   - Select the CPU of the current host (currently znver3).\n    x86-64-v2\n    x86-64-v3\n    znver3\n";
    ok("rustc --print target-cpus", cpus);
    ok("rustc +nightly --print target-cpus", cpus);
    ok(
        "rustc +nightly --print target-cpus --target x86_64-unknown-linux-musl",
        cpus,
    );
    if rustup {
        ok(
            "rustup toolchain list",
            "stable-x86_64-unknown-linux-gnu (active, default)\nnightly-x86_64-unknown-linux-gnu\n",
        );
        ok(
            "rustup show active-toolchain",
            "stable-x86_64-unknown-linux-gnu (default)\n",
        );
        ok(
            "rustup target list --installed --toolchain nightly",
            "x86_64-unknown-linux-gnu\nx86_64-unknown-linux-musl\n",
        );
        ok(
            "rustup target list --installed --toolchain stable-x86_64-unknown-linux-gnu",
            "x86_64-unknown-linux-gnu\n",
        );
    } else {
        answers.insert(
            "rustup toolchain list".into(),
            Err(ToolError::NotFound {
                program: "rustup".into(),
            }),
        );
    }
    FakeTools { answers }
}

fn no_runner(_: &str) -> bool {
    false
}

#[test]
fn discovers_bench_crates_without_report_and_restricts_with_p() {
    let ws = Workspace::from_metadata(METADATA).unwrap();
    assert_eq!(ws.root, Path::new("/ws"));
    assert_eq!(ws.cells_dir(), Path::new("/ws/target/report-run"));
    let names: Vec<&str> = ws.bench_crates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["bench-cpu", "bench-uuid"]);
    assert_eq!(ws.bench_crates[1].benches, ["uuid", "sqlite"]);
    let picked = ws.select(&strings(&["bench-uuid"])).unwrap();
    assert_eq!(picked.len(), 1);
    assert_eq!(picked[0].name, "bench-uuid");
    let err = ws.select(&strings(&["bench-gpu", "report"])).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("'bench-gpu'")
            && msg.contains("'report'")
            && msg.contains("bench-cpu, bench-uuid"),
        "{msg}"
    );
}

#[test]
fn default_plan_is_one_cell_of_the_current_toolchain() {
    let plan = plan::plan(&machine(true), &Request::default(), &no_runner).unwrap();
    assert_eq!(plan.host, HOST);
    assert!(plan.rustup);
    assert_eq!(plan.crates.len(), 2);
    assert_eq!(plan.cells.len(), 1);
    assert_eq!(plan.cells[0].toolchain.plus, None);
    assert_eq!(plan.cells[0].toolchain.name, "stable");
    assert!(plan.skipped.is_empty());
}

#[test]
fn everything_missing_is_reported_at_once_with_what_is_installed() {
    let req = Request {
        toolchains: strings(&["nightly", "beta"]),
        target_cpus: strings(&["generic", "x86-64-v9"]),
        targets: strings(&[
            HOST,
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-gnu",
        ]),
        ..Request::default()
    };
    let err = plan::plan(&machine(true), &req, &no_runner).unwrap_err();
    let PlanError::Unavailable {
        problems,
        runnable,
        total,
        ..
    } = &err
    else {
        panic!("expected Unavailable, got {err}");
    };
    assert_eq!(*total, 2 * 2 * 3);
    // nightly: generic on gnu and musl can run; everything else cannot.
    assert_eq!(*runnable, 2);
    assert!(problems.contains(&Problem::ToolchainMissing {
        toolchain: "beta".into(),
        installed: strings(&[
            "stable-x86_64-unknown-linux-gnu",
            "nightly-x86_64-unknown-linux-gnu"
        ]),
    }));
    assert!(problems.contains(&Problem::TargetMissing {
        toolchain: "nightly".into(),
        target: "aarch64-unknown-linux-gnu".into(),
        installed: strings(&[HOST, "x86_64-unknown-linux-musl"]),
    }));
    assert!(problems.contains(&Problem::TargetCannotRun {
        target: "aarch64-unknown-linux-gnu".into(),
        host: HOST.into(),
    }));
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, Problem::CpuUnknown { cpu, known, .. }
        if cpu == "x86-64-v9" && known.contains(&"x86-64-v3".to_owned())))
    );
    let msg = err.to_string();
    assert!(
        msg.starts_with("10 of 12 cells cannot run here; nothing was built:"),
        "{msg}"
    );
    assert!(msg.contains("rustup toolchain install beta"), "{msg}");
    assert!(
        msg.contains("rustup target add --toolchain nightly aarch64-unknown-linux-gnu"),
        "{msg}"
    );
    assert!(
        msg.contains("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER"),
        "{msg}"
    );
    assert!(
        msg.ends_with("use --keep-going to skip them and run the other 2"),
        "{msg}"
    );
    // Each problem is listed once even when it rules out several cells.
    assert_eq!(msg.matches("toolchain 'beta' is not installed").count(), 1);
}

#[test]
fn keep_going_skips_unavailable_cells_and_runs_the_rest() {
    let req = Request {
        toolchains: strings(&["nightly", "beta"]),
        targets: strings(&["x86_64-unknown-linux-musl"]),
        keep_going: true,
        ..Request::default()
    };
    let plan = plan::plan(&machine(true), &req, &no_runner).unwrap();
    assert_eq!(plan.cells.len(), 1);
    assert_eq!(
        plan.cells[0].slug(),
        "nightly-x86_64-unknown-linux-musl-generic"
    );
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].cell.toolchain.name, "beta");

    // Nothing left to run is an error even with --keep-going.
    let req = Request {
        toolchains: strings(&["beta"]),
        keep_going: true,
        ..Request::default()
    };
    let err = plan::plan(&machine(true), &req, &no_runner).unwrap_err();
    assert!(err.to_string().ends_with("no cell is left to run"), "{err}");
}

#[test]
fn a_configured_runner_makes_a_foreign_target_runnable() {
    let mut tools = machine(true);
    tools.answers.insert(
        "rustup target list --installed --toolchain nightly".into(),
        Ok("x86_64-unknown-linux-gnu\naarch64-unknown-linux-gnu\n".into()),
    );
    let req = Request {
        toolchains: strings(&["nightly"]),
        targets: strings(&["aarch64-unknown-linux-gnu"]),
        ..Request::default()
    };
    assert!(plan::plan(&tools, &req, &no_runner).is_err());
    let plan = plan::plan(&tools, &req, &|t| t == "aarch64-unknown-linux-gnu").unwrap();
    assert_eq!(
        plan.cells[0].target.as_deref(),
        Some("aarch64-unknown-linux-gnu")
    );
}

#[test]
fn without_rustup_only_the_current_toolchain_works() {
    let plan = plan::plan(&machine(false), &Request::default(), &no_runner).unwrap();
    assert!(!plan.rustup);
    assert_eq!(plan.cells[0].toolchain.name, "current");
    assert_eq!(
        plan.cells[0].slug(),
        "current-x86_64-unknown-linux-gnu-generic"
    );

    let req = Request {
        toolchains: strings(&["nightly"]),
        ..Request::default()
    };
    let err = plan::plan(&machine(false), &req, &no_runner).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(
            "toolchain 'nightly': rustup was not found, so only the current toolchain can be used"
        ),
        "{msg}"
    );
}

#[test]
fn target_cpus_are_checked_for_the_current_toolchain_too() {
    let req = Request {
        target_cpus: strings(&["znver3", "pentium9"]),
        ..Request::default()
    };
    let err = plan::plan(&machine(true), &req, &no_runner).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("1 of 2 cells cannot run here"), "{msg}");
    assert!(msg.contains("target-cpu 'pentium9' is not known to toolchain 'stable' for x86_64-unknown-linux-gnu (known: generic, native, x86-64-v2, x86-64-v3, znver3)"), "{msg}");
}

// ------------------------------------------------------- output parsing

#[test]
fn criterion_lines_give_start_and_finish_events() {
    let mut p = LineParser::default();
    assert_eq!(
        p.line(Stream::Stderr, "Benchmarking cpu/kernel/rayon/4"),
        Some(BenchEvent::Started("cpu/kernel/rayon/4".into()))
    );
    assert_eq!(
        p.line(
            Stream::Stderr,
            "Benchmarking cpu/kernel/rayon/4: Warming up for 300.00 ms"
        ),
        Some(BenchEvent::Started("cpu/kernel/rayon/4".into()))
    );
    assert_eq!(
        p.line(
            Stream::Stderr,
            "Benchmarking cpu/kernel/rayon/4: Collecting 20 samples in estimated 1.0 s (210 iterations)"
        ),
        Some(BenchEvent::Started("cpu/kernel/rayon/4".into()))
    );
    // Long ids: the id on its own stdout line, then the time line.
    assert_eq!(p.line(Stream::Stdout, "cpu/kernel/rayon/4"), None);
    assert_eq!(
        p.line(
            Stream::Stdout,
            "                        time:   [61.234 ms 62.000 ms 63.100 ms]"
        ),
        Some(BenchEvent::Finished {
            id: "cpu/kernel/rayon/4".into(),
            time: Some("62.000 ms".into()),
        })
    );
    assert_eq!(
        p.line(
            Stream::Stdout,
            "                        thrpt:  [1.2 Melem/s 1.3 Melem/s 1.4 Melem/s]"
        ),
        None
    );
    assert_eq!(
        p.line(
            Stream::Stdout,
            "Found 2 outliers among 20 measurements (10.00%)"
        ),
        None
    );
    // With an earlier run in the same directory criterion prints a
    // `change:` block whose `time:` line is not a finished benchmark (real
    // output, copied from a report-run.log).
    for line in [
        "                 change:",
        "                        time:   [\u{2212}37.028% \u{2212}31.583% \u{2212}26.067%] (p = 0.00 < 0.05)",
        "                        thrpt:  [+35.257% +46.162% +58.801%]",
        "                        Performance has improved.",
    ] {
        assert_eq!(p.line(Stream::Stdout, line), None, "{line}");
    }
    // Short ids share the line; colours are ignored.
    assert_eq!(
        p.line(
            Stream::Stdout,
            "\u{1b}[32msmall/a\u{1b}[0m                 time:   [\u{1b}[2m1.0 ns\u{1b}[0m \u{1b}[1m1.1 ns\u{1b}[0m 1.2 ns]"
        ),
        Some(BenchEvent::Finished {
            id: "small/a".into(),
            time: Some("1.1 ns".into()),
        })
    );
    // Not criterion's lines.
    assert_eq!(
        p.line(Stream::Stderr, "   Compiling bench-cpu v0.1.0"),
        None
    );
    assert_eq!(p.line(Stream::Stderr, "Benchmarking "), None);
    assert_eq!(
        p.line(
            Stream::Stderr,
            "     Running benches/cpu.rs (target/release/deps/cpu-0123)"
        ),
        None
    );
}

#[test]
fn ids_with_colons_and_phase_suffixes() {
    let mut p = LineParser::default();
    assert_eq!(
        p.line(Stream::Stderr, "Benchmarking a:b/c: Analyzing"),
        Some(BenchEvent::Started("a:b/c".into()))
    );
}

#[test]
fn listing_counts_benchmarks() {
    let out =
        "cpu/kernel/serial/1: benchmark\ncpu/kernel/rayon/1: benchmark\n\nWARNING: something\n";
    assert_eq!(count_listed(out), 2);
    assert_eq!(count_listed(""), 0);
    assert_eq!(strip_ansi("\u{1b}[1mbold\u{1b}[0m"), "bold");
}

// ---------------------------------------------- end to end, fake tools

#[cfg(unix)]
mod fake {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    pub const CARGO: &str = r#"#!/bin/sh
# Fake cargo: answers `metadata`, and `bench` the way cargo + criterion would.
if [ "${1#+}" != "$1" ]; then shift; fi
echo "$*" >> "$FAKE_DIR/cargo.log"
case "$1" in
  metadata) cat "$FAKE_DIR/metadata.json"; exit 0 ;;
  bench) ;;
  *) echo "fake cargo: unexpected $*" >&2; exit 99 ;;
esac
after=""; seen=0
for a in "$@"; do
  if [ "$seen" = 1 ]; then after="$after $a"; fi
  if [ "$a" = "--" ]; then seen=1; fi
done
case " $* " in *" --no-run "*)
  echo "   Compiling fixture v0.0.0" >&2
  echo "    Finished bench profile" >&2
  exit 0 ;;
esac
case "$after" in *--list*)
  printf 'fixture/throughput/bytes/64: benchmark\nfixture/sampling/linear/256: benchmark\n'
  exit 0 ;;
esac
echo "CARGO_TARGET_DIR=$CARGO_TARGET_DIR CRITERION_HOME=$CRITERION_HOME RUSTFLAGS=${RUSTFLAGS:-} ARGS=$after" >> "$FAKE_DIR/bench.log"
echo "Benchmarking fixture/throughput/bytes/64" >&2
echo "Benchmarking fixture/throughput/bytes/64: Warming up for 300.00 ms" >&2
if [ -n "${FAKE_BENCH_SECONDS:-}" ]; then sleep "$FAKE_BENCH_SECONDS"; fi
case "${RUSTFLAGS:-}" in *"${FAKE_SLOW_CPU:-none}"*)
  # A grandchild, as the bench binary is cargo's child: it must get SIGINT
  # through the process group, not from its parent.
  sh -c 'trap "kill \$p; echo signalled > \"$FAKE_DIR/bench-got-sigint\"; exit 130" INT
         touch "$FAKE_DIR/bench-is-sleeping"
         sleep 30 >/dev/null 2>&1 & p=$!
         wait $p'
  exit $? ;;
esac
case "${RUSTFLAGS:-}" in *"${FAKE_FAIL_CPU:-none}"*)
  echo "thread 'main' panicked at benches/fixture.rs:1:1: boom" >&2
  exit 101 ;;
esac
mkdir -p "$CRITERION_HOME"
cp -R "$FIXTURE/." "$CRITERION_HOME/"
echo "fixture/throughput/bytes/64"
echo "                        time:   [1.0000 µs 1.1000 µs 1.2000 µs]"
echo "Benchmarking fixture/sampling/linear/256" >&2
if [ -n "${FAKE_BENCH_SECONDS:-}" ]; then sleep "$FAKE_BENCH_SECONDS"; fi
echo "fixture/sampling/linear/256"
echo "                        time:   [2.0000 µs 2.1000 µs 2.2000 µs]"
exit 0
"#;

    pub const RUSTUP: &str = r#"#!/bin/sh
case "$*" in
  "toolchain list") printf 'stable-x86_64-unknown-linux-gnu (active, default)\nnightly-x86_64-unknown-linux-gnu\n' ;;
  "show active-toolchain") echo 'stable-x86_64-unknown-linux-gnu (default)' ;;
  "target list --installed --toolchain"*) echo x86_64-unknown-linux-gnu ;;
  *) echo "fake rustup: unexpected $*" >&2; exit 1 ;;
esac
"#;

    pub const RUSTC: &str = r#"#!/bin/sh
if [ "${1#+}" != "$1" ]; then shift; fi
case "$*" in
  "-vV") printf 'rustc 1.95.0 (fake 2026-01-01)\nbinary: rustc\ncommit-hash: fake\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 20.1.0\n' ;;
  "--print target-cpus"*) printf 'Available CPUs for this target:\n    native   - Select the CPU of the current host.\n    x86-64-v2\n    x86-64-v3\n' ;;
  *) echo "fake rustc: unexpected $*" >&2; exit 1 ;;
esac
"#;

    /// A temporary workspace with fake tools first on PATH.
    pub struct Setup {
        pub _tmp: tempfile::TempDir,
        pub dir: PathBuf,
        pub ws: PathBuf,
        pub results: PathBuf,
        path: String,
    }

    pub fn setup() -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        let bin = dir.join("bin");
        let ws = dir.join("ws");
        fs::create_dir_all(&bin).unwrap();
        fs::create_dir_all(&ws).unwrap();
        for (name, text) in [("cargo", CARGO), ("rustup", RUSTUP), ("rustc", RUSTC)] {
            let p = bin.join(name);
            fs::write(&p, text).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let metadata = serde_json::json!({
            "packages": [{"name": "fixture", "id": "fixture-id",
                          "targets": [{"name": "fixture", "kind": ["bench"]}]}],
            "workspace_members": ["fixture-id"],
            "workspace_root": ws,
            "target_directory": ws.join("target"),
            "version": 1
        });
        fs::write(dir.join("metadata.json"), metadata.to_string()).unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Setup {
            results: dir.join("results"),
            _tmp: tmp,
            dir,
            ws,
            path,
        }
    }

    impl Setup {
        pub fn command(&self, args: &[&str]) -> Command {
            let fixture =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/criterion-0.8.2");
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_report"));
            cmd.arg("run")
                .args(args)
                .arg("--results")
                .arg(&self.results)
                .current_dir(&self.ws)
                .env("PATH", &self.path)
                .env("FAKE_DIR", &self.dir)
                .env("FIXTURE", fixture)
                // The machine running the tests may be busy: nothing counts
                // as disturbed unless a test asks for it.
                .env("REPORT_DISTURBED_FRACTION", "1e9")
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .env_remove("RUSTUP_TOOLCHAIN");
            cmd
        }

        pub fn run(&self, args: &[&str]) -> Output {
            self.command(args).output().unwrap()
        }

        pub fn read(&self, name: &str) -> String {
            fs::read_to_string(self.dir.join(name)).unwrap_or_default()
        }

        /// Run files written, sorted by name.
        pub fn runs(&self) -> Vec<PathBuf> {
            self.files_with(|n| n.ends_with(".json"))
        }

        pub fn files_with(&self, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
            let mut v: Vec<PathBuf> = fs::read_dir(&self.results)
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            v
        }
    }
}

/// Disturbed benchmarks are measured again with a filter that selects
/// exactly them, and the run keeps the second measurement's figures. A
/// negative fraction makes every sampled benchmark disturbed; the fake
/// bench sleeps so that each window spans clock ticks.
#[cfg(target_os = "linux")]
#[test]
fn disturbed_benchmarks_are_measured_again_at_the_end_of_the_cell() {
    let s = fake::setup();
    let out = s
        .command(&["--quiet"])
        .env("REPORT_DISTURBED_FRACTION", "-100")
        .env("FAKE_BENCH_SECONDS", "0.15")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("machine check: "), "{stderr}");
    assert!(
        stderr.contains("fixture: measuring 2 disturbed benchmarks again"),
        "{stderr}"
    );
    let bench_log = s.read("bench.log");
    let lines: Vec<&str> = bench_log.lines().collect();
    assert_eq!(lines.len(), 2, "{bench_log}");
    assert!(
        lines[1].ends_with(r" ^(?:fixture/throughput/bytes/64|fixture/sampling/linear/256)$"),
        "{}",
        lines[1]
    );
    let runs = s.runs();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run = report::store::read_run(&runs[0]).unwrap();
    assert!(run.context.machine_check.is_some());
    for id in ["fixture/throughput/bytes/64", "fixture/sampling/linear/256"] {
        let b = run
            .benchmarks
            .iter()
            .find(|b| b.id.full_id() == id)
            .unwrap_or_else(|| panic!("{id} in the run"));
        let i = b.interference.as_ref().expect("sampled on Linux");
        assert_eq!(i.attempts, 2, "{id}: {i:?}");
        assert!(i.first_others_cores.is_some(), "{id}: {i:?}");
        assert!(i.disturbed, "still disturbed under a negative fraction");
        assert!(i.seconds >= 0.1, "{id}: {i:?}");
    }
    assert!(
        stdout.contains("after measuring 2 again (0 recovered)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("disturbed: fixture/sampling/linear/256"),
        "{stdout}"
    );

    // --no-retry: measured once, still marked.
    let again = s
        .command(&["--quiet", "--no-retry"])
        .env("REPORT_DISTURBED_FRACTION", "-100")
        .env("FAKE_BENCH_SECONDS", "0.15")
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(s.read("bench.log").lines().count(), 3);
    let newest = s
        .runs()
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let run = report::store::read_run(&newest.unwrap()).unwrap();
    let marked: Vec<u32> = run
        .benchmarks
        .iter()
        .filter_map(|b| b.interference.as_ref())
        .filter(|i| i.disturbed)
        .map(|i| i.attempts)
        .collect();
    assert_eq!(marked, [1, 1]);
}

#[cfg(unix)]
#[test]
fn end_to_end_two_cells_write_runs_and_the_report() {
    let s = fake::setup();
    let out = s.run(&[
        "--quiet",
        "--target-cpu",
        "generic,x86-64-v3",
        "--label",
        "ci",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");

    // Built once per cell, listed, then measured with the first-run settings.
    let cargo_log = s.read("cargo.log");
    assert_eq!(cargo_log.matches("--no-run").count(), 2, "{cargo_log}");
    assert!(
        cargo_log.contains("bench --locked -p fixture --bench fixture --no-run"),
        "{cargo_log}"
    );
    let bench_log = s.read("bench.log");
    let lines: Vec<&str> = bench_log.lines().collect();
    assert_eq!(lines.len(), 2, "{bench_log}");
    let cells = s.ws.join("target/report-run");
    let generic = cells.join("stable-x86_64-unknown-linux-gnu-generic");
    let v3 = cells.join("stable-x86_64-unknown-linux-gnu-x86-64-v3");
    assert_eq!(
        lines[0],
        format!(
            "CARGO_TARGET_DIR={} CRITERION_HOME={}/criterion RUSTFLAGS= ARGS= --warm-up-time {} --measurement-time {} --sample-size {} --nresamples {}",
            generic.display(),
            generic.display(),
            settings::DEFAULT_WARM_UP_S,
            settings::DEFAULT_MEASUREMENT_S,
            settings::DEFAULT_SAMPLE_SIZE,
            settings::DEFAULT_NRESAMPLES,
        )
    );
    assert!(
        lines[1].starts_with(&format!("CARGO_TARGET_DIR={} ", v3.display()))
            && lines[1].contains("RUSTFLAGS=-C target-cpu=x86-64-v3 "),
        "{}",
        lines[1]
    );
    assert!(generic.join("report-run.log").is_file());
    assert!(
        v3.join("criterion/fixture-bare/new/estimates.json")
            .is_file()
    );

    // One run file per cell, labelled and with resources.
    let runs = s.runs();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let mut labels = Vec::new();
    for path in &runs {
        let run = report::store::read_run(path).unwrap();
        let resources = run.resources.clone().expect("report run records resources");
        assert!(resources.wall_seconds.unwrap() > 0.0);
        assert!(resources.cpu_seconds.is_some());
        assert!(resources.peak_memory_bytes.unwrap() > 0);
        assert!(!run.benchmarks.is_empty());
        assert_eq!(
            run.context.target.as_deref(),
            Some("x86_64-unknown-linux-gnu")
        );
        labels.push((run.label.clone(), run.context.target_cpu.clone()));
    }
    labels.sort();
    assert_eq!(
        labels,
        [
            (
                "ci stable x86_64-unknown-linux-gnu generic".to_owned(),
                None
            ),
            (
                "ci stable x86_64-unknown-linux-gnu x86-64-v3".to_owned(),
                Some("x86-64-v3".to_owned())
            ),
        ]
    );

    // The report of both cells, paths printed at the end.
    let html = s.files_with(|n| n.starts_with("report-") && n.ends_with(".html"));
    let md = s.files_with(|n| n.starts_with("report-") && n.ends_with(".md"));
    assert_eq!((html.len(), md.len()), (1, 1));
    assert!(stdout.contains("2 of 2 cells finished"), "{stdout}");
    assert!(stdout.contains(&html[0].display().to_string()), "{stdout}");
    assert!(stdout.contains(&md[0].display().to_string()), "{stdout}");
    let page = std::fs::read_to_string(&html[0]).unwrap();
    assert!(page.contains("ci stable x86_64-unknown-linux-gnu x86-64-v3"));
    // Plain progress lines, one per finished benchmark.
    assert!(
        stderr.contains("fixture 1/2 fixture/throughput/bytes/64: 1.1000 µs"),
        "{stderr}"
    );

    // A second invocation never replaces the first one's files.
    let again = s.run(&["--quiet", "--label", "ci"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(s.runs().len(), 3);
}

#[cfg(unix)]
#[test]
fn a_failed_cell_shows_cargos_output_and_the_others_are_kept() {
    let s = fake::setup();
    let out = s
        .command(&[
            "--quiet",
            "--keep-going",
            "--target-cpu",
            "x86-64-v2,generic",
        ])
        .env("FAKE_FAIL_CPU", "x86-64-v2")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.contains(
            "cell stable x86_64-unknown-linux-gnu x86-64-v2: benchmarks of fixture failed (exit status: 101)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("| thread 'main' panicked at benches/fixture.rs:1:1: boom"),
        "{stderr}"
    );
    assert!(stderr.contains("report-run.log"), "{stderr}");
    let runs = s.runs();
    assert_eq!(runs.len(), 1, "only the generic cell is written: {runs:?}");
    assert!(stdout.contains("1 of 2 cells finished"), "{stdout}");
    assert!(
        stdout.contains("FAILED cell stable x86_64-unknown-linux-gnu x86-64-v2"),
        "{stdout}"
    );

    // Without --keep-going the first failure ends the invocation.
    let s = fake::setup();
    let out = s
        .command(&["--quiet", "--target-cpu", "x86-64-v2,generic"])
        .env("FAKE_FAIL_CPU", "x86-64-v2")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(s.runs().is_empty());
    assert_eq!(s.read("bench.log").lines().count(), 1);
}

#[cfg(unix)]
#[test]
fn unavailable_cells_are_reported_before_anything_is_built() {
    let s = fake::setup();
    let out = s.run(&[
        "--toolchain",
        "nightly,beta",
        "--target",
        "aarch64-unknown-linux-gnu",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("toolchain 'beta' is not installed (installed: stable-x86_64-unknown-linux-gnu, nightly-x86_64-unknown-linux-gnu)"), "{stderr}");
    assert!(stderr.contains("target 'aarch64-unknown-linux-gnu' is not installed for toolchain 'nightly' (installed: x86_64-unknown-linux-gnu)"), "{stderr}");
    assert!(
        !s.read("cargo.log").contains("bench"),
        "nothing may be built"
    );

    let out = s.run(&["-p", "bench-gpu"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("unknown bench crate 'bench-gpu' (expected one of: fixture)"),
        "{stderr}"
    );
}

/// Ctrl-C while the second cell measures: the bench process group gets
/// SIGINT, `report` exits 130, the first cell's run stays, the second is
/// not written. (Sent with `kill -INT` to `report` alone, as a terminal's
/// Ctrl-C would reach it: the child runs in its own process group.)
#[cfg(unix)]
#[test]
fn ctrl_c_keeps_finished_cells_and_writes_nothing_for_the_interrupted_one() {
    use std::time::{Duration, Instant};
    let s = fake::setup();
    let child = s
        .command(&["--quiet", "--target-cpu", "generic,x86-64-v3"])
        .env("FAKE_SLOW_CPU", "x86-64-v3")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !s.dir.join("bench-is-sleeping").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the slow cell never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "did not stop promptly"
    );
    assert_eq!(
        s.read("bench-got-sigint").trim(),
        "signalled",
        "the bench process got SIGINT"
    );
    assert!(
        stderr
            .contains("interrupted: cell stable x86_64-unknown-linux-gnu x86-64-v3 is not written"),
        "{stderr}"
    );
    let runs = s.runs();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run = report::store::read_run(&runs[0]).unwrap();
    assert_eq!(run.label, "stable x86_64-unknown-linux-gnu generic");
    // No temporary files left behind.
    assert!(s.files_with(|n| n.starts_with('.')).is_empty());
}

// ------------------------------------------------ end to end, for real

/// The real thing: `report run --quick` on the fixture crate with one cheap
/// benchmark. Ignored by default because it compiles criterion for the
/// fixture crate (about two minutes on two cores the first time; later runs
/// reuse `target/tmp/report-run-e2e`). Run with
/// `cargo test -p report --test run -- --ignored`.
#[test]
#[ignore = "compiles criterion for the fixture crate (~2 min on 2 cores); run with --ignored"]
fn real_run_on_the_fixture_crate() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture-crate");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-run-e2e");
    let results = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_report"))
        .args([
            "run",
            "--quick",
            "--quiet",
            "--filter",
            "^fixture/sampling/linear",
        ])
        .arg("--results")
        .arg(results.path())
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let runs: Vec<PathBuf> = std::fs::read_dir(results.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(runs.len(), 1);
    let run = report::store::read_run(&runs[0]).unwrap();
    let ids: Vec<String> = run.benchmarks.iter().map(|b| b.id.full_id()).collect();
    assert_eq!(ids, ["fixture/sampling/linear/256"]);
    let r = run.resources.unwrap();
    assert!(r.wall_seconds.unwrap() > 0.0 && r.cpu_seconds.unwrap() > 0.0);
    assert!(r.peak_memory_bytes.unwrap() > 1_000_000);
    assert!(stdout.contains("report:"), "{stdout}");
}
