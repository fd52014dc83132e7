//! General performance: everyday single-threaded work on detection events (the
//! doc's "General Performance Benchmarks"): JSON encode and decode, sorting by
//! time, and per-camera aggregation.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use serde::{Deserialize, Serialize};

use crate::rng::XorShift64Star;

/// Number of events in the benchmarked batch.
pub const BATCH: usize = 1000;
/// Seed of the benchmarked batch.
pub const SEED: u64 = 0x00DE_7EC7;
/// Cameras events are spread over.
pub const CAMERAS: usize = 8;

/// What a detector saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Person,
    Vehicle,
    Animal,
    Package,
}

/// A box in normalised image coordinates (`0..=1`), top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// One detection reported by a camera's model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectionEvent {
    pub id: u64,
    pub camera: String,
    pub label: Label,
    pub confidence: f32,
    pub bbox: BoundingBox,
    /// Milliseconds since the Unix epoch.
    pub timestamp: u64,
}

/// `count` deterministic events from [`CAMERAS`] cameras, about 10 per second,
/// arriving out of order (each timestamp is jittered by up to 4 s).
pub fn synthetic_events(count: usize, seed: u64) -> Vec<DetectionEvent> {
    const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    let mut rng = XorShift64Star::new(seed);
    (0..count as u64)
        .map(|id| {
            let label = match rng.below(10) {
                0..=4 => Label::Person,
                5..=7 => Label::Vehicle,
                8 => Label::Animal,
                _ => Label::Package,
            };
            let width = 0.05 + 0.3 * rng.unit_f64() as f32;
            let height = 0.05 + 0.5 * rng.unit_f64() as f32;
            DetectionEvent {
                id,
                camera: format!("cam-{:02}", 1 + rng.below(CAMERAS as u64)),
                label,
                confidence: 0.25 + 0.75 * rng.unit_f64() as f32,
                bbox: BoundingBox {
                    x: (1.0 - width) * rng.unit_f64() as f32,
                    y: (1.0 - height) * rng.unit_f64() as f32,
                    width,
                    height,
                },
                timestamp: START_MS + id * 100 + rng.below(4_000),
            }
        })
        .collect()
}

/// Events as a JSON array.
pub fn encode(events: &[DetectionEvent]) -> Result<String, serde_json::Error> {
    serde_json::to_string(events)
}

/// Events from a JSON array.
pub fn decode(json: &str) -> Result<Vec<DetectionEvent>, serde_json::Error> {
    serde_json::from_str(json)
}

/// Sorts by timestamp, oldest first; ties (same millisecond) by id, so the
/// order is fully determined.
pub fn sort_by_time(events: &mut [DetectionEvent]) {
    events.sort_unstable_by_key(|e| (e.timestamp, e.id));
}

/// Per-camera summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraStats {
    pub detections: u32,
    pub persons: u32,
    pub confidence_sum: f64,
    pub max_confidence: f32,
    pub last_seen: u64,
}

impl CameraStats {
    /// Mean confidence of the camera's detections.
    pub fn mean_confidence(&self) -> f64 {
        self.confidence_sum / f64::from(self.detections)
    }
}

/// Summaries keyed by camera name (borrowed from the events), hashed by
/// std's SipHash-1-3 as a plain `HashMap` is, but under fixed keys instead
/// of random ones per process: with random keys the table's collisions,
/// and so its instruction count, changed from one process to the next
/// (264,469 vs 264,520 in two runs of the same build, 0.019 %, over the
/// instruction channel's 0.01 % A/A bar). The cost per hash is the same.
pub type CameraTable<'a> = HashMap<&'a str, CameraStats, BuildHasherDefault<DefaultHasher>>;

/// Per-camera summaries of `events`.
pub fn aggregate_per_camera(events: &[DetectionEvent]) -> CameraTable<'_> {
    let mut stats = CameraTable::default();
    for event in events {
        let entry = stats.entry(event.camera.as_str()).or_insert(CameraStats {
            detections: 0,
            persons: 0,
            confidence_sum: 0.0,
            max_confidence: 0.0,
            last_seen: 0,
        });
        entry.detections += 1;
        entry.persons += u32::from(event.label == Label::Person);
        entry.confidence_sum += f64::from(event.confidence);
        entry.max_confidence = entry.max_confidence.max(event.confidence);
        entry.last_seen = entry.last_seen.max(event.timestamp);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_events_are_deterministic_varied_and_out_of_order() {
        let events = synthetic_events(BATCH, SEED);
        assert_eq!(events, synthetic_events(BATCH, SEED));
        assert_eq!(events.len(), BATCH);
        assert!(events.windows(2).any(|w| w[0].timestamp > w[1].timestamp));
        for e in &events {
            assert!((0.25..=1.0).contains(&e.confidence), "{e:?}");
            assert!(e.bbox.x >= 0.0 && e.bbox.x + e.bbox.width <= 1.0, "{e:?}");
            assert!(e.bbox.y >= 0.0 && e.bbox.y + e.bbox.height <= 1.0, "{e:?}");
        }
        let labels: std::collections::HashSet<_> = events.iter().map(|e| e.label).collect();
        assert_eq!(labels.len(), 4);
    }

    #[test]
    fn json_round_trips_exactly() {
        let events = synthetic_events(BATCH, SEED);
        let json = encode(&events).unwrap();
        assert!(
            json.starts_with("[{\"id\":0,\"camera\":\"cam-"),
            "{}",
            &json[..40]
        );
        assert_eq!(decode(&json).unwrap(), events);
    }

    #[test]
    fn decodes_the_documented_shape() {
        let json = r#"[{"id":7,"camera":"cam-03","label":"package","confidence":0.5,
            "bbox":{"x":0.1,"y":0.2,"width":0.25,"height":0.5},"timestamp":1767225600123}]"#;
        let events = decode(json).unwrap();
        assert_eq!(
            events,
            [DetectionEvent {
                id: 7,
                camera: "cam-03".into(),
                label: Label::Package,
                confidence: 0.5,
                bbox: BoundingBox {
                    x: 0.1,
                    y: 0.2,
                    width: 0.25,
                    height: 0.5
                },
                timestamp: 1_767_225_600_123,
            }]
        );
        assert!(decode(r#"[{"id":1}]"#).is_err());
    }

    #[test]
    fn sort_orders_by_time_and_keeps_every_event() {
        let mut events = synthetic_events(BATCH, SEED);
        sort_by_time(&mut events);
        assert!(
            events
                .windows(2)
                .all(|w| (w[0].timestamp, w[0].id) < (w[1].timestamp, w[1].id))
        );
        let mut ids: Vec<u64> = events.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        assert!(ids.iter().copied().eq(0..BATCH as u64));
    }

    #[test]
    fn the_table_is_laid_out_alike_every_time() {
        // Fixed hash keys: the same input gives the same table, so the same
        // iteration order (with RandomState two maps differ almost surely).
        let events = synthetic_events(BATCH, SEED);
        let order = || -> Vec<String> {
            aggregate_per_camera(&events)
                .keys()
                .map(|k| k.to_string())
                .collect()
        };
        let first = order();
        assert_eq!(first.len(), CAMERAS);
        assert!((0..20).all(|_| order() == first));
    }

    #[test]
    fn aggregation_matches_a_per_camera_scan() {
        let events = synthetic_events(BATCH, SEED);
        let stats = aggregate_per_camera(&events);
        assert_eq!(stats.len(), CAMERAS);
        let total: u32 = stats.values().map(|s| s.detections).sum();
        assert_eq!(total as usize, BATCH);
        for (camera, s) in &stats {
            let mine: Vec<_> = events.iter().filter(|e| e.camera == *camera).collect();
            assert_eq!(s.detections as usize, mine.len(), "{camera}");
            let persons = mine.iter().filter(|e| e.label == Label::Person).count();
            assert_eq!(s.persons as usize, persons, "{camera}");
            let last = mine.iter().map(|e| e.timestamp).max().unwrap();
            assert_eq!(s.last_seen, last, "{camera}");
            let max = mine.iter().map(|e| e.confidence).fold(0.0, f32::max);
            assert_eq!(s.max_confidence, max, "{camera}");
            let mean =
                mine.iter().map(|e| f64::from(e.confidence)).sum::<f64>() / mine.len() as f64;
            assert!((s.mean_confidence() - mean).abs() < 1e-9, "{camera}");
        }
    }
}
