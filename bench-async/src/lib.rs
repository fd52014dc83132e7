//! tokio workloads from the reference doc's async benchmarks and its
//! free-threading use cases ("WebSocket broadcasting: parallel message
//! distribution", "background tasks: true parallel batch processing").
//!
//! The question the GIL posed in Python becomes, in Rust: run every task on one
//! thread (tokio `current_thread`) or on many (`multi_thread`)? Every scenario
//! here runs unchanged on each [`runtime::Flavor`].
//!
//! Each scenario is a plain async API, unit-tested for its result, that the
//! criterion harness in `benches/async.rs` times. Scenarios with long-lived
//! tasks (broadcast subscribers, TCP clients) are set up once, outside the
//! timed loop, and torn down with a check that every task ended.
//!
//! Nothing can hang: every wait on another task goes through
//! [`wait::within`], which fails with a message naming what was missed.

pub mod acks;
pub mod broadcast;
pub mod cpu_batch;
pub mod event;
pub mod gather;
pub mod mpsc;
pub mod runtime;
pub mod spawn;
pub mod tcp;
pub mod wait;
pub mod work;
