//! Bounded mpsc: producers as tasks sending detection sequence numbers to one
//! consumer, the shape of a camera-ingest pipeline. The bound makes producers
//! wait on a slow consumer, as back-pressure does in the real system.

use std::cell::Cell;

use tokio::sync::mpsc;

use crate::wait::within;

/// Messages per iteration, split evenly between the producers.
pub const MESSAGES: u64 = 10_000;
/// Channel capacity.
pub const CAPACITY: usize = 256;

/// Runs `producers` producer tasks that together send `0..messages`; the
/// calling task consumes. Returns (sum, count) of what was received.
pub async fn produce_consume(producers: u64, messages: u64) -> (u64, u64) {
    assert!(producers > 0, "at least one producer");
    let (tx, mut rx) = mpsc::channel::<u64>(CAPACITY);
    for p in 0..producers {
        let tx = tx.clone();
        // Producer p sends p, p + producers, p + 2 * producers, ...
        tokio::spawn(async move {
            for v in (p..messages).step_by(producers as usize) {
                if tx.send(v).await.is_err() {
                    break; // the consumer gave up (it timed out): stop quietly
                }
            }
        });
    }
    drop(tx);
    let received = Cell::new(0u64);
    let sum = within(
        async {
            let mut sum = 0;
            while let Some(v) = rx.recv().await {
                sum += v;
                received.set(received.get() + 1);
            }
            sum
        },
        || {
            format!(
                "consumer received {} of {messages} messages",
                received.get()
            )
        },
    )
    .await;
    (sum, received.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Flavor, shutdown};

    #[test]
    fn every_message_arrives_once() {
        let n = 2_000;
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            for producers in [1, 4] {
                let (sum, count) = rt.block_on(produce_consume(producers, n));
                assert_eq!((sum, count), ((n - 1) * n / 2, n), "{producers} producers");
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
