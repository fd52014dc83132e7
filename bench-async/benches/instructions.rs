//! Instruction-count harness for bench-async (gungraun, under valgrind's
//! callgrind): the workloads of `benches/async.rs` on the current-thread
//! runtime, same `src/` functions, same inputs.
//!
//! Id convention (read by `report`, see `report/src/gungraun.rs`): every
//! benchmark's only argument is the **criterion id** of the benchmark it
//! counts, as a string literal; the setup function builds the runtime and
//! inputs from that id. gungraun's names follow from the id (function =
//! question, bench name = variant and runtime).
//!
//! Setup is not counted: the runtime (and, for the broadcast, its subscriber
//! tasks) is built there and the workload run once, so the runtime's lazy
//! state (timer and I/O drivers, task slabs) has grown as after criterion's
//! warm-up; the count is one `block_on` of the timed future.
//!
//! Covered: every `current_thread` benchmark but `async/tcp-broadcast` (its
//! cost is loopback syscalls, which valgrind does not count) and the
//! `spawn_blocking` and `rayon` cells of `async/cpu-batch` (they hand the
//! work to other threads). Not here: the `mt-*` runtimes (valgrind
//! serialises threads, so their counts would not describe what wall time
//! measures).
//!
//! Run: `report run -p bench-async --instructions`, or by hand with
//! `gungraun-runner` on `PATH`: `cargo bench -p bench-async --bench instructions`.

// gungraun's macros expand to paths the workspace's `unused_qualifications`
// lint flags; the code they generate is not ours to change.
#![allow(unused_qualifications)]

use std::hint::black_box;
use std::sync::Arc;

use bench_async::broadcast::Broadcast;
use bench_async::cpu_batch::{ITEMS, Offload, ROUNDS_PER_ITEM, run_batch};
use bench_async::event::sample_json;
use bench_async::gather::{self as gathering, Gather};
use bench_async::mpsc::{MESSAGES, produce_consume};
use bench_async::runtime::Flavor;
use bench_async::spawn::{TASKS, TaskWork, spawn_and_join};
use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};
use tokio::runtime::Runtime;

/// `[variant, runtime]` of an `async/<question>/<variant>/current_thread` id.
fn variant<'a>(id: &'a str, question: &str) -> &'a str {
    let parts: Vec<&str> = id.split('/').collect();
    let ["async", q, variant, runtime] = parts[..] else {
        panic!("{id}: expected async/question/variant/runtime");
    };
    assert!(
        q == question && runtime == Flavor::CurrentThread.id(),
        "{id}: given to the current-thread setup of async/{question}"
    );
    variant
}

fn current_thread() -> Runtime {
    Flavor::CurrentThread
        .build()
        .unwrap_or_else(|e| panic!("building the current_thread runtime: {e}"))
}

fn spawn_setup(id: &str) -> (Runtime, TaskWork) {
    let name = variant(id, "spawn");
    let work = TaskWork::ALL
        .into_iter()
        .find(|w| w.id() == name)
        .unwrap_or_else(|| panic!("{id}: unknown task work '{name}'"));
    let rt = current_thread();
    rt.block_on(spawn_and_join(TASKS, work));
    (rt, work)
}

#[library_benchmark]
#[bench::empty_current_thread(args = ("async/spawn/empty/current_thread"), setup = spawn_setup)]
#[bench::cpu_5us_current_thread(args = ("async/spawn/cpu-5us/current_thread"), setup = spawn_setup)]
fn spawn((rt, work): (Runtime, TaskWork)) -> (Runtime, u64) {
    let sum = rt.block_on(spawn_and_join(black_box(TASKS), work));
    (rt, sum)
}

fn gather_setup(id: &str) -> (Runtime, Gather) {
    let name = variant(id, "gather");
    let how = Gather::ALL
        .into_iter()
        .find(|g| g.id() == name)
        .unwrap_or_else(|| panic!("{id}: unknown gather '{name}'"));
    let rt = current_thread();
    rt.block_on(gathering::gather(gathering::TASKS, how));
    (rt, how)
}

#[library_benchmark]
#[bench::join_all_current_thread(args = ("async/gather/join_all/current_thread"), setup = gather_setup)]
#[bench::joinset_current_thread(args = ("async/gather/joinset/current_thread"), setup = gather_setup)]
fn gather((rt, how): (Runtime, Gather)) -> (Runtime, (u64, usize)) {
    let out = rt.block_on(gathering::gather(black_box(gathering::TASKS), how));
    (rt, out)
}

fn mpsc_setup(id: &str) -> (Runtime, u64) {
    let name = variant(id, "mpsc");
    let producers: u64 = name
        .strip_prefix("producers-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{id}: expected producers-N"));
    let rt = current_thread();
    rt.block_on(produce_consume(producers, MESSAGES));
    (rt, producers)
}

#[library_benchmark]
#[bench::producers_1_current_thread(args = ("async/mpsc/producers-1/current_thread"), setup = mpsc_setup)]
#[bench::producers_4_current_thread(args = ("async/mpsc/producers-4/current_thread"), setup = mpsc_setup)]
fn mpsc((rt, producers): (Runtime, u64)) -> (Runtime, (u64, u64)) {
    let out = rt.block_on(produce_consume(black_box(producers), MESSAGES));
    (rt, out)
}

/// A runtime with its subscribers running, and the event they receive.
struct BroadcastCase {
    rt: Runtime,
    hub: Broadcast,
    payload: Arc<[u8]>,
}

fn broadcast_setup(id: &str) -> BroadcastCase {
    let name = variant(id, "broadcast");
    let subscribers: usize = name
        .strip_prefix("subscribers-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{id}: expected subscribers-N"));
    let rt = current_thread();
    let hub = {
        let _in_runtime = rt.enter();
        Broadcast::start(subscribers)
    };
    let payload = sample_json();
    rt.block_on(hub.deliver(&payload));
    BroadcastCase { rt, hub, payload }
}

#[library_benchmark]
#[bench::subscribers_10_current_thread(args = ("async/broadcast/subscribers-10/current_thread"), setup = broadcast_setup)]
#[bench::subscribers_100_current_thread(args = ("async/broadcast/subscribers-100/current_thread"), setup = broadcast_setup)]
#[bench::subscribers_1000_current_thread(args = ("async/broadcast/subscribers-1000/current_thread"), setup = broadcast_setup)]
fn broadcast(case: BroadcastCase) -> BroadcastCase {
    case.rt.block_on(case.hub.deliver(black_box(&case.payload)));
    case
}

/// The runtime and the (unused) pool `run_batch` takes; `inline` never
/// touches the pool, so one thread is enough and it stays idle.
fn cpu_batch_setup(id: &str) -> (Runtime, Arc<rayon::ThreadPool>) {
    let name = variant(id, "cpu-batch");
    assert_eq!(
        name,
        Offload::Inline.id(),
        "{id}: only inline runs on one thread"
    );
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("building the rayon pool"),
    );
    let rt = current_thread();
    rt.block_on(run_batch(Offload::Inline, ITEMS, ROUNDS_PER_ITEM, &pool));
    (rt, pool)
}

#[library_benchmark]
#[bench::inline_current_thread(args = ("async/cpu-batch/inline/current_thread"), setup = cpu_batch_setup)]
fn cpu_batch((rt, pool): (Runtime, Arc<rayon::ThreadPool>)) -> (Runtime, u64) {
    let out = rt.block_on(run_batch(
        Offload::Inline,
        black_box(ITEMS),
        ROUNDS_PER_ITEM,
        &pool,
    ));
    (rt, out)
}

library_benchmark_group!(
    name = async_current_thread,
    benchmarks = [spawn, gather, mpsc, broadcast, cpu_batch]
);

// Instruction counts only, by default: callgrind's cache simulation (L1/LL/RAM
// hits, estimated cycles) costs a large part of the run and is not what the
// diff gates on. `report run --instructions --cache-sim` turns it back on
// through gungraun's GUNGRAUN_CALLGRIND_ARGS, which comes after these
// arguments and so overrides them.
main!(
    config = LibraryBenchmarkConfig::default().tool(Callgrind::with_args(["--cache-sim=no"]));
    library_benchmark_groups = async_current_thread);
