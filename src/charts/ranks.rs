//! How sure the ranking is (`compare --posterior`; docs/COMPARISON.md): per headline outcome,
//! the share of parameter draws in which each design ranks first.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, Figure, header, palette};
use crate::analysis::posterior::Ranking;
use crate::output::Result;

const COLS: usize = 3;
const WIDTH: u32 = 1800;

struct Ranks<'a> {
    rankings: &'a [Ranking],
    draws: u32,
    baseline: usize,
}

impl Ranks<'_> {
    fn panel_height(&self) -> u32 {
        let n = self.rankings.first().map_or(1, |r| r.first.len()) as u32;
        120 + 34 * n
    }
}

impl Figure for Ranks<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.rankings.len().div_ceil(COLS) as u32;
        (WIDTH, 88 + 12 + rows * self.panel_height())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(
            root,
            "How sure is the ranking: the share of parameter draws in which each design ranks first",
            &format!(
                "{} draws from the calibration's accepted set, each design's mean over the draw's replicates; lower is better for unmet need, turnover, cost and spend, higher for the wage and the mission score.",
                self.draws
            ),
        )?;
        let body = body.split_vertically(12).1;
        let rows = self.rankings.len().div_ceil(COLS);
        for (cell, r) in body.split_evenly((rows, COLS)).iter().zip(self.rankings) {
            let n = r.first.len();
            let title =
                crate::analysis::compare::headline(&r.outcome).map_or(r.outcome.as_str(), |h| h.label);
            let labels: Vec<String> = r.first.iter().map(|f| f.0.clone()).collect();
            let mut chart = super::rows_panel(cell, title, 0.0..1.0, &labels, 190, 14, 1)?;
            for (j, (_, p, _)) in r.first.iter().enumerate() {
                let y = (n - 1 - j) as f64;
                let colour = palette::scenario_colour(j, self.baseline);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.3), (*p, y + 0.3)],
                    colour.filled(),
                )))?;
            }
        }
        Ok(())
    }
}

/// Draws `ranks.png/.svg` into `dir`.
pub fn chart(rankings: &[Ranking], draws: u32, baseline: usize, dir: &Path) -> Result<super::Chart> {
    super::write(
        dir,
        "ranks",
        "How sure is the ranking",
        "The share of parameter draws in which each design ranks first, per headline outcome.".into(),
        &Ranks { rankings, draws, baseline },
    )
}
