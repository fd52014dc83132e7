//! Grouped horizontal bars with confidence-interval whiskers: one band per
//! category (a benchmark, a codec, a generator), one bar per run inside it.
//!
//! Horizontal, because category names are long (`rayon-per-row/max`) and
//! read best written out on the left; the value axis turns logarithmic when
//! values span orders of magnitude. The per-group charts use this directly;
//! the compression and UUID charts build their categories and call it too.

use plotters::prelude::*;

use plotters::coord::types::RangedCoordf64;

use super::draw::{self, Mark, ValueAxis};
use super::tips::{self, Shape, Tip};

/// One bar: the value and its confidence interval (same unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bar {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One run's bars, one per category (`None` where it has no value).
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub name: String,
    pub bars: Vec<Option<Bar>>,
}

/// A whole chart's data.
pub(crate) struct BarChart<'a> {
    pub title: String,
    /// Value axis description, with its unit.
    pub axis: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Formats tick values of the value axis.
    pub format: &'a dyn Fn(f64) -> String,
    /// Per category, the full benchmark id whose detail its band links to
    /// (empty: no links).
    pub links: &'a [String],
}

/// Longest category label drawn, in characters.
const MAX_LABEL: usize = 44;

/// Draws the chart; `Ok(None)` when no bar has a positive finite value.
pub(crate) fn render(chart: &BarChart<'_>) -> Result<Option<String>, String> {
    let Some(axis) = value_axis(chart) else {
        return Ok(None);
    };

    let n_series = chart.series.len();
    let bar_h: i32 = if n_series <= 3 { 14 } else { 9 };
    let band_h = bar_h * n_series as i32 + 10;
    let labels: Vec<String> = chart
        .categories
        .iter()
        .map(|c| draw::label(c, MAX_LABEL))
        .collect();
    let label_w = labels
        .iter()
        .map(|l| draw::text_width(l, draw::TICK_SIZE))
        .max()
        .unwrap_or(0)
        + 16;
    let legend = draw::run_legend(
        chart.series.iter().map(|s| s.name.as_str()),
        Mark::Box,
        |_| true,
    );
    let legend_w = draw::legend_width(&legend);
    let plot_h = band_h * chart.categories.len() as i32;
    let height = (plot_h + 120).max(60 + 22 * legend.len() as i32 + 20) as u32;
    let title = draw::label(&chart.title, 90);
    let axis_desc = format!("{}{}", chart.axis, axis.suffix());

    let mut bands: Vec<Band> = Vec::new();
    let svg = draw::svg((draw::WIDTH, height), |root| {
        let (main, side) = root.split_horizontally(draw::WIDTH - legend_w);
        let mut cc = draw::frame(
            &main,
            &title,
            label_w,
            axis.clone(),
            0f64..chart.categories.len() as f64,
        )?;
        draw::grid(&mut cc.configure_mesh(), RGBColor(200, 200, 200))
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&|v| draw::tick(&(chart.format)(*v)))
            .x_desc(axis_desc.as_str())
            .draw()?;

        let base = axis.base();
        let band = 1.0 / f64::from(band_h);
        for (c, name) in labels.iter().enumerate() {
            // Categories top to bottom in the given order.
            let top = (chart.categories.len() - c) as f64;
            let centre = cc.backend_coord(&(base, top - 0.5));
            let (left, upper) = cc.backend_coord(&(base, top));
            let (right, lower) = cc.backend_coord(&(axis.range().end, top - 1.0));
            bands.push(((left.min(8), upper), (right, lower)));
            main.draw(&Text::new(
                name.clone(),
                (centre.0 - 8, centre.1),
                draw::text_style(draw::TICK_SIZE).pos(draw::text_anchor_right_center()),
            ))?;
            for (s, series) in chart.series.iter().enumerate() {
                if let Some(bar) = series.bars.get(c).copied().flatten() {
                    let y1 = top - band * f64::from(5 + bar_h * s as i32);
                    let ys = (y1 - band * f64::from(bar_h - 2), y1);
                    draw_bar(
                        &mut cc,
                        bar,
                        draw::colour(s),
                        ys,
                        band * f64::from(bar_h) * 0.35,
                        base,
                    )?;
                }
            }
        }
        draw::draw_legend(&side, &legend, 44)?;
        Ok(())
    })?;
    let mut tips = band_links(&bands, chart.links);
    tips.extend(draw::legend_tips(
        draw::WIDTH - legend_w,
        &legend,
        chart.series.iter().map(|s| s.name.as_str()),
        44,
    ));
    Ok(Some(tips::overlay(svg, &tips)))
}

/// One bar from `base` to its value between `y0..y1` (axis units), outlined,
/// with its interval as a whisker of caps `cap` high either way.
fn draw_bar(
    cc: &mut draw::Plot<'_, '_, ValueAxis, RangedCoordf64>,
    bar: Bar,
    colour: RGBColor,
    (y0, y1): (f64, f64),
    cap: f64,
    base: f64,
) -> draw::DrawResult {
    let Some(value) = draw::positive(bar.value) else {
        return Ok(());
    };
    cc.draw_series(std::iter::once(Rectangle::new(
        [(base, y0), (value, y1)],
        colour.filled(),
    )))?;
    cc.draw_series(std::iter::once(Rectangle::new(
        [(base, y0), (value, y1)],
        BLACK.mix(0.6).stroke_width(1),
    )))?;
    let (lo, hi) = (bar.lower.max(base), bar.upper);
    if bar.upper.is_finite() && bar.lower.is_finite() && hi > lo {
        let ym = (y0 + y1) / 2.0;
        let whisker = BLACK.stroke_width(1);
        // One polyline (cap, bar, cap: the middle retraced) instead of three
        // lines: a page of 300 bars per group chart was a third whiskers.
        cc.draw_series(std::iter::once(PathElement::new(
            vec![
                (lo, ym - cap),
                (lo, ym + cap),
                (lo, ym),
                (hi, ym),
                (hi, ym - cap),
                (hi, ym + cap),
            ],
            whisker,
        )))?;
    }
    Ok(())
}

/// The value axis that holds every bar and interval; `None` when no bar
/// has a positive finite value.
fn value_axis(chart: &BarChart<'_>) -> Option<ValueAxis> {
    let values: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.bars.iter().flatten())
        .flat_map(|b| [b.value, b.lower, b.upper])
        .filter_map(draw::positive)
        .collect();
    if chart.categories.is_empty() || chart.series.is_empty() || values.is_empty() {
        return None;
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    Some(if draw::formats_binary(chart.format) {
        ValueAxis::fit_binary(lo, hi)
    } else {
        ValueAxis::fit(lo, hi)
    })
}

/// A category's band in pixels: top-left and bottom-right corners.
type Band = ((i32, i32), (i32, i32));

/// Makes each category's band (its label and bars) a link to the detail of
/// its benchmark: a transparent rectangle on top, with the id as tooltip.
fn band_links(bands: &[Band], links: &[String]) -> Vec<Tip> {
    bands
        .iter()
        .zip(links)
        .map(|(&(a, b), id)| Tip {
            shape: Shape::Rect(a, b),
            text: format!("{id}: samples and percentiles"),
            href: Some(super::views::detail_href(id)),
        })
        .collect()
}
