//! The terminal summary of one run, shaped like the doc's "Benchmark Output
//! Example": a header with what produced the run (toolchain, target, CPU,
//! available features, commit), then one section per suite with a table
//! `Name | Mean | Std | P95 | Ops/sec` (+ throughput and metrics where set).
//!
//! Units are scaled per value (a column can mix ns and ms) because our
//! benchmarks span six orders of magnitude; a fixed unit per column, as in
//! the doc, would print most of them as 0.000.

use std::collections::BTreeMap;

use crate::format;
use crate::gungraun;
use crate::model::{Benchmark, BuildContext, Run};
use crate::render::{pad, shorten, width};
use crate::tables::{metric_value, suite_rank};

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
    out.push_str(&format!("RUST BENCHMARK SUITE: {}\n", one_line(&run.label)));
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
    for ((_, suite), benches) in &suites {
        out.push_str(&format!(
            "\n>>> {} benchmarks ({})\n",
            suite_title(suite),
            benches.len()
        ));
        unreliable |= section(&mut out, benches);
    }
    out.push_str(&rule);
    out.push('\n');
    if unreliable {
        out.push_str(&format!(
            "{UNRELIABLE} P95 from too few samples to be reliable (a --quick run?): indicative only.\n"
        ));
    }
    out
}

/// The doc's section names for our suites; others by their own name.
fn suite_title(suite: &str) -> String {
    match suite {
        "cpu" => "CPU".to_owned(),
        "uuid" => "UUID".to_owned(),
        "compress" => "Compression".to_owned(),
        "async" => "Async".to_owned(),
        other => one_line(other),
    }
}

fn header(out: &mut String, run: &Run) {
    let ctx: &BuildContext = &run.context;
    let unknown = || "unknown".to_owned();
    let opt = |v: &Option<String>| v.as_deref().map_or_else(unknown, one_line);
    let count = |v: Option<u32>| v.map_or_else(unknown, |n| n.to_string());

    let tc = &ctx.toolchain;
    let mut toolchain = format!("rustc {}", opt(&tc.release));
    let commit: Vec<String> = [&tc.commit_hash, &tc.commit_date]
        .into_iter()
        .flatten()
        .map(|s| one_line(s).chars().take(12).collect())
        .collect();
    if !commit.is_empty() {
        toolchain.push_str(&format!(" ({})", commit.join(" ")));
    }
    if let Some(llvm) = &tc.llvm_version {
        toolchain.push_str(&format!(", LLVM {}", one_line(llvm)));
    }
    if let Some(name) = tc
        .rustup_toolchain
        .as_ref()
        .filter(|n| tc.release.as_ref() != Some(n))
    {
        toolchain.push_str(&format!(" [{}]", one_line(name)));
    }

    let p = &ctx.profile;
    let mut settings = Vec::new();
    for (name, value) in [
        ("opt-level", &p.opt_level),
        ("lto", &p.lto),
        ("debug", &p.debug),
        ("panic", &p.panic),
    ] {
        if let Some(v) = value {
            settings.push(format!("{name} {}", one_line(v)));
        }
    }
    if let Some(cgu) = p.codegen_units {
        settings.push(format!("codegen-units {cgu}"));
    }
    let mut profile = opt(&p.name);
    if !settings.is_empty() {
        profile.push_str(&format!(" ({})", settings.join(", ")));
    }

    let cpu = &ctx.cpu;
    let cores = format!(
        "{} physical, {} logical, available parallelism {}",
        count(cpu.physical_cores),
        count(cpu.logical_cpus),
        count(cpu.available_parallelism)
    );
    let memory = ctx.memory_bytes.map_or_else(unknown, |b| {
        format::rate(b as f64, "B")
            .trim_end_matches("/s")
            .to_owned()
    });
    let mut os = opt(&ctx.os.name);
    if let Some(version) = &ctx.os.version {
        os.push_str(&format!(" ({})", one_line(version)));
    }
    if let Some(kernel) = &ctx.os.kernel {
        os.push_str(&format!(", kernel {}", one_line(kernel)));
    }
    let mut git = opt(&ctx.git.commit);
    match ctx.git.dirty {
        Some(true) => git.push_str(" (dirty: uncommitted changes)"),
        Some(false) => git.push_str(" (clean)"),
        None => {}
    }

    let lines = [
        ("Toolchain", toolchain),
        ("Target", opt(&ctx.target)),
        // No target-cpu flag means rustc's generic baseline for the target.
        (
            "Target CPU",
            ctx.target_cpu
                .as_deref()
                .map_or_else(|| "generic (default)".to_owned(), one_line),
        ),
        (
            "RUSTFLAGS",
            ctx.rustflags
                .as_deref()
                .map_or_else(|| "(none)".to_owned(), one_line),
        ),
        ("Profile", profile),
        ("CPU", opt(&cpu.model)),
        ("Cores", cores),
        ("Memory", memory),
        ("OS", os),
        ("Git commit", git),
        ("Recorded", opt(&ctx.recorded_at)),
        ("Criterion data", one_line(&run.baseline)),
    ];
    for (name, value) in lines {
        out.push_str(&format!("{:<16}{value}\n", format!("{name}:")));
    }

    out.push_str("\nAvailable Features:\n");
    let list = |items: &[String]| {
        if items.is_empty() {
            "unknown".to_owned()
        } else {
            items
                .iter()
                .map(|s| one_line(s))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let libraries: Vec<String> = ctx
        .libraries
        .iter()
        .map(|(name, version)| format!("{} {}", one_line(name), one_line(version)))
        .collect();
    for (name, value) in [
        ("CPU features", list(&cpu.features)),
        ("codecs", list(&ctx.codecs)),
        ("libraries", list(&libraries)),
    ] {
        wrapped(out, &format!("  - {name}: "), &value);
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

/// Control characters (a newline in a name) would break the table's lines.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
