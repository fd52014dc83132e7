//! Criterion harness for bench-uuid. Ids: `uuid/<question>/<variant>/<parameter>`
//! (see the crate README for what each one measures).
//!
//! Budgets are in the `criterion_group!` config so command-line flags apply;
//! only the SQLite and BTreeMap groups, whose iterations take milliseconds,
//! change the sampling per group.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bench_metrics::{BenchmarkKey, Better, Metric, Recorder};
use bench_uuid::sqlite::{EventStore, KeyKind};
use bench_uuid::{btree, generate, payload, text};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use uuid::Uuid;

/// Ids per iteration of the generation and text groups, rows per SQLite batch.
const BATCH: usize = 1000;
/// Rows in the SQLite table before each timed batch (see the README).
const SQLITE_ROWS: [u64; 3] = [10_000, 100_000, 1_000_000];
/// Keys inserted into a fresh `BTreeMap` per iteration.
const BTREE_KEYS: [usize; 2] = [1_000, 100_000];

/// A batch generator: one id per slot.
type Fill = fn(&mut [Uuid]);

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("uuid/generate");
    group.throughput(Throughput::Elements(BATCH as u64));
    // Allocated once, outside the timed region; each iteration overwrites it.
    let mut ids = vec![Uuid::nil(); BATCH];
    let fills: [(&str, Fill); 5] = [
        ("v4", generate::fill_v4),
        ("now_v7", generate::fill_now_v7),
        ("new_v7-nocontext", generate::fill_new_v7_nocontext),
        ("v7-ours", generate::fill_v7_ours),
        ("v7-ours-exact-clock", generate::fill_v7_ours_exact_clock),
    ];
    for (name, fill) in fills {
        group.bench_function(BenchmarkId::new(name, BATCH), |b| {
            b.iter(|| {
                fill(black_box(&mut ids));
                black_box(&ids);
            })
        });
    }
    group.bench_function(BenchmarkId::new("v4-os-rng", BATCH), |b| {
        b.iter(|| {
            generate::fill_v4_os_rng(black_box(&mut ids)).expect("OS random generator");
            black_box(&ids);
        })
    });
    group.finish();
}

fn text_forms(c: &mut Criterion) {
    let mut group = c.benchmark_group("uuid/text");
    group.throughput(Throughput::Elements(BATCH as u64));
    let ids: Vec<Uuid> = (0..BATCH).map(|_| Uuid::now_v7()).collect();
    let mut formatted = Vec::with_capacity(BATCH * text::HYPHENATED_LEN);
    text::format_hyphenated(&ids, &mut formatted);
    let mut out = Vec::with_capacity(BATCH * text::HYPHENATED_LEN);
    group.bench_function(BenchmarkId::new("format", BATCH), |b| {
        b.iter(|| {
            text::format_hyphenated(black_box(&ids), &mut out);
            black_box(&out);
        })
    });
    let mut parsed = Vec::with_capacity(BATCH);
    group.bench_function(BenchmarkId::new("parse", BATCH), |b| {
        b.iter(|| {
            text::parse_hyphenated(black_box(&formatted), &mut parsed).expect("ids we formatted");
            black_box(&parsed);
        })
    });
    group.bench_function(BenchmarkId::new("v7-timestamp", BATCH), |b| {
        b.iter(|| black_box(text::v7_millis_sum(black_box(&ids)).expect("v7 ids")))
    });
    group.finish();
}

fn btreemap(c: &mut Criterion) {
    let mut group = c.benchmark_group("uuid/btreemap-insert");
    // 100 000 inserts take milliseconds: 20 samples keep the linear sampling
    // within the default measurement time.
    group.sample_size(20);
    for n in BTREE_KEYS {
        group.throughput(Throughput::Elements(n as u64));
        let keys: [(&str, Vec<Uuid>); 2] = [
            ("v4", (0..n).map(|_| Uuid::new_v4()).collect()),
            ("v7", (0..n).map(|_| Uuid::now_v7()).collect()),
        ];
        for (name, keys) in &keys {
            group.bench_function(BenchmarkId::new(*name, n), |b| {
                b.iter_with_large_drop(|| btree::build_index(black_box(keys)))
            });
        }
    }
    group.finish();
}

fn sqlite_insert(c: &mut Criterion) {
    let mut group = c.benchmark_group("uuid/sqlite-insert");
    group.throughput(Throughput::Elements(BATCH as u64));
    // An iteration is a durable 1000-row transaction plus untimed retention
    // work: milliseconds to tens of milliseconds, so few flat samples.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    let payloads: Vec<String> = (0..BATCH as u64).map(payload::event_json).collect();
    let recorder = recording_enabled().then(Recorder::from_env);
    for rows in SQLITE_ROWS {
        for kind in KeyKind::ALL {
            let dir = tempfile::tempdir().expect("a temporary directory for the database");
            let path = dir.path().join(format!("events-{kind}-{rows}.db"));
            // Pre-filled on first use, so a filtered-out benchmark costs nothing.
            let mut store: Option<EventStore> = None;
            let (mut wal_frames, mut batches) = (0u64, 0u64);
            group.bench_function(BenchmarkId::new(kind.label(), rows), |b| {
                let store = store.get_or_insert_with(|| {
                    EventStore::create(&path, kind, rows).unwrap_or_else(|e| panic!("{e}"))
                });
                b.iter_custom(|iters| {
                    let mut keys = Vec::with_capacity(BATCH);
                    let mut timed = Duration::ZERO;
                    for _ in 0..iters {
                        store.make_keys(BATCH, &mut keys);
                        let start = Instant::now();
                        let (inserted, checkpoint) = store
                            .insert_durably(black_box(&keys), &payloads)
                            .unwrap_or_else(|e| panic!("{e}"));
                        timed += start.elapsed();
                        assert_eq!(inserted, BATCH);
                        wal_frames += checkpoint.wal_frames;
                        batches += 1;
                        // Untimed: back to `rows` rows for the next iteration.
                        store.retire_oldest(BATCH).unwrap_or_else(|e| panic!("{e}"));
                    }
                    timed
                })
            });
            if let Some(store) = store {
                report_store(&store, rows, wal_frames, batches, recorder.as_ref());
            }
        }
    }
    group.finish();
}

/// Prints the table's shape and records it as metrics of its benchmark.
fn report_store(
    store: &EventStore,
    rows: u64,
    wal_frames: u64,
    batches: u64,
    recorder: Option<&Recorder>,
) {
    let stats = store.stats().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        stats.rows,
        rows,
        "{}: retention window broken",
        store.path().display()
    );
    let key = BenchmarkKey::new("uuid/sqlite-insert", store.kind().label(), rows);
    let wal_pages = wal_frames as f64 / batches.max(1) as f64;
    let mut metrics = vec![
        Metric::new("db_bytes", stats.db_bytes as f64, "bytes", Better::Lower),
        Metric::new(
            "page_count",
            stats.page_count as f64,
            "pages",
            Better::Lower,
        ),
        Metric::new(
            "freelist_count",
            stats.freelist_count as f64,
            "pages",
            Better::Neither,
        ),
        Metric::new("wal_pages_per_batch", wal_pages, "pages", Better::Lower),
    ];
    if let Some(fill) = stats.leaf_fill {
        metrics.push(Metric::new("index_fill", fill * 100.0, "%", Better::Higher));
    }
    println!(
        "{}: {} rows, {} bytes, {} pages, {} free, leaf fill {}, {:.1} WAL pages per batch ({} batches)",
        key.full_id(),
        stats.rows,
        stats.db_bytes,
        stats.page_count,
        stats.freelist_count,
        stats
            .leaf_fill
            .map_or("n/a".to_owned(), |f| format!("{:.1}%", f * 100.0)),
        wal_pages,
        batches
    );
    if let Some(recorder) = recorder
        && let Err(e) = recorder.record(&key, &metrics)
    {
        eprintln!("warning: metrics of {} not recorded: {e}", key.full_id());
    }
}

/// Metrics describe measured runs only, as criterion's own files do: not
/// `cargo test --benches`, `--test` smoke runs, `--list` or `--profile-time`.
fn recording_enabled() -> bool {
    bench_metrics::HarnessMode::current().records_metrics()
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = generation, text_forms, btreemap, sqlite_insert
}
criterion_main!(benches);
