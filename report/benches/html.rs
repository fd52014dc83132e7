//! `report/html`: the whole HTML report (charts, tables, contexts) for 100
//! runs x 300 benchmarks of synthetic data (`report::synth`), the size the
//! issue sets a target for (under 2 s, under 5 MB). The output size is
//! printed once, beside criterion's timing.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use report::html::{self, HtmlOptions};
use report::{synth, tables};

const RUNS: usize = 100;
const BENCHMARKS: usize = 300;

fn html_report(c: &mut Criterion) {
    let runs = synth::synthetic_runs(RUNS, BENCHMARKS);
    let options = HtmlOptions {
        reference: None,
        specs: tables::builtin_specs(),
    };
    let page = html::render(&runs, &options).expect("the synthetic runs render");
    eprintln!(
        "report/html: {RUNS} runs x {BENCHMARKS} benchmarks -> {} bytes ({:.2} MB), {} charts",
        page.len(),
        page.len() as f64 / 1e6,
        page.matches("<svg").count()
    );
    let mut group = c.benchmark_group("report/html");
    group.throughput(Throughput::Elements((RUNS * BENCHMARKS) as u64));
    group.sample_size(10);
    group.bench_function(format!("render/{RUNS}x{BENCHMARKS}"), |b| {
        b.iter(|| html::render(black_box(&runs), black_box(&options)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(5));
    targets = html_report
}
criterion_main!(benches);
