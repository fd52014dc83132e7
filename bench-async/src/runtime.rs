//! The runtimes every scenario runs on: `current_thread` and `multi_thread`
//! with 1, 2 and `available_parallelism()` workers. Runtimes are built by the
//! harness once per group, outside any timed closure.

use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

/// How tasks are scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// One thread runs every task (the GIL-like case).
    CurrentThread,
    /// A work-stealing pool of this many worker threads.
    MultiThread(Workers),
}

/// Worker count of a `multi_thread` runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workers {
    Fixed(usize),
    /// `std::thread::available_parallelism()`, so the id stays stable across
    /// machines while the count follows the machine (the run records it).
    Max,
}

impl Flavor {
    /// The flavours every benchmark runs on, in table order.
    pub const ALL: [Flavor; 4] = [
        Flavor::CurrentThread,
        Flavor::MultiThread(Workers::Fixed(1)),
        Flavor::MultiThread(Workers::Fixed(2)),
        Flavor::MultiThread(Workers::Max),
    ];

    /// The benchmark-id parameter: `current_thread`, `mt-1`, `mt-2`, `mt-max`.
    pub fn id(self) -> String {
        match self {
            Flavor::CurrentThread => "current_thread".to_owned(),
            Flavor::MultiThread(Workers::Fixed(n)) => format!("mt-{n}"),
            Flavor::MultiThread(Workers::Max) => "mt-max".to_owned(),
        }
    }

    /// Threads that run tasks.
    pub fn worker_threads(self) -> usize {
        match self {
            Flavor::CurrentThread => 1,
            Flavor::MultiThread(Workers::Fixed(n)) => n,
            Flavor::MultiThread(Workers::Max) => available_parallelism(),
        }
    }

    /// Builds the runtime with I/O and timers enabled.
    pub fn build(self) -> std::io::Result<Runtime> {
        let mut builder = match self {
            Flavor::CurrentThread => Builder::new_current_thread(),
            Flavor::MultiThread(_) => {
                let mut b = Builder::new_multi_thread();
                b.worker_threads(self.worker_threads());
                b
            }
        };
        builder.enable_all().build()
    }
}

/// `available_parallelism()`, or 1 where it cannot be determined.
pub fn available_parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Shuts a runtime down, giving blocking tasks a bounded time to finish so a
/// stuck task cannot hang the benchmark binary.
pub fn shutdown(runtime: Runtime) {
    runtime.shutdown_timeout(Duration::from_secs(5));
}

/// Alive tasks once the runtime has had a moment to drop finished tasks. On
/// `multi_thread` the counter may lag a finished task briefly, so poll for up
/// to a second before answering.
pub fn alive_tasks_after_settling(runtime: &Runtime) -> usize {
    let metrics = runtime.metrics();
    for _ in 0..100 {
        if metrics.num_alive_tasks() == 0 {
            return 0;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    metrics.num_alive_tasks()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let ids: Vec<String> = Flavor::ALL.iter().map(|f| f.id()).collect();
        assert_eq!(ids, ["current_thread", "mt-1", "mt-2", "mt-max"]);
    }

    #[test]
    fn every_flavor_builds_and_runs_a_task() {
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            let n = rt.block_on(async { tokio::spawn(async { 21 * 2 }).await.unwrap() });
            assert_eq!(n, 42);
            assert_eq!(rt.metrics().num_workers(), flavor.worker_threads());
            shutdown(rt);
        }
    }
}
