//! The history charts: per cell with a history and per group, one line per
//! benchmark of its typical time across runs (oldest left), the confidence
//! interval as a faint band, each benchmark's `instructions` count (when its
//! runs have one) in a panel of its own below, on its own axis, and a marker
//! where `report diff` between consecutive runs counts a regression
//! (vermillion triangle) or an improvement (green dot); see [`crate::history`].
//!
//! One compact chart per group: a CI history of a thousand runs is cut to
//! the latest [`history::MAX_POINTS`] by the history itself, and x labels are
//! thinned to about a dozen, so a chart's size does not grow with the
//! history and the browser draws it at once.

use plotters::prelude::*;

use plotters::coord::types::RangedCoordf64;

use super::draw::{self, BoxError, DrawResult, LegendEntry, Mark, ValueAxis};
use super::tips::{self, Shape, Tip};
use super::{Chart, anchor};
use crate::format;
use crate::history::{self, CellHistory, History};
use crate::model::{Benchmark, Run};
use crate::tables;

/// The metric drawn on the second axis, read by name from each benchmark.
pub(crate) const INSTRUCTIONS: &str = "instructions";

/// Most lines per chart; the group's table lists every benchmark.
const MAX_LINES: usize = 24;

/// At most this many x labels per chart.
const MAX_X_LABELS: usize = 12;
/// Pixels at least between two run labels on the x axis.
const LABEL_GAP: f64 = 18.0;

/// Points per line with a tooltip, the latest: a tooltip is about 100
/// bytes, and 300 benchmarks x [`history::MAX_POINTS`] of them would take
/// 4 MB of the page's 10 MB budget.
const MAX_TIP_POINTS: usize = 60;

const REGRESSED: RGBColor = draw::PALETTE[3];
const IMPROVED: RGBColor = draw::PALETTE[2];

/// A history chart and the group it shows (for the page's search).
#[derive(Debug, Clone)]
pub(crate) struct GroupHistory {
    pub group: String,
    pub chart: Chart,
}

/// Every history chart: cells in order, groups in the tables' order.
pub(crate) fn charts(runs: &[Run], history: &History) -> Result<Vec<GroupHistory>, String> {
    let mut out = Vec::new();
    for (c, cell) in history.cells.iter().enumerate() {
        let indexes: Vec<_> = cell
            .runs
            .iter()
            .map(|&i| history::index(&runs[i]))
            .collect();
        // Groups and their members, in the tables' order.
        let mut groups: std::collections::BTreeMap<(usize, String), Vec<String>> =
            Default::default();
        for index in &indexes {
            for (id, b) in index {
                let members = groups
                    .entry((tables::suite_rank(b.id.suite()), b.id.group.clone()))
                    .or_default();
                if !members.contains(id) {
                    members.push(id.clone());
                }
            }
        }
        for ((_, group), mut ids) in groups {
            ids.sort_by(|a, b| tables::natural_cmp(a, b));
            let mut notes = vec![if cell.runs.len() > MAX_TIP_POINTS {
                format!(
                    "Point at the latest {MAX_TIP_POINTS} points for the run, time and interval."
                )
            } else {
                "Point at a point for the run, time and interval.".to_owned()
            }];
            if cell.left_out > 0 {
                notes.push(format!(
                    "The latest {} of {} runs of this cell; older ones are left out.",
                    cell.runs.len(),
                    cell.runs.len() + cell.left_out
                ));
            }
            if ids.len() > MAX_LINES {
                notes.push(format!(
                    "The first {MAX_LINES} of {} benchmarks; the group's table lists all.",
                    ids.len()
                ));
                ids.truncate(MAX_LINES);
            }
            let title = if history.cells.len() > 1 {
                format!("{group} over time · {}", cell.cell)
            } else {
                format!("{group} over time")
            };
            let lines: Vec<Line<'_>> = ids
                .iter()
                .map(|id| Line {
                    name: id
                        .strip_prefix(&group)
                        .unwrap_or(id)
                        .trim_start_matches('/'),
                    id,
                    points: indexes.iter().map(|ix| ix.get(id).copied()).collect(),
                })
                .collect();
            let marked = marker_count(cell, &ids);
            if marked > 0 {
                notes.push(format!(
                    "{marked} change{} between consecutive runs that report diff counts.",
                    if marked == 1 { "" } else { "s" }
                ));
            }
            let svg = render(&title, cell, &lines)?;
            out.push(GroupHistory {
                group: group.clone(),
                chart: Chart {
                    id: format!("history-{}-{}", c + 1, anchor(&group)),
                    title,
                    svg,
                    notes,
                },
            });
        }
    }
    Ok(out)
}

/// One benchmark across the cell's runs.
struct Line<'a> {
    /// Within the group (`rayon/4`).
    name: &'a str,
    id: &'a str,
    points: Vec<Option<&'a Benchmark>>,
}

fn marker_count(cell: &CellHistory, ids: &[String]) -> usize {
    (0..cell.runs.len())
        .map(|k| {
            ids.iter()
                .filter(|id| cell.class_at(k, id).is_some())
                .count()
        })
        .sum()
}

fn instructions(b: &Benchmark) -> Option<f64> {
    b.metrics
        .iter()
        .find(|m| m.name == INSTRUCTIONS)
        .and_then(|m| draw::positive(m.value))
}

/// Runs of consecutive present points as (x, lower, upper), for the bands.
fn segments(values: impl Iterator<Item = Option<(f64, f64)>>) -> Vec<Vec<(f64, f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new()];
    for (x, v) in values.enumerate() {
        match v {
            Some((lo, hi)) => out
                .last_mut()
                .expect("never empty")
                .push((x as f64, lo, hi)),
            None => out.push(Vec::new()),
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// A value axis for a history: log when the values span orders of
/// magnitude, else linear around them (not from zero: a history is about
/// how values move, and a 5 % step must show).
fn history_axis(values: &[f64]) -> ValueAxis {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    if draw::wants_log(lo, hi) {
        ValueAxis::fit(lo, hi)
    } else {
        let pad = ((hi - lo) * 0.15).max(hi * 0.02);
        ValueAxis::Linear((lo - pad).max(0.0)..hi + pad)
    }
}

/// The (x, value) points of one line, `None` where a run lacks it.
fn points(line: &Line<'_>, value: impl Fn(&Benchmark) -> Option<f64>) -> Vec<Option<(f64, f64)>> {
    line.points
        .iter()
        .enumerate()
        .map(|(x, b)| b.and_then(&value).map(|v| (x as f64, v)))
        .collect()
}

fn render(title: &str, cell: &CellHistory, lines: &[Line<'_>]) -> Result<Option<String>, String> {
    let n = cell.runs.len();
    let times: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().flatten())
        .flat_map(|b| [b.typical.point, b.typical.lower, b.typical.upper])
        .filter_map(draw::positive)
        .collect();
    if times.is_empty() || n < 2 {
        return Ok(None);
    }
    let counts: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().flatten())
        .filter_map(|b| instructions(b))
        .collect();
    let plot = Plot {
        cell,
        lines,
        axis: history_axis(&times),
        second: (!counts.is_empty()).then(|| history_axis(&counts)),
        x_range: -0.5..(n as f64 - 0.5),
    };
    let legend = legend(lines);
    let legend_w = draw::legend_width(&legend);
    let plots_h = TIME_H + if plot.second.is_some() { COUNT_H } else { 0 };
    let height = plots_h.max(60 + 22 * legend.len() as u32);
    let title = draw::label(title, 80);
    let mut tips = Vec::new();
    let svg = draw::svg((draw::WIDTH, height), |root| {
        let (main, side) = root.split_horizontally(draw::WIDTH - legend_w);
        let (top, bottom) = main.split_vertically(TIME_H);
        tips = plot.draw_times(&top, &title)?;
        if plot.second.is_some() {
            plot.draw_counts(&bottom)?;
        }
        draw::draw_legend(&side, &legend, 44)?;
        Ok(())
    })?;
    let names = lines.iter().map(|l| l.name);
    tips.extend(draw::legend_tips(
        draw::WIDTH - legend_w,
        &legend,
        names,
        44,
    ));
    Ok(Some(tips::overlay(svg, &tips)))
}

/// Height of the time panel and of the instruction panel below it.
const TIME_H: u32 = 380;
const COUNT_H: u32 = 200;

/// One line per benchmark, then the two change markers.
fn legend(lines: &[Line<'_>]) -> Vec<LegendEntry> {
    let mut legend: Vec<LegendEntry> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| LegendEntry {
            text: draw::label(l.name, 28),
            colour: draw::colour(i),
            mark: Mark::Line,
        })
        .collect();
    legend.push(LegendEntry {
        text: "regressed (report diff)".into(),
        colour: REGRESSED,
        mark: Mark::Triangle,
    });
    legend.push(LegendEntry {
        text: "improved (report diff)".into(),
        colour: IMPROVED,
        mark: Mark::Dot,
    });
    legend
}

/// The time or the instruction panel.
type Panel<'a, 'b> = draw::Plot<'a, 'b, RangedCoordf64, ValueAxis>;

/// Draws each run of consecutive present points as a line (a lone point
/// as a dot).
fn draw_polyline(
    cc: &mut Panel<'_, '_>,
    points: &[Option<(f64, f64)>],
    colour: RGBColor,
) -> DrawResult {
    for run in points.split(Option::is_none) {
        let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
        if run.len() == 1 {
            cc.draw_series(std::iter::once(Circle::new(run[0], 2, colour.filled())))?;
        } else if !run.is_empty() {
            cc.draw_series(std::iter::once(PathElement::new(
                run,
                colour.stroke_width(2),
            )))?;
        }
    }
    Ok(())
}

/// A panel's grid: horizontal lines only, no x ticks (the run labels are
/// drawn apart), `y_labels` ticks formatted by `format`.
fn y_grid(
    cc: &mut Panel<'_, '_>,
    y_labels: usize,
    format: &dyn Fn(f64) -> String,
    desc: &str,
) -> DrawResult {
    draw::grid(&mut cc.configure_mesh(), RGBColor(215, 215, 215))
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(y_labels)
        .y_label_formatter(&|v| draw::tick(&format(*v)))
        .y_desc(desc)
        .draw()?;
    Ok(())
}

/// What one history chart draws, and on which axes.
struct Plot<'c> {
    cell: &'c CellHistory,
    lines: &'c [Line<'c>],
    axis: ValueAxis,
    /// The instruction counts' axis, when any run has them.
    second: Option<ValueAxis>,
    x_range: std::ops::Range<f64>,
}

impl Plot<'_> {
    /// The time panel: bands, lines, change markers and the run labels;
    /// returns a tooltip per point (run, time and interval).
    fn draw_times(&self, area: &draw::Area<'_>, title: &str) -> Result<Vec<Tip>, BoxError> {
        let y_desc = format!("time per iteration{}", self.axis.suffix());
        let mut cc = ChartBuilder::on(area)
            .caption(title, (draw::FONT, draw::TITLE_SIZE))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(90)
            .build_cartesian_2d(self.x_range.clone(), self.axis.clone())?;
        y_grid(&mut cc, 8, &format::duration_ns, &y_desc)?;
        self.draw_run_labels(area, &cc)?;
        let base = self.axis.range().start;
        let mut tips = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let colour = draw::colour(i);
            let values = line.points.iter().map(|b| {
                b.filter(|b| draw::positive(b.typical.point).is_some())
                    .map(|b| {
                        (
                            b.typical.lower.min(b.typical.point),
                            b.typical.upper.max(b.typical.point),
                        )
                    })
            });
            for segment in segments(values) {
                let mut band: Vec<(f64, f64)> = segment.iter().map(|&(x, _, hi)| (x, hi)).collect();
                band.extend(segment.iter().rev().map(|&(x, lo, _)| (x, lo.max(base))));
                cc.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.12))))?;
            }
            let points = points(line, |b| draw::positive(b.typical.point));
            draw_polyline(&mut cc, &points, colour)?;
            self.draw_markers(&mut cc, line, &points)?;
            tips.extend(self.point_tips(&cc, line, &points));
        }
        Ok(tips)
    }

    /// x labels: the release tag or short commit of about
    /// [`MAX_X_LABELS`] runs, always the latest.
    fn draw_run_labels(&self, area: &draw::Area<'_>, cc: &Panel<'_, '_>) -> DrawResult {
        let n = self.cell.runs.len();
        let base = self.axis.range().start;
        // As many labels as fit with a gap between the widest two (a dozen
        // commit hashes on a 960-pixel chart touched), and never more than
        // MAX_X_LABELS.
        let widest = (0..n)
            .map(|k| draw::text_width(&draw::label(&self.cell.labels[k], 12), draw::TICK_SIZE))
            .max()
            .unwrap_or(0);
        let first = cc.backend_coord(&(0.0, base)).0;
        let last = cc.backend_coord(&((n.max(2) - 1) as f64, base)).0;
        let per_run = f64::from((last - first).max(1)) / (n.max(2) - 1) as f64;
        let to_fit = ((f64::from(widest) + LABEL_GAP) / per_run).ceil() as usize;
        let step = n.div_ceil(MAX_X_LABELS).max(to_fit).max(1);
        for k in (0..n).filter(|k| (k % step == 0 && n - 1 - k >= step) || *k == n - 1) {
            let at = cc.backend_coord(&(k as f64, base));
            area.draw(&Text::new(
                draw::label(&self.cell.labels[k], 12),
                (at.0, at.1 + 16),
                draw::text_style(draw::TICK_SIZE).pos(draw::text_anchor_center()),
            ))?;
            area.draw(&PathElement::new(
                vec![(at.0, at.1), (at.0, at.1 + 5)],
                BLACK.stroke_width(1),
            ))?;
        }
        Ok(())
    }

    /// A vermillion triangle where the diff counts a regression, a green
    /// dot where it counts an improvement.
    fn draw_markers(
        &self,
        cc: &mut Panel<'_, '_>,
        line: &Line<'_>,
        points: &[Option<(f64, f64)>],
    ) -> DrawResult {
        for (k, p) in points.iter().enumerate() {
            let (Some(p), Some(change)) = (p, self.cell.class_at(k, line.id)) else {
                continue;
            };
            if change.change > 0.0 {
                cc.draw_series(std::iter::once(TriangleMarker::new(
                    *p,
                    7,
                    REGRESSED.filled(),
                )))?;
            } else {
                cc.draw_series(std::iter::once(Circle::new(*p, 5, IMPROVED.filled())))?;
                cc.draw_series(std::iter::once(Circle::new(*p, 5, BLACK.stroke_width(1))))?;
            }
        }
        Ok(())
    }

    /// `v1.2.0 · rayon/4: 1.20 ms (1.18 ms – 1.23 ms)` on each of the
    /// latest [`MAX_TIP_POINTS`] points.
    fn point_tips(
        &self,
        cc: &Panel<'_, '_>,
        line: &Line<'_>,
        points: &[Option<(f64, f64)>],
    ) -> Vec<Tip> {
        points
            .iter()
            .zip(&line.points)
            .enumerate()
            .skip(points.len().saturating_sub(MAX_TIP_POINTS))
            .filter_map(|(k, (p, b))| {
                let (p, b) = (p.as_ref()?, b.as_ref()?);
                let t = &b.typical;
                Some(Tip {
                    shape: Shape::Dot(cc.backend_coord(p), 5),
                    text: format!(
                        "{} · {}: {} ({} – {})",
                        self.cell.labels[k],
                        line.name,
                        format::duration_ns(t.point),
                        format::duration_ns(t.lower),
                        format::duration_ns(t.upper)
                    ),
                    href: None,
                })
            })
            .collect()
    }

    /// Instruction counts on their own axis, in a panel below that shares
    /// the runs' x positions.
    fn draw_counts(&self, area: &draw::Area<'_>) -> DrawResult {
        let Some(second) = &self.second else {
            return Ok(());
        };
        let desc = format!("instructions{}", second.suffix());
        let mut cc = ChartBuilder::on(area)
            .margin(12)
            .margin_top(4)
            .x_label_area_size(16)
            .y_label_area_size(90)
            .build_cartesian_2d(self.x_range.clone(), second.clone())?;
        y_grid(&mut cc, 4, &format::per_second, &desc)?;
        for (i, line) in self.lines.iter().enumerate() {
            draw_polyline(&mut cc, &points(line, instructions), draw::colour(i))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The x positions of the run labels drawn in `svg`, in order.
    fn label_positions(svg: &str, labels: &[String]) -> Vec<(f64, String)> {
        let mut out = Vec::new();
        for piece in svg.split("<text").skip(1) {
            let Some((attrs, rest)) = piece.split_once('>') else {
                continue;
            };
            let text = rest.split('<').next().unwrap_or("").trim();
            if !labels.iter().any(|l| draw::label(l, 12) == text) {
                continue;
            }
            let x = attrs
                .split("x=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|x| x.parse::<f64>().ok())
                .expect("a label has an x");
            out.push((x, text.to_owned()));
        }
        out
    }

    #[test]
    fn run_labels_on_the_x_axis_never_touch_and_the_latest_is_always_shown() {
        for runs in [4, 12, 30, 200] {
            let set = crate::synth::synthetic_history(runs, 4);
            let history = history::history(&set).expect("one cell over commits");
            let chart = &charts(&set, &history).unwrap()[0].chart;
            let svg = chart.svg.as_deref().expect("drawn");
            let labels = &history.cells[0].labels;
            let shown = label_positions(svg, labels);
            assert!(shown.len() >= 2.min(runs), "{runs} runs: {shown:?}");
            assert!(
                shown.len() <= MAX_X_LABELS,
                "{runs} runs: {} labels",
                shown.len()
            );
            assert_eq!(
                shown.last().unwrap().1,
                draw::label(labels.last().unwrap(), 12)
            );
            for pair in shown.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                // Centred labels: half of each width plus the gap between.
                let need = f64::from(
                    draw::text_width(&a.1, draw::TICK_SIZE)
                        + draw::text_width(&b.1, draw::TICK_SIZE),
                ) / 2.0
                    + LABEL_GAP
                    - 1.0;
                assert!(
                    b.0 - a.0 >= need,
                    "{runs} runs: {a:?} and {b:?} are {} apart",
                    b.0 - a.0
                );
            }
        }
    }
}
