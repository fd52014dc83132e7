//! `report diff` and `report export` over synthetic runs: the classes the
//! method promises (docs/diff-method.md), the exit codes of the binary, and
//! the dashboard formats parsed back.

use crate::util::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use report::diff::{self, Class, DiffOptions, DiffReport};
use report::export;
use report::model::{
    Benchmark, BenchmarkId, BuildContext, Metric, Percentiles, Run, SCHEMA, Sampling, SamplingMode,
    Throughput,
};
use report::model::{Better, Cpu, Toolchain};

// ---------------------------------------------------------------- helpers

/// Deterministic samples around `centre`: uniform relative noise of
/// `spread` (0.01 = ±1 %), from a small LCG so tests never flake.
fn samples(centre: f64, spread: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            centre * (1.0 + spread * (2.0 * u - 1.0))
        })
        .collect()
}

fn bench(id: &str, per_iteration_ns: Vec<f64>) -> Benchmark {
    let parts: Vec<&str> = id.split('/').collect();
    let mean = per_iteration_ns.iter().sum::<f64>() / per_iteration_ns.len().max(1) as f64;
    Benchmark {
        id: BenchmarkId {
            group: format!("{}/{}", parts[0], parts[1]),
            function: parts.get(2).map(|s| s.to_string()),
            value: parts.get(3).map(|s| s.to_string()),
        },
        directory: id.to_owned(),
        typical: estimate(mean),
        mean: estimate(mean),
        median: estimate(mean),
        std_dev: estimate(mean * 0.01),
        median_abs_dev: estimate(mean * 0.01),
        slope: None,
        percentiles: Percentiles {
            p50: mean,
            p95: mean,
            p99: mean,
            reliable: true,
        },
        sampling: Sampling {
            mode: SamplingMode::Flat,
            samples: per_iteration_ns.len() as u64,
            iterations: per_iteration_ns.len() as u64,
            per_iteration_ns,
        },
        throughput: Some(Throughput::Elements(1000)),
        metrics: Vec::new(),
        interference: None,
    }
}

fn run(label: &str, toolchain: &str, benchmarks: Vec<Benchmark>) -> Run {
    Run {
        schema: SCHEMA,
        label: label.to_owned(),
        baseline: "new".to_owned(),
        context: BuildContext {
            toolchain: Toolchain {
                release: Some("1.95.0".into()),
                rustup_toolchain: Some(toolchain.to_owned()),
                ..Toolchain::default()
            },
            target: Some("x86_64-unknown-linux-gnu".into()),
            cpu: Cpu {
                model: Some("Test CPU @ 3.0GHz".into()),
                ..Cpu::default()
            },
            ..BuildContext::default()
        },
        benchmarks,
        resources: None,
    }
}

/// A run of `ids`, each centred on 1 µs times `factor`, with `spread` noise.
fn suite(label: &str, ids: &[&str], factor: f64, spread: f64, n: usize, seed: u64) -> Run {
    let benchmarks = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let centre = 1000.0 * (i + 1) as f64 * factor;
            bench(id, samples(centre, spread, n, seed * 1000 + i as u64))
        })
        .collect();
    run(label, "stable", benchmarks)
}

const IDS: &[&str] = &[
    "cpu/kernel/serial/1",
    "cpu/kernel/rayon/4",
    "uuid/generate/v4/1000",
    "uuid/generate/now_v7/1000",
    "compress/compress/zstd-3/json-100k",
];

/// Entries come in natural order (values by size, with their units) and the
/// context differences are the run facts, by key, worded as every renderer
/// words them.
#[test]
fn entries_in_natural_order_and_context_differences_by_fact_key() {
    let ids = [
        "cpu/granularity/rayon/100us",
        "cpu/granularity/rayon/10ms",
        "cpu/granularity/rayon/10us",
        "cpu/granularity/rayon/1ms",
        "cpu/granularity/rayon/1us",
    ];
    let base = suite("base", &ids, 1.0, 0.01, 50, 1);
    let mut cand = suite("cand", &ids, 1.0, 0.01, 50, 2);
    cand.context.rustflags = Some("-C target-cpu=native".into());
    let report = diff::diff(&[base], &[cand], &defaults()).unwrap();
    let order: Vec<String> = classes(&report).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        order,
        [
            "cpu/granularity/rayon/1us",
            "cpu/granularity/rayon/10us",
            "cpu/granularity/rayon/100us",
            "cpu/granularity/rayon/1ms",
            "cpu/granularity/rayon/10ms"
        ]
    );
    let differences: Vec<(&str, &str, &str)> = report.comparisons[0]
        .context_differences
        .iter()
        .map(|d| (d.field, d.baseline.as_str(), d.candidate.as_str()))
        .collect();
    assert_eq!(
        differences,
        [("rustflags", "not set", "-C target-cpu=native")]
    );
}

fn defaults() -> DiffOptions {
    DiffOptions::with_threshold_pct(5.0).unwrap()
}

fn classes(report: &DiffReport) -> Vec<(String, Class)> {
    report.comparisons[0]
        .entries
        .iter()
        .map(|e| (e.id.clone(), e.class))
        .collect()
}

fn write_run(dir: &Path, run: &Run) -> PathBuf {
    let path = dir.join(format!("{}.json", run.label));
    std::fs::write(&path, serde_json::to_vec_pretty(run).unwrap()).unwrap();
    path
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------- classes

#[test]
fn identical_runs_are_all_unchanged() {
    let a = suite("a", IDS, 1.0, 0.02, 50, 1);
    let report = diff::diff(
        std::slice::from_ref(&a),
        std::slice::from_ref(&a),
        &defaults(),
    )
    .unwrap();
    assert_eq!(report.gating_regressions().count(), 0);
    assert!(
        classes(&report).iter().all(|(_, c)| *c == Class::Unchanged),
        "{:?}",
        classes(&report)
    );
    assert_eq!(report.summary.unchanged, IDS.len());
    let comparison = &report.comparisons[0];
    assert!(comparison.gating);
    assert_eq!(comparison.geomean_ratio, Some(1.0));
    for entry in &comparison.entries {
        assert_eq!(entry.change, Some(0.0));
        assert_eq!(entry.p_value, Some(1.0));
    }
}

#[test]
fn a_a_with_fresh_noise_reports_no_regressions() {
    // 200 benchmarks, two independent draws from the same distributions:
    // uncorrected, about 10 would be "significant" at 0.05.
    let ids: Vec<String> = (0..200).map(|i| format!("cpu/aa/bench/{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    for round in 0..2 {
        let a = suite("a", &ids, 1.0, 0.05, 30, 10 + round);
        let b = suite("b", &ids, 1.0, 0.05, 30, 20 + round);
        let report = diff::diff(
            std::slice::from_ref(&a),
            std::slice::from_ref(&b),
            &defaults(),
        )
        .unwrap();
        assert_eq!(report.summary.regressed, 0, "round {round}");
        assert_eq!(report.summary.improved, 0, "round {round}");
        // Even with no threshold at all, the Holm correction keeps the
        // 200 tests from producing a false alarm.
        let no_threshold = DiffOptions::with_threshold_pct(0.0).unwrap();
        let report = diff::diff(&[a], &[b], &no_threshold).unwrap();
        assert_eq!(report.summary.regressed, 0, "round {round}");
        assert_eq!(report.summary.improved, 0, "round {round}");
        let raw_significant = report.comparisons[0]
            .entries
            .iter()
            .filter(|e| e.p_value.unwrap() < 0.05)
            .count();
        // Without the correction some would have been flagged.
        assert!(raw_significant > 0, "round {round}");
    }
}

#[test]
fn ten_percent_slowdown_with_tight_samples_is_a_regression() {
    let a = suite("a", IDS, 1.0, 0.01, 50, 1);
    let b = suite("b", IDS, 1.10, 0.01, 50, 2);
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    assert_eq!(
        report.summary.regressed,
        IDS.len(),
        "{:?}",
        classes(&report)
    );
    for entry in &report.comparisons[0].entries {
        let change = entry.change.unwrap();
        assert!((change - 0.10).abs() < 0.01, "{entry:?}");
        assert!(entry.change_lower.unwrap() > 0.05 && entry.change_upper.unwrap() < 0.15);
        assert!(entry.p_adjusted.unwrap() < 1e-6);
    }
    let g = report.comparisons[0].geomean_ratio.unwrap();
    assert!((g - 1.10).abs() < 0.01, "{g}");
    for group in &report.comparisons[0].groups {
        assert!(group.regressed >= 1);
        assert!((group.geomean_ratio.unwrap() - 1.10).abs() < 0.01);
    }

    // The same runs the other way round are improvements.
    let a = suite("a", IDS, 1.0, 0.01, 50, 1);
    let b = suite("b", IDS, 1.10, 0.01, 50, 2);
    let back = diff::diff(&[b], &[a], &defaults()).unwrap();
    assert_eq!(back.summary.improved, IDS.len());
    assert_eq!(back.gating_regressions().count(), 0);
}

#[test]
fn two_percent_under_a_five_percent_threshold_is_unchanged() {
    let a = suite("a", IDS, 1.0, 0.005, 50, 1);
    let b = suite("b", IDS, 1.02, 0.005, 50, 2);
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    for entry in &report.comparisons[0].entries {
        // Significant and real, but smaller than the threshold.
        assert!(entry.p_adjusted.unwrap() < 0.05, "{entry:?}");
        assert_eq!(entry.class, Class::Unchanged, "{entry:?}");
    }
    // With a 1 % threshold the same change counts.
    let a = suite("a", IDS, 1.0, 0.005, 50, 1);
    let b = suite("b", IDS, 1.02, 0.005, 50, 2);
    let strict = diff::diff(&[a], &[b], &DiffOptions::with_threshold_pct(1.0).unwrap()).unwrap();
    assert_eq!(strict.summary.regressed, IDS.len());
}

#[test]
fn wide_samples_are_noisy_and_never_gate() {
    let a = suite("a", IDS, 1.0, 0.8, 30, 1);
    let b = suite("b", IDS, 1.0, 0.8, 30, 2);
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    for entry in &report.comparisons[0].entries {
        assert_eq!(entry.class, Class::Noisy, "{entry:?}");
        assert!(
            entry.figures.note.as_deref().unwrap().contains("wider"),
            "{entry:?}"
        );
    }
    assert_eq!(report.gating_regressions().count(), 0);
}

#[test]
fn too_few_samples_are_noisy_even_for_a_big_change() {
    // criterion --quick may keep 2 samples: a +50 % change is shown, not judged.
    let a = suite("a", IDS, 1.0, 0.01, 5, 1);
    let b = suite("b", IDS, 1.5, 0.01, 5, 2);
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    for entry in &report.comparisons[0].entries {
        assert_eq!(entry.class, Class::Noisy);
        assert!((entry.change.unwrap() - 0.5).abs() < 0.02);
        assert!(entry.p_value.is_none());
        assert!(
            entry
                .figures
                .note
                .as_deref()
                .unwrap()
                .contains("too few samples")
        );
    }
}

// ------------------------------------------------------ run-to-run noise

/// `n` benchmarks whose typical times each shift by a different, fixed
/// factor between the runs (spread `sigma` in ln units), as whole benchmarks
/// do between two runs on a shared machine, while each run's own samples
/// stay tight (±1 %).
fn shifted_pair(n: usize, sigma: f64) -> (Run, Run, Vec<String>) {
    let ids: Vec<String> = (0..n).map(|i| format!("cpu/shift/bench/{i}")).collect();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        // A fixed permutation of evenly spaced points in [-1.7, 1.7]:
        // standard deviation ~1, no randomness in the test.
        let z = ((i * 37) % n) as f64 / (n - 1) as f64 * 3.4 - 1.7;
        let centre = 1000.0 * (i + 1) as f64;
        a.push(bench(id, samples(centre, 0.01, 40, i as u64)));
        b.push(bench(
            id,
            samples(centre * (sigma * z).exp(), 0.01, 40, 500 + i as u64),
        ));
    }
    (run("a", "stable", a), run("b", "stable", b), ids)
}

#[test]
fn between_run_shifts_within_the_noise_floor_are_noisy_not_regressions() {
    let (a, b, _) = shifted_pair(40, 0.10);
    // Without the floor the tight within-run samples make most of these
    // shifts "significant": the false alarms of A/A runs on a shared VM.
    let mut no_floor = defaults();
    no_floor.noise_z = 0.0;
    let naive = diff::diff(
        std::slice::from_ref(&a),
        std::slice::from_ref(&b),
        &no_floor,
    )
    .unwrap();
    assert!(
        naive.summary.regressed + naive.summary.improved > 20,
        "{:?}",
        naive.summary
    );

    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    assert_eq!(report.summary.regressed, 0, "{:?}", report.summary);
    assert_eq!(report.summary.improved, 0, "{:?}", report.summary);
    let sigma = report.comparisons[0]
        .run_noise
        .expect("40 pairs estimate it");
    assert!((0.07..0.14).contains(&sigma), "{sigma}");
    let noisy = report.comparisons[0]
        .entries
        .iter()
        .filter(|e| e.class == Class::Noisy)
        .collect::<Vec<_>>();
    assert!(!noisy.is_empty());
    assert!(
        noisy.iter().all(|e| e
            .figures
            .note
            .as_deref()
            .unwrap()
            .contains("run-to-run noise")),
        "{noisy:?}"
    );
    let text = diff::render::text(&report);
    assert!(
        text.contains("run-to-run noise of these two runs: ±"),
        "{text}"
    );
    let md = diff::render::markdown(&report);
    assert!(md.contains("Run-to-run noise"), "{md}");
}

#[test]
fn a_real_regression_stands_out_of_the_run_to_run_noise() {
    let (a, mut b, ids) = shifted_pair(40, 0.10);
    // Three benchmarks get twice as slow on top of the noise.
    for i in [3, 17, 29] {
        let centre = 1000.0 * (i + 1) as f64 * 2.0;
        b.benchmarks[i] = bench(&ids[i], samples(centre, 0.01, 40, 900 + i as u64));
    }
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    let regressed: BTreeSet<&str> = report
        .gating_regressions()
        .map(|(_, e)| e.id.as_str())
        .collect();
    let expected: BTreeSet<&str> = [3, 17, 29].map(|i| ids[i].as_str()).into();
    assert_eq!(regressed, expected, "{:?}", report.summary);
    assert_eq!(report.summary.improved, 0, "{:?}", report.summary);
}

#[test]
fn a_slowdown_of_every_benchmark_is_not_hidden_by_the_noise_floor() {
    // The floor measures spread around the median change, not the change
    // itself: when everything gets 30 % slower, everything is regressed.
    let ids: Vec<String> = (0..30).map(|i| format!("cpu/all/bench/{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let a = suite("a", &ids, 1.0, 0.01, 40, 1);
    let b = suite("b", &ids, 1.3, 0.01, 40, 2);
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    assert_eq!(report.summary.regressed, ids.len(), "{:?}", report.summary);
    assert!(report.comparisons[0].run_noise.unwrap() < 0.02);
}

#[test]
fn too_few_pairs_leave_the_noise_unestimated() {
    let a = suite("a", IDS, 1.0, 0.01, 50, 1);
    let b = suite("b", IDS, 1.10, 0.01, 50, 2);
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    assert!(IDS.len() < defaults().min_noise_pairs);
    assert_eq!(report.comparisons[0].run_noise, None);
    assert!(!diff::render::text(&report).contains("run-to-run noise"));
}

#[test]
fn added_and_removed_benchmarks() {
    let a = suite("a", &IDS[..4], 1.0, 0.01, 30, 1);
    let mut b = suite("b", IDS, 1.0, 0.01, 30, 2);
    b.benchmarks.remove(0); // cpu/kernel/serial/1 removed
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    let classes = classes(&report);
    let class_of = |id: &str| classes.iter().find(|(i, _)| i == id).unwrap().1;
    assert_eq!(class_of("cpu/kernel/serial/1"), Class::Removed);
    assert_eq!(class_of("compress/compress/zstd-3/json-100k"), Class::Added);
    assert_eq!(report.summary.added, 1);
    assert_eq!(report.summary.removed, 1);
    assert_eq!(report.gating_regressions().count(), 0);
}

#[test]
fn different_cells_are_information_only() {
    let stable = suite("stable", IDS, 1.0, 0.01, 50, 1);
    let mut nightly = suite("nightly", IDS, 1.3, 0.01, 50, 2);
    nightly.context.toolchain.rustup_toolchain = Some("nightly".into());
    nightly.context.toolchain.release = Some("1.97.0-nightly".into());
    let report = diff::diff(&[stable], &[nightly], &defaults()).unwrap();
    let comparison = &report.comparisons[0];
    assert!(!comparison.gating);
    assert!(
        comparison
            .info_reason
            .as_deref()
            .unwrap()
            .contains("different cells")
    );
    assert!(
        comparison
            .context_differences
            .iter()
            .any(|d| d.field == "toolchain")
    );
    // Classified for the reader, yet nothing gates.
    assert_eq!(comparison.summary.regressed, IDS.len());
    assert_eq!(report.summary.regressed, 0);
    assert_eq!(report.gating_regressions().count(), 0);
    assert!(diff::render::verdict(&report).contains("No comparable runs"));
}

#[test]
fn matching_cells_gate_and_the_rest_inform() {
    let base = suite("base-stable", IDS, 1.0, 0.01, 50, 1);
    let mut base_nightly = suite("base-nightly", IDS, 1.0, 0.01, 50, 3);
    base_nightly.context.toolchain.rustup_toolchain = Some("nightly".into());
    let cand = suite("cand-stable", IDS, 1.2, 0.01, 50, 2);
    let mut cand_native = suite("cand-native", IDS, 1.2, 0.01, 50, 4);
    cand_native.context.target_cpu = Some("native".into());
    let report = diff::diff(&[base, base_nightly], &[cand, cand_native], &defaults()).unwrap();
    let gating: Vec<_> = report.comparisons.iter().filter(|c| c.gating).collect();
    assert_eq!(gating.len(), 1);
    assert_eq!(gating[0].baseline.label, "base-stable");
    assert_eq!(gating[0].candidate.label, "cand-stable");
    // Information: nightly (baseline only) against both candidates, and
    // native (candidate only) against stable.
    assert_eq!(report.comparisons.len(), 4);
    assert!(report.comparisons[1..].iter().all(|c| !c.gating));
    assert_eq!(report.gating_regressions().count(), IDS.len());
}

#[test]
fn a_different_cpu_model_does_not_gate() {
    let a = suite("a", IDS, 1.0, 0.01, 50, 1);
    let mut b = suite("b", IDS, 1.2, 0.01, 50, 2);
    b.context.cpu.model = Some("Other CPU".into());
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    assert!(!report.comparisons[0].gating);
    assert!(
        report.comparisons[0]
            .info_reason
            .as_deref()
            .unwrap()
            .contains("CPU")
    );
    assert_eq!(report.gating_regressions().count(), 0);
}

#[test]
fn two_runs_of_one_cell_on_a_side_are_refused() {
    let a = suite("a", IDS, 1.0, 0.01, 30, 1);
    let a2 = suite("a2", IDS, 1.0, 0.01, 30, 2);
    let b = suite("b", IDS, 1.0, 0.01, 30, 3);
    let err = diff::diff(&[a, a2], &[b], &defaults()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("'a'") && text.contains("'a2'"), "{text}");
}

#[test]
fn the_diff_is_deterministic() {
    let a = suite("a", IDS, 1.0, 0.05, 40, 1);
    let b = suite("b", IDS, 1.04, 0.05, 40, 2);
    let first = diff::diff(
        std::slice::from_ref(&a),
        std::slice::from_ref(&b),
        &defaults(),
    )
    .unwrap();
    let second = diff::diff(&[a], &[b], &defaults()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn markdown_leads_with_the_verdict_and_the_regressions() {
    let a = suite("a", IDS, 1.0, 0.01, 50, 1);
    let mut b = suite("b", IDS, 1.0, 0.01, 50, 2);
    b.benchmarks[0] = bench("cpu/kernel/serial/1", samples(1100.0, 0.01, 50, 99));
    let report = diff::diff(&[a], &[b], &defaults()).unwrap();
    let md = diff::render::markdown(&report);
    let verdict_line = md
        .lines()
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap();
    assert!(
        verdict_line.contains("1 significant regression beyond the 5.0% threshold"),
        "{md}"
    );
    let regressions = md
        .find("#### Regressions (1)")
        .expect("a regressions table");
    let details = md.find("<details>").expect("the rest collapsed");
    assert!(regressions < details);
    assert!(md.contains("| `cpu/kernel/serial/1` |"));
    // The unchanged ones are inside the collapsed part only.
    assert!(md.rfind("`uuid/generate/v4/1000`").unwrap() > details);
}

// ---------------------------------------------------------------- binary

#[test]
fn fail_on_regression_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_run(dir.path(), &suite("a", IDS, 1.0, 0.01, 50, 1));
    let a_again = write_run(dir.path(), &suite("a-again", IDS, 1.0, 0.01, 50, 5));
    let slow = write_run(dir.path(), &suite("slow", IDS, 1.1, 0.01, 50, 2));

    // A regression with --fail-on-regression: 1, with the list on stderr.
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&slow),
        "--fail-on-regression",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("5 significant regressions"), "{stderr}");
    assert!(stderr.contains("cpu/kernel/serial/1"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("REGRESSED"));

    // The same without the flag: 0.
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&slow),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // No regression with the flag: 0.
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&a_again),
        "--fail-on-regression",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // A higher threshold lets the 10 % through.
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&slow),
        "--threshold",
        "15",
        "--fail-on-regression",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn cross_cell_regressions_never_fail_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_run(dir.path(), &suite("stable", IDS, 1.0, 0.01, 50, 1));
    let mut nightly = suite("nightly", IDS, 1.5, 0.01, 50, 2);
    nightly.context.toolchain.rustup_toolchain = Some("nightly".into());
    let b = write_run(dir.path(), &nightly);
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&b),
        "--fail-on-regression",
        "--allow-empty",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("Information only"), "{md}");
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_run(dir.path(), &suite("a", IDS, 1.0, 0.01, 20, 1));
    let missing = dir.path().join("missing.json");
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&missing),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, b"{not json").unwrap();
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&garbage),
        "--candidate",
        path_str(&a),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage.json"));

    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&a),
        "--threshold=-3",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("threshold"));
}

#[test]
fn json_output_parses_back_and_output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_run(dir.path(), &suite("a", IDS, 1.0, 0.01, 50, 1));
    let b = write_run(dir.path(), &suite("b", IDS, 1.1, 0.01, 50, 2));
    let out_file = dir.path().join("out/diff.json");
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&b),
        "--format",
        "json",
        "-o",
        path_str(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["correction"], "holm-bonferroni");
    assert_eq!(json["summary"]["regressed"], IDS.len());
    let entries = json["comparisons"][0]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), IDS.len());
    assert!(entries.iter().all(|e| e["class"] == "regressed"));

    // -o never replaces a run file.
    let out = report(&[
        "diff",
        "--baseline",
        path_str(&a),
        "--candidate",
        path_str(&b),
        "-o",
        path_str(&a),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        report::store::read_run(&a).is_ok(),
        "the run file is intact"
    );
}

// ---------------------------------------------------------------- export

/// serde_json's default float parsing may differ from the written value in
/// the last bit; what matters is the number, not the bits.
fn close(json: &serde_json::Value, expected: f64) -> bool {
    json.as_f64()
        .is_some_and(|v| (v - expected).abs() <= 1e-12 * expected.abs())
}

fn export_run() -> Run {
    let mut r = suite("stable-ubuntu", &IDS[..2], 1.0, 0.01, 20, 1);
    r.benchmarks[0].throughput = Some(Throughput::Elements(1000));
    r.benchmarks[1].throughput = Some(Throughput::Bytes(1 << 20));
    r.benchmarks[1].metrics = vec![
        Metric::new("ratio", 5.2, "x", Better::Higher),
        Metric::new("compressed_bytes", 2048.0, "bytes", Better::Lower),
    ];
    r
}

#[test]
fn bmf_export_parses_back_with_names_values_and_units() {
    let r = export_run();
    let bmf = export::bmf(std::slice::from_ref(&r)).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&bmf).unwrap()).unwrap();
    let serial = &json["cpu/kernel/serial/1"];
    let t = r.benchmarks[0].typical;
    assert!(close(&serial["latency"]["value"], t.point));
    assert!(close(&serial["latency"]["lower_value"], t.lower));
    assert!(close(&serial["latency"]["upper_value"], t.upper));
    // Elements per second; the slow end of the time is the low end of the rate.
    let ops = serial["throughput"]["value"].as_f64().unwrap();
    assert!((ops - 1000.0 * 1e9 / t.point).abs() < 1e-6 * ops);
    assert!(serial["throughput"]["lower_value"].as_f64().unwrap() < ops);
    assert!(serial["throughput"]["upper_value"].as_f64().unwrap() > ops);
    let rayon = &json["cpu/kernel/rayon/4"];
    assert!(rayon.get("throughput").is_none());
    let bytes = rayon["throughput-bytes"]["value"].as_f64().unwrap();
    assert!(
        (bytes - (1u64 << 20) as f64 * 1e9 / r.benchmarks[1].typical.point).abs() < 1e-6 * bytes
    );
    assert_eq!(rayon["ratio"]["value"].as_f64(), Some(5.2));
    assert_eq!(rayon["compressed_bytes"]["value"].as_f64(), Some(2048.0));
    assert_eq!(json.as_object().unwrap().len(), 2);
}

#[test]
fn github_action_benchmark_export_parses_back() {
    let r = export_run();
    let entries = export::github_action_benchmark(std::slice::from_ref(&r)).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&entries).unwrap()).unwrap();
    let list = json.as_array().unwrap();
    // Two times plus the one lower-is-better metric; `ratio` (higher is
    // better) has no place in customSmallerIsBetter.
    assert_eq!(list.len(), 3, "{json:#}");
    assert_eq!(list[0]["name"], "cpu/kernel/serial/1");
    assert_eq!(list[0]["unit"], "ns/iter");
    assert!(close(&list[0]["value"], r.benchmarks[0].typical.point));
    assert!(list[0]["range"].as_str().unwrap().starts_with("± "));
    assert!(list[0]["extra"].as_str().unwrap().contains("samples: 20"));
    assert_eq!(list[2]["name"], "cpu/kernel/rayon/4 (compressed_bytes)");
    assert_eq!(list[2]["unit"], "bytes");
    assert!(
        list.iter()
            .all(|e| e["name"] != "cpu/kernel/rayon/4 (ratio)")
    );
}

#[test]
fn export_of_several_runs_prefixes_labels_via_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_run(dir.path(), &export_run());
    let mut other = export_run();
    other.label = "nightly-ubuntu".into();
    let b = write_run(dir.path(), &other);
    let out = report(&["export", path_str(&a), path_str(&b), "--format", "bmf"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(names.len(), 4);
    assert!(
        json.get("stable-ubuntu/cpu/kernel/serial/1").is_some(),
        "{names:?}"
    );
    assert!(
        json.get("nightly-ubuntu/cpu/kernel/rayon/4").is_some(),
        "{names:?}"
    );

    let out_file = dir.path().join("gab.json");
    let out = report(&[
        "export",
        path_str(&a),
        "--format",
        "github-action-benchmark",
        "-o",
        path_str(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(json[0]["name"], "cpu/kernel/serial/1");
}
