//! Tidy checks over the source (in the manner of rust-analyzer's `tidy`): the
//! invariants of ARCHITECTURE.md that a compiler cannot see, checked by
//! reading `report/src` as text.
//!
//! - The pure modules do no I/O: no `std::fs`, `std::process` or `std::env`.
//! - Only `criterion.rs` names criterion's files.

use std::fs;
use std::path::{Path, PathBuf};

/// Modules that are pure functions over data (files, or folders of files).
const PURE: [&str; 12] = [
    "model.rs",
    "stats",
    "tables.rs",
    "tables",
    "render",
    "html",
    "diff.rs",
    "diff",
    "format.rs",
    "catalog.rs",
    "order.rs",
    "facts.rs",
];

/// What a pure module must not use.
const IO: [&str; 3] = ["std::fs", "std::process", "std::env"];

/// Criterion's file names, known only to `criterion.rs`.
const CRITERION_FILES: [&str; 4] = [
    "estimates.json",
    "sample.json",
    "benchmark.json",
    "tukey.json",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code lines of a file with their numbers: comments (`//`, `//!`,
/// `///`) left out, since a doc comment may describe what the code avoids,
/// and the unit tests (from `#[cfg(test)]` on), which may use files.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(i, line)| (i + 1, line.to_owned()))
        .collect()
}

/// `use std::{fs, io}` names `std::fs` too.
fn uses(line: &str, path: &str) -> bool {
    let (krate, module) = path.split_once("::").expect("a std path");
    line.contains(path)
        || line.contains(&format!("{krate}::{{")) && {
            let inside = line.split_once('{').map_or("", |(_, rest)| rest);
            inside
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == module)
        }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn is_pure(relative: &str) -> bool {
    PURE.iter()
        .any(|p| relative == *p || relative.starts_with(&format!("{p}/")))
}

#[test]
fn pure_modules_do_no_io() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut offences = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = relative(file);
        if !is_pure(&rel) {
            continue;
        }
        checked += 1;
        for (n, line) in code_lines(file) {
            for io in IO {
                if uses(&line, io) {
                    offences.push(format!("src/{rel}:{n}: uses {io}: {}", line.trim()));
                }
            }
        }
    }
    assert!(checked >= PURE.len(), "only {checked} pure files found");
    assert!(
        offences.is_empty(),
        "pure modules must not do I/O (ARCHITECTURE.md, Invariants); move it to `commands`:\n{}",
        offences.join("\n")
    );
}

#[test]
fn only_criterion_rs_names_criterions_files() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut offences = Vec::new();
    for file in &files {
        let rel = relative(file);
        if rel == "criterion.rs" {
            continue;
        }
        for (n, line) in code_lines(file) {
            for name in CRITERION_FILES {
                if line.contains(name) {
                    offences.push(format!("src/{rel}:{n}: names {name}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "criterion's layout belongs to src/criterion.rs (use its constants and helpers):\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert!(uses("use std::fs;", "std::fs"));
    assert!(uses("use std::{fs, io};", "std::fs"));
    assert!(uses("    let x = std::env::var(\"A\");", "std::env"));
    assert!(!uses("use std::{fmt, io};", "std::fs"));
    assert!(!uses("let fs = 1;", "std::fs"));
    assert!(is_pure("html/page.rs") && is_pure("diff.rs") && !is_pure("ingest.rs"));
}
