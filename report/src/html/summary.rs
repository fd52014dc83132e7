//! The server-rendered part of each benchmark's detail: per group table, a
//! closed `<details>` with one row per benchmark of its latest run — sample
//! count and mode, percentiles, range and Tukey outlier counts — so a page
//! read without JavaScript hides nothing; the script only adds the charts.
//!
//! One row per benchmark (not per run) keeps the page small: 326 benchmarks
//! add about 60 KB. Each row's element id is `bench=<id>`, the fragment of
//! the table row's link, so without the script that link opens the
//! `<details>` (browsers reveal a fragment's closed ancestors) and lands on
//! the row.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::detail::outliers;
use crate::format;
use crate::model::{Benchmark, Run, SamplingMode};

/// For each full id, the latest run (by `recorded_at`, the later one given
/// on a tie) that has it and the benchmark's index there.
pub(crate) fn latest_by_id(runs: &[Run]) -> HashMap<String, (usize, usize)> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| {
        runs[a]
            .context
            .recorded_at
            .cmp(&runs[b].context.recorded_at)
    });
    let mut latest = HashMap::new();
    for i in order {
        for (k, b) in runs[i].benchmarks.iter().enumerate() {
            latest.insert(b.id.full_id(), (i, k));
        }
    }
    latest
}

/// `text` with `&`, `<`, `>` and quotes escaped, for HTML text and
/// attribute values (tera's escape also turns `/` into six bytes, which in
/// 200,000 ids adds up).
pub(crate) fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Appends the row of `b` (measured in run `r`, named `name` in its table).
fn row(
    out: &mut String,
    runs: &[Run],
    short: Option<&[String]>,
    r: usize,
    b: &Benchmark,
    name: &str,
) {
    let s = &b.sampling;
    let finite = s.per_iteration_ns.iter().copied().filter(|x| x.is_finite());
    let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let (min, max) = if min <= max {
        (min, max)
    } else {
        (f64::NAN, f64::NAN)
    };
    let mark = if b.percentiles.reliable { "" } else { " *" };
    let p = &b.percentiles;
    out.push_str("<tr id=\"bench=");
    escape(&b.id.full_id(), out);
    out.push_str("\"><th scope=\"row\">");
    escape(name, out);
    out.push_str("</th>");
    if let Some(short) = short {
        out.push_str("<td title=\"");
        escape(&format!("{} ({})", runs[r].label, runs[r].cell()), out);
        out.push_str("\">");
        escape(&short[r], out);
        out.push_str("</td>");
    }
    let mode = if s.mode == SamplingMode::Linear {
        "linear"
    } else {
        "flat"
    };
    let [lo_severe, lo_mild, hi_mild, hi_severe] = outliers(&s.per_iteration_ns);
    // Durations and counts: no character that needs escaping.
    let _ = write!(
        out,
        "<td>{} {mode}</td><td>{}</td><td>{}{mark}</td><td>{}{mark}</td><td>{}</td><td>{}</td>\
         <td>{lo_severe} / {lo_mild} / {hi_mild} / {hi_severe}</td></tr>",
        s.per_iteration_ns.len(),
        format::duration_ns(p.p50),
        format::duration_ns(p.p95),
        format::duration_ns(p.p99),
        format::duration_ns(min),
        format::duration_ns(max),
    );
    out.push('\n');
}

/// The `<details>` of the benchmarks `rows` names (full id, table name),
/// each from its latest run in `latest`, as HTML; `None` when none of them
/// was measured.
pub(crate) fn view<'a>(
    runs: &[Run],
    short: &[String],
    latest: &HashMap<String, (usize, usize)>,
    rows: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let found: Vec<(&str, usize, &Benchmark)> = rows
        .filter_map(|(id, name)| {
            let &(r, k) = latest.get(id)?;
            Some((name, r, &runs[r].benchmarks[k]))
        })
        .collect();
    let first = found.first()?.1;
    let several = found.iter().any(|&(_, r, _)| r != first);
    let unreliable = found.iter().any(|(_, _, b)| !b.percentiles.reliable);
    let mut out = String::with_capacity(found.len() * 200 + 800);
    let _ = write!(
        out,
        "<details class=\"stats\">\n<summary>Samples, percentiles and outliers of the latest \
         run{} ({})</summary>\n<div class=\"scroll\">\n<table class=\"stats\">\n<thead><tr>\
         <th scope=\"col\">Benchmark</th>{}<th scope=\"col\">Samples</th><th scope=\"col\">P50</th>\
         <th scope=\"col\">P95</th><th scope=\"col\">P99</th><th scope=\"col\">Min</th>\
         <th scope=\"col\">Max</th><th scope=\"col\" title=\"Tukey fences: beyond 3 IQR severe, \
         beyond 1.5 IQR mild\">Outliers: low severe / mild, high mild / severe</th></tr></thead>\n\
         <tbody>\n",
        if several { " of each benchmark" } else { "" },
        found.len(),
        if several {
            "<th scope=\"col\">Run</th>"
        } else {
            ""
        },
    );
    for (name, r, b) in found {
        row(&mut out, runs, several.then_some(short), r, b, name);
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    if unreliable {
        out.push_str("<p class=\"note\">* too few samples for P95/P99 to mean much.</p>\n");
    }
    out.push_str("</details>\n");
    Some(out)
}
