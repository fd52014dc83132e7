//! Criterion harness for bench-async. One group per question, ids
//! `async/<question>/<variant>/<runtime>`; every runtime is built before its
//! benchmarks and shut down after them, never inside a timed closure.
//! Long-lived tasks (subscribers, TCP clients) are started before timing and
//! checked for complete, in-order delivery after it.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use bench_async::broadcast::{Broadcast, SUBSCRIBERS};
use bench_async::cpu_batch::{ITEMS, Offload, ROUNDS_PER_ITEM, run_batch};
use bench_async::event::sample_json;
use bench_async::gather::{self, Gather};
use bench_async::mpsc::{MESSAGES, produce_consume};
use bench_async::runtime::{Flavor, available_parallelism, shutdown};
use bench_async::spawn::{TASKS, TaskWork, spawn_and_join};
use bench_async::tcp::{CLIENTS, TcpBroadcast};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

fn runtime(flavor: Flavor) -> tokio::runtime::Runtime {
    flavor
        .build()
        .unwrap_or_else(|e| panic!("building the {} runtime: {e}", flavor.id()))
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("async/spawn");
    group.throughput(Throughput::Elements(TASKS as u64));
    // 10,000 tasks of 5 µs is ~50 ms an iteration on one worker: flat
    // sampling with fewer samples keeps the group within its time budget.
    group.sampling_mode(SamplingMode::Flat).sample_size(20);
    for flavor in Flavor::ALL {
        let rt = runtime(flavor);
        for work in TaskWork::ALL {
            group.bench_function(BenchmarkId::new(work.id(), flavor.id()), |b| {
                b.to_async(&rt)
                    .iter(|| async { black_box(spawn_and_join(black_box(TASKS), work).await) })
            });
        }
        shutdown(rt);
    }
    group.finish();
}

fn gather(c: &mut Criterion) {
    let mut group = c.benchmark_group("async/gather");
    group.throughput(Throughput::Elements(gather::TASKS as u64));
    for flavor in Flavor::ALL {
        let rt = runtime(flavor);
        for how in Gather::ALL {
            group.bench_function(BenchmarkId::new(how.id(), flavor.id()), |b| {
                b.to_async(&rt).iter(|| async {
                    black_box(gather::gather(black_box(gather::TASKS), how).await)
                })
            });
        }
        shutdown(rt);
    }
    group.finish();
}

fn mpsc(c: &mut Criterion) {
    let mut group = c.benchmark_group("async/mpsc");
    group.throughput(Throughput::Elements(MESSAGES));
    for flavor in Flavor::ALL {
        let rt = runtime(flavor);
        for producers in [1u64, 4] {
            let id = BenchmarkId::new(format!("producers-{producers}"), flavor.id());
            group.bench_function(id, |b| {
                b.to_async(&rt).iter(|| async {
                    black_box(produce_consume(black_box(producers), MESSAGES).await)
                })
            });
        }
        shutdown(rt);
    }
    group.finish();
}

fn broadcast(c: &mut Criterion) {
    let payload = sample_json();
    let mut group = c.benchmark_group("async/broadcast");
    for flavor in Flavor::ALL {
        let rt = runtime(flavor);
        for subscribers in SUBSCRIBERS {
            // One iteration = one event delivered to every subscriber.
            group.throughput(Throughput::Elements(subscribers as u64));
            let hub = {
                let _in_runtime = rt.enter();
                Broadcast::start(subscribers)
            };
            let id = BenchmarkId::new(format!("subscribers-{subscribers}"), flavor.id());
            group.bench_function(id, |b| {
                b.to_async(&rt).iter(|| hub.deliver(black_box(&payload)))
            });
            if let Err(e) = rt.block_on(hub.finish()) {
                panic!(
                    "async/broadcast/subscribers-{subscribers}/{}: {e}",
                    flavor.id()
                );
            }
        }
        shutdown(rt);
    }
    group.finish();
}

fn tcp_broadcast(c: &mut Criterion) {
    let payload = sample_json();
    let mut group = c.benchmark_group("async/tcp-broadcast");
    group.throughput(Throughput::Elements(CLIENTS as u64));
    for flavor in Flavor::ALL {
        let rt = runtime(flavor);
        let server = rt
            .block_on(TcpBroadcast::start(CLIENTS))
            .unwrap_or_else(|e| panic!("starting the loopback server: {e}"));
        let id = BenchmarkId::new(format!("clients-{CLIENTS}"), flavor.id());
        group.bench_function(id, |b| {
            b.to_async(&rt).iter(|| server.deliver(black_box(&payload)))
        });
        if let Err(e) = rt.block_on(server.finish()) {
            panic!("async/tcp-broadcast/clients-{CLIENTS}/{}: {e}", flavor.id());
        }
        shutdown(rt);
    }
    group.finish();
}

fn cpu_batch(c: &mut Criterion) {
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(available_parallelism())
            .thread_name(|i| format!("batch-rayon-{i}"))
            .build()
            .expect("building the rayon pool"),
    );
    let mut group = c.benchmark_group("async/cpu-batch");
    group.throughput(Throughput::Elements(ITEMS));
    for flavor in Flavor::ALL {
        let rt = runtime(flavor);
        for how in Offload::ALL {
            group.bench_function(BenchmarkId::new(how.id(), flavor.id()), |b| {
                b.to_async(&rt).iter(|| async {
                    black_box(run_batch(how, black_box(ITEMS), ROUNDS_PER_ITEM, &pool).await)
                })
            });
        }
        shutdown(rt);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Short defaults so `cargo bench -p bench-async` takes about three
    // minutes on 2 cores; command-line flags (--measurement-time, --quick,
    // --sample-size) still override them.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500));
    targets = spawn, gather, mpsc, broadcast, tcp_broadcast, cpu_batch
}
criterion_main!(benches);
