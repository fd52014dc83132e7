//! In-process broadcast of one serialised detection event to many
//! subscribers (`tokio::sync::broadcast`), timed until every subscriber has
//! received it: the doc's "WebSocket broadcasting" without the sockets.
//!
//! Subscribers are long-lived tasks started once ([`Broadcast::start`]); each
//! checks that it sees every message exactly once and in order, and the
//! scenario's [`Broadcast::finish`] reports any subscriber that did not.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast::{self, error::RecvError};
use tokio::task::JoinHandle;

use crate::acks::Acks;
use crate::wait::within;

/// Subscriber counts of the benchmarks.
pub const SUBSCRIBERS: [usize; 3] = [10, 100, 1_000];

type Message = (u64, Arc<[u8]>);

/// What one subscriber saw, returned when the channel closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub messages: u64,
    pub bytes: u64,
}

/// A running broadcast scenario.
#[derive(Debug)]
pub struct Broadcast {
    tx: broadcast::Sender<Message>,
    seq: AtomicU64,
    acks: Arc<Acks>,
    subscribers: Vec<JoinHandle<Result<Received, String>>>,
}

impl Broadcast {
    /// Subscribes `subscribers` tasks. Must be called inside a runtime.
    pub fn start(subscribers: usize) -> Self {
        // The sender waits for every delivery before the next send, so a
        // small capacity never lags.
        let (tx, _) = broadcast::channel(16);
        let acks = Arc::new(Acks::new(subscribers));
        let handles = (0..subscribers)
            .map(|i| tokio::spawn(subscriber(i, tx.subscribe(), Arc::clone(&acks))))
            .collect();
        Self {
            tx,
            seq: AtomicU64::new(0),
            acks,
            subscribers: handles,
        }
    }

    /// Sends `payload` once and waits until every subscriber has received it.
    pub async fn deliver(&self, payload: &Arc<[u8]>) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        self.acks.arm();
        self.tx
            .send((seq, Arc::clone(payload)))
            .expect("subscribers are alive until finish()");
        self.acks.wait_all(seq, "subscriber").await;
    }

    /// Messages sent so far.
    pub fn sent(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }

    /// Closes the channel, joins every subscriber and checks each received
    /// every message exactly once. Returns what each received.
    pub async fn finish(self) -> Result<Vec<Received>, String> {
        let sent = self.sent();
        drop(self.tx);
        let mut all = Vec::with_capacity(self.subscribers.len());
        for (i, handle) in self.subscribers.into_iter().enumerate() {
            let received = within(handle, || format!("subscriber {i} did not stop"))
                .await
                .map_err(|e| format!("subscriber {i} panicked: {e}"))??;
            if received.messages != sent {
                return Err(format!(
                    "subscriber {i} received {} of {sent} messages",
                    received.messages
                ));
            }
            all.push(received);
        }
        Ok(all)
    }
}

async fn subscriber(
    index: usize,
    mut rx: broadcast::Receiver<Message>,
    acks: Arc<Acks>,
) -> Result<Received, String> {
    let mut got = Received {
        messages: 0,
        bytes: 0,
    };
    loop {
        match rx.recv().await {
            Ok((seq, payload)) => {
                if seq != got.messages + 1 {
                    return Err(format!(
                        "subscriber {index} expected message {}, got {seq}",
                        got.messages + 1
                    ));
                }
                got.messages = seq;
                got.bytes += payload.len() as u64;
                acks.ack(index, seq);
            }
            Err(RecvError::Closed) => return Ok(got),
            Err(RecvError::Lagged(n)) => {
                return Err(format!(
                    "subscriber {index} lagged and lost {n} messages after message {}",
                    got.messages
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::sample_json;
    use crate::runtime::{Flavor, alive_tasks_after_settling, shutdown};

    #[test]
    fn every_subscriber_gets_every_message_once_in_order() {
        let payload = sample_json();
        for flavor in Flavor::ALL {
            let rt = flavor.build().unwrap();
            let received = rt.block_on(async {
                let b = Broadcast::start(50);
                for _ in 0..20 {
                    b.deliver(&payload).await;
                }
                b.finish().await
            });
            let received = received.unwrap();
            assert_eq!(received.len(), 50);
            for r in received {
                assert_eq!(r.messages, 20);
                assert_eq!(r.bytes, 20 * payload.len() as u64);
            }
            assert_eq!(
                alive_tasks_after_settling(&rt),
                0,
                "tasks left on {}",
                flavor.id()
            );
            shutdown(rt);
        }
    }

    #[test]
    fn finish_with_no_messages_is_clean() {
        let rt = Flavor::CurrentThread.build().unwrap();
        let received = rt
            .block_on(async { Broadcast::start(3).finish().await })
            .unwrap();
        assert_eq!(received.iter().map(|r| r.messages).sum::<u64>(), 0);
    }
}
