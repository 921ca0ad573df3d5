//! Paired differences against the baseline with their 95% CI whiskers, one panel per headline
//! outcome. Filled dots are clear of zero after Holm's adjustment; hollow ones are not.

use std::path::Path;

use crate::output::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    DrawResult, Figure, Input, Key, bold, decimals, header, legend, padded_range, palette, text, tick_d,
};
use crate::analysis::compare::Family;
use crate::output::comparison::display;

const COLS: usize = 3;
const WIDTH: u32 = 1800;

struct Row {
    name: String,
    colour: RGBColor,
    mean: f64,
    low: f64,
    high: f64,
    clear: bool,
}

struct Differences {
    title: String,
    subtitle: String,
    baseline: String,
    panels: Vec<(String, Vec<Row>)>,
}

impl Differences {
    fn panel_height(&self) -> u32 {
        let k = self.panels.first().map_or(1, |p| p.1.len()) as u32;
        (110 + 40 * k).max(260)
    }
}

impl Figure for Differences {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(COLS) as u32;
        (WIDTH, 88 + 44 + rows * self.panel_height())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(root, &self.title, &self.subtitle)?;
        let keys = vec![
            ("clear of zero after Holm".to_string(), RGBColor(60, 60, 60), Key::Dot),
            ("not clear (hollow)".to_string(), RGBColor(190, 190, 190), Key::Dot),
            ("95% CI of the paired difference".to_string(), RGBColor(60, 60, 60), Key::Line),
        ];
        let used = legend(&body, &keys, 4)?;
        let body = body.split_vertically(used + 12).1;
        let rows = self.panels.len().div_ceil(COLS);
        for (cell, (label, rows)) in body.split_evenly((rows, COLS)).iter().zip(&self.panels) {
            self.panel(cell, label, rows)?;
        }
        Ok(())
    }
}

impl Differences {
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        label: &str,
        rows: &[Row],
    ) -> DrawResult<DB> {
        let k = rows.len() as f64;
        let Some((x0, x1)) = padded_range(rows.iter().flat_map(|r| [r.low, r.high, r.mean]), true) else {
            return Ok(());
        };
        let name_width = rows
            .iter()
            .map(|r| area.estimate_text_size(&r.name, &text(15)).map(|s| s.0))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .max()
            .unwrap_or(60);
        let mut chart = ChartBuilder::on(area)
            .caption(format!("Δ {label}"), bold(20))
            .margin(12)
            .margin_right(24)
            .x_label_area_size(50)
            .y_label_area_size(name_width + 16)
            .build_cartesian_2d(x0..x1, 0.0..k)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .max_light_lines(1)
            .light_line_style(RGBColor(244, 244, 244))
            .bold_line_style(RGBColor(225, 225, 225))
            .x_desc(format!("difference to {}", self.baseline))
            .label_style(text(15))
            .axis_desc_style(text(16))
            .x_labels(6)
            .x_label_formatter(&|v| tick_d(*v, decimals(x0, x1)))
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, k)],
            palette::GREY.stroke_width(2),
        )))?;
        let origin = area.get_base_pixel();
        for (i, r) in rows.iter().enumerate() {
            let y = k - i as f64 - 0.5;
            if r.low.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(r.low, y), (r.high, y)],
                    r.colour.stroke_width(3),
                )))?;
                for x in [r.low, r.high] {
                    let (px, py) = chart.backend_coord(&(x, y));
                    area.draw(&PathElement::new(
                        vec![(px - origin.0, py - origin.1 - 8), (px - origin.0, py - origin.1 + 8)],
                        r.colour.stroke_width(3),
                    ))?;
                }
            }
            let (px, py) = chart.backend_coord(&(r.mean, y));
            let centre = (px - origin.0, py - origin.1);
            if r.clear {
                area.draw(&Circle::new(centre, 7, r.colour.filled()))?;
            } else {
                area.draw(&Circle::new(centre, 7, WHITE.filled()))?;
                area.draw(&Circle::new(centre, 7, r.colour.stroke_width(3)))?;
            }
            let (lx, ly) = chart.backend_coord(&(x0, y));
            area.draw_text(
                &r.name,
                &text(15).pos(Pos::new(HPos::Right, VPos::Center)),
                (lx - origin.0 - 10, ly - origin.1),
            )?;
        }
        Ok(())
    }
}

/// Draws the chart, or None when there is no scenario besides the baseline.
pub fn chart(input: &Input, dir: &Path) -> Result<Option<super::Chart>> {
    let s = input.samples;
    if s.scenarios.len() < 2 {
        return Ok(None);
    }
    let baseline = s.scenarios[input.baseline].clone();
    let mut panels = Vec::new();
    let mut outcomes: Vec<&str> = Vec::new();
    for r in input.rows.iter().filter(|r| r.family == Family::Headline) {
        if !outcomes.contains(&r.outcome.as_str()) {
            outcomes.push(&r.outcome);
        }
    }
    let (mut clear, mut total) = (0, 0);
    let mut largest: Option<(f64, String, String)> = None;
    for o in &outcomes {
        let (scale, label) = display(o);
        let rows: Vec<Row> = input
            .rows
            .iter()
            .filter(|r| r.outcome == *o)
            .enumerate()
            .filter_map(|(i, r)| {
                let d = r.difference?;
                total += 1;
                if r.clear_of_zero == Some(true) {
                    clear += 1;
                    if let Some(p) = r.percent_change
                        && largest.as_ref().is_none_or(|l| p.abs() > l.0.abs())
                    {
                        largest = Some((p, r.scenario.clone(), label.clone()));
                    }
                }
                Some(Row {
                    name: r.scenario.clone(),
                    colour: palette::scenario_colour(i, input.baseline),
                    mean: d.mean * scale,
                    low: d.low() * scale,
                    high: d.high() * scale,
                    clear: r.clear_of_zero == Some(true),
                })
            })
            .collect();
        panels.push((label, rows));
    }
    if panels.is_empty() {
        return Ok(None);
    }
    let title = format!("Paired differences to {baseline}");
    let subtitle = format!(
        "Mean difference over {} paired replicates (common random numbers) with its 95% CI; \
         Holm's adjustment over all headline comparisons.",
        s.replicates.len()
    );
    let reading = match largest {
        Some((p, scen, label)) => format!(
            "{clear} of {total} headline differences are clear of zero after Holm's adjustment; the largest relative change is {} under {scen} ({p:+.1}%).",
            label.split(" (").next().unwrap_or(&label)
        ),
        None => format!("None of the {total} headline differences is clear of zero after Holm's adjustment."),
    };
    let fig = Differences { title: title.clone(), subtitle, baseline, panels };
    super::write(dir, "differences", &title, reading, &fig).map(Some)
}
