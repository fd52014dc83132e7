//! JSON API responses of detection events, as the guide's system serves them.
//!
//! One response is a page of events (`GET /api/v1/events`): every event has a
//! UUIDv7 id, the camera, the detected label, a confidence, a bounding box in
//! pixels of a 1920x1080 frame, timestamps and a few attributes. Field names
//! repeat on every event and values come from small vocabularies, which is
//! what makes real API responses compress well; ids, boxes and confidences
//! are random, which keeps the ratio honest.

use serde::Serialize;

use super::time::rfc3339_millis;
use crate::rng::SplitMix64;

/// 2025-10-07T10:00:00Z, the guide's release date, in milliseconds.
pub(crate) const EPOCH_MS: u64 = 1_759_831_200_000;

const CAMERAS: [(&str, &str, &str); 6] = [
    ("cam-front-door", "Front door", "porch"),
    ("cam-driveway", "Driveway", "driveway"),
    ("cam-backyard", "Backyard", "garden"),
    ("cam-garage", "Garage", "garage"),
    ("cam-side-gate", "Side gate", "walkway"),
    ("cam-living-room", "Living room", "indoor"),
];

/// Labels weighted by how often a home camera sees them.
const LABELS: [&str; 10] = [
    "person", "person", "person", "car", "car", "package", "dog", "cat", "bicycle", "truck",
];

#[derive(Serialize)]
struct BoundingBox {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct Attributes {
    model: &'static str,
    inference_ms: f64,
    frame_number: u64,
    track_id: u32,
    zone: &'static str,
}

#[derive(Serialize)]
struct DetectionEvent {
    id: String,
    camera_id: &'static str,
    camera_name: &'static str,
    label: &'static str,
    confidence: f64,
    bbox: BoundingBox,
    started_at: String,
    ended_at: String,
    created_at: String,
    acknowledged: bool,
    snapshot_url: String,
    attributes: Attributes,
}

/// Writes events into API responses with a deterministic clock and ids.
pub(crate) struct EventSource {
    rng: SplitMix64,
    now_ms: u64,
    frame_number: u64,
}

impl EventSource {
    pub(crate) fn new(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let now_ms = EPOCH_MS + rng.below(86_400_000);
        let frame_number = 100_000 + rng.below(1_000_000);
        Self {
            rng,
            now_ms,
            frame_number,
        }
    }

    fn uuid_v7(&mut self, ms: u64) -> String {
        let r = self.rng.next_u64();
        let r2 = self.rng.next_u64();
        let rand_a = r & 0x0FFF;
        let variant = 0x8000 | ((r >> 12) & 0x3FFF);
        let rand_b = r2 & 0xFFFF_FFFF_FFFF;
        format!(
            "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
            ms >> 16,
            ms & 0xFFFF,
            rand_a,
            variant,
            rand_b
        )
    }

    fn event(&mut self) -> DetectionEvent {
        let rng = &mut self.rng;
        self.now_ms += rng.range(50, 30_000);
        self.frame_number += rng.range(1, 900);
        let (camera_id, camera_name, zone) = *rng.pick(&CAMERAS);
        let label = *rng.pick(&LABELS);
        let confidence = (0.45 + 0.549 * rng.unit()) * 10_000.0;
        let width = rng.range(24, 640) as u32;
        let height = rng.range(24, 720) as u32;
        let bbox = BoundingBox {
            x: rng.below(u64::from(1920 - width)) as u32,
            y: rng.below(u64::from(1080 - height)) as u32,
            width,
            height,
        };
        let duration = rng.range(200, 45_000);
        let inference_ms = (4.0 + 30.0 * rng.unit()) * 100.0;
        let track_id = rng.range(1, 5_000) as u32;
        let acknowledged = rng.chance(0.3);
        let started = self.now_ms;
        let id = self.uuid_v7(started);
        DetectionEvent {
            snapshot_url: format!("/api/v1/snapshots/{id}.jpg"),
            id,
            camera_id,
            camera_name,
            label,
            confidence: confidence.round() / 10_000.0,
            bbox,
            started_at: rfc3339_millis(started),
            ended_at: rfc3339_millis(started + duration),
            created_at: rfc3339_millis(started + duration + 35),
            acknowledged,
            attributes: Attributes {
                model: "yolov8n-640",
                inference_ms: inference_ms.round() / 100.0,
                frame_number: self.frame_number,
                track_id,
                zone,
            },
        }
    }

    /// One API response of at most `max_len` bytes holding as many events as
    /// fit (at least one, whatever `max_len` says). With `pad`, spaces after
    /// the closing brace (valid JSON whitespace) make it exactly `max_len`.
    pub(crate) fn response(&mut self, max_len: usize, pad: bool) -> Vec<u8> {
        let request_id = self.uuid_v7(self.now_ms);
        let head = format!(
            "{{\"status\":\"ok\",\"request_id\":\"{request_id}\",\"generated_at\":\"{}\",\"events\":[",
            rfc3339_millis(self.now_ms)
        );
        let mut out = head.into_bytes();
        let mut count = 0usize;
        loop {
            let event = serde_json::to_vec(&self.event()).expect("events serialize");
            let tail = tail(count + 1);
            let needed = out.len() + usize::from(count > 0) + event.len() + tail.len();
            if count > 0 && needed > max_len {
                break;
            }
            if count > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&event);
            count += 1;
        }
        out.extend_from_slice(tail(count).as_bytes());
        if pad && out.len() < max_len {
            out.resize(max_len, b' ');
        }
        out
    }
}

/// The end of a response; its length does not depend on the digits of
/// `count` beyond a handful of bytes, so it is recomputed per event.
fn tail(count: usize) -> String {
    format!("],\"count\":{count},\"has_more\":true,\"limit\":{count}}}")
}

/// A JSON payload of exactly `len` bytes: as many API responses of up to
/// 64 KiB as fit, one per line (the shape of an API log or a cache of
/// responses). Every line is a valid JSON document.
pub fn generate(seed: u64, len: usize) -> Vec<u8> {
    const RESPONSE_MAX: usize = 64 * 1024;
    let mut source = EventSource::new(seed);
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let room = len - out.len();
        // Leave room for the newline; the last response is padded to fill.
        let last = room <= RESPONSE_MAX + 1;
        let max = if last { room - 1 } else { RESPONSE_MAX };
        let response = source.response(max.max(1), last);
        if response.len() > room - 1 {
            // Not even one event fits: fill the rest with JSON whitespace.
            out.resize(len, b' ');
            break;
        }
        out.extend_from_slice(&response);
        out.push(b'\n');
    }
    out.truncate(len);
    out
}
