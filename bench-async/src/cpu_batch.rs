//! CPU-bound batch work started from async code (the doc's "background
//! tasks: true parallel batch processing"): the same batch run inline on the
//! runtime (blocking a worker), through `spawn_blocking`, and handed to a
//! rayon pool with a oneshot reply.

use std::sync::Arc;

use rayon::prelude::*;
use tokio::sync::oneshot;

use crate::wait::within;
use crate::work::spin;

/// Items per batch.
pub const ITEMS: u64 = 64;
/// Work per item: about 20 µs (four times `ROUNDS_5US`).
pub const ROUNDS_PER_ITEM: u32 = 4 * crate::work::ROUNDS_5US;
/// Items per `spawn_blocking` call: a real program batches, it does not
/// spawn a blocking thread per 20 µs item.
pub const BLOCKING_CHUNK: u64 = 8;

/// Where the batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offload {
    Inline,
    SpawnBlocking,
    Rayon,
}

impl Offload {
    pub const ALL: [Offload; 3] = [Offload::Inline, Offload::SpawnBlocking, Offload::Rayon];

    pub fn id(self) -> &'static str {
        match self {
            Offload::Inline => "inline",
            Offload::SpawnBlocking => "spawn_blocking",
            Offload::Rayon => "rayon",
        }
    }
}

fn item(i: u64, rounds: u32) -> u64 {
    spin(i, rounds)
}

/// The batch's result computed serially: what every offload must return.
pub fn expected(items: u64, rounds: u32) -> u64 {
    (0..items).fold(0u64, |acc, i| acc.wrapping_add(item(i, rounds)))
}

/// Runs a batch of `items` items of `rounds` work each, offloaded as `how`
/// says. `pool` is only used by [`Offload::Rayon`]; build it once, outside
/// any timed code.
pub async fn run_batch(
    how: Offload,
    items: u64,
    rounds: u32,
    pool: &Arc<rayon::ThreadPool>,
) -> u64 {
    match how {
        Offload::Inline => expected(items, rounds),
        Offload::SpawnBlocking => {
            let handles: Vec<_> = (0..items)
                .step_by(BLOCKING_CHUNK as usize)
                .map(|start| {
                    let end = (start + BLOCKING_CHUNK).min(items);
                    tokio::task::spawn_blocking(move || {
                        (start..end).fold(0u64, |acc, i| acc.wrapping_add(item(i, rounds)))
                    })
                })
                .collect();
            let mut sum = 0u64;
            for (n, h) in handles.into_iter().enumerate() {
                let part = within(h, || format!("spawn_blocking chunk {n} did not finish"))
                    .await
                    .expect("blocking chunk panicked");
                sum = sum.wrapping_add(part);
            }
            sum
        }
        Offload::Rayon => {
            let (tx, rx) = oneshot::channel();
            pool.spawn(move || {
                let sum = (0..items)
                    .into_par_iter()
                    .map(|i| item(i, rounds))
                    .reduce(|| 0, u64::wrapping_add);
                let _ = tx.send(sum); // the receiver only goes away on timeout
            });
            within(rx, || "rayon pool never replied to the batch".to_owned())
                .await
                .expect("rayon job dropped its reply sender")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Flavor, alive_tasks_after_settling, shutdown};

    #[test]
    fn every_offload_computes_the_serial_result() {
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap(),
        );
        let want = expected(20, 50);
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            for how in Offload::ALL {
                let got = rt.block_on(run_batch(how, 20, 50, &pool));
                assert_eq!(got, want, "{} on {}", how.id(), flavor.id());
            }
            assert_eq!(alive_tasks_after_settling(&rt), 0);
            shutdown(rt);
        }
    }
}
