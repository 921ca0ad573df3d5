//! The cost-effectiveness plane (docs/COMPARISON.md, "Cost-effectiveness"): each design's
//! paired differences from the baseline in unmet hours avoided and in net public cost (present
//! values), replicate by replicate with the mean ringed, the efficiency frontier through the
//! designs on it, and the willingness-to-pay line (designs below it have positive net monetary
//! benefit).

use std::path::Path;

use crate::output::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::labels::{self, Rect};
use super::{DrawResult, Figure, Input, Key, decimals, header, legend, padded_range, palette, text, tick_d};
use crate::analysis::value::{COST_METRIC, EFFECTS, Frontier, ValueRow};

/// Display scales: thousand hours, £ million.
const EFFECT_SCALE: f64 = 1e-3;
const COST_SCALE: f64 = 1e-6;

struct Design {
    name: String,
    colour: RGBColor,
    points: Vec<(f64, f64)>,
    mean: (f64, f64),
    frontier: Frontier,
}

struct Plane {
    title: String,
    subtitle: String,
    keys: Vec<(String, RGBColor, Key)>,
    designs: Vec<Design>,
    /// £ per hour.
    wtp: f64,
}

impl Figure for Plane {
    fn size(&self) -> (u32, u32) {
        let legend = if self.keys.len() > 4 { 72 } else { 44 };
        (1500, 88 + legend + 44 + 820)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(root, &self.title, &self.subtitle)?;
        let mut used = legend(&body, &self.keys, 4)?;
        used += legend(
            &body,
            &[
                ("efficiency frontier".to_string(), RGBColor(40, 40, 40), Key::Line),
                (format!("willingness to pay, £{:.0} an hour", self.wtp), RGBColor(150, 150, 150), Key::Line),
                ("hollow: dominated or extendedly dominated".to_string(), RGBColor(40, 40, 40), Key::Dot),
            ],
            4 + used,
        )?;
        let area = body.split_vertically(used + 12).1;
        let xs = self.designs.iter().flat_map(|d| d.points.iter().map(|p| p.0)).chain([0.0]);
        let ys = self.designs.iter().flat_map(|d| d.points.iter().map(|p| p.1)).chain([0.0]);
        let (Some((x0, x1)), Some((y0, y1))) = (padded_range(xs, true), padded_range(ys, true)) else {
            return Ok(());
        };
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(40)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .max_light_lines(1)
            .light_line_style(RGBColor(244, 244, 244))
            .bold_line_style(RGBColor(225, 225, 225))
            .x_desc("unmet client-hours avoided against the baseline (thousands, present value)")
            .y_desc("extra net public cost (£ million, present value)")
            .label_style(text(15))
            .axis_desc_style(text(17))
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| tick_d(*v, decimals(x0, x1)))
            .y_label_formatter(&|v| tick_d(*v, decimals(y0, y1)))
            .draw()?;
        // The axes through the baseline.
        let axis = RGBColor(120, 120, 120);
        chart.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], axis.stroke_width(1)))?;
        chart.draw_series(LineSeries::new([(0.0, y0), (0.0, y1)], axis.stroke_width(1)))?;
        // Willingness to pay: cost = wtp × effect (in display units: £m per thousand hours).
        let slope = self.wtp * (COST_SCALE / EFFECT_SCALE);
        let wtp_line: Vec<(f64, f64)> = (0..=40)
            .map(|i| x0 + (x1 - x0) * i as f64 / 40.0)
            .map(|x| (x, slope * x))
            .filter(|&(_, y)| y >= y0 && y <= y1)
            .collect();
        chart.draw_series(DashedLineSeries::new(wtp_line, 8, 6, RGBColor(150, 150, 150).stroke_width(2)))?;
        for d in &self.designs {
            chart.draw_series(d.points.iter().map(|&q| Circle::new(q, 3, d.colour.mix(0.35).filled())))?;
        }
        let mut line: Vec<(f64, f64)> =
            self.designs.iter().filter(|d| d.frontier == Frontier::Efficient).map(|d| d.mean).collect();
        line.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart.draw_series(LineSeries::new(line, RGBColor(40, 40, 40).stroke_width(3)))?;
        for d in &self.designs {
            chart.draw_series(std::iter::once(Circle::new(d.mean, 12, WHITE.filled())))?;
            if d.frontier == Frontier::Efficient {
                chart.draw_series(std::iter::once(Circle::new(d.mean, 9, d.colour.filled())))?;
            } else {
                chart.draw_series(std::iter::once(Circle::new(d.mean, 8, d.colour.stroke_width(2))))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                d.mean,
                12,
                RGBColor(40, 40, 40).stroke_width(2),
            )))?;
        }
        // The names beside their rings, clear of every ring and of one another.
        let style = text(16);
        let points: Vec<(i32, i32)> = self.designs.iter().map(|d| chart.backend_coord(&d.mean)).collect();
        let sizes = labels::text_sizes(&area, self.designs.iter().map(|d| d.name.as_str()), &style)?;
        let bounds = Rect::spanning(chart.plotting_area().get_pixel_range());
        let top_left = labels::place(&points, &sizes, 13, &[], bounds);
        for (((d, &(px, py)), &(lx, ly)), &(w, h)) in
            self.designs.iter().zip(&points).zip(&top_left).zip(&sizes)
        {
            let (dx, dy) = (lx - px, ly - py);
            // On a light halo, legible where a line or a replicate's dot passes under it.
            let label = EmptyElement::at(d.mean)
                + Rectangle::new([(dx - 2, dy - 1), (dx + w + 2, dy + h + 1)], WHITE.mix(0.8).filled())
                + Text::new(d.name.clone(), (dx, dy), style.pos(Pos::new(HPos::Left, VPos::Top)));
            chart.draw_series(std::iter::once(label))?;
        }
        Ok(())
    }
}

/// The cost-effectiveness plane of the primary effect, or `None` when the run has no
/// present-value columns or one scenario only.
pub fn chart(input: &Input, rows: &[ValueRow], wtp: f64, dir: &Path) -> Result<Option<super::Chart>> {
    let s = input.samples;
    let effect = &EFFECTS[0];
    let (Some(ci), Some(ei)) = (s.metric_index(COST_METRIC), s.metric_index(effect.metric)) else {
        return Ok(None);
    };
    if s.scenarios.len() < 2 || rows.is_empty() {
        return Ok(None);
    }
    let b = input.baseline;
    let designs: Vec<Design> = (0..s.scenarios.len())
        .filter_map(|k| {
            let row = rows.iter().find(|r| r.effect == effect.key && r.scenario == s.scenarios[k])?;
            let points: Vec<(f64, f64)> = (0..s.replicates.len())
                .map(|i| {
                    let e = effect.sign * (s.values[k][ei][i] - s.values[b][ei][i]) * EFFECT_SCALE;
                    let c = (s.values[k][ci][i] - s.values[b][ci][i]) * COST_SCALE;
                    (e, c)
                })
                .collect();
            Some(Design {
                name: s.scenarios[k].clone(),
                colour: palette::scenario_colour(k, b),
                points,
                mean: (row.delta_effect.mean * EFFECT_SCALE, row.delta_cost.mean * COST_SCALE),
                frontier: row.frontier,
            })
        })
        .collect();
    let on: Vec<String> =
        designs.iter().filter(|d| d.frontier == Frontier::Efficient).map(|d| d.name.clone()).collect();
    let title = "Cost-effectiveness: unmet need avoided for the extra public money";
    let fig = Plane {
        title: title.into(),
        subtitle: format!(
            "Paired differences from {} over {} replicates (small dots), means ringed; costs and hours discounted to the reform date.",
            s.scenarios[b],
            s.replicates.len()
        ),
        keys: super::scenario_keys(input, Key::Dot),
        designs: Vec::new(),
        wtp,
    };
    let fig = Plane { designs, ..fig };
    let mut reading = format!(
        "{} of {} designs lie on the efficiency frontier ({}); ",
        on.len(),
        s.scenarios.len(),
        on.join(", ")
    );
    let below: Vec<&str> = rows
        .iter()
        .filter(|r| {
            r.effect == effect.key && r.nmb.is_some_and(|n| n.mean > 0.0) && r.scenario != s.scenarios[b]
        })
        .map(|r| r.scenario.as_str())
        .collect();
    if below.is_empty() {
        reading.push_str(&format!("none has a positive net monetary benefit at £{wtp:.0} an hour."));
    } else {
        reading.push_str(&format!(
            "at £{wtp:.0} an hour, {} lie below the willingness-to-pay line.",
            below.join(", ")
        ));
    }
    super::write(dir, "cost_effectiveness", title, reading, &fig).map(Some)
}
