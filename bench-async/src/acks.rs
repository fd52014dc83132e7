//! Delivery acknowledgements: how a broadcaster knows that every receiver got
//! message `seq`, and, when one did not, which ones.
//!
//! Each receiver acks by decrementing a shared counter; the last one wakes the
//! sender. `Notify::notify_one` stores a permit when nobody waits yet, so a
//! delivery that completes before the sender starts waiting is not lost.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Notify;

use crate::wait::within;

#[derive(Debug)]
pub struct Acks {
    remaining: AtomicUsize,
    done: Notify,
    /// Highest sequence number each receiver has acked (0 = none yet).
    last_seen: Box<[AtomicU64]>,
}

impl Acks {
    pub fn new(receivers: usize) -> Self {
        Self {
            remaining: AtomicUsize::new(0),
            done: Notify::new(),
            last_seen: (0..receivers).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    pub fn receivers(&self) -> usize {
        self.last_seen.len()
    }

    /// Arms the counter for one message to every receiver. Call before sending.
    pub fn arm(&self) {
        self.remaining.store(self.receivers(), Ordering::Release);
    }

    /// Receiver `receiver` got message `seq`.
    pub fn ack(&self, receiver: usize, seq: u64) {
        self.last_seen[receiver].store(seq, Ordering::Relaxed);
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.done.notify_one();
        }
    }

    /// Waits until every receiver acked message `seq`; panics (bounded wait)
    /// naming the receivers that did not.
    pub async fn wait_all(&self, seq: u64, receiver_kind: &str) {
        within(self.done.notified(), || self.missing(seq, receiver_kind)).await;
    }

    /// Last sequence number acked by each receiver.
    pub fn last_seen(&self) -> Vec<u64> {
        self.last_seen
            .iter()
            .map(|s| s.load(Ordering::Relaxed))
            .collect()
    }

    fn missing(&self, seq: u64, receiver_kind: &str) -> String {
        let missing: Vec<String> = self
            .last_seen()
            .iter()
            .enumerate()
            .filter(|(_, last)| **last < seq)
            .map(|(i, last)| format!("{receiver_kind} {i} (last got {last})"))
            .collect();
        format!(
            "{} of {} did not receive message {seq}: {}",
            missing.len(),
            self.receivers(),
            missing
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_receivers_that_missed_a_message() {
        let acks = Acks::new(3);
        acks.arm();
        acks.ack(0, 1);
        acks.ack(2, 1);
        let text = acks.missing(1, "subscriber");
        assert!(
            text.starts_with("1 of 3 did not receive message 1"),
            "{text}"
        );
        assert!(text.contains("subscriber 1 (last got 0)"), "{text}");
    }

    #[test]
    fn the_last_ack_wakes_the_waiter_even_if_it_came_first() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let acks = Acks::new(2);
        acks.arm();
        acks.ack(0, 1);
        acks.ack(1, 1);
        rt.block_on(acks.wait_all(1, "subscriber"));
        assert_eq!(acks.last_seen(), vec![1, 1]);
    }
}
