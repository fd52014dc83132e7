//! `report html` on a long history: reading only the samples the page
//! uses gives the same page, and the markdown report keeps its tables to
//! the latest runs.

use std::path::PathBuf;

use report::html::{self, HtmlOptions};
use report::model::Run;
use report::render::markdown;
use report::{history, store, synth, tables};

/// A fresh folder with the run files of `runs`.
fn written(name: &str, runs: &[Run]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("report-html-more-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for run in runs {
        store::write_run(&store::default_run_path(&dir, run), run, false).unwrap();
    }
    dir
}

#[test]
fn reading_only_the_samples_the_page_uses_gives_the_same_page() {
    // More runs than the history keeps, so some runs are read without samples.
    let runs = synth::synthetic_history(history::MAX_POINTS + 10, 3);
    let dir = written("same-page", &runs);
    let full = store::load_runs(std::slice::from_ref(&dir)).unwrap();
    let lean = store::load_runs_sampling(std::slice::from_ref(&dir), |runs| {
        html::sampled_runs(runs, None)
    })
    .unwrap();
    let sampled = html::sampled_runs(&full, None);
    let without: Vec<usize> = (0..full.len()).filter(|i| !sampled.contains(i)).collect();
    assert!(!without.is_empty(), "the history must leave runs out");
    for (i, (f, l)) in full.iter().zip(&lean).enumerate() {
        assert_eq!(f.label, l.label);
        for (fb, lb) in f.benchmarks.iter().zip(&l.benchmarks) {
            assert_eq!(fb.typical, lb.typical);
            assert!(!fb.sampling.per_iteration_ns.is_empty());
            if sampled.contains(&i) {
                assert_eq!(fb.sampling, lb.sampling);
            } else {
                assert!(
                    lb.sampling.per_iteration_ns.is_empty(),
                    "run {i} kept its samples"
                );
            }
        }
    }
    let options = HtmlOptions {
        reference: None,
        specs: tables::builtin_specs(),
    };
    let page_full = html::render(&full, &options).unwrap();
    let page_lean = html::render(&lean, &options).unwrap();
    assert!(
        page_full == page_lean,
        "the page changed when unused samples were skipped"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_read_again_whole_is_still_checked() {
    let mut runs = synth::synthetic_history(3, 2);
    runs[2].benchmarks[0].sampling.per_iteration_ns[0] = -1.0;
    let dir = written("checked", &runs);
    let error =
        store::load_runs_sampling(std::slice::from_ref(&dir), |runs| (0..runs.len()).collect())
            .unwrap_err()
            .to_string();
    assert!(error.contains("per_iteration_ns[0] is negative"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn markdown_tables_show_the_latest_runs_and_say_how_many_are_left_out() {
    let runs = synth::synthetic_history(markdown::MAX_TABLE_RUNS + 12, 3);
    let text = markdown::render(&runs, &tables::builtin_specs()).unwrap();
    assert!(
        text.contains(&format!(
            "The tables show the latest {} runs; 12 older ones are left out",
            markdown::MAX_TABLE_RUNS
        )),
        "{text}"
    );
    let latest = &runs[markdown::table_runs(&runs)[0]].label;
    let oldest = &runs
        .iter()
        .min_by(|a, b| a.context.recorded_at.cmp(&b.context.recorded_at))
        .unwrap()
        .label;
    let all = text.split("## All benchmarks").nth(1).unwrap();
    let tables = all.split("## Runs").next().unwrap();
    let header = tables.lines().find(|l| l.starts_with("| ")).unwrap();
    assert_eq!(
        header.matches(" | ").count(),
        markdown::MAX_TABLE_RUNS,
        "one column per shown run after the benchmark column: {header}"
    );
    assert!(text.contains(latest.as_str()));
    assert!(
        !tables.contains(oldest.as_str()),
        "the oldest run has a column"
    );
    let few = &runs[..3];
    let text = markdown::render(few, &tables::builtin_specs()).unwrap();
    assert!(!text.contains("older ones are left out"));
}
