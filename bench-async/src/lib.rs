//! tokio workloads: spawning, gather, channels, loopback broadcast, CPU batches from async code.
