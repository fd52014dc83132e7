//! Benchmarks that exercise every shape of criterion output `report ingest`
//! must read: every throughput kind, Linear and Flat sampling, ids with and
//! without function/value, and names with characters that break naive
//! renderers or file systems. Also records non-time metrics via bench-metrics.

use std::hint::black_box;

use bench_metrics::{BenchmarkKey, Better, Metric, Recorder};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use report_fixture::work;

fn throughput_kinds(c: &mut Criterion) {
    let mut group = c.benchmark_group("fixture/throughput");
    let kinds = [
        ("bytes", Throughput::Bytes(1024)),
        ("bytes-decimal", Throughput::BytesDecimal(1000)),
        ("elements", Throughput::Elements(64)),
        ("bits", Throughput::Bits(8192)),
        (
            "elements-and-bytes",
            Throughput::ElementsAndBytes {
                elements: 64,
                bytes: 512,
            },
        ),
    ];
    for (name, throughput) in kinds {
        group.throughput(throughput);
        group.bench_with_input(BenchmarkId::new(name, 64), &64u64, |b, &n| {
            b.iter(|| work(black_box(n)))
        });
    }
    group.finish();
    // A non-time metric joined by `report ingest` to fixture/throughput/bytes/64.
    Recorder::from_env()
        .record(
            &BenchmarkKey::new("fixture/throughput", "bytes", 64),
            &[
                Metric::new("ratio", 2.5, "x", Better::Higher),
                Metric::new("compressed_bytes", 410.0, "bytes", Better::Lower),
            ],
        )
        .expect("metrics file written");
}

fn sampling_modes(c: &mut Criterion) {
    let mut group = c.benchmark_group("fixture/sampling");
    group.sampling_mode(SamplingMode::Linear);
    group.bench_function(BenchmarkId::new("linear", 256), |b| {
        b.iter(|| work(black_box(256)))
    });
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function(BenchmarkId::new("flat", 20000), |b| {
        b.iter(|| work(black_box(20_000)))
    });
    group.finish();
}

fn id_shapes(c: &mut Criterion) {
    // group only: function and value are null in benchmark.json
    c.bench_function("fixture-bare", |b| b.iter(|| work(black_box(16))));
    let mut group = c.benchmark_group("fixture/ids");
    // value only
    group.bench_with_input(BenchmarkId::from_parameter(8), &8u64, |b, &n| {
        b.iter(|| work(black_box(n)))
    });
    // function only
    group.bench_function("function-only", |b| b.iter(|| work(black_box(8))));
    // a `/` inside a name makes full_id ambiguous; directory_name stays unique
    group.bench_with_input(BenchmarkId::new("a/b", 1), &1u64, |b, &n| {
        b.iter(|| work(black_box(n)))
    });
    group.finish();
}

fn odd_names(c: &mut Criterion) {
    let mut group = c.benchmark_group("fixture/odd");
    let long = format!("long-{}", "x".repeat(195));
    let names = [
        "pipe|name",
        "<script>alert(1)</script>",
        "quote\"double 'single'",
        "unicode-é-日本-🚀",
        long.as_str(),
    ];
    for name in names {
        group.bench_with_input(BenchmarkId::new(name, "v|<1>"), &4u64, |b, &n| {
            b.iter(|| work(black_box(n)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(100))
        .measurement_time(std::time::Duration::from_millis(300));
    targets = throughput_kinds, sampling_modes, id_shapes, odd_names
}
criterion_main!(benches);
