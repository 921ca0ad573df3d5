//! Same-budget comparisons (docs/COMPARISON.md, "Same budget"): the baseline's own spend,
//! measured on its replicates, becomes a binding budget for every design, so designs that cost
//! more per hour buy fewer hours.

use rayon::prelude::*;

use crate::ReplicateResult;
use crate::scenario::{FeeUplift, Scenario};

/// The budget every design gets under `compare --same-budget`: the baseline's annual spend
/// rate at the reform date, moving each April by its spend's growth over the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SameBudget {
    /// The baseline's spend (payments to providers and the provider of last resort) over the
    /// first 13 weeks after the reform date, × 4: £ a year at the reform date.
    pub annual_gbp_at_reform: f64,
    /// The baseline's mean annual growth of spend, year 1 to the last whole year (% a year).
    pub growth_percent: f64,
    /// Replicates it was measured on.
    pub replicates: u32,
}

/// The baseline's spend, replicate by replicate, as its runs go by (in replicate order, so the
/// budget is the same bytes whichever way the runs were scheduled).
#[derive(Clone, Debug, Default)]
pub struct SpendRecord {
    /// Per replicate: the first 13 weeks' spend × 4, and the spend of each whole year.
    replicates: Vec<(f64, Vec<f64>)>,
}

impl SpendRecord {
    /// Records one replicate of the baseline.
    pub fn add(&mut self, run: &ReplicateResult) {
        let weeks = run.weeks.iter().filter(|w| w.week >= 0).count();
        // Only whole years count towards the growth.
        let mut by_year = vec![0.0; (weeks / 52).max(1)];
        let mut first_quarter = 0.0;
        for w in run.weeks.iter().filter(|w| w.week >= 0) {
            let spend = w.council_spend_gbp + w.last_resort_spend_gbp;
            if w.week < 13 {
                first_quarter += spend;
            }
            if let Some(y) = by_year.get_mut(w.week as usize / 52) {
                *y += spend;
            }
        }
        self.replicates.push((first_quarter * 4.0, by_year));
    }

    /// The budget: means over the replicates recorded.
    pub fn budget(&self) -> SameBudget {
        let n = self.replicates.len().max(1) as f64;
        let annual = self.replicates.iter().map(|(a, _)| a).sum::<f64>() / n;
        let years = self.replicates.iter().map(|(_, y)| y.len()).min().unwrap_or(0);
        let year = |i: usize| self.replicates.iter().map(|(_, y)| y[i]).sum::<f64>() / n;
        let growth = if years >= 2 && year(0) > 0.0 {
            ((year(years - 1) / year(0)).powf(1.0 / (years - 1) as f64) - 1.0) * 100.0
        } else {
            0.0
        };
        SameBudget {
            annual_gbp_at_reform: annual,
            growth_percent: growth,
            replicates: self.replicates.len() as u32,
        }
    }
}

impl SameBudget {
    /// Measures the baseline's spend on replicates `0..replicates` at `seed` by running them
    /// (`compare --same-budget` records them from the comparison's own runs instead).
    pub fn measure(baseline: &Scenario, seed: u64, replicates: u32) -> SameBudget {
        let runs: Vec<ReplicateResult> =
            (0..replicates).into_par_iter().map(|r| crate::run_replicate(baseline, seed, r)).collect();
        let mut record = SpendRecord::default();
        for run in &runs {
            record.add(run);
        }
        record.budget()
    }

    /// `scenario` with this budget binding from the reform date (`council.reform_budget_gbp`),
    /// indexed each April by the baseline's spend growth; its rationing rule is its own.
    pub fn apply(&self, scenario: &mut Scenario) {
        scenario.council.reform_budget_gbp = self.annual_gbp_at_reform;
        scenario.council.budget_index = FeeUplift::Fixed { percent: self.growth_percent };
    }
}
