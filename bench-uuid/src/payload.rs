//! Realistic event rows: the JSON a camera detection event carries (~160 bytes).

use std::fmt::Write;

const CAMERAS: [&str; 6] = [
    "front-door",
    "driveway",
    "garage",
    "backyard",
    "side-gate",
    "porch",
];
const KINDS: [&str; 5] = ["person", "vehicle", "animal", "package", "motion"];

/// The payload of event number `seq`: deterministic, varied, 130–200 bytes.
pub fn event_json(seq: u64) -> String {
    // A cheap mix so neighbouring rows differ in every field.
    let h = seq.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (seq >> 7);
    let mut s = String::with_capacity(200);
    write!(
        s,
        r#"{{"camera":"{}","kind":"{}","confidence":0.{:03},"bbox":[{},{},{},{}],"frame":{},"ts_ms":{},"model":"yolo11n-640","armed":{}}}"#,
        CAMERAS[(h % 6) as usize],
        KINDS[((h >> 8) % 5) as usize],
        500 + (h >> 16) % 500,
        (h >> 20) % 1920,
        (h >> 31) % 1080,
        16 + (h >> 41) % 400,
        16 + (h >> 50) % 400,
        seq * 3,
        1_718_000_000_000 + seq * 40,
        (h >> 60) & 1 == 1,
    )
    .expect("writing to a String cannot fail");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_json_shaped_sized_and_varied() {
        let rows: Vec<String> = (0..1000).map(event_json).collect();
        for r in &rows {
            assert!((130..=200).contains(&r.len()), "{} bytes: {r}", r.len());
            assert!(r.starts_with("{\"camera\":\"") && r.ends_with('}'), "{r}");
            assert_eq!(r.matches('"').count() % 2, 0, "{r}");
        }
        let distinct: std::collections::HashSet<_> = rows.iter().collect();
        assert_eq!(distinct.len(), rows.len());
        assert_eq!(event_json(42), event_json(42));
    }
}
