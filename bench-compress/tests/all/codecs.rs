//! Round trips, damaged input, limits and format interoperability.

use bench_compress::available_codecs;
use bench_compress::codec::{CodecError, CodecId};
use proptest::prelude::*;

use crate::{available, build, compress, generated, payload};

#[test]
fn available_codecs_follow_the_cargo_features() {
    let mut expected = Vec::new();
    if cfg!(feature = "zstd") {
        expected.extend(["zstd-1", "zstd-3", "zstd-9", "zstd-19"]);
    }
    if cfg!(feature = "gzip") {
        expected.extend(["gzip-1", "gzip-6", "gzip-9"]);
    }
    if cfg!(feature = "lz4") {
        expected.extend(["lz4-block", "lz4-frame"]);
    }
    expected.push("copy");
    assert_eq!(available_codecs(), expected);
}

#[test]
fn codec_names_are_the_benchmark_ids() {
    let names: Vec<&str> = CodecId::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [
            "zstd-1",
            "zstd-3",
            "zstd-9",
            "zstd-19",
            "gzip-1",
            "gzip-6",
            "gzip-9",
            "lz4-block",
            "lz4-frame",
            "copy"
        ]
    );
    for id in CodecId::ALL {
        assert_eq!(CodecId::from_name(id.name()), Some(id));
    }
    assert_eq!(CodecId::from_name("brotli-5"), None);
}

#[test]
fn a_missing_codec_says_which_feature_to_enable() {
    for id in CodecId::ALL.into_iter().filter(|c| !c.is_available()) {
        let err = id.build().unwrap_err();
        assert!(matches!(err, CodecError::Unavailable { .. }), "{err}");
        let feature = id.feature().unwrap();
        assert!(err.to_string().contains(&format!("`{feature}`")), "{err}");
    }
}

/// Every codec on every payload, plus empty and 1-byte inputs, with one
/// codec instance reused throughout (as the benchmarks do) and buffers that
/// still hold the previous call's output.
#[test]
fn every_codec_round_trips_every_payload() {
    let mut inputs: Vec<(&str, &[u8])> = vec![("empty", b""), ("one byte", b"x")];
    inputs.extend(
        generated()
            .iter()
            .map(|p| (p.name.as_str(), p.data.as_slice())),
    );
    for id in available() {
        let mut codec = build(id);
        let mut packed = vec![0xAA; 17];
        let mut unpacked = vec![0x55; 3];
        for (name, data) in &inputs {
            codec.compress(data, &mut packed).unwrap();
            codec.decompress(&packed, &mut unpacked).unwrap();
            assert!(unpacked == *data, "{id} on {name}");
            // A fresh instance reads what the reused one wrote.
            let mut fresh = build(id);
            let mut again = Vec::new();
            fresh.decompress(&packed, &mut again).unwrap();
            assert!(again == *data, "{id} on {name}, fresh decoder");
        }
    }
}

#[test]
fn compression_ratios_are_in_the_expected_order() {
    for id in available().into_iter().filter(|&c| c != CodecId::Copy) {
        let mut codec = build(id);
        let mut ratio = |name: &str| {
            let data = &payload(name).data;
            data.len() as f64 / compress(&mut *codec, data).len() as f64
        };
        let (json, logs, frame, random) = (
            ratio("json-100k"),
            ratio("logs-100k"),
            ratio("frame-100k"),
            ratio("random-100k"),
        );
        assert!(
            json > 3.0 && logs > 2.5,
            "{id}: json {json:.2}, logs {logs:.2}"
        );
        assert!(frame > random && frame < json, "{id}: frame {frame:.2}");
        // Random bytes grow a little; zlib-rs's level 1 ("quick": static
        // Huffman codes only) grows them by about 5 %.
        let floor = if id == CodecId::Gzip1 { 0.9 } else { 0.99 };
        assert!(random < 1.0 && random > floor, "{id}: random {random:.4}");
    }
}

#[test]
fn higher_levels_compress_text_at_least_as_well() {
    let data = &payload("json-100k").data;
    let size = |id: CodecId| compress(&mut *build(id), data).len();
    if cfg!(feature = "zstd") {
        assert!(size(CodecId::Zstd19) < size(CodecId::Zstd9));
        assert!(size(CodecId::Zstd9) < size(CodecId::Zstd3));
        assert!(size(CodecId::Zstd19) < size(CodecId::Zstd1));
    }
    if cfg!(feature = "gzip") {
        assert!(size(CodecId::Gzip9) <= size(CodecId::Gzip6));
        assert!(size(CodecId::Gzip6) < size(CodecId::Gzip1));
    }
}

/// Codecs whose format carries a checksum: any damage is an error, or by
/// luck leaves the output intact (a flipped bit in an unused header field).
fn checked() -> Vec<CodecId> {
    available()
        .into_iter()
        .filter(|c| !matches!(c, CodecId::Lz4Block | CodecId::Copy))
        .collect()
}

/// Positions to damage: every byte of the first 64 and last 32, and 200
/// spread over the rest.
fn positions(len: usize) -> Vec<usize> {
    let mut at: Vec<usize> = (0..len.min(64))
        .chain(len.saturating_sub(32)..len)
        .collect();
    at.extend((0..200).map(|i| i * len / 200));
    at.sort_unstable();
    at.dedup();
    at
}

#[test]
fn checksummed_formats_reject_truncated_input() {
    let data = &payload("json-100k").data;
    for id in checked() {
        let mut codec = build(id);
        let packed = compress(&mut *codec, data);
        let mut out = vec![1, 2, 3];
        for cut in positions(packed.len()) {
            let result = codec.decompress(&packed[..cut], &mut out);
            assert!(
                result.is_err(),
                "{id}: cut at {cut} of {} accepted",
                packed.len()
            );
            assert!(out.is_empty(), "{id}: partial output left after an error");
        }
    }
}

#[test]
fn checksummed_formats_never_return_wrong_bytes_for_damaged_input() {
    let data = &payload("logs-100k").data;
    for id in checked() {
        let mut codec = build(id);
        let packed = compress(&mut *codec, data);
        let mut out = Vec::new();
        let mut rejected = 0;
        let places = positions(packed.len());
        for &at in &places {
            for flip in [0x01, 0x80, 0xFF] {
                let mut damaged = packed.clone();
                damaged[at] ^= flip;
                match codec.decompress(&damaged, &mut out) {
                    Err(_) => rejected += 1,
                    Ok(()) => assert!(out == *data, "{id}: byte {at} ^ {flip:#x} gave wrong bytes"),
                }
            }
        }
        // Only a few header bytes (gzip's MTIME/XFL/OS) may be ignored.
        assert!(
            rejected >= places.len() * 3 - 3 * 12,
            "{id}: only {rejected} rejected"
        );
        // The codec still works after all those errors.
        codec.decompress(&packed, &mut out).unwrap();
        assert!(out == *data);
    }
}

/// lz4 block format has no checksum: what is guaranteed is no panic, an
/// error for truncation, and never output of another length than recorded.
#[cfg(feature = "lz4")]
#[test]
fn lz4_block_damage_is_caught_where_the_format_allows() {
    let data = &payload("json-100k").data;
    let mut codec = build(CodecId::Lz4Block);
    let packed = compress(&mut *codec, data);
    let mut out = Vec::new();
    for cut in positions(packed.len()) {
        assert!(
            codec.decompress(&packed[..cut], &mut out).is_err(),
            "cut at {cut}"
        );
    }
    for at in positions(packed.len()) {
        let mut damaged = packed.clone();
        damaged[at] ^= 0x5A;
        if codec.decompress(&damaged, &mut out).is_ok() {
            // Wrong bytes are possible here, a wrong length is not.
            assert_eq!(out.len(), data.len(), "byte {at}");
        }
    }
}

#[test]
fn decompression_stops_at_the_limit() {
    let data = &payload("json-100k").data;
    for id in available() {
        let packed = compress(&mut *build(id), data);
        let mut small = id.build_with_limit(data.len() - 1).unwrap();
        let mut out = Vec::new();
        let err = small.decompress(&packed, &mut out).unwrap_err();
        assert!(matches!(err, CodecError::TooLarge { .. }), "{id}: {err}");
        assert!(out.is_empty(), "{id}");
        let mut exact = id.build_with_limit(data.len()).unwrap();
        exact.decompress(&packed, &mut out).unwrap();
        assert!(out == *data, "{id}");
    }
}

#[cfg(feature = "gzip")]
#[test]
fn gzip_output_is_standard_gzip_both_ways() {
    use std::io::{Read, Write};

    let data = &payload("logs-100k").data;
    let mut codec = build(CodecId::Gzip6);
    // Ours, read by flate2's own gzip reader.
    let packed = compress(&mut *codec, data);
    let mut theirs = Vec::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_end(&mut theirs)
        .unwrap();
    assert!(theirs == *data);
    // flate2's, with a file name and comment in the header, read by ours.
    let mut writer = flate2::GzBuilder::new()
        .filename("logs.txt")
        .comment("from a test")
        .extra(vec![1, 2, 3])
        .write(Vec::new(), flate2::Compression::new(6));
    writer.write_all(data).unwrap();
    let foreign = writer.finish().unwrap();
    let mut out = Vec::new();
    codec.decompress(&foreign, &mut out).unwrap();
    assert!(out == *data);
    // Trailing data after the member is refused rather than ignored.
    let mut trailing = packed.clone();
    trailing.push(0);
    assert!(codec.decompress(&trailing, &mut out).is_err());
}

#[cfg(feature = "zstd")]
#[test]
fn zstd_output_is_a_standard_checksummed_frame() {
    let data = &payload("json-100k").data;
    let packed = compress(&mut *build(CodecId::Zstd3), data);
    assert_eq!(zstd::decode_all(&packed[..]).unwrap(), *data);
    // Frame header descriptor: bit 2 is the content checksum flag.
    assert_eq!(&packed[..4], &[0x28, 0xB5, 0x2F, 0xFD]);
    assert_ne!(packed[4] & 0b100, 0, "checksum flag");
    // A frame written without its size (as streaming writes it) is refused
    // with a clear reason rather than guessed at.
    let mut stream = bench_compress::stream::ZstdStream::new("zstd-3", 3).unwrap();
    let mut sizeless = Vec::new();
    bench_compress::stream::StreamCodec::compress_stream(&mut stream, data, 4096, &mut sizeless)
        .unwrap();
    let err = build(CodecId::Zstd3)
        .decompress(&sizeless, &mut Vec::new())
        .unwrap_err();
    assert!(err.to_string().contains("does not record"), "{err}");
}

#[cfg(feature = "lz4")]
#[test]
fn lz4_outputs_match_the_lz4_flex_layouts() {
    use std::io::Read;

    let data = &payload("logs-100k").data;
    let block = compress(&mut *build(CodecId::Lz4Block), data);
    assert_eq!(lz4_flex::decompress_size_prepended(&block).unwrap(), *data);
    let theirs = lz4_flex::compress_prepend_size(data);
    let mut out = Vec::new();
    build(CodecId::Lz4Block)
        .decompress(&theirs, &mut out)
        .unwrap();
    assert!(out == *data);

    let frame = compress(&mut *build(CodecId::Lz4Frame), data);
    let mut back = Vec::new();
    lz4_flex::frame::FrameDecoder::new(&frame[..])
        .read_to_end(&mut back)
        .unwrap();
    assert!(back == *data);
}

/// One instance of every codec. The 1 MiB limit keeps garbage that claims
/// a huge size (lz4's prefix, zstd's header) from allocating up to 1 GiB.
fn codecs_for_proptest() -> Vec<Box<dyn bench_compress::Codec>> {
    available()
        .into_iter()
        .map(|c| c.build_with_limit(1 << 20).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..3000),
                                  repeat in 1usize..4) {
        // Repetition gives the match finders something to find.
        let data = data.repeat(repeat);
        for mut codec in codecs_for_proptest() {
            let packed = compress(&mut *codec, &data);
            let mut out = Vec::new();
            codec.decompress(&packed, &mut out).unwrap();
            prop_assert!(out == data, "{}", codec.name());
        }
    }

    #[test]
    fn garbage_never_panics(garbage in proptest::collection::vec(any::<u8>(), 0..2000)) {
        for mut codec in codecs_for_proptest() {
            let mut out = Vec::new();
            let _ = codec.decompress(&garbage, &mut out);
        }
    }
}

/// The small-message benchmarks use the kept dictionary instead of training
/// one in every process: it must still be what training gives, or those
/// benchmarks silently measure another dictionary than the documented one.
/// `UPDATE_DICTIONARY=1` rewrites the kept file (after a zstd upgrade).
#[cfg(feature = "zstd")]
#[test]
fn the_kept_message_dictionary_is_what_training_gives() {
    use bench_compress::codec::{
        DEFAULT_LIMIT, MESSAGE_DICTIONARY, MESSAGE_DICTIONARY_MAX, Zstd, train_dictionary,
    };
    use bench_compress::payload::{dictionary_training_messages, small_messages};

    let trained = train_dictionary(&dictionary_training_messages(), MESSAGE_DICTIONARY_MAX)
        .expect("dictionary trains");
    // Training is deterministic (single-threaded fastCover): the same input
    // gives the same bytes, which is what lets the file stand in for it.
    let again = train_dictionary(&dictionary_training_messages(), MESSAGE_DICTIONARY_MAX)
        .expect("dictionary trains");
    assert!(
        trained == again,
        "zstd dictionary training is not deterministic"
    );
    let kept = concat!(env!("CARGO_MANIFEST_DIR"), "/src/codec/messages.zdict");
    if std::env::var_os("UPDATE_DICTIONARY").is_some() {
        let dir = std::path::Path::new(kept).parent().unwrap();
        let mut file = tempfile::NamedTempFile::new_in(dir).unwrap();
        std::io::Write::write_all(&mut file, &trained).unwrap();
        file.persist(kept).unwrap();
        return;
    }
    assert!(
        trained == MESSAGE_DICTIONARY,
        "{kept} ({} bytes) is not what training gives now ({} bytes); \
         rerun this test with UPDATE_DICTIONARY=1 to rewrite it",
        MESSAGE_DICTIONARY.len(),
        trained.len()
    );

    // And it does what it is for: the measured messages (other seeds) come
    // out smaller with it than without, and round-trip.
    let messages = small_messages(0x5A11 + 1024, 1024, 32);
    let mut plain = Zstd::new("zstd-3", 3, DEFAULT_LIMIT).unwrap();
    let mut with =
        Zstd::with_dictionary("zstd-3-dict", 3, MESSAGE_DICTIONARY, DEFAULT_LIMIT).unwrap();
    let (mut plain_total, mut dict_total) = (0, 0);
    for m in &messages {
        plain_total += compress(&mut plain, m).len();
        let packed = compress(&mut with, m);
        dict_total += packed.len();
        let mut back = Vec::new();
        bench_compress::Codec::decompress(&mut with, &packed, &mut back).unwrap();
        assert!(
            back == *m,
            "a message does not round-trip through the dictionary"
        );
    }
    assert!(
        dict_total * 2 < plain_total,
        "dictionary {dict_total} bytes vs plain {plain_total}: the dictionary should at least halve 1 KB messages"
    );
}
