//! The message the doc's system broadcasts: one detection event, serialised
//! to JSON once, as a WebSocket server would send it to every client.

use serde::{Deserialize, Serialize};

/// A detection event as a home-security system emits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectionEvent {
    pub event_id: String,
    pub camera_id: String,
    pub label: String,
    pub confidence: f32,
    /// x, y, width, height in pixels.
    pub bbox: [u32; 4],
    pub timestamp_ms: u64,
    pub zone: String,
}

/// A representative event (about 200 bytes of JSON).
pub fn sample() -> DetectionEvent {
    DetectionEvent {
        event_id: "01936b2e-8f3c-7a4e-9b21-4c5d6e7f8091".to_owned(),
        camera_id: "front-door-cam-02".to_owned(),
        label: "person".to_owned(),
        confidence: 0.934,
        bbox: [812, 344, 196, 412],
        timestamp_ms: 1_764_000_000_000,
        zone: "driveway".to_owned(),
    }
}

/// The event serialised once, shared by every receiver.
pub fn sample_json() -> std::sync::Arc<[u8]> {
    serde_json::to_vec(&sample())
        .expect("event serialises")
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_round_trips_through_json() {
        let bytes = sample_json();
        assert!((150..400).contains(&bytes.len()), "{} bytes", bytes.len());
        let back: DetectionEvent = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, sample());
    }
}
