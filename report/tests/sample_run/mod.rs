//! The committed sample run in `results/` (a real `report run` of every
//! criterion harness), shared by the test binaries that attach instruction
//! counts to it.

use std::fs;
use std::path::Path;

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
