//! The Python suite's CPU kernel (`scripts/benchmark_py314.py`) computes the
//! same checksum as this crate's kernel for the same chunks, points and seed,
//! so its thread-scaling figures are for the same work.
//!
//! Needs a Python 3 interpreter: `$PYTHON`, else `python3`, else `python`.
//! Without one the test says so and passes, unless `REQUIRE_PYTHON` is set
//! (CI sets it, so there a missing interpreter fails).

use std::path::PathBuf;
use std::process::Command;

use bench_cpu::kernel::{self, KernelSpec};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/benchmark_py314.py")
}

/// The first interpreter that starts, or `None` (panicking under REQUIRE_PYTHON).
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

fn python_checksum(python: &str, spec: &KernelSpec) -> u64 {
    let out = Command::new(python)
        .arg(script())
        .arg("--kernel-checksum")
        .args([spec.chunks as u64, spec.points_per_chunk, spec.seed].map(|n| n.to_string()))
        .output()
        .expect("the interpreter starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("checksum '{text}': {e}"))
}

#[test]
fn python_kernel_checksum_equals_the_rust_one() {
    let Some(python) = python() else { return };
    // The script's benchmarked size (840 chunks of 256 points, the bench seed),
    // and a second spec with another seed and chunk count.
    let specs = [
        KernelSpec {
            points_per_chunk: KernelSpec::BENCH.points_per_chunk / 256,
            ..KernelSpec::BENCH
        },
        KernelSpec {
            chunks: 7,
            points_per_chunk: 1_000,
            seed: 0,
        },
    ];
    for spec in specs {
        assert_eq!(
            python_checksum(&python, &spec),
            kernel::serial(&spec),
            "{spec:?}"
        );
    }
}
