//! lz4 through `lz4_flex` (its default safe-Rust encoder and decoder), in
//! block and frame formats.
//!
//! Block format has no size and no checksum of its own. We store the
//! uncompressed size in 4 little-endian bytes in front (the layout of
//! `lz4_flex::compress_prepend_size`) and check the decoded length against
//! it; beyond that, corruption inside the block can decode to wrong bytes
//! without an error, which is the format's nature. Frame format is the
//! interoperable one: we write it like the `lz4` command line does by default
//! (independent blocks, content checksum on), but with `lz4_flex`'s default
//! 64 KiB blocks instead of the CLI's 4 MiB: the decoder allocates two
//! buffers of the block size per call, which at 4 MiB would dominate the
//! time for small inputs.

use std::io::{Read, Write};

use lz4_flex::block::{self, CompressTable};
use lz4_flex::frame::{BlockMode, BlockSize, FrameDecoder, FrameEncoder, FrameInfo};

use super::{Codec, CodecError, clear_on_error};

/// lz4 block format; reuses its 16K-entry match table between calls.
pub struct Lz4Block {
    name: &'static str,
    table: CompressTable,
    limit: usize,
}

impl std::fmt::Debug for Lz4Block {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lz4Block")
            .field("name", &self.name)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl Lz4Block {
    pub fn new(name: &'static str, limit: usize) -> Self {
        Self {
            name,
            table: CompressTable::large(),
            limit,
        }
    }
}

impl Codec for Lz4Block {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        let name = self.name;
        clear_on_error(out, |out| {
            let size = u32::try_from(input.len()).map_err(|_| CodecError::Compress {
                codec: name,
                detail: format!(
                    "input of {} bytes exceeds the 4 GiB block limit",
                    input.len()
                ),
            })?;
            // The safe API needs an initialised slice. Resizing without
            // clearing first only zero-fills what the previous call did not
            // already initialise.
            out.resize(4 + block::get_maximum_output_size(input.len()), 0);
            let written = block::compress_into_with_table(input, &mut out[4..], &mut self.table)
                .map_err(|e| CodecError::Compress {
                    codec: name,
                    detail: e.to_string(),
                })?;
            out.truncate(4 + written);
            out[..4].copy_from_slice(&size.to_le_bytes());
            Ok(())
        })
    }

    fn decompress(&mut self, compressed: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        let name = self.name;
        let corrupt = |detail: String| CodecError::Corrupt {
            codec: name,
            detail,
        };
        clear_on_error(out, |out| {
            let (size, body) =
                block::uncompressed_size(compressed).map_err(|e| corrupt(e.to_string()))?;
            if size > self.limit {
                return Err(CodecError::TooLarge {
                    codec: name,
                    size: size as u64,
                    limit: self.limit,
                });
            }
            out.resize(size, 0);
            let written =
                block::decompress_into(body, &mut out[..]).map_err(|e| corrupt(e.to_string()))?;
            if written != size {
                return Err(corrupt(format!(
                    "size prefix says {size} bytes, decoded {written}"
                )));
            }
            Ok(())
        })
    }
}

/// lz4 frame format. The encoder (buffers and match table) is reused between
/// calls; `lz4_flex`'s `FrameDecoder` cannot be pointed at new input, so
/// decompression creates one per call (two buffer allocations).
#[derive(Debug)]
pub struct Lz4Frame {
    name: &'static str,
    encoder: FrameEncoder<Vec<u8>>,
    limit: usize,
}

fn frame_info() -> FrameInfo {
    FrameInfo::new()
        .block_size(BlockSize::Max64KB)
        .block_mode(BlockMode::Independent)
        .content_checksum(true)
}

impl Lz4Frame {
    pub fn new(name: &'static str, limit: usize) -> Self {
        Self {
            name,
            encoder: FrameEncoder::with_frame_info(frame_info(), Vec::new()),
            limit,
        }
    }
}

impl Codec for Lz4Frame {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        let name = self.name;
        let failed = |detail: String| CodecError::Compress {
            codec: name,
            detail,
        };
        clear_on_error(out, |out| {
            if input.is_empty() {
                // lz4_flex 0.14 writes a broken frame (an end mark with no
                // header) when a reused encoder finishes without input, so
                // the empty frame comes from a fresh encoder.
                let mut buf = std::mem::take(out);
                buf.clear();
                let fresh = FrameEncoder::with_frame_info(frame_info(), buf);
                *out = fresh.finish().map_err(|e| failed(e.to_string()))?;
                return Ok(());
            }
            // Lend `out` to the encoder as its writer, so the output lands in
            // the caller's buffer without a copy.
            std::mem::swap(self.encoder.get_mut(), out);
            self.encoder.get_mut().clear();
            let result = self
                .encoder
                .write_all(input)
                .map_err(|e| failed(e.to_string()))
                .and_then(|()| self.encoder.try_finish().map_err(|e| failed(e.to_string())));
            std::mem::swap(self.encoder.get_mut(), out);
            if result.is_err() {
                // The frame is left open: start over with a fresh encoder.
                self.encoder = FrameEncoder::with_frame_info(frame_info(), Vec::new());
            }
            result
        })
    }

    fn decompress(&mut self, compressed: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        let name = self.name;
        let limit = self.limit;
        clear_on_error(out, |out| {
            out.clear();
            check_frame_structure(compressed).map_err(|detail| CodecError::Corrupt {
                codec: name,
                detail,
            })?;
            let mut decoder = FrameDecoder::new(compressed).take(limit as u64 + 1);
            decoder.read_to_end(out).map_err(|e| CodecError::Corrupt {
                codec: name,
                detail: e.to_string(),
            })?;
            if out.len() > limit {
                return Err(CodecError::TooLarge {
                    codec: name,
                    size: out.len() as u64,
                    limit,
                });
            }
            Ok(())
        })
    }
}

/// Walks the frame's block headers and checks that `compressed` is exactly
/// one complete standard frame.
///
/// `lz4_flex`'s `FrameDecoder` reads input that ends at a block boundary
/// (or inside a block header) as a finished stream and returns what it has
/// decoded so far, without an error and before the content checksum is
/// reached. Walking the structure first turns such truncation into an
/// error; the decoder then checks the data and the checksum.
fn check_frame_structure(compressed: &[u8]) -> Result<(), String> {
    const MAGIC: [u8; 4] = 0x184D_2204u32.to_le_bytes();
    let truncated = |what: &str| format!("truncated {what}");
    if compressed.len() < 7 {
        return Err(truncated("in the frame header"));
    }
    if compressed[..4] != MAGIC {
        return Err("not a standard lz4 frame (bad magic number)".into());
    }
    let flags = compressed[4];
    let block_checksums = flags & 0b1_0000 != 0;
    let content_checksum = flags & 0b100 != 0;
    let content_size = if flags & 0b1000 != 0 { 8 } else { 0 };
    let dict_id = if flags & 0b1 != 0 { 4 } else { 0 };
    let mut pos = 4 + 2 + content_size + dict_id + 1;
    loop {
        let Some(header) = compressed.get(pos..pos + 4) else {
            return Err(truncated("before the end mark"));
        };
        let word = u32::from_le_bytes(header.try_into().expect("4 bytes"));
        pos += 4;
        if word == 0 {
            break;
        }
        pos += (word & 0x7FFF_FFFF) as usize + if block_checksums { 4 } else { 0 };
    }
    if content_checksum {
        pos += 4;
    }
    match pos.cmp(&compressed.len()) {
        std::cmp::Ordering::Greater => Err(truncated("in the content checksum")),
        std::cmp::Ordering::Less => Err("data after the end of the lz4 frame".into()),
        std::cmp::Ordering::Equal => Ok(()),
    }
}
