//! What every chart shares: the SVG canvas, the colour-blind-safe palette,
//! text sizes and width estimates, the legend, and the lookups of benchmarks
//! by id.
//!
//! Text is measured with plotters' built-in estimate (no `ttf` feature, so
//! the binary needs no font file and reads none from the system): the browser
//! draws it with the generic `sans-serif` family. The estimate is generous, so
//! layout here leaves room rather than letting labels collide.

use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::tips::{self, Shape, Tip};
use crate::model::{Benchmark, Run};

/// Okabe & Ito's palette (2008), ordered so that neighbours differ most for
/// every kind of colour vision; yellow last because it is faint on white.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// At most this many runs get a series of their own in a chart: one colour
/// each from [`PALETTE`]. The heat map and the tables show every run.
pub(crate) const MAX_SERIES: usize = PALETTE.len();

/// The generic family the browser resolves; nothing is embedded or fetched.
pub(crate) const FONT: &str = "sans-serif";
/// Plotters' size unit; the SVG gets `size / 1.24` px.
pub(crate) const TITLE_SIZE: f64 = 22.0;
pub(crate) const LABEL_SIZE: f64 = 17.0;
pub(crate) const TICK_SIZE: f64 = 15.0;

/// Width of the charts in CSS pixels: fits a laptop screen and an A4 page
/// when scaled to the text column.
pub(crate) const WIDTH: u32 = 960;

/// Colour of the `i`-th series.
pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub(crate) type DrawResult = Result<(), BoxError>;

/// Draws on a fresh SVG canvas and returns the document.
pub(crate) fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Plotters escapes `<`, `>`, `&` and quotes itself; what it cannot escape
/// are characters XML forbids outright (control characters), which a
/// benchmark name from a hand-edited run file could still hold. They show
/// as their escape (`\u{1b}`, see `sanitize`, which also catches bidi
/// overrides) so the SVG stays well-formed. Long labels are shortened with
/// an ellipsis (the tables below the charts show them whole).
pub(crate) fn label(text: &str, max_chars: usize) -> String {
    let clean = crate::sanitize::one_line(text).into_owned();
    if clean.chars().count() <= max_chars {
        clean
    } else {
        let mut short: String = clean.chars().take(max_chars.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

/// Pixels a label of `text` takes at plotters size `size`: plotters' own
/// estimate, which errs on the wide side for proportional fonts.
pub(crate) fn text_width(text: &str, size: f64) -> u32 {
    let em = size / 1.24 / 1.24;
    (em * 0.7 * text.chars().count() as f64).ceil() as u32
}

pub(crate) fn text_style(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// How a series is marked in the legend.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mark {
    Box,
    Dot,
    Triangle,
    Line,
    DashedLine,
}

/// One legend row.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub text: String,
    pub colour: RGBColor,
    pub mark: Mark,
}

/// Width a legend with these entries needs (0 when there are none).
pub(crate) fn legend_width(entries: &[LegendEntry]) -> u32 {
    entries
        .iter()
        .map(|e| text_width(&e.text, TICK_SIZE))
        .max()
        .map_or(0, |w| w + 40)
}

/// Draws the legend down the left edge of `area`, one entry per row, so it
/// never covers data (the chart leaves it an area of its own).
pub(crate) fn draw_legend(area: &Area<'_>, entries: &[LegendEntry], top: i32) -> DrawResult {
    let style = text_style(TICK_SIZE).pos(text_anchor_left_center());
    for (i, entry) in entries.iter().enumerate() {
        let y = top + 10 + 22 * i as i32;
        let c = entry.colour;
        match entry.mark {
            Mark::Box => {
                area.draw(&Rectangle::new([(6, y - 6), (18, y + 6)], c.filled()))?;
                area.draw(&Rectangle::new(
                    [(6, y - 6), (18, y + 6)],
                    BLACK.stroke_width(1),
                ))?;
            }
            Mark::Dot => area.draw(&Circle::new((12, y), 5, c.filled()))?,
            Mark::Triangle => area.draw(&TriangleMarker::new((12, y), 6, c.filled()))?,
            Mark::Line => area.draw(&PathElement::new(vec![(2, y), (22, y)], c.stroke_width(2)))?,
            Mark::DashedLine => {
                area.draw(&PathElement::new(vec![(2, y), (8, y)], c.stroke_width(2)))?;
                area.draw(&PathElement::new(vec![(14, y), (20, y)], c.stroke_width(2)))?;
            }
        }
        area.draw(&Text::new(entry.text.clone(), (28, y), style.clone()))?;
    }
    Ok(())
}

/// One legend entry per run, coloured by its position, marked `mark`;
/// `shown(i)` says whether run `i` has anything drawn.
pub(crate) fn run_legend<'r>(
    names: impl Iterator<Item = &'r str>,
    mark: Mark,
    shown: impl Fn(usize) -> bool,
) -> Vec<LegendEntry> {
    names
        .enumerate()
        .filter(|(i, _)| shown(*i))
        .map(|(i, name)| LegendEntry {
            text: label(name, 40),
            colour: colour(i),
            mark,
        })
        .collect()
}

/// A plotted chart's drawing context on an SVG canvas.
pub(crate) type Plot<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// The cartesian frame every plotted chart shares: the title as caption,
/// the same margin and tick-label areas, `y_label_w` pixels left of the axis.
pub(crate) fn frame<'a, 'b, X: AsRangedCoord, Y: AsRangedCoord>(
    area: &'a Area<'b>,
    title: &str,
    y_label_w: u32,
    x: X,
    y: Y,
) -> Result<Plot<'a, 'b, X::CoordDescType, Y::CoordDescType>, BoxError> {
    Ok(ChartBuilder::on(area)
        .caption(title, (FONT, TITLE_SIZE))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(y_label_w)
        .build_cartesian_2d(x, y)?)
}

/// The grid every plotted chart shares: tick and description fonts, one
/// faint line between bold ones of colour `bold`.
pub(crate) fn grid<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    bold: RGBColor,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style((FONT, TICK_SIZE))
        .axis_desc_style((FONT, LABEL_SIZE))
        .max_light_lines(1)
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(bold)
}

/// Tips with the whole name of each legend entry [`draw_legend`] drew
/// shortened; `x` is where the legend's area starts, `full` the names in
/// the entries' order.
pub(crate) fn legend_tips<'n>(
    x: u32,
    entries: &[LegendEntry],
    full: impl Iterator<Item = &'n str>,
    top: i32,
) -> Vec<Tip> {
    let x = x as i32;
    tips::for_shortened(entries.iter().zip(full).enumerate().map(|(i, (e, name))| {
        let y = top + 10 + 22 * i as i32;
        let width = text_width(&e.text, TICK_SIZE) as i32 + 30;
        (
            e.text.as_str(),
            name,
            Shape::Rect((x, y - 10), (x + width, y + 10)),
        )
    }))
}

pub(crate) fn text_anchor_left_center() -> plotters::style::text_anchor::Pos {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    Pos::new(HPos::Left, VPos::Center)
}

pub(crate) fn text_anchor_right_center() -> plotters::style::text_anchor::Pos {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    Pos::new(HPos::Right, VPos::Center)
}

pub(crate) fn text_anchor_center() -> plotters::style::text_anchor::Pos {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    Pos::new(HPos::Center, VPos::Center)
}

/// An axis tick from a formatted value: trailing zeros dropped and the unit
/// set off by a space (`50.00 ms` -> `50 ms`, `5.00MB/s` -> `5 MB/s`), since
/// ticks are round numbers and a row of them must not run together.
pub(crate) fn tick(text: &str) -> String {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(end);
    let number = if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    };
    let unit = unit.trim_start();
    if unit.is_empty() || unit == "x" {
        format!("{number}{unit}")
    } else {
        format!("{number} {unit}")
    }
}

/// The benchmark of `run` with this full id (`group/function/value`).
pub(crate) fn find<'r>(run: &'r Run, full_id: &str) -> Option<&'r Benchmark> {
    run.benchmarks.iter().find(|b| b.id.full_id() == full_id)
}

/// A positive, finite number, or `None`.
pub(crate) fn positive(x: f64) -> Option<f64> {
    (x.is_finite() && x > 0.0).then_some(x)
}

/// Whether values spanning `lo..=hi` need a log axis to all stay readable.
pub(crate) fn wants_log(lo: f64, hi: f64) -> bool {
    lo > 0.0 && hi / lo > 30.0
}

/// `x * factor`, kept finite: a value near `f64::MAX` (1.61e308 ns in a
/// hand-edited run is valid JSON) must not pad an axis to infinity, where
/// plotters' tick loop never ends.
pub(crate) fn grow(x: f64, factor: f64) -> f64 {
    (x * factor).clamp(-f64::MAX, f64::MAX)
}

/// Axis bounds around `lo..=hi` with some room, for a linear or log axis.
pub(crate) fn padded(lo: f64, hi: f64, log: bool) -> (f64, f64) {
    if log {
        (lo / 1.6, grow(hi, 1.6))
    } else {
        (0.0, if hi > 0.0 { grow(hi, 1.12) } else { 1.0 })
    }
}

/// A numeric axis that is linear or logarithmic, chosen from the data at run
/// time (plotters makes the two different types).
#[derive(Debug, Clone)]
pub(crate) enum ValueAxis {
    Linear(std::ops::Range<f64>),
    Log(std::ops::Range<f64>),
    /// Bytes shown with binary prefixes: ticks at round numbers of KiB,
    /// MiB, … (`2 MiB`, `5 MiB`), not at round numbers of bytes (which read
    /// `2.86 MiB`, `9.54 MiB`).
    Binary {
        log: bool,
        range: std::ops::Range<f64>,
    },
}

impl ValueAxis {
    /// A log axis when `lo..=hi` spans orders of magnitude, else linear from 0.
    pub(crate) fn fit(lo: f64, hi: f64) -> Self {
        let log = wants_log(lo, hi);
        let (a, b) = padded(lo, hi, log);
        if log {
            Self::Log(a..b)
        } else {
            Self::Linear(a..b)
        }
    }

    /// [`Self::fit`] for byte counts shown with binary prefixes.
    pub(crate) fn fit_binary(lo: f64, hi: f64) -> Self {
        let log = wants_log(lo, hi);
        let (a, b) = padded(lo, hi, log);
        Self::Binary { log, range: a..b }
    }

    pub(crate) fn is_log(&self) -> bool {
        matches!(self, Self::Log(_) | Self::Binary { log: true, .. })
    }

    /// The value bars start from: 0, or the axis' lower end on a log axis.
    pub(crate) fn base(&self) -> f64 {
        self.range().start
    }

    /// " (log scale)" for axis descriptions.
    pub(crate) fn suffix(&self) -> &'static str {
        if self.is_log() { " (log scale)" } else { "" }
    }
}

impl ValueAxis {
    /// The axis with finite, ordered ends (a log axis also positive): every
    /// method below works on this, so no range a chart builds can make
    /// plotters or the tick code loop or overflow.
    fn safe(&self) -> Self {
        match self {
            Self::Linear(r) => Self::Linear(safe_linear(r)),
            Self::Log(r) => Self::Log(safe_log(r)),
            Self::Binary { log, range } => Self::Binary {
                log: *log,
                range: if *log {
                    safe_log(range)
                } else {
                    safe_linear(range)
                },
            },
        }
    }
}

fn finite(x: f64, fallback: f64) -> f64 {
    if x.is_finite() { x } else { fallback }
}

/// Finite, ordered ends for a linear axis.
fn safe_linear(r: &std::ops::Range<f64>) -> std::ops::Range<f64> {
    let start = finite(r.start, 0.0);
    let end = finite(r.end, f64::MAX);
    start..if end > start {
        end
    } else {
        grow(start.abs(), 2.0) + 1.0
    }
}

/// Finite, ordered, positive ends for a log axis.
fn safe_log(r: &std::ops::Range<f64>) -> std::ops::Range<f64> {
    let start = finite(r.start, f64::MIN_POSITIVE).max(f64::MIN_POSITIVE);
    let end = finite(r.end, f64::MAX).min(f64::MAX);
    start..if end > start { end } else { grow(start, 10.0) }
}

impl Ranged for ValueAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        match &self.safe() {
            Self::Linear(r)
            | Self::Binary {
                log: false,
                range: r,
            } => RangedCoordf64::from(r.clone()).map(value, limit),
            Self::Log(r)
            | Self::Binary {
                log: true,
                range: r,
            } => {
                let (a, b) = (r.start.ln(), r.end.ln());
                let v = value.max(r.start * 1e-3).ln();
                let f = (v - a) / (b - a);
                limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
            }
        }
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        match &self.safe() {
            Self::Linear(r) => RangedCoordf64::from(r.clone()).key_points(hint),
            Self::Binary { .. } if hint.weight().allow_light_points() => Vec::new(),
            Self::Binary { log, range } => binary_ticks(range, *log, hint.max_num_points()),
            Self::Log(_) if hint.weight().allow_light_points() => Vec::new(),
            Self::Log(r) => {
                // Powers of ten, with 2 and 5 between them over about one
                // decade, or 3 over up to three: evenly spaced on the log
                // axis, so labels as wide as "47.68 MiB" do not collide.
                let (a, b) = (r.start.log10().ceil() as i32, r.end.log10().floor() as i32);
                let decades = (b - a + 1).max(1) as usize;
                let mut points = Vec::new();
                let mults: &[f64] = if hint.max_num_points() >= decades * 3 && decades <= 1 {
                    &[1.0, 2.0, 5.0]
                } else if hint.max_num_points() >= decades * 2 && decades <= 3 {
                    &[1.0, 3.0]
                } else {
                    &[1.0]
                };
                for e in (a - 1)..=b {
                    for m in mults {
                        let v = m * 10f64.powi(e);
                        if v >= r.start && v <= r.end {
                            points.push(v);
                        }
                    }
                }
                points
            }
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        match self.safe() {
            Self::Linear(r) | Self::Log(r) | Self::Binary { range: r, .. } => r,
        }
    }
}

/// Whether `format` writes byte counts with binary prefixes (2^20 as MiB):
/// such an axis gets [`ValueAxis::fit_binary`].
pub(crate) fn formats_binary(format: &dyn Fn(f64) -> String) -> bool {
    format(1048576.0).ends_with("MiB")
}

/// Ticks of a byte axis at round numbers of the prefix in use: 1, 2 or 5
/// times a power of ten of KiB, MiB, … on a linear axis (the prefix of the
/// axis' upper end), and 1, 2, 5, 10, 20, … (or 1, 3, 10, …, or 1, 10, 100)
/// of each prefix on a log one, as many as fit in `max` points.
fn binary_ticks(range: &std::ops::Range<f64>, log: bool, max: usize) -> Vec<f64> {
    let (lo, hi) = (range.start, range.end);
    if !(lo.is_finite() && hi.is_finite() && hi > lo) || max == 0 {
        return Vec::new();
    }
    let prefix = |v: f64| 1024f64.powi((v.max(1.0).log2() / 10.0).floor().clamp(0.0, 6.0) as i32);
    if !log {
        let unit = prefix(hi);
        let raw = (hi - lo) / unit / max as f64;
        let p = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * p)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * p)
            * unit;
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        return (first..=last)
            .take(max + 1)
            .map(|k| k as f64 * step)
            .collect();
    }
    let all = |mults: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        for p in 0..=6 {
            let unit = 1024f64.powi(p);
            for e in 0..3 {
                for m in mults {
                    let v = m * 10f64.powi(e) * unit;
                    if m * 10f64.powi(e) < 1024.0 && v >= lo && v <= hi {
                        out.push(v);
                    }
                }
            }
        }
        out
    };
    // As on the other log axes: 1-2-5 over about a decade, 1-3 over up to
    // three, else powers of ten, so wide labels never run together.
    let decades = (hi / lo.max(f64::MIN_POSITIVE)).log10();
    let choices: &[&[f64]] = if decades <= 1.3 {
        &[&[1.0, 2.0, 5.0], &[1.0, 3.0], &[1.0]]
    } else if decades <= 3.0 {
        &[&[1.0, 3.0], &[1.0]]
    } else {
        &[&[1.0]]
    };
    for mults in choices {
        let ticks = all(mults);
        if ticks.len() <= max {
            return ticks;
        }
    }
    let ticks = all(&[1.0]);
    let stride = ticks.len().div_ceil(max).max(1);
    ticks.into_iter().step_by(stride).collect()
}

/// The runs that get a series of their own, and a note when some do not.
pub(crate) fn series_runs(runs: &[Run]) -> (&[Run], Option<String>) {
    if runs.len() > MAX_SERIES {
        (
            &runs[..MAX_SERIES],
            Some(format!(
                "Showing the first {MAX_SERIES} of {} runs (one distinguishable colour each); \
                 the heat map and the tables show all of them.",
                runs.len()
            )),
        )
    } else {
        (runs, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_escape_control_characters_and_get_shortened() {
        assert_eq!(label("a\u{0}b\u{202e}", 20), "a\\u{0}b\\u{202e}");
        assert_eq!(label("abcdef", 4), "abc…");
        assert_eq!(label("<b>", 4), "<b>");
    }

    #[test]
    fn axes_near_the_largest_float_stay_finite_and_have_few_ticks() {
        use plotters::coord::ranged1d::BoldPoints;
        for axis in [
            ValueAxis::fit(1.0, 1.61e308),
            ValueAxis::fit(1e300, 1.7e308),
            ValueAxis::Linear(0.0..f64::INFINITY),
            ValueAxis::Log(0.0..f64::INFINITY),
            ValueAxis::Log(5e-324 / 2.0..1.0),
        ] {
            let r = axis.range();
            assert!(
                r.start.is_finite() && r.end.is_finite() && r.end > r.start,
                "{axis:?}"
            );
            let ticks = axis.key_points(BoldPoints(10));
            assert!(
                ticks.len() <= 700 && ticks.iter().all(|t| t.is_finite()),
                "{axis:?}"
            );
            assert!((0..=100).contains(&axis.map(&r.end, (0, 100))), "{axis:?}");
        }
    }

    #[test]
    fn log_axis_only_for_wide_spans() {
        assert!(!wants_log(1.0, 10.0));
        assert!(wants_log(1.0, 1000.0));
        assert!(!wants_log(0.0, 1000.0));
    }

    #[test]
    fn byte_axes_tick_at_round_numbers_of_their_prefix() {
        let mib = 1048576.0;
        let lin = binary_ticks(&(0.0..10.0 * mib), false, 8);
        assert_eq!(
            lin,
            (0..=5).map(|k| f64::from(2 * k) * mib).collect::<Vec<_>>()
        );
        let log = binary_ticks(&(2.0 * mib..30.0 * mib), true, 8);
        assert_eq!(log, [2.0, 5.0, 10.0, 20.0].map(|m| m * mib));
        let wide = binary_ticks(&(100.0..200.0 * mib), true, 6);
        assert!(wide.len() <= 6 && wide.contains(&mib), "{wide:?}");
        assert!(formats_binary(&crate::html::uuid::size_bytes));
        assert!(!formats_binary(&crate::format::duration_ns));
    }

    #[test]
    fn ticks_drop_trailing_zeros_and_separate_the_unit() {
        assert_eq!(tick("50.00 ms"), "50 ms");
        assert_eq!(tick("5.00MB/s"), "5 MB/s");
        assert_eq!(tick("2.50 µs"), "2.5 µs");
        assert_eq!(tick("0.00 ns"), "0 ns");
        assert_eq!(tick("10.0x"), "10x");
        assert_eq!(tick("300"), "300");
    }
}
