//! zstd through the `zstd` crate's bulk API, with reused contexts.
//!
//! Frames carry the content size (so decompression allocates once, exactly)
//! and a content checksum (XXH64, as the `zstd` command line writes by
//! default): without it, corruption inside literals would decode to wrong
//! bytes without an error. The checksum costs little next to compression.

use std::fmt;

use zstd::bulk::{Compressor, Decompressor};
use zstd::zstd_safe;

use super::{Codec, CodecError, clear_on_error};

/// zstd at one level with its compression and decompression contexts.
pub struct Zstd {
    name: &'static str,
    compressor: Compressor<'static>,
    decompressor: Decompressor<'static>,
    limit: usize,
}

impl fmt::Debug for Zstd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Zstd")
            .field("name", &self.name)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

fn io_err(codec: &'static str) -> impl Fn(std::io::Error) -> CodecError {
    move |e| CodecError::Corrupt {
        codec,
        detail: e.to_string(),
    }
}

fn setup_err(codec: &'static str) -> impl Fn(std::io::Error) -> CodecError {
    move |e| CodecError::Compress {
        codec,
        detail: e.to_string(),
    }
}

impl Zstd {
    pub fn new(name: &'static str, level: i32, limit: usize) -> Result<Self, CodecError> {
        Self::build(name, level, None, limit)
    }

    /// zstd with a dictionary loaded into both contexts once (the digested
    /// dictionary is kept by the contexts and reused by every call).
    pub fn with_dictionary(
        name: &'static str,
        level: i32,
        dictionary: &[u8],
        limit: usize,
    ) -> Result<Self, CodecError> {
        Self::build(name, level, Some(dictionary), limit)
    }

    fn build(
        name: &'static str,
        level: i32,
        dictionary: Option<&[u8]>,
        limit: usize,
    ) -> Result<Self, CodecError> {
        let err = setup_err(name);
        let (mut compressor, decompressor) = match dictionary {
            Some(dict) => (
                Compressor::with_dictionary(level, dict).map_err(&err)?,
                Decompressor::with_dictionary(dict).map_err(&err)?,
            ),
            None => (
                Compressor::new(level).map_err(&err)?,
                Decompressor::new().map_err(&err)?,
            ),
        };
        compressor.include_checksum(true).map_err(&err)?;
        compressor.include_contentsize(true).map_err(&err)?;
        Ok(Self {
            name,
            compressor,
            decompressor,
            limit,
        })
    }
}

impl Codec for Zstd {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        clear_on_error(out, |out| {
            out.clear();
            out.reserve(zstd_safe::compress_bound(input.len()));
            self.compressor
                .compress_to_buffer(input, out)
                .map_err(setup_err(self.name))?;
            Ok(())
        })
    }

    fn decompress(&mut self, compressed: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        let name = self.name;
        clear_on_error(out, |out| {
            out.clear();
            let size = zstd_safe::get_frame_content_size(compressed)
                .map_err(|_| CodecError::Corrupt {
                    codec: name,
                    detail: "not a zstd frame header".into(),
                })?
                .ok_or_else(|| CodecError::Corrupt {
                    codec: name,
                    detail: "frame does not record its decompressed size".into(),
                })?;
            if size > self.limit as u64 {
                return Err(CodecError::TooLarge {
                    codec: name,
                    size,
                    limit: self.limit,
                });
            }
            out.reserve(size as usize);
            let written = self
                .decompressor
                .decompress_to_buffer(compressed, out)
                .map_err(io_err(name))?;
            if written as u64 != size {
                return Err(CodecError::Corrupt {
                    codec: name,
                    detail: format!("frame header says {size} bytes, decoded {written}"),
                });
            }
            Ok(())
        })
    }
}

/// Largest size of the small-message dictionary, in bytes.
pub const MESSAGE_DICTIONARY_MAX: usize = 16 * 1024;

/// The small-message benchmarks' dictionary: what [`train_dictionary`]
/// makes of [`dictionary_training_messages`] at [`MESSAGE_DICTIONARY_MAX`],
/// kept in the repository as a service ships its trained dictionary.
/// Training is setup, not what those benchmarks measure, and under valgrind
/// it took about a minute in each of the four dictionary benchmarks'
/// processes, a quarter of the instruction suite's time. A test checks that
/// these bytes are still what training gives (and rewrites them with
/// `UPDATE_DICTIONARY=1`).
///
/// [`dictionary_training_messages`]: crate::payload::dictionary_training_messages
pub const MESSAGE_DICTIONARY: &[u8] = include_bytes!("messages.zdict");

/// Trains a zstd dictionary of at most `max_size` bytes on `samples`.
pub fn train_dictionary(samples: &[Vec<u8>], max_size: usize) -> Result<Vec<u8>, CodecError> {
    zstd::dict::from_samples(samples, max_size).map_err(setup_err("zstd-dict"))
}
