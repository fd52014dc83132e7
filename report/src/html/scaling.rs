//! Parallel scaling: speedup over the serial kernel against thread count, per
//! run, for rayon and for scoped threads, with the ideal (linear) speedup and
//! each machine's available parallelism marked.
//!
//! Speedup = time of the catalog's serial kernel (`cpu/kernel/serial/1`) /
//! time of `cpu/kernel/{rayon,scoped}/<threads>` (`[charts.scaling]` in
//! `catalog.toml`); `max` threads is the run's `available_parallelism`
//! ([`Threads::for_run`]: a point is left out when that is unknown, never
//! guessed).

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::tips::{Shape, Tip};
use super::{Chart, draw};
use crate::catalog::{self, Threads};
use crate::model::{Benchmark, Run};
use draw::{LegendEntry, Mark};

/// One line: a run's speedups for one threading variant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub run: usize,
    pub variant: String,
    /// (threads, speedup), sorted by threads.
    pub points: Vec<(f64, f64)>,
    /// Per point: the serial or the parallel benchmark was disturbed
    /// (drawn hollow).
    pub disturbed: Vec<bool>,
    /// Per point: the parallel benchmark's id (its tooltip links to it).
    pub ids: Vec<String>,
}

/// The speedup lines of every run that has the serial kernel and at least
/// one parallel point.
pub(crate) fn lines(runs: &[Run]) -> Vec<Line> {
    let spec = &catalog::get().charts.scaling;
    let mut out = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let Some(serial) =
            draw::find(run, &spec.serial).and_then(|b| draw::positive(b.typical.point))
        else {
            continue;
        };
        let serial_disturbed = draw::find(run, &spec.serial).is_some_and(is_disturbed);
        for variant in &spec.variants {
            let mut points: Vec<((f64, f64), bool, String)> = spec
                .threads
                .iter()
                .filter_map(|word| {
                    let threads = Threads::parse(word)?.for_run(run)?;
                    let id = spec
                        .parallel
                        .replace("{variant}", variant)
                        .replace("{threads}", word);
                    let b = draw::find(run, &id)?;
                    let point = (
                        f64::from(threads),
                        serial / draw::positive(b.typical.point)?,
                    );
                    Some((point, serial_disturbed || is_disturbed(b), id))
                })
                .collect();
            points.sort_by(|a, b| a.0.0.total_cmp(&b.0.0));
            points.dedup_by(|a, b| a.0.0 == b.0.0);
            if !points.is_empty() {
                out.push(Line {
                    run: r,
                    variant: variant.clone(),
                    disturbed: points.iter().map(|p| p.1).collect(),
                    ids: points.iter().map(|p| p.2.clone()).collect(),
                    points: points.into_iter().map(|p| p.0).collect(),
                });
            }
        }
    }
    out
}

/// "No data: needs cpu/kernel/serial/1 and cpu/kernel/{rayon,scoped}/<threads> …".
fn no_data_note() -> String {
    let spec = &catalog::get().charts.scaling;
    format!(
        "No data: needs {} and {} in at least one run.",
        spec.serial,
        spec.parallel
            .replace("{variant}", &format!("{{{}}}", spec.variants.join(",")))
            .replace("{threads}", "<threads>")
    )
}

pub(crate) fn chart(runs: &[Run]) -> Result<Chart, String> {
    let title = "Parallel scaling: speedup over the serial kernel (cpu/kernel)".to_owned();
    let (shown, runs_note) = draw::series_runs(runs);
    let lines = lines(shown);
    let mut notes: Vec<String> = runs_note.into_iter().collect();
    if lines.is_empty() {
        notes.push(no_data_note());
        return Ok(Chart {
            id: "scaling".into(),
            title,
            svg: None,
            notes,
        });
    }
    let (cores, max_threads, max_speedup) = extent(&lines, shown);
    let x_end = draw::grow(max_threads, 1.08);
    let y_end = draw::grow(max_speedup, 1.1);

    let legend = legend(&lines, shown);
    notes.push(
        "Solid lines with dots: rayon; dashed lines with triangles: scoped threads. \
         `max` threads = the run's available parallelism."
            .into(),
    );
    if lines.iter().any(|l| l.disturbed.contains(&true)) {
        notes.push(
            "Hollow markers: disturbed, other processes took the CPUs the serial or the \
             parallel benchmark used while it ran; that speedup is not the code's."
                .into(),
        );
    }
    let legend_w = draw::legend_width(&legend);
    let height = 480u32.max(60 + 22 * legend.len() as u32);

    let mut tips = Vec::new();
    let svg = draw::svg((draw::WIDTH, height), |root| {
        let (main, side) = root.split_horizontally(draw::WIDTH - legend_w);
        let mut cc = draw::frame(&main, &title, 56, 0f64..x_end, 0f64..y_end)?;
        draw::grid(&mut cc.configure_mesh(), RGBColor(210, 210, 210))
            .x_desc("threads")
            .y_desc("speedup over serial (×, higher is better)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}×"))
            .draw()?;
        let grey = RGBColor(150, 150, 150);
        for c in &cores {
            let x = f64::from(*c);
            cc.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, y_end)],
                grey.stroke_width(2),
            )))?;
            // Above the ideal line's end (y_end leaves 10 % over it), left of the marker.
            let at = cc.backend_coord(&(x, y_end));
            main.draw(&Text::new(
                format!("{c} CPUs"),
                (at.0 - 5, at.1 + 10),
                draw::text_style(draw::TICK_SIZE)
                    .pos(draw::text_anchor_right_center())
                    .color(&RGBColor(90, 90, 90)),
            ))?;
        }
        let ideal_end = max_threads.min(y_end);
        cc.draw_series(DashedLineSeries::new(
            vec![(1.0, 1.0), (ideal_end, ideal_end)],
            6,
            5,
            RGBColor(120, 120, 120).stroke_width(2),
        ))?;
        for l in &lines {
            draw_line(&mut cc, l)?;
            tips.extend(point_tips(&cc, l, shown));
        }
        draw::draw_legend(&side, &legend, 44)?;
        Ok(())
    })?;
    let names: Vec<String> = lines.iter().map(|l| legend_name(l, shown)).collect();
    tips.extend(draw::legend_tips(
        draw::WIDTH - legend_w,
        &legend,
        names.iter().map(String::as_str),
        44,
    ));
    Ok(Chart {
        id: "scaling".into(),
        title,
        svg: Some(super::tips::overlay(svg, &tips)),
        notes,
    })
}

/// A tooltip on each point of `l`: run, benchmark, threads and speedup,
/// linking to the benchmark's detail.
fn point_tips(
    cc: &draw::Plot<'_, '_, RangedCoordf64, RangedCoordf64>,
    l: &Line,
    runs: &[Run],
) -> Vec<Tip> {
    l.points
        .iter()
        .zip(&l.ids)
        .zip(&l.disturbed)
        .map(|((&(threads, speedup), id), &disturbed)| Tip {
            shape: Shape::Dot(cc.backend_coord(&(threads, speedup)), 8),
            text: format!(
                "{}: {id}, {threads} threads: {speedup:.2}× the serial kernel{}",
                runs[l.run].label,
                if disturbed { " (disturbed)" } else { "" }
            ),
            href: Some(super::views::detail_href(id)),
        })
        .collect()
}

/// One run's speedups for one variant: solid with dots or dashed with
/// triangles (see [`solid`]), disturbed points hollow.
fn draw_line(
    cc: &mut draw::Plot<'_, '_, RangedCoordf64, RangedCoordf64>,
    l: &Line,
) -> draw::DrawResult {
    let colour = draw::colour(l.run);
    // A disturbed point is drawn hollow (outline only).
    let style = |i: usize| {
        if l.disturbed.get(i) == Some(&true) {
            colour.stroke_width(2)
        } else {
            colour.filled()
        }
    };
    if solid(&l.variant) {
        cc.draw_series(LineSeries::new(l.points.clone(), colour.stroke_width(2)))?;
        cc.draw_series(
            l.points
                .iter()
                .enumerate()
                .map(|(i, p)| Circle::new(*p, 5, style(i))),
        )?;
    } else {
        cc.draw_series(DashedLineSeries::new(
            l.points.clone(),
            8,
            4,
            colour.stroke_width(2),
        ))?;
        cc.draw_series(
            l.points
                .iter()
                .enumerate()
                .map(|(i, p)| TriangleMarker::new(*p, 6, style(i))),
        )?;
    }
    Ok(())
}

/// The catalog's first variant (rayon) is drawn solid with dots, the others
/// dashed with triangles.
fn solid(variant: &str) -> bool {
    catalog::get()
        .charts
        .scaling
        .variants
        .first()
        .map(String::as_str)
        == Some(variant)
}

/// The distinct available parallelisms of the runs drawn, and the largest
/// thread count and speedup the axes must hold (at least 8 threads; the
/// ideal line up to the most threads).
fn extent(lines: &[Line], shown: &[Run]) -> (Vec<u32>, f64, f64) {
    let cores: Vec<u32> = {
        let mut c: Vec<u32> = lines
            .iter()
            .filter_map(|l| shown[l.run].context.cpu.available_parallelism)
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let max_threads = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .chain(cores.iter().map(|c| f64::from(*c)))
        .fold(8.0, f64::max);
    let max_speedup = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        .max(max_threads);
    (cores, max_threads, max_speedup)
}

/// One entry per line, then the ideal line and the cores marker.
fn legend(lines: &[Line], shown: &[Run]) -> Vec<LegendEntry> {
    let mut legend: Vec<LegendEntry> = Vec::new();
    for l in lines {
        legend.push(LegendEntry {
            text: draw::label(&legend_name(l, shown), 44),
            colour: draw::colour(l.run),
            mark: mark(&l.variant),
        });
    }
    legend.push(LegendEntry {
        text: "ideal (speedup = threads)".into(),
        colour: RGBColor(120, 120, 120),
        mark: Mark::DashedLine,
    });
    legend.push(LegendEntry {
        text: "available parallelism".into(),
        colour: RGBColor(150, 150, 150),
        mark: Mark::Line,
    });
    legend
}

/// A line's whole legend text. Strategy first: a long run label is cut at
/// the end (44 characters), and must not take "rayon"/"scoped" with it.
fn legend_name(l: &Line, runs: &[Run]) -> String {
    format!("{} · {}", l.variant, runs[l.run].label)
}

fn is_disturbed(b: &Benchmark) -> bool {
    b.interference.as_ref().is_some_and(|i| i.disturbed)
}

fn mark(variant: &str) -> Mark {
    if solid(variant) {
        Mark::Dot
    } else {
        Mark::Triangle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_data_note_names_the_catalog_ids() {
        assert_eq!(
            no_data_note(),
            "No data: needs cpu/kernel/serial/1 and cpu/kernel/{rayon,scoped}/<threads> \
             in at least one run."
        );
    }
}
