//! Instruction-count harness for bench-cpu (gungraun, under valgrind's
//! callgrind): the single-threaded workloads of `benches/cpu.rs`, same
//! `src/` functions, same inputs (the kernel on a twentieth of its chunks).
//!
//! Id convention (read by `report`, see `report/src/gungraun.rs`): every
//! benchmark's only argument is the **criterion id** of the benchmark it
//! counts, as a string literal, and the setup function builds the inputs
//! from that id; gungraun's names follow from the id (function = question,
//! bench name = variant and parameter).
//!
//! Setup is not counted: event batches, their JSON, the frames and output
//! tensors and the unsorted copy to sort are made there, so the count is one
//! call of the workload, as criterion times it.
//!
//! Covered: `cpu/kernel/serial/1`, `cpu/frames/serial/1` and every
//! `cpu/general` benchmark; the kernel on 1/20 of its chunks (see
//! [`kernel_setup`]), everything else at full size. Not here: the rayon and scoped-thread variants
//! and `cpu/granularity` (valgrind runs one thread at a time, so a
//! multi-threaded count is the serial count plus scheduling, not what the
//! wall time measures).
//!
//! Run: `report run -p bench-cpu --instructions`, or by hand with
//! `gungraun-runner` on `PATH`: `cargo bench -p bench-cpu --bench instructions`.

// gungraun's macros expand to paths the workspace's `unused_qualifications`
// lint flags; the code they generate is not ours to change.
#![allow(unused_qualifications)]

use std::hint::black_box;

// The benchmark functions are named after the questions (`kernel`,
// `frames`), so the modules of the same names are imported under others.
use bench_cpu::events::{self, DetectionEvent};
use bench_cpu::frames::{self as frame_prep, Frame, Normalization, Preprocessor, Tensor};
use bench_cpu::kernel::{self as pi_kernel, KernelSpec};
use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};

/// Checks that `id` is the one benchmark a setup serves.
fn expect_id(id: &str, expected: &str) {
    assert_eq!(id, expected, "given to the setup of {expected}");
}

/// One in this many of the benchmark's chunks is counted.
const KERNEL_SHARE: usize = 20;

/// The criterion benchmark's kernel on its first 1/[`KERNEL_SHARE`] of the
/// chunks (42 of 840, same seed and chunk size): the same code, each chunk
/// the same work, so a change per point shows in the same proportion, while
/// valgrind runs 82 M instructions instead of 1.65 G (3 s instead of a
/// minute). The id's parameter is the thread count, not the size, so the id
/// still names the criterion benchmark; the count is 1/20 of its work.
fn kernel_setup(id: &str) -> KernelSpec {
    expect_id(id, "cpu/kernel/serial/1");
    KernelSpec {
        chunks: KernelSpec::BENCH.chunks / KERNEL_SHARE,
        ..KernelSpec::BENCH
    }
}

#[library_benchmark]
#[bench::serial_1(args = ("cpu/kernel/serial/1"), setup = kernel_setup)]
fn kernel(spec: KernelSpec) -> u64 {
    pi_kernel::serial(black_box(&spec))
}

/// The batch of 8 full-size frames, its preprocessor and output tensors.
struct FramesCase {
    pre: Preprocessor,
    batch: Vec<Frame>,
    outputs: Vec<Tensor>,
}

fn frames_setup(id: &str) -> FramesCase {
    expect_id(id, "cpu/frames/serial/1");
    let (source, model) = (frame_prep::SOURCE, frame_prep::MODEL);
    let batch =
        frame_prep::synthetic_batch(frame_prep::BATCH, source.0, source.1, frame_prep::SEED);
    let pre = Preprocessor::new(source, model, Normalization::IMAGENET)
        .expect("benchmark frame sizes are valid");
    let outputs = vec![pre.output(); batch.len()];
    FramesCase {
        pre,
        batch,
        outputs,
    }
}

#[library_benchmark]
#[bench::serial_1(args = ("cpu/frames/serial/1"), setup = frames_setup)]
fn frames(mut case: FramesCase) -> FramesCase {
    case.pre
        .batch_serial(black_box(&case.batch), black_box(&mut case.outputs))
        .expect("frames and outputs come from the same preprocessor");
    case
}

/// The inputs of one `cpu/general` benchmark; the workload is chosen in
/// setup so no dispatch on the id is counted.
struct GeneralCase {
    op: fn(&mut GeneralCase),
    batch: Vec<DetectionEvent>,
    json: String,
}

fn general_setup(id: &str) -> GeneralCase {
    let batch = events::synthetic_events(events::BATCH, events::SEED);
    let json = events::encode(&batch).expect("events serialise");
    let op: fn(&mut GeneralCase) = match id {
        "cpu/general/json-encode/1000" => |c| {
            black_box(events::encode(black_box(&c.batch)).expect("events serialise"));
        },
        "cpu/general/json-decode/1000" => |c| {
            black_box(events::decode(black_box(&c.json)).expect("events we encoded"));
        },
        // The batch is a fresh unsorted copy, as criterion's `iter_batched_ref`.
        "cpu/general/sort-by-time/1000" => |c| events::sort_by_time(black_box(&mut c.batch)),
        "cpu/general/aggregate-per-camera/1000" => |c| {
            black_box(events::aggregate_per_camera(black_box(&c.batch)));
        },
        other => panic!("{other}: not a cpu/general benchmark"),
    };
    GeneralCase { op, batch, json }
}

#[library_benchmark]
#[bench::json_encode_1000(args = ("cpu/general/json-encode/1000"), setup = general_setup)]
#[bench::json_decode_1000(args = ("cpu/general/json-decode/1000"), setup = general_setup)]
#[bench::sort_by_time_1000(args = ("cpu/general/sort-by-time/1000"), setup = general_setup)]
#[bench::aggregate_per_camera_1000(args = ("cpu/general/aggregate-per-camera/1000"), setup = general_setup)]
fn general(mut case: GeneralCase) -> GeneralCase {
    (case.op)(&mut case);
    case
}

library_benchmark_group!(name = cpu_kernel, benchmarks = [kernel]);
library_benchmark_group!(name = cpu_frames, benchmarks = [frames]);
library_benchmark_group!(name = cpu_general, benchmarks = [general]);

// Instruction counts only, by default: callgrind's cache simulation (L1/LL/RAM
// hits, estimated cycles) costs a large part of the run and is not what the
// diff gates on. `report run --instructions --cache-sim` turns it back on
// through gungraun's GUNGRAUN_CALLGRIND_ARGS, which comes after these
// arguments and so overrides them.
main!(
    config = LibraryBenchmarkConfig::default().tool(Callgrind::with_args(["--cache-sim=no"]));
    library_benchmark_groups = cpu_kernel,
    cpu_frames,
    cpu_general
);
