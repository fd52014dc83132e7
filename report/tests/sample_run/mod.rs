//! The committed sample run in `results/` (a real `report run` of every
//! criterion harness), shared by the test binaries that attach instruction
//! counts to it, and the gungraun fixture's summary files.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use report::model::Run;

pub fn sample_run() -> Run {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    let path = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".json") && !n.contains("schema")
        })
        .unwrap();
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Every gungraun `summary.json` below `dir`, sorted.
pub fn summary_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() == "summary.json" {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
