//! How long `report ingest` takes to read a criterion tree of 500 benchmarks
//! (the target: under 0.5 s). The tree is written once by
//! `report::synth` outside the timed closure; only `ingest` is measured, with
//! no build-context detection (that runs commands and is timed separately by
//! `report/context` below, because it does not grow with the tree).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use report::context::{self, ContextInputs};
use report::ingest::{IngestOptions, ingest};

const BENCHMARKS: usize = 500;

fn ingest_tree(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    report::synth::write_criterion_tree(dir.path(), BENCHMARKS).expect("synthetic tree written");
    // the workload is checked before it is timed
    let check = ingest(dir.path(), &IngestOptions::default()).expect("synthetic tree ingests");
    assert_eq!(check.run.benchmarks.len(), BENCHMARKS);
    assert!(check.warnings.is_empty(), "{:?}", check.warnings);

    let mut group = c.benchmark_group("report/ingest");
    group.throughput(Throughput::Elements(BENCHMARKS as u64));
    group.bench_with_input(
        BenchmarkId::new("criterion-tree", BENCHMARKS),
        dir.path(),
        |b, path| {
            b.iter(|| {
                let ingested = ingest(black_box(path), &IngestOptions::default()).expect("ingests");
                black_box(ingested.run.benchmarks.len())
            })
        },
    );
    group.finish();
}

fn detect_context(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned();
    let inputs = ContextInputs {
        workspace_root: root,
        profile: "bench".to_owned(),
        ..ContextInputs::default()
    };
    assert!(context::detect(&inputs).toolchain.release.is_some());
    let mut group = c.benchmark_group("report/context");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("detect", "workspace"), |b| {
        b.iter(|| black_box(context::detect(black_box(&inputs))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = ingest_tree, detect_context
}
criterion_main!(benches);
