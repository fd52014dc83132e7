//! Reading gungraun's summary files, on the fixture written by a real run
//! (`tests/fixtures/regenerate-gungraun.sh`: bench-uuid's instruction
//! harness under gungraun 0.20.0 / valgrind 3.19). Values are compared with
//! the files' own numbers, never with constants.

use crate::util::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use report::gungraun::{self, Counts, INSTRUCTIONS};
use report::model::{Better, Run};

/// bench-uuid's part of the fixture (bench-compress's has its own tests:
/// `gungraun_compress_more.rs`).
fn fixture() -> PathBuf {
    fixture_path("gungraun-0.20.0/bench-uuid")
}

fn summaries() -> Vec<PathBuf> {
    summary_files(&fixture())
}

/// callgrind's total for `event`, read from the raw JSON.
fn raw_total(path: &Path, event: &str) -> f64 {
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    v["profiles"][0]["data"]["total"]["metrics"][event]["values"]["new"]
        .as_f64()
        .unwrap()
}

#[test]
fn every_real_summary_reads_with_its_criterion_id_and_callgrind_totals() {
    let files = summaries();
    assert_eq!(
        files.len(),
        9,
        "bench-uuid counts 6 generators and 3 text forms"
    );
    for f in &files {
        let c: Counts = gungraun::read_summary(f).unwrap();
        assert!(c.key.starts_with("uuid::"), "{}", c.key);
        if let Some(id) = &c.stated_id {
            assert!(id.starts_with("uuid/"), "{id}");
        }
        let names: Vec<&str> = c.metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "instructions",
                "l1_hits",
                "ll_hits",
                "ram_hits",
                "estimated_cycles"
            ]
        );
        for (m, event) in
            c.metrics
                .iter()
                .zip(["Ir", "L1hits", "LLhits", "RamHits", "EstimatedCycles"])
        {
            assert_eq!(m.value, raw_total(f, event), "{}: {event}", f.display());
            assert_eq!(m.better, Better::Lower);
        }
        assert!(
            c.metrics[0].value > 1000.0,
            "a batch of 1000 runs real code"
        );
    }
}

#[test]
fn counts_attach_to_the_criterion_benchmarks_of_the_same_ids() {
    let mut run = sample_run();
    let attached = gungraun::add_to_run(&mut run, &fixture(), None).unwrap();
    assert_eq!(attached.attached, 9);
    assert!(attached.unmatched.is_empty(), "{:?}", attached.unmatched);
    assert!(attached.warnings.is_empty(), "{:?}", attached.warnings);
    let format = run
        .benchmarks
        .iter()
        .find(|b| b.id.full_id() == "uuid/text/format/1000")
        .unwrap();
    let file = summaries()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("format_1000"))
        .unwrap();
    assert_eq!(gungraun::instructions(format), Some(raw_total(&file, "Ir")));
    // Counts do not land anywhere else.
    let with_counts = run
        .benchmarks
        .iter()
        .filter(|b| gungraun::instructions(b).is_some())
        .count();
    assert_eq!(with_counts, 9);
}

#[test]
fn counts_without_a_criterion_benchmark_are_reported_not_added() {
    let mut run = sample_run();
    run.benchmarks.retain(|b| b.id.group != "uuid/text");
    let attached = gungraun::add_to_run(&mut run, &fixture(), None).unwrap();
    assert_eq!(attached.attached, 6);
    let ids: Vec<&str> = attached
        .unmatched
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    // The fixture's descriptions are whole for these short ids.
    assert_eq!(
        ids,
        [
            "uuid/text/format/1000",
            "uuid/text/parse/1000",
            "uuid/text/v7-timestamp/1000"
        ]
    );
    let warnings = attached.all_warnings();
    assert!(
        warnings[0].contains("no criterion benchmark"),
        "{warnings:?}"
    );
    assert!(
        warnings[0].contains("summary.json"),
        "names the file: {warnings:?}"
    );
}

fn one_summary_text() -> (PathBuf, String) {
    let f = summaries().remove(0);
    let text = fs::read_to_string(&f).unwrap();
    (f, text)
}

#[test]
fn an_unknown_schema_version_is_refused_naming_the_file() {
    let (f, text) = one_summary_text();
    let changed = text.replace("\"version\":\"7\"", "\"version\":\"99\"");
    assert_ne!(
        changed, text,
        "the fixture holds gungraun's compact JSON with a version"
    );
    let err = gungraun::parse_summary(&changed, &f).unwrap_err();
    assert!(
        err.contains("schema v99") && err.contains("summary.json"),
        "{err}"
    );
}

#[test]
fn a_stated_id_that_contradicts_the_key_is_not_attached() {
    let dir = tempfile::tempdir().unwrap();
    let f = summaries()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("format_1000"))
        .unwrap();
    let text = fs::read_to_string(&f).unwrap();
    let changed = text.replace("uuid/text/format/1000", "uuid/text/parse/1000");
    assert_ne!(changed, text);
    fs::write(dir.path().join("summary.json"), changed).unwrap();
    let mut run = sample_run();
    let attached = gungraun::add_to_run(&mut run, dir.path(), None).unwrap();
    assert_eq!(attached.attached, 0);
    assert!(
        attached.warnings[0].contains(
            "state criterion id 'uuid/text/parse/1000' but match 'uuid/text/format/1000'"
        ),
        "{:?}",
        attached.warnings
    );
}

/// What gungraun writes with `--cache-sim=no` (the harnesses' default): the
/// same file with `Ir` as callgrind's only event.
#[test]
fn a_summary_without_the_cache_simulation_reads_as_instructions_only() {
    let (f, text) = one_summary_text();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let metrics = v["profiles"][0]["data"]["total"]["metrics"]
        .as_object_mut()
        .unwrap();
    metrics.retain(|event, _| event == "Ir");
    let c = gungraun::parse_summary(&v.to_string(), &f).unwrap();
    let names: Vec<&str> = c.metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, [INSTRUCTIONS]);
    assert_eq!(c.metrics[0].value, raw_total(&f, "Ir"));
    // The committed sample run has no counts: attaching adds exactly one.
    let mut run = sample_run();
    let before: usize = run.benchmarks.iter().map(|b| b.metrics.len()).sum();
    gungraun::attach(&mut run.benchmarks, vec![c]);
    let after: usize = run.benchmarks.iter().map(|b| b.metrics.len()).sum();
    assert_eq!(after, before + 1, "one instruction count, no cache figure");
}

#[test]
fn a_summary_without_callgrind_counts_is_refused() {
    let (f, text) = one_summary_text();
    let changed = text.replace("\"tool\":\"Callgrind\"", "\"tool\":\"DHAT\"");
    let err = gungraun::parse_summary(&changed, &f).unwrap_err();
    assert!(err.contains("no Callgrind profile"), "{err}");
    let err = gungraun::parse_summary("{", &f).unwrap_err();
    assert!(err.contains("not a gungraun summary"), "{err}");
}

#[test]
fn summaries_older_than_the_run_are_left_out() {
    let future = SystemTime::now() + Duration::from_secs(3600);
    let (counts, warnings) = gungraun::read_dir(&fixture(), Some(future));
    assert!(counts.is_empty() && warnings.is_empty());
    let mut run = sample_run();
    let err = gungraun::add_to_run(&mut run, &fixture(), Some(future)).unwrap_err();
    assert!(err.contains("written by this run"), "{err}");
    let err = gungraun::add_to_run(&mut run, &fixture().join("nope"), None).unwrap_err();
    assert!(err.contains("not a folder"), "{err}");
}

#[test]
fn instruction_metrics_survive_the_run_file() {
    let mut run = sample_run();
    gungraun::add_to_run(&mut run, &fixture(), None).unwrap();
    let text = serde_json::to_string(&run).unwrap();
    let back: Run = serde_json::from_str(&text).unwrap();
    let b = back
        .benchmarks
        .iter()
        .find(|b| b.id.full_id() == "uuid/generate/v4/1000")
        .unwrap();
    assert!(
        b.metrics
            .iter()
            .any(|m| m.name == INSTRUCTIONS && m.value > 0.0)
    );
}

/// The run file named by the environment variable `var`, and its three
/// `uuid/text` benchmarks, each checked to hold a real instruction count.
fn ci_text_run(var: &str) -> (String, Run, Vec<String>) {
    let path =
        std::env::var(var).unwrap_or_else(|_| panic!("{var} names a run file .ci/run wrote"));
    let run: Run = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    // .ci/run builds with cheaper bench settings (CARGO_PROFILE_BENCH_*): the
    // run file must say so, not claim the workspace's release settings.
    if let Ok(level) = std::env::var("CARGO_PROFILE_BENCH_OPT_LEVEL") {
        let profile = &run.context.profile;
        assert_eq!(
            profile.opt_level.as_deref(),
            Some(level.as_str()),
            "{path}: {profile:?}"
        );
        if let Ok(units) = std::env::var("CARGO_PROFILE_BENCH_CODEGEN_UNITS") {
            assert_eq!(
                profile.codegen_units,
                units.parse().ok(),
                "{path}: {profile:?}"
            );
        }
    }
    let mut ids: Vec<String> = run
        .benchmarks
        .iter()
        .filter(|b| b.id.group == "uuid/text")
        .map(|b| b.id.full_id())
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 3, "{path}: format, parse, v7-timestamp");
    for b in run.benchmarks.iter().filter(|b| b.id.group == "uuid/text") {
        let n = gungraun::instructions(b)
            .unwrap_or_else(|| panic!("{path}: {} has no instruction count", b.id.full_id()));
        // 1000 ids per call: tens to a few thousand instructions per id.
        let per_id = n / 1000.0;
        assert!(
            (10.0..10_000.0).contains(&per_id),
            "{path}: {}: {per_id} instructions per id",
            b.id.full_id()
        );
    }
    (path, run, ids)
}

fn metric(run: &Run, id: &str, name: &str) -> Option<f64> {
    let b = run.benchmarks.iter().find(|b| b.id.full_id() == id)?;
    b.metrics.iter().find(|m| m.name == name).map(|m| m.value)
}

/// `.ci/run` runs `report run -p bench-uuid --instructions --filter '^uuid/text/'`
/// twice, with the defaults and with `--cache-sim`, and points this test at
/// the run files: the counts in them come from this build, this valgrind and
/// this machine.
#[test]
#[ignore = "needs the run files of `report run --instructions` in REPORT_INSTRUCTIONS_RUN and REPORT_INSTRUCTIONS_CACHE_SIM_RUN (.ci/run)"]
fn ci_run_has_real_instruction_counts() {
    let (path, run, ids) = ci_text_run("REPORT_INSTRUCTIONS_RUN");
    let cache = [
        gungraun::L1_HITS,
        gungraun::LL_HITS,
        gungraun::RAM_HITS,
        gungraun::ESTIMATED_CYCLES,
    ];
    let (cached_path, cached, cached_ids) = ci_text_run("REPORT_INSTRUCTIONS_CACHE_SIM_RUN");
    assert_eq!(ids, cached_ids, "{cached_path}: the same benchmarks");
    for id in &ids {
        for name in cache {
            assert_eq!(
                metric(&run, id, name),
                None,
                "{path}: {id}: the cache simulation is off by default"
            );
            assert!(
                metric(&cached, id, name).is_some_and(|v| v > 0.0),
                "{cached_path}: {id}: --cache-sim ran the cache simulation ({name})"
            );
        }
        // The simulation observes the program; it does not change what runs.
        let plain = metric(&run, id, INSTRUCTIONS).unwrap();
        let with_cache = metric(&cached, id, INSTRUCTIONS).unwrap();
        assert!(
            (with_cache / plain - 1.0).abs() < 0.005,
            "{id}: {plain} instructions without the cache simulation, {with_cache} with it"
        );
    }
}

#[test]
fn the_summary_shows_instructions_beside_time() {
    let mut run = sample_run();
    gungraun::add_to_run(&mut run, &fixture(), None).unwrap();
    let format = run
        .benchmarks
        .iter()
        .find(|b| b.id.full_id() == "uuid/text/format/1000")
        .unwrap();
    let expected = report::format::count(gungraun::instructions(format).unwrap());
    let text = report::render::summary::render(&run);
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no row {id}"))
            .to_owned()
    };
    assert!(text.contains("Instructions"), "a column header");
    assert!(
        line("uuid/text/format/1000").contains(&expected),
        "{}",
        line("uuid/text/format/1000")
    );
    // Same suite, no harness (SQLite inserts): said, not left blank.
    assert!(line("uuid/sqlite-insert/v4").contains("not counted"));
    // The cache figures stay in the run file, not in the metrics column.
    assert!(!text.contains("l1_hits"));
    // Other suites have no instruction column at all.
    assert!(!line("cpu/").contains("not counted"));
}

#[test]
fn cache_sim_is_refused_without_instructions() {
    // An unknown crate too: should the flag ever be accepted alone, the run
    // stops at planning (with another message) instead of measuring.
    let out = report(&["run", "--cache-sim", "--quick", "-p", "no-such-crate"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--instructions"), "{err}");
}
