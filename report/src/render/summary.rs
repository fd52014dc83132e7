//! The terminal summary of one run, shaped like the doc's "Benchmark Output
//! Example": a header with what produced the run (toolchain, target, CPU,
//! available features, commit), then one section per suite with a table
//! `Name | Mean | Std | P95 | Ops/sec` (+ throughput and metrics where set).
//!
//! Units are scaled per value (a column can mix ns and ms) because our
//! benchmarks span six orders of magnitude; a fixed unit per column, as in
//! the doc, would print most of them as 0.000.

use std::collections::BTreeMap;

use crate::catalog;
use crate::facts::{self, Section};
use crate::format;
use crate::gungraun;
use crate::interference::{self, Mark, RunSummary};
use crate::model::{Benchmark, Run};
use crate::order::{id_cmp, suite_rank};
use crate::render::{pad, shorten, width};
use crate::tables::metric_value;

/// The instructions cell of a benchmark without counts in a table that has
/// some: it is multi-threaded (valgrind serialises threads) or its harness
/// has none.
const NOT_COUNTED: &str = "not counted";

/// Width of the `=` rules, as in the doc.
const RULE: usize = 90;
/// Longest name shown; longer ids are shortened in the middle.
const NAME_WIDTH: usize = 64;
/// Marks a P95 computed from too few samples.
pub const UNRELIABLE: &str = "~";

/// Renders the summary of `run` (all its benchmarks; filter before calling).
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    let rule = "=".repeat(RULE);
    out.push_str(&rule);
    out.push('\n');
    let suite = match run.context.interpreter {
        Some(_) => "PYTHON 3.14 BENCHMARK SUITE",
        None => "RUST BENCHMARK SUITE",
    };
    out.push_str(&format!("{suite}: {}\n", one_line(&run.label)));
    out.push_str(&rule);
    out.push('\n');
    header(&mut out, run);

    let mut suites: BTreeMap<(usize, &str), Vec<&Benchmark>> = BTreeMap::new();
    for bench in &run.benchmarks {
        let suite = bench.id.suite();
        suites
            .entry((suite_rank(suite), suite))
            .or_default()
            .push(bench);
    }
    if suites.is_empty() {
        out.push_str("\nNo benchmarks in this run.\n");
    }
    let mut unreliable = false;
    for benches in suites.values_mut() {
        // Values in natural order (`1us, 10us, 100us`, `1000, 10000`), as every renderer lists them.
        benches.sort_by(|a, b| id_cmp(&a.id, &b.id));
    }
    let mut used_marks = Vec::new();
    for ((_, suite), benches) in &suites {
        out.push_str(&format!(
            "\n>>> {} benchmarks ({})\n",
            suite_title(suite),
            benches.len()
        ));
        unreliable |= section(&mut out, benches);
        used_marks.extend(interference::marks_of(benches.iter().copied()));
    }
    out.push_str(&rule);
    out.push('\n');
    if unreliable {
        out.push_str(&format!(
            "{UNRELIABLE} P95 from too few samples to be reliable (a --quick run?): indicative only.\n"
        ));
    }
    marks_legend(&mut out, used_marks);
    out
}

/// The legend of the marks used (each once), under the tables.
fn marks_legend(out: &mut String, mut used: Vec<Mark>) {
    used.sort();
    used.dedup();
    for mark in used {
        out.push_str(mark.legend());
        out.push('\n');
    }
}

/// The header lines about interference: the machine check before the run
/// and what others took while benchmarks ran (absent when not sampled).
fn interference_lines(run: &Run) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    if let Some(check) = &run.context.machine_check {
        let mut text = match check.others_cores {
            Some(c) => format!("others used {c:.2} cores"),
            None => "others' CPU unknown".to_owned(),
        };
        if let Some(l) = check.load_average {
            text.push_str(&format!(", load {:.2} {:.2} {:.2}", l[0], l[1], l[2]));
        }
        if let Some(g) = &check.governor {
            text.push_str(&format!(", governor {}", one_line(g)));
        }
        if check.busy {
            text.push_str(" (busy)");
        }
        lines.push(("Machine check", text));
    }
    let summary = RunSummary::of(&run.benchmarks);
    if summary.sampled > 0 {
        let sentence = summary.sentence();
        let text = sentence.strip_prefix("interference: ").unwrap_or(&sentence);
        lines.push(("Interference", text.to_owned()));
    }
    lines
}

/// The doc's section names for our suites (the catalog's titles); others by
/// their own name.
fn suite_title(suite: &str) -> String {
    one_line(catalog::get().suite_title(suite))
}

/// The run's facts ([`facts::facts`]): build facts one per line, the lists
/// under "Available Features".
fn header(out: &mut String, run: &Run) {
    let facts = facts::facts(run);
    for fact in facts.iter().filter(|f| f.section == Section::Build) {
        out.push_str(&format!(
            "{:<16}{}\n",
            format!("{}:", fact.label),
            one_line(&fact.value)
        ));
    }
    for (name, value) in interference_lines(run) {
        out.push_str(&format!("{:<16}{value}\n", format!("{name}:")));
    }
    out.push_str("\nAvailable Features:\n");
    for fact in facts.iter().filter(|f| f.section == Section::Features) {
        wrapped(
            out,
            &format!("  - {}: ", fact.label),
            &one_line(&fact.value),
        );
    }
}

/// Appends `prefix` + `text`, wrapping at commas to stay within the rule.
fn wrapped(out: &mut String, prefix: &str, text: &str) {
    let indent = " ".repeat(prefix.chars().count());
    let mut line = prefix.to_owned();
    let mut empty = true;
    for item in text.split(", ") {
        let item_width = item.chars().count() + 2;
        if !empty && line.chars().count() + item_width > RULE {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push_str(", ");
        }
        line.push_str(item);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}

/// One suite's table; returns whether any P95 was marked unreliable.
fn section(out: &mut String, benches: &[&Benchmark]) -> bool {
    let with_throughput = benches.iter().any(|b| b.throughput.is_some());
    // Instruction counts get their own column, beside time; the other
    // gungraun figures stay in the run file.
    let with_instructions = benches.iter().any(|b| gungraun::instructions(b).is_some());
    let with_metrics = benches.iter().any(|b| {
        b.metrics
            .iter()
            .any(|m| !gungraun::is_count_metric(&m.name))
    });
    let mut header = vec!["Name", "Mean", "Std", "P95", "Ops/sec"];
    if with_throughput {
        header.push("Throughput");
    }
    if with_instructions {
        header.push("Instructions");
    }
    if with_metrics {
        header.push("Metrics");
    }
    let with_marks = !interference::marks_of(benches.iter().copied()).is_empty();
    if with_marks {
        header.push("Marks");
    }
    let mut unreliable = false;
    let rows: Vec<Vec<String>> = benches
        .iter()
        .map(|b| {
            let mut p95 = format::duration_ns(b.percentiles.p95);
            if !b.percentiles.reliable {
                unreliable = true;
                p95.push_str(UNRELIABLE);
            }
            let mean = b.mean.point;
            let ops = if mean > 0.0 { 1e9 / mean } else { f64::NAN };
            let mut row = vec![
                shorten(&one_line(&b.id.full_id()), NAME_WIDTH),
                format::duration_ns(mean),
                format::duration_ns(b.std_dev.point),
                p95,
                format::per_second(ops),
            ];
            if with_throughput {
                row.push(
                    b.throughput
                        .as_ref()
                        .map_or_else(String::new, |t| format::throughput(t, mean)),
                );
            }
            if with_instructions {
                row.push(
                    gungraun::instructions(b).map_or_else(|| NOT_COUNTED.to_owned(), format::count),
                );
            }
            if with_metrics {
                let metrics: Vec<String> = b
                    .metrics
                    .iter()
                    .filter(|m| !gungraun::is_count_metric(&m.name))
                    .map(|m| format!("{} {}", one_line(&m.name), metric_value(m)))
                    .collect();
                row.push(metrics.join(", "));
            }
            if with_marks {
                let marks: Vec<&str> = interference::marks(b).iter().map(|m| m.word()).collect();
                row.push(marks.join(", "));
            }
            row
        })
        .collect();

    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    // Name and the free-text columns left-aligned, numbers right-aligned.
    let left = |i: usize| i == 0 || i >= 5;
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            pad(&mut text, cell, *width, !left(i));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    let total = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    line(&["-".repeat(total).as_str()]);
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells);
    }
    unreliable
}

/// Control characters (a newline in a name) would break the table's lines,
/// and an ESC would reach the terminal: they show as escapes (`sanitize`).
fn one_line(text: &str) -> String {
    crate::sanitize::one_line(text).into_owned()
}
