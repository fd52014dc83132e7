//! The contract between the bench crates and the report: every id and
//! pattern the catalog (`report/catalog.toml`) and the built-in doc tables
//! (`report/tables.toml`) read is measured by some bench crate. Renaming a
//! benchmark otherwise turns a table cell into a dash and a chart into "no
//! data" without any test failing.
//!
//! What the bench crates measure comes from `fixtures/bench-list.txt`, the
//! harnesses' own `--list` output (written by `fixtures/bench-list.sh`; CI
//! runs it with `--check`, so the fixture cannot drift from the harnesses).

use std::collections::BTreeSet;
use std::path::Path;

use report::catalog;
use report::tables::{self, glob_match};

fn measured() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bench-list.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run {}/bench-list.sh)", path.display(), "fixtures"));
    let ids: Vec<String> = text.lines().map(str::to_owned).collect();
    assert!(
        ids.len() > 100,
        "{}: only {} ids",
        path.display(),
        ids.len()
    );
    ids
}

/// The wanted ids or patterns that no measured id matches.
fn unmeasured<'a>(wanted: impl IntoIterator<Item = &'a str>, ids: &[String]) -> Vec<&'a str> {
    wanted
        .into_iter()
        .filter(|w| !ids.iter().any(|id| glob_match(w, id)))
        .collect()
}

#[test]
fn every_chart_id_in_the_catalog_is_measured() {
    let ids = measured();
    let wanted = catalog::get().chart_ids();
    let missing = unmeasured(wanted.iter().map(String::as_str), &ids);
    assert!(
        missing.is_empty(),
        "catalog.toml names ids no bench crate measures: {missing:?}"
    );
}

#[test]
fn every_doc_table_row_is_measured() {
    let ids = measured();
    let mut wanted: Vec<String> = Vec::new();
    for spec in tables::builtin_specs() {
        for row in &spec.rows {
            wanted.extend(row.id.iter().cloned());
            wanted.extend(row.ids.values().cloned());
            wanted.extend(row.pattern.iter().cloned());
        }
    }
    assert!(wanted.len() > 20, "{wanted:?}");
    let missing = unmeasured(wanted.iter().map(String::as_str), &ids);
    assert!(
        missing.is_empty(),
        "tables.toml names ids no bench crate measures: {missing:?}"
    );
}

#[test]
fn the_catalog_knows_every_measured_suite_and_codec() {
    let ids = measured();
    let catalog = catalog::get();
    let suites: BTreeSet<&str> = ids.iter().filter_map(|id| id.split('/').next()).collect();
    let known: BTreeSet<&str> = catalog.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(suites, known, "suites measured vs suites in catalog.toml");

    // Every codec of the compression suite has a family in the catalog, and
    // every family listed is measured.
    let mut families = BTreeSet::new();
    for id in ids
        .iter()
        .filter(|id| id.starts_with(&format!("{}/", catalog.codecs.suite)))
    {
        let function = id.split('/').nth(2).expect("suite/question/function/value");
        if let Some(family) = catalog.codec_family(function) {
            families.insert(family.to_owned());
        }
    }
    let listed: BTreeSet<String> = catalog.codecs.families.iter().cloned().collect();
    assert_eq!(families, listed, "codec families measured vs catalog.toml");
}

#[test]
fn the_check_fails_for_a_renamed_benchmark() {
    let ids = vec!["cpu/kernel/serial/1".to_owned()];
    assert_eq!(
        unmeasured(["cpu/kernel/serial/1", "cpu/kernel/rayon/*"], &ids),
        ["cpu/kernel/rayon/*"]
    );
}
