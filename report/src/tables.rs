//! Tables as data: the doc-shaped "performance expectation" tables are
//! described in a TOML file (`tables.toml`, built in; `--tables FILE` for your
//! own) that says which benchmark fills which row, which figures the doc
//! quotes, and which columns are derived how. This module parses and checks
//! those specs and fills them from runs; it also builds the full per-group
//! tables. Everything here is pure (reading a `--tables` file is
//! `commands::table_specs`): the cells come out as text, already
//! formatted (see `format`), and each renderer only lays them out.
//!
//! A cell with no measurement reads [`MISSING`] and the table gets a note
//! saying which run lacks which benchmark, so a dash is never silent.

mod doc;
mod groups;
mod instructions;
mod python;
mod spec;

use serde::Serialize;

pub use self::doc::doc_tables;
pub use self::groups::group_tables;
pub use self::spec::{
    DerivedKind, DerivedSpec, ReferenceSpec, RowSpec, TableSpec, TablesError, Threads,
    builtin_specs, parse_specs,
};
use crate::format;
use crate::interference::Mark;
use crate::model::Metric;
pub use crate::order::{natural_cmp, suite_rank};

/// What an empty cell reads.
pub const MISSING: &str = "-";

/// Marks an efficiency computed with more threads than the run could use.
pub const OVERSUBSCRIBED: &str = "†";

/// How many missing ids a note lists before it says "and N more".
const MISSING_LISTED: usize = 5;

/// A filled table: header, rows of formatted cells, and notes (plain text;
/// renderers escape them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

/// One legend note per mark used in a table.
fn marks_legend(mut used: Vec<Mark>) -> Vec<String> {
    used.sort();
    used.dedup();
    used.into_iter().map(|m| m.legend().to_owned()).collect()
}

/// The note for a run's missing cells, or none when nothing is missing.
fn missing_note(label: &str, missing: &[&str], wanted: usize) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    if missing.len() == wanted {
        return Some(format!("{label}: has none of this table's benchmarks."));
    }
    let mut listed = missing
        .iter()
        .take(MISSING_LISTED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if missing.len() > MISSING_LISTED {
        listed.push_str(&format!(" and {} more", missing.len() - MISSING_LISTED));
    }
    Some(format!(
        "{label}: no result for {listed} (shown as {MISSING})."
    ))
}

/// A non-time metric with its unit: ratios as `5.2x`, bytes with prefixes,
/// other quantities with three to four significant digits (`98.48 %`).
pub fn metric_value(metric: &Metric) -> String {
    if !metric.value.is_finite() {
        return format::NOT_A_NUMBER.to_owned();
    }
    match metric.unit.as_str() {
        "x" => format::ratio(metric.value),
        "bytes" | "B" => format::bytes(metric.value),
        "" => format::number(metric.value),
        unit => format!("{} {unit}", format::number(metric.value)),
    }
}

/// `*` matches any text within one `/`-separated segment; the rest literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((prefix, rest)) => {
            let Some(text) = text.strip_prefix(prefix) else {
                return false;
            };
            // Try every split point up to the end of the current segment.
            let segment_end = text.find('/').unwrap_or(text.len());
            (0..=segment_end)
                .filter(|i| text.is_char_boundary(*i))
                .any(|i| glob_match(rest, &text[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{Benchmark, Run};
    use crate::model::{BenchmarkId, BuildContext, Estimate, Percentiles, Sampling, SamplingMode};

    #[test]
    fn builtin_specs_parse_and_cover_the_doc_tables() {
        let specs = builtin_specs();
        let titles: Vec<&str> = specs.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles.len(), 4, "{titles:?}");
        assert!(titles[0].starts_with("Parallel scaling"));
        assert_eq!(titles[1..], ["UUID Generation", "Compression", "Async"]);
    }

    fn bench(id: &str, ns: f64) -> Benchmark {
        let mut parts = id.splitn(3, '/').map(str::to_owned);
        let group = [parts.next(), parts.next()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        let rest: Option<String> = parts.next();
        let (function, value) = match rest.as_deref().and_then(|r| r.rsplit_once('/')) {
            Some((f, v)) => (Some(f.to_owned()), Some(v.to_owned())),
            None => (rest, None),
        };
        let estimate = Estimate {
            point: ns,
            lower: ns,
            upper: ns,
            confidence: 0.95,
            standard_error: 0.0,
        };
        Benchmark {
            id: BenchmarkId {
                group: group.join("/"),
                function,
                value,
            },
            directory: id.to_owned(),
            typical: estimate,
            mean: estimate,
            median: estimate,
            std_dev: estimate,
            median_abs_dev: estimate,
            slope: None,
            percentiles: Percentiles {
                p50: ns,
                p95: ns,
                p99: ns,
                reliable: true,
            },
            sampling: Sampling {
                mode: SamplingMode::Linear,
                samples: 10,
                iterations: 55,
                per_iteration_ns: vec![ns; 10],
            },
            throughput: None,
            metrics: Vec::new(),
            interference: None,
        }
    }

    fn run(label: &str, cores: u32, benches: &[(&str, f64)]) -> Run {
        let mut context = BuildContext::default();
        context.cpu.available_parallelism = Some(cores);
        Run {
            schema: crate::model::SCHEMA,
            label: label.to_owned(),
            baseline: "new".to_owned(),
            context,
            benchmarks: benches.iter().map(|(id, ns)| bench(id, *ns)).collect(),
            resources: None,
        }
    }

    const SCALING: &str = r#"
        [[table]]
        title = "Scaling"
        [[table.reference]]
        title = "doc"
        [[table.row]]
        label = "serial"
        key = "serial"
        id = "cpu/k/serial/1"
        threads = 1
        reference = { doc = "250ms" }
        [[table.row]]
        label = "{value} threads"
        pattern = "cpu/k/rayon/*"
        threads = "value"
        [[table.derived]]
        title = "speedup"
        kind = "speedup"
        of_row = "serial"
        [[table.derived]]
        title = "efficiency"
        kind = "efficiency"
        of_row = "serial"
    "#;

    fn specs(text: &str) -> Vec<TableSpec> {
        parse_specs(text, Path::new("test.toml")).expect("valid specs")
    }

    #[test]
    fn speedup_and_efficiency_follow_the_threads_of_each_row() {
        let runs = [
            run(
                "a",
                4,
                &[
                    ("cpu/k/serial/1", 400.0),
                    ("cpu/k/rayon/2", 200.0),
                    ("cpu/k/rayon/8", 100.0),
                    ("cpu/k/rayon/max", 125.0),
                ],
            ),
            run(
                "b",
                2,
                &[("cpu/k/serial/1", 300.0), ("cpu/k/rayon/2", 300.0)],
            ),
        ];
        let tables = doc_tables(&runs, &specs(SCALING));
        let t = &tables[0];
        assert_eq!(
            t.columns,
            [
                "Benchmark",
                "doc",
                "a",
                "a: speedup",
                "a: efficiency",
                "b",
                "b: speedup",
                "b: efficiency"
            ]
        );
        let labels: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(labels, ["serial", "2 threads", "8 threads", "max threads"]);
        assert_eq!(
            t.rows[0][1..],
            [
                "250ms", "400.0 ns", "1.0x", "100.0%", "300.0 ns", "1.0x", "100.0%"
            ]
        );
        assert_eq!(
            t.rows[1][2..],
            ["200.0 ns", "2.0x", "100.0%", "300.0 ns", "1.0x", "50.0%"]
        );
        // 8 threads on 4 cores: 4x speedup, 50 % efficiency, flagged oversubscribed.
        assert_eq!(t.rows[2][2..5], ["100.0 ns", "4.0x", "50.0% †"]);
        assert_eq!(t.rows[2][5..], ["-", "-", "-"]);
        // "max" = the run's available parallelism (4): 3.2x / 4 = 80 %.
        assert_eq!(t.rows[3][4], "80.0%");
        assert!(t.notes.iter().any(|n| n.starts_with("† more threads")));
        assert!(
            t.notes.contains(
                &"b: no result for cpu/k/rayon/8, cpu/k/rayon/max (shown as -).".to_owned()
            ),
            "{:?}",
            t.notes
        );
    }

    #[test]
    fn ratio_columns_divide_two_sources_of_a_row() {
        let text = r#"
            [[table]]
            title = "Codecs"
            sources = ["gzip", "zstd"]
            [[table.row]]
            label = "Compress"
            ids = { gzip = "c/c/gzip/x", zstd = "c/c/zstd/x" }
            [[table.derived]]
            title = "Improvement"
            kind = "ratio"
            numerator = "gzip"
            denominator = "zstd"
        "#;
        let runs = [run(
            "r",
            2,
            &[("c/c/gzip/x", 5.2e6), ("c/c/zstd/x", 0.23e6)],
        )];
        let t = &doc_tables(&runs, &specs(text))[0];
        assert_eq!(
            t.columns,
            ["Benchmark", "r: gzip", "r: zstd", "r: Improvement"]
        );
        assert_eq!(t.rows[0], ["Compress", "5.20 ms", "230.0 µs", "22.6x"]);
        assert!(t.notes.is_empty(), "{:?}", t.notes);
    }

    #[test]
    fn tables_without_any_data_are_left_out_and_empty_runs_get_a_note() {
        let runs = [
            run("has", 2, &[("cpu/k/serial/1", 1.0)]),
            run("lacks", 2, &[("other/x/y/1", 1.0)]),
        ];
        let tables = doc_tables(&runs, &specs(SCALING));
        assert_eq!(tables.len(), 1);
        assert!(
            tables[0]
                .notes
                .contains(&"lacks: has none of this table's benchmarks.".to_owned())
        );
        let none = doc_tables(&runs[1..], &specs(SCALING));
        assert!(none.is_empty());
    }

    #[test]
    fn group_tables_have_one_column_per_run_and_dashes_for_gaps() {
        let runs = [
            run(
                "a",
                2,
                &[("g/q/x/10", 1e3), ("g/q/x/2", 2e3), ("h/q/y/1", 3.0)],
            ),
            run("b", 2, &[("g/q/x/2", 4e3)]),
        ];
        let tables = group_tables(&runs);
        let titles: Vec<&str> = tables.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["g/q", "h/q"]);
        assert_eq!(tables[0].columns, ["Benchmark", "a", "b"]);
        assert_eq!(
            tables[0].rows,
            [["x/2", "2.00 µs", "4.00 µs"], ["x/10", "1.00 µs", "-"]]
        );
        assert_eq!(tables[0].notes, ["b: no result for g/q/x/10 (shown as -)."]);
        assert_eq!(tables[1].notes, ["b: has none of this table's benchmarks."]);
    }

    #[test]
    fn spec_errors_name_file_table_and_field() {
        let bad = |text: &str| {
            parse_specs(text, Path::new("my.toml"))
                .unwrap_err()
                .to_string()
        };
        let err = bad(&SCALING.replace(
            "of_row = \"serial\"\n        [[table.derived]]",
            "of_row = \"nope\"\n        [[table.derived]]",
        ));
        assert_eq!(
            err,
            "my.toml: table 'Scaling', field 'derived 'speedup'.of_row': no row has key 'nope' (keys: [\"serial\"])"
        );
        let err = bad(&SCALING.replace("reference = { doc", "reference = { docs"));
        assert!(err.starts_with("my.toml: table 'Scaling', field 'row 'serial'.reference': unknown reference column 'docs'"), "{err}");
        let err = bad(&SCALING.replace("threads = 1", "threads = \"all\""));
        assert!(err.contains("field 'row 'serial'.threads'"), "{err}");
        let err = bad(&SCALING.replace("threads = 1", "threads = \"value\""));
        assert!(
            err.ends_with("field 'row 'serial'.threads': \"value\" only applies to pattern rows"),
            "{err}"
        );
        let err = bad(&SCALING.replace("threads = 1", "threads = 0"));
        assert!(err.ends_with("must be at least 1"), "{err}");
        let err = bad("[[table]]\ntitle = \"T\"\nrowz = 1\n");
        assert!(
            err.starts_with("my.toml: not a valid table spec file:") && err.contains("rowz"),
            "{err}"
        );
        let err = bad(
            "[[table]]\ntitle = \"T\"\nsources = [\"a\", \"b\"]\n[[table.row]]\nlabel = \"r\"\nid = \"x\"\n",
        );
        assert!(err.contains("field 'row 'r'.id'"), "{err}");
    }

    #[test]
    fn glob_stays_within_a_segment() {
        assert!(glob_match("cpu/kernel/rayon/*", "cpu/kernel/rayon/8"));
        assert!(glob_match("cpu/kernel/*/max", "cpu/kernel/scoped/max"));
        assert!(glob_match("a/*-3/*", "a/zstd-3/json"));
        assert!(!glob_match("cpu/kernel/*", "cpu/kernel/rayon/8"));
        assert!(!glob_match("cpu/*/rayon", "cpu/kernel/x/rayon"));
    }
}
