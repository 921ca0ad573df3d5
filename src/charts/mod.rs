//! Charts of a comparison (plotters), each written as PNG and SVG into `charts/`: headline
//! outcomes over time, paired differences, trade-offs, market structure and workforce.
//! One module per chart kind; this module holds the weekly data they read, the shared drawing
//! helpers (titles, legends, time panels) and `render_all`.

pub mod differences;
pub mod font;
pub mod frontier;
pub mod labels;
pub mod market;
pub mod palette;
pub mod ranks;
pub mod scatter;
pub mod sensitivity;
pub mod timeseries;
pub mod waterfall;

use std::collections::BTreeMap;
use std::path::Path;

use crate::output::{OutputError, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;

use crate::analysis::compare::{ComparisonRow, Samples};
use crate::analysis::stats::quantile;
use crate::output::write_atomic;
use palette::{BURN_IN, GREY};

/// A chart made for the report: its files' stem, title, a one-sentence reading, and the PNG
/// (kept for inlining into report.html).
pub struct Chart {
    pub stem: String,
    pub title: String,
    pub reading: String,
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What the charts are drawn from.
pub struct Input<'a> {
    pub samples: &'a Samples,
    pub baseline: usize,
    pub rows: &'a [ComparisonRow],
    pub weekly: &'a Weekly,
}

/// Weekly metrics of a saved run, by scenario, week and replicate (only the columns charts use).
pub struct Weekly {
    pub scenarios: Vec<String>,
    /// Weeks in order (negative during burn-in).
    pub weeks: Vec<i32>,
    pub replicates: usize,
    /// metric → `[scenario][week][replicate]`.
    series: BTreeMap<String, Vec<Vec<Vec<f64>>>>,
}

/// Prefix of the weekly columns holding the share of hours by provider kind.
pub const KIND_SHARE_PREFIX: &str = "hours_share_";

impl Weekly {
    /// Reads the columns charts use from `weekly.parquet` (missing ones are skipped).
    pub fn read(dir: &Path, scenarios: &[String]) -> Result<Self> {
        let path = dir.join("weekly.parquet");
        let open = || std::fs::File::open(&path).map_err(OutputError::io("cannot open", &path));
        let unreadable =
            |e: PolarsError| OutputError::Read { path: path.clone(), source: Box::new(e.into()) };
        let available: Vec<String> = ParquetReader::new(open()?)
            .schema()
            .map_err(unreadable)?
            .iter_names()
            .map(|n| n.to_string())
            .collect();
        let wanted: Vec<String> = available
            .iter()
            .filter(|c| {
                timeseries::PANELS.iter().any(|p| p.metric == c.as_str())
                    || c.as_str() == market::PROVIDERS_METRIC
                    || c.starts_with(KIND_SHARE_PREFIX)
            })
            .cloned()
            .collect();
        // First the weeks and replicates (two numeric columns), then the metrics a row group
        // at a time into the series: memory holds the series, not the table.
        let keys = ParquetReader::new(open()?)
            .with_columns(Some(vec!["replicate".to_string(), "week".to_string()]))
            .finish()
            .map_err(unreadable)?;
        let mut weeks: Vec<i32> = keys.column("week")?.i32()?.iter().flatten().collect();
        weeks.sort_unstable();
        weeks.dedup();
        let mut reps: Vec<u32> = keys.column("replicate")?.u32()?.iter().flatten().collect();
        reps.sort_unstable();
        reps.dedup();
        drop(keys);
        let (nw, nr, ns) = (weeks.len(), reps.len(), scenarios.len());
        let mut series: BTreeMap<String, Vec<Vec<Vec<f64>>>> =
            wanted.iter().map(|m| (m.clone(), vec![vec![vec![f64::NAN; nr]; nw]; ns])).collect();
        let mut columns = vec!["scenario".to_string(), "replicate".to_string(), "week".to_string()];
        columns.extend(wanted.iter().cloned());
        crate::output::tables::read_groups(&path, Some(&columns), &mut |df| {
            let scen = df.column("scenario")?.str()?;
            let rep = df.column("replicate")?.u32()?;
            let week = df.column("week")?.i32()?;
            let idx: Vec<Option<(usize, usize, usize)>> = (0..df.height())
                .map(|i| {
                    let s = scenarios.iter().position(|x| Some(x.as_str()) == scen.get(i))?;
                    let w = weeks.binary_search(&week.get(i)?).ok()?;
                    let r = reps.binary_search(&rep.get(i)?).ok()?;
                    Some((s, w, r))
                })
                .collect();
            for (m, v) in series.iter_mut() {
                // Counts are Int64 in the table (output::tables::COUNT_COLUMNS); charts plot f64.
                let col = df.column(m)?.cast(&DataType::Float64)?;
                for (i, x) in col.f64()?.iter().enumerate() {
                    if let Some((s, w, r)) = idx[i] {
                        v[s][w][r] = x.unwrap_or(f64::NAN);
                    }
                }
            }
            Ok(())
        })?;
        Ok(Self { scenarios: scenarios.to_vec(), weeks, replicates: nr, series })
    }

    /// `[scenario][week][replicate]` of a metric, if the run recorded it.
    pub fn metric(&self, name: &str) -> Option<&Vec<Vec<Vec<f64>>>> {
        self.series.get(name)
    }

    /// Names of the metrics held, in order.
    pub fn metrics(&self) -> impl Iterator<Item = &str> {
        self.series.keys().map(|k| k.as_str())
    }

    /// Weeks as years since the reform (week 0).
    pub fn years(&self) -> Vec<f64> {
        self.weeks.iter().map(|&w| w as f64 / 52.0).collect()
    }

    /// Start of the x axis (years) and the end of burn-in (0).
    pub fn has_burn_in(&self) -> bool {
        self.weeks.first().is_some_and(|&w| w < 0)
    }
}

/// Per week: (5th percentile, median, 95th percentile) over replicates.
pub type Band = Vec<(f64, f64, f64)>;
/// A scenario's colour and its band over time.
pub type Series = (RGBColor, Band);

/// Median and 5%–95% band over replicates, per week, of `[week][replicate]` values, after a
/// trailing moving average of `smooth` weeks within each replicate (1 = none).
pub fn bands(per_week: &[Vec<f64>], smooth: usize, scale: f64) -> Band {
    let nr = per_week.first().map_or(0, |r| r.len());
    let smooth = smooth.max(1);
    let smoothed: Vec<Vec<f64>> = (0..nr)
        .map(|r| {
            (0..per_week.len())
                .map(|w| {
                    let from = (w + 1).saturating_sub(smooth);
                    let xs: Vec<f64> = (from..=w).map(|k| per_week[k][r]).collect();
                    xs.iter().sum::<f64>() / xs.len() as f64
                })
                .collect()
        })
        .collect();
    (0..per_week.len())
        .map(|w| {
            let xs: Vec<f64> = smoothed.iter().map(|s| s[w] * scale).collect();
            (quantile(&xs, 0.05), quantile(&xs, 0.5), quantile(&xs, 0.95))
        })
        .collect()
}

pub(crate) type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart that can be drawn on any plotters backend.
pub(crate) trait Figure {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Renders a figure as PNG bytes and an SVG document.
pub(crate) fn render<F: Figure>(figure: &F) -> Result<(Vec<u8>, String)> {
    font::register();
    let (w, h) = figure.size();
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        figure.draw(&root).map_err(|e| OutputError::Chart(format!("{e:?}")))?;
        root.present().map_err(|e| OutputError::Chart(format!("{e:?}")))?;
    }
    let mut png = Vec::new();
    {
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&buf, w, h, image::ColorType::Rgb8)
            .map_err(|e| OutputError::Chart(format!("encoding a chart as PNG: {e}")))?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        figure.draw(&root).map_err(|e| OutputError::Chart(format!("{e:?}")))?;
        root.present().map_err(|e| OutputError::Chart(format!("{e:?}")))?;
    }
    Ok((png, svg))
}

/// Renders a figure and writes `<stem>.png` and `<stem>.svg` into `dir`.
pub(crate) fn write<F: Figure>(
    dir: &Path,
    stem: &str,
    title: &str,
    reading: String,
    figure: &F,
) -> Result<Chart> {
    let (png, svg) = render(figure)?;
    write_atomic(&dir.join(format!("{stem}.png")), |f| {
        use std::io::Write;
        f.write_all(&png)?;
        Ok(())
    })?;
    write_atomic(&dir.join(format!("{stem}.svg")), |f| {
        use std::io::Write;
        f.write_all(svg.as_bytes())?;
        Ok(())
    })?;
    let (width, height) = figure.size();
    Ok(Chart { stem: stem.into(), title: title.into(), reading, png, width, height })
}

/// Draws every chart whose data the run has, into `dir`. Charts whose metrics are all
/// missing are skipped.
pub fn render_all(input: &Input, dir: &Path) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    if let Some(c) = timeseries::chart(input, dir)? {
        charts.push(c);
    }
    if let Some(c) = differences::chart(input, dir)? {
        charts.push(c);
    }
    if let Some(c) = scatter::tradeoff(input, dir)? {
        charts.push(c);
    }
    if let Some(c) = market::chart(input, dir)? {
        charts.push(c);
    }
    if let Some(c) = scatter::workforce(input, dir)? {
        charts.push(c);
    }
    Ok(charts)
}

// ---- shared drawing helpers -------------------------------------------------------------

pub(crate) fn text(size: u32) -> TextStyle<'static> {
    (font::FAMILY, size).into_font().color(&BLACK)
}

pub(crate) fn bold(size: u32) -> TextStyle<'static> {
    (font::FAMILY, size, FontStyle::Bold).into_font().color(&BLACK)
}

/// Draws a title and a grey subtitle at the top of `area`; returns the area below them.
pub(crate) fn header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    area.draw_text(title, &bold(30), (24, 16))?;
    area.draw_text(subtitle, &text(18).color(&GREY), (24, 56))?;
    Ok(area.split_vertically(88).1)
}

/// A legend entry's marker.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    Line,
    Dot,
    Box,
}

/// Draws legend entries left to right, wrapping; returns the height used.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Key)],
    top: i32,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = text(18);
    let width = area.dim_in_pixel().0 as i32;
    let (mut x, mut y) = (24, top);
    for (label, colour, key) in entries {
        let (tw, _) = area.estimate_text_size(label, &style)?;
        let w = 34 + tw as i32 + 28;
        if x + w > width - 12 && x > 24 {
            x = 24;
            y += 28;
        }
        let cy = y + 11;
        match key {
            Key::Line => area.draw(&PathElement::new(vec![(x, cy), (x + 26, cy)], colour.stroke_width(4)))?,
            Key::Dot => area.draw(&Circle::new((x + 13, cy), 7, colour.filled()))?,
            Key::Box => area.draw(&Rectangle::new([(x + 3, cy - 8), (x + 23, cy + 8)], colour.filled()))?,
        }
        area.draw_text(label, &style, (x + 34, y))?;
        x += w;
    }
    Ok(y + 28 - top)
}

/// Legend entries for the scenarios, in run order.
pub(crate) fn scenario_keys(input: &Input, key: Key) -> Vec<(String, RGBColor, Key)> {
    input
        .samples
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = if i == input.baseline { format!("{s} (baseline)") } else { s.clone() };
            (label, palette::scenario_colour(i, input.baseline), key)
        })
        .collect()
}

/// A y range covering `values` with a little padding (and never empty).
pub(crate) fn padded_range(values: impl Iterator<Item = f64>, include_zero: bool) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return None;
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = if hi > lo { (hi - lo) * 0.06 } else { hi.abs().max(1.0) * 0.1 };
    Some((lo - pad, hi + pad))
}

/// Decimals that tell apart about six ticks spread over `lo..hi`.
pub(crate) fn decimals(lo: f64, hi: f64) -> usize {
    let step = (hi - lo).abs() / 6.0;
    if step > 0.0 && step.is_finite() { (-step.log10()).ceil().clamp(0.0, 4.0) as usize } else { 1 }
}

/// Formats an axis value with `d` decimals, without a negative zero.
pub(crate) fn tick_d(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s }
}

/// A chart of `rows_panel`: numeric x, one row per label on y.
pub(crate) type RowsChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The chart frame of a panel with one row per label, top to bottom (label j at y = n − 1 − j),
/// and a numeric x axis over `x`: the sensitivity bars, the rank chart and the waterfall.
pub(crate) fn rows_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    x: std::ops::Range<f64>,
    labels: &[String],
    label_area: u32,
    label_size: u32,
    x_decimals: usize,
) -> Result<RowsChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let n = labels.len();
    let mut chart = ChartBuilder::on(area)
        .caption(title, bold(18))
        .margin(14)
        .margin_right(28)
        .x_label_area_size(30)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(RGBColor(244, 244, 244))
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(text(label_size))
        .y_labels(n)
        .y_label_formatter(&|v| {
            let i = v.round() as usize;
            if (v - i as f64).abs() < 1e-6 && i < n { labels[n - 1 - i].clone() } else { String::new() }
        })
        .x_label_formatter(&|v| tick_d(*v, x_decimals))
        .draw()?;
    Ok(chart)
}

/// Formats an axis value compactly.
pub(crate) fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}").trim_end_matches(".0").to_string()
    } else if a >= 1.0 {
        format!("{v:.2}").trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.3}").trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// One panel of lines over time: a median line and a 5–95% band per series, burn-in shaded.
pub(crate) fn time_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    y_desc: &str,
    years: &[f64],
    series: &[Series],
    burn_in: bool,
) -> DrawResult<DB> {
    let Some((y0, y1)) =
        padded_range(series.iter().flat_map(|(_, b)| b.iter().flat_map(|&(l, _, h)| [l, h])), false)
    else {
        return Ok(());
    };
    let (x0, x1) = (years[0], *years.last().expect("weeks"));
    let mut chart = ChartBuilder::on(area)
        .caption(caption, bold(20))
        .margin(12)
        .margin_right(24)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    if burn_in {
        chart.draw_series(std::iter::once(Rectangle::new([(x0, y0), (0.0, y1)], BURN_IN.filled())))?;
    }
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(RGBColor(244, 244, 244))
        .bold_line_style(RGBColor(225, 225, 225))
        .x_desc(if burn_in { "years since the reform (grey: burn-in)" } else { "years since the reform" })
        .y_desc(y_desc)
        .label_style(text(15))
        .axis_desc_style(text(16))
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick_d(*v, decimals(y0, y1)))
        .draw()?;
    for (colour, b) in series {
        let band: Vec<(f64, f64)> = years
            .iter()
            .zip(b)
            .map(|(&x, &(l, _, _))| (x, l))
            .chain(years.iter().zip(b).rev().map(|(&x, &(_, _, h))| (x, h)))
            .filter(|(_, y)| y.is_finite())
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.14).filled())))?;
    }
    for (colour, b) in series {
        chart.draw_series(LineSeries::new(
            years.iter().zip(b).filter(|(_, m)| m.1.is_finite()).map(|(&x, &(_, m, _))| (x, m)),
            colour.stroke_width(2),
        ))?;
    }
    Ok(())
}
