//! The matrix: benchmarks x runs as a heat map of each run's time relative
//! to a reference run, with the geometric mean of those ratios per run. This
//! is the toolchain x target view: one column per run (cell), one row per
//! benchmark.
//!
//! Above [`MAX_ROWS`] benchmarks the rows become groups (each cell the
//! geometric mean of its benchmarks' ratios), so 300 benchmarks x 100 runs
//! stays a few thousand cells; above [`MAX_ROWS`] groups the first ones are
//! shown and a note says so. The geometric-mean row always uses every
//! benchmark the run shares with the reference.

use std::collections::HashMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::tips::{self, Shape, Tip};
use super::{Chart, draw};
use crate::format;
use crate::model::Run;
use crate::stats::geometric_mean;

/// Most rows drawn (benchmarks, or groups once benchmarks exceed it).
pub(crate) const MAX_ROWS: usize = 60;

/// The factors the colour scale can saturate at; the smallest that covers
/// 90 % of the cells is used, so a matrix of 5 % differences is not all white
/// and one of 3x differences is not all saturated.
const SATURATIONS: [f64; 5] = [1.1, 1.25, 1.5, 2.0, 4.0];

/// What the heat map shows, computed before any drawing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matrix {
    /// Row names: benchmark ids, or group names when aggregated.
    pub rows: Vec<String>,
    pub aggregated: bool,
    /// Rows left out (beyond [`MAX_ROWS`]).
    pub rows_left_out: usize,
    /// `cells[row][run]`: time of the run / time of the reference.
    pub cells: Vec<Vec<Option<f64>>>,
    /// Geometric mean of all shared benchmarks' ratios, per run.
    pub geomean: Vec<Option<f64>>,
}

/// Ratios of every run to `runs[reference]`.
pub(crate) fn matrix(runs: &[Run], reference: usize) -> Matrix {
    let times: Vec<HashMap<String, f64>> = runs
        .iter()
        .map(|run| {
            run.benchmarks
                .iter()
                .filter_map(|b| Some((b.id.full_id(), draw::positive(b.typical.point)?)))
                .collect()
        })
        .collect();
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut seen: std::collections::HashSet<String> = Default::default();
    for run in runs {
        for b in &run.benchmarks {
            let id = b.id.full_id();
            if seen.insert(id.clone()) {
                ids.push((b.id.group.clone(), id));
            }
        }
    }
    let reference_times = &times[reference];
    let ratio = |run: usize, id: &str| -> Option<f64> {
        Some(times[run].get(id)? / reference_times.get(id)?)
    };
    let geomean = (0..runs.len())
        .map(|r| {
            let xs: Vec<f64> = ids.iter().filter_map(|(_, id)| ratio(r, id)).collect();
            geometric_mean(&xs)
        })
        .collect();
    let aggregated = ids.len() > MAX_ROWS;
    let (mut rows, mut cells): (Vec<String>, Vec<Vec<Option<f64>>>) = if aggregated {
        // Each group's ids, gathered in one pass (groups in the order first
        // seen): scanning all ids per group was quadratic on huge runs.
        let mut groups: Vec<String> = Vec::new();
        let mut members: Vec<Vec<&str>> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (g, id) in &ids {
            let i = *index.entry(g.as_str()).or_insert_with(|| {
                groups.push(g.clone());
                members.push(Vec::new());
                groups.len() - 1
            });
            members[i].push(id.as_str());
        }
        let cells = members
            .iter()
            .map(|group_ids| {
                (0..runs.len())
                    .map(|r| {
                        let xs: Vec<f64> = group_ids.iter().filter_map(|id| ratio(r, id)).collect();
                        geometric_mean(&xs)
                    })
                    .collect()
            })
            .collect();
        (groups, cells)
    } else {
        let cells = ids
            .iter()
            .map(|(_, id)| (0..runs.len()).map(|r| ratio(r, id)).collect())
            .collect();
        (ids.into_iter().map(|(_, id)| id).collect(), cells)
    };
    let rows_left_out = rows.len().saturating_sub(MAX_ROWS);
    rows.truncate(MAX_ROWS);
    cells.truncate(MAX_ROWS);
    Matrix {
        rows,
        aggregated,
        rows_left_out,
        cells,
        geomean,
    }
}

/// The factor at which colours saturate for these cells (see [`SATURATIONS`]).
pub(crate) fn saturation(m: &Matrix) -> f64 {
    let mut spread: Vec<f64> = m
        .cells
        .iter()
        .flatten()
        .chain(&m.geomean)
        .flatten()
        .map(|r| r.log2().abs())
        .collect();
    if spread.is_empty() {
        return 2.0;
    }
    spread.sort_by(f64::total_cmp);
    let p90 = spread[(spread.len() - 1) * 9 / 10];
    SATURATIONS
        .into_iter()
        .find(|s| s.log2() >= p90)
        .unwrap_or(SATURATIONS[SATURATIONS.len() - 1])
}

/// Colour of a ratio: white at 1, blue when faster, vermillion when slower
/// (Okabe-Ito's pair, distinguishable with every common colour-vision type),
/// full colour from `saturation` on.
fn cell_colour(ratio: f64, saturation: f64) -> RGBColor {
    let t = (ratio.log2() / saturation.log2()).clamp(-1.0, 1.0);
    let (target, t) = if t < 0.0 {
        (draw::PALETTE[0], -t)
    } else {
        (draw::PALETTE[3], t)
    };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(255, target.0), mix(255, target.1), mix(255, target.2))
}

/// Dark text on light cells, white on saturated ones.
fn text_colour(ratio: f64, saturation: f64) -> RGBColor {
    if (ratio.log2() / saturation.log2()).abs() > 0.6 {
        WHITE
    } else {
        BLACK
    }
}

pub(crate) fn chart(runs: &[Run], reference: usize) -> Result<Chart, String> {
    let reference_label = &runs[reference].label;
    let title = format!("Time relative to {}", draw::label(reference_label, 50));
    let empty = |note: &str| Chart {
        id: "matrix".into(),
        title: title.clone(),
        svg: None,
        notes: vec![note.to_owned()],
    };
    if runs.len() < 2 {
        return Ok(empty(
            "The matrix needs at least two runs to compare; only one was given.",
        ));
    }
    let m = matrix(runs, reference);
    if m.rows.is_empty() {
        return Ok(empty("No benchmarks to compare."));
    }
    let sat = saturation(&m);
    let layout = Layout::new(&m, runs);
    let svg = draw::svg((layout.width as u32, layout.height as u32), |root| {
        draw_labels(root, &title, &layout)?;
        draw_cells(root, &m, &layout, sat, reference)?;
        draw_scale(root, &layout, sat, runs.len() as i32)
    })?;
    let tips = layout.tips(&m, runs);
    Ok(Chart {
        id: "matrix".into(),
        svg: Some(tips::overlay(svg, &tips)),
        notes: notes(&m, sat),
        title,
    })
}

/// What the reader needs to know to read the matrix.
fn notes(m: &Matrix, sat: f64) -> Vec<String> {
    let mut notes = vec![format!(
        "Each cell: the run's typical time / the reference run's (outlined column). Below 1 \
         (blue) is faster, above 1 (vermillion) slower; colours saturate at {sat}× either way; \
         grey: not measured in one of the two runs. Choose the reference with --reference LABEL."
    )];
    if m.aggregated {
        notes.push(format!(
            "More than {MAX_ROWS} benchmarks: one row per group, each cell the geometric mean \
             of the group's ratios."
        ));
    }
    if m.rows_left_out > 0 {
        notes.push(format!(
            "{} more rows are not drawn; the tables below have every benchmark.",
            m.rows_left_out
        ));
    }
    notes
}

/// Where everything goes, in pixels.
struct Layout {
    row_labels: Vec<String>,
    col_labels: Vec<String>,
    /// Left edge of the first column (right of the row labels).
    x0: i32,
    /// Top of the first row (below the rotated run labels).
    top: i32,
    cell_w: i32,
    cell_h: i32,
    grid_h: i32,
    width: i32,
    height: i32,
}

impl Layout {
    fn new(m: &Matrix, runs: &[Run]) -> Self {
        let row_labels: Vec<String> = m.rows.iter().map(|r| draw::label(r, 48)).collect();
        let col_labels: Vec<String> = runs.iter().map(|r| draw::label(&r.label, 40)).collect();
        let widest = |labels: &[String]| {
            labels
                .iter()
                .map(|l| draw::text_width(l, draw::TICK_SIZE))
                .max()
                .unwrap_or(0) as i32
        };
        let label_w = widest(&row_labels).max(widest(&["geometric mean".to_owned()])) + 20;
        let scale_w = 150;
        let n = runs.len() as i32;
        let cell_w = ((draw::WIDTH as i32 - label_w - scale_w - 20) / n).clamp(14, 96);
        let cell_h = if m.rows.len() > 30 { 18 } else { 24 };
        let top = 50 + widest(&col_labels) + 16;
        let grid_h = cell_h * (m.rows.len() as i32 + 1) + 8;
        Layout {
            x0: label_w,
            top,
            cell_w,
            cell_h,
            grid_h,
            width: (label_w + cell_w * n + scale_w + 20).max(draw::WIDTH as i32),
            height: top + grid_h + 30,
            row_labels,
            col_labels,
        }
    }

    /// Each run's whole label over its column, and a row's whole name
    /// where it is shortened.
    fn tips(&self, m: &Matrix, runs: &[Run]) -> Vec<Tip> {
        let columns = runs.iter().enumerate().map(|(c, run)| {
            let x = self.x0 + self.cell_w * c as i32;
            Tip {
                shape: Shape::Rect((x, 40), (x + self.cell_w, self.top)),
                text: run.label.clone(),
                href: None,
            }
        });
        let rows = tips::for_shortened(m.rows.iter().zip(&self.row_labels).enumerate().map(
            |(r, (full, shown))| {
                let y = self.top + self.cell_h * r as i32;
                let at = Shape::Rect((0, y), (self.x0, y + self.cell_h));
                (shown.as_str(), full.as_str(), at)
            },
        ));
        columns.chain(rows).collect()
    }
}

/// The title and the run labels, rotated, above their columns.
fn draw_labels(root: &draw::Area<'_>, title: &str, l: &Layout) -> draw::DrawResult {
    root.draw(&Text::new(
        title.to_owned(),
        (l.width / 2, 20),
        (draw::FONT, draw::TITLE_SIZE)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    let rotated = (draw::FONT, draw::TICK_SIZE)
        .into_font()
        .transform(FontTransform::Rotate270)
        .color(&BLACK)
        .pos(draw::text_anchor_left_center());
    for (c, label) in l.col_labels.iter().enumerate() {
        let x = l.x0 + l.cell_w * c as i32 + l.cell_w / 2;
        root.draw(&Text::new(label.clone(), (x, l.top - 8), rotated.clone()))?;
    }
    Ok(())
}

/// Every row with its name, the geometric-mean row, and the reference
/// column outlined.
fn draw_cells(
    root: &draw::Area<'_>,
    m: &Matrix,
    l: &Layout,
    sat: f64,
    reference: usize,
) -> draw::DrawResult {
    let (x0, cell_w, cell_h) = (l.x0, l.cell_w, l.cell_h);
    let show_values = cell_w >= 46;
    let row_style = draw::text_style(draw::TICK_SIZE).pos(draw::text_anchor_right_center());
    let value_size = if cell_w >= 60 {
        draw::TICK_SIZE - 1.0
    } else {
        draw::TICK_SIZE - 3.0
    };
    let draw_row = |y: i32, name: &str, cells: &[Option<f64>]| -> draw::DrawResult {
        root.draw(&Text::new(
            name.to_owned(),
            (x0 - 8, y + cell_h / 2),
            row_style.clone(),
        ))?;
        for (c, cell) in cells.iter().enumerate() {
            let x = x0 + cell_w * c as i32;
            let fill = cell.map_or(RGBColor(225, 225, 225), |r| cell_colour(r, sat));
            root.draw(&Rectangle::new(
                [(x, y), (x + cell_w - 1, y + cell_h - 1)],
                fill.filled(),
            ))?;
            if let (true, Some(r)) = (show_values, cell) {
                root.draw(&Text::new(
                    format::ratio(*r),
                    (x + cell_w / 2, y + cell_h / 2),
                    (draw::FONT, value_size)
                        .into_font()
                        .color(&text_colour(*r, sat))
                        .pos(draw::text_anchor_center()),
                ))?;
            }
        }
        Ok(())
    };
    for (r, name) in l.row_labels.iter().enumerate() {
        draw_row(l.top + cell_h * r as i32, name, &m.cells[r])?;
    }
    let gy = l.top + cell_h * m.rows.len() as i32 + 8;
    draw_row(gy, "geometric mean", &m.geomean)?;
    let rx = x0 + cell_w * reference as i32;
    root.draw(&Rectangle::new(
        [(rx, l.top), (rx + cell_w - 1, gy + cell_h - 1)],
        BLACK.stroke_width(2),
    ))?;
    Ok(())
}

/// The colour scale right of the `n` columns, with its three labels.
fn draw_scale(root: &draw::Area<'_>, l: &Layout, sat: f64, n: i32) -> draw::DrawResult {
    let top = l.top;
    let sx = l.x0 + l.cell_w * n + 24;
    let steps = 40;
    let bar_h = (l.grid_h - 20).clamp(120, 240);
    for i in 0..steps {
        let t = 1.0 - 2.0 * f64::from(i) / f64::from(steps - 1);
        let ratio = sat.powf(t);
        let y = top + bar_h * i / steps;
        root.draw(&Rectangle::new(
            [(sx, y), (sx + 16, y + bar_h / steps + 1)],
            cell_colour(ratio, sat).filled(),
        ))?;
    }
    root.draw(&Rectangle::new(
        [(sx, top), (sx + 16, top + bar_h)],
        BLACK.stroke_width(1),
    ))?;
    let scale_style = draw::text_style(draw::TICK_SIZE - 1.0).pos(draw::text_anchor_left_center());
    for (text, y) in [
        (format!("{sat}× slower"), top),
        ("same (1×)".to_owned(), top + bar_h / 2),
        (format!("{sat}× faster"), top + bar_h),
    ] {
        root.draw(&Text::new(text, (sx + 22, y), scale_style.clone()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix_of(cells: Vec<f64>) -> Matrix {
        Matrix {
            rows: vec!["a".into(); cells.len()],
            aggregated: false,
            rows_left_out: 0,
            cells: cells.into_iter().map(|c| vec![Some(c)]).collect(),
            geomean: vec![None],
        }
    }

    #[test]
    fn the_colour_scale_fits_the_spread_of_the_ratios() {
        assert_eq!(saturation(&matrix_of(vec![1.0, 1.05, 0.95, 1.02])), 1.1);
        assert_eq!(saturation(&matrix_of(vec![1.0, 1.8, 0.6, 1.4])), 2.0);
        assert_eq!(saturation(&matrix_of(vec![1.0, 30.0, 0.01, 10.0])), 4.0);
    }

    #[test]
    fn colours_run_from_blue_through_white_to_vermillion() {
        assert_eq!(cell_colour(1.0, 2.0), RGBColor(255, 255, 255));
        assert_eq!(cell_colour(0.5, 2.0), draw::PALETTE[0]);
        assert_eq!(cell_colour(4.0, 2.0), draw::PALETTE[3]);
    }
}
