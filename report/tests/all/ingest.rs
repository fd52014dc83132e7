//! Integration tests of `report ingest`, the run store and the run schema,
//! over criterion trees written by real criterion runs
//! (`tests/fixtures/criterion-0.8.2`, see `tests/fixtures/regenerate.sh`).
//! Bad inputs are made at run time by editing a copy of the fixture tree in a
//! temporary directory, one defect per case.

use crate::util::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use report::context::{self, ContextInputs};
use report::criterion as crit;
use report::ingest::{IngestError, IngestOptions, Ingested, ingest};
use report::model::{Benchmark, Run, SCHEMA, SamplingMode, Throughput};
use report::store::{self, StoreError};

/// Benchmarks the fixture crate defines (see tests/fixture-crate/benches).
const FIXTURE_BENCHMARKS: usize = 16;

fn ingest_fixture(baseline: Option<&str>) -> Ingested {
    ingest(
        &criterion_fixture(),
        &IngestOptions {
            baseline: baseline.map(str::to_owned),
            ..IngestOptions::default()
        },
    )
    .expect("fixture ingests")
}

fn find<'a>(run: &'a Run, full_id: &str) -> &'a Benchmark {
    run.benchmarks
        .iter()
        .find(|b| b.id.full_id() == full_id)
        .unwrap_or_else(|| panic!("no benchmark {full_id}"))
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the fixture tree.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&criterion_fixture(), dir.path());
    dir
}

#[test]
fn every_fixture_benchmark_is_ingested_without_warnings() {
    let ingested = ingest_fixture(None);
    assert!(ingested.warnings.is_empty(), "{:?}", ingested.warnings);
    let run = &ingested.run;
    assert_eq!(run.schema, SCHEMA);
    assert_eq!(run.baseline, "new");
    assert_eq!(run.benchmarks.len(), FIXTURE_BENCHMARKS);
    for b in &run.benchmarks {
        let id = b.id.full_id();
        assert_eq!(
            b.sampling.samples as usize,
            b.sampling.per_iteration_ns.len(),
            "{id}"
        );
        assert!(b.sampling.iterations >= b.sampling.samples, "{id}");
        let p = b.percentiles;
        assert!(p.p50 <= p.p95 && p.p95 <= p.p99, "{id}: {p:?}");
        let min = b
            .sampling
            .per_iteration_ns
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        let max = b
            .sampling
            .per_iteration_ns
            .iter()
            .copied()
            .fold(0.0, f64::max);
        assert!(min <= p.p50 && p.p99 <= max, "{id}");
        // 100 samples by default: percentiles are meaningful
        assert_eq!(b.sampling.samples, 100, "{id}");
        assert!(p.reliable, "{id}");
        for e in [b.mean, b.median, b.std_dev, b.median_abs_dev, b.typical] {
            assert!(e.point.is_finite() && e.lower <= e.upper, "{id}: {e:?}");
            assert_eq!(e.confidence, 0.95);
        }
        assert!(
            b.mean.lower <= b.mean.point && b.mean.point <= b.mean.upper,
            "{id}"
        );
    }
    // sorted by id in natural order (`order::id_cmp`), so reports are stable
    let ids: Vec<_> = run.benchmarks.iter().map(|b| b.id.clone()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(report::order::id_cmp);
    assert_eq!(ids, sorted);
    assert!(
        ids.windows(2)
            .all(|w| report::order::id_cmp(&w[0], &w[1]).is_lt()),
        "ids are distinct and strictly ordered"
    );
}

#[test]
fn every_throughput_kind_is_read() {
    let run = ingest_fixture(None).run;
    let cases = [
        ("fixture/throughput/bytes/64", Throughput::Bytes(1024)),
        (
            "fixture/throughput/bytes-decimal/64",
            Throughput::BytesDecimal(1000),
        ),
        ("fixture/throughput/elements/64", Throughput::Elements(64)),
        ("fixture/throughput/bits/64", Throughput::Bits(8192)),
        (
            "fixture/throughput/elements-and-bytes/64",
            Throughput::ElementsAndBytes {
                elements: 64,
                bytes: 512,
            },
        ),
    ];
    for (id, expected) in cases {
        assert_eq!(find(&run, id).throughput, Some(expected), "{id}");
    }
    assert_eq!(find(&run, "fixture/sampling/linear/256").throughput, None);
}

#[test]
fn linear_sampling_quotes_the_slope_and_flat_the_mean() {
    let run = ingest_fixture(None).run;
    let linear = find(&run, "fixture/sampling/linear/256");
    assert_eq!(linear.sampling.mode, SamplingMode::Linear);
    let slope = linear.slope.expect("linear sampling fits a slope");
    assert_eq!(linear.typical, slope);
    let flat = find(&run, "fixture/sampling/flat/20000");
    assert_eq!(flat.sampling.mode, SamplingMode::Flat);
    assert_eq!(flat.slope, None);
    assert_eq!(flat.typical, flat.mean);
    // per-iteration times are times[i] / iters[i] of the real sample file
    let sample = crit::read_sample(
        &criterion_fixture()
            .join(&flat.directory)
            .join("new/sample.json"),
    )
    .unwrap();
    let first = sample.times[0].unwrap() / sample.iters[0].unwrap();
    assert_eq!(flat.sampling.per_iteration_ns[0], first);
    let total: f64 = sample.iters.iter().map(|i| i.unwrap()).sum();
    assert_eq!(flat.sampling.iterations, total as u64);
}

#[test]
fn named_baselines_are_read_and_quick_runs_are_marked_unreliable() {
    let main = ingest_fixture(Some("main"));
    assert!(main.warnings.is_empty(), "{:?}", main.warnings);
    assert_eq!(main.run.baseline, "main");
    assert_eq!(main.run.benchmarks.len(), FIXTURE_BENCHMARKS);
    assert!(main.run.benchmarks.iter().all(|b| b.percentiles.reliable));

    let quick = ingest_fixture(Some("quick")).run;
    assert_eq!(quick.benchmarks.len(), FIXTURE_BENCHMARKS);
    for b in &quick.benchmarks {
        assert!(b.sampling.samples < report::ingest::MIN_RELIABLE_SAMPLES as u64);
        assert!(!b.percentiles.reliable, "{}", b.id.full_id());
    }
    // a different baseline means different numbers
    let new = ingest_fixture(None).run;
    let id = "fixture/sampling/linear/256";
    assert_ne!(find(&new, id).mean, find(&quick, id).mean);
}

#[test]
fn a_missing_baseline_is_an_error_listing_the_benchmarks() {
    let err = ingest(
        &criterion_fixture(),
        &IngestOptions {
            baseline: Some("nope".into()),
            ..IngestOptions::default()
        },
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, IngestError::AllSkipped { .. }), "{msg}");
    assert!(msg.contains("no baseline 'nope'"), "{msg}");
    for bad in ["../x", "a/b", "", "report"] {
        let err = ingest(
            &criterion_fixture(),
            &IngestOptions {
                baseline: Some(bad.into()),
                ..IngestOptions::default()
            },
        )
        .unwrap_err();
        assert!(matches!(err, IngestError::BadBaseline(_)), "{bad}: {err}");
    }
}

#[test]
fn odd_names_survive_exactly() {
    let run = ingest_fixture(None).run;
    let ids: BTreeSet<String> = run.benchmarks.iter().map(|b| b.id.full_id()).collect();
    let long = format!("long-{}", "x".repeat(195));
    for name in [
        "pipe|name",
        "<script>alert(1)</script>",
        "quote\"double 'single'",
        "unicode-é-日本-🚀",
        long.as_str(),
    ] {
        let id = format!("fixture/odd/{name}/v|<1>");
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    let long_bench = run
        .benchmarks
        .iter()
        .find(|b| b.id.function.as_deref() == Some(long.as_str()))
        .unwrap();
    assert_eq!(
        long_bench.id.function.as_ref().unwrap().chars().count(),
        200
    );
    // criterion cut the folder name; the id is whole
    assert!(long_bench.directory.len() < 200);
    // a `/` inside a function name, and ids with missing parts
    let slash = find(&run, "fixture/ids/a/b/1");
    assert_eq!(slash.id.function.as_deref(), Some("a/b"));
    assert_eq!(slash.directory, "fixture_ids/a_b/1");
    let bare = find(&run, "fixture-bare");
    assert_eq!(
        (bare.id.function.as_deref(), bare.id.value.as_deref()),
        (None, None)
    );
    let value_only = find(&run, "fixture/ids/8");
    assert_eq!(value_only.id.function, None);
    assert_eq!(value_only.id.value.as_deref(), Some("8"));
    let function_only = find(&run, "fixture/ids/function-only");
    assert_eq!(function_only.id.value, None);
    // the run file round-trips the names
    let json = store::to_json(&run);
    let back = store::parse_run(Path::new("mem.json"), &json).unwrap();
    assert_eq!(back, run);
}

#[test]
fn metrics_are_joined_by_id() {
    let run = ingest_fixture(None).run;
    let bytes = find(&run, "fixture/throughput/bytes/64");
    let names: Vec<_> = bytes.metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["compressed_bytes", "ratio"]);
    let ratio = bytes.metrics.iter().find(|m| m.name == "ratio").unwrap();
    assert_eq!(ratio.value, 2.5);
    assert_eq!(ratio.better, report::model::Better::Higher);
    let others = run
        .benchmarks
        .iter()
        .filter(|b| !b.metrics.is_empty())
        .count();
    assert_eq!(others, 1);
}

#[test]
fn metrics_for_unknown_benchmarks_and_bad_metrics_files_warn() {
    let dir = fixture_copy();
    let metrics = dir.path().join("bench-metrics");
    fs::write(
        metrics.join("stray.json"),
        br#"{"schema":1,"benchmark":{"group":"gone","function":null,"value":null},"metrics":[]}"#,
    )
    .unwrap();
    fs::write(metrics.join("broken.json"), b"{\"schema\":1,").unwrap();
    let ingested = ingest(dir.path(), &IngestOptions::default()).unwrap();
    assert_eq!(ingested.run.benchmarks.len(), FIXTURE_BENCHMARKS);
    let w = ingested.warnings.join("\n");
    assert!(w.contains("'gone'"), "{w}");
    assert!(w.contains("broken.json"), "{w}");
}

#[test]
fn codecs_come_from_the_compress_benchmarks_measured() {
    // The fixture has no compress benchmarks: no codecs claimed.
    assert!(ingest_fixture(None).run.context.codecs.is_empty());
    let mut run = ingest_fixture(None).run;
    for (i, f) in ["zstd-3", "gzip-6", "lz4-block", "copy", "zstd-3-dict"]
        .iter()
        .enumerate()
    {
        run.benchmarks[i].id.group = "compress/compress".into();
        run.benchmarks[i].id.function = Some((*f).into());
    }
    assert_eq!(
        context::codecs_measured(&run.benchmarks),
        ["gzip", "lz4", "zstd"]
    );
}

/// One defect applied to the copy of one benchmark's files.
struct Defect {
    name: &'static str,
    file: &'static str,
    reason: &'static str,
    apply: fn(&Path),
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    edit(&mut v);
    fs::write(path, serde_json::to_vec(&v).unwrap()).unwrap();
}

const DEFECTS: &[Defect] = &[
    Defect {
        name: "truncated estimates",
        file: "estimates.json",
        reason: "not a criterion estimates.json file",
        apply: |p| {
            let bytes = fs::read(p).unwrap();
            fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
        },
    },
    Defect {
        name: "empty benchmark.json",
        file: "benchmark.json",
        reason: "not a criterion benchmark.json file",
        apply: |p| fs::write(p, b"").unwrap(),
    },
    Defect {
        name: "malformed benchmark.json",
        file: "benchmark.json",
        reason: "not a criterion benchmark.json file",
        apply: |p| fs::write(p, b"{\"group_id\": 42}").unwrap(),
    },
    Defect {
        name: "missing sample",
        file: "sample.json",
        reason: "No such file",
        apply: |p| fs::remove_file(p).unwrap(),
    },
    Defect {
        name: "NaN mean (criterion writes null)",
        file: "estimates.json",
        reason: "mean: point_estimate is not a number",
        apply: |p| edit_json(p, |v| v["mean"]["point_estimate"] = serde_json::Value::Null),
    },
    Defect {
        name: "negative std dev",
        file: "estimates.json",
        reason: "std_dev: point_estimate is negative",
        apply: |p| edit_json(p, |v| v["std_dev"]["point_estimate"] = (-5.0).into()),
    },
    Defect {
        name: "negative sample time",
        file: "sample.json",
        reason: "sample 3 has time -1",
        apply: |p| edit_json(p, |v| v["times"][3] = (-1.0).into()),
    },
    Defect {
        name: "zero iterations",
        file: "sample.json",
        reason: "sample 0 has zero iterations",
        apply: |p| edit_json(p, |v| v["iters"][0] = 0.0.into()),
    },
    Defect {
        name: "mismatched lengths",
        file: "sample.json",
        reason: "100 iteration counts but 99 times",
        apply: |p| {
            edit_json(p, |v| {
                v["times"].as_array_mut().unwrap().pop();
            })
        },
    },
    Defect {
        name: "no samples",
        file: "sample.json",
        reason: "no samples",
        apply: |p| {
            edit_json(p, |v| {
                v["times"] = serde_json::json!([]);
                v["iters"] = serde_json::json!([]);
            })
        },
    },
    Defect {
        name: "binary garbage",
        file: "sample.json",
        reason: "not a criterion sample.json file",
        apply: |p| fs::write(p, [0xff, 0xfe, 0x00, 0x7b]).unwrap(),
    },
];

#[test]
fn each_bad_benchmark_is_skipped_with_its_file_and_reason() {
    let victim = "fixture_sampling/linear/256";
    for defect in DEFECTS {
        let dir = fixture_copy();
        let file = dir.path().join(victim).join("new").join(defect.file);
        (defect.apply)(&file);
        let ingested = ingest(dir.path(), &IngestOptions::default())
            .unwrap_or_else(|e| panic!("{}: whole ingest failed: {e}", defect.name));
        assert_eq!(
            ingested.run.benchmarks.len(),
            FIXTURE_BENCHMARKS - 1,
            "{}",
            defect.name
        );
        assert!(
            ingested
                .run
                .benchmarks
                .iter()
                .all(|b| b.directory != victim),
            "{}",
            defect.name
        );
        assert_eq!(
            ingested.warnings.len(),
            1,
            "{}: {:?}",
            defect.name,
            ingested.warnings
        );
        let warning = &ingested.warnings[0];
        assert!(
            warning.contains(&file.display().to_string()),
            "{}: warning does not name {}: {warning}",
            defect.name,
            file.display()
        );
        assert!(
            warning.contains(defect.reason),
            "{}: {warning}",
            defect.name
        );
    }
}

#[test]
fn empty_and_non_criterion_directories_are_errors() {
    let empty = tempfile::tempdir().unwrap();
    let err = ingest(empty.path(), &IngestOptions::default()).unwrap_err();
    assert!(matches!(err, IngestError::NotCriterion { .. }), "{err}");
    assert!(
        err.to_string()
            .contains(&empty.path().display().to_string())
    );

    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join("src/new")).unwrap();
    fs::write(other.path().join("src/new/notes.txt"), "hello").unwrap();
    fs::write(other.path().join("Cargo.toml"), "[package]").unwrap();
    let err = ingest(other.path(), &IngestOptions::default()).unwrap_err();
    assert!(matches!(err, IngestError::NotCriterion { .. }), "{err}");

    let missing = empty.path().join("does-not-exist");
    let err = ingest(&missing, &IngestOptions::default()).unwrap_err();
    assert!(err.to_string().contains("does-not-exist"), "{err}");

    let file = empty.path().join("file.json");
    fs::write(&file, "{}").unwrap();
    let err = ingest(&file, &IngestOptions::default()).unwrap_err();
    assert!(matches!(err, IngestError::NotADirectory { .. }), "{err}");
}

#[test]
fn criterion_report_folders_are_ignored() {
    let dir = fixture_copy();
    // criterion's own HTML, with a stray baseline-looking folder inside
    let report = dir.path().join("fixture_sampling/report");
    fs::create_dir_all(report.join("new")).unwrap();
    fs::write(report.join("index.html"), "<html>").unwrap();
    fs::write(report.join("new/benchmark.json"), "not json").unwrap();
    let ingested = ingest(dir.path(), &IngestOptions::default()).unwrap();
    assert!(ingested.warnings.is_empty(), "{:?}", ingested.warnings);
    assert_eq!(ingested.run.benchmarks.len(), FIXTURE_BENCHMARKS);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_outside_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = fixture_copy();
    let outside = fixture_copy();
    // a loop back to the root, and a loop onto itself
    symlink(dir.path(), dir.path().join("fixture_ids/loop")).unwrap();
    symlink("self", dir.path().join("self")).unwrap();
    // a whole criterion tree outside, linked in: must not be read
    symlink(
        outside.path().join("fixture_odd"),
        dir.path().join("elsewhere"),
    )
    .unwrap();
    // a benchmark whose benchmark.json is a link to a file outside
    let victim = dir.path().join("fixture-bare/new/benchmark.json");
    fs::remove_file(&victim).unwrap();
    symlink(
        outside.path().join("fixture-bare/new/benchmark.json"),
        &victim,
    )
    .unwrap();

    let ingested = ingest(dir.path(), &IngestOptions::default()).unwrap();
    assert_eq!(ingested.run.benchmarks.len(), FIXTURE_BENCHMARKS - 1);
    let w = ingested.warnings.join("\n");
    assert!(w.contains("symbolic link"), "{w}");
    assert!(w.contains(&victim.display().to_string()), "{w}");
    assert!(
        ingested
            .run
            .benchmarks
            .iter()
            .all(|b| !b.directory.starts_with("elsewhere")),
        "linked tree was read"
    );
}

#[test]
fn labels_default_from_the_context_and_must_not_be_empty() {
    let mut ctx = report::model::BuildContext::default();
    ctx.toolchain.release = Some("1.95.0".into());
    ctx.target = Some("x86_64-unknown-linux-gnu".into());
    let run = ingest(
        &criterion_fixture(),
        &IngestOptions {
            context: Some(ctx.clone()),
            ..IngestOptions::default()
        },
    )
    .unwrap()
    .run;
    assert_eq!(run.label, "1.95.0 x86_64-unknown-linux-gnu generic");
    assert_eq!(run.context, ctx);
    let err = ingest(
        &criterion_fixture(),
        &IngestOptions {
            label: Some("  ".into()),
            ..IngestOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, IngestError::EmptyLabel));
}

#[test]
fn fixture_run_summary_snapshot() {
    // Everything here comes from the committed fixture files, so it is stable.
    let run = ingest_fixture(None).run;
    let rows: Vec<serde_json::Value> = run
        .benchmarks
        .iter()
        .map(|b| {
            serde_json::json!({
                "id": b.id,
                "directory": b.directory,
                "mode": b.sampling.mode,
                "samples": b.sampling.samples,
                "throughput": b.throughput,
                "has_slope": b.slope.is_some(),
                "reliable": b.percentiles.reliable,
                "metrics": b.metrics.iter().map(|m| &m.name).collect::<Vec<_>>(),
            })
        })
        .collect();
    in_snapshots(|| insta::assert_json_snapshot!("ingest__fixture_run_summary", rows));
}

#[test]
fn detected_context_has_the_documented_shape() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned();
    let ctx = context::detect(&ContextInputs {
        workspace_root: root,
        rustup_toolchain: None,
        target: None,
        target_cpu: Some("native".into()),
        rustflags: Some("-C target-cpu=native".into()),
        profile: "bench".into(),
    });
    // facts of this workspace's manifest and lock file
    assert_eq!(ctx.profile.name.as_deref(), Some("bench"));
    assert_eq!(ctx.profile.opt_level.as_deref(), Some("3"));
    assert_eq!(ctx.profile.codegen_units, Some(1));
    assert_eq!(ctx.profile.lto.as_deref(), Some("thin"));
    assert!(
        ctx.libraries.contains_key("criterion"),
        "{:?}",
        ctx.libraries
    );
    assert!(ctx.libraries.contains_key("serde_json"));
    assert_eq!(ctx.target_cpu.as_deref(), Some("native"));
    let rfc3339 = ctx.recorded_at.as_deref().unwrap();
    assert_eq!(rfc3339.len(), 20, "{rfc3339}");
    assert!(rfc3339.ends_with('Z'));
    // this test machine has rustc on PATH (cargo is running us)
    assert!(ctx.toolchain.release.is_some());
    assert_eq!(ctx.target, ctx.toolchain.host);
    if let Some(n) = ctx.cpu.available_parallelism {
        assert!(n >= 1);
    }
    if cfg!(target_os = "linux") {
        assert!(ctx.memory_bytes.is_some_and(|m| m > 0));
        assert!(ctx.cpu.logical_cpus.is_some());
        assert!(ctx.os.kernel.is_some());
    }
}

fn run_with_label(label: &str) -> Run {
    let mut run = ingest_fixture(None).run;
    run.label = label.to_owned();
    run.benchmarks.truncate(2);
    run
}

#[test]
fn store_round_trips_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with_label("a");
    let path = dir.path().join("nested/run.json");
    store::write_run(&path, &run, false).unwrap();
    assert_eq!(store::read_run(&path).unwrap(), run);
    let other = run_with_label("b");
    let err = store::write_run(&path, &other, false).unwrap_err();
    assert!(matches!(err, StoreError::Exists { .. }), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    // nothing already written is lost, and no temporary file is left
    assert_eq!(store::read_run(&path).unwrap(), run);
    let names: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    store::write_run(&path, &other, true).unwrap();
    assert_eq!(store::read_run(&path).unwrap(), other);
}

#[test]
fn newer_schemas_are_refused_naming_file_and_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.json");
    let mut v = serde_json::to_value(run_with_label("f")).unwrap();
    v["schema"] = (SCHEMA + 1).into();
    fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let err = store::read_run(&path).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("future.json"), "{msg}");
    assert!(msg.contains(&format!("schema {}", SCHEMA + 1)), "{msg}");
    assert!(msg.contains(&format!("schema {SCHEMA}")), "{msg}");
    fs::write(&path, b"[1,2").unwrap();
    let msg = store::read_run(&path).unwrap_err().to_string();
    assert!(
        msg.contains("future.json") && msg.contains("not a run file"),
        "{msg}"
    );
}

#[test]
fn load_runs_reads_folders_and_refuses_duplicate_labels() {
    let dir = tempfile::tempdir().unwrap();
    store::write_run(&dir.path().join("a.json"), &run_with_label("one"), false).unwrap();
    store::write_run(&dir.path().join("b.json"), &run_with_label("two"), false).unwrap();
    fs::write(dir.path().join("notes.txt"), "not a run").unwrap();
    let runs = store::load_runs(&[dir.path().to_owned()]).unwrap();
    let labels: Vec<_> = runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["one", "two"]);

    let dup = dir.path().join("c.json");
    store::write_run(&dup, &run_with_label("one"), false).unwrap();
    let err = store::load_runs(&[dir.path().to_owned()]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("a.json") && msg.contains("c.json") && msg.contains("'one'"),
        "{msg}"
    );

    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        store::load_runs(&[empty.path().to_owned()]),
        Err(StoreError::NoRuns { .. })
    ));
}

#[test]
fn default_run_paths_are_safe_file_names() {
    let mut run = run_with_label("1.95.0 x86_64/linux <native> | \"é\"");
    run.context.recorded_at = Some("2026-04-20T10:11:12Z".into());
    let path = store::default_run_path(Path::new("results"), &run);
    assert_eq!(path.parent(), Some(Path::new("results")));
    let name = path.file_name().unwrap().to_str().unwrap();
    assert_eq!(name, "1.95.0_x86_64_linux_native-2026-04-20T101112Z.json");
    run.label = "..".into();
    let name = store::default_run_path(Path::new("r"), &run);
    assert!(!name.file_name().unwrap().to_str().unwrap().starts_with('.'));
}

#[test]
fn the_command_writes_a_run_and_exits_non_zero_on_bad_directories() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run.json");
    let ok = report_bin()
        .args(["ingest", "--label", "fixture", "-o"])
        .arg(&out)
        .arg(criterion_fixture())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout).trim(),
        out.display().to_string()
    );
    let run = store::read_run(&out).unwrap();
    assert_eq!(run.label, "fixture");
    assert_eq!(run.benchmarks.len(), FIXTURE_BENCHMARKS);
    assert!(run.context.toolchain.release.is_some());

    let again = report_bin()
        .args(["ingest", "-o"])
        .arg(&out)
        .arg(criterion_fixture())
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = report_bin()
        .args(["ingest", "--force", "-o"])
        .arg(&out)
        .arg(criterion_fixture())
        .output()
        .unwrap();
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );

    // default path: results/ under the current directory
    let default = report_bin()
        .args(["ingest", "--label", "x/y"])
        .arg(criterion_fixture())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        default.status.success(),
        "{}",
        String::from_utf8_lossy(&default.stderr)
    );
    let written = PathBuf::from(String::from_utf8_lossy(&default.stdout).trim());
    assert!(written.starts_with("results"), "{}", written.display());
    assert_eq!(
        store::read_run(&dir.path().join(&written)).unwrap().label,
        "x/y"
    );

    let empty = tempfile::tempdir().unwrap();
    let bad = report_bin()
        .arg("ingest")
        .arg(empty.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("not a criterion output directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A minimal JSON Schema check: every object key of the instance is declared
/// in the schema's `properties` (following `$ref`s into `$defs`), every
/// `required` key is present, and `type`, `enum`, `const`, `anyOf`/`oneOf`
/// hold. Enough to keep results/run.schema.json and model.rs in step.
fn check_schema(
    instance: &serde_json::Value,
    schema: &serde_json::Value,
    root: &serde_json::Value,
    at: &str,
) -> Result<(), String> {
    use serde_json::Value;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/$defs/")
            .ok_or_else(|| format!("{at}: unsupported $ref {r}"))?;
        let def = root["$defs"]
            .get(name)
            .ok_or_else(|| format!("{at}: no $defs/{name}"))?;
        return check_schema(instance, def, root, at);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let matching = options
                .iter()
                .filter(|o| check_schema(instance, o, root, at).is_ok())
                .count();
            let ok = if key == "oneOf" {
                matching == 1
            } else {
                matching >= 1
            };
            if !ok {
                return Err(format!(
                    "{at}: {instance} matches {matching} of the {key} options"
                ));
            }
            return Ok(());
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => return Err(format!("{at}: bad type")),
        };
        let actual = match instance {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !fits {
            return Err(format!("{at}: {actual} is not one of {types:?}"));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(instance)
    {
        return Err(format!("{at}: {instance} not in enum"));
    }
    if let Some(c) = schema.get("const")
        && c != instance
    {
        return Err(format!("{at}: {instance} is not {c}"));
    }
    match instance {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for r in required {
                    if !map.contains_key(r.as_str().unwrap_or_default()) {
                        return Err(format!("{at}: missing required {r}"));
                    }
                }
            }
            for (k, v) in map {
                let sub = props
                    .and_then(|p| p.get(k))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
                    .ok_or_else(|| format!("{at}: key '{k}' not declared in the schema"))?;
                check_schema(v, sub, root, &format!("{at}.{k}"))?;
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate().take(3) {
                    check_schema(v, item, root, &format!("{at}[{i}]"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[test]
fn ingested_runs_match_the_published_json_schema() {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results/run.schema.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&fs::read(&schema_path).unwrap()).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["properties"]["schema"]["const"], SCHEMA);
    // a real ingest with a detected context, every optional part filled
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned();
    let ctx = context::detect(&ContextInputs {
        workspace_root: root,
        profile: "bench".into(),
        ..ContextInputs::default()
    });
    let mut run = ingest(
        &criterion_fixture(),
        &IngestOptions {
            context: Some(ctx),
            ..IngestOptions::default()
        },
    )
    .unwrap()
    .run;
    run.context.target_cpu = Some("native".into());
    run.context.rustflags = Some("-C target-cpu=native".into());
    run.context.codecs = vec!["zstd".into()];
    run.resources = Some(report::model::Resources {
        wall_seconds: Some(1.5),
        cpu_seconds: Some(2.0),
        peak_memory_bytes: Some(1 << 20),
    });
    let instance = serde_json::to_value(&run).unwrap();
    check_schema(&instance, &schema, &schema, "run").unwrap();
    // the checker is not vacuous: an undeclared field and a wrong type fail
    let mut extra = instance.clone();
    extra["benchmarks"][0]["surprise"] = 1.into();
    assert!(check_schema(&extra, &schema, &schema, "run").is_err());
    let mut wrong = instance.clone();
    wrong["benchmarks"][0]["sampling"]["mode"] = "Sideways".into();
    assert!(check_schema(&wrong, &schema, &schema, "run").is_err());
    // and the synthetic runs, with all-unknown parts
    for run in report::synth::synthetic_runs(1, 60) {
        check_schema(
            &serde_json::to_value(&run).unwrap(),
            &schema,
            &schema,
            "synthetic",
        )
        .unwrap();
    }
    // and a Python run (context.interpreter), from a real script output
    let python =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/python/cpython-3.11.7.json");
    let run = report::python::read(&python, None).unwrap();
    assert!(run.context.interpreter.is_some());
    check_schema(
        &serde_json::to_value(&run).unwrap(),
        &schema,
        &schema,
        "python",
    )
    .unwrap();
}

#[test]
fn synthetic_trees_ingest_completely() {
    let dir = tempfile::tempdir().unwrap();
    report::synth::write_criterion_tree(dir.path(), 60).unwrap();
    let ingested = ingest(dir.path(), &IngestOptions::default()).unwrap();
    assert!(ingested.warnings.is_empty(), "{:?}", ingested.warnings);
    assert_eq!(ingested.run.benchmarks.len(), 60);
    let flat = ingested
        .run
        .benchmarks
        .iter()
        .filter(|b| b.sampling.mode == SamplingMode::Flat)
        .count();
    assert!(flat > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn criterion_parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let p = Path::new("fuzz.json");
        let _ = crit::parse_benchmark(p, &bytes);
        let _ = crit::parse_estimates(p, &bytes);
        let _ = crit::parse_sample(p, &bytes);
        let _ = store::parse_run(p, &bytes);
    }

    #[test]
    fn mutated_real_files_never_panic(
        which in 0usize..3,
        cut in 0usize..4096,
        flip in any::<u8>(),
        at in 0usize..4096,
    ) {
        let name = ["benchmark.json", "estimates.json", "sample.json"][which];
        let path = criterion_fixture().join("fixture_sampling/linear/256/new").join(name);
        let mut bytes = fs::read(&path).unwrap();
        if !bytes.is_empty() {
            let i = at % bytes.len();
            bytes[i] ^= flip;
            bytes.truncate(cut.max(1).min(bytes.len()));
        }
        let _ = crit::parse_benchmark(&path, &bytes);
        let _ = crit::parse_estimates(&path, &bytes);
        let _ = crit::parse_sample(&path, &bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Arbitrary JSON values in place of a real estimates/sample file: the
    /// ingest finishes, and either reads the benchmark or names the file.
    #[test]
    fn ingest_of_arbitrary_json_values_never_panics(
        which in 0usize..2,
        value in proptest::num::f64::ANY,
        field in 0usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let bench = dir.path().join("g/f/1/new");
        fs::create_dir_all(&bench).unwrap();
        for f in ["benchmark.json", "estimates.json", "sample.json"] {
            fs::copy(criterion_fixture().join("fixture_sampling/linear/256/new").join(f), bench.join(f)).unwrap();
        }
        let file = bench.join(["estimates.json", "sample.json"][which]);
        let number = serde_json::Number::from_f64(value).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null);
        edit_json(&file, |v| {
            if which == 0 {
                let key = ["mean", "median", "std_dev", "slope"][field];
                v[key]["point_estimate"] = number;
            } else {
                let key = ["iters", "times", "iters", "times"][field];
                v[key][field] = number;
            }
        });
        match ingest(dir.path(), &IngestOptions::default()) {
            Ok(i) => prop_assert_eq!(i.run.benchmarks.len(), 1),
            Err(e) => prop_assert!(e.to_string().contains(&file.display().to_string()), "{}", e),
        }
    }
}
