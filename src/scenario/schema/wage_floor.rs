//! `[wage_floor]`: the National and London Living Wage by year, their uplift beyond the data,
//! cost inflation and the outside wage; with its range checks.

use serde::{Deserialize, Serialize};

use super::MAX_ANNUAL_GROWTH;
use crate::scenario::validate::Checker;

/// The statutory and voluntary wage floors, and general cost inflation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WageFloor {
    /// National Living Wage (legal minimum for paid hours), by year from April.
    pub national_living_wage: Vec<YearValue>,
    /// London Living Wage (voluntary unless a contract requires it), by year.
    pub london_living_wage: Vec<YearValue>,
    /// Annual uplift of both floors in years beyond the data (assumed).
    pub annual_uplift_beyond_data: f64,
    /// Annual inflation of providers' non-wage costs (overheads), applied each April.
    pub cost_inflation: f64,
    /// The outside option of care workers (retail, hospitality) as a premium over the NLW.
    pub outside_wage_premium_over_nlw: f64,
}

impl Default for WageFloor {
    fn default() -> Self {
        let yv = |year, gbp_per_hour| YearValue { year, gbp_per_hour };
        Self {
            national_living_wage: vec![yv(2023, 10.42), yv(2024, 11.44), yv(2025, 12.21)],
            london_living_wage: vec![yv(2023, 13.15), yv(2024, 13.85), yv(2025, 14.80)],
            annual_uplift_beyond_data: 0.04,
            cost_inflation: 0.03,
            outside_wage_premium_over_nlw: 0.12,
        }
    }
}

impl WageFloor {
    /// Range checks of `[wage_floor]`: positive floors, years in increasing order.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        for (name, series) in [
            ("wage_floor.national_living_wage", &self.national_living_wage),
            ("wage_floor.london_living_wage", &self.london_living_wage),
        ] {
            if series.is_empty() {
                c.fail(name, "expected at least one {year, gbp_per_hour} entry");
            }
            for (i, yv) in series.iter().enumerate() {
                c.positive(&format!("{name}[{i}].gbp_per_hour"), yv.gbp_per_hour);
                c.year(&format!("{name}[{i}].year"), yv.year);
                if i > 0 && yv.year <= series[i - 1].year {
                    c.fail(format!("{name}[{i}].year"), "expected years in increasing order");
                }
            }
        }
        // Growth compounds over the years of a run: at most a doubling a year.
        for (k, v) in [
            ("wage_floor.annual_uplift_beyond_data", self.annual_uplift_beyond_data),
            ("wage_floor.cost_inflation", self.cost_inflation),
        ] {
            c.non_negative(k, v);
            c.at_most(k, v, MAX_ANNUAL_GROWTH, "(a growth rate a year)");
        }
        c.non_negative("wage_floor.outside_wage_premium_over_nlw", self.outside_wage_premium_over_nlw);
    }
}

/// One year's value of a wage floor (in force from that year's April).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct YearValue {
    pub year: i32,
    pub gbp_per_hour: f64,
}
