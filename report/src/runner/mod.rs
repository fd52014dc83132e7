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
pub mod interrupt;
pub mod plan;
pub mod process;
pub mod progress;
pub mod settings;
pub mod tools;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `20251125T091500Z`: a UTC timestamp safe in file names.
pub fn utc_stamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        // 2024-02-29 12:34:56 UTC (a leap day).
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
        assert_eq!(utc_stamp(t), "20240229T123456Z");
    }
}
