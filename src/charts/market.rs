//! Market structure over time: active providers (median and 90% band per scenario) and, per
//! scenario, the share of contact hours by provider kind (stacked, mean over replicates).

use std::path::Path;

use crate::output::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    DrawResult, Figure, Input, KIND_SHARE_PREFIX, Key, Series, bands, bold, header, legend, palette,
    scenario_keys, text, tick, time_panel,
};

/// The weekly metric counting active providers.
pub const PROVIDERS_METRIC: &str = "providers_active";

const WIDTH: u32 = 1800;
const TOP_H: u32 = 440;
const SMALL_H: u32 = 300;
const COLS: usize = 4;

struct Market {
    title: String,
    subtitle: String,
    scenario_keys: Vec<(String, RGBColor, Key)>,
    kind_keys: Vec<(String, RGBColor, Key)>,
    years: Vec<f64>,
    burn_in: bool,
    providers: Option<Vec<Series>>,
    /// Per scenario: name and, per kind, the mean share per week.
    shares: Vec<(String, Vec<Vec<f64>>)>,
}

impl Market {
    fn small_rows(&self) -> u32 {
        if self.kind_keys.is_empty() { 0 } else { self.shares.len().div_ceil(COLS) as u32 }
    }
}

impl Figure for Market {
    fn size(&self) -> (u32, u32) {
        let top = if self.providers.is_some() { TOP_H + 72 } else { 0 };
        let small = if self.small_rows() > 0 { 44 + self.small_rows() * SMALL_H } else { 0 };
        (WIDTH, 88 + top + small)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let mut body = header(root, &self.title, &self.subtitle)?;
        if let Some(series) = &self.providers {
            let used = legend(&body, &self.scenario_keys, 4)?;
            let rest = body.split_vertically(used + 8).1;
            let (top, rest) = rest.split_vertically(TOP_H);
            time_panel(
                &top,
                "Providers trading in the borough",
                "providers",
                &self.years,
                series,
                self.burn_in,
            )?;
            body = rest;
        }
        if self.small_rows() == 0 {
            return Ok(());
        }
        body.draw_text("Share of contact hours by provider kind:", &bold(18), (24, 8))?;
        let used = legend(&body.split_horizontally(400).1, &self.kind_keys, 4)?;
        let body = body.split_vertically(used.max(36) + 8).1;
        let cells = body.split_evenly((self.small_rows() as usize, COLS));
        for (cell, (name, kinds)) in cells.iter().zip(&self.shares) {
            self.small(cell, name, kinds)?;
        }
        Ok(())
    }
}

impl Market {
    fn small<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        name: &str,
        kinds: &[Vec<f64>],
    ) -> DrawResult<DB> {
        let (x0, x1) = (self.years[0], *self.years.last().expect("weeks"));
        let mut chart = ChartBuilder::on(area)
            .caption(name, bold(17))
            .margin(10)
            .margin_right(20)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, 0.0..100.0)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("years since the reform")
            .y_desc("% of hours")
            .label_style(text(13))
            .axis_desc_style(text(14))
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .draw()?;
        let mut below = vec![0.0; self.years.len()];
        for (k, share) in kinds.iter().enumerate() {
            let above: Vec<f64> = below
                .iter()
                .zip(share)
                .map(|(b, s)| b + if s.is_finite() { s * 100.0 } else { 0.0 })
                .collect();
            let poly: Vec<(f64, f64)> = self
                .years
                .iter()
                .zip(&above)
                .map(|(&x, &y)| (x, y))
                .chain(self.years.iter().zip(&below).rev().map(|(&x, &y)| (x, y)))
                .collect();
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                palette::KINDS[k % palette::KINDS.len()].filled(),
            )))?;
            below = above;
        }
        if self.burn_in {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, 100.0)],
                BLACK.stroke_width(2),
            )))?;
        }
        Ok(())
    }
}

/// "hours_share_national_chain" → "national chain".
fn kind_label(metric: &str) -> String {
    metric.trim_start_matches(KIND_SHARE_PREFIX).replace('_', " ")
}

/// Draws the chart, or None when the run has neither provider counts nor hour shares.
pub fn chart(input: &Input, dir: &Path) -> Result<Option<super::Chart>> {
    let w = input.weekly;
    if w.weeks.is_empty() {
        return Ok(None);
    }
    let providers = w.metric(PROVIDERS_METRIC).map(|data| {
        (0..w.scenarios.len())
            .map(|s| (palette::scenario_colour(s, input.baseline), bands(&data[s], 1, 1.0)))
            .collect::<Vec<_>>()
    });
    let kinds: Vec<&str> = w.metrics().filter(|m| m.starts_with(KIND_SHARE_PREFIX)).collect();
    if providers.is_none() && kinds.is_empty() {
        return Ok(None);
    }
    let shares: Vec<(String, Vec<Vec<f64>>)> = (0..w.scenarios.len())
        .map(|s| {
            let per_kind = kinds
                .iter()
                .map(|k| {
                    let data = &w.metric(k).expect("listed")[s];
                    data.iter()
                        .map(|reps| {
                            let v: Vec<f64> = reps.iter().copied().filter(|x| x.is_finite()).collect();
                            v.iter().sum::<f64>() / v.len().max(1) as f64
                        })
                        .collect()
                })
                .collect();
            (w.scenarios[s].clone(), per_kind)
        })
        .collect();
    let kind_keys = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (kind_label(k), palette::KINDS[i % palette::KINDS.len()], Key::Box))
        .collect();
    let reading = match &providers {
        Some(series) => {
            let last: Vec<(usize, f64)> = series
                .iter()
                .enumerate()
                .map(|(s, (_, b))| (s, b.last().map_or(f64::NAN, |x| x.1)))
                .collect();
            let first = series[input.baseline].1.iter().find(|x| x.1.is_finite()).map_or(f64::NAN, |x| x.1);
            let lo = last.iter().min_by(|a, b| a.1.total_cmp(&b.1)).expect("scenarios");
            let hi = last.iter().max_by(|a, b| a.1.total_cmp(&b.1)).expect("scenarios");
            if lo.0 == hi.0 {
                format!(
                    "The market starts with {first:.0} providers and ends the run with {:.0} (median).",
                    lo.1
                )
            } else {
                format!(
                    "From {first:.0} providers at the start, the market ends the run with a median of {:.0} under {} and {:.0} under {}.",
                    hi.1, w.scenarios[hi.0], lo.1, w.scenarios[lo.0]
                )
            }
        }
        None => "Shares of contact hours by provider kind, per scenario.".to_string(),
    };
    let title = "Market structure over time";
    let fig = Market {
        title: title.into(),
        subtitle: format!(
            "Providers: median and 90% band over {} replicates; shares: mean over replicates. Grey / black line: end of burn-in.",
            w.replicates
        ),
        scenario_keys: scenario_keys(input, Key::Line),
        kind_keys,
        years: w.years(),
        burn_in: w.has_burn_in(),
        providers,
        shares,
    };
    super::write(dir, "market", title, reading, &fig).map(Some)
}
