//! Gather: the asyncio `gather` analogue. 1,000 tasks that each yield a few
//! times (as a coroutine awaiting I/O would), collected with `join_all` over
//! their handles or with a `JoinSet`.

use std::cell::Cell;

use futures_util::future::join_all;
use tokio::task::JoinSet;

use crate::wait::within;

/// Tasks per iteration.
pub const TASKS: usize = 1_000;
/// Times each task yields to the scheduler before finishing.
pub const YIELDS: usize = 3;

/// How the tasks are collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gather {
    /// `futures::future::join_all` over the `JoinHandle`s, in spawn order.
    JoinAll,
    /// `tokio::task::JoinSet`, in completion order.
    JoinSet,
}

impl Gather {
    pub const ALL: [Gather; 2] = [Gather::JoinAll, Gather::JoinSet];

    pub fn id(self) -> &'static str {
        match self {
            Gather::JoinAll => "join_all",
            Gather::JoinSet => "joinset",
        }
    }
}

async fn yielding(index: u64) -> u64 {
    for _ in 0..YIELDS {
        tokio::task::yield_now().await;
    }
    index
}

/// Spawns `tasks` yielding tasks, gathers them, returns the sum of their
/// indices and how many results were gathered.
pub async fn gather(tasks: usize, how: Gather) -> (u64, usize) {
    match how {
        Gather::JoinAll => {
            let handles: Vec<_> = (0..tasks as u64)
                .map(|i| tokio::spawn(yielding(i)))
                .collect();
            let results = within(join_all(handles), || {
                format!("join_all of {tasks} yielding tasks did not complete")
            })
            .await;
            results.into_iter().fold((0, 0), |(sum, n), r| {
                (sum + r.expect("gathered task panicked"), n + 1)
            })
        }
        Gather::JoinSet => {
            let mut set = JoinSet::new();
            for i in 0..tasks as u64 {
                set.spawn(yielding(i));
            }
            let gathered = Cell::new(0usize);
            let sum = within(
                async {
                    let mut sum = 0;
                    while let Some(r) = set.join_next().await {
                        sum += r.expect("gathered task panicked");
                        gathered.set(gathered.get() + 1);
                    }
                    sum
                },
                || format!("JoinSet gathered only {} of {tasks} tasks", gathered.get()),
            )
            .await;
            (sum, gathered.get())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Flavor, shutdown};

    #[test]
    fn every_task_is_gathered_exactly_once() {
        let n = 300;
        let want = (n as u64 - 1) * n as u64 / 2;
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            for how in Gather::ALL {
                assert_eq!(rt.block_on(gather(n, how)), (want, n), "{}", how.id());
            }
            assert_eq!(
                crate::runtime::alive_tasks_after_settling(&rt),
                0,
                "tasks left on {}",
                flavor.id()
            );
            shutdown(rt);
        }
    }
}
