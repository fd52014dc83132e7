//! gzip (RFC 1952) through `flate2` on the zlib-rs backend.
//!
//! Compression uses zlib's own gzip wrapper (`Compress::new_gzip`), whose
//! state `reset()` reuses. Decompression inflates raw deflate and checks the
//! gzip header and trailer (CRC-32 and length) here, because flate2 on
//! zlib-rs re-creates a gzip-mode inflate state on every reset, while a raw
//! one is reset in place. Both sides take input in chunks, so the streaming
//! benchmark runs the same code with 64 KiB pieces.

use flate2::{Compress, Compression, Crc, Decompress, FlushCompress, FlushDecompress, Status};

use super::{Codec, CodecError, clear_on_error};

/// gzip at one level with a reusable deflate and inflate state.
#[derive(Debug)]
pub struct Gzip {
    name: &'static str,
    deflate: Compress,
    inflater: GzipInflater,
}

impl Gzip {
    pub fn new(name: &'static str, level: u32, limit: usize) -> Self {
        Self {
            name,
            deflate: Compress::new_gzip(Compression::new(level), 15),
            inflater: GzipInflater::new(name, limit),
        }
    }

    /// Compresses `chunks` in turn as one gzip member appended to `out`.
    pub fn compress_chunks<'a>(
        &mut self,
        chunks: impl IntoIterator<Item = &'a [u8]>,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        let name = self.name;
        let failed = |e: flate2::CompressError| CodecError::Compress {
            codec: name,
            detail: e.to_string(),
        };
        self.deflate.reset();
        for chunk in chunks {
            let mut pos = 0;
            while pos < chunk.len() {
                if out.len() == out.capacity() {
                    out.reserve(64 * 1024);
                }
                let before = self.deflate.total_in();
                self.deflate
                    .compress_vec(&chunk[pos..], out, FlushCompress::None)
                    .map_err(failed)?;
                pos += (self.deflate.total_in() - before) as usize;
            }
        }
        loop {
            if out.len() == out.capacity() {
                out.reserve(64 * 1024);
            }
            let status = self
                .deflate
                .compress_vec(&[], out, FlushCompress::Finish)
                .map_err(failed)?;
            if status == Status::StreamEnd {
                return Ok(());
            }
        }
    }
}

impl Codec for Gzip {
    fn name(&self) -> &'static str {
        self.name
    }

    fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        clear_on_error(out, |out| {
            out.clear();
            // zlib's deflateBound for gzip output, roughly: stored blocks add
            // 5 bytes per 16 KiB at worst, the wrapper 18 bytes.
            out.reserve(input.len() + input.len() / 1000 + 64);
            self.compress_chunks([input], out)
        })
    }

    fn decompress(&mut self, compressed: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
        clear_on_error(out, |out| {
            out.clear();
            // The trailer's length field (mod 2^32) says how much to reserve;
            // it is only a hint, capped by the limit.
            if let Some(tail) = compressed.len().checked_sub(4) {
                let isize = u32::from_le_bytes(compressed[tail..].try_into().expect("4 bytes"));
                out.reserve((isize as usize).min(self.inflater.limit));
            }
            self.inflater.decompress_chunks([compressed], out)
        })
    }
}

/// Where a gzip member being decoded has got to.
#[derive(Debug, PartialEq)]
enum Stage {
    Header,
    Body,
    Trailer,
}

/// A gzip decoder: header parser, raw inflate, CRC-32, trailer check.
#[derive(Debug)]
pub struct GzipInflater {
    name: &'static str,
    inflate: Decompress,
    crc: Crc,
    limit: usize,
}

impl GzipInflater {
    pub fn new(name: &'static str, limit: usize) -> Self {
        Self {
            name,
            inflate: Decompress::new(false),
            crc: Crc::new(),
            limit,
        }
    }

    fn corrupt(&self, detail: impl Into<String>) -> CodecError {
        CodecError::Corrupt {
            codec: self.name,
            detail: detail.into(),
        }
    }

    /// Decodes one gzip member given in `chunks`, appending to `out`.
    /// Data after the member is an error: multi-member files are not read.
    pub fn decompress_chunks<'a>(
        &mut self,
        chunks: impl IntoIterator<Item = &'a [u8]>,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        self.inflate.reset(false);
        self.crc.reset();
        let start = out.len();
        let mut stage = Stage::Header;
        // Header bytes when the header spans chunks; the trailer always.
        let mut pending: Vec<u8> = Vec::new();
        for chunk in chunks {
            let mut data = chunk;
            let joined;
            if stage == Stage::Header {
                let (source, header_len) = if pending.is_empty() {
                    (data, parse_header(data).map_err(|e| self.corrupt(e))?)
                } else {
                    pending.extend_from_slice(data);
                    joined = std::mem::take(&mut pending);
                    let len = parse_header(&joined).map_err(|e| self.corrupt(e))?;
                    (&joined[..], len)
                };
                match header_len {
                    Some(len) => {
                        data = &source[len..];
                        stage = Stage::Body;
                    }
                    None => {
                        pending = source.to_vec();
                        continue;
                    }
                }
            }
            if stage == Stage::Body {
                let (used, done) = self.inflate_some(data, out, start)?;
                data = &data[used..];
                if done {
                    stage = Stage::Trailer;
                }
            }
            if stage == Stage::Trailer {
                pending.extend_from_slice(data);
                if pending.len() > 8 {
                    return Err(self.corrupt("data after the end of the gzip member"));
                }
            }
        }
        match stage {
            Stage::Trailer if pending.len() == 8 => {
                let crc = u32::from_le_bytes(pending[..4].try_into().expect("4 bytes"));
                let len = u32::from_le_bytes(pending[4..].try_into().expect("4 bytes"));
                if crc != self.crc.sum() {
                    return Err(self.corrupt(format!(
                        "CRC-32 mismatch: trailer {crc:08x}, data {:08x}",
                        self.crc.sum()
                    )));
                }
                let produced = (out.len() - start) as u32;
                if len != produced {
                    return Err(self.corrupt(format!(
                        "length mismatch: trailer {len}, data {produced} (mod 2^32)"
                    )));
                }
                Ok(())
            }
            Stage::Header => Err(self.corrupt("truncated in the header")),
            _ => Err(self.corrupt("truncated before the end of the deflate stream")),
        }
    }

    /// Inflates from `data` into `out` until the input is used up or the
    /// deflate stream ends. Returns the bytes consumed and whether it ended.
    fn inflate_some(
        &mut self,
        data: &[u8],
        out: &mut Vec<u8>,
        start: usize,
    ) -> Result<(usize, bool), CodecError> {
        let mut pos = 0;
        loop {
            if out.len() == out.capacity() {
                let room = self.limit.saturating_sub(out.len() - start).max(1);
                out.reserve(room.min(out.capacity().max(64 * 1024)));
            }
            let spare = out.capacity() - out.len();
            let (in_before, out_before) = (self.inflate.total_in(), out.len());
            let status = self
                .inflate
                .decompress_vec(&data[pos..], out, FlushDecompress::None)
                .map_err(|e| self.corrupt(e.to_string()))?;
            let consumed = (self.inflate.total_in() - in_before) as usize;
            let produced = out.len() - out_before;
            pos += consumed;
            self.crc.update(&out[out_before..]);
            if out.len() - start > self.limit {
                return Err(CodecError::TooLarge {
                    codec: self.name,
                    size: (out.len() - start) as u64,
                    limit: self.limit,
                });
            }
            if status == Status::StreamEnd {
                return Ok((pos, true));
            }
            // Input used up and room left over: inflate wants more input.
            // No progress at all: likewise (it is waiting for input).
            if (pos == data.len() && produced < spare) || (consumed == 0 && produced == 0) {
                return Ok((pos, false));
            }
        }
    }
}

/// The length of the gzip header at the start of `b`, `None` if `b` ends
/// before the header does, or what is wrong with it.
fn parse_header(b: &[u8]) -> Result<Option<usize>, String> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    for (i, (&got, want)) in b.iter().zip([0x1f, 0x8b, 8]).enumerate() {
        if got != want {
            return Err(match i {
                2 => format!("compression method {got}, expected 8 (deflate)"),
                _ => "not gzip data (bad magic bytes)".to_owned(),
            });
        }
    }
    if b.len() < 10 {
        return Ok(None);
    }
    let flags = b[3];
    if flags & 0xE0 != 0 {
        return Err(format!("reserved header flags set: {flags:#04x}"));
    }
    let mut pos = 10;
    if flags & FEXTRA != 0 {
        let Some(len) = b.get(pos..pos + 2) else {
            return Ok(None);
        };
        pos += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let Some(rest) = b.get(pos..) else {
                return Ok(None);
            };
            match rest.iter().position(|&c| c == 0) {
                Some(nul) => pos += nul + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & FHCRC != 0 {
        let Some(stored) = b.get(pos..pos + 2) else {
            return Ok(None);
        };
        let mut crc = Crc::new();
        crc.update(&b[..pos]);
        if u16::from_le_bytes([stored[0], stored[1]]) != crc.sum() as u16 {
            return Err("header CRC-16 mismatch".to_owned());
        }
        pos += 2;
    }
    if pos > b.len() {
        return Ok(None);
    }
    Ok(Some(pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parser_handles_every_optional_field() {
        // FEXTRA (2 bytes of data), FNAME "a.txt", FCOMMENT "hi", FHCRC.
        let mut h = vec![0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3];
        h.extend_from_slice(&[2, 0, 0xAB, 0xCD]);
        h.extend_from_slice(b"a.txt\0hi\0");
        let mut crc = Crc::new();
        crc.update(&h);
        h.extend_from_slice(&(crc.sum() as u16).to_le_bytes());
        assert_eq!(parse_header(&h), Ok(Some(h.len())));
        for cut in 0..h.len() {
            assert_eq!(parse_header(&h[..cut]), Ok(None), "cut at {cut}");
        }
        let mut bad = h.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(parse_header(&bad).unwrap_err().contains("CRC-16"));
        assert!(parse_header(b"PK\x03\x04").unwrap_err().contains("magic"));
        assert!(
            parse_header(&[0x1f, 0x8b, 7])
                .unwrap_err()
                .contains("method 7")
        );
    }
}
