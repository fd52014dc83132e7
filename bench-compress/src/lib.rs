//! zstd, gzip and lz4 on the data a home-security system stores.
//!
//! The Rust counterpart of the guide's "Compression Module (Zstd
//! Integration)": which codec and level to use for detection-event JSON,
//! application logs, cached video frames, and the user's own files.
//!
//! - [`codec`]: one [`Codec`] interface over zstd, gzip, lz4 and a plain
//!   copy, each with reusable contexts; every codec is a cargo feature.
//! - [`stream`]: zstd and gzip fed in 64 KiB chunks.
//! - [`payload`]: deterministic generated inputs; [`corpus`]: the user's files.
//!
//! The criterion harness (`benches/compress.rs`) times these; the tests in
//! `tests/` check every result it times.

pub mod codec;
pub mod corpus;
pub mod payload;
mod rng;
pub mod stream;

pub use codec::{Codec, CodecError, CodecId, available_codecs};
pub use payload::Payload;
