//! The waterfall of a decomposition (`careshape decompose`; docs/SENSITIVITY.md): per outcome,
//! each lever's Shapley contribution as a bar from the running total, with its 95% interval,
//! and the design's own paired difference as the last bar.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, Figure, Key, header, legend, padded_range, palette};
use crate::decompose::Decomposition;
use crate::output::Result;

const COLS: usize = 2;
const WIDTH: u32 = 1800;

struct Waterfall<'a> {
    d: &'a Decomposition,
}

impl Waterfall<'_> {
    fn panel_height(&self) -> u32 {
        140 + 44 * (self.d.levers.len() as u32 + 1)
    }
}

impl Figure for Waterfall<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.d.outcomes.len().div_ceil(COLS) as u32;
        (WIDTH, 88 + 44 + 12 + rows * self.panel_height())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let d = self.d;
        let body = header(
            root,
            &format!("Which lever does the work: {} − {}", d.design, d.baseline),
            &format!(
                "Shapley contributions of each lever to the paired difference, over the orderings through valid designs; bars run from the running total; 95% intervals over {} replicates.",
                d.replicates
            ),
        )?;
        let (up, down) = (palette::OKABE_ITO[5], palette::OKABE_ITO[4]);
        let keys = vec![
            ("raises the outcome".to_string(), up, Key::Box),
            ("lowers it".to_string(), down, Key::Box),
            ("the design's difference".to_string(), RGBColor(90, 90, 90), Key::Box),
        ];
        let used = legend(&body, &keys, 4)?;
        let body = body.split_vertically(used + 12).1;
        let rows = d.outcomes.len().div_ceil(COLS);
        let n = d.levers.len() + 1;
        for (cell, outcome) in body.split_evenly((rows, COLS)).iter().zip(&d.outcomes) {
            let rows: Vec<_> = d.contributions.iter().filter(|c| &c.outcome == outcome).collect();
            // A headline outcome in its display unit (% for shares, £m for spend).
            let (title, k) = crate::analysis::compare::headline(outcome)
                .map_or((outcome.as_str(), 1.0), |h| (h.label, h.scale));
            // (label, start, end, low, high) per row, the total last.
            let mut bars = Vec::new();
            let mut at = 0.0;
            for c in &rows {
                let (mean, low, high) = (k * c.mean, k * c.ci95_low, k * c.ci95_high);
                if c.lever == "total" {
                    bars.push((c.lever.clone(), 0.0, mean, low, high));
                } else {
                    let h = (high - low) / 2.0;
                    bars.push((c.lever.clone(), at, at + mean, at + mean - h, at + mean + h));
                    at += mean;
                }
            }
            let Some((x0, x1)) = padded_range(bars.iter().flat_map(|b| [b.1, b.2, b.3, b.4]), true) else {
                continue;
            };
            let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
            let mut chart =
                super::rows_panel(cell, title, x0..x1, &labels, 290, 14, super::decimals(x0, x1))?;
            chart
                .draw_series(LineSeries::new([(0.0, -0.5), (0.0, n as f64 - 0.5)], BLACK.stroke_width(1)))?;
            for (j, (label, start, end, low, high)) in bars.iter().enumerate() {
                let y = (n - 1 - j) as f64;
                let colour = if label == "total" {
                    RGBColor(90, 90, 90)
                } else if end >= start {
                    up
                } else {
                    down
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(start.min(*end), y - 0.3), (start.max(*end), y + 0.3)],
                    colour.filled(),
                )))?;
                if low.is_finite() && high.is_finite() {
                    chart.draw_series(LineSeries::new([(*low, y), (*high, y)], BLACK.stroke_width(2)))?;
                }
                // The running total carries on to the next row.
                if j + 2 < n {
                    chart.draw_series(LineSeries::new(
                        [(*end, y - 0.3), (*end, y - 0.7)],
                        RGBColor(150, 150, 150).stroke_width(1),
                    ))?;
                }
            }
        }
        Ok(())
    }
}

/// Draws `waterfall.png/.svg` into `dir`.
pub fn chart(d: &Decomposition, dir: &Path) -> Result<super::Chart> {
    super::write(
        dir,
        "waterfall",
        "Which lever does the work",
        "Each lever's Shapley contribution to the paired difference, per outcome, with the design's own difference last."
            .into(),
        &Waterfall { d },
    )
}
