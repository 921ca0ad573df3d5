//! `[council]`: the commissioner (budget and its rationing, inspections, brokerage, downstream
//! costs, provider of last resort), with its range checks.

use serde::{Deserialize, Serialize};

use crate::scenario::FeeUplift;
use crate::scenario::validate::Checker;

/// The commissioner.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CouncilParams {
    /// Annual homecare budget.
    pub annual_budget_gbp: f64,
    /// Whether the budget binds; if so, new packages wait while spend runs ahead of it.
    pub budget_binding: bool,
    /// How the annual budget moves each April (docs/ODD.md §7.7), by the same rules as a fee
    /// uplift (`none`, a `fixed` percentage, which may be negative here, or
    /// `indexed_to_wage_floor`), so a budget means the same in year 5 as in year 1.
    pub budget_index: FeeUplift,
    /// A budget set at the reform date (£ a year; 0 = none): from week 0 it binds, rationed by
    /// `rationing`, and moves each April by `budget_index`; spend and budget are counted from
    /// the reform date across financial years. Burn-in is unconstrained as before, so paired
    /// scenarios still share it. `compare --same-budget` sets it to the baseline's spend.
    pub reform_budget_gbp: f64,
    /// Weekly chance that a provider is inspected.
    pub inspection_per_week: f64,
    /// Sd of inspectors' noise around true quality.
    pub inspection_noise_sd: f64,
    /// Quality thresholds for Requires improvement, Good, Outstanding.
    pub rating_thresholds: [f64; 3],
    /// Mean weeks from a request for care to the earliest start (assessment, matching,
    /// set-up); handed-back packages are re-brokered at once.
    pub start_of_care_weeks: f64,
    /// Providers a broker contacts per waiting client per week, at most.
    pub max_offers_per_client: u32,
    /// Downstream costs of unmet need and failure (docs/ODD.md §7.4).
    pub downstream: Downstream,
    /// How a binding budget is rationed (docs/ODD.md §7.7): `waits` (new packages wait while
    /// spend runs ahead of the pro-rata budget) or `trim` (packages keep starting, but
    /// assessed hours are trimmed at placement and at review while spend runs ahead).
    pub rationing: Rationing,
    /// `trim`: share of a package's hours cut at each review (or at placement) while over
    /// budget, down to at most `trim_max_share` below the assessed need.
    pub trim_share: f64,
    pub trim_max_share: f64,
    /// Weeks between reviews of a package (from the client's arrival). At a review in a week
    /// within budget, trimmed hours are restored to the assessed need.
    pub review_every_weeks: u32,
    /// An optional provider of last resort (council in-house or contingency capacity).
    pub last_resort: LastResort,
}

impl Default for CouncilParams {
    fn default() -> Self {
        Self {
            annual_budget_gbp: 36.0e6,
            budget_binding: false,
            budget_index: FeeUplift::None,
            reform_budget_gbp: 0.0,
            inspection_per_week: 1.0 / 104.0,
            inspection_noise_sd: 0.02,
            rating_thresholds: [0.45, 0.78, 1.0],
            start_of_care_weeks: 1.7,
            max_offers_per_client: 8,
            downstream: Downstream::default(),
            rationing: Rationing::Waits,
            trim_share: 0.1,
            trim_max_share: 0.3,
            review_every_weeks: 26,
            last_resort: LastResort::default(),
        }
    }
}

impl CouncilParams {
    /// Range checks of `[council]`, including `[council.downstream]` and `[council.last_resort]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.positive("council.annual_budget_gbp", self.annual_budget_gbp);
        c.non_negative("council.reform_budget_gbp", self.reform_budget_gbp);
        if let FeeUplift::Fixed { percent } = self.budget_index
            && !(-50.0..=100.0).contains(&percent)
        {
            c.fail(
                "council.budget_index.percent",
                format!("expected −50 to 100 (% a year), found {percent}"),
            );
        }
        c.share("council.inspection_per_week", self.inspection_per_week);
        c.dispersion("council.inspection_noise_sd", self.inspection_noise_sd);
        let t = self.rating_thresholds;
        for (i, v) in t.iter().enumerate() {
            c.share(&format!("council.rating_thresholds[{i}]"), *v);
        }
        if !(t[0] < t[1] && t[1] < t[2]) {
            c.fail("council.rating_thresholds", "expected three increasing quality thresholds");
        }
        c.non_negative("council.start_of_care_weeks", self.start_of_care_weeks);
        if self.max_offers_per_client == 0 {
            c.fail("council.max_offers_per_client", "expected at least 1");
        }

        self.downstream.check(c);
        c.share("council.trim_share", self.trim_share);
        c.share("council.trim_max_share", self.trim_max_share);
        if self.review_every_weeks == 0 {
            c.fail("council.review_every_weeks", "expected at least 1 week");
        }
        self.last_resort.check(c);
    }
}

/// The ledger of costs that unmet need and market failure push elsewhere (docs/ODD.md §7.4).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Downstream {
    /// Weekly hazard of an emergency hospital admission for a person drawing on homecare with
    /// all needs met; it rises with unmet need and waiting as the residential hazard does.
    pub hospital_admission_per_week: f64,
    /// NHS cost of one emergency admission.
    pub hospital_admission_nhs_gbp: f64,
    /// Council cost of a move to residential care caused by deterioration: the weekly cost
    /// of a care-home place above a homecare package, over the weeks counted.
    pub residential_excess_gbp_per_week: f64,
    pub residential_weeks_costed: f64,
    /// Premium on the hourly rate the council pays to place a package urgently after a
    /// handback or a provider's exit, for `emergency_weeks` weeks.
    pub emergency_premium: f64,
    pub emergency_weeks: u32,
}

impl Default for Downstream {
    fn default() -> Self {
        Self {
            hospital_admission_per_week: 0.004,
            hospital_admission_nhs_gbp: 3_700.0,
            residential_excess_gbp_per_week: 700.0,
            residential_weeks_costed: 52.0,
            emergency_premium: 0.15,
            emergency_weeks: 4,
        }
    }
}

impl Downstream {
    /// Range checks of `[council.downstream]`.
    fn check(&self, c: &mut Checker) {
        c.share("council.downstream.hospital_admission_per_week", self.hospital_admission_per_week);
        c.non_negative("council.downstream.hospital_admission_nhs_gbp", self.hospital_admission_nhs_gbp);
        c.non_negative(
            "council.downstream.residential_excess_gbp_per_week",
            self.residential_excess_gbp_per_week,
        );
        c.non_negative("council.downstream.residential_weeks_costed", self.residential_weeks_costed);
        c.non_negative("council.downstream.emergency_premium", self.emergency_premium);
    }
}

/// How a binding budget is rationed (docs/ODD.md §7.7). Either way the rationed hours stay in
/// the assessed need, so a cut shows up as unmet need.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rationing {
    /// No new package starts while spend runs ahead of the pro-rata budget.
    #[default]
    Waits,
    /// Packages keep starting, but hours are trimmed at placement and at review.
    Trim,
}

/// The council's provider of last resort: in-house or contingency capacity (e.g. an agency
/// call-off) that takes urgent clients (returned by a handback or a failure) whom no provider
/// takes in the week they are re-brokered, delivers their assessed hours in full at its own
/// cost, and steps them down to the market when a provider accepts them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LastResort {
    pub enabled: bool,
    /// Worker-hours a week it can deliver.
    pub capacity_hours_per_week: f64,
    /// Its cost per worker-hour, in prices of the first burn-in year (moved by the wage
    /// index: it is mostly pay).
    pub cost_gbp_per_hour: f64,
    /// Weeks a client stays before brokers offer the package to the market again.
    pub step_down_after_weeks: u32,
}

impl Default for LastResort {
    fn default() -> Self {
        Self {
            enabled: false,
            capacity_hours_per_week: 400.0,
            cost_gbp_per_hour: 38.0,
            step_down_after_weeks: 4,
        }
    }
}

impl LastResort {
    /// Range checks of `[council.last_resort]`.
    fn check(&self, c: &mut Checker) {
        c.non_negative("council.last_resort.capacity_hours_per_week", self.capacity_hours_per_week);
        c.non_negative("council.last_resort.cost_gbp_per_hour", self.cost_gbp_per_hour);
    }
}
