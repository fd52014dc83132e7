//! Spawn-and-join: what it costs to hand work to the scheduler as tasks, for
//! empty tasks (pure scheduling cost) and for tasks that do about 5 µs of CPU
//! work each (where more workers start to pay).

use std::cell::Cell;

use crate::wait::within;
use crate::work::{ROUNDS_5US, spin};

/// Tasks per iteration (the 10,000).
pub const TASKS: usize = 10_000;

/// What each spawned task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskWork {
    /// Returns its index: measures spawn + schedule + join only.
    Empty,
    /// About 5 µs of register-only CPU work.
    Cpu5us,
}

impl TaskWork {
    pub const ALL: [TaskWork; 2] = [TaskWork::Empty, TaskWork::Cpu5us];

    /// The benchmark-id variant.
    pub fn id(self) -> &'static str {
        match self {
            TaskWork::Empty => "empty",
            TaskWork::Cpu5us => "cpu-5us",
        }
    }

    fn run(self, index: u64) -> u64 {
        match self {
            TaskWork::Empty => index,
            TaskWork::Cpu5us => spin(index, ROUNDS_5US),
        }
    }
}

/// Spawns `tasks` tasks on the current runtime, joins them all and returns the
/// wrapping sum of their results.
pub async fn spawn_and_join(tasks: usize, work: TaskWork) -> u64 {
    let handles: Vec<_> = (0..tasks as u64)
        .map(|i| tokio::spawn(async move { work.run(i) }))
        .collect();
    let joined = Cell::new(0usize);
    within(
        async {
            let mut sum = 0u64;
            for handle in handles {
                sum = sum.wrapping_add(handle.await.expect("spawned task panicked"));
                joined.set(joined.get() + 1);
            }
            sum
        },
        || format!("only {} of {tasks} spawned tasks finished", joined.get()),
    )
    .await
}

/// The result [`spawn_and_join`] must return, computed without tasks.
pub fn expected(tasks: usize, work: TaskWork) -> u64 {
    (0..tasks as u64).fold(0u64, |acc, i| acc.wrapping_add(work.run(i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Flavor, shutdown};

    #[test]
    fn every_task_runs_once_on_every_flavor() {
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            for work in TaskWork::ALL {
                let got = rt.block_on(spawn_and_join(500, work));
                assert_eq!(got, expected(500, work), "{} on {}", work.id(), flavor.id());
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

    #[test]
    fn expected_depends_on_the_work() {
        assert_eq!(expected(4, TaskWork::Empty), 6);
        assert_ne!(expected(4, TaskWork::Cpu5us), 6);
    }
}
