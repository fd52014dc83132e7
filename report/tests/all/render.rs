//! Snapshot tests of the terminal summary and the markdown report over the
//! criterion trees that real criterion runs wrote
//! (`tests/fixtures/criterion-0.8.2`, see `tests/fixtures/regenerate.sh`),
//! ingested with a fixed build context so the snapshots do not depend on the
//! machine running the tests. Plus the command-line behaviour: filters that
//! match nothing, atomic `-o`, duplicate labels.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::Path;

use report::ingest::{IngestOptions, ingest};
use report::model::{BuildContext, Cpu, Git, Os, Profile, Run, Toolchain};
use report::render::{markdown, select, summary};
use report::store;
use report::tables::{self, TableSpec};

/// A complete, fixed build context: what `context::detect` would find on a
/// well-known machine.
fn context(release: &str, target_cpu: Option<&str>) -> BuildContext {
    BuildContext {
        toolchain: Toolchain {
            release: Some(release.to_owned()),
            commit_hash: Some("59807616e1fa2540724bfbac14d7976d7e4a3860".to_owned()),
            commit_date: Some("2026-01-15".to_owned()),
            llvm_version: Some("21.1.2".to_owned()),
            host: Some("x86_64-unknown-linux-gnu".to_owned()),
            rustup_toolchain: Some(release.to_owned()),
        },
        target: Some("x86_64-unknown-linux-gnu".to_owned()),
        target_cpu: target_cpu.map(str::to_owned),
        rustflags: target_cpu.map(|cpu| format!("-C target-cpu={cpu}")),
        profile: Profile {
            name: Some("bench".to_owned()),
            opt_level: Some("3".to_owned()),
            lto: Some("thin".to_owned()),
            codegen_units: Some(1),
            debug: Some("line-tables-only".to_owned()),
            panic: Some("unwind".to_owned()),
        },
        cpu: Cpu {
            model: Some("Fixture CPU @ 2.00GHz".to_owned()),
            physical_cores: Some(2),
            logical_cpus: Some(2),
            available_parallelism: Some(2),
            features: ["avx", "avx2", "bmi1", "bmi2", "fma", "sse4.2"]
                .map(str::to_owned)
                .to_vec(),
        },
        memory_bytes: Some(8 << 30),
        os: Os {
            name: Some("linux".to_owned()),
            version: Some("Debian GNU/Linux 12".to_owned()),
            kernel: Some("6.1.0".to_owned()),
        },
        codecs: ["gzip", "lz4", "zstd"].map(str::to_owned).to_vec(),
        libraries: BTreeMap::from([
            ("flate2".to_owned(), "1.1.5".to_owned()),
            ("zstd".to_owned(), "0.14.0".to_owned()),
        ]),
        git: Git {
            commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
            dirty: Some(false),
            tag: None,
        },
        recorded_at: Some("2026-02-01T12:00:00Z".to_owned()),
        interpreter: None,
        machine_check: None,
    }
}

/// The fixture tree's `new` data (full samples) as one run.
fn new_run() -> Run {
    ingest_fixture(None, "1.95.0 native", context("1.95.0", Some("native")))
}

/// The fixture tree's `--quick` baseline (few samples: unreliable P95) as a
/// second run from another toolchain.
fn quick_run() -> Run {
    ingest_fixture(Some("quick"), "1.89.0 generic", context("1.89.0", None))
}

fn ingest_fixture(baseline: Option<&str>, label: &str, context: BuildContext) -> Run {
    let ingested = ingest(
        &criterion_fixture(),
        &IngestOptions {
            baseline: baseline.map(str::to_owned),
            label: Some(label.to_owned()),
            context: Some(context),
        },
    )
    .expect("the fixture tree ingests");
    assert!(ingested.warnings.is_empty(), "{:?}", ingested.warnings);
    ingested.run
}

/// Doc-shaped tables over the fixture crate's own ids: a thread-scaling
/// table (pattern rows, speedup, efficiency, core note) and a two-source
/// table with a ratio column, as a user's `--tables` file would define them.
const FIXTURE_TABLES: &str = r#"
[[table]]
title = "Sampling modes"
core_note = true
notes = ["Linear sampling quotes criterion's slope, flat sampling the mean."]

[[table.reference]]
title = "Python (doc)"

[[table.row]]
label = "Flat, 20000 steps"
key = "flat"
id = "fixture/sampling/flat/20000"
threads = 1
reference = { "Python (doc)" = "250ms" }

[[table.row]]
label = "Throughput {function}"
pattern = "fixture/throughput/*/64"
threads = 4

[[table.derived]]
title = "speedup"
kind = "speedup"
of_row = "flat"

[[table.derived]]
title = "efficiency"
kind = "efficiency"
of_row = "flat"

[[table]]
title = "Bytes against elements"
row_header = "Operation"
sources = ["bytes", "elements"]

[[table.row]]
label = "64 units"
ids = { bytes = "fixture/throughput/bytes/64", elements = "fixture/throughput/elements/64" }

[[table.row]]
label = "Not measured"
ids = { bytes = "fixture/throughput/bytes/128", elements = "fixture/throughput/elements/128" }

[[table.derived]]
title = "bytes / elements"
kind = "ratio"
numerator = "bytes"
denominator = "elements"
"#;

fn fixture_specs() -> Vec<TableSpec> {
    tables::parse_specs(FIXTURE_TABLES, Path::new("fixture-tables.toml")).expect("valid specs")
}

#[test]
fn summary_of_a_full_run() {
    let text = summary::render(&new_run());
    assert!(
        !text.contains("P95 from too few samples"),
        "a full run is reliable"
    );
    in_snapshots(|| insta::assert_snapshot!("render__summary_new", text));
}

#[test]
fn summary_of_a_quick_run_marks_p95_unreliable() {
    let text = summary::render(&quick_run());
    assert!(text.contains("~ P95 from too few samples"));
    let marked = text
        .lines()
        .filter(|l| l.starts_with("fixture") && l.contains("~ "))
        .count();
    assert!(marked > 0, "{text}");
    in_snapshots(|| insta::assert_snapshot!("render__summary_quick", text));
}

#[test]
fn summary_filter_keeps_matching_benchmarks_only() {
    let mut run = new_run();
    select::filter_benchmarks(std::slice::from_mut(&mut run), "throughput").unwrap();
    let text = summary::render(&run);
    assert!(text.contains(">>> fixture benchmarks (5)"), "{text}");
    assert!(!text.contains("fixture/sampling"));
}

/// `--filter` is a regular expression everywhere, as in `report run` and
/// criterion: searched anywhere in the id, so plain text still means "contains".
#[test]
fn filters_are_regular_expressions_like_criterions() {
    let mut run = new_run();
    select::filter_benchmarks(
        std::slice::from_mut(&mut run),
        "throughput/(bits|bytes)/64$",
    )
    .unwrap();
    let ids: Vec<String> = run.benchmarks.iter().map(|b| b.id.full_id()).collect();
    assert_eq!(
        ids,
        ["fixture/throughput/bits/64", "fixture/throughput/bytes/64"]
    );
    let err = select::filter_benchmarks(&mut [new_run()], "fixture/(throughput").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("'fixture/(throughput' is not a valid regular expression:"),
        "{err}"
    );
}

#[test]
fn markdown_of_two_runs_with_different_benchmark_sets() {
    let mut quick = quick_run();
    // The quick run lacks one benchmark: a dash in its cells and a note.
    quick
        .benchmarks
        .retain(|b| b.id.full_id() != "fixture/throughput/elements/64");
    let text = markdown::render(&[new_run(), quick], &fixture_specs()).unwrap();
    assert!(
        text.contains(
            "- 1.89.0 generic: no result for fixture/throughput/elements/64 (shown as -)."
        )
    );
    in_snapshots(|| insta::assert_snapshot!("render__markdown_two_runs", text));
}

#[test]
fn markdown_escapes_odd_benchmark_names() {
    let text = markdown::render(&[new_run()], &tables::builtin_specs()).unwrap();
    assert!(!text.contains("<script>"), "raw HTML in the report");
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;/v\\|&lt;1&gt;"));
    assert!(text.contains("pipe\\|name/v\\|&lt;1&gt;"));
    assert!(text.contains("unicode-é-日本-🚀"));
    // Every table row has as many cells as its header.
    for table in text.split("\n\n").filter(|b| b.starts_with('|')) {
        let cells = |line: &str| line.replace("\\|", "").matches('|').count();
        let header = cells(table.lines().next().unwrap());
        assert!(table.lines().all(|l| cells(l) == header), "{table}");
    }
}

/// The built-in (doc) tables filled with real criterion data: the fixture's
/// measurements re-labelled with the ids the doc tables read (`docs/ids.md`),
/// since the fixture crate cannot have the bench crates' ids.
#[test]
fn builtin_doc_tables_over_fixture_data() {
    let mut run = new_run();
    let doc_ids = [
        ("fixture/sampling/flat/20000", "cpu/kernel/serial/1"),
        ("fixture/sampling/linear/256", "cpu/kernel/rayon/2"),
        ("fixture/throughput/bytes/64", "cpu/kernel/rayon/4"),
        ("fixture/throughput/bits/64", "cpu/kernel/rayon/8"),
        ("fixture/throughput/elements/64", "uuid/generate/v4/1000"),
        (
            "fixture/throughput/bytes-decimal/64",
            "uuid/generate/now_v7/1000",
        ),
        ("fixture/ids/8", "compress/compress/gzip-6/json-100k"),
        (
            "fixture/ids/function-only",
            "compress/compress/zstd-3/json-100k",
        ),
        ("fixture/ids/a/b/1", "async/spawn/empty/current_thread"),
    ];
    run.benchmarks.retain_mut(|b| {
        let Some((_, doc)) = doc_ids.iter().find(|(ours, _)| b.id.full_id() == *ours) else {
            return false;
        };
        let mut parts = doc.split('/');
        b.id.group = format!("{}/{}", parts.next().unwrap(), parts.next().unwrap());
        b.id.function = parts.next().map(str::to_owned);
        b.id.value = parts.next().map(str::to_owned);
        true
    });
    let tables = tables::doc_tables(std::slice::from_ref(&run), &tables::builtin_specs());
    let titles: Vec<&str> = tables.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Parallel scaling (doc: Free-Threading Benchmarks)",
            "UUID Generation",
            "Compression",
            "Async"
        ]
    );
    let text = markdown::render(&[run], &tables::builtin_specs()).unwrap();
    in_snapshots(|| insta::assert_snapshot!("render__markdown_builtin_tables", text));
}

#[test]
fn filters_that_match_nothing_suggest_the_closest_ids() {
    let mut runs = [new_run()];
    let err = select::filter_benchmarks(&mut runs, "fixture/throughput/byts").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no benchmark 'fixture/throughput/byts', did you mean \
         'fixture/throughput/bits/64', 'fixture/throughput/bytes/64' or \
         'fixture/throughput/bytes-decimal/64'?"
    );
    let err = select::select_labels(runs.to_vec(), &["1.95.0 natve".to_owned()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no run labelled '1.95.0 natve', did you mean '1.95.0 native'?"
    );
}

// --- the `report` binary -------------------------------------------------

/// Writes both fixture runs as run files into a temporary results folder.
fn results_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for run in [new_run(), quick_run()] {
        let path = store::default_run_path(dir.path(), &run);
        store::write_run(&path, &run, false).unwrap();
    }
    dir
}

#[test]
fn markdown_command_writes_the_report_atomically() {
    let results = results_dir();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("report.md");
    std::fs::write(&out, "someone's notes").unwrap();
    let markdown = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "markdown".as_ref(),
            results.path().as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--label".as_ref(),
            "1.89.0 generic,1.95.0 native".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        report(&args)
    };
    // A file the command did not write is kept unless --force.
    let output = markdown(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "someone's notes");
    for extra in [&["--force"][..], &[]] {
        // --force replaces it; then the command replaces its own report.
        let output = markdown(extra);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(report::output::TEXT_MARK), "{text}");
    // Columns follow the order of --label.
    assert!(text.contains("| Benchmark "), "{text}");
    let header = text.lines().find(|l| l.starts_with("| Benchmark")).unwrap();
    assert!(
        header.find("1.89.0 generic") < header.find("1.95.0 native"),
        "{header}"
    );
    // Nothing but the report is left in the output folder (no temp files).
    let names: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn markdown_never_overwrites_a_run_file() {
    let results = results_dir();
    let run_file = std::fs::read_dir(results.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let before = std::fs::read(&run_file).unwrap();
    let output = report(&[
        "markdown".as_ref(),
        results.path().as_os_str(),
        "-o".as_ref(),
        run_file.as_os_str(),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&*run_file.to_string_lossy()) && stderr.contains("is a run file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&run_file).unwrap(), before);
}

#[test]
fn commands_explain_bad_choices_and_exit_non_zero() {
    let results = results_dir();
    let output = report(&[
        "markdown".as_ref(),
        results.path().as_os_str(),
        "--filter".as_ref(),
        "fixture/sampling/flatt".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did you mean 'fixture/sampling/flat/20000'"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    let run_file = std::fs::read_dir(results.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let output = report(&[
        "summary".as_ref(),
        run_file.as_os_str(),
        "--filter".as_ref(),
        "zzz-nothing".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no benchmark 'zzz-nothing'"));

    let bad_tables = results.path().join("tables.toml");
    std::fs::write(&bad_tables, "[[table]]\ntitle = \"T\"\n").unwrap();
    let output = report(&[
        "markdown".as_ref(),
        run_file.as_os_str(),
        "--tables".as_ref(),
        bad_tables.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("tables.toml: table 'T', field 'row': a table needs at least one row"),
        "{stderr}"
    );
}

#[test]
fn duplicate_labels_are_refused() {
    let results = results_dir();
    let copy = tempfile::tempdir().unwrap();
    let run = new_run();
    store::write_run(&copy.path().join("again.json"), &run, false).unwrap();
    let output = report(&[
        "markdown".as_ref(),
        results.path().as_os_str(),
        copy.path().as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("duplicate run label '1.95.0 native'"),
        "{stderr}"
    );
}
