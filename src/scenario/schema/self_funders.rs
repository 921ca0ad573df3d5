//! `[self_funders]`: privately paid homecare that providers may serve instead of council
//! packages, with its range checks.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

/// Most self-funded hours a week (`self_funders.hours_per_week`): 1,000,000, 200 times Camden's
/// 5,000 (initial staff are drawn to cover them).
pub const MAX_SELF_FUNDED_HOURS: f64 = 1_000_000.0;

/// Privately paid homecare, which providers may serve instead of council packages.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SelfFunderParams {
    /// Self-funded contact hours demanded per week across the borough (split by patch demand).
    pub hours_per_week: f64,
    /// Hourly fee paid by self-funders.
    pub private_rate_gbp_per_hour: f64,
    /// Contact hours of one new self-funded client a week (a self-funder arrives as a whole
    /// package and chooses one provider, docs/ODD.md §7.12).
    pub client_hours: f64,
    /// Share of self-funded hours whose care ends each week (death, residential care, recovery),
    /// freeing demand for new self-funders.
    pub ending_per_week: f64,
    /// Share of self-funded hours that leave a provider in a week, per unit of the share of
    /// hours it failed to deliver last week (self-funders leave providers that miss visits).
    pub leaving_per_shortfall: f64,
    /// How far the private fee follows providers' costs where they grow faster than the wage
    /// floor (docs/ODD.md §7.12): from the reform date the fee is `private_rate_gbp_per_hour`
    /// × W × (C / W)^π, W the NLW index and C the cost index (the market's variable cost of a
    /// contact hour, a 13-week running mean, relative to the reform date's, × W there), with
    /// π this when C ≥ W. Assumed 1 (full pass-through; docs/CALIBRATION.md [C56]).
    pub cost_pass_through: f64,
    /// π when costs grow more slowly than the wage floor (C < W). Assumed 0: fees do not fall
    /// behind the wage floor (prices rise faster than they fall; [C56]).
    pub cost_pass_through_down: f64,
}

impl Default for SelfFunderParams {
    fn default() -> Self {
        Self {
            hours_per_week: 5000.0,
            private_rate_gbp_per_hour: 31.0,
            client_hours: 11.0,
            ending_per_week: 0.0075,
            leaving_per_shortfall: 0.25,
            cost_pass_through: 1.0,
            cost_pass_through_down: 0.0,
        }
    }
}

impl SelfFunderParams {
    /// Range checks of `[self_funders]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.non_negative("self_funders.hours_per_week", self.hours_per_week);
        // Providers start with the staff these hours need: a bound on them bounds the workforce.
        c.at_most("self_funders.hours_per_week", self.hours_per_week, MAX_SELF_FUNDED_HOURS, "hours a week");
        c.positive("self_funders.private_rate_gbp_per_hour", self.private_rate_gbp_per_hour);
        // A self-funded package is at least one 15-minute visit a week (and so a week's demand
        // is placed in a bounded number of packages).
        if self.client_hours.is_nan() || self.client_hours < 0.25 {
            c.fail(
                "self_funders.client_hours",
                format!(
                    "expected at least 0.25 hours (one 15-minute visit) a week, found {}",
                    self.client_hours
                ),
            );
        }
        c.at_most("self_funders.client_hours", self.client_hours, 70.0, "hours a week (a package's most)");
        c.share("self_funders.ending_per_week", self.ending_per_week);
        c.share("self_funders.leaving_per_shortfall", self.leaving_per_shortfall);
        c.between("self_funders.cost_pass_through", self.cost_pass_through, 0.0, 2.0, "a pass-through");
        c.between(
            "self_funders.cost_pass_through_down",
            self.cost_pass_through_down,
            0.0,
            2.0,
            "a pass-through",
        );
    }
}
