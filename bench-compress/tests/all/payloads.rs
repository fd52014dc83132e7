//! Generated payloads: deterministic, exactly sized, and shaped like the
//! data they stand for.

use bench_compress::payload::{self, Kind, Size, frame, small_messages};

use crate::{generated, payload};

#[test]
fn names_and_sizes_are_the_benchmark_parameters() {
    let names: Vec<&str> = generated().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "json-100k",
            "json-1m",
            "logs-100k",
            "logs-1m",
            "frame-100k",
            "frame-1m",
            "random-100k",
            "random-1m"
        ]
    );
    for p in generated() {
        let expected = if p.name.ends_with("100k") {
            102_400
        } else {
            1_048_576
        };
        assert_eq!(p.data.len(), expected, "{}", p.name);
    }
}

#[test]
fn generation_is_deterministic_and_payloads_differ() {
    // A second generation, on another thread, gives the same bytes: no
    // hidden global state, no time or address dependence.
    let again = std::thread::spawn(payload::all_generated).join().unwrap();
    assert_eq!(again.len(), generated().len());
    for (a, b) in generated().iter().zip(&again) {
        assert_eq!(a.name, b.name);
        assert!(a.data == b.data, "{} changed between generations", a.name);
    }
    // The 100k payload is not simply a prefix of the 1m one, and no two
    // payloads share their first kilobyte.
    for (i, a) in generated().iter().enumerate() {
        for b in &generated()[i + 1..] {
            assert_ne!(a.data[..1024], b.data[..1024], "{} vs {}", a.name, b.name);
        }
    }
}

#[test]
fn other_lengths_are_exact_too() {
    for kind in Kind::ALL {
        for len in [0, 1, 100, 4097, 65_537] {
            assert_eq!(kind.generate(42, len).len(), len, "{kind:?} at {len}");
        }
    }
}

#[test]
fn json_payloads_are_lines_of_detection_event_responses() {
    for size in Size::ALL {
        let data = &payload(&payload::name(Kind::Json, size)).data;
        let text = std::str::from_utf8(data).unwrap();
        let mut events = 0;
        for line in text.lines() {
            let response: serde_json::Value = serde_json::from_str(line).unwrap();
            let list = response["events"].as_array().unwrap();
            assert_eq!(response["count"].as_u64().unwrap() as usize, list.len());
            for event in list {
                let id = event["id"].as_str().unwrap();
                assert_eq!(id.len(), 36);
                assert_eq!(&id[14..15], "7", "UUIDv7: {id}");
                assert!(event["camera_id"].as_str().unwrap().starts_with("cam-"));
                assert!(!event["label"].as_str().unwrap().is_empty());
                let confidence = event["confidence"].as_f64().unwrap();
                assert!((0.45..1.0).contains(&confidence));
                let bbox = &event["bbox"];
                let right = bbox["x"].as_u64().unwrap() + bbox["width"].as_u64().unwrap();
                let bottom = bbox["y"].as_u64().unwrap() + bbox["height"].as_u64().unwrap();
                assert!(right <= 1920 && bottom <= 1080, "{bbox}");
                let started = event["started_at"].as_str().unwrap();
                assert!(
                    started.starts_with("2025-10-0") && started.ends_with('Z'),
                    "{started}"
                );
                assert!(event["ended_at"].as_str().unwrap() > started);
                events += 1;
            }
        }
        assert!(
            events > data.len() / 1000,
            "{events} events in {} bytes",
            data.len()
        );
    }
}

#[test]
fn log_payloads_are_timestamped_lines_with_levels() {
    let text = std::str::from_utf8(&payload("logs-1m").data).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    let mut levels = std::collections::BTreeMap::new();
    let mut previous = "";
    // Every line but the last (cut to fit) is complete.
    for line in &lines[..lines.len() - 1] {
        let (ts, rest) = line.split_once(' ').unwrap();
        assert_eq!(ts.len(), 27, "{line}");
        assert!(ts > previous, "timestamps increase");
        previous = ts;
        let level = rest.trim_start().split(' ').next().unwrap();
        *levels.entry(level).or_insert(0usize) += 1;
        assert!(rest.contains("security_ai::"), "{line}");
        assert!(line.bytes().any(|b| b.is_ascii_digit()));
    }
    assert_eq!(
        levels.keys().copied().collect::<Vec<_>>(),
        ["DEBUG", "ERROR", "INFO", "WARN"]
    );
    assert!(levels["INFO"] > levels["WARN"] && levels["WARN"] > levels["ERROR"]);
}

#[test]
fn frames_are_smooth_images_under_sensor_noise() {
    let data = &payload("frame-1m").data;
    let row = frame::WIDTH * 3;
    // Neighbouring pixels differ (noise) but only a little (smooth scene).
    let mut total = 0u64;
    let mut same = 0usize;
    let n = 100_000;
    for i in 0..n {
        let diff = data[i].abs_diff(data[i + 3]);
        total += u64::from(diff);
        same += usize::from(diff == 0);
    }
    let mean = total as f64 / n as f64;
    assert!(
        mean > 1.5 && mean < 12.0,
        "mean neighbour difference {mean}"
    );
    assert!(
        same < n / 4,
        "{same} identical neighbours: too little noise"
    );
    // The scene repeats every frame; the noise does not.
    let frame_len = row * frame::HEIGHT;
    assert!(data.len() > frame_len + row);
    assert_ne!(data[..row], data[frame_len..frame_len + row]);
    let a: i64 = data[..row].iter().map(|&b| i64::from(b)).sum();
    let b: i64 = data[frame_len..frame_len + row]
        .iter()
        .map(|&b| i64::from(b))
        .sum();
    assert!(
        (a - b).abs() < row as i64,
        "same scene row, similar brightness"
    );
}

#[test]
fn random_bytes_look_uniform() {
    let data = &payload("random-1m").data;
    let mut counts = [0usize; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let expected = data.len() as f64 / 256.0;
    let chi2: f64 = counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum();
    // 255 degrees of freedom: 99.9 % of uniform samples stay below ~330.
    assert!(chi2 < 330.0, "chi-squared {chi2}");
}

#[test]
fn small_messages_are_single_responses_within_the_size() {
    let messages = small_messages(9, 1024, 50);
    assert_eq!(messages.len(), 50);
    for m in &messages {
        let v: serde_json::Value = serde_json::from_slice(m).unwrap();
        assert!(!v["events"].as_array().unwrap().is_empty());
        assert!(m.len() <= 1024 || v["count"] == 1, "{} bytes", m.len());
    }
    let big = small_messages(9, 4096, 10);
    assert!(big.iter().all(|m| m.len() > 2048 && m.len() <= 4096));
    assert_eq!(small_messages(9, 1024, 50), messages);
    assert_ne!(small_messages(10, 1024, 50), messages);
}
