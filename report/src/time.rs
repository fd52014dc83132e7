//! Times as text: RFC 3339 for run files and `20251125T091500Z` stamps for
//! file names, both UTC, over the shared calendar code of `bench-metrics`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bench_metrics::civil::utc_from_unix;

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// The current time as RFC 3339 UTC with second precision.
pub fn now_rfc3339() -> String {
    rfc3339_from_unix(unix_secs(SystemTime::now()))
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339_from_unix(secs: u64) -> String {
    let (y, m, d, hh, mm, ss) = utc_from_unix(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// `20251125T091500Z`: a UTC timestamp safe in file names.
pub fn utc_stamp(t: SystemTime) -> String {
    let (y, m, d, hh, mm, ss) = utc_from_unix(unix_secs(t));
    format!("{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_of_known_instants() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
        assert_eq!(utc_stamp(t), "20240229T123456Z");
    }
}
