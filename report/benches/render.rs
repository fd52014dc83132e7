//! `report/render`: the markdown report over 100 runs x 300 benchmarks of
//! synthetic data (`report::synth`, whose ids fill every doc-shaped table),
//! the size the issue sets a target for (under 1 s and 300 MB peak for the
//! whole `report markdown` command), and the terminal summary of one
//! 300-benchmark run. Loading run files is not timed here: the command-level
//! figure (`/usr/bin/time -v target/release/report markdown ...`) includes it.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use report::render::{markdown, summary};
use report::{synth, tables};

const RUNS: usize = 100;
const BENCHMARKS: usize = 300;

fn render(c: &mut Criterion) {
    let runs = synth::synthetic_runs(RUNS, BENCHMARKS);
    let specs = tables::builtin_specs();

    // What is timed must be right: every doc table filled, one column per run.
    let page = markdown::render(&runs, &specs).expect("the synthetic runs render");
    for title in [
        "### Parallel scaling",
        "### UUID Generation",
        "### Compression",
        "### Async",
    ] {
        assert!(page.contains(title), "{title} missing from the report");
    }
    let header = page
        .lines()
        .find(|l| l.starts_with("| Benchmark "))
        .expect("a table");
    assert!(header.contains("synthetic 99"), "{header}");
    eprintln!(
        "report/render: {RUNS} runs x {BENCHMARKS} benchmarks -> {} bytes of markdown",
        page.len()
    );

    let mut group = c.benchmark_group("report/render");
    group.throughput(Throughput::Elements((RUNS * BENCHMARKS) as u64));
    group.bench_function(format!("markdown/{RUNS}x{BENCHMARKS}"), |b| {
        b.iter(|| markdown::render(black_box(&runs), black_box(&specs)).unwrap())
    });
    group.throughput(Throughput::Elements(BENCHMARKS as u64));
    group.bench_function(format!("summary/{BENCHMARKS}"), |b| {
        b.iter(|| summary::render(black_box(&runs[0])))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = render
}
criterion_main!(benches);
