//! One interface over every codec: compress and decompress into reusable
//! buffers, with the codec's contexts kept between calls.
//!
//! A program that compresses many messages keeps its zstd context, its
//! deflate state and its lz4 hash table; creating them costs more than
//! compressing a small input. So a [`Codec`] owns that state and every call
//! reuses it; the benchmark's `compress-oneshot` variant measures
//! [`CodecId::build`] plus one call instead.
//!
//! Decompression never trusts sizes written in the compressed data: a
//! codec refuses to produce more than its limit ([`DEFAULT_LIMIT`] unless
//! built with [`CodecId::build_with_limit`]), so a corrupt header cannot make
//! it allocate gigabytes.

#[cfg(feature = "gzip")]
mod gzip;
#[cfg(feature = "lz4")]
mod lz4;
#[cfg(feature = "zstd")]
mod zstd;

use std::fmt;

#[cfg(feature = "gzip")]
pub use gzip::{Gzip, GzipInflater};
#[cfg(feature = "lz4")]
pub use lz4::{Lz4Block, Lz4Frame};
#[cfg(feature = "zstd")]
pub use zstd::{MESSAGE_DICTIONARY, MESSAGE_DICTIONARY_MAX, Zstd, train_dictionary};

/// Decompressed output larger than this is refused unless a codec is built
/// with another limit: 1 GiB, far above any payload here.
pub const DEFAULT_LIMIT: usize = 1 << 30;

/// Errors of compression and decompression; each names the codec.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("codec {codec} is not compiled in (enable cargo feature `{feature}`)")]
    Unavailable {
        codec: &'static str,
        feature: &'static str,
    },
    #[error("{codec}: corrupt or truncated input: {detail}")]
    Corrupt { codec: &'static str, detail: String },
    #[error("{codec}: decompressed size {size} exceeds the limit of {limit} bytes")]
    TooLarge {
        codec: &'static str,
        size: u64,
        limit: usize,
    },
    #[error("{codec}: compression failed: {detail}")]
    Compress { codec: &'static str, detail: String },
}

/// A codec with its reusable state.
///
/// Both methods replace the contents of `out` and keep its capacity, so a
/// caller that passes the same `Vec` every time allocates nothing once it
/// has grown. On error `out` is left empty: never half-written output that
/// could pass for the result.
pub trait Codec: fmt::Debug + Send {
    /// The name used in benchmark ids, e.g. `zstd-3`.
    fn name(&self) -> &'static str;
    fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError>;
    fn decompress(&mut self, compressed: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError>;
}

/// Every codec and level the benchmarks compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodecId {
    Zstd1,
    Zstd3,
    Zstd9,
    Zstd19,
    Gzip1,
    Gzip6,
    Gzip9,
    /// lz4 block format with the uncompressed size in 4 bytes in front.
    Lz4Block,
    /// lz4 frame format with a content checksum.
    Lz4Frame,
    /// A plain copy: the ceiling no codec can beat.
    Copy,
}

impl CodecId {
    /// All codecs in the order the report lists them.
    pub const ALL: [CodecId; 10] = [
        CodecId::Zstd1,
        CodecId::Zstd3,
        CodecId::Zstd9,
        CodecId::Zstd19,
        CodecId::Gzip1,
        CodecId::Gzip6,
        CodecId::Gzip9,
        CodecId::Lz4Block,
        CodecId::Lz4Frame,
        CodecId::Copy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CodecId::Zstd1 => "zstd-1",
            CodecId::Zstd3 => "zstd-3",
            CodecId::Zstd9 => "zstd-9",
            CodecId::Zstd19 => "zstd-19",
            CodecId::Gzip1 => "gzip-1",
            CodecId::Gzip6 => "gzip-6",
            CodecId::Gzip9 => "gzip-9",
            CodecId::Lz4Block => "lz4-block",
            CodecId::Lz4Frame => "lz4-frame",
            CodecId::Copy => "copy",
        }
    }

    pub fn from_name(name: &str) -> Option<CodecId> {
        CodecId::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The cargo feature that compiles this codec in (`None` for `copy`).
    pub fn feature(self) -> Option<&'static str> {
        match self {
            CodecId::Zstd1 | CodecId::Zstd3 | CodecId::Zstd9 | CodecId::Zstd19 => Some("zstd"),
            CodecId::Gzip1 | CodecId::Gzip6 | CodecId::Gzip9 => Some("gzip"),
            CodecId::Lz4Block | CodecId::Lz4Frame => Some("lz4"),
            CodecId::Copy => None,
        }
    }

    /// Whether this build has the codec.
    pub fn is_available(self) -> bool {
        let compiled = [
            ("zstd", cfg!(feature = "zstd")),
            ("gzip", cfg!(feature = "gzip")),
            ("lz4", cfg!(feature = "lz4")),
        ];
        self.feature()
            .is_none_or(|f| compiled.iter().any(|&(name, on)| on && name == f))
    }

    /// The codec with fresh contexts and the default decompression limit.
    pub fn build(self) -> Result<Box<dyn Codec>, CodecError> {
        self.build_with_limit(DEFAULT_LIMIT)
    }

    /// The codec with fresh contexts, refusing to decompress more than `limit` bytes.
    pub fn build_with_limit(self, limit: usize) -> Result<Box<dyn Codec>, CodecError> {
        let name = self.name();
        match self {
            #[cfg(feature = "zstd")]
            CodecId::Zstd1 => Ok(Box::new(Zstd::new(name, 1, limit)?)),
            #[cfg(feature = "zstd")]
            CodecId::Zstd3 => Ok(Box::new(Zstd::new(name, 3, limit)?)),
            #[cfg(feature = "zstd")]
            CodecId::Zstd9 => Ok(Box::new(Zstd::new(name, 9, limit)?)),
            #[cfg(feature = "zstd")]
            CodecId::Zstd19 => Ok(Box::new(Zstd::new(name, 19, limit)?)),
            #[cfg(feature = "gzip")]
            CodecId::Gzip1 => Ok(Box::new(Gzip::new(name, 1, limit))),
            #[cfg(feature = "gzip")]
            CodecId::Gzip6 => Ok(Box::new(Gzip::new(name, 6, limit))),
            #[cfg(feature = "gzip")]
            CodecId::Gzip9 => Ok(Box::new(Gzip::new(name, 9, limit))),
            #[cfg(feature = "lz4")]
            CodecId::Lz4Block => Ok(Box::new(Lz4Block::new(name, limit))),
            #[cfg(feature = "lz4")]
            CodecId::Lz4Frame => Ok(Box::new(Lz4Frame::new(name, limit))),
            CodecId::Copy => Ok(Box::new(Copy { limit })),
            #[allow(unreachable_patterns)]
            _ => Err(CodecError::Unavailable {
                codec: name,
                feature: self.feature().unwrap_or("none"),
            }),
        }
    }
}

impl fmt::Display for CodecId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The names of the codecs compiled into this build, in [`CodecId::ALL`] order.
pub fn available_codecs() -> Vec<&'static str> {
    CodecId::ALL
        .into_iter()
        .filter(|c| c.is_available())
        .map(CodecId::name)
        .collect()
}

/// Runs `f` and empties `out` if it failed, so no partial output survives.
pub(crate) fn clear_on_error<T>(
    out: &mut Vec<u8>,
    f: impl FnOnce(&mut Vec<u8>) -> Result<T, CodecError>,
) -> Result<T, CodecError> {
    let result = f(out);
    if result.is_err() {
        out.clear();
    }
    result
}

/// `memcpy`: what any codec's speed is measured against.
#[derive(Debug)]
struct Copy {
    limit: usize,
}

impl Codec for Copy {
    fn name(&self) -> &'static str {
        "copy"
    }

    fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        out.clear();
        out.extend_from_slice(input);
        Ok(())
    }

    fn decompress(&mut self, compressed: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        clear_on_error(out, |out| {
            out.clear();
            if compressed.len() > self.limit {
                return Err(CodecError::TooLarge {
                    codec: "copy",
                    size: compressed.len() as u64,
                    limit: self.limit,
                });
            }
            out.extend_from_slice(compressed);
            Ok(())
        })
    }
}
