//! Instruction counts: reading gungraun's summary files (`summary.json`,
//! schema v6/v7, written with `--save-summary=json`) into metrics of the
//! criterion benchmarks with the same id.
//!
//! gungraun runs each benchmark once under valgrind's callgrind and writes
//! one `summary.json` per benchmark below `<target dir>/gungraun/`. The serde
//! mirrors of that file are private to this module (as `criterion.rs` keeps
//! criterion's): nothing else knows its layout. What comes out is
//! [`Counts`]: a criterion id and metrics with [`Better::Lower`]:
//! `instructions` (callgrind's `Ir`) and, when the cache simulation ran,
//! `l1_hits`, `ll_hits`, `ram_hits` and `estimated_cycles`.
//!
//! # How a summary finds its criterion benchmark
//! gungraun's names are Rust identifiers, so the bench crates'
//! `benches/instructions.rs` derive them from the criterion id
//! `suite/question/variant/parameter`, each part with every character
//! outside `[A-Za-z0-9]` replaced by `_` ([`identifier`]): the group is
//! `<suite>_...`, the function is the question, the bench id is
//! `<variant>_<parameter>` (`uuid/generate/v4/1000` is group
//! `uuid_generate`, function `generate`, id `v4_1000`). That key is matched
//! against the keys of the run's criterion benchmarks; two criterion ids
//! with the same key are ambiguous and get no counts (with a warning).
//!
//! Each benchmark's only argument is also the criterion id as a string
//! literal (`#[bench::v4_1000(args = ("uuid/generate/v4/1000"), setup = s)]`),
//! which gungraun writes into the summary's `description`. gungraun calls
//! that field unstable and truncates it unless told not to (`report run`
//! passes `--truncate-description=no`), so it is only a cross-check: when
//! it holds a whole id, that id must be the matched one.
//!
//! # Instruction-only ids
//! A summary whose id has no criterion benchmark in the run is not added:
//! a run's benchmarks are criterion benchmarks (every renderer and the diff
//! need their times). It is reported as a warning naming the id and the
//! file (`report run --filter` leaves out, silently, the ids outside its
//! filter, which gungraun counted anyway). In the bench crates such an id is
//! a bug that `report/tests/all/instruction_ids.rs` catches: it checks every id
//! of every instruction harness against the criterion ids of the committed
//! sample run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;

use crate::model::{Benchmark, BenchmarkId, Better, Metric};

/// The file gungraun writes per benchmark with `--save-summary=json`.
pub const SUMMARY_FILE: &str = "summary.json";
/// The folder gungraun writes below the cargo target dir.
pub const DIR_NAME: &str = "gungraun";
/// Summary schema versions this reader understands. v6 (gungraun 0.16 to
/// 0.19) and v7 (0.20) agree on everything read here.
pub const SUPPORTED_VERSIONS: [&str; 2] = ["6", "7"];

/// Metric names, all [`Better::Lower`].
pub const INSTRUCTIONS: &str = "instructions";
pub const L1_HITS: &str = "l1_hits";
pub const LL_HITS: &str = "ll_hits";
pub const RAM_HITS: &str = "ram_hits";
pub const ESTIMATED_CYCLES: &str = "estimated_cycles";

/// Whether `name` is one of the metrics this module writes.
pub fn is_count_metric(name: &str) -> bool {
    EVENTS.iter().any(|(_, n, _)| *n == name)
}

/// callgrind event name -> (metric name, unit).
const EVENTS: [(&str, &str, &str); 5] = [
    ("Ir", INSTRUCTIONS, "instructions"),
    ("L1hits", L1_HITS, "hits"),
    ("LLhits", LL_HITS, "hits"),
    ("RamHits", RAM_HITS, "hits"),
    ("EstimatedCycles", ESTIMATED_CYCLES, "cycles"),
];

/// Folders deeper than this below the gungraun directory are not walked
/// (gungraun nests package/bench/group/function.id).
const MAX_DEPTH: usize = 16;

/// The counts of one benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// `<suite>::<function>::<bench id>`, as [`key_of`] makes it from a
    /// criterion id.
    pub key: String,
    /// The criterion id the description states, when it holds a whole one.
    pub stated_id: Option<String>,
    /// The summary file it came from.
    pub source: PathBuf,
    pub metrics: Vec<Metric>,
}

// ---- serde mirrors of gungraun's summary.json (only what is read) ----

#[derive(Debug, Deserialize)]
struct SummaryFile {
    version: String,
    group: String,
    function_name: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    description: Option<String>,
    profiles: Vec<ProfileFile>,
}

#[derive(Debug, Deserialize)]
struct ProfileFile {
    tool: String,
    data: ProfileDataFile,
}

#[derive(Debug, Deserialize)]
struct ProfileDataFile {
    total: TotalFile,
}

#[derive(Debug, Deserialize)]
struct TotalFile {
    /// Event name -> its values; other tools' metrics have other names.
    metrics: BTreeMap<String, MetricResultFile>,
}

#[derive(Debug, Deserialize)]
struct MetricResultFile {
    values: ValuesFile,
}

/// `new` is this run; `old` the previous one in the same folder, if any.
#[derive(Debug, Deserialize)]
struct ValuesFile {
    #[serde(default)]
    new: Option<serde_json::Number>,
}

// ---- reading ----

/// Reads one summary file. Errors name the file and what was expected.
pub fn read_summary(path: &Path) -> Result<Counts, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_summary(&text, path)
}

/// Parses the text of a summary file (`path` is for messages and [`Counts::source`]).
pub fn parse_summary(text: &str, path: &Path) -> Result<Counts, String> {
    let at = path.display();
    let file: SummaryFile =
        serde_json::from_str(text).map_err(|e| format!("{at}: not a gungraun summary: {e}"))?;
    if !SUPPORTED_VERSIONS.contains(&file.version.as_str()) {
        return Err(format!(
            "{at}: gungraun summary schema v{} (expected v{})",
            file.version,
            SUPPORTED_VERSIONS.join(" or v")
        ));
    }
    let bench_id = file
        .id
        .as_deref()
        .ok_or_else(|| format!("{at}: no bench id (expected #[bench::<variant>_<parameter>])"))?;
    let suite = file
        .group
        .split_once('_')
        .map(|(suite, _)| suite)
        .ok_or_else(|| {
            format!(
                "{at}: group '{}' does not start with '<suite>_' (e.g. uuid_generate)",
                file.group
            )
        })?;
    let key = format!("{suite}::{}::{bench_id}", file.function_name);
    let stated_id = stated_id(file.description.as_deref());
    let callgrind = file
        .profiles
        .iter()
        .find(|p| p.tool == "Callgrind")
        .ok_or_else(|| format!("{at}: no Callgrind profile (the benchmark did not run?)"))?;
    let mut metrics = Vec::new();
    for (event, name, unit) in EVENTS {
        let Some(result) = callgrind.data.total.metrics.get(event) else {
            continue;
        };
        let Some(value) = result
            .values
            .new
            .as_ref()
            .and_then(serde_json::Number::as_f64)
        else {
            continue;
        };
        if !(value.is_finite() && value >= 0.0) {
            return Err(format!(
                "{at}: {event} is {value}, expected a count of 0 or more"
            ));
        }
        metrics.push(Metric::new(name, value, unit, Better::Lower));
    }
    if !metrics.iter().any(|m| m.name == INSTRUCTIONS) {
        return Err(format!(
            "{at}: no instruction count (callgrind event Ir) in this run's values"
        ));
    }
    Ok(Counts {
        key,
        stated_id,
        source: path.to_owned(),
        metrics,
    })
}

/// The string literal in `(setup("suite/question/variant/parameter"))`;
/// `None` when there is none or gungraun truncated it (`...`).
fn stated_id(description: Option<&str>) -> Option<String> {
    let d = description?;
    let start = d.find('"')? + 1;
    let len = d[start..].find('"')?;
    let id = &d[start..start + len];
    (id.split('/').count() >= 2 && !id.contains('\\')).then(|| id.to_owned())
}

/// `[A-Za-z0-9]` kept, everything else `_`: how the harnesses name things.
pub fn identifier(part: &str) -> String {
    part.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `<suite>::<question>::<variant>_<parameter>` of a criterion id, each part
/// an [`identifier`]; `None` for ids without a question or variant.
pub fn key_of(id: &BenchmarkId) -> Option<String> {
    let (suite, question) = id.group.split_once('/')?;
    let mut bench = identifier(id.function.as_deref()?);
    if let Some(value) = &id.value {
        bench.push('_');
        bench.push_str(&identifier(value));
    }
    Some(format!(
        "{}::{}::{bench}",
        identifier(suite),
        identifier(question)
    ))
}

/// Every `summary.json` below `dir` (symbolic links not followed), sorted by
/// path; with `since`, only files modified at or after it (earlier runs of
/// other filters leave theirs behind). Unreadable files become warnings.
pub fn read_dir(dir: &Path, since: Option<SystemTime>) -> (Vec<Counts>, Vec<String>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut stack = vec![(dir.to_owned(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                warnings.push(format!("{}: folder not read: {e}", d.display()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() && depth < MAX_DEPTH {
                stack.push((path, depth + 1));
            } else if kind.is_file() && entry.file_name() == SUMMARY_FILE {
                let fresh = since.is_none_or(|s| {
                    entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t >= s)
                });
                if fresh {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    let mut counts = Vec::new();
    for f in files {
        match read_summary(&f) {
            Ok(c) => counts.push(c),
            Err(w) => warnings.push(format!("{w}; skipped")),
        }
    }
    (counts, warnings)
}

/// What [`attach`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attached {
    /// Benchmarks that received counts.
    pub attached: usize,
    /// Counts with no criterion benchmark in the run: (criterion id when the
    /// description states it, else the key; file).
    pub unmatched: Vec<(String, PathBuf)>,
    pub warnings: Vec<String>,
}

/// Adds each [`Counts`]' metrics to the criterion benchmark with its key,
/// replacing metrics of the same names.
pub fn attach(benchmarks: &mut [Benchmark], counts: Vec<Counts>) -> Attached {
    let mut out = Attached::default();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, b) in benchmarks.iter().enumerate() {
        if let Some(k) = key_of(&b.id) {
            by_key.entry(k).or_default().push(i);
        }
    }
    for c in counts {
        match by_key.get(&c.key).map(Vec::as_slice) {
            Some(&[i]) => {
                let b = &mut benchmarks[i];
                let id = b.id.full_id();
                if let Some(stated) = c.stated_id.as_ref().filter(|s| **s != id) {
                    out.warnings.push(format!(
                        "{}: counts of '{}' state criterion id '{stated}' but match '{id}'; skipped",
                        c.source.display(),
                        c.key
                    ));
                    continue;
                }
                b.metrics
                    .retain(|m| !c.metrics.iter().any(|n| n.name == m.name));
                b.metrics.extend(c.metrics);
                out.attached += 1;
            }
            Some(many) => out.warnings.push(format!(
                "{}: '{}' fits {} criterion benchmarks ({}); skipped",
                c.source.display(),
                c.key,
                many.len(),
                many.iter()
                    .map(|&i| benchmarks[i].id.full_id())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => out.unmatched.push((c.stated_id.unwrap_or(c.key), c.source)),
        }
    }
    out
}

impl Attached {
    /// One warning per unmatched id, the read and duplicate warnings first.
    pub fn all_warnings(&self) -> Vec<String> {
        let mut all = self.warnings.clone();
        all.extend(
            self.unmatched
                .iter()
                .map(|(id, source)| unmatched_warning(id, source)),
        );
        all
    }
}

/// The warning for counts whose id has no criterion benchmark in the run.
pub fn unmatched_warning(id: &str, source: &Path) -> String {
    format!(
        "{}: instruction counts for '{id}', which has no criterion benchmark in this run; \
         not added",
        source.display()
    )
}

/// Reads every summary below `dir` (see [`read_dir`]) and [`attach`]es them
/// to `run`'s benchmarks; read problems join the warnings. A `dir` that is
/// not a folder, or one with no summary at all, is an error: the caller
/// asked for instruction counts.
pub fn add_to_run(
    run: &mut crate::model::Run,
    dir: &Path,
    since: Option<SystemTime>,
) -> Result<Attached, String> {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Err(format!(
            "{}: not a folder (expected gungraun's output directory, e.g. target/gungraun)",
            dir.display()
        ));
    }
    let (counts, read_warnings) = read_dir(dir, since);
    if counts.is_empty() {
        let mut message = format!(
            "{}: no gungraun summary ({SUMMARY_FILE}) {}(run the benchmarks with \
             --save-summary=json)",
            dir.display(),
            if since.is_some() {
                "written by this run "
            } else {
                ""
            }
        );
        for w in read_warnings {
            message.push_str("\n  ");
            message.push_str(&w);
        }
        return Err(message);
    }
    let mut attached = attach(&mut run.benchmarks, counts);
    attached.warnings.splice(0..0, read_warnings);
    Ok(attached)
}

/// The instruction count of a benchmark, when it has one.
pub fn instructions(b: &Benchmark) -> Option<f64> {
    b.metrics
        .iter()
        .find(|m| m.name == INSTRUCTIONS)
        .map(|m| m.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_id_is_the_whole_string_literal_of_the_setup_call() {
        assert_eq!(
            stated_id(Some(r#"(generate_setup("uuid/generate/v4/1000"))"#)).as_deref(),
            Some("uuid/generate/v4/1000")
        );
        // gungraun's truncation leaves no closing quote.
        assert_eq!(
            stated_id(Some(r#"(s("uuid/generate/new_v7-nocontext/10..."#)),
            None
        );
        assert_eq!(stated_id(Some("(setup(42))")), None);
        assert_eq!(stated_id(None), None);
    }

    #[test]
    fn keys_follow_the_harness_convention() {
        let id = |g: &str, f: &str, v: &str| BenchmarkId {
            group: g.into(),
            function: Some(f.into()),
            value: Some(v.into()),
        };
        assert_eq!(
            key_of(&id("uuid/generate", "new_v7-nocontext", "1000")).as_deref(),
            Some("uuid::generate::new_v7_nocontext_1000")
        );
        assert_eq!(
            key_of(&id(
                "compress/small-messages-decompress",
                "zstd-3-dict",
                "1k"
            ))
            .as_deref(),
            Some("compress::small_messages_decompress::zstd_3_dict_1k")
        );
        let bare = BenchmarkId {
            group: "solo".into(),
            function: None,
            value: None,
        };
        assert_eq!(key_of(&bare), None);
    }
}
