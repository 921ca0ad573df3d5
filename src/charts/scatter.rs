//! Scatter charts of replicates, one cloud per scenario with its mean marked: the trade-off
//! between cost and unmet need (and mission score), and the workforce chart (effective wage
//! against turnover and vacancies).

use std::path::Path;

use crate::output::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    DrawResult, Figure, Input, Key, bold, decimals, header, legend, padded_range, palette, scenario_keys,
    text, tick_d,
};

/// An axis: summary metric, label with unit, display scale.
#[derive(Clone, Copy)]
pub struct Axis {
    pub metric: &'static str,
    pub label: &'static str,
    pub scale: f64,
}

const COST: Axis =
    Axis { metric: "cost_per_delivered_hour_gbp", label: "council cost per delivered hour (£)", scale: 1.0 };
const UNMET: Axis =
    Axis { metric: "unmet_need_share", label: "unmet need (% of assessed hours)", scale: 100.0 };
const MISSION: Axis = Axis { metric: "mission_score", label: "mission score", scale: 1.0 };
const WAGE: Axis =
    Axis { metric: "effective_wage_gbp_per_hour", label: "effective wage (£ per hour worked)", scale: 1.0 };
const TURNOVER: Axis = Axis { metric: "turnover_annual", label: "turnover (% a year)", scale: 100.0 };
const VACANCY: Axis = Axis { metric: "vacancy_rate", label: "vacancy rate (% of posts)", scale: 100.0 };

/// Panels of the trade-off chart: (x, y); a panel whose metrics are missing is skipped.
pub const TRADEOFF: &[(Axis, Axis)] = &[(COST, UNMET), (COST, MISSION)];
/// Panels of the workforce chart.
pub const WORKFORCE: &[(Axis, Axis)] = &[(WAGE, TURNOVER), (WAGE, VACANCY)];

struct Cloud {
    colour: RGBColor,
    points: Vec<(f64, f64)>,
    mean: (f64, f64),
}

struct Panel {
    x: Axis,
    y: Axis,
    clouds: Vec<Cloud>,
}

struct Scatter {
    title: String,
    subtitle: String,
    keys: Vec<(String, RGBColor, Key)>,
    panels: Vec<Panel>,
}

impl Figure for Scatter {
    fn size(&self) -> (u32, u32) {
        let legend = if self.keys.len() > 4 { 72 } else { 44 };
        (if self.panels.len() > 1 { 1800 } else { 1100 }, 88 + legend + 44 + 720)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(root, &self.title, &self.subtitle)?;
        let mut used = legend(&body, &self.keys, 4)?;
        used += legend(
            &body,
            &[
                ("one replicate".to_string(), RGBColor(150, 150, 150), Key::Dot),
                ("scenario mean (ringed)".to_string(), RGBColor(40, 40, 40), Key::Dot),
            ],
            4 + used,
        )?;
        let body = body.split_vertically(used + 12).1;
        for (cell, p) in body.split_evenly((1, self.panels.len())).iter().zip(&self.panels) {
            panel(cell, p)?;
        }
        Ok(())
    }
}

fn panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult<DB> {
    let xs = p.clouds.iter().flat_map(|c| c.points.iter().map(|q| q.0));
    let ys = p.clouds.iter().flat_map(|c| c.points.iter().map(|q| q.1));
    let (Some((x0, x1)), Some((y0, y1))) = (padded_range(xs, false), padded_range(ys, false)) else {
        return Ok(());
    };
    let caption = format!("{} against {}", first_words(p.y.label), first_words(p.x.label).to_lowercase());
    let mut chart = ChartBuilder::on(area)
        .caption(caption, bold(20))
        .margin(16)
        .margin_right(30)
        .x_label_area_size(56)
        .y_label_area_size(84)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .light_line_style(RGBColor(244, 244, 244))
        .bold_line_style(RGBColor(225, 225, 225))
        .x_desc(p.x.label)
        .y_desc(p.y.label)
        .label_style(text(15))
        .axis_desc_style(text(17))
        .x_labels(7)
        .y_labels(7)
        .x_label_formatter(&|v| tick_d(*v, decimals(x0, x1)))
        .y_label_formatter(&|v| tick_d(*v, decimals(y0, y1)))
        .draw()?;
    for c in &p.clouds {
        chart.draw_series(c.points.iter().map(|&q| Circle::new(q, 4, c.colour.mix(0.45).filled())))?;
    }
    for c in &p.clouds {
        chart.draw_series(std::iter::once(Circle::new(c.mean, 11, WHITE.filled())))?;
        chart.draw_series(std::iter::once(Circle::new(c.mean, 8, c.colour.filled())))?;
        chart.draw_series(std::iter::once(Circle::new(c.mean, 11, RGBColor(40, 40, 40).stroke_width(2))))?;
    }
    Ok(())
}

/// "council cost per delivered hour (£)" → "council cost per delivered hour".
fn first_words(label: &str) -> String {
    let s = label.split(" (").next().unwrap_or(label);
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn clouds(input: &Input, x: Axis, y: Axis) -> Option<Vec<Cloud>> {
    let s = input.samples;
    let (xi, yi) = (s.metric_index(x.metric)?, s.metric_index(y.metric)?);
    Some(
        (0..s.scenarios.len())
            .map(|k| {
                let points: Vec<(f64, f64)> = s
                    .sample(k, xi)
                    .iter()
                    .zip(s.sample(k, yi))
                    .map(|(a, b)| (a * x.scale, b * y.scale))
                    .collect();
                let n = points.len().max(1) as f64;
                let mean = (
                    points.iter().map(|p| p.0).sum::<f64>() / n,
                    points.iter().map(|p| p.1).sum::<f64>() / n,
                );
                Cloud { colour: palette::scenario_colour(k, input.baseline), points, mean }
            })
            .collect(),
    )
}

fn scatter(input: &Input, panels: &[(Axis, Axis)], title: &str) -> Option<Scatter> {
    let panels: Vec<Panel> =
        panels.iter().filter_map(|&(x, y)| Some(Panel { x, y, clouds: clouds(input, x, y)? })).collect();
    if panels.is_empty() {
        return None;
    }
    Some(Scatter {
        title: title.into(),
        subtitle: format!(
            "Each small dot is one replicate (post-burn-in mean); large ringed dots are scenario means over {} replicates.",
            input.samples.replicates.len()
        ),
        keys: scenario_keys(input, Key::Dot),
        panels,
    })
}

/// A scenario's name and its mean (x, y) in a panel.
type Named = (String, (f64, f64));

/// The scenario with the smallest and largest mean of `axis` in a panel's clouds.
fn extremes(input: &Input, p: &Panel, on_y: bool) -> (Named, Named) {
    let key = |c: &Cloud| if on_y { c.mean.1 } else { c.mean.0 };
    let mut idx: Vec<usize> = (0..p.clouds.len()).collect();
    idx.sort_by(|&a, &b| key(&p.clouds[a]).total_cmp(&key(&p.clouds[b])));
    let name = |i: usize| (input.samples.scenarios[i].clone(), p.clouds[i].mean);
    (name(idx[0]), name(*idx.last().expect("scenarios")))
}

/// Cost per delivered hour against unmet need (and mission score when the run has it).
pub fn tradeoff(input: &Input, dir: &Path) -> Result<Option<super::Chart>> {
    let Some(mut fig) = scatter(input, TRADEOFF, "") else { return Ok(None) };
    let title = if fig.panels.len() > 1 {
        "Trade-offs: cost against unmet need and mission score"
    } else {
        "Trade-off: cost against unmet need"
    };
    fig.title = title.into();
    let p = &fig.panels[0];
    let ((low_unmet, lu), _) = extremes(input, p, true);
    let ((cheap, ch), _) = extremes(input, p, false);
    let reading = if input.samples.scenarios.len() == 1 {
        format!(
            "Under {cheap}, the council pays £{:.2} per delivered hour, with {:.2}% of assessed hours unmet.",
            ch.0, ch.1
        )
    } else if low_unmet == cheap {
        format!(
            "{cheap} is both the cheapest (£{:.2} per delivered hour) and the lowest in unmet need ({:.2}%) of the scenarios compared.",
            ch.0, ch.1
        )
    } else {
        format!(
            "Unmet need is lowest under {low_unmet} ({:.2}% at £{:.2} per delivered hour), while {cheap} is cheapest (£{:.2} per hour, {:.2}% unmet need).",
            lu.1, lu.0, ch.0, ch.1
        )
    };
    super::write(dir, "tradeoff", title, reading, &fig).map(Some)
}

/// Effective wage against turnover (and vacancies).
pub fn workforce(input: &Input, dir: &Path) -> Result<Option<super::Chart>> {
    let title = "Workforce: effective wage against turnover and vacancies";
    let Some(fig) = scatter(input, WORKFORCE, title) else { return Ok(None) };
    let p = &fig.panels[0];
    let ((low, l), (high, h)) = extremes(input, p, true);
    let reading = if low == high {
        format!("Turnover is {:.1}% a year at an effective wage of £{:.2} per hour worked.", l.1, l.0)
    } else {
        format!(
            "Turnover is lowest under {low} ({:.1}% a year, effective wage £{:.2}/h) and highest under {high} ({:.1}%, £{:.2}/h).",
            l.1, l.0, h.1, h.0
        )
    };
    super::write(dir, "workforce", title, reading, &fig).map(Some)
}
