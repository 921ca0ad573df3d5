//! Headline outcomes over time: one panel per weekly metric, one line per scenario (median over
//! replicates) with a band holding 90% of replicates; burn-in shaded.

use std::path::Path;

use crate::output::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    DrawResult, Figure, Input, Key, Series, bands, header, legend, palette, scenario_keys, time_panel,
};

/// A weekly metric drawn over time.
pub struct Panel {
    pub metric: &'static str,
    pub caption: &'static str,
    pub unit: &'static str,
    pub scale: f64,
    /// Trailing moving average within each replicate, in weeks (weekly flows are noisy).
    pub smooth_weeks: usize,
}

/// The panels, in order; a metric missing from the run is skipped.
pub const PANELS: &[Panel] = &[
    Panel {
        metric: "unmet_need_share",
        caption: "Unmet need",
        unit: "% of assessed hours",
        scale: 100.0,
        smooth_weeks: 4,
    },
    Panel {
        metric: "turnover_annualised",
        caption: "Care-worker turnover",
        unit: "% a year (13-week mean)",
        scale: 100.0,
        smooth_weeks: 13,
    },
    Panel {
        metric: "vacancy_rate",
        caption: "Vacancy rate",
        unit: "% of posts",
        scale: 100.0,
        smooth_weeks: 4,
    },
    Panel {
        metric: "effective_wage_gbp_per_hour",
        caption: "Effective wage (incl. unpaid travel)",
        unit: "£ per hour worked",
        scale: 1.0,
        smooth_weeks: 4,
    },
    Panel {
        metric: "cost_per_delivered_hour_gbp",
        caption: "Council cost per delivered hour",
        unit: "£ per carer-hour",
        scale: 1.0,
        smooth_weeks: 4,
    },
    Panel {
        metric: "clients_waiting",
        caption: "Clients waiting for a package",
        unit: "clients",
        scale: 1.0,
        smooth_weeks: 4,
    },
];

const COLS: usize = 3;
const PANEL_H: u32 = 430;
const WIDTH: u32 = 1800;

struct TimeSeries {
    title: String,
    subtitle: String,
    keys: Vec<(String, RGBColor, Key)>,
    years: Vec<f64>,
    burn_in: bool,
    panels: Vec<(&'static Panel, Vec<Series>)>,
}

fn legend_height(n: usize) -> u32 {
    if n > 4 { 72 } else { 44 }
}

impl Figure for TimeSeries {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(COLS) as u32;
        (WIDTH, 88 + legend_height(self.keys.len()) + rows * PANEL_H)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = header(root, &self.title, &self.subtitle)?;
        let used = legend(&body, &self.keys, 4)?;
        let body = body.split_vertically(used + 12).1;
        let rows = self.panels.len().div_ceil(COLS);
        let cells = body.split_evenly((rows, COLS));
        for (cell, (p, series)) in cells.iter().zip(&self.panels) {
            time_panel(cell, p.caption, p.unit, &self.years, series, self.burn_in)?;
        }
        Ok(())
    }
}

/// Draws the chart, or None when the run has none of the panels' metrics.
pub fn chart(input: &Input, dir: &Path) -> Result<Option<super::Chart>> {
    let w = input.weekly;
    let panels: Vec<_> = PANELS
        .iter()
        .filter_map(|p| {
            let data = w.metric(p.metric)?;
            let series = (0..w.scenarios.len())
                .map(|s| {
                    (palette::scenario_colour(s, input.baseline), bands(&data[s], p.smooth_weeks, p.scale))
                })
                .collect::<Vec<_>>();
            Some((p, series))
        })
        .collect();
    if panels.is_empty() || w.weeks.is_empty() {
        return Ok(None);
    }
    let title = "Headline outcomes over time".to_string();
    let subtitle = format!(
        "Lines: median of {} replicates; bands: 90% of replicates (5th–95th percentile). \
         4-week moving averages unless stated. Burn-in (grey) runs the same rules in every scenario, so all scenarios coincide there.",
        w.replicates
    );
    // Reading: the first panel over the last year of the run.
    let (p, series) = &panels[0];
    let last_year = w.weeks.len().saturating_sub(52);
    let finals: Vec<(usize, f64)> = series
        .iter()
        .enumerate()
        .map(|(s, (_, b))| {
            let m: Vec<f64> = b[last_year..].iter().map(|x| x.1).collect();
            (s, m.iter().sum::<f64>() / m.len().max(1) as f64)
        })
        .collect();
    let lo = finals.iter().min_by(|a, b| a.1.total_cmp(&b.1)).expect("scenarios");
    let hi = finals.iter().max_by(|a, b| a.1.total_cmp(&b.1)).expect("scenarios");
    let reading = if finals.len() > 1 {
        format!(
            "In the final year, {} is lowest under {} ({:.1}) and highest under {} ({:.1}, {}, medians over replicates).",
            p.caption.to_lowercase(),
            w.scenarios[lo.0],
            lo.1,
            w.scenarios[hi.0],
            hi.1,
            p.unit
        )
    } else {
        format!("In the final year, {} is {:.1} ({}).", p.caption.to_lowercase(), lo.1, p.unit)
    };
    let fig = TimeSeries {
        title: title.clone(),
        subtitle,
        keys: scenario_keys(input, Key::Line),
        years: w.years(),
        burn_in: w.has_burn_in(),
        panels,
    };
    super::write(dir, "timeseries", &title, reading, &fig).map(Some)
}
