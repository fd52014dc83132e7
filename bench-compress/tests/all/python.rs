//! The Python suite (`scripts/benchmark_py314.py`) compresses the same
//! json-100k bytes as the benchmarks: it generates them with a transcription
//! of `payload::json`, checked here byte for byte against the Rust generator.
//!
//! Needs a Python 3 interpreter: `$PYTHON`, else `python3`, else `python`.
//! Without one the test says so and passes, unless `REQUIRE_PYTHON` is set
//! (CI sets it, so there a missing interpreter fails).

use std::path::PathBuf;
use std::process::Command;

fn python() -> Option<String> {
    let candidates = std::env::var("PYTHON")
        .ok()
        .into_iter()
        .chain(["python3".to_owned(), "python".to_owned()]);
    for candidate in candidates {
        let ok = Command::new(&candidate)
            .args(["-c", "import sys; assert sys.version_info >= (3, 9)"])
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(candidate);
        }
    }
    assert!(
        std::env::var_os("REQUIRE_PYTHON").is_none(),
        "REQUIRE_PYTHON is set but no Python 3.9+ interpreter was found ($PYTHON, python3, python)"
    );
    eprintln!("skipped: no Python 3.9+ interpreter found ($PYTHON, python3, python)");
    None
}

#[test]
fn python_generates_the_json_100k_bytes_of_the_rust_generator() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("json-100k.json");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/benchmark_py314.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg("--write-payload")
        .arg(&file)
        .output()
        .expect("the interpreter starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_python = std::fs::read(&file).unwrap();
    let rust = &super::payload("json-100k").data;
    assert_eq!(from_python.len(), rust.len());
    if let Some(at) = from_python.iter().zip(rust).position(|(a, b)| a != b) {
        let context = |d: &[u8]| {
            String::from_utf8_lossy(&d[at.saturating_sub(40)..(at + 40).min(d.len())]).into_owned()
        };
        panic!(
            "first difference at byte {at}:\n python: {}\n   rust: {}",
            context(&from_python),
            context(rust)
        );
    }
}
