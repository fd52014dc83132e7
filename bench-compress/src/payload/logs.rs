//! Application log lines as the guide's services write them.
//!
//! The shape is `tracing-subscriber`'s default format: an RFC 3339 timestamp
//! with microseconds, a padded level, the module path, then a message with
//! numbers in it. Levels and messages are weighted like a healthy service's
//! log (mostly INFO and DEBUG, some WARN, rare ERROR).

use super::json::EPOCH_MS;
use super::time::rfc3339_micros;
use crate::rng::SplitMix64;

const CAMERAS: [&str; 6] = [
    "cam-front-door",
    "cam-driveway",
    "cam-backyard",
    "cam-garage",
    "cam-side-gate",
    "cam-living-room",
];

const LABELS: [&str; 5] = ["person", "car", "package", "dog", "cat"];

fn hex_id(rng: &mut SplitMix64) -> String {
    format!("{:016x}", rng.next_u64())
}

/// One log line (without the newline).
fn line(rng: &mut SplitMix64, now_us: u64) -> String {
    let ts = rfc3339_micros(now_us);
    let cam = *rng.pick(&CAMERAS);
    let (level, module, message) = match rng.below(100) {
        0..=29 => (
            "INFO",
            "security_ai::pipeline::detector",
            format!(
                "inference done camera={cam} frame={} detections={} latency_ms={:.1}",
                rng.range(1, 9_999_999),
                rng.below(6),
                4.0 + 40.0 * rng.unit()
            ),
        ),
        30..=49 => (
            "DEBUG",
            "security_ai::pipeline::tracker",
            format!(
                "track {} updated label={} bbox=[{}, {}, {}, {}] iou={:.3}",
                rng.range(1, 5_000),
                rng.pick(&LABELS),
                rng.below(1600),
                rng.below(900),
                rng.range(24, 320),
                rng.range(24, 400),
                rng.unit()
            ),
        ),
        50..=64 => (
            "INFO",
            "security_ai::api::http",
            format!(
                "request method=GET path=/api/v1/events?camera={cam}&limit={} status=200 bytes={} elapsed_ms={}",
                [20, 50, 100][rng.below(3) as usize],
                rng.range(800, 120_000),
                rng.range(1, 180)
            ),
        ),
        65..=74 => (
            "DEBUG",
            "security_ai::cache::frames",
            format!(
                "evicted {} frames ({} KiB), cache now {} MiB of 512 MiB",
                rng.range(1, 40),
                rng.range(200, 24_000),
                rng.range(100, 512)
            ),
        ),
        75..=84 => (
            "INFO",
            "security_ai::notify::push",
            format!(
                "alert sent event_id={} devices={} elapsed_ms={}",
                hex_id(rng),
                rng.range(1, 6),
                rng.range(20, 900)
            ),
        ),
        85..=92 => (
            "INFO",
            "security_ai::storage::sqlite",
            format!(
                "inserted {} events in {:.2} ms (wal pages={})",
                rng.range(1, 64),
                0.2 + 8.0 * rng.unit(),
                rng.range(1, 2_000)
            ),
        ),
        93..=97 => (
            "WARN",
            "security_ai::camera::rtsp",
            format!(
                "stream {cam} dropped {} frames (jitter {} ms), reconnecting in {} s",
                rng.range(1, 120),
                rng.range(40, 2_500),
                rng.range(1, 30)
            ),
        ),
        _ => (
            "ERROR",
            "security_ai::storage::sqlite",
            format!(
                "write failed for event_id={}: database is locked (attempt {}/5)",
                hex_id(rng),
                rng.range(1, 5)
            ),
        ),
    };
    format!("{ts} {level:>5} {module}: {message}")
}

/// A log of exactly `len` bytes; every line ends with `\n`, the last one is
/// cut short to fit (a log file read mid-write).
pub fn generate(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut now_us = EPOCH_MS * 1000 + rng.below(86_400_000_000);
    let mut out = Vec::with_capacity(len + 256);
    while out.len() < len {
        now_us += rng.range(10, 400_000);
        out.extend_from_slice(line(&mut rng, now_us).as_bytes());
        out.push(b'\n');
    }
    out.truncate(len);
    if let Some(last) = out.last_mut() {
        *last = b'\n';
    }
    out
}
