//! Integration tests of bench-compress, in one binary with shared helpers:
//! every codec and stream round-trips every payload, damaged input is
//! refused, generators are deterministic, the corpus loader names bad paths.

mod codecs;
mod corpus;
mod payloads;
mod python;
mod streams;

use std::sync::OnceLock;

use bench_compress::Payload;
use bench_compress::codec::{Codec, CodecId};

/// The generated payloads, made once for all tests.
pub fn generated() -> &'static [Payload] {
    static PAYLOADS: OnceLock<Vec<Payload>> = OnceLock::new();
    PAYLOADS.get_or_init(bench_compress::payload::all_generated)
}

pub fn payload(name: &str) -> &'static Payload {
    generated()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no payload {name}"))
}

/// The codecs compiled into this build.
pub fn available() -> Vec<CodecId> {
    CodecId::ALL
        .into_iter()
        .filter(|c| c.is_available())
        .collect()
}

pub fn build(id: CodecId) -> Box<dyn Codec> {
    id.build().expect("available codec builds")
}

pub fn compress(codec: &mut dyn Codec, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    codec.compress(data, &mut out).expect("compresses");
    out
}
