//! `report html`: every chart SVG is well-formed XML, names from run files
//! are escaped everywhere, the reference run is checked, charts without data
//! become notes, the command's overwrite rule holds, and the page loads in
//! headless Chromium without a console error or a failed request.

use crate::util::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use report::html::{self, HtmlError, HtmlOptions, chart_sections, reference_index};
use report::model::{
    Benchmark, BenchmarkId, BuildContext, Estimate, Metric, Percentiles, Run, Sampling,
    SamplingMode, Throughput,
};
use report::tables;

const EVIL: &str = "<script>alert(1)</script>";

fn estimate(ns: f64) -> Estimate {
    Estimate {
        point: ns,
        lower: ns * 0.97,
        upper: ns * 1.04,
        confidence: 0.95,
        standard_error: ns * 0.01,
    }
}

/// A benchmark `suite/question/function/value` taking `ns` per iteration.
fn bench(id: &str, ns: f64, throughput: Option<Throughput>, metrics: Vec<Metric>) -> Benchmark {
    let parts: Vec<&str> = id.splitn(4, '/').collect();
    let id = BenchmarkId {
        group: format!("{}/{}", parts[0], parts[1]),
        function: parts.get(2).map(|s| (*s).to_owned()),
        value: parts.get(3).map(|s| (*s).to_owned()),
    };
    Benchmark {
        directory: id.full_id(),
        id,
        typical: estimate(ns),
        mean: estimate(ns),
        median: estimate(ns),
        std_dev: estimate(ns * 0.02),
        median_abs_dev: estimate(ns * 0.01),
        slope: Some(estimate(ns)),
        percentiles: Percentiles {
            p50: ns,
            p95: ns * 1.1,
            p99: ns * 1.2,
            reliable: true,
        },
        sampling: Sampling {
            mode: SamplingMode::Linear,
            samples: 10,
            iterations: 550,
            per_iteration_ns: vec![ns; 10],
        },
        throughput,
        metrics,
        interference: None,
    }
}

fn run(label: &str, cores: u32, benchmarks: Vec<Benchmark>) -> Run {
    let mut context = BuildContext::default();
    context.cpu.available_parallelism = Some(cores);
    context.toolchain.release = Some("1.95.0".into());
    context.target = Some("x86_64-unknown-linux-gnu".into());
    context.codecs = vec!["zstd".into(), "gzip".into(), "lz4".into()];
    context.libraries.insert("zstd".into(), "0.14.4".into());
    Run {
        schema: report::model::SCHEMA,
        label: label.to_owned(),
        baseline: "new".into(),
        context,
        benchmarks,
        resources: None,
    }
}

/// A run with data for every chart; `speed` scales every time (2.0 = half as fast).
fn full_run(label: &str, cores: u32, speed: f64) -> Run {
    let t = |ns: f64| ns * speed;
    let elements = Some(Throughput::Elements(1000));
    let mut b = vec![bench("cpu/kernel/serial/1", t(250e6), elements, vec![])];
    for variant in ["rayon", "scoped"] {
        for (threads, n) in [
            ("1", 1.0),
            ("2", 2.0),
            ("4", 4.0),
            ("8", 8.0),
            ("max", 16.0),
        ] {
            let eff = if variant == "rayon" { 0.9 } else { 0.8 };
            let n = if threads == "max" {
                f64::from(cores)
            } else {
                n
            };
            b.push(bench(
                &format!("cpu/kernel/{variant}/{threads}"),
                t(250e6 / (n * eff).max(1.0)),
                elements,
                vec![],
            ));
        }
    }
    for (codec, ns, ratio) in [
        ("zstd-1", 0.2e6, 6.0),
        ("zstd-3", 0.3e6, 7.0),
        ("zstd-19", 20e6, 9.5),
        ("gzip-6", 4e6, 6.5),
        ("lz4-block", 0.08e6, 4.0),
    ] {
        b.push(bench(
            &format!("compress/compress/{codec}/json-100k"),
            t(ns),
            Some(Throughput::Bytes(100_000)),
            vec![Metric::new(
                "ratio",
                ratio,
                "x",
                report::model::Better::Higher,
            )],
        ));
        b.push(bench(
            &format!("compress/decompress/{codec}/json-100k"),
            t(ns / 5.0),
            Some(Throughput::Bytes(100_000)),
            vec![],
        ));
    }
    for (generator, ns) in [("v4", 2.3e6), ("now_v7", 2.4e6), ("v7-ours", 0.05e6)] {
        b.push(bench(
            &format!("uuid/generate/{generator}/1000"),
            t(ns),
            elements,
            vec![],
        ));
    }
    for (kind, ns, bytes) in [("v4", 9e6, 9.0e6), ("v7", 4e6, 5.0e6), ("int", 2e6, 3.0e6)] {
        b.push(bench(
            &format!("uuid/sqlite-insert/{kind}/100000"),
            t(ns),
            elements,
            vec![Metric::new(
                "db_bytes",
                bytes,
                "bytes",
                report::model::Better::Lower,
            )],
        ));
    }
    b.push(bench(
        "async/spawn/empty/current_thread",
        t(1.2e6),
        Some(Throughput::Elements(10_000)),
        vec![],
    ));
    run(label, cores, b)
}

fn runs() -> Vec<Run> {
    vec![
        full_run("1.95.0 x86_64 generic", 8, 1.0),
        full_run("1.95.0 x86_64 native", 8, 0.8),
        full_run("1.89.0 x86_64 generic", 16, 1.3),
    ]
}

fn options(reference: Option<&str>) -> HtmlOptions {
    HtmlOptions {
        reference: reference.map(str::to_owned),
        specs: tables::builtin_specs(),
    }
}

/// Every `<svg>…</svg>` of a page.
fn svgs(page: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("every <svg> is closed") + start + 6;
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_owned())
        .collect()
}

#[test]
fn every_chart_is_drawn_and_is_well_formed_xml() {
    let runs = runs();
    let sections = chart_sections(&runs, 0, true).unwrap();
    let mut drawn = Vec::new();
    for chart in sections.iter().flat_map(|s| &s.charts) {
        let svg = chart
            .svg
            .as_ref()
            .unwrap_or_else(|| panic!("chart {} not drawn: {:?}", chart.id, chart.notes));
        let doc = roxmltree::Document::parse(svg)
            .unwrap_or_else(|e| panic!("chart {} is not well-formed XML: {e}", chart.id));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts = texts(svg);
        assert!(
            texts.iter().any(|t| t.contains(&chart.title)),
            "chart {} has no title text: {texts:?}",
            chart.id
        );
        drawn.push(chart.id.clone());
    }
    for id in [
        "matrix",
        "scaling",
        "compression",
        "decompression",
        "uuid-generate",
        "uuid-sqlite-insert",
        "uuid-sqlite-size",
    ] {
        assert!(drawn.iter().any(|d| d == id), "{id} missing from {drawn:?}");
    }
    // One chart per group.
    assert_eq!(drawn.iter().filter(|d| d.starts_with("group-")).count(), 6);

    // The whole page: every SVG in it parses too, and the legends name the runs.
    let page = html::render(&runs, &options(None)).unwrap();
    let all = svgs(&page);
    assert_eq!(all.len(), drawn.len());
    for svg in all {
        roxmltree::Document::parse(svg).unwrap();
    }
    let scaling = sections[1].charts[0].svg.as_ref().unwrap();
    let legend = texts(scaling);
    // Strategy first, so a long label cut short keeps "rayon"/"scoped".
    for run in &runs {
        for strategy in ["rayon", "scoped"] {
            let entry = format!("{strategy} · {}", run.label);
            assert!(legend.contains(&entry), "{entry}: {legend:?}");
        }
    }
    assert!(legend.iter().any(|t| t == "8 CPUs"), "{legend:?}");
    assert!(legend.iter().any(|t| t == "16 CPUs"), "{legend:?}");
}

#[test]
fn heat_map_is_relative_to_the_reference_and_has_geometric_means() {
    let runs = runs();
    let reference = reference_index(&runs, Some("1.95.0 x86_64 native")).unwrap();
    assert_eq!(reference, 1);
    let sections = chart_sections(&runs, reference, true).unwrap();
    let svg = sections[0].charts[0].svg.as_ref().unwrap();
    let texts = texts(svg);
    assert!(
        texts
            .iter()
            .any(|t| t == "Time relative to 1.95.0 x86_64 native")
    );
    assert!(texts.iter().any(|t| t == "geometric mean"));
    // Every time of run 0 is 1.25x the reference's, of run 2 1.625x.
    assert!(texts.iter().any(|t| t == "1.2x"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "1.6x"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "1.0x"), "{texts:?}");
}

#[test]
fn a_large_matrix_is_aggregated_per_group() {
    let runs = report::synth::synthetic_runs(4, 300);
    let sections = chart_sections(&runs, 0, true).unwrap();
    let matrix = &sections[0].charts[0];
    assert!(
        matrix.notes.iter().any(|n| n.contains("one row per group")),
        "{:?}",
        matrix.notes
    );
    let texts = texts(matrix.svg.as_ref().unwrap());
    let groups: std::collections::BTreeSet<&str> = runs[0]
        .benchmarks
        .iter()
        .map(|b| b.id.group.as_str())
        .collect();
    // Row labels are groups (up to the cap), never individual benchmark ids.
    let first = runs[0].benchmarks[0].id.full_id();
    assert!(!texts.contains(&first), "{first} drawn as a row");
    let group_rows = texts.iter().filter(|t| groups.contains(t.as_str())).count();
    assert_eq!(group_rows, groups.len().min(60));
}

#[test]
fn names_and_labels_are_escaped_in_text_and_in_svg() {
    let mut runs = runs();
    runs[0].label = format!("{EVIL} & \"quoted\"");
    for run in &mut runs {
        run.benchmarks.push(bench(
            &format!("cpu/evil/{EVIL}/1"),
            1000.0,
            Some(Throughput::Elements(1)),
            vec![],
        ));
        run.context.cpu.model = Some(EVIL.into());
    }
    let page = html::render(&runs, &options(None)).unwrap();
    assert!(!page.contains(EVIL), "the raw name reached the page");
    // The only script elements are the page's own: its data and its code.
    assert_eq!(
        page.to_ascii_lowercase().matches("<script").count(),
        2,
        "a script element besides the page's own"
    );
    // In the detail data, escaped for a script element.
    assert!(page.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    // In HTML text (tables, run list, contexts), escaped by tera.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
    // In SVG text, escaped by plotters: it parses back to the name as text.
    let mut found_in_svg = 0;
    for svg in svgs(&page) {
        for t in texts(svg) {
            if t.contains(EVIL) {
                found_in_svg += 1;
            }
        }
    }
    assert!(
        found_in_svg >= 3,
        "name shown as SVG text only {found_in_svg} times"
    );
}

#[test]
fn an_unknown_reference_label_is_an_error_listing_the_labels() {
    let runs = runs();
    let err = html::render(&runs, &options(Some("nightly"))).unwrap_err();
    assert!(matches!(err, HtmlError::UnknownReference { .. }));
    let message = err.to_string();
    assert!(message.contains("'nightly'"), "{message}");
    for run in &runs {
        assert!(message.contains(&run.label), "{message}");
    }
    assert!(matches!(reference_index(&[], None), Err(HtmlError::NoRuns)));
}

#[test]
fn charts_without_data_become_notes() {
    // Only an async benchmark: no scaling, compression or UUID data; one run: no matrix.
    let only_async = vec![run(
        "solo",
        4,
        vec![bench(
            "async/spawn/empty/current_thread",
            1e6,
            Some(Throughput::Elements(10_000)),
            vec![],
        )],
    )];
    let sections = chart_sections(&only_async, 0, true).unwrap();
    let charts: Vec<_> = sections.iter().flat_map(|s| &s.charts).collect();
    for chart in &charts {
        if chart.id.starts_with("group-") {
            assert!(chart.svg.is_some(), "{}", chart.id);
        } else {
            assert!(chart.svg.is_none(), "{} drawn without data", chart.id);
            assert!(!chart.notes.is_empty(), "{} has no note", chart.id);
        }
    }
    let page = html::render(&only_async, &options(None)).unwrap();
    assert_eq!(svgs(&page).len(), 1);
    assert!(page.contains("not drawn"));
    assert!(page.contains("needs at least two runs"));

    // Compression without the ratio metric: the trade-off chart is not drawn.
    let mut runs = runs();
    for run in &mut runs {
        for b in &mut run.benchmarks {
            b.metrics.clear();
        }
    }
    let sections = chart_sections(&runs, 0, true).unwrap();
    let compression = &sections[2].charts[0];
    assert!(compression.svg.is_none());
    let size = sections[3]
        .charts
        .iter()
        .find(|c| c.id == "uuid-sqlite-size")
        .unwrap();
    assert!(size.svg.is_none());
}

#[test]
fn more_runs_than_colours_are_left_out_of_bar_charts_with_a_note() {
    let runs: Vec<Run> = (0..11)
        .map(|i| full_run(&format!("run {i}"), 8, 1.0 + f64::from(i) / 10.0))
        .collect();
    let sections = chart_sections(&runs, 0, true).unwrap();
    let uuid = &sections[3].charts[0];
    assert!(uuid.notes.iter().any(|n| n.contains("first 8 of 11 runs")));
    let legend = texts(uuid.svg.as_ref().unwrap());
    assert!(legend.iter().any(|t| t == "run 7"));
    assert!(!legend.iter().any(|t| t == "run 8"));
    // The matrix shows all of them.
    let matrix = texts(sections[0].charts[0].svg.as_ref().unwrap());
    assert!(matrix.iter().any(|t| t == "run 10"));
}

// ---- the command ----

fn write_run_file(dir: &Path) -> PathBuf {
    let path = dir.join("run.json");
    report::store::write_run(&path, &full_run("cmd run", 4, 1.0), false).unwrap();
    path
}

fn report_html(args: &[&std::ffi::OsStr]) -> std::process::Output {
    report_bin().arg("html").args(args).output().unwrap()
}

#[test]
fn the_command_replaces_only_its_own_reports_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let run = write_run_file(dir.path());
    let out = dir.path().join("report.html");

    // New file.
    let o = report_html(&[run.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with("<!DOCTYPE html>"));
    // Our own report: replaced without --force.
    let o = report_html(&[run.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Someone else's file: kept, with an error naming it.
    let other = dir.path().join("notes.html");
    std::fs::write(&other, "<p>my notes</p>").unwrap();
    let o = report_html(&[run.as_os_str(), "-o".as_ref(), other.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("notes.html") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "<p>my notes</p>");
    // ... unless forced.
    let o = report_html(&[
        run.as_os_str(),
        "-o".as_ref(),
        other.as_os_str(),
        "--force".as_ref(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&other)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );

    // An unknown reference fails before anything is written.
    let fresh = dir.path().join("fresh.html");
    let o = report_html(&[
        run.as_os_str(),
        "-o".as_ref(),
        fresh.as_os_str(),
        "--reference".as_ref(),
        "nope".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'cmd run'"));
    assert!(!fresh.exists());
    // No temporary file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

/// The `<tr id="bench=…">` row of the server-rendered summary in `page`.
fn summary_row<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<tr id=\"bench={id}\">"))
        .unwrap_or_else(|| panic!("no summary row for {id}"));
    let end = page[start..].find("</tr>").unwrap() + start;
    &page[start..end]
}

#[test]
fn without_javascript_each_benchmarks_latest_percentiles_and_outliers_are_in_the_page() {
    let mut older = run(
        "old",
        8,
        vec![bench("cpu/kernel/serial/1", 5e6, None, vec![])],
    );
    older.context.recorded_at = Some("2026-01-01T00:00:00Z".into());
    let mut newer = run(
        "new",
        8,
        vec![bench("cpu/kernel/serial/1", 2e6, None, vec![])],
    );
    newer.context.recorded_at = Some("2026-02-01T00:00:00Z".into());
    // Samples with one high severe and one low mild outlier.
    let mut samples: Vec<f64> = (0..20).map(|i| 2e6 + f64::from(i % 5) * 1e4).collect();
    samples.extend([9e6, 1.95e6]);
    newer.benchmarks[0].sampling.per_iteration_ns = samples;
    newer.benchmarks[0].percentiles.p99 = 7.5e6;
    // The latest run given first: the summary follows recorded_at, not order.
    let page = html::render(&[newer, older], &options(None)).unwrap();
    let summary_start = page.find("<details class=\"stats\">").expect("a summary");
    let row = summary_row(&page, "cpu/kernel/serial/1");
    assert!(page.find(row).unwrap() > summary_start);
    let cells: Vec<&str> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>"))
        .collect();
    // One run per benchmark: no run column.
    assert_eq!(
        cells,
        [
            "22 linear",
            "2.00 ms",
            "2.20 ms",
            "7.50 ms",
            "1.95 ms",
            "9.00 ms",
            "0 / 1 / 0 / 1"
        ]
    );
    // Without the script, every row link's fragment names a summary row.
    assert!(page.contains("href=\"#bench=cpu/kernel/serial/1\""));
}

#[test]
fn summaries_from_several_runs_name_the_run_of_each_row() {
    let mut runs = runs();
    runs[0]
        .benchmarks
        .push(bench("cpu/kernel/solo/1", 3e6, None, vec![]));
    let page = html::render(&runs, &options(None)).unwrap();
    let links = page.matches("href=\"#bench=").count();
    let rows = page.matches("<tr id=\"bench=").count();
    assert!(rows > 20, "{rows} summary rows");
    // Table rows and chart bars link to details; every table row has a summary.
    assert!(links >= rows);
    // No recorded_at: the run given last is the latest (1.3 times slower).
    let row = summary_row(&page, "cpu/kernel/rayon/4");
    assert!(row.contains("<td>10 linear</td><td>90.28 ms</td>"), "{row}");
    assert!(row.contains("title=\"1.89.0 x86_64 generic ("), "{row}");
    // Only the first run has this one, so its group's summary names runs.
    let row = summary_row(&page, "cpu/kernel/solo/1");
    assert!(row.contains("title=\"1.95.0 x86_64 generic ("), "{row}");
    assert!(row.contains("<td>3.00 ms</td>"), "{row}");
    let other = summary_row(&page, "uuid/generate/v4/1000");
    assert!(!other.contains("title="), "one run in that group: {other}");
}

// ---- in a browser ----

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// What one headless Chromium run left behind.
struct BrowserRun {
    stdout: String,
    /// Chromium's log (`--enable-logging=stderr`): console messages appear as `:CONSOLE` lines.
    log: String,
    /// The network log (`--log-net-log`) as text.
    net_log: String,
}

/// Runs Chromium with a closed-network profile and the page at `page`.
fn chromium(extra: &[&str], page: &Path) -> BrowserRun {
    let profile = tempfile::tempdir().unwrap();
    let net_log = profile.path().join("net-log.json");
    let child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .arg(format!("--log-net-log={}", net_log.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => panic!(
            "headless Chromium is needed for this test and could not be started ({e}); \
             install Debian's `chromium` package (.ci/run does: apt-get install -y chromium)"
        ),
    };
    // Drain both pipes while waiting: `--dump-dom` writes more than a pipe holds.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, log) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(status.success(), "chromium failed ({status}): {log}");
    BrowserRun {
        stdout,
        log,
        net_log: std::fs::read_to_string(&net_log).unwrap_or_default(),
    }
}

/// What the page did wrong. The report's script logs nothing, so any console
/// message is a problem: an error, or a load its Content-Security-Policy
/// blocked (every load but inline CSS and the page's own script, allowed by
/// its hash, is blocked, and reported on the console).
/// Requests the page itself started (initiator `null`: a file:// page) are
/// listed from the network log; Chromium's own background requests have no
/// origin and are not the page's doing.
fn page_problems(run: &BrowserRun) -> Vec<String> {
    let mut problems: Vec<String> = run
        .log
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE")
                || l.contains("Failed to load")
                || l.contains("net::ERR_")
                || l.contains("Refused to")
        })
        .map(str::to_owned)
        .collect();
    for initiator in ["\"initiator\":\"null\"", "\"initiator\":\"file://"] {
        let n = run.net_log.matches(initiator).count();
        if n > 0 {
            problems.push(format!(
                "{n} network requests started by the page ({initiator})"
            ));
        }
    }
    problems
}

#[test]
fn the_page_loads_in_headless_chromium_without_errors() {
    let mut runs = runs();
    runs[2].benchmarks.push(bench(
        &format!("cpu/evil/{EVIL}/1"),
        1000.0,
        Some(Throughput::Elements(1)),
        vec![],
    ));
    let page = html::render(&runs, &options(None)).unwrap();
    let target = target_dir();
    std::fs::create_dir_all(&target).unwrap();
    let html_path = target
        .join("report-browser-test.html")
        .canonicalize_or_self();
    std::fs::write(&html_path, &page).unwrap();
    let screenshot = target.join("report-screenshot.png");
    let _ = std::fs::remove_file(&screenshot);

    let shot = format!("--screenshot={}", screenshot.display());
    let run = chromium(
        &[&shot, "--window-size=1400,4000", "--hide-scrollbars"],
        &html_path,
    );
    let problems = page_problems(&run);
    assert!(
        problems.is_empty(),
        "the page logged problems: {problems:#?}"
    );
    let png = std::fs::read(&screenshot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "a suspiciously small screenshot: {} bytes",
        png.len()
    );

    // The DOM the browser built: every chart, no script, the evil name as text.
    let run = chromium(&["--dump-dom"], &html_path);
    let problems = page_problems(&run);
    assert!(
        problems.is_empty(),
        "the page logged problems: {problems:#?}"
    );
    let dom = run.stdout;
    assert_eq!(dom.matches("<svg").count(), svgs(&page).len());
    assert_eq!(dom.to_ascii_lowercase().matches("<script").count(), 2);
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    eprintln!("screenshot: {}", screenshot.display());
}

/// The check above can fail: a page with the report's head that loads an
/// image, a file and a script is caught on every count.
#[test]
fn the_browser_check_catches_loads_and_script_errors() {
    let page = html::render(&runs(), &options(None)).unwrap();
    let bad = page.replacen(
        "<main>",
        "<main><img src=\"missing.png\"><img src=\"http://example.invalid/x.png\">\
         <script>undefinedFunction()</script>",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().canonicalize().unwrap().join("bad.html");
    std::fs::write(&path, bad).unwrap();
    let problems = page_problems(&chromium(&["--dump-dom"], &path));
    let all = problems.join("\n");
    assert!(all.contains("missing.png"), "{all}");
    assert!(all.contains("example.invalid"), "{all}");
    assert!(all.contains("script"), "{all}");

    // Without the policy the network log still shows the request.
    let open = page.replacen(
        "<meta http-equiv=\"Content-Security-Policy\"",
        "<meta name=\"x\"",
        1,
    );
    let open = open.replacen(
        "<main>",
        "<main><img src=\"http://example.invalid/y.png\">",
        1,
    );
    std::fs::write(&path, open).unwrap();
    let problems = page_problems(&chromium(&["--dump-dom"], &path));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("network requests started by the page")),
        "{problems:#?}"
    );
}

trait CanonicalizeOrSelf {
    fn canonicalize_or_self(self) -> PathBuf;
}

impl CanonicalizeOrSelf for PathBuf {
    /// An absolute path for a `file://` URL (the file may not exist yet).
    fn canonicalize_or_self(self) -> PathBuf {
        match (self.parent(), self.file_name()) {
            (Some(dir), Some(name)) => dir
                .canonicalize()
                .map(|d| d.join(name))
                .unwrap_or(self.clone()),
            _ => self,
        }
    }
}

// ---- used as a person would, driven by Playwright ----

/// The Playwright check (`tests/browser/check.mjs`) over a page with a
/// history (one cell, 12 commits), the fixture runs' charts and an evil name:
/// search hides rows, sorting orders, a table row and a chart bar open a
/// detail whose charts are drawn, the group and history charts have
/// tooltips; with JavaScript off, the summaries are there and a row's link
/// opens its own; no console message, page error or request in either.
#[test]
fn the_page_works_in_a_browser_as_a_person_uses_it() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed in {}; scripts/test.sh installs it \
         (npm ci --prefix report/tests/browser)",
        browser_dir.display()
    );
    let mut runs = report::synth::synthetic_history(12, 60);
    let template = full_run("fixture", 8, 1.0);
    for (k, run) in runs.iter_mut().enumerate() {
        // The fixture's chart benchmarks, so every chart section has bars.
        for b in &template.benchmarks {
            if !run.benchmarks.iter().any(|x| x.id == b.id) {
                let mut b = b.clone();
                b.sampling.per_iteration_ns = (0..20)
                    .map(|i| b.typical.point * (1.0 + 0.01 * f64::from(i % 7) + 0.001 * k as f64))
                    .collect();
                run.benchmarks.push(b);
            }
        }
        run.benchmarks.push(bench(
            &format!("cpu/evil/{EVIL}/1"),
            1000.0,
            Some(Throughput::Elements(1)),
            vec![],
        ));
    }
    let page = html::render(&runs, &options(None)).unwrap();
    let target = target_dir();
    let shots = target.join("report-browser-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let html_path = shots.canonicalize().unwrap().join("history-report.html");
    std::fs::write(&html_path, &page).unwrap();
    let output = Command::new("node")
        .env("CHROMIUM", chromium_path())
        .arg(browser_dir.join("check.mjs"))
        .arg(&html_path)
        .arg(&shots)
        .arg("cpu/kernel/rayon")
        .output()
        .unwrap_or_else(|e| panic!("node is needed for this test and could not be started: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the browser check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_str(&stdout).expect("check.mjs prints JSON");
    assert!(result["rows_after"].as_u64().unwrap() < result["rows_before"].as_u64().unwrap());
    assert!(result["detail"]["dots"].as_u64().unwrap() >= 10, "{stdout}");
    // Without JavaScript: one summary per group table, one row per benchmark.
    let off = &result["without_script"];
    assert!(off["summaries"].as_u64().unwrap() >= 5, "{stdout}");
    assert_eq!(off["summary_rows"], off["links"], "{stdout}");
    assert_eq!(off["target"]["open"], true, "{stdout}");
    eprintln!("screenshots: {}", shots.display());
}

/// The `chromium` the other browser tests run, as a path for Playwright
/// (CI puts a wrapper of that name on PATH).
fn chromium_path() -> PathBuf {
    let names: &[&str] = if cfg!(windows) {
        &["chromium.exe", "chromium"]
    } else {
        &["chromium"]
    };
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// The `<title>` texts of the tooltips laid over `svg`, with their links.
fn tooltips(svg: &str) -> Vec<(String, Option<String>)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .map(|t| {
            let link = t
                .ancestors()
                .find(|a| a.has_tag_name("a"))
                .and_then(|a| a.attribute("href"))
                .map(str::to_owned);
            (t.text().unwrap_or("").to_owned(), link)
        })
        .collect()
}

#[test]
fn scaling_and_compression_points_have_tooltips_that_open_their_benchmark() {
    let runs = runs();
    let sections = chart_sections(&runs, 0, true).unwrap();
    let chart = |id: &str| {
        sections
            .iter()
            .flat_map(|s| &s.charts)
            .find(|c| c.id == id)
            .and_then(|c| c.svg.clone())
            .unwrap_or_else(|| panic!("{id} not drawn"))
    };
    let scaling = tooltips(&chart("scaling"));
    let point = scaling
        .iter()
        .find(|(t, _)| t.contains("cpu/kernel/rayon/2"))
        .unwrap_or_else(|| panic!("no tooltip on rayon/2: {scaling:?}"));
    assert!(
        point.0.starts_with(&format!("{}: ", runs[0].label)),
        "{point:?}"
    );
    assert!(
        point.0.contains("2 threads") && point.0.contains("× the serial kernel"),
        "{point:?}"
    );
    assert_eq!(point.1.as_deref(), Some("#bench=cpu/kernel/rayon/2"));
    // One per point of every line: threads x runs x variants.
    let points = scaling
        .iter()
        .filter(|(t, _)| t.contains(" threads: "))
        .count();
    assert!(points >= 2 * runs.len(), "{points} point tooltips");

    let compression = tooltips(&chart("compression"));
    let zstd = compression
        .iter()
        .find(|(t, _)| t.contains("compress/compress/zstd-3/"))
        .unwrap_or_else(|| panic!("no tooltip on zstd-3: {compression:?}"));
    assert!(
        zstd.0.contains("ratio ") && zstd.0.contains("/s"),
        "{zstd:?}"
    );
    assert!(
        zstd.1
            .as_deref()
            .is_some_and(|h| h.starts_with("#bench=compress/compress/zstd-3/")),
        "{zstd:?}"
    );
}
