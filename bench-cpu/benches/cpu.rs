//! Criterion harness for bench-cpu: `cpu/kernel`, `cpu/frames`,
//! `cpu/granularity` and `cpu/general` (ids listed in the crate README).
//!
//! Every pool, input and output buffer is made before `b.iter`, so the timed
//! closure holds only the work the id names.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::time::Duration;

use bench_cpu::frames::{self, Normalization, Preprocessor};
use bench_cpu::granularity::{self, Sweep};
use bench_cpu::kernel::{self, KernelSpec};
use bench_cpu::threads::{self, ThreadCount};
use bench_cpu::{events, frames::synthetic_batch};
use bench_metrics::HarnessMode;
use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

/// `full` when measuring, `full / divisor` otherwise (test and list modes,
/// by criterion's own rules: [`HarnessMode`]). Test mode runs the same code on
/// scaled-down inputs, because `cargo test --all-targets` builds our code
/// unoptimised; measurements always use the full sizes.
fn scaled(full: u64, divisor: u64) -> u64 {
    if HarnessMode::current().measures() {
        full
    } else {
        full / divisor
    }
}

fn pool(threads: NonZeroUsize) -> rayon::ThreadPool {
    threads::pool(threads).unwrap_or_else(|e| panic!("cannot build a {threads}-thread pool: {e}"))
}

/// Serial vs rayon vs scoped threads at 1, 2, 4, 8 and `max` threads.
fn kernel(c: &mut Criterion) {
    let spec = KernelSpec {
        points_per_chunk: scaled(KernelSpec::BENCH.points_per_chunk, 128),
        ..KernelSpec::BENCH
    };
    let mut group = c.benchmark_group("cpu/kernel");
    group.throughput(Throughput::Elements(spec.points()));
    // ~175 ms per serial iteration: flat sampling, criterion's minimum of 10 samples.
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function(BenchmarkId::new("serial", 1), |b| {
        b.iter(|| kernel::serial(black_box(&spec)))
    });
    for count in ThreadCount::SCALING {
        let pool = pool(count.get());
        group.bench_function(BenchmarkId::new("rayon", count), |b| {
            b.iter(|| kernel::rayon(black_box(&spec), &pool))
        });
    }
    for count in ThreadCount::SCALING {
        let threads = count.get();
        group.bench_function(BenchmarkId::new("scoped", count), |b| {
            b.iter(|| kernel::scoped(black_box(&spec), threads))
        });
    }
    group.finish();
}

const SIZES_MATCH: &str = "frames and outputs come from the same preprocessor";

/// 8 frames 1920x1080 RGB8 -> 640x640 f32 CHW: serial, per frame, per row.
fn frames(c: &mut Criterion) {
    let side = |full: usize| scaled(full as u64, 10) as usize;
    let (source, model) = (frames::SOURCE, frames::MODEL);
    let (source, model) = (
        (side(source.0), side(source.1)),
        (side(model.0), side(model.1)),
    );
    let batch = synthetic_batch(frames::BATCH, source.0, source.1, frames::SEED);
    let pre = Preprocessor::new(source, model, Normalization::IMAGENET)
        .expect("benchmark frame sizes are valid");
    let mut outputs = vec![pre.output(); batch.len()];
    let pool = pool(ThreadCount::Max.get());
    let max = ThreadCount::Max;

    let mut group = c.benchmark_group("cpu/frames");
    group.throughput(Throughput::Elements(batch.len() as u64));
    // ~40 ms per serial iteration: flat sampling, 20 samples fit ~3 s.
    group.sampling_mode(SamplingMode::Flat).sample_size(20);
    group.bench_function(BenchmarkId::new("serial", 1), |b| {
        b.iter(|| {
            pre.batch_serial(black_box(&batch), black_box(&mut outputs))
                .expect(SIZES_MATCH)
        })
    });
    group.bench_function(BenchmarkId::new("rayon-per-frame", max), |b| {
        b.iter(|| {
            pre.batch_per_frame(black_box(&batch), black_box(&mut outputs), &pool)
                .expect(SIZES_MATCH)
        })
    });
    group.bench_function(BenchmarkId::new("rayon-per-row", max), |b| {
        b.iter(|| {
            pre.batch_per_row(black_box(&batch), black_box(&mut outputs), &pool)
                .expect(SIZES_MATCH)
        })
    });
    group.finish();
}

/// The same total work in chunks of ~1 µs to ~10 ms, serial vs rayon (`max`).
fn granularity(c: &mut Criterion) {
    let pool = pool(ThreadCount::Max.get());
    let mut group = c.benchmark_group("cpu/granularity");
    group.throughput(Throughput::Elements(scaled(granularity::TOTAL_POINTS, 100)));
    // ~80 ms per serial iteration.
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for size in granularity::CHUNK_SIZES {
        let sweep = Sweep::new(
            scaled(granularity::TOTAL_POINTS, 100),
            scaled(size.points, 100),
        )
        .expect("benchmark chunk sizes divide the total");
        group.bench_function(BenchmarkId::new("serial", size.label), |b| {
            b.iter(|| black_box(&sweep).serial())
        });
        group.bench_function(BenchmarkId::new("rayon", size.label), |b| {
            b.iter(|| black_box(&sweep).rayon(&pool))
        });
    }
    group.finish();
}

/// JSON, sorting and aggregation of 1000 detection events, one thread.
fn general(c: &mut Criterion) {
    let batch = events::synthetic_events(events::BATCH, events::SEED);
    let json = events::encode(&batch).expect("events serialise");
    let n = batch.len();

    let mut group = c.benchmark_group("cpu/general");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("json-encode", n), |b| {
        b.iter(|| events::encode(black_box(&batch)))
    });
    group.bench_function(BenchmarkId::new("json-decode", n), |b| {
        b.iter(|| events::decode(black_box(&json)))
    });
    // Each iteration sorts a fresh unsorted copy; the copy is not timed.
    group.bench_function(BenchmarkId::new("sort-by-time", n), |b| {
        b.iter_batched_ref(
            || batch.clone(),
            |events| events::sort_by_time(black_box(events)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("aggregate-per-camera", n), |b| {
        b.iter(|| events::aggregate_per_camera(black_box(&batch)))
    });
    group.finish();
}

criterion_group! {
    name = cpu;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = kernel, frames, granularity, general
}
criterion_main!(cpu);
