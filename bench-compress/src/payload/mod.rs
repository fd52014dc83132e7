//! The data the benchmarks compress: deterministic generated payloads.
//!
//! Four kinds, each at 100 KiB (the guide's "Compress 100KB") and 1 MiB:
//! JSON API responses, application logs, raw RGB frames with camera noise,
//! and random bytes (the incompressible case). The same name always gives
//! the same bytes: every generator is driven by [`SplitMix64`] with a seed
//! fixed per payload, so results from different machines compare.
//! User files come from [`crate::corpus`].
//!
//! [`SplitMix64`]: crate::rng::SplitMix64

pub mod frame;
pub mod json;
pub mod logs;
mod time;

use crate::rng::SplitMix64;

/// A named input for the benchmarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// The benchmark id's parameter, e.g. `json-100k` or `file-dump.sql`.
    pub name: String,
    pub data: Vec<u8>,
}

/// What a generated payload contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Json,
    Logs,
    Frame,
    Random,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Json, Kind::Logs, Kind::Frame, Kind::Random];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Json => "json",
            Kind::Logs => "logs",
            Kind::Frame => "frame",
            Kind::Random => "random",
        }
    }

    /// File extension the corpus example uses, so other tools recognise it.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Json => "json",
            Kind::Logs => "log",
            Kind::Frame => "rgb",
            Kind::Random => "bin",
        }
    }

    /// Generates `len` bytes of this kind from `seed`.
    pub fn generate(self, seed: u64, len: usize) -> Vec<u8> {
        match self {
            Kind::Json => json::generate(seed, len),
            Kind::Logs => logs::generate(seed, len),
            Kind::Frame => frame::generate(seed, len),
            Kind::Random => {
                let mut out = vec![0; len];
                SplitMix64::new(seed).fill(&mut out);
                out
            }
        }
    }
}

/// The two sizes of every generated payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Size {
    /// 100 KiB = 102,400 bytes.
    K100,
    /// 1 MiB = 1,048,576 bytes.
    M1,
}

impl Size {
    pub const ALL: [Size; 2] = [Size::K100, Size::M1];

    pub fn bytes(self) -> usize {
        match self {
            Size::K100 => 100 * 1024,
            Size::M1 => 1024 * 1024,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Size::K100 => "100k",
            Size::M1 => "1m",
        }
    }
}

/// The payload name used in benchmark ids, e.g. `json-100k`.
pub fn name(kind: Kind, size: Size) -> String {
    format!("{}-{}", kind.name(), size.label())
}

/// The fixed seed of one generated payload.
fn seed(kind: Kind, size: Size) -> u64 {
    let k = Kind::ALL.iter().position(|&k| k == kind).expect("listed") as u64;
    let s = Size::ALL.iter().position(|&s| s == size).expect("listed") as u64;
    0x5EC0_0000 + 16 * k + s
}

/// One generated payload.
pub fn generated(kind: Kind, size: Size) -> Payload {
    Payload {
        name: name(kind, size),
        data: kind.generate(seed(kind, size), size.bytes()),
    }
}

/// All generated payloads in id order: `json-100k json-1m logs-100k ... random-1m`.
pub fn all_generated() -> Vec<Payload> {
    Kind::ALL
        .iter()
        .flat_map(|&kind| Size::ALL.iter().map(move |&size| generated(kind, size)))
        .collect()
}

/// `count` small JSON messages (single API responses) of at most `max_len`
/// bytes each, different for every `seed`. The small-message benchmark
/// trains its zstd dictionary on one seed and measures on another, so the
/// dictionary never contains the messages it compresses.
pub fn small_messages(seed: u64, max_len: usize, count: usize) -> Vec<Vec<u8>> {
    let mut source = json::EventSource::new(seed);
    (0..count)
        .map(|_| source.response(max_len, false))
        .collect()
}

/// What the small-message dictionary is trained on: 1,000 responses of each
/// measured size, from other seeds than the measured messages.
pub fn dictionary_training_messages() -> Vec<Vec<u8>> {
    let mut samples = small_messages(0xD1C7, 4096, 1000);
    samples.extend(small_messages(0xD1C8, 1024, 1000));
    samples
}
