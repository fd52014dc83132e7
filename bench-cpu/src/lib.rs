//! CPU-parallel scaling benchmarks: serial vs rayon vs scoped threads, frame
//! preprocessing, task granularity, and everyday single-threaded work.
//!
//! The Rust counterpart of the "Free-Threading" section of the Python 3.14
//! guide. Workloads live here and are unit-tested; the criterion harness is
//! `benches/cpu.rs`, and the crate README lists the benchmark ids.
//!
//! - [`kernel`]: a CPU-bound checksum kernel in equal chunks (`cpu/kernel`).
//! - [`frames`]: resize + normalise a batch of camera frames (`cpu/frames`).
//! - [`granularity`]: the kernel's work in chunks of 1 µs to 10 ms
//!   (`cpu/granularity`).
//! - [`events`]: JSON, sorting and aggregation of detection events
//!   (`cpu/general`).
//! - [`threads`]: thread counts and dedicated rayon pools.
//! - [`rng`]: the deterministic generators everything above draws from.

pub mod events;
pub mod frames;
pub mod granularity;
pub mod kernel;
pub mod rng;
pub mod threads;
