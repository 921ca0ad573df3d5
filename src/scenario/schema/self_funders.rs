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
    /// Share of a provider's spare capacity it offers to self-funders each week.
    pub uptake_of_spare_capacity: f64,
}

impl Default for SelfFunderParams {
    fn default() -> Self {
        Self { hours_per_week: 5000.0, private_rate_gbp_per_hour: 31.0, uptake_of_spare_capacity: 0.25 }
    }
}

impl SelfFunderParams {
    /// Range checks of `[self_funders]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.non_negative("self_funders.hours_per_week", self.hours_per_week);
        // Providers start with the staff these hours need: a bound on them bounds the workforce.
        c.at_most("self_funders.hours_per_week", self.hours_per_week, MAX_SELF_FUNDED_HOURS, "hours a week");
        c.positive("self_funders.private_rate_gbp_per_hour", self.private_rate_gbp_per_hour);
        c.share("self_funders.uptake_of_spare_capacity", self.uptake_of_spare_capacity);
    }
}
