//! `[cost_model]`: the parts of an hour of care and the statutory employment rates by year
//! (docs/ODD.md §7.24), used by indexed rate floors and by bidders' cost estimates; with its
//! range checks. Sources: docs/CALIBRATION.md §2.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

/// The cost model of an hour of care.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CostModelParams {
    /// Contact hours a care worker works in a week: with the pay per contact hour, the annual
    /// earnings that National Insurance and pension thresholds apply to.
    pub contact_hours_per_worker_week: f64,
    /// Holiday pay as a share of pay for hours worked (5.6 weeks' statutory leave:
    /// 5.6 / 46.4 = 12.07%).
    pub holiday_share: f64,
    /// Paid training time per worker a year (hours).
    pub training_hours_per_worker_year: f64,
    /// Other paid non-contact time (supervision, team meetings, shadowing) per contact hour.
    pub non_contact_paid_share: f64,
    /// Share of working time lost to sickness, paid at Statutory Sick Pay.
    pub sickness_absence_share: f64,
    /// Gloves, aprons and other consumables per contact hour (£, × cost index).
    pub consumables_gbp_per_hour: f64,
    /// Travel time between visits per contact hour (hours), paid at the wage; bidders use their
    /// own (ODD §7.9).
    pub travel_hours_per_contact_hour: f64,
    /// Kilometres driven per contact hour; bidders use their own.
    pub km_per_contact_hour: f64,
    /// Mileage paid per kilometre (£).
    pub mileage_gbp_per_km: f64,
    /// Business costs per contact hour: back office, registration, insurance, premises, IT
    /// (£, × cost index); bidders use their own admin and overhead.
    pub business_gbp_per_hour: f64,
    /// Surplus as a share of the price (return on operations).
    pub margin: f64,
    /// Statutory employer rates by year from April (the latest year at or before the one in
    /// force applies; the first before the data).
    pub statutory: Vec<StatutoryRates>,
}

/// One year's statutory employment rates, in force from that year's April.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StatutoryRates {
    pub year: i32,
    /// Employer (secondary Class 1) National Insurance rate above the secondary threshold.
    pub employer_ni_rate: f64,
    /// Secondary threshold (£ a year).
    pub ni_threshold_gbp: f64,
    /// Employer auto-enrolment pension contribution on qualifying earnings.
    pub pension_rate: f64,
    /// Qualifying earnings band (£ a year).
    pub pension_lower_gbp: f64,
    pub pension_upper_gbp: f64,
    /// Statutory Sick Pay (£ a week).
    pub ssp_gbp_per_week: f64,
}

impl Default for CostModelParams {
    fn default() -> Self {
        let y = |year, employer_ni_rate, ni_threshold_gbp, ssp_gbp_per_week| StatutoryRates {
            year,
            employer_ni_rate,
            ni_threshold_gbp,
            pension_rate: 0.03,
            pension_lower_gbp: 6_240.0,
            pension_upper_gbp: 50_270.0,
            ssp_gbp_per_week,
        };
        Self {
            contact_hours_per_worker_week: 25.0,
            holiday_share: 0.1207,
            training_hours_per_worker_year: 20.0,
            non_contact_paid_share: 0.02,
            sickness_absence_share: 0.026,
            consumables_gbp_per_hour: 0.20,
            travel_hours_per_contact_hour: 0.25,
            km_per_contact_hour: 3.0,
            mileage_gbp_per_km: 0.28,
            business_gbp_per_hour: 5.5,
            margin: 0.04,
            statutory: vec![
                // 2022/23: 15.05% (the Health and Social Care Levy) to 5 November, 13.8% after:
                // 13.8% + 1.25% × 7/12 over the year.
                y(2022, 0.14529, 9_100.0, 99.35),
                y(2023, 0.138, 9_100.0, 109.40),
                y(2024, 0.138, 9_100.0, 116.75),
                y(2025, 0.15, 5_000.0, 118.75),
                y(2026, 0.15, 5_000.0, 123.25),
            ],
        }
    }
}

impl CostModelParams {
    /// The statutory rates in force in `year` (from April).
    pub fn statutory_for(&self, year: i32) -> &StatutoryRates {
        self.statutory.iter().rev().find(|s| s.year <= year).unwrap_or(&self.statutory[0])
    }

    /// Range checks of `[cost_model]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.positive("cost_model.contact_hours_per_worker_week", self.contact_hours_per_worker_week);
        c.at_most(
            "cost_model.contact_hours_per_worker_week",
            self.contact_hours_per_worker_week,
            80.0,
            "hours",
        );
        for (k, v) in [
            ("cost_model.holiday_share", self.holiday_share),
            ("cost_model.non_contact_paid_share", self.non_contact_paid_share),
            ("cost_model.sickness_absence_share", self.sickness_absence_share),
        ] {
            c.share(k, v);
        }
        for (k, v) in [
            ("cost_model.training_hours_per_worker_year", self.training_hours_per_worker_year),
            ("cost_model.consumables_gbp_per_hour", self.consumables_gbp_per_hour),
            ("cost_model.travel_hours_per_contact_hour", self.travel_hours_per_contact_hour),
            ("cost_model.km_per_contact_hour", self.km_per_contact_hour),
            ("cost_model.mileage_gbp_per_km", self.mileage_gbp_per_km),
            ("cost_model.business_gbp_per_hour", self.business_gbp_per_hour),
        ] {
            c.non_negative(k, v);
        }
        if !(0.0..0.5).contains(&self.margin) {
            c.fail("cost_model.margin", format!("expected a margin from 0 to 0.5, found {}", self.margin));
        }
        if self.statutory.is_empty() {
            c.fail("cost_model.statutory", "expected at least one year of statutory rates");
        }
        for (i, s) in self.statutory.iter().enumerate() {
            let at = |k: &str| format!("cost_model.statutory[{i}].{k}");
            c.year(&at("year"), s.year);
            if i > 0 && s.year <= self.statutory[i - 1].year {
                c.fail(at("year"), "expected years in increasing order");
            }
            c.share(&at("employer_ni_rate"), s.employer_ni_rate);
            c.share(&at("pension_rate"), s.pension_rate);
            c.non_negative(&at("ni_threshold_gbp"), s.ni_threshold_gbp);
            c.non_negative(&at("pension_lower_gbp"), s.pension_lower_gbp);
            c.non_negative(&at("ssp_gbp_per_week"), s.ssp_gbp_per_week);
            if s.pension_upper_gbp < s.pension_lower_gbp {
                c.fail(at("pension_upper_gbp"), "expected an upper limit at or above the lower limit");
            }
        }
    }
}
