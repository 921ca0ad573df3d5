//! `[workforce]`: care workers and the finite labour pool (inflow, reservation wages, hours,
//! quits, job search), with their range checks.

use serde::{Deserialize, Serialize};

use super::{MAX_POOL_INFLOW_PER_WEEK, MAX_POOL_WORKERS};
use crate::scenario::validate::Checker;

/// Largest size of a log-odds coefficient of the quit hazard: 20 already moves a hazard from
/// 10^-9 to nearly 1.
pub const MAX_LOG_ODDS: f64 = 20.0;
/// Largest `workforce.supply_ceiling_multiple`: 1,000 is a labour supply without a ceiling.
pub const MAX_SUPPLY_CEILING: f64 = 1000.0;
/// Largest `workforce.weeks_to_start`: half a year of pre-employment checks.
pub const MAX_WEEKS_TO_START: f64 = 26.0;

/// Care workers and the finite labour pool.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WorkforceParams {
    /// People between care jobs or newly entering care work at the start.
    pub pool_initial: u32,
    /// New entrants to care work from the borough's own labour market per week, when the
    /// market pays the outside wage and the reservoir of people willing to do care work is at
    /// its steady state (docs/ODD.md §7.13).
    pub pool_inflow_per_week: f64,
    /// Elasticity of new entrants to the wage: entry rises with (market wage net of unpaid
    /// travel / outside wage)^elasticity, while the reservoir lasts.
    pub inflow_wage_elasticity: f64,
    /// The finite reservoir: however high the pay, the borough's steady inflow of entrants is
    /// at most this multiple of `pool_inflow_per_week` (the rate at which the reservoir refills).
    pub supply_ceiling_multiple: f64,
    /// Weekly rate at which the reservoir refills towards its full size (people newly willing
    /// to do care work: school leavers, career changers, people moving into the borough).
    pub reservoir_renewal_per_week: f64,
    /// International recruits per week while the overseas care-worker visa route is open.
    pub international_inflow_per_week: f64,
    /// Calendar year and week of the year from which the overseas route is closed to new
    /// applicants (22 July 2025: 2025, week 30).
    pub overseas_route_closed_year: i32,
    pub overseas_route_closed_week: u32,
    /// Share of the international inflow that continues after the closure, by in-country
    /// switching of people already in the UK on a care visa, until the transition ends.
    pub in_country_switching_share: f64,
    pub in_country_switching_ends_year: i32,
    pub in_country_switching_ends_week: u32,
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
    /// Weekly quit hazard (leaving one's employer, for the pool or out of care work) of a
    /// trained worker on guaranteed hours, working the hours they want, with paid travel and an
    /// effective wage equal to the outside wage. The hazard is logistic (docs/ODD.md §7.13):
    /// logit h = logit base − pay_elasticity · ln(effective / outside wage) + zero_hours +
    /// underemployment · (hours shortfall share) + unpaid_travel · (unpaid travel share) +
    /// untrained.
    pub quit_base_per_week: f64,
    /// Elasticity of the quit hazard to pay (a 1% higher effective wage lowers the hazard by
    /// about this many per cent).
    pub quit_pay_elasticity: f64,
    /// Log-odds added to the quit hazard on a zero-hours contract.
    pub quit_zero_hours_log_odds: f64,
    /// Log-odds added per unit share of desired hours not worked.
    pub quit_underemployment_log_odds: f64,
    /// Log-odds added per unit share of working time that is unpaid travel.
    pub quit_unpaid_travel_log_odds: f64,
    /// Log-odds added before the worker reaches competence (`weeks_to_competence`).
    pub quit_untrained_log_odds: f64,
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
    /// Mean weeks from accepting a post to the first shift, for a recruit from outside the
    /// borough's providers: references, an enhanced DBS check with the adults' barred list,
    /// right-to-work checks and induction (docs/ODD.md §7.13). The post stays vacant meanwhile
    /// but is no longer advertised. Whole weeks, the fraction as a chance of one more week.
    pub weeks_to_start: f64,
}

impl Default for WorkforceParams {
    fn default() -> Self {
        Self {
            pool_initial: 60,
            pool_inflow_per_week: 11.601924,
            inflow_wage_elasticity: 4.0,
            supply_ceiling_multiple: 2.0,
            reservoir_renewal_per_week: 1.0 / 52.0,
            international_inflow_per_week: 2.4,
            overseas_route_closed_year: 2025,
            overseas_route_closed_week: 30,
            in_country_switching_share: 0.5,
            in_country_switching_ends_year: 2028,
            in_country_switching_ends_week: 30,
            estate_outreach_per_vacancy_week: 0.05,
            pool_outflow_per_week: 0.04,
            intrinsic_motivation_log: 0.15,
            reservation_wage_log_sd: 0.06,
            desired_hours_mean: 32.0,
            desired_hours_sd: 8.0,
            guaranteed_share_of_desired: 0.8,
            absence_per_week: 0.04,
            quit_base_per_week: 0.0031934,
            quit_pay_elasticity: 1.0,
            quit_zero_hours_log_odds: 0.14776,
            quit_underemployment_log_odds: 0.43,
            quit_unpaid_travel_log_odds: 1.0,
            quit_untrained_log_odds: 0.5,
            quitters_to_pool_share: 0.5,
            on_the_job_search_per_week: 0.01,
            switch_threshold_gbp: 0.40,
            value_of_guaranteed_hours_gbp: 0.60,
            distance_cost_gbp_per_km: 0.05,
            vacancies_seen_per_search: 3,
            employer_taste_sd_gbp: 0.40,
            weeks_to_competence: 26.0,
            weeks_to_start: 3.8134,
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
            ("workforce.reservoir_renewal_per_week", self.reservoir_renewal_per_week),
            ("workforce.in_country_switching_share", self.in_country_switching_share),
            ("workforce.quitters_to_pool_share", self.quitters_to_pool_share),
            ("workforce.on_the_job_search_per_week", self.on_the_job_search_per_week),
        ] {
            c.share(k, v);
        }
        for (k, v) in [
            ("workforce.quit_pay_elasticity", self.quit_pay_elasticity),
            ("workforce.quit_zero_hours_log_odds", self.quit_zero_hours_log_odds),
            ("workforce.quit_underemployment_log_odds", self.quit_underemployment_log_odds),
            ("workforce.quit_unpaid_travel_log_odds", self.quit_unpaid_travel_log_odds),
            ("workforce.quit_untrained_log_odds", self.quit_untrained_log_odds),
        ] {
            c.between(k, v, -MAX_LOG_ODDS, MAX_LOG_ODDS, "a log-odds coefficient");
        }
        if !(self.supply_ceiling_multiple > 1.0 && self.supply_ceiling_multiple <= MAX_SUPPLY_CEILING) {
            c.fail(
                "workforce.supply_ceiling_multiple",
                format!(
                    "expected a multiple above 1 and at most {MAX_SUPPLY_CEILING}, found {}",
                    self.supply_ceiling_multiple
                ),
            );
        }
        c.non_negative("workforce.international_inflow_per_week", self.international_inflow_per_week);
        c.at_most(
            "workforce.international_inflow_per_week",
            self.international_inflow_per_week,
            MAX_POOL_INFLOW_PER_WEEK,
            "workers a week",
        );
        c.year("workforce.overseas_route_closed_year", self.overseas_route_closed_year);
        c.year("workforce.in_country_switching_ends_year", self.in_country_switching_ends_year);
        for (k, v) in [
            ("workforce.overseas_route_closed_week", self.overseas_route_closed_week),
            ("workforce.in_country_switching_ends_week", self.in_country_switching_ends_week),
        ] {
            if !(1..=52).contains(&v) {
                c.fail(k, "expected a week of the year from 1 to 52");
            }
        }
        c.non_negative("workforce.switch_threshold_gbp", self.switch_threshold_gbp);
        c.non_negative("workforce.value_of_guaranteed_hours_gbp", self.value_of_guaranteed_hours_gbp);
        c.non_negative("workforce.distance_cost_gbp_per_km", self.distance_cost_gbp_per_km);
        c.dispersion("workforce.employer_taste_sd_gbp", self.employer_taste_sd_gbp);
        if self.vacancies_seen_per_search == 0 {
            c.fail("workforce.vacancies_seen_per_search", "expected at least 1");
        }
        c.positive("workforce.weeks_to_competence", self.weeks_to_competence);
        c.non_negative("workforce.weeks_to_start", self.weeks_to_start);
        c.at_most("workforce.weeks_to_start", self.weeks_to_start, MAX_WEEKS_TO_START, "weeks");
    }
}
