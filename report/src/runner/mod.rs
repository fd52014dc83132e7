//! The engine of `report run`: plan the toolchain x target-cpu x target cells
//! and validate them before anything is built (`plan`, `tools`), then per
//! cell build, list and measure the bench crates with cargo (`execute`,
//! `process`), showing progress from criterion's own output (`progress`) and
//! stopping cleanly on Ctrl-C (`interrupt`). Ingesting a finished cell and
//! rendering the report are `commands::run`'s job.
//!
//! Invariants:
//! - nothing is built before every cell has been validated;
//! - each cell has its own `CARGO_TARGET_DIR` (`target/report-run/<slug>`)
//!   and `CRITERION_HOME` (`<that>/criterion`); no two cells share data;
//! - an interrupted or failed cell writes no run file;
//! - the only unsafe code (`wait4`, `kill`) is in `process`, unix only.
//!
//! # Default measurement settings
//! A first run measures every benchmark of every crate (about 330) and
//! should finish within five minutes of measuring on two cores. Criterion's
//! per-benchmark cost is warm-up + measurement + analysis (bootstrap) + the
//! harness's own setup, about 0.4 s beyond the measurement itself (measured:
//! 326 benchmarks took 355 s at warm-up 0.2 s / measurement 0.5 s). So the
//! default ([`settings::Settings::FirstRun`]) is warm-up 0.15 s, measurement
//! 0.35 s, 20 samples and 5,000 bootstrap resamples; groups with long
//! iterations already use flat sampling with 10 samples.
//! `--quick` is shorter still (no warm-up, two samples, no usable
//! percentiles); `--full` restores criterion's defaults for figures people
//! will quote.

pub mod cell;
pub mod execute;
pub mod instructions;
pub mod interference;
pub mod interrupt;
pub mod plan;
pub mod process;
pub mod progress;
pub mod python;
pub mod settings;
pub mod tools;

pub use crate::time::utc_stamp;
