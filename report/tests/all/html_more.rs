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
    let lean = store::load_runs_sampling(std::slice::from_ref(&dir), html::WHOLE_RUNS, |runs| {
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
    // 0: every run goes through the first pass without samples.
    let error = store::load_runs_sampling(std::slice::from_ref(&dir), 0, |runs| {
        (0..runs.len()).collect()
    })
    .unwrap_err()
    .to_string();
    assert!(error.contains("per_iteration_ns[0] is negative"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn up_to_whole_runs_every_run_is_read_with_its_samples_in_one_pass() {
    let runs = synth::synthetic_history(html::WHOLE_RUNS, 2);
    let dir = written("whole", &runs);
    // The page samples every run this few; the loader must not ask.
    let read = store::load_runs_sampling(std::slice::from_ref(&dir), html::WHOLE_RUNS, |_| {
        panic!("no second pass is needed for {} runs", html::WHOLE_RUNS)
    })
    .unwrap();
    assert_eq!(read, store::load_runs(std::slice::from_ref(&dir)).unwrap());
    assert!(read.iter().all(|r| {
        r.benchmarks
            .iter()
            .all(|b| !b.sampling.per_iteration_ns.is_empty())
    }));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_run_read_without_samples_names_the_file_and_the_line() {
    let runs = synth::synthetic_history(3, 2);
    let dir = written("broken", &runs);
    let victim = store::default_run_path(&dir, &runs[1]);
    let text = std::fs::read_to_string(&victim).unwrap();
    // Break the file after samples the first pass does not keep: the error
    // must still name the file and the place in it.
    let at = text
        .rfind("\"throughput\":")
        .expect("a benchmark with throughput");
    let line = text[..at].lines().count();
    let broken = format!(
        "{}\"throughput\" nul,{}",
        &text[..at],
        &text[at + "\"throughput\":".len()..]
    );
    std::fs::write(&victim, broken).unwrap();
    let error = store::load_runs_sampling(std::slice::from_ref(&dir), 0, |_| Vec::new())
        .unwrap_err()
        .to_string();
    assert!(error.contains(&victim.display().to_string()), "{error}");
    assert!(
        error.contains(&format!("line {line}")),
        "expected line {line}: {error}"
    );
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

#[test]
fn html_filter_makes_a_page_of_the_matching_benchmarks_with_their_details() {
    let runs = synth::synthetic_runs(2, 40);
    let dir = written("filter", &runs);
    let group = runs[0].benchmarks[0].id.group.clone();
    let matching: Vec<String> = runs[0]
        .benchmarks
        .iter()
        .filter(|b| b.id.group == group)
        .map(|b| b.id.full_id())
        .collect();
    assert!(matching.len() < runs[0].benchmarks.len());
    let page = dir.join("page.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_report"))
        .arg("html")
        .arg(&dir)
        .arg("--filter")
        .arg(format!("^{}/", regex_escape(&group)))
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    for b in &runs[0].benchmarks {
        // tera escapes `/` in attributes.
        let row = format!("data-id=\"{}\"", b.id.full_id().replace('/', "&#x2F;"));
        assert_eq!(
            html.contains(&row),
            matching.contains(&b.id.full_id()),
            "{}",
            b.id.full_id()
        );
    }
    // The detail data has the matching benchmarks' samples, and only theirs.
    assert!(html.contains("\"left_out\":false"));
    for b in &runs[0].benchmarks {
        let id = b.id.full_id();
        let detail = format!("\"{id}\":[{{\"r\":0");
        assert_eq!(
            html.contains(&detail),
            matching.contains(&id),
            "detail of {id}"
        );
    }

    // A filter that matches nothing is an error naming it; nothing is written.
    let none = dir.join("none.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_report"))
        .arg("html")
        .arg(&dir)
        .args(["--filter", "zzz-nothing", "-o"])
        .arg(&none)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'zzz-nothing'"));
    assert!(!none.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `text` as a regular expression matching itself.
fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}
