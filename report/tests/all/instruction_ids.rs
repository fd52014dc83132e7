//! The id convention of the instruction harnesses (`bench-*/benches/instructions.rs`),
//! checked from their source: every `#[bench::NAME(args = ("ID"), ...)]`
//! names a criterion benchmark that exists (in the committed sample run in
//! `results/`, written by a real `report run` of every criterion harness),
//! no id is counted twice, and gungraun's names follow from the id as
//! `report::gungraun` expects (function = question, NAME = variant_parameter).
//! An id that fails here would be dropped at ingest with a warning.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use report::gungraun::identifier;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every criterion id of the committed sample run(s).
fn criterion_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for entry in fs::read_dir(workspace().join("results")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.contains("schema") {
            continue;
        }
        let run: report::model::Run =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        ids.extend(run.benchmarks.iter().map(|b| b.id.full_id()));
    }
    assert!(
        ids.len() > 100,
        "the sample run in results/ holds the criterion ids"
    );
    ids
}

/// (bench name, criterion id, function it belongs to) for each `#[bench::]`.
fn harness_benches(source: &str) -> Vec<(String, String, String)> {
    let mut pending: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#[bench::") {
            let name = rest.split('(').next().unwrap().to_owned();
            let start = rest.find("args = (\"").expect("args = (\"ID\")") + 9;
            let len = rest[start..].find('"').unwrap();
            pending.push((name, rest[start..start + len].to_owned()));
        } else if let Some(rest) = line.strip_prefix("fn ")
            && !pending.is_empty()
        {
            let function = rest.split('(').next().unwrap().to_owned();
            out.extend(pending.drain(..).map(|(n, id)| (n, id, function.clone())));
        }
    }
    assert!(pending.is_empty(), "#[bench] attributes without a function");
    out
}

#[test]
fn every_instruction_benchmark_is_a_criterion_benchmark_named_by_the_convention() {
    let known = criterion_ids();
    let mut seen = BTreeSet::new();
    let mut harnesses = 0;
    for entry in fs::read_dir(workspace()).unwrap() {
        let path = entry.unwrap().path().join("benches/instructions.rs");
        let Ok(source) = fs::read_to_string(&path) else {
            continue;
        };
        harnesses += 1;
        let benches = harness_benches(&source);
        assert!(
            !benches.is_empty(),
            "{}: no #[bench::] found",
            path.display()
        );
        for (name, id, function) in benches {
            assert!(
                known.contains(&id),
                "{}: '{id}' is not a criterion id of the sample run",
                path.display()
            );
            assert!(seen.insert(id.clone()), "'{id}' is counted twice");
            let parts: Vec<&str> = id.split('/').collect();
            assert_eq!(
                function,
                identifier(parts[1]),
                "{}: function of '{id}'",
                path.display()
            );
            let expected = parts[2..]
                .iter()
                .map(|p| identifier(p))
                .collect::<Vec<_>>()
                .join("_");
            assert_eq!(name, expected, "{}: bench name of '{id}'", path.display());
        }
    }
    assert!(
        harnesses >= 4,
        "bench-cpu, bench-uuid, bench-compress and bench-async have instruction harnesses"
    );
}
