//! `report ingest` of the Python suite's output (`scripts/benchmark_py314.py
//! --output`), and the doc tables' Python columns filled from it.
//!
//! The fixture `tests/fixtures/python/cpython-3.11.7.json` is a real output
//! of the script (`--iterations 3`). When `PY314_RESULTS` names another
//! output file (`.ci/run` sets it to the file it just produced on the
//! machine's own Python), every check runs on that file too.

use crate::util::*;
use std::path::{Path, PathBuf};

use report::format;
use report::model::{Benchmark, Run, Throughput};
use report::store;
use report::tables::{self, MISSING, Table};

fn fixture() -> PathBuf {
    fixture_path("python/cpython-3.11.7.json")
}

/// The fixture, plus the file `PY314_RESULTS` names.
fn outputs() -> Vec<PathBuf> {
    let mut files = vec![fixture()];
    if let Some(extra) = std::env::var_os("PY314_RESULTS") {
        files.push(PathBuf::from(extra));
    }
    files
}

/// The committed sample Rust run (`results/*.json`): a real `report run`.
fn rust_run() -> Run {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    let runs = store::load_runs(&[results]).expect("results/ holds the sample run");
    runs.into_iter()
        .find(|r| r.context.interpreter.is_none())
        .expect("results/ holds a Rust run")
}

fn raw(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn ingest(path: &Path, dir: &Path) -> Run {
    let out = dir.join("python-run.json");
    let result = report(&[
        "ingest",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    store::read_run(&out).expect("the written run reads back")
}

fn mean(samples: &serde_json::Value) -> f64 {
    let xs: Vec<f64> = samples
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn find<'a>(run: &'a Run, id: &str) -> Option<&'a Benchmark> {
    run.benchmarks.iter().find(|b| b.id.full_id() == id)
}

#[test]
fn ingest_makes_a_run_whose_cell_is_the_interpreter() {
    for path in outputs() {
        let dir = tempfile::tempdir().unwrap();
        let run = ingest(&path, dir.path());
        let doc = raw(&path);
        let rt = &doc["runtime"];
        let mut name = format!("CPython {}", rt["version"].as_str().unwrap());
        if rt["free_threaded_build"].as_bool().unwrap() {
            name.push('t');
        }
        name.push_str(if rt["gil_enabled"].as_bool().unwrap() {
            " (GIL)"
        } else {
            " (no GIL)"
        });
        assert_eq!(run.cell().to_string(), name, "{}", path.display());
        assert_eq!(run.label, name);
        assert!(run.context.toolchain.release.is_none());
        let benches = doc["benchmarks"].as_array().unwrap();
        assert_eq!(run.benchmarks.len(), benches.len());
        for b in benches {
            let id = b["id"].as_str().unwrap();
            let got = find(&run, id).unwrap_or_else(|| panic!("{id} missing"));
            let want = mean(&b["samples_ns"]);
            assert!(
                (got.typical.point - want).abs() <= 1e-9 * want,
                "{id}: {} vs {want}",
                got.typical.point
            );
            assert!(
                got.typical.lower <= want && want <= got.typical.upper,
                "{id}"
            );
            assert_eq!(
                got.sampling.samples as usize,
                b["samples_ns"].as_array().unwrap().len()
            );
        }
        // The kernel ran the Rust chunking with the points recorded.
        let kernel = &doc["kernel"];
        let points =
            kernel["chunks"].as_u64().unwrap() * kernel["points_per_chunk"].as_u64().unwrap();
        assert_eq!(
            find(&run, "cpu/kernel/serial/1").unwrap().throughput,
            Some(Throughput::Elements(points))
        );
        // Every command takes it as it takes a Rust run.
        let file = dir.path().join("python-run.json");
        let file = file.to_str().unwrap();
        for args in [
            vec!["summary", file],
            vec!["markdown", file],
            vec!["diff", "--baseline", file, "--candidate", file],
        ] {
            let out = report(&args);
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                String::from_utf8_lossy(&out.stdout).contains(&name),
                "{args:?} does not name the interpreter"
            );
        }
        let html = dir.path().join("r.html");
        let out = report(&["html", file, "-o", html.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read_to_string(&html).unwrap().contains(&name));
    }
}

fn table<'a>(tables: &'a [Table], prefix: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.title.starts_with(prefix))
        .unwrap_or_else(|| panic!("no table '{prefix}'"))
}

fn cell<'a>(table: &'a Table, row: &str, column: &str) -> &'a str {
    let c = table
        .columns
        .iter()
        .position(|t| t == column)
        .unwrap_or_else(|| {
            panic!(
                "{}: no column '{column}' in {:?}",
                table.title, table.columns
            )
        });
    let r = table
        .rows
        .iter()
        .find(|r| r[0] == row)
        .unwrap_or_else(|| panic!("{}: no row '{row}'", table.title));
    &r[c]
}

#[test]
fn doc_tables_fill_the_python_columns_beside_rust() {
    let rust = rust_run();
    for path in outputs() {
        let dir = tempfile::tempdir().unwrap();
        let python = ingest(&path, dir.path());
        let label = python.label.clone();
        let tables = tables::doc_tables(&[rust.clone(), python.clone()], &tables::builtin_specs());

        let scaling = table(&tables, "Parallel scaling");
        let serial = find(&python, "cpu/kernel/serial/1").unwrap();
        assert_eq!(
            cell(scaling, "CPU serial", &label),
            format::duration_ns(serial.typical.point)
        );
        let four = find(&python, "cpu/kernel/rayon/4").unwrap();
        assert_eq!(
            cell(
                scaling,
                "CPU parallel (4 threads, rayon)",
                &format!("{label}: speedup")
            ),
            format::ratio(serial.typical.point / four.typical.point)
        );
        // Python/Rust per point: the Python kernel has fewer points per chunk.
        let work = |b: &Benchmark| match b.throughput {
            Some(Throughput::Elements(n)) => n as f64,
            other => panic!("kernel throughput {other:?}"),
        };
        let rust_serial = find(&rust, "cpu/kernel/serial/1").unwrap();
        let per_point =
            (serial.typical.point / work(serial)) / (rust_serial.typical.point / work(rust_serial));
        assert_eq!(
            cell(scaling, "CPU serial", &format!("{label}: Python/Rust")),
            format::ratio(per_point)
        );
        // The guide's figures stay as their own reference columns.
        assert_eq!(
            cell(
                scaling,
                "CPU parallel (4 threads, rayon)",
                "3.14t speedup (doc)"
            ),
            "3.8x"
        );

        let uuid = table(&tables, "UUID Generation");
        let v4 = find(&python, "uuid/generate/v4/1000").unwrap();
        assert_eq!(
            cell(uuid, "UUID4 (1000)", &label),
            format::duration_ns(v4.typical.point)
        );
        let v7 = cell(uuid, "UUID7 (1000)", &label);
        let has_v7 = find(&python, "uuid/generate/now_v7/1000").is_some();
        assert_eq!(v7 == MISSING, !has_v7);
        if !has_v7 {
            assert!(
                uuid.notes
                    .iter()
                    .any(|n| n.contains("uuid.uuid7 needs Python 3.14")),
                "{:?}",
                uuid.notes
            );
        }

        let compression = table(&tables, "Compression");
        // The Python-only notes appear because a Python run is in the table
        // (the fixture-only snapshot in tests/all/render.rs shows they do not otherwise).
        assert!(
            compression
                .notes
                .iter()
                .any(|n| n.starts_with("Measured Python runs compress the same bytes")),
            "{:?}",
            compression.notes
        );
        let gzip = find(&python, "compress/compress/gzip-6/json-100k").unwrap();
        assert_eq!(
            cell(compression, "Compress 100KB", &format!("{label}: gzip")),
            format::duration_ns(gzip.typical.point)
        );
        let rust_gzip = find(&rust, "compress/compress/gzip-6/json-100k").unwrap();
        assert_eq!(
            cell(
                compression,
                "Compress 100KB",
                &format!("{label}: gzip Python/Rust")
            ),
            format::ratio(gzip.typical.point / rust_gzip.typical.point)
        );

        let asyncs = table(&tables, "Async");
        let spawn = find(&python, "async/spawn/empty/current_thread").unwrap();
        assert_eq!(
            cell(
                asyncs,
                "Spawn 10,000 empty tasks",
                &format!("{label}: current_thread")
            ),
            format::duration_ns(spawn.typical.point)
        );
    }
}

#[test]
fn bad_files_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture()).unwrap();
    let broken = dir.path().join("broken.json");
    // Still recognisable as the suite's output, but a sample is negative.
    std::fs::write(
        &broken,
        text.replacen("\"samples_ns\": [\n", "\"samples_ns\": [\n  -1,\n", 1),
    )
    .unwrap();
    let out = report(&["ingest", broken.to_str().unwrap(), "-o", "-"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.json") && err.contains("not a positive"),
        "{err}"
    );

    let out = report(&[
        "ingest",
        fixture().to_str().unwrap(),
        "--baseline",
        "main",
        "-o",
        "-",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a Python suite file has none"));

    let newer = dir.path().join("newer.json");
    std::fs::write(
        &newer,
        text.replace("\"format_version\": 1", "\"format_version\": 99"),
    )
    .unwrap();
    let out = report(&["ingest", newer.to_str().unwrap(), "-o", "-"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("newer.json") && err.contains("format_version 99"),
        "{err}"
    );
}
