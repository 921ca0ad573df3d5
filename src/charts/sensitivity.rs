//! Charts of a sweep (docs/SENSITIVITY.md): the Morris μ*–σ plane, Sobol first-order and
//! total indices, and partial rank correlations, as bars with their bootstrap intervals; one
//! panel per policy difference × outcome.

use std::path::Path;

use crate::output::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::labels::{self, Rect};
use super::{DrawResult, Figure, Key, bold, decimals, header, legend, padded_range, palette, text, tick_d};
use crate::sweep::SensitivityRow;

const COLS: usize = 3;
const WIDTH: u32 = 1800;
const PANEL_HEIGHT: u32 = 520;

/// One panel: a difference's outcome, and per parameter (name, (x, x_low, x_high), (y, y_low, y_high)).
type Bars = Vec<(String, (f64, f64, f64), (f64, f64, f64))>;

struct Panels {
    title: String,
    subtitle: String,
    keys: Vec<(String, RGBColor, Key)>,
    /// (panel title, rows)
    panels: Vec<(String, Bars)>,
    kind: Kind,
}

/// What a panel shows.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// μ* against σ.
    Morris,
    /// First-order and total bars.
    Sobol,
    /// One bar per parameter on [−1, 1].
    Prcc,
}

impl Figure for Panels {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(COLS) as u32;
        (WIDTH, 88 + 44 + 12 + rows * PANEL_HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(root, &self.title, &self.subtitle)?;
        let used = legend(&body, &self.keys, 4)?;
        let body = body.split_vertically(used + 12).1;
        let rows = self.panels.len().div_ceil(COLS);
        for (cell, (label, bars)) in body.split_evenly((rows, COLS)).iter().zip(&self.panels) {
            if self.kind == Kind::Morris {
                morris_panel(cell, label, bars)?;
            } else {
                bar_panel(cell, label, bars, self.kind)?;
            }
        }
        Ok(())
    }
}

fn morris_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    bars: &Bars,
) -> DrawResult<DB> {
    let xs = bars.iter().flat_map(|b| [b.1.0, b.1.2]);
    let ys = bars.iter().map(|b| b.2.0);
    let (Some((_, x1)), Some((_, y1))) = (padded_range(xs, true), padded_range(ys, true)) else {
        return Ok(());
    };
    let mut chart = ChartBuilder::on(area)
        .caption(label, bold(18))
        .margin(14)
        .margin_right(24)
        .x_label_area_size(46)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x1, 0.0..y1)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(RGBColor(244, 244, 244))
        .bold_line_style(RGBColor(225, 225, 225))
        .x_desc("μ* (mean |elementary effect| over the range)")
        .y_desc("σ")
        .label_style(text(13))
        .axis_desc_style(text(14))
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| tick_d(*v, decimals(0.0, x1)))
        .y_label_formatter(&|v| tick_d(*v, decimals(0.0, y1)))
        .draw()?;
    let ink = palette::OKABE_ITO[5];
    // The line σ = μ*: effects above it change sign or interact strongly.
    let m = x1.min(y1);
    chart.draw_series(DashedLineSeries::new(
        [(0.0, 0.0), (m, m)],
        6,
        5,
        RGBColor(170, 170, 170).stroke_width(1),
    ))?;
    for b in bars {
        chart.draw_series(LineSeries::new([(b.1.1, b.2.0), (b.1.2, b.2.0)], ink.mix(0.5).stroke_width(2)))?;
        chart.draw_series(std::iter::once(Circle::new((b.1.0, b.2.0), 5, ink.filled())))?;
    }
    // Label the three largest μ*, clear of one another, of every dot and interval, and of the
    // panel's edges.
    let mut order: Vec<&_> = bars.iter().collect();
    order.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    order.truncate(3);
    let style = text(13);
    let at = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let mut drawn = Vec::with_capacity(2 * bars.len());
    for b in bars {
        drawn.push(Rect::around(at(b.1.0, b.2.0), 5));
        let ((lo, y), (hi, _)) = (at(b.1.1, b.2.0), at(b.1.2, b.2.0));
        drawn.push(Rect { x: lo, y: y - 1, w: hi - lo, h: 2 });
    }
    let points: Vec<(i32, i32)> = order.iter().map(|b| at(b.1.0, b.2.0)).collect();
    let sizes = labels::text_sizes(area, order.iter().map(|b| b.0.as_str()), &style)?;
    let bounds = Rect::spanning(chart.plotting_area().get_pixel_range());
    let top_left = labels::place(&points, &sizes, 5, &drawn, bounds);
    for ((b, &(px, py)), &(lx, ly)) in order.iter().zip(&points).zip(&top_left) {
        let label = EmptyElement::at((b.1.0, b.2.0))
            + Text::new(b.0.clone(), (lx - px, ly - py), style.pos(Pos::new(HPos::Left, VPos::Top)));
        chart.draw_series(std::iter::once(label))?;
    }
    Ok(())
}

/// Sobol bars (first-order above total) or partial rank correlations (one bar on [−1, 1]).
fn bar_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    bars: &Bars,
    kind: Kind,
) -> DrawResult<DB> {
    let (lo, hi) = if kind == Kind::Prcc {
        (-1.0, 1.0 / 1.08)
    } else {
        (
            bars.iter().flat_map(|b| [b.1.1, b.2.1]).filter(|v| v.is_finite()).fold(0.0, f64::min),
            bars.iter()
                .flat_map(|b| [b.1.2, b.2.2, b.1.0, b.2.0])
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max),
        )
    };
    let n = bars.len();
    // Each parameter is named by its whole key path (`self_funders.hours_per_week`): the last
    // part alone can leave out what it is about.
    let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    // Room for the longest name.
    let widths = labels::text_sizes(area, names.iter().map(String::as_str), &text(13))?;
    let label_area = widths.iter().map(|&(w, _)| w as u32 + 16).fold(200, u32::max);
    let mut chart =
        super::rows_panel(area, label, lo.min(0.0)..(hi * 1.08).max(0.1), &names, label_area, 13, 2)?;
    let (first, total) = (palette::OKABE_ITO[1], palette::OKABE_ITO[5]);
    if kind == Kind::Prcc {
        chart.draw_series(LineSeries::new([(0.0, -0.5), (0.0, n as f64 - 0.5)], BLACK.stroke_width(1)))?;
    }
    for (j, b) in bars.iter().enumerate() {
        let y = (n - 1 - j) as f64;
        let sobol = [(0.17, b.1, first), (-0.17, b.2, total)];
        let prcc = [(0.0, b.1, total)];
        let shown: &[_] = if kind == Kind::Prcc { &prcc } else { &sobol };
        for &(dy, (est, l, h), colour) in shown {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + dy - 0.14), (est, y + dy + 0.14)],
                colour.filled(),
            )))?;
            if l.is_finite() && h.is_finite() {
                chart.draw_series(LineSeries::new([(l, y + dy), (h, y + dy)], BLACK.stroke_width(2)))?;
            }
        }
    }
    Ok(())
}

/// Groups the rows of one measure pair into panels, one per policy difference × outcome.
fn panels(rows: &[SensitivityRow], x: &str, y: &str) -> Vec<(String, Bars)> {
    let mut keys: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.quantity == "difference" && r.measure == x)
        .map(|r| (r.scenario.as_str(), r.outcome.as_str()))
        .collect();
    keys.dedup();
    keys.iter()
        .map(|(s, o)| {
            let pick = |m: &str| -> Vec<&SensitivityRow> {
                rows.iter()
                    .filter(|r| {
                        r.quantity == "difference" && r.scenario == *s && r.outcome == *o && r.measure == m
                    })
                    .collect()
            };
            let (xs, ys) = (pick(x), pick(y));
            let mut bars: Bars = xs
                .iter()
                .zip(&ys)
                .map(|(a, b)| (a.parameter.clone(), (a.estimate, a.low, a.high), (b.estimate, b.low, b.high)))
                .collect();
            // Largest first (bars read top-down; a correlation by its size).
            bars.sort_by(|a, b| b.2.0.abs().max(b.1.0.abs()).total_cmp(&a.2.0.abs().max(a.1.0.abs())));
            (format!("{s} − baseline: {o}"), bars)
        })
        .collect()
}

/// Draws `morris`, `sobol` or `prcc` (PNG and SVG) into `dir` from a sweep's sensitivity rows,
/// for the measures it has.
pub fn charts(rows: &[SensitivityRow], points: usize, dir: &Path) -> Result<Vec<super::Chart>> {
    let mut out = Vec::new();
    let morris = panels(rows, "mu_star", "sigma");
    if !morris.is_empty() {
        let fig = Panels {
            title: "Morris screening: which parameters move each paired difference".into(),
            subtitle: format!(
                "Each dot a parameter: μ* (with its 95% bootstrap interval) against σ, in the outcome's units over the parameter's range; {points} design points. Above the dashed line σ > μ*: effects that change sign or interact."
            ),
            keys: vec![("parameter (the three largest named)".into(), palette::OKABE_ITO[5], Key::Dot)],
            panels: morris,
            kind: Kind::Morris,
        };
        out.push(super::write(
            dir,
            "morris",
            "Morris screening",
            "μ* against σ per parameter, one panel per paired difference and outcome.".into(),
            &fig,
        )?);
    }
    let sobol = panels(rows, "first_order", "total");
    if !sobol.is_empty() {
        let fig = Panels {
            title: "Sobol indices: the share of each paired difference's variance".into(),
            subtitle: format!(
                "First-order (upper bar) and total (lower bar) indices with 95% bootstrap intervals; {points} design points."
            ),
            keys: vec![
                ("first-order S1".into(), palette::OKABE_ITO[1], Key::Box),
                ("total ST".into(), palette::OKABE_ITO[5], Key::Box),
            ],
            panels: sobol,
            kind: Kind::Sobol,
        };
        out.push(super::write(
            dir,
            "sobol",
            "Sobol indices",
            "First-order and total indices per parameter, one panel per paired difference and outcome."
                .into(),
            &fig,
        )?);
    }
    let prcc = panels(rows, "prcc", "prcc");
    if !prcc.is_empty() {
        let fig = Panels {
            title: "Partial rank correlations: which parameters move each paired difference, and which way"
                .into(),
            subtitle: format!(
                "Partial rank correlation of each parameter with the difference, the others held (Latin hypercube), with 95% bootstrap intervals; {points} design points."
            ),
            keys: vec![("partial rank correlation".into(), palette::OKABE_ITO[5], Key::Box)],
            panels: prcc,
            kind: Kind::Prcc,
        };
        out.push(super::write(
            dir,
            "prcc",
            "Partial rank correlations",
            "Partial rank correlation per parameter, one panel per paired difference and outcome.".into(),
            &fig,
        )?);
    }
    Ok(out)
}

/// The peeling trajectories of a sweep's discoveries: one panel each.
struct Trajectories<'a> {
    found: &'a [crate::sweep::discovery::Discovery],
}

impl Figure for Trajectories<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.found.len().div_ceil(COLS) as u32;
        (WIDTH, 88 + 44 + 12 + rows * PANEL_HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(
            root,
            "Scenario discovery: where each condition holds",
            "PRIM's peeling trajectory: each dot a box, from the whole space (coverage 1) inwards; the ringed box is reported (the highest coverage at the density threshold).",
        )?;
        let keys = vec![
            ("box on the trajectory".to_string(), palette::OKABE_ITO[5], Key::Dot),
            ("reported box".to_string(), BLACK, Key::Dot),
        ];
        let used = legend(&body, &keys, 4)?;
        let body = body.split_vertically(used + 12).1;
        let rows = self.found.len().div_ceil(COLS);
        for (cell, d) in body.split_evenly((rows, COLS)).iter().zip(self.found) {
            let mut chart = ChartBuilder::on(cell)
                .caption(&d.name, bold(18))
                .margin(14)
                .margin_right(24)
                .x_label_area_size(46)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..1.02, 0.0..1.02)?;
            chart
                .configure_mesh()
                .max_light_lines(1)
                .light_line_style(RGBColor(244, 244, 244))
                .bold_line_style(RGBColor(225, 225, 225))
                .x_desc("coverage")
                .y_desc("density")
                .label_style(text(13))
                .axis_desc_style(text(14))
                .x_label_formatter(&|v| tick_d(*v, 1))
                .y_label_formatter(&|v| tick_d(*v, 1))
                .draw()?;
            let ink = palette::OKABE_ITO[5];
            let path: Vec<(f64, f64)> = d.prim.trajectory.iter().map(|b| (b.coverage, b.density)).collect();
            chart.draw_series(LineSeries::new(path.iter().copied(), ink.mix(0.5).stroke_width(1)))?;
            chart.draw_series(path.iter().map(|&p| Circle::new(p, 3, ink.filled())))?;
            let b = d.prim.chosen_box();
            chart.draw_series(std::iter::once(Circle::new(
                (b.coverage, b.density),
                8,
                BLACK.stroke_width(2),
            )))?;
            let note = format!(
                "{} restricted ({} with qp ≤ 0.05); coverage {:.2}, density {:.2}; holds at {:.0}% of points",
                b.restricted.len(),
                d.significant(0.05).len(),
                b.coverage,
                b.density,
                100.0 * d.holds_share
            );
            chart.draw_series(std::iter::once(Text::new(
                note,
                (0.03, 0.06),
                text(13).pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))?;
        }
        Ok(())
    }
}

/// Draws `discovery.png/.svg` into `dir`: the peeling trajectory of each discovery.
pub fn discovery_chart(found: &[crate::sweep::discovery::Discovery], dir: &Path) -> Result<super::Chart> {
    super::write(
        dir,
        "discovery",
        "Scenario discovery",
        "PRIM's peeling trajectory per condition: coverage against density, the reported box ringed.".into(),
        &Trajectories { found },
    )
}
