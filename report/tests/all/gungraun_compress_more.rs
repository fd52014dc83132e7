//! bench-compress's part of the gungraun fixture, from a real run
//! (`tests/fixtures/regenerate-gungraun.sh`: zstd-3 on json-100k and json-1m,
//! compress and decompress). The figures are compared with the files' own
//! numbers and with what any real codec must do, never with constants.

use crate::util::*;

use std::fs;
use std::path::PathBuf;

use report::gungraun;
use report::model::Run;

fn fixture() -> PathBuf {
    fixture_path("gungraun-0.20.0/bench-compress")
}

/// The instruction count ingested for `id`.
fn count(run: &Run, id: &str) -> f64 {
    let bench = run
        .benchmarks
        .iter()
        .find(|b| b.id.full_id() == id)
        .unwrap_or_else(|| panic!("{id}: not in the sample run"));
    gungraun::instructions(bench).unwrap_or_else(|| panic!("{id}: no count attached"))
}

/// callgrind's `Ir` total in the summary of gungraun bench `name`.
fn raw_ir(name: &str) -> f64 {
    let path = summary_files(&fixture())
        .into_iter()
        .find(|p| p.parent().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no summary for {name}"));
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    v["profiles"][0]["data"]["total"]["metrics"]["Ir"]["values"]["new"]
        .as_f64()
        .unwrap()
}

#[test]
fn real_compress_counts_attach_with_their_figures() {
    let mut run = sample_run();
    let attached = gungraun::add_to_run(&mut run, &fixture(), None).unwrap();
    assert_eq!(attached.attached, 4, "zstd-3 x json-100k/1m x both ways");
    assert!(attached.unmatched.is_empty(), "{:?}", attached.unmatched);
    assert!(attached.warnings.is_empty(), "{:?}", attached.warnings);

    for (id, name) in [
        (
            "compress/compress/zstd-3/json-100k",
            "compress.zstd_3_json_100k",
        ),
        (
            "compress/compress/zstd-3/json-1m",
            "compress.zstd_3_json_1m",
        ),
        (
            "compress/decompress/zstd-3/json-100k",
            "decompress.zstd_3_json_100k",
        ),
        (
            "compress/decompress/zstd-3/json-1m",
            "decompress.zstd_3_json_1m",
        ),
    ] {
        assert_eq!(count(&run, id), raw_ir(name), "{id}");
    }

    // What the figures must say about real zstd work: compressing reads every
    // input byte (more than one instruction per byte), costs more than
    // decompressing the same payload, and ten times the input costs several
    // times the instructions.
    let c100k = count(&run, "compress/compress/zstd-3/json-100k");
    let c1m = count(&run, "compress/compress/zstd-3/json-1m");
    let d100k = count(&run, "compress/decompress/zstd-3/json-100k");
    let d1m = count(&run, "compress/decompress/zstd-3/json-1m");
    assert!(c100k > 100.0 * 1024.0, "{c100k}");
    assert!(c100k > d100k && c1m > d1m, "{c100k} {d100k} {c1m} {d1m}");
    assert!((5.0..20.0).contains(&(c1m / c100k)), "{}", c1m / c100k);
    assert!((5.0..20.0).contains(&(d1m / d100k)), "{}", d1m / d100k);
}
