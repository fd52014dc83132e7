//! Streaming codecs: round trips at every chunk size, interoperability with
//! the bulk codecs, truncation.

use bench_compress::stream::{CHUNK, stream_codecs};

use crate::generated;

#[test]
fn the_streaming_codecs_are_zstd_3_and_gzip_6_when_compiled_in() {
    let names: Vec<&str> = stream_codecs().iter().map(|c| c.name()).collect();
    let mut expected = Vec::new();
    if cfg!(feature = "zstd") {
        expected.push("zstd-3");
    }
    if cfg!(feature = "gzip") {
        expected.push("gzip-6");
    }
    assert_eq!(names, expected);
}

#[test]
fn streams_round_trip_every_payload_in_64k_chunks() {
    for mut codec in stream_codecs() {
        let mut packed = Vec::new();
        let mut out = Vec::new();
        for payload in generated() {
            codec
                .compress_stream(&payload.data, CHUNK, &mut packed)
                .unwrap();
            codec
                .decompress_stream(&packed, CHUNK, &mut out)
                .unwrap_or_else(|e| panic!("{} on {}: {e}", codec.name(), payload.name));
            assert!(out == payload.data, "{} on {}", codec.name(), payload.name);
        }
    }
}

#[test]
fn odd_chunk_sizes_and_tiny_inputs_round_trip() {
    let data = &crate::payload("json-100k").data[..5000];
    for mut codec in stream_codecs() {
        for input in [&b""[..], b"z", data] {
            for chunk in [1, 7, 1000, CHUNK] {
                let mut packed = Vec::new();
                codec.compress_stream(input, chunk, &mut packed).unwrap();
                for read_chunk in [1, 13, CHUNK] {
                    let mut out = Vec::new();
                    codec
                        .decompress_stream(&packed, read_chunk, &mut out)
                        .unwrap();
                    assert!(out == input, "{} chunk {chunk}/{read_chunk}", codec.name());
                }
            }
        }
    }
}

#[test]
fn truncated_streams_are_errors() {
    let data = &crate::payload("logs-1m").data;
    for mut codec in stream_codecs() {
        let mut packed = Vec::new();
        codec.compress_stream(data, CHUNK, &mut packed).unwrap();
        let mut out = Vec::new();
        for cut in [
            0,
            1,
            10,
            packed.len() / 2,
            packed.len() - 5,
            packed.len() - 1,
        ] {
            let result = codec.decompress_stream(&packed[..cut], CHUNK, &mut out);
            assert!(result.is_err(), "{} cut at {cut}", codec.name());
            assert!(out.is_empty());
        }
    }
}

#[cfg(feature = "gzip")]
#[test]
fn gzip_streams_are_read_by_the_bulk_codec() {
    use bench_compress::codec::CodecId;

    let data = &crate::payload("json-1m").data;
    let mut stream = stream_codecs()
        .into_iter()
        .find(|c| c.name() == "gzip-6")
        .unwrap();
    let mut packed = Vec::new();
    stream.compress_stream(data, CHUNK, &mut packed).unwrap();
    let mut out = Vec::new();
    crate::build(CodecId::Gzip6)
        .decompress(&packed, &mut out)
        .unwrap();
    assert!(out == *data);
}

#[cfg(feature = "zstd")]
#[test]
fn zstd_streams_are_standard_frames() {
    let data = &crate::payload("json-1m").data;
    let mut stream = stream_codecs()
        .into_iter()
        .find(|c| c.name() == "zstd-3")
        .unwrap();
    let mut packed = Vec::new();
    stream.compress_stream(data, CHUNK, &mut packed).unwrap();
    assert_eq!(zstd::decode_all(&packed[..]).unwrap(), *data);
}
