//! Tidy checks over the source (in the manner of rust-analyzer's `tidy`): the
//! invariants of ARCHITECTURE.md that a compiler cannot see, checked by
//! reading `report/src` as text.
//!
//! - The pure modules do no I/O: no `std::fs`, `std::process` or `std::env`.
//! - Only `criterion.rs` names criterion's files.
//! - Only `store.rs` (with `output.rs`, the writer it uses) reads or writes
//!   run files.
//! - No function is longer than [`MAX_FUNCTION_LINES`].

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

/// The modules that read and write run files.
const RUN_FILES: [&str; 2] = ["store.rs", "output.rs"];

/// The longest a function may be, from its `fn` line to its closing brace.
const MAX_FUNCTION_LINES: usize = 100;

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
    let offences = offending_lines(
        |rel| rel != "criterion.rs",
        |line| {
            CRITERION_FILES
                .iter()
                .find(|name| line.contains(*name))
                .map(|name| format!("names {name}"))
        },
    );
    assert!(
        offences.is_empty(),
        "criterion's layout belongs to src/criterion.rs (use its constants and helpers):\n{}",
        offences.join("\n")
    );
}

/// `report/src`'s Rust files with their paths relative to it.
fn source_files() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.into_iter().map(|f| (relative(&f), f)).collect()
}

/// `src/<file>:<line>: <what>: <code>` for each code line that `offence`
/// names, in the files `checked` selects by relative path.
fn offending_lines(
    checked: impl Fn(&str) -> bool,
    offence: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut offences = Vec::new();
    for (rel, file) in source_files() {
        if !checked(&rel) {
            continue;
        }
        for (n, line) in code_lines(&file) {
            if let Some(what) = offence(&line) {
                offences.push(format!("src/{rel}:{n}: {what}: {}", line.trim()));
            }
        }
    }
    offences
}

/// Whether a code line reads or writes a `Run` as JSON or through `std::fs`:
/// `serde_json` with `Run` in the turbofish or the binding's type, or with a
/// `run`/`runs` value as what it serializes; `fs::` on a line that names `Run`.
fn handles_run_files(line: &str) -> bool {
    let names_run = words(line).any(|w| w == "Run");
    let serde = line.contains("serde_json::from_") || line.contains("serde_json::to_");
    let serializes_a_run = line
        .split("serde_json::to_")
        .skip(1)
        .filter_map(|rest| rest.split_once('('))
        .any(|(_, args)| {
            args.split(',').any(|arg| {
                let value = arg
                    .trim_start_matches(['&', ' '])
                    .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '.')
                    .next()
                    .unwrap_or("");
                matches!(value.rsplit('.').next(), Some("run" | "runs"))
            })
        });
    serde && (names_run || serializes_a_run) || names_run && line.contains("fs::")
}

fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| !c.is_alphanumeric() && c != '_')
}

#[test]
fn only_the_store_reads_and_writes_run_files() {
    let offences = offending_lines(
        |rel| !RUN_FILES.contains(&rel),
        |line| handles_run_files(line).then(|| "reads or writes a run".to_owned()),
    );
    assert!(
        offences.is_empty(),
        "run files are read and written by src/store.rs alone (store::read_run, \
         store::write_run_to), so the checks on read and the write policies hold:\n{}",
        offences.join("\n")
    );
}

/// Functions longer than [`MAX_FUNCTION_LINES`], counted from the `fn` line
/// to the closing brace at its indentation.
fn long_functions() -> Vec<String> {
    let mut long = Vec::new();
    for (rel, file) in source_files() {
        let text = fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (start, name, length) in function_lengths(&lines) {
            if length > MAX_FUNCTION_LINES {
                long.push(format!("src/{rel}:{start}: {name} has {length} lines"));
            }
        }
    }
    long
}

/// Every function with a body in `lines`: its first line (from 1), its
/// name and its length from the `fn` line to the closing brace at the same
/// indentation. A declaration without a body (`fn f(..) -> T;` in a trait,
/// on one line or several) is no function here.
fn function_lengths<'a>(lines: &[&'a str]) -> Vec<(usize, &'a str, usize)> {
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else {
            continue;
        };
        if !has_body(&lines[start..]) {
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let close = format!("{indent}}}");
        let Some(end) = lines[start..].iter().position(|l| *l == close) else {
            continue;
        };
        found.push((start + 1, name, end + 1));
    }
    found
}

/// Whether the signature that starts `lines` goes on to a body: its first
/// `{` comes before a `;` that ends it. A `;` inside `()` or `[]` (an
/// array type, `[u8; 4]`) does not end a signature; trailing `//`
/// comments are not code.
fn has_body(lines: &[&str]) -> bool {
    let mut depth = 0usize;
    for line in lines {
        let code = line.split_once("//").map_or(*line, |(code, _)| code);
        for c in code.chars() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                '{' if depth == 0 => return true,
                ';' if depth == 0 => return false,
                _ => {}
            }
        }
    }
    false
}

/// The name of the function a line starts (whether it has a body is
/// [`has_body`]'s question).
fn fn_name(line: &str) -> Option<&str> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return None;
    }
    let mut words = code.split_whitespace();
    let before_fn = [
        "pub",
        "pub(crate)",
        "pub(super)",
        "const",
        "async",
        "unsafe",
    ];
    let word = words.find(|w| !before_fn.contains(w))?;
    (word == "fn")
        .then(|| words.next())?
        .map(|n| n.split(['(', '<']).next().unwrap_or(n))
}

/// Every function in `report/src` is at most 100 lines.
#[test]
fn functions_are_at_most_100_lines() {
    let long = long_functions();
    assert!(
        long.is_empty(),
        "split these functions:\n{}",
        long.join("\n")
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
    assert!(handles_run_files(
        "let run: Run = serde_json::from_str(&text)?;"
    ));
    assert!(handles_run_files(
        "serde_json::from_slice::<model::Run>(&bytes)"
    ));
    assert!(handles_run_files(
        "serde_json::to_writer(&mut file, &run)?;"
    ));
    assert!(handles_run_files("serde_json::to_vec(&self.runs)"));
    assert!(handles_run_files(
        "let run: Run = serde_json::from_str(&std::fs::read_to_string(p)?)?;"
    ));
    assert!(handles_run_files("std::fs::write(path, text_of::<Run>(x))"));
    assert!(!handles_run_files(
        "let meta: Metadata = serde_json::from_str(json)"
    ));
    assert!(!handles_run_files("serde_json::to_string_pretty(report)"));
    assert!(!handles_run_files(
        "fs::write(new.join(name), serde_json::to_vec(&value)?)?;"
    ));
    assert_eq!(fn_name("    pub(crate) fn plan<'a>(x: u8) {"), Some("plan"));
    assert_eq!(
        fn_name("fn run(args: &RunArgs) -> Result<()> {"),
        Some("run")
    );
    assert_eq!(fn_name("// fn commented() {"), None);
    assert_eq!(fn_name("let f = 1;"), None);
    // A trait's bodiless declarations, on one line or on several (the
    // first line without the `;`), are not counted to the next brace.
    let a_trait = [
        "pub trait Measurer {",
        "    fn declared(&self);",
        "    fn measure(",
        "        &mut self,",
        "        ids: &[String],",
        "    ) -> Result<Times, MeasureError>;",
        "    fn elapsed(&self) -> Duration {",
        "        Duration::ZERO",
        "    }",
        "}",
    ];
    assert_eq!(function_lengths(&a_trait), [(7, "elapsed", 3)]);
    // A signature over several lines, with `;` inside an array type, has a body.
    let long_signature = [
        "fn checksum(",
        "    bytes: [u8; 4], // one word; little-endian",
        ") -> u32 {",
        "    u32::from_le_bytes(bytes)",
        "}",
    ];
    assert_eq!(function_lengths(&long_signature), [(1, "checksum", 5)]);
}
