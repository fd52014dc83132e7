//! Compression: the trade-off between compression ratio and compression
//! speed for every codec and level (`compress/compress/<codec>/<payload>`
//! with its `ratio` metric), one series per run, and decompression speed of
//! the same codecs beside it.
//!
//! One payload is drawn (ratios of different payloads do not share an
//! axis): the first of the catalog's `payloads` present, else the first one
//! found. The per-group charts and tables cover every payload. The groups,
//! payloads and metric name come from `[charts.compression]` in `catalog.toml`.

use plotters::prelude::*;

use super::bars::{self, Bar, BarChart, Series};
use super::tips::{Shape, Tip};
use super::{Chart, draw};
use crate::catalog::{self, CompressionChart, pattern_group};
use crate::format;
use crate::model::{Benchmark, Run, Throughput};
use draw::{Mark, ValueAxis};

fn spec() -> &'static CompressionChart {
    &catalog::get().charts.compression
}

/// `compress/compress`, the group of the compression benchmarks.
fn compress_group() -> &'static str {
    pattern_group(&spec().compress)
}

/// `compress/decompress`.
fn decompress_group() -> &'static str {
    pattern_group(&spec().decompress)
}

/// Bytes processed per iteration, when criterion knows them.
fn bytes(b: &Benchmark) -> Option<f64> {
    match b.throughput? {
        Throughput::Bytes(n) | Throughput::BytesDecimal(n) => Some(n as f64),
        Throughput::ElementsAndBytes { bytes, .. } => Some(bytes as f64),
        Throughput::Elements(_) | Throughput::Bits(_) => None,
    }
}

/// Speed in bytes per second with its interval (a lower time is a higher speed).
fn speed(b: &Benchmark) -> Option<Bar> {
    let n = bytes(b)?;
    let per_s = |ns: f64| draw::positive(ns).map(|ns| n * 1e9 / ns);
    Some(Bar {
        value: per_s(b.typical.point)?,
        lower: per_s(b.typical.upper).unwrap_or(f64::NAN),
        upper: per_s(b.typical.lower).unwrap_or(f64::NAN),
    })
}

fn ratio(b: &Benchmark) -> Option<f64> {
    b.metrics
        .iter()
        .find(|m| m.name == spec().ratio_metric)
        .and_then(|m| draw::positive(m.value))
}

/// (codec, payload) of a `<group>/<codec>/<payload>` benchmark.
fn codec_payload(b: &Benchmark, group: &str) -> Option<(String, String)> {
    (b.id.group == group).then_some(())?;
    Some((b.id.function.clone()?, b.id.value.clone()?))
}

/// The payload to draw: preferred ones first, then the first with a ratio.
pub(crate) fn payload(runs: &[Run]) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    for run in runs {
        for b in &run.benchmarks {
            if let Some((_, p)) = codec_payload(b, compress_group())
                && ratio(b).is_some()
                && speed(b).is_some()
                && !found.contains(&p)
            {
                found.push(p);
            }
        }
    }
    spec()
        .payloads
        .iter()
        .find(|p| found.iter().any(|f| f == *p))
        .map(|p| (*p).to_owned())
        .or_else(|| found.into_iter().next())
}

/// Codecs of this payload and group, in natural order (`zstd-3` before `zstd-19`).
fn codecs(runs: &[Run], group: &str, payload: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for run in runs {
        for b in &run.benchmarks {
            if let Some((c, p)) = codec_payload(b, group)
                && p == payload
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
    }
    out.sort_by(|a, b| crate::order::natural_cmp(a, b));
    out
}

/// The family of a codec-level name (`zstd-19` -> `zstd`), to join levels by a line.
fn family(codec: &str) -> &str {
    match codec.rsplit_once('-') {
        Some((fam, level)) if level.parse::<i32>().is_ok() => fam,
        _ => codec,
    }
}

pub(crate) fn charts(runs: &[Run]) -> Result<Vec<Chart>, String> {
    let Some(payload) = payload(runs) else {
        return Ok(vec![Chart {
            id: "compression".into(),
            title: "Compression: ratio vs speed".into(),
            svg: None,
            notes: vec![format!(
                "No data: needs {}/<codec>/<payload> benchmarks with a byte throughput and a \
                 `{}` metric.",
                compress_group(),
                spec().ratio_metric
            )],
        }]);
    };
    let (shown, runs_note) = draw::series_runs(runs);
    let mut out = vec![trade_off(shown, &payload, runs_note.clone())?];
    let decompress_codecs = codecs(shown, decompress_group(), &payload);
    let title = format!("Decompression speed, payload {payload}");
    let links: Vec<String> = decompress_codecs
        .iter()
        .map(|c| format!("compress/decompress/{c}/{payload}"))
        .collect();
    let svg = bars::render(&BarChart {
        title: title.clone(),
        axis: "decompression speed, uncompressed bytes per second; higher is better".into(),
        categories: decompress_codecs.clone(),
        series: shown
            .iter()
            .map(|run| Series {
                name: run.label.clone(),
                bars: decompress_codecs
                    .iter()
                    .map(|c| {
                        draw::find(run, &format!("{}/{c}/{payload}", decompress_group()))
                            .and_then(speed)
                    })
                    .collect(),
            })
            .collect(),
        format: &format::decimal_bytes_rate,
        links: &links,
    })?;
    let mut notes: Vec<String> = runs_note.into_iter().collect();
    if svg.is_none() {
        notes.push(format!(
            "No data: no {}/<codec>/{payload} benchmark with a byte throughput.",
            decompress_group()
        ));
    }
    out.push(Chart {
        id: "decompression".into(),
        title,
        svg,
        notes,
    });
    Ok(out)
}

/// Per run, its point for each codec of the payload that it measured.
fn trade_off_points(runs: &[Run], payload: &str) -> Vec<Vec<Point>> {
    let codecs = codecs(runs, compress_group(), payload);
    runs.iter()
        .map(|run| {
            codecs
                .iter()
                .filter_map(|c| {
                    let b = draw::find(run, &format!("{}/{c}/{payload}", compress_group()))?;
                    Some(Point {
                        codec: c.clone(),
                        speed: speed(b)?.value,
                        ratio: ratio(b)?,
                    })
                })
                .collect()
        })
        .collect()
}

/// One point: a codec-level of one run.
struct Point {
    codec: String,
    speed: f64,
    ratio: f64,
}

fn trade_off(runs: &[Run], payload: &str, runs_note: Option<String>) -> Result<Chart, String> {
    let title = format!("Compression ratio vs compression speed, payload {payload}");
    let series = trade_off_points(runs, payload);
    let all = || series.iter().flatten();
    let (s_lo, s_hi) = all().fold((f64::INFINITY, 0f64), |(lo, hi), p| {
        (lo.min(p.speed), hi.max(p.speed))
    });
    let (r_lo, r_hi) = all().fold((f64::INFINITY, 0f64), |(lo, hi), p| {
        (lo.min(p.ratio), hi.max(p.ratio))
    });
    // Speeds of codecs span orders of magnitude (copy vs zstd-19): always log.
    let x_axis = ValueAxis::Log(s_lo / 2.0..s_hi * 2.5);
    let y_axis = ValueAxis::fit(r_lo.min(1.0), r_hi);
    let legend = draw::run_legend(runs.iter().map(|r| r.label.as_str()), Mark::Dot, |i| {
        !series[i].is_empty()
    });
    let legend_w = draw::legend_width(&legend);
    let height = 520u32.max(60 + 22 * legend.len() as u32);
    let mut notes: Vec<String> = runs_note.into_iter().collect();
    notes.push(format!(
        "Up and to the right is better. Lines join the levels of one codec family; \
         codec names are written next to the points of the first run ({}).",
        runs.first().map_or("", |r| r.label.as_str())
    ));
    let y_desc = format!("compression ratio (higher is better){}", y_axis.suffix());
    let mut tips = Vec::new();
    let svg = draw::svg((draw::WIDTH, height), |root| {
        let (main, side) = root.split_horizontally(draw::WIDTH - legend_w);
        let mut cc = draw::frame(&main, &title, 60, x_axis.clone(), y_axis.clone())?;
        draw::grid(&mut cc.configure_mesh(), RGBColor(210, 210, 210))
            .x_desc("compression speed, uncompressed bytes per second (log scale)")
            .y_desc(y_desc.as_str())
            .x_label_formatter(&|v| draw::tick(&format::decimal_bytes_rate(*v)))
            .y_label_formatter(&|v| draw::tick(&format::ratio(*v)))
            .draw()?;
        for (i, points) in series.iter().enumerate() {
            let colour = draw::colour(i);
            let mut families: Vec<&str> = points.iter().map(|p| family(&p.codec)).collect();
            families.dedup();
            for fam in families {
                let mut line: Vec<(f64, f64)> = points
                    .iter()
                    .filter(|p| family(&p.codec) == fam)
                    .map(|p| (p.speed, p.ratio))
                    .collect();
                if line.len() > 1 {
                    line.sort_by(|a, b| a.0.total_cmp(&b.0));
                    cc.draw_series(LineSeries::new(line, colour.mix(0.6).stroke_width(1)))?;
                }
            }
            cc.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p.speed, p.ratio), 5, colour.filled())),
            )?;
            let id = |p: &Point| format!("{}/{}/{payload}", compress_group(), p.codec);
            tips.extend(points.iter().map(|p| Tip {
                shape: Shape::Dot(cc.backend_coord(&(p.speed, p.ratio)), 7),
                text: format!(
                    "{}: {}: ratio {}, {}",
                    runs[i].label,
                    id(p),
                    format::ratio(p.ratio),
                    format::decimal_bytes_rate(p.speed)
                ),
                href: Some(super::views::detail_href(&id(p))),
            }));
            if i == 0 {
                for p in points {
                    let at = cc.backend_coord(&(p.speed, p.ratio));
                    main.draw(&Text::new(
                        draw::label(&p.codec, 24),
                        (at.0 + 8, at.1 - 9),
                        draw::text_style(draw::TICK_SIZE - 2.0)
                            .pos(draw::text_anchor_left_center()),
                    ))?;
                }
            }
        }
        draw::draw_legend(&side, &legend, 44)?;
        Ok(())
    })?;
    let shown = runs.iter().zip(&series).filter(|(_, s)| !s.is_empty());
    tips.extend(draw::legend_tips(
        draw::WIDTH - legend_w,
        &legend,
        shown.map(|(r, _)| r.label.as_str()),
        44,
    ));
    Ok(Chart {
        id: "compression".into(),
        title,
        svg: Some(super::tips::overlay(svg, &tips)),
        notes,
    })
}
