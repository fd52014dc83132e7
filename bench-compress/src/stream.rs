//! Streaming compression: input arrives in fixed-size chunks (the guide's
//! "native streaming support"), as from a socket or a file read piece by
//! piece. The whole stream's output is appended to one buffer so that the
//! result can be checked; the streaming state is reused between streams.

#[cfg(feature = "zstd")]
use zstd::stream::raw::{Decoder, Encoder, InBuffer, Operation, OutBuffer};

use crate::codec::CodecError;
#[cfg(feature = "gzip")]
use crate::codec::{Gzip, GzipInflater};

/// Chunk size of the streaming benchmarks: 64 KiB.
pub const CHUNK: usize = 64 * 1024;

/// A codec that compresses and decompresses a stream given in chunks.
pub trait StreamCodec: std::fmt::Debug + Send {
    /// The name used in benchmark ids, e.g. `zstd-3`.
    fn name(&self) -> &'static str;
    /// Compresses `input` fed `chunk` bytes at a time; replaces `out`.
    fn compress_stream(
        &mut self,
        input: &[u8],
        chunk: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError>;
    /// Decompresses `compressed` fed `chunk` bytes at a time; replaces `out`.
    fn decompress_stream(
        &mut self,
        compressed: &[u8],
        chunk: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError>;
}

/// The streaming codecs compiled into this build: `zstd-3` and `gzip-6`.
pub fn stream_codecs() -> Vec<Box<dyn StreamCodec>> {
    let codecs: [Option<Box<dyn StreamCodec>>; 2] = [
        #[cfg(feature = "zstd")]
        Some(Box::new(
            ZstdStream::new("zstd-3", 3).expect("zstd contexts"),
        )),
        #[cfg(not(feature = "zstd"))]
        None,
        #[cfg(feature = "gzip")]
        Some(Box::new(GzipStream::new("gzip-6", 6))),
        #[cfg(not(feature = "gzip"))]
        None,
    ];
    codecs.into_iter().flatten().collect()
}

#[cfg(any(feature = "zstd", feature = "gzip"))]
fn guard<T>(
    out: &mut Vec<u8>,
    f: impl FnOnce(&mut Vec<u8>) -> Result<T, CodecError>,
) -> Result<T, CodecError> {
    out.clear();
    let result = f(out);
    if result.is_err() {
        out.clear();
    }
    result
}

/// zstd's streaming API (`ZSTD_compressStream2` / `ZSTD_decompressStream`)
/// on contexts that are re-initialised, not re-created, per stream.
#[cfg(feature = "zstd")]
pub struct ZstdStream {
    name: &'static str,
    encoder: Encoder<'static>,
    decoder: Decoder<'static>,
}

#[cfg(feature = "zstd")]
impl std::fmt::Debug for ZstdStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdStream")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "zstd")]
impl ZstdStream {
    pub fn new(name: &'static str, level: i32) -> Result<Self, CodecError> {
        let err = |e: std::io::Error| CodecError::Compress {
            codec: name,
            detail: e.to_string(),
        };
        let mut encoder = Encoder::new(level).map_err(err)?;
        encoder
            .set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))
            .map_err(err)?;
        Ok(Self {
            name,
            encoder,
            decoder: Decoder::new().map_err(err)?,
        })
    }
}

#[cfg(feature = "zstd")]
impl StreamCodec for ZstdStream {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compress_stream(
        &mut self,
        input: &[u8],
        chunk: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        let name = self.name;
        let err = |e: std::io::Error| CodecError::Compress {
            codec: name,
            detail: e.to_string(),
        };
        guard(out, |out| {
            self.encoder.reinit().map_err(err)?;
            for piece in input.chunks(chunk.max(1)) {
                let mut src = InBuffer::around(piece);
                while src.pos() < piece.len() {
                    out.reserve(chunk);
                    let pos = out.len();
                    let mut dst = OutBuffer::around_pos(out, pos);
                    self.encoder.run(&mut src, &mut dst).map_err(err)?;
                }
            }
            loop {
                out.reserve(chunk);
                let pos = out.len();
                let mut dst = OutBuffer::around_pos(out, pos);
                if self.encoder.finish(&mut dst, true).map_err(err)? == 0 {
                    return Ok(());
                }
            }
        })
    }

    fn decompress_stream(
        &mut self,
        compressed: &[u8],
        chunk: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        let name = self.name;
        let corrupt = |detail: String| CodecError::Corrupt {
            codec: name,
            detail,
        };
        guard(out, |out| {
            self.decoder.reinit().map_err(|e| corrupt(e.to_string()))?;
            // zstd's hint: 0 once a frame is complete, so anything else at
            // the end means the input stopped mid-frame.
            let mut hint = 1;
            for piece in compressed.chunks(chunk.max(1)) {
                let mut src = InBuffer::around(piece);
                loop {
                    out.reserve(chunk);
                    let pos = out.len();
                    let mut dst = OutBuffer::around_pos(out, pos);
                    hint = self
                        .decoder
                        .run(&mut src, &mut dst)
                        .map_err(|e| corrupt(e.to_string()))?;
                    // Done with this piece once it is consumed and zstd
                    // either left output room unused (nothing more is
                    // buffered inside) or finished the frame. Calling again
                    // after the frame ends would return the next header's
                    // size as the hint.
                    if src.pos() == piece.len() && (dst.pos() < dst.capacity() || hint == 0) {
                        break;
                    }
                }
            }
            if hint != 0 || compressed.is_empty() {
                return Err(corrupt("input ends inside a zstd frame".into()));
            }
            Ok(())
        })
    }
}

/// gzip with the reusable deflate state of [`Gzip`] and the chunked
/// decoder of [`GzipInflater`].
#[cfg(feature = "gzip")]
#[derive(Debug)]
pub struct GzipStream {
    name: &'static str,
    gzip: Gzip,
    inflater: GzipInflater,
}

#[cfg(feature = "gzip")]
impl GzipStream {
    pub fn new(name: &'static str, level: u32) -> Self {
        Self {
            name,
            gzip: Gzip::new(name, level, crate::codec::DEFAULT_LIMIT),
            inflater: GzipInflater::new(name, crate::codec::DEFAULT_LIMIT),
        }
    }
}

#[cfg(feature = "gzip")]
impl StreamCodec for GzipStream {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compress_stream(
        &mut self,
        input: &[u8],
        chunk: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        guard(out, |out| {
            self.gzip.compress_chunks(input.chunks(chunk.max(1)), out)
        })
    }

    fn decompress_stream(
        &mut self,
        compressed: &[u8],
        chunk: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        guard(out, |out| {
            self.inflater
                .decompress_chunks(compressed.chunks(chunk.max(1)), out)
        })
    }
}
