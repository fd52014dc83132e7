//! Criterion harness: zstd, gzip, lz4 and copy on every payload.
//!
//! Ids (`compress/<question>/<variant>/<parameter>`):
//! - `compress/compress/<codec>/<payload>`, `compress/decompress/<codec>/<payload>`:
//!   contexts and output buffers created once, outside the timed closure;
//!   metrics `ratio` and `compressed_bytes` recorded on the compress ids.
//! - `compress/compress-oneshot/<codec>/<payload-100k>`: fresh contexts and
//!   output buffer inside the timed call (what `zstd::bulk::compress` does).
//! - `compress/stream-compress/{zstd-3,gzip-6}/<payload-1m>` and
//!   `compress/stream-decompress/...`: input fed in 64 KiB chunks.
//! - `compress/small-messages/{zstd-3,zstd-3-dict}/{1k,4k}` and
//!   `compress/small-messages-decompress/...`: batches of 32 JSON responses,
//!   the kept dictionary (`codec::MESSAGE_DICTIONARY`), trained on other responses.
//!
//! Throughput is `Bytes(uncompressed size)` in both directions.
//!
//! Time budget: warm-up 0.4 s and measurement 0.8 s per benchmark with 20
//! samples, about 5 minutes for the whole matrix on 2 cores. Benchmarks whose
//! single iteration exceeds 5 ms (zstd-19; gzip and zstd-9 on 1 MiB) use flat
//! sampling with 10 samples so they do not run for minutes. For tighter
//! figures: `cargo bench -p bench-compress -- --warm-up-time 2 --measurement-time 5`.
//!
//! `BENCH_COMPRESS_CORPUS=/dir` adds every file in `/dir` as `file-<name>`;
//! a corpus that cannot be read stops the run with the path in the error.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bench_compress::codec::CodecId;
use bench_compress::payload::{self, Payload, Size};
use bench_compress::stream::{self, CHUNK};
use bench_compress::{Codec, corpus};
use bench_metrics::{BenchmarkKey, Better, Metric, Recorder, Selection};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
};

/// One iteration longer than this runs with flat sampling and 10 samples:
/// 20 linear samples need 210 iterations, which at 5 ms is already a second.
const SLOW_ITERATION: Duration = Duration::from_millis(5);

static PAYLOADS: OnceLock<Vec<Payload>> = OnceLock::new();

/// The benchmarks this process runs, when `BENCH_SELECT` says (`report
/// compare`): setup below times and checks every codec on every payload,
/// 3 s a process, so it is done only for selected ids.
static SELECTION: OnceLock<Selection> = OnceLock::new();

fn selected(group: &str, codec: &str, payload: &str) -> bool {
    SELECTION
        .get()
        .is_none_or(|s| s.contains(&format!("{group}/{codec}/{payload}")))
}

fn payloads() -> &'static [Payload] {
    PAYLOADS.get().expect("main loads the payloads first")
}

/// Metrics are written by real `cargo bench` runs only, not by `--test`,
/// `--list` or `cargo test --benches`, which must not replace a real run's
/// files in the criterion directory.
fn recorder() -> Option<Recorder> {
    bench_metrics::HarnessMode::current()
        .records_metrics()
        .then(Recorder::from_env)
}

/// Size metrics of one benchmark, recorded from the benchmark's own closure
/// on its first call: criterion calls it only for the benchmarks its filter
/// selects, so a filtered run (`cargo bench -- zstd`) writes no metrics for
/// benchmarks it did not measure (ingest would warn about each).
struct SizeMetrics<'r> {
    rec: Option<&'r Recorder>,
    key: BenchmarkKey,
    raw: usize,
    packed: usize,
    recorded: bool,
}

impl<'r> SizeMetrics<'r> {
    fn new(rec: Option<&'r Recorder>, group: &str, variant: &str, param: &str) -> Self {
        Self {
            rec,
            key: BenchmarkKey::new(group, variant, param),
            raw: 0,
            packed: 0,
            recorded: false,
        }
    }

    fn sizes(mut self, raw: usize, packed: usize) -> Self {
        (self.raw, self.packed) = (raw, packed);
        self
    }

    /// Records once; later calls do nothing.
    fn record(&mut self) {
        let Some(rec) = self.rec.filter(|_| !self.recorded) else {
            return;
        };
        self.recorded = true;
        let (raw, packed) = (self.raw as f64, self.packed as f64);
        let metrics = [
            Metric::new("ratio", raw / packed, "x", Better::Higher),
            Metric::new("compressed_bytes", packed, "bytes", Better::Lower),
        ];
        if let Err(e) = rec.record(&self.key, &metrics) {
            eprintln!("bench-compress: could not record metrics: {e}");
        }
    }
}

/// Runs `f` twice (the first call warms caches and grows buffers) and
/// returns the duration of the second.
fn time_once(mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Adds benchmarks to `name`, the fast ones in a group with the configured
/// sampling, the slow ones in a second group of the same name with flat
/// sampling and 10 samples.
fn split_groups<T>(
    c: &mut Criterion,
    name: &str,
    cases: Vec<(Duration, T)>,
    mut add: impl FnMut(&mut BenchmarkGroup<'_, WallTime>, &T),
) {
    let (slow, fast): (Vec<_>, Vec<_>) = cases.into_iter().partition(|(t, _)| *t > SLOW_ITERATION);
    if !fast.is_empty() {
        let mut group = c.benchmark_group(name);
        for (_, case) in &fast {
            add(&mut group, case);
        }
        group.finish();
    }
    if !slow.is_empty() {
        let mut group = c.benchmark_group(name);
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (_, case) in &slow {
            add(&mut group, case);
        }
        group.finish();
    }
}

/// A codec on a payload, checked once before anything is timed.
struct Case {
    codec: CodecId,
    payload: &'static Payload,
    compressed: Vec<u8>,
    /// Compressed size of the payload (the `compressed_bytes` metric).
    packed: usize,
}

/// Cases with the duration of one call, for [`split_groups`].
type TimedCases = Vec<(Duration, Case)>;

fn build(codec: CodecId) -> Box<dyn Codec> {
    codec.build().unwrap_or_else(|e| panic!("{e}"))
}

/// Compresses and decompresses every payload with every codec once, checks
/// the round trip, and times one call of each.
fn prepare() -> (TimedCases, TimedCases) {
    let mut compress_cases = Vec::new();
    let mut decompress_cases = Vec::new();
    for codec in CodecId::ALL.into_iter().filter(|c| c.is_available()) {
        let mut instance = build(codec);
        for payload in payloads() {
            let wanted = ["compress/compress", "compress/decompress"]
                .map(|g| selected(g, codec.name(), &payload.name));
            if wanted == [false, false] {
                continue;
            }
            let mut compressed = Vec::new();
            let compress_time = time_once(|| {
                instance
                    .compress(&payload.data, &mut compressed)
                    .expect("compresses")
            });
            let mut round_trip = Vec::new();
            let decompress_time = time_once(|| {
                instance
                    .decompress(&compressed, &mut round_trip)
                    .expect("decompresses")
            });
            assert!(
                round_trip == payload.data,
                "{codec} does not round-trip {}: refusing to time it",
                payload.name
            );
            let packed = compressed.len();
            let case = |compressed| Case {
                codec,
                payload,
                compressed,
                packed,
            };
            if wanted[0] {
                compress_cases.push((compress_time, case(Vec::new())));
            }
            if wanted[1] {
                decompress_cases.push((decompress_time, case(compressed)));
            }
        }
    }
    (compress_cases, decompress_cases)
}

fn codecs(c: &mut Criterion) {
    let (compress_cases, decompress_cases) = prepare();
    let rec = recorder();
    split_groups(c, "compress/compress", compress_cases, |group, case| {
        let data = &case.payload.data;
        let mut codec = build(case.codec);
        let mut out = Vec::new();
        let (name, param) = (case.codec.name(), &case.payload.name);
        let mut metrics = SizeMetrics::new(rec.as_ref(), "compress/compress", name, param)
            .sizes(data.len(), case.packed);
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function(
            BenchmarkId::new(case.codec.name(), &case.payload.name),
            |b| {
                metrics.record();
                b.iter(|| {
                    codec
                        .compress(black_box(data), &mut out)
                        .expect("compresses");
                    black_box(&out);
                })
            },
        );
    });
    split_groups(c, "compress/decompress", decompress_cases, |group, case| {
        let mut codec = build(case.codec);
        let mut out = Vec::new();
        group.throughput(Throughput::Bytes(case.payload.data.len() as u64));
        group.bench_function(
            BenchmarkId::new(case.codec.name(), &case.payload.name),
            |b| {
                b.iter(|| {
                    codec
                        .decompress(black_box(&case.compressed), &mut out)
                        .expect("decompresses");
                    black_box(&out);
                })
            },
        );
    });
}

/// Context creation included: the cost a program pays when it does not
/// keep its codec. Only the 100 KiB payloads, where that cost shows most
/// (and to keep the default run short).
fn oneshot(c: &mut Criterion) {
    let cases: Vec<(Duration, (CodecId, &'static Payload))> = CodecId::ALL
        .into_iter()
        .filter(|c| c.is_available())
        .flat_map(|codec| {
            payloads()
                .iter()
                .filter(|p| p.name.ends_with(Size::K100.label()) && !p.name.starts_with("file-"))
                .filter(move |p| selected("compress/compress-oneshot", codec.name(), &p.name))
                .map(move |p| (codec, p))
        })
        .map(|(codec, p)| {
            let t = time_once(|| {
                let mut out = Vec::new();
                build(codec)
                    .compress(&p.data, &mut out)
                    .expect("compresses");
            });
            (t, (codec, p))
        })
        .collect();
    split_groups(
        c,
        "compress/compress-oneshot",
        cases,
        |group, &(codec, payload)| {
            let data = &payload.data;
            group.throughput(Throughput::Bytes(data.len() as u64));
            group.bench_function(BenchmarkId::new(codec.name(), &payload.name), |b| {
                b.iter(|| {
                    let mut out = Vec::new();
                    build(codec)
                        .compress(black_box(data), &mut out)
                        .expect("compresses");
                    out
                })
            });
        },
    );
}

fn streaming(c: &mut Criterion) {
    let rec = recorder();
    let big: Vec<&'static Payload> = payloads()
        .iter()
        .filter(|p| p.name.ends_with(Size::M1.label()) && !p.name.starts_with("file-"))
        .collect();
    let mut compress_cases = Vec::new();
    let mut decompress_cases = Vec::new();
    for (index, mut codec) in stream::stream_codecs().into_iter().enumerate() {
        for &payload in &big {
            let wanted = ["compress/stream-compress", "compress/stream-decompress"]
                .map(|g| selected(g, codec.name(), &payload.name));
            if wanted == [false, false] {
                continue;
            }
            let mut compressed = Vec::new();
            let tc = time_once(|| {
                codec
                    .compress_stream(&payload.data, CHUNK, &mut compressed)
                    .expect("compresses")
            });
            let mut round_trip = Vec::new();
            let td = time_once(|| {
                codec
                    .decompress_stream(&compressed, CHUNK, &mut round_trip)
                    .expect("decompresses")
            });
            assert!(
                round_trip == payload.data,
                "{} stream does not round-trip",
                codec.name()
            );
            if wanted[0] {
                compress_cases.push((tc, (index, payload, compressed.len())));
            }
            if wanted[1] {
                decompress_cases.push((td, (index, payload, compressed)));
            }
        }
    }
    split_groups(
        c,
        "compress/stream-compress",
        compress_cases,
        |group, (index, payload, packed)| {
            let mut codec = stream::stream_codecs().swap_remove(*index);
            let mut out = Vec::new();
            let group_name = "compress/stream-compress";
            let mut metrics =
                SizeMetrics::new(rec.as_ref(), group_name, codec.name(), &payload.name)
                    .sizes(payload.data.len(), *packed);
            group.throughput(Throughput::Bytes(payload.data.len() as u64));
            group.bench_function(BenchmarkId::new(codec.name(), &payload.name), |b| {
                metrics.record();
                b.iter(|| {
                    codec
                        .compress_stream(black_box(&payload.data), CHUNK, &mut out)
                        .expect("compresses");
                    black_box(&out);
                })
            });
        },
    );
    split_groups(
        c,
        "compress/stream-decompress",
        decompress_cases,
        |group, (index, payload, compressed)| {
            let mut codec = stream::stream_codecs().swap_remove(*index);
            let mut out = Vec::new();
            group.throughput(Throughput::Bytes(payload.data.len() as u64));
            group.bench_function(BenchmarkId::new(codec.name(), &payload.name), |b| {
                b.iter(|| {
                    codec
                        .decompress_stream(black_box(compressed), CHUNK, &mut out)
                        .expect("decompresses");
                    black_box(&out);
                })
            });
        },
    );
}

#[cfg(feature = "zstd")]
fn small_messages(c: &mut Criterion) {
    use bench_compress::codec::{DEFAULT_LIMIT, MESSAGE_DICTIONARY, Zstd};

    const BATCH: usize = 32;
    let rec = recorder();
    // The kept dictionary, trained on other responses than the measured ones.
    let dictionary = MESSAGE_DICTIONARY;

    let mut compress_group = c.benchmark_group("compress/small-messages");
    let mut cases = Vec::new();
    for (label, max_len) in [("1k", 1024), ("4k", 4096)] {
        let messages = payload::small_messages(0x5A11 + max_len as u64, max_len, BATCH);
        let raw: usize = messages.iter().map(Vec::len).sum();
        for variant in ["zstd-3", "zstd-3-dict"] {
            let make = || {
                match variant {
                    "zstd-3" => Zstd::new(variant, 3, DEFAULT_LIMIT),
                    _ => Zstd::with_dictionary(variant, 3, dictionary, DEFAULT_LIMIT),
                }
                .expect("zstd contexts")
            };
            let mut codec = make();
            let compressed: Vec<Vec<u8>> = messages
                .iter()
                .map(|m| {
                    let mut out = Vec::new();
                    codec.compress(m, &mut out).expect("compresses");
                    let mut back = Vec::new();
                    codec.decompress(&out, &mut back).expect("decompresses");
                    assert!(&back == m, "{variant} does not round-trip a message");
                    out
                })
                .collect();
            let packed: usize = compressed.iter().map(Vec::len).sum();
            let mut metrics =
                SizeMetrics::new(rec.as_ref(), "compress/small-messages", variant, label)
                    .sizes(raw, packed);
            let mut out = Vec::new();
            compress_group.throughput(Throughput::Bytes(raw as u64));
            compress_group.bench_function(BenchmarkId::new(variant, label), |b| {
                metrics.record();
                b.iter(|| {
                    for m in &messages {
                        codec.compress(black_box(m), &mut out).expect("compresses");
                        black_box(&out);
                    }
                })
            });
            cases.push((variant, label, raw, make(), compressed));
        }
    }
    compress_group.finish();

    let mut group = c.benchmark_group("compress/small-messages-decompress");
    for (variant, label, raw, mut codec, compressed) in cases {
        let mut out = Vec::new();
        group.throughput(Throughput::Bytes(raw as u64));
        group.bench_function(BenchmarkId::new(variant, label), |b| {
            b.iter(|| {
                for m in &compressed {
                    codec
                        .decompress(black_box(m), &mut out)
                        .expect("decompresses");
                    black_box(&out);
                }
            })
        });
    }
    group.finish();
}

#[cfg(not(feature = "zstd"))]
fn small_messages(_: &mut Criterion) {
    eprintln!("bench-compress: small-messages needs the `zstd` feature; skipped");
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(400))
        .measurement_time(Duration::from_millis(800))
        .sample_size(20);
    targets = codecs, oneshot, streaming, small_messages
}

fn main() {
    let mut all = payload::all_generated();
    match corpus::from_env() {
        Ok(files) => all.extend(files),
        Err(e) => {
            eprintln!("bench-compress: {e}");
            std::process::exit(2);
        }
    }
    PAYLOADS.set(all).expect("set once");
    match Selection::from_env() {
        Ok(selection) => SELECTION.set(selection).expect("set once"),
        Err(e) => {
            eprintln!("bench-compress: {e}");
            std::process::exit(2);
        }
    }
    eprintln!(
        "bench-compress: codecs compiled in: {}",
        bench_compress::available_codecs().join(" ")
    );
    benches();
    Criterion::default().configure_from_args().final_summary();
}
