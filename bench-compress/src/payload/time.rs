//! UTC timestamps as RFC 3339 text, without a date-time dependency.

/// Formats milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_millis(epoch_ms: u64) -> String {
    let (date, secs_of_day) = split(epoch_ms / 1000);
    format!(
        "{date}T{:02}:{:02}:{:02}.{:03}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
        epoch_ms % 1000
    )
}

/// Formats microseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.uuuuuuZ`,
/// the shape `tracing-subscriber` writes.
pub fn rfc3339_micros(epoch_us: u64) -> String {
    let (date, secs_of_day) = split(epoch_us / 1_000_000);
    format!(
        "{date}T{:02}:{:02}:{:02}.{:06}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
        epoch_us % 1_000_000
    )
}

fn split(epoch_s: u64) -> (String, u64) {
    let days = epoch_s / 86_400;
    let (y, m, d) = bench_metrics::civil::civil_from_days(days as i64);
    (format!("{y:04}-{m:02}-{d:02}"), epoch_s % 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings computed with Python's `datetime` module.
    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_759_831_200_123),
            "2025-10-07T10:00:00.123Z"
        );
        assert_eq!(
            rfc3339_millis(4_102_444_799_000),
            "2099-12-31T23:59:59.000Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            rfc3339_micros(1_759_831_200_000_042),
            "2025-10-07T10:00:00.000042Z"
        );
    }
}
