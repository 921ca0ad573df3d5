//! The stress table: for each policy × shock, the after-shock outcomes of the shocked runs
//! (mean and 95% CI over replicates) and their paired difference from the same policy without
//! the shock, measured over the same weeks (common random numbers pair the replicates).

use super::stats::{moments, paired_differences};
use super::{ReplicateSummary, Summary, column};

/// The outcomes reported per policy × shock (summary columns).
pub const STRESS_METRICS: &[&str] = &[
    "peak_unmet_need_share_after_shock",
    "weeks_to_recover_unmet_need",
    "peak_waiting_after_shock",
    "weeks_to_recover_waiting",
    "unmet_hours_year_after_shock",
    "emergency_premium_gbp_year_after_shock",
    "handbacks_year_after_shock",
    "loss_handbacks_year_after_shock",
    "exits_year_after_shock",
    "last_resort_spend_gbp_year_after_shock",
    "council_spend_gbp_year_after_shock",
];

/// One policy × shock × outcome.
#[derive(Clone, Debug)]
pub struct StressCell {
    pub policy: String,
    pub shock: String,
    pub metric: &'static str,
    pub replicates: usize,
    pub mean: f64,
    /// Half-width of the 95% CI of the mean (NaN with one replicate).
    pub ci95: f64,
    /// The same policy without the shock, over the same weeks.
    pub baseline_mean: f64,
    /// Mean paired difference (shocked − baseline) and the half-width of its 95% CI.
    pub difference: f64,
    pub difference_ci95: f64,
}

/// Builds the stress table. `matrix` lists (scenario name, policy, shock) for every scenario
/// of the run, as `scenario::compose` made them; replicates are matched to their baseline (the
/// policy's own scenario, summarised from the shock's week) by replicate.
pub fn stress_table(
    summaries: &[ReplicateSummary],
    matrix: &[(String, String, Option<String>)],
) -> Vec<StressCell> {
    let mut cells = Vec::new();
    for (name, policy, shock) in matrix {
        let Some(shock) = shock else { continue };
        let shocked: Vec<&ReplicateSummary> = summaries.iter().filter(|r| &r.scenario == name).collect();
        let Some(week) = shocked.first().and_then(|r| r.shock_week) else { continue };
        let sums: Vec<Summary> = shocked.iter().map(|r| r.summary.clone()).collect();
        let base: Vec<Summary> = shocked
            .iter()
            .filter_map(|r| summaries.iter().find(|b| &b.scenario == policy && b.replicate == r.replicate))
            .filter_map(|b| b.from_week(week).cloned())
            .collect();
        for &metric in STRESS_METRICS {
            let x = column(&sums, metric).expect("stress metrics are summary metrics");
            let m = moments(&x);
            let (baseline_mean, difference, difference_ci95) = if base.len() == sums.len() {
                let b = column(&base, metric).expect("stress metrics are summary metrics");
                let md = moments(&paired_differences(&x, &b));
                (moments(&b).mean, md.mean, md.ci_half_width(0.95))
            } else {
                (f64::NAN, f64::NAN, f64::NAN)
            };
            cells.push(StressCell {
                policy: policy.clone(),
                shock: shock.clone(),
                metric,
                replicates: m.n,
                mean: m.mean,
                ci95: m.ci_half_width(0.95),
                baseline_mean,
                difference,
                difference_ci95,
            });
        }
    }
    cells
}
