//! Helpers every test module shares: where the fixtures are, running the
//! built `report` binary, a plausible criterion estimate, and the insta
//! settings that keep the snapshots in `report/tests/snapshots` under their
//! names from before the tests were one binary.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use report::model::{Estimate, Run};

/// A path under `report/tests/fixtures`.
pub fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// The criterion tree that real criterion runs of the fixture crate wrote.
pub fn criterion_fixture() -> PathBuf {
    fixture_path("criterion-0.8.2")
}

/// The `report` binary of this build, not yet run.
pub fn report_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_report"))
}

/// Runs the `report` binary with `args` and waits for it.
pub fn report(args: &[impl AsRef<OsStr>]) -> Output {
    report_bin()
        .args(args)
        .output()
        .expect("the report binary runs")
}

/// Criterion's estimate of `point` ns with a ±1 % interval.
pub fn estimate(point: f64) -> Estimate {
    Estimate {
        point,
        lower: point * 0.99,
        upper: point * 1.01,
        confidence: 0.95,
        standard_error: point * 0.005,
    }
}

/// Runs `assert` with insta reading and writing
/// `report/tests/snapshots/<name>.snap`: the snapshots keep their paths and
/// names (`render__summary_new`) from when each test file was a binary.
pub fn in_snapshots(assert: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(assert);
}

/// The committed sample run in `results/` (a real `report run` of every
/// criterion harness), to which tests attach instruction counts.
pub fn sample_run() -> Run {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    let path = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".json") && !n.contains("schema")
        })
        .unwrap();
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Every gungraun `summary.json` below `dir`, sorted.
pub fn summary_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() == "summary.json" {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
