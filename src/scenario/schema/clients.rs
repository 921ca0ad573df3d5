//! `[clients]`: people drawing on council-funded care (arrivals, needs, visits, exits), with
//! their range checks.

use serde::{Deserialize, Serialize};

use super::{MAX_ARRIVALS_PER_WEEK, MAX_INITIAL_CLIENTS};
use crate::scenario::validate::Checker;

/// Shortest visit (`clients.visit_length_hours`): 0.05 hours, 3 minutes.
pub const MIN_VISIT_HOURS: f64 = 0.05;

/// People drawing on council-funded care.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ClientParams {
    /// Clients receiving care at the start of burn-in.
    pub initial_clients: u32,
    /// New council-funded packages per week (Poisson; exogenous, never tuned to a caseload).
    pub arrivals_per_week: f64,
    /// Mean assessed contact hours per week (lognormal).
    pub assessed_hours_mean: f64,
    /// Coefficient of variation of assessed hours.
    pub assessed_hours_cv: f64,
    /// Visit lengths in hours and their probabilities.
    pub visit_length_hours: Vec<f64>,
    pub visit_length_probabilities: Vec<f64>,
    /// Share of packages needing two carers at each visit.
    pub double_handed_share: f64,
    /// Weekly hazards of leaving care.
    pub death_per_week: f64,
    pub residential_care_per_week: f64,
    pub recovery_per_week: f64,
    /// The recovery hazard is `recovery_per_week` × (base + per_quality × the provider's quality
    /// + per_continuity × 1 / distinct carers in the last 4 weeks) (docs/ODD.md §7.4).
    pub recovery_multiplier_base: f64,
    pub recovery_multiplier_per_quality: f64,
    pub recovery_multiplier_per_continuity: f64,
    /// Relative rise of the residential-care hazard per unit of unmet-need share in the
    /// client's last 4 weeks (deterioration, docs/ODD.md §7.4).
    pub deterioration_per_unmet_share: f64,
    /// Relative rise of the residential-care hazard per week spent waiting.
    pub deterioration_per_week_waiting: f64,
    /// Share of visits cancelled at short notice (hospital stays, family cover).
    pub short_notice_cancellation_share: f64,
    /// Time in the home recorded by call monitoring as a share of the planned visit time.
    pub actual_to_planned_minutes: f64,
    /// Days a week a regular carer works; visits on other days go to cover carers.
    pub carer_days_per_week: f64,
}

impl Default for ClientParams {
    fn default() -> Self {
        Self {
            initial_clients: 2000,
            arrivals_per_week: 15.0,
            assessed_hours_mean: 11.0,
            assessed_hours_cv: 0.6,
            visit_length_hours: vec![0.25, 0.5, 0.75, 1.0],
            visit_length_probabilities: vec![0.07, 0.50, 0.20, 0.23],
            double_handed_share: 0.24,
            death_per_week: 0.0040,
            residential_care_per_week: 0.0018,
            recovery_per_week: 0.0017,
            recovery_multiplier_base: 0.5,
            recovery_multiplier_per_quality: 0.5,
            recovery_multiplier_per_continuity: 0.5,
            deterioration_per_unmet_share: 2.0,
            deterioration_per_week_waiting: 0.05,
            short_notice_cancellation_share: 0.04,
            actual_to_planned_minutes: 0.93,
            carer_days_per_week: 5.0,
        }
    }
}

impl ClientParams {
    /// Range checks of `[clients]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.count_at_most(
            "clients.initial_clients",
            self.initial_clients.into(),
            MAX_INITIAL_CLIENTS.into(),
            "clients",
        );
        c.non_negative("clients.arrivals_per_week", self.arrivals_per_week);
        c.at_most(
            "clients.arrivals_per_week",
            self.arrivals_per_week,
            MAX_ARRIVALS_PER_WEEK,
            "clients a week",
        );
        c.positive("clients.assessed_hours_mean", self.assessed_hours_mean);
        c.at_most("clients.assessed_hours_mean", self.assessed_hours_mean, 168.0, "hours a week");
        c.dispersion("clients.assessed_hours_cv", self.assessed_hours_cv);
        if self.visit_length_hours.is_empty()
            || self.visit_length_hours.len() != self.visit_length_probabilities.len()
        {
            c.fail(
                "clients.visit_length_hours",
                "expected as many visit lengths as probabilities, at least one",
            );
        } else {
            c.sums_to_one("clients.visit_length_probabilities", &self.visit_length_probabilities);
            for (i, v) in self.visit_length_hours.iter().enumerate() {
                let key = format!("clients.visit_length_hours[{i}]");
                c.positive(&key, *v);
                if *v > 0.0 && !(MIN_VISIT_HOURS..=24.0).contains(v) {
                    c.fail(
                        key,
                        format!(
                            "expected a visit from {MIN_VISIT_HOURS} hours (3 minutes) to 24 hours, found {v}"
                        ),
                    );
                }
            }
        }
        c.share("clients.double_handed_share", self.double_handed_share);
        c.share("clients.death_per_week", self.death_per_week);
        c.share("clients.residential_care_per_week", self.residential_care_per_week);
        c.share("clients.recovery_per_week", self.recovery_per_week);
        c.non_negative("clients.recovery_multiplier_base", self.recovery_multiplier_base);
        c.non_negative("clients.recovery_multiplier_per_quality", self.recovery_multiplier_per_quality);
        c.non_negative("clients.recovery_multiplier_per_continuity", self.recovery_multiplier_per_continuity);
        c.non_negative("clients.deterioration_per_unmet_share", self.deterioration_per_unmet_share);
        c.non_negative("clients.deterioration_per_week_waiting", self.deterioration_per_week_waiting);
        c.share("clients.short_notice_cancellation_share", self.short_notice_cancellation_share);
        c.share("clients.actual_to_planned_minutes", self.actual_to_planned_minutes);
        if !(1.0..=7.0).contains(&self.carer_days_per_week) {
            c.fail("clients.carer_days_per_week", "expected between 1 and 7 days");
        }
    }
}
