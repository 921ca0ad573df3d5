//! `[workforce]`: care workers and the finite labour pool (inflow, reservation wages, hours,
//! quits, job search), with their range checks.

use serde::{Deserialize, Serialize};

use super::{MAX_POOL_INFLOW_PER_WEEK, MAX_POOL_WORKERS};
use crate::scenario::validate::Checker;

/// Care workers and the finite labour pool.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WorkforceParams {
    /// People between care jobs or newly entering care work at the start.
    pub pool_initial: u32,
    /// New entrants to care work per week (incl. international recruitment).
    pub pool_inflow_per_week: f64,
    /// Elasticity of new entrants to the wage: inflow = pool_inflow_per_week ×
    /// (market wage net of unpaid travel / outside wage)^elasticity.
    pub inflow_wage_elasticity: f64,
    /// Local outreach: estate residents newly recruited into care work per week per vacancy
    /// by a provider with a local-hiring term whose estate share is below its target.
    pub estate_outreach_per_vacancy_week: f64,
    /// Weekly chance that someone in the pool leaves the sector.
    pub pool_outflow_per_week: f64,
    /// How far below the outside wage (in logs) the typical reservation wage for care work
    /// lies: many care workers value the work itself.
    pub intrinsic_motivation_log: f64,
    /// Sd of the log reservation wage.
    pub reservation_wage_log_sd: f64,
    /// Hours a week a worker wants (mean and sd, normal, clamped to 8–48).
    pub desired_hours_mean: f64,
    pub desired_hours_sd: f64,
    /// Guaranteed hours as a share of desired hours on a guaranteed-hours contract.
    pub guaranteed_share_of_desired: f64,
    /// Weekly chance that a worker is absent (sick, on leave) and delivers nothing.
    pub absence_per_week: f64,
    /// Quit hazard per week: base + wage_gap·(relative shortfall of effective wage below the
    /// outside option) + insecurity·(zero-hours) + underemployment·(hours shortfall share)
    /// + travel_burden·(unpaid travel share).
    pub quit_base_per_week: f64,
    pub quit_wage_gap: f64,
    pub quit_insecurity: f64,
    pub quit_underemployment: f64,
    pub quit_travel_burden: f64,
    /// Share of quitters who stay in care work (go to the pool) rather than leave the sector.
    pub quitters_to_pool_share: f64,
    /// Weekly chance that an employed worker looks at other providers' vacancies.
    pub on_the_job_search_per_week: f64,
    /// Utility gain (£/h equivalent) needed to move employer.
    pub switch_threshold_gbp: f64,
    /// Value to a worker (£/h equivalent) of a guaranteed-hours contract.
    pub value_of_guaranteed_hours_gbp: f64,
    /// Cost to a worker (£/h equivalent) per km between home and the provider's patches.
    pub distance_cost_gbp_per_km: f64,
    /// Vacancies a job seeker learns of in a week (search frictions): they choose the best of
    /// this many providers with open posts, drawn at random.
    pub vacancies_seen_per_search: u32,
    /// Sd of workers' idiosyncratic taste for an employer (£/h equivalent).
    pub employer_taste_sd_gbp: f64,
    /// Weeks a worker's tenure must reach to count as trained (affects quality).
    pub weeks_to_competence: f64,
}

impl Default for WorkforceParams {
    fn default() -> Self {
        Self {
            pool_initial: 60,
            pool_inflow_per_week: 9.926479,
            inflow_wage_elasticity: 2.0,
            estate_outreach_per_vacancy_week: 0.05,
            pool_outflow_per_week: 0.04,
            intrinsic_motivation_log: 0.15,
            reservation_wage_log_sd: 0.06,
            desired_hours_mean: 32.0,
            desired_hours_sd: 8.0,
            guaranteed_share_of_desired: 0.8,
            absence_per_week: 0.04,
            quit_base_per_week: 0.001624,
            quit_wage_gap: 0.028870,
            quit_insecurity: 0.0015,
            quit_underemployment: 0.004,
            quit_travel_burden: 0.004,
            quitters_to_pool_share: 0.5,
            on_the_job_search_per_week: 0.01,
            switch_threshold_gbp: 0.40,
            value_of_guaranteed_hours_gbp: 0.60,
            distance_cost_gbp_per_km: 0.05,
            vacancies_seen_per_search: 3,
            employer_taste_sd_gbp: 0.40,
            weeks_to_competence: 26.0,
        }
    }
}

impl WorkforceParams {
    /// Range checks of `[workforce]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.count_at_most(
            "workforce.pool_initial",
            self.pool_initial.into(),
            MAX_POOL_WORKERS.into(),
            "workers",
        );
        c.non_negative("workforce.pool_inflow_per_week", self.pool_inflow_per_week);
        c.at_most(
            "workforce.pool_inflow_per_week",
            self.pool_inflow_per_week,
            MAX_POOL_INFLOW_PER_WEEK,
            "workers a week",
        );
        c.between(
            "workforce.estate_outreach_per_vacancy_week",
            self.estate_outreach_per_vacancy_week,
            0.0,
            1.0,
            "a recruitment rate per vacancy-week",
        );
        c.between(
            "workforce.intrinsic_motivation_log",
            self.intrinsic_motivation_log,
            -2.0,
            2.0,
            "a log wage premium",
        );
        c.share("workforce.pool_outflow_per_week", self.pool_outflow_per_week);
        c.non_negative("workforce.inflow_wage_elasticity", self.inflow_wage_elasticity);
        c.dispersion("workforce.reservation_wage_log_sd", self.reservation_wage_log_sd);
        c.positive("workforce.desired_hours_mean", self.desired_hours_mean);
        c.at_most("workforce.desired_hours_mean", self.desired_hours_mean, 168.0, "hours a week");
        c.non_negative("workforce.desired_hours_sd", self.desired_hours_sd);
        c.at_most("workforce.desired_hours_sd", self.desired_hours_sd, 168.0, "hours a week");
        c.share("workforce.guaranteed_share_of_desired", self.guaranteed_share_of_desired);
        for (k, v) in [
            ("workforce.absence_per_week", self.absence_per_week),
            ("workforce.quit_base_per_week", self.quit_base_per_week),
            ("workforce.quit_insecurity", self.quit_insecurity),
            ("workforce.quit_underemployment", self.quit_underemployment),
            ("workforce.quit_travel_burden", self.quit_travel_burden),
            ("workforce.quitters_to_pool_share", self.quitters_to_pool_share),
            ("workforce.on_the_job_search_per_week", self.on_the_job_search_per_week),
        ] {
            c.share(k, v);
        }
        c.non_negative("workforce.quit_wage_gap", self.quit_wage_gap);
        c.non_negative("workforce.switch_threshold_gbp", self.switch_threshold_gbp);
        c.non_negative("workforce.value_of_guaranteed_hours_gbp", self.value_of_guaranteed_hours_gbp);
        c.non_negative("workforce.distance_cost_gbp_per_km", self.distance_cost_gbp_per_km);
        c.dispersion("workforce.employer_taste_sd_gbp", self.employer_taste_sd_gbp);
        if self.vacancies_seen_per_search == 0 {
            c.fail("workforce.vacancies_seen_per_search", "expected at least 1");
        }
        c.positive("workforce.weeks_to_competence", self.weeks_to_competence);
    }
}
