//! Instruction-count harness for bench-compress (gungraun, under valgrind's
//! callgrind): the workloads of `benches/compress.rs` on the generated
//! payloads, same `src/` functions, same inputs.
//!
//! Id convention (read by `report`, see `report/src/gungraun.rs`): every
//! benchmark's only argument is the **criterion id** of the benchmark it
//! counts, as a string literal; the setup function builds the inputs from
//! that id and checks it names the right question. gungraun writes the
//! argument text into its summary (`details`), so one benchmark carries both
//! figures. gungraun's own names follow from the id, and `report` checks
//! that they do: the function is the question, the bench id is variant and
//! parameter with every character outside `[A-Za-z0-9]` as `_`
//! (`compress` / `zstd_3_json_100k` for `compress/compress/zstd-3/json-100k`).
//!
//! What is counted, per benchmark, is one steady-state call: setup (not
//! counted) builds the codec, generates the payload, and calls the workload
//! once so contexts are initialised and output buffers have grown, as after
//! criterion's warm-up.
//!
//! Covered: `compress/compress` and `compress/decompress` for every codec
//! and level on the 100 KiB payloads, `compress/stream-compress` and
//! `stream-decompress` (1 MiB, 64 KiB chunks: zstd-3 and gzip-6 at 1 MiB),
//! `compress/small-messages` and its decompression with and without the
//! dictionary. Not here: the 1 MiB one-shot codec matrix (72 more
//! benchmarks that count the same code on ten times the bytes; with them
//! the harness did not finish in 9 minutes, and each costs valgrind's
//! start-up, the payload's generation and a warming call besides the counted
//! one; the streaming cells keep 1 MiB inputs counted), `compress-oneshot`,
//! and user corpus files.
//!
//! Run: `report run -p bench-compress --instructions`, or by hand with
//! `gungraun-runner` on `PATH`: `cargo bench -p bench-compress --bench instructions`.

// gungraun's macros expand to paths the workspace's `unused_qualifications`
// lint flags; the code they generate is not ours to change.
#![allow(unused_qualifications)]

use std::hint::black_box;

use bench_compress::Codec;
use bench_compress::codec::{CodecId, DEFAULT_LIMIT, MESSAGE_DICTIONARY, Zstd};
use bench_compress::payload::{self, Kind, Size};
use bench_compress::stream::{self, CHUNK, StreamCodec};
use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};

/// Messages per small-message batch, as in the criterion harness.
const BATCH: usize = 32;

/// `[suite, question, variant, parameter]` of a criterion id, checked
/// against the question the calling setup serves.
fn parts<'a>(id: &'a str, question: &str) -> [&'a str; 4] {
    let parts: Vec<&str> = id.split('/').collect();
    let [suite, q, variant, parameter] = parts[..] else {
        panic!("{id}: expected suite/question/variant/parameter");
    };
    assert!(
        suite == "compress" && q == question,
        "{id}: given to the setup of compress/{question}"
    );
    [suite, q, variant, parameter]
}

/// The generated payload named `name` (`json-100k`).
fn payload_named(name: &str) -> Vec<u8> {
    Kind::ALL
        .into_iter()
        .flat_map(|k| Size::ALL.into_iter().map(move |s| (k, s)))
        .find(|&(k, s)| payload::name(k, s) == name)
        .map(|(k, s)| payload::generated(k, s).data)
        .unwrap_or_else(|| panic!("no generated payload named '{name}'"))
}

fn codec_named(id: &str, name: &str) -> Box<dyn Codec> {
    CodecId::from_name(name)
        .unwrap_or_else(|| panic!("{id}: unknown codec '{name}'"))
        .build()
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// A codec, its input and the output buffer of one call.
struct CodecCase {
    codec: Box<dyn Codec>,
    input: Vec<u8>,
    out: Vec<u8>,
}

fn compress_setup(id: &str) -> CodecCase {
    let [_, _, codec, payload] = parts(id, "compress");
    let mut codec = codec_named(id, codec);
    let input = payload_named(payload);
    let mut out = Vec::new();
    codec.compress(&input, &mut out).expect("compresses");
    CodecCase { codec, input, out }
}

fn decompress_setup(id: &str) -> CodecCase {
    let [_, _, codec, payload] = parts(id, "decompress");
    let mut codec = codec_named(id, codec);
    let data = payload_named(payload);
    let mut input = Vec::new();
    codec.compress(&data, &mut input).expect("compresses");
    let mut out = Vec::new();
    codec.decompress(&input, &mut out).expect("decompresses");
    assert!(out == data, "{id}: does not round-trip");
    CodecCase { codec, input, out }
}

#[library_benchmark]
#[bench::zstd_1_json_100k(args = ("compress/compress/zstd-1/json-100k"), setup = compress_setup)]
#[bench::zstd_1_logs_100k(args = ("compress/compress/zstd-1/logs-100k"), setup = compress_setup)]
#[bench::zstd_1_frame_100k(args = ("compress/compress/zstd-1/frame-100k"), setup = compress_setup)]
#[bench::zstd_1_random_100k(args = ("compress/compress/zstd-1/random-100k"), setup = compress_setup)]
#[bench::zstd_3_json_100k(args = ("compress/compress/zstd-3/json-100k"), setup = compress_setup)]
#[bench::zstd_3_logs_100k(args = ("compress/compress/zstd-3/logs-100k"), setup = compress_setup)]
#[bench::zstd_3_frame_100k(args = ("compress/compress/zstd-3/frame-100k"), setup = compress_setup)]
#[bench::zstd_3_random_100k(args = ("compress/compress/zstd-3/random-100k"), setup = compress_setup)]
#[bench::zstd_9_json_100k(args = ("compress/compress/zstd-9/json-100k"), setup = compress_setup)]
#[bench::zstd_9_logs_100k(args = ("compress/compress/zstd-9/logs-100k"), setup = compress_setup)]
#[bench::zstd_9_frame_100k(args = ("compress/compress/zstd-9/frame-100k"), setup = compress_setup)]
#[bench::zstd_9_random_100k(args = ("compress/compress/zstd-9/random-100k"), setup = compress_setup)]
#[bench::zstd_19_json_100k(args = ("compress/compress/zstd-19/json-100k"), setup = compress_setup)]
#[bench::zstd_19_logs_100k(args = ("compress/compress/zstd-19/logs-100k"), setup = compress_setup)]
#[bench::zstd_19_frame_100k(args = ("compress/compress/zstd-19/frame-100k"), setup = compress_setup)]
#[bench::zstd_19_random_100k(args = ("compress/compress/zstd-19/random-100k"), setup = compress_setup)]
#[bench::gzip_1_json_100k(args = ("compress/compress/gzip-1/json-100k"), setup = compress_setup)]
#[bench::gzip_1_logs_100k(args = ("compress/compress/gzip-1/logs-100k"), setup = compress_setup)]
#[bench::gzip_1_frame_100k(args = ("compress/compress/gzip-1/frame-100k"), setup = compress_setup)]
#[bench::gzip_1_random_100k(args = ("compress/compress/gzip-1/random-100k"), setup = compress_setup)]
#[bench::gzip_6_json_100k(args = ("compress/compress/gzip-6/json-100k"), setup = compress_setup)]
#[bench::gzip_6_logs_100k(args = ("compress/compress/gzip-6/logs-100k"), setup = compress_setup)]
#[bench::gzip_6_frame_100k(args = ("compress/compress/gzip-6/frame-100k"), setup = compress_setup)]
#[bench::gzip_6_random_100k(args = ("compress/compress/gzip-6/random-100k"), setup = compress_setup)]
#[bench::gzip_9_json_100k(args = ("compress/compress/gzip-9/json-100k"), setup = compress_setup)]
#[bench::gzip_9_logs_100k(args = ("compress/compress/gzip-9/logs-100k"), setup = compress_setup)]
#[bench::gzip_9_frame_100k(args = ("compress/compress/gzip-9/frame-100k"), setup = compress_setup)]
#[bench::gzip_9_random_100k(args = ("compress/compress/gzip-9/random-100k"), setup = compress_setup)]
#[bench::lz4_block_json_100k(args = ("compress/compress/lz4-block/json-100k"), setup = compress_setup)]
#[bench::lz4_block_logs_100k(args = ("compress/compress/lz4-block/logs-100k"), setup = compress_setup)]
#[bench::lz4_block_frame_100k(args = ("compress/compress/lz4-block/frame-100k"), setup = compress_setup)]
#[bench::lz4_block_random_100k(args = ("compress/compress/lz4-block/random-100k"), setup = compress_setup)]
#[bench::lz4_frame_json_100k(args = ("compress/compress/lz4-frame/json-100k"), setup = compress_setup)]
#[bench::lz4_frame_logs_100k(args = ("compress/compress/lz4-frame/logs-100k"), setup = compress_setup)]
#[bench::lz4_frame_frame_100k(args = ("compress/compress/lz4-frame/frame-100k"), setup = compress_setup)]
#[bench::lz4_frame_random_100k(args = ("compress/compress/lz4-frame/random-100k"), setup = compress_setup)]
#[bench::copy_json_100k(args = ("compress/compress/copy/json-100k"), setup = compress_setup)]
#[bench::copy_logs_100k(args = ("compress/compress/copy/logs-100k"), setup = compress_setup)]
#[bench::copy_frame_100k(args = ("compress/compress/copy/frame-100k"), setup = compress_setup)]
#[bench::copy_random_100k(args = ("compress/compress/copy/random-100k"), setup = compress_setup)]
fn compress(mut case: CodecCase) -> CodecCase {
    case.codec
        .compress(black_box(&case.input), &mut case.out)
        .expect("compresses");
    case
}

#[library_benchmark]
#[bench::zstd_1_json_100k(args = ("compress/decompress/zstd-1/json-100k"), setup = decompress_setup)]
#[bench::zstd_1_logs_100k(args = ("compress/decompress/zstd-1/logs-100k"), setup = decompress_setup)]
#[bench::zstd_1_frame_100k(args = ("compress/decompress/zstd-1/frame-100k"), setup = decompress_setup)]
#[bench::zstd_1_random_100k(args = ("compress/decompress/zstd-1/random-100k"), setup = decompress_setup)]
#[bench::zstd_3_json_100k(args = ("compress/decompress/zstd-3/json-100k"), setup = decompress_setup)]
#[bench::zstd_3_logs_100k(args = ("compress/decompress/zstd-3/logs-100k"), setup = decompress_setup)]
#[bench::zstd_3_frame_100k(args = ("compress/decompress/zstd-3/frame-100k"), setup = decompress_setup)]
#[bench::zstd_3_random_100k(args = ("compress/decompress/zstd-3/random-100k"), setup = decompress_setup)]
#[bench::zstd_9_json_100k(args = ("compress/decompress/zstd-9/json-100k"), setup = decompress_setup)]
#[bench::zstd_9_logs_100k(args = ("compress/decompress/zstd-9/logs-100k"), setup = decompress_setup)]
#[bench::zstd_9_frame_100k(args = ("compress/decompress/zstd-9/frame-100k"), setup = decompress_setup)]
#[bench::zstd_9_random_100k(args = ("compress/decompress/zstd-9/random-100k"), setup = decompress_setup)]
#[bench::zstd_19_json_100k(args = ("compress/decompress/zstd-19/json-100k"), setup = decompress_setup)]
#[bench::zstd_19_logs_100k(args = ("compress/decompress/zstd-19/logs-100k"), setup = decompress_setup)]
#[bench::zstd_19_frame_100k(args = ("compress/decompress/zstd-19/frame-100k"), setup = decompress_setup)]
#[bench::zstd_19_random_100k(args = ("compress/decompress/zstd-19/random-100k"), setup = decompress_setup)]
#[bench::gzip_1_json_100k(args = ("compress/decompress/gzip-1/json-100k"), setup = decompress_setup)]
#[bench::gzip_1_logs_100k(args = ("compress/decompress/gzip-1/logs-100k"), setup = decompress_setup)]
#[bench::gzip_1_frame_100k(args = ("compress/decompress/gzip-1/frame-100k"), setup = decompress_setup)]
#[bench::gzip_1_random_100k(args = ("compress/decompress/gzip-1/random-100k"), setup = decompress_setup)]
#[bench::gzip_6_json_100k(args = ("compress/decompress/gzip-6/json-100k"), setup = decompress_setup)]
#[bench::gzip_6_logs_100k(args = ("compress/decompress/gzip-6/logs-100k"), setup = decompress_setup)]
#[bench::gzip_6_frame_100k(args = ("compress/decompress/gzip-6/frame-100k"), setup = decompress_setup)]
#[bench::gzip_6_random_100k(args = ("compress/decompress/gzip-6/random-100k"), setup = decompress_setup)]
#[bench::gzip_9_json_100k(args = ("compress/decompress/gzip-9/json-100k"), setup = decompress_setup)]
#[bench::gzip_9_logs_100k(args = ("compress/decompress/gzip-9/logs-100k"), setup = decompress_setup)]
#[bench::gzip_9_frame_100k(args = ("compress/decompress/gzip-9/frame-100k"), setup = decompress_setup)]
#[bench::gzip_9_random_100k(args = ("compress/decompress/gzip-9/random-100k"), setup = decompress_setup)]
#[bench::lz4_block_json_100k(args = ("compress/decompress/lz4-block/json-100k"), setup = decompress_setup)]
#[bench::lz4_block_logs_100k(args = ("compress/decompress/lz4-block/logs-100k"), setup = decompress_setup)]
#[bench::lz4_block_frame_100k(args = ("compress/decompress/lz4-block/frame-100k"), setup = decompress_setup)]
#[bench::lz4_block_random_100k(args = ("compress/decompress/lz4-block/random-100k"), setup = decompress_setup)]
#[bench::lz4_frame_json_100k(args = ("compress/decompress/lz4-frame/json-100k"), setup = decompress_setup)]
#[bench::lz4_frame_logs_100k(args = ("compress/decompress/lz4-frame/logs-100k"), setup = decompress_setup)]
#[bench::lz4_frame_frame_100k(args = ("compress/decompress/lz4-frame/frame-100k"), setup = decompress_setup)]
#[bench::lz4_frame_random_100k(args = ("compress/decompress/lz4-frame/random-100k"), setup = decompress_setup)]
#[bench::copy_json_100k(args = ("compress/decompress/copy/json-100k"), setup = decompress_setup)]
#[bench::copy_logs_100k(args = ("compress/decompress/copy/logs-100k"), setup = decompress_setup)]
#[bench::copy_frame_100k(args = ("compress/decompress/copy/frame-100k"), setup = decompress_setup)]
#[bench::copy_random_100k(args = ("compress/decompress/copy/random-100k"), setup = decompress_setup)]
fn decompress(mut case: CodecCase) -> CodecCase {
    case.codec
        .decompress(black_box(&case.input), &mut case.out)
        .expect("decompresses");
    case
}

/// A streaming codec, its input and the output of one stream.
struct StreamCase {
    codec: Box<dyn StreamCodec>,
    input: Vec<u8>,
    out: Vec<u8>,
}

fn stream_codec(id: &str, name: &str) -> Box<dyn StreamCodec> {
    stream::stream_codecs()
        .into_iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("{id}: unknown streaming codec '{name}'"))
}

fn stream_compress_setup(id: &str) -> StreamCase {
    let [_, _, codec, payload] = parts(id, "stream-compress");
    let mut codec = stream_codec(id, codec);
    let input = payload_named(payload);
    let mut out = Vec::new();
    codec
        .compress_stream(&input, CHUNK, &mut out)
        .expect("compresses");
    StreamCase { codec, input, out }
}

fn stream_decompress_setup(id: &str) -> StreamCase {
    let [_, _, codec, payload] = parts(id, "stream-decompress");
    let mut codec = stream_codec(id, codec);
    let data = payload_named(payload);
    let mut input = Vec::new();
    codec
        .compress_stream(&data, CHUNK, &mut input)
        .expect("compresses");
    let mut out = Vec::new();
    codec
        .decompress_stream(&input, CHUNK, &mut out)
        .expect("decompresses");
    assert!(out == data, "{id}: does not round-trip");
    StreamCase { codec, input, out }
}

#[library_benchmark]
#[bench::zstd_3_json_1m(args = ("compress/stream-compress/zstd-3/json-1m"), setup = stream_compress_setup)]
#[bench::zstd_3_logs_1m(args = ("compress/stream-compress/zstd-3/logs-1m"), setup = stream_compress_setup)]
#[bench::zstd_3_frame_1m(args = ("compress/stream-compress/zstd-3/frame-1m"), setup = stream_compress_setup)]
#[bench::zstd_3_random_1m(args = ("compress/stream-compress/zstd-3/random-1m"), setup = stream_compress_setup)]
#[bench::gzip_6_json_1m(args = ("compress/stream-compress/gzip-6/json-1m"), setup = stream_compress_setup)]
#[bench::gzip_6_logs_1m(args = ("compress/stream-compress/gzip-6/logs-1m"), setup = stream_compress_setup)]
#[bench::gzip_6_frame_1m(args = ("compress/stream-compress/gzip-6/frame-1m"), setup = stream_compress_setup)]
#[bench::gzip_6_random_1m(args = ("compress/stream-compress/gzip-6/random-1m"), setup = stream_compress_setup)]
fn stream_compress(mut case: StreamCase) -> StreamCase {
    case.codec
        .compress_stream(black_box(&case.input), CHUNK, &mut case.out)
        .expect("compresses");
    case
}

#[library_benchmark]
#[bench::zstd_3_json_1m(args = ("compress/stream-decompress/zstd-3/json-1m"), setup = stream_decompress_setup)]
#[bench::zstd_3_logs_1m(args = ("compress/stream-decompress/zstd-3/logs-1m"), setup = stream_decompress_setup)]
#[bench::zstd_3_frame_1m(args = ("compress/stream-decompress/zstd-3/frame-1m"), setup = stream_decompress_setup)]
#[bench::zstd_3_random_1m(args = ("compress/stream-decompress/zstd-3/random-1m"), setup = stream_decompress_setup)]
#[bench::gzip_6_json_1m(args = ("compress/stream-decompress/gzip-6/json-1m"), setup = stream_decompress_setup)]
#[bench::gzip_6_logs_1m(args = ("compress/stream-decompress/gzip-6/logs-1m"), setup = stream_decompress_setup)]
#[bench::gzip_6_frame_1m(args = ("compress/stream-decompress/gzip-6/frame-1m"), setup = stream_decompress_setup)]
#[bench::gzip_6_random_1m(args = ("compress/stream-decompress/gzip-6/random-1m"), setup = stream_decompress_setup)]
fn stream_decompress(mut case: StreamCase) -> StreamCase {
    case.codec
        .decompress_stream(black_box(&case.input), CHUNK, &mut case.out)
        .expect("decompresses");
    case
}

/// zstd-3 with or without the trained dictionary, a batch of messages (raw
/// for compression, compressed for decompression) and the output buffer.
struct SmallCase {
    codec: Zstd,
    messages: Vec<Vec<u8>>,
    out: Vec<u8>,
}

/// The criterion harness's codec and messages for `variant` / `label`: the
/// kept dictionary, trained on other seeds than the measured messages.
fn small_codec(id: &str, variant: &str, label: &str) -> (Zstd, Vec<Vec<u8>>) {
    let max_len = match label {
        "1k" => 1024,
        "4k" => 4096,
        other => panic!("{id}: unknown message size '{other}'"),
    };
    let codec = match variant {
        "zstd-3" => Zstd::new("zstd-3", 3, DEFAULT_LIMIT),
        "zstd-3-dict" => Zstd::with_dictionary("zstd-3-dict", 3, MESSAGE_DICTIONARY, DEFAULT_LIMIT),
        other => panic!("{id}: unknown small-message variant '{other}'"),
    }
    .expect("zstd contexts");
    let messages = payload::small_messages(0x5A11 + max_len as u64, max_len, BATCH);
    (codec, messages)
}

fn small_compress_setup(id: &str) -> SmallCase {
    let [_, _, variant, label] = parts(id, "small-messages");
    let (mut codec, messages) = small_codec(id, variant, label);
    let mut out = Vec::new();
    for m in &messages {
        codec.compress(m, &mut out).expect("compresses");
    }
    SmallCase {
        codec,
        messages,
        out,
    }
}

fn small_decompress_setup(id: &str) -> SmallCase {
    let [_, _, variant, label] = parts(id, "small-messages-decompress");
    let (mut codec, raw) = small_codec(id, variant, label);
    let mut out = Vec::new();
    let messages = raw
        .iter()
        .map(|m| {
            let mut packed = Vec::new();
            codec.compress(m, &mut packed).expect("compresses");
            codec.decompress(&packed, &mut out).expect("decompresses");
            assert!(&out == m, "{id}: does not round-trip a message");
            packed
        })
        .collect();
    SmallCase {
        codec,
        messages,
        out,
    }
}

#[library_benchmark]
#[bench::zstd_3_1k(args = ("compress/small-messages/zstd-3/1k"), setup = small_compress_setup)]
#[bench::zstd_3_4k(args = ("compress/small-messages/zstd-3/4k"), setup = small_compress_setup)]
#[bench::zstd_3_dict_1k(args = ("compress/small-messages/zstd-3-dict/1k"), setup = small_compress_setup)]
#[bench::zstd_3_dict_4k(args = ("compress/small-messages/zstd-3-dict/4k"), setup = small_compress_setup)]
fn small_messages(mut case: SmallCase) -> SmallCase {
    for m in &case.messages {
        case.codec
            .compress(black_box(m), &mut case.out)
            .expect("compresses");
    }
    case
}

#[library_benchmark]
#[bench::zstd_3_1k(args = ("compress/small-messages-decompress/zstd-3/1k"), setup = small_decompress_setup)]
#[bench::zstd_3_4k(args = ("compress/small-messages-decompress/zstd-3/4k"), setup = small_decompress_setup)]
#[bench::zstd_3_dict_1k(args = ("compress/small-messages-decompress/zstd-3-dict/1k"), setup = small_decompress_setup)]
#[bench::zstd_3_dict_4k(args = ("compress/small-messages-decompress/zstd-3-dict/4k"), setup = small_decompress_setup)]
fn small_messages_decompress(mut case: SmallCase) -> SmallCase {
    for m in &case.messages {
        case.codec
            .decompress(black_box(m), &mut case.out)
            .expect("decompresses");
    }
    case
}

library_benchmark_group!(name = compress_codecs, benchmarks = [compress, decompress]);
library_benchmark_group!(
    name = compress_streaming,
    benchmarks = [stream_compress, stream_decompress]
);
library_benchmark_group!(
    name = compress_small,
    benchmarks = [small_messages, small_messages_decompress]
);

// Instruction counts only, by default: callgrind's cache simulation (L1/LL/RAM
// hits, estimated cycles) costs a large part of the run and is not what the
// diff gates on. `report run --instructions --cache-sim` turns it back on
// through gungraun's GUNGRAUN_CALLGRIND_ARGS, which comes after these
// arguments and so overrides them.
main!(
    config = LibraryBenchmarkConfig::default().tool(Callgrind::with_args(["--cache-sim=no"]));
    library_benchmark_groups = compress_codecs,
    compress_streaming,
    compress_small
);
