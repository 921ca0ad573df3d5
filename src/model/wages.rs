//! The calendar and the wage-floor path: National and London Living Wage by year, uplifted each
//! April, extended beyond the data at an assumed annual rate.

use crate::scenario::{Calendar, WageFloor, YearValue};

#[derive(Clone, Debug)]
pub struct WageFloors {
    pub calendar: Calendar,
    params: WageFloor,
    /// Values in force this week.
    pub national_living_wage: f64,
    pub london_living_wage: f64,
    /// The outside option (retail, hospitality) care workers compare with.
    pub outside_wage: f64,
    /// Index of non-wage costs (1.0 at the start): overheads, admin, recruitment, training.
    pub cost_index: f64,
    /// National Living Wage relative to its value at the start of burn-in; private fees
    /// and workers' reservation wages move with it.
    pub wage_index: f64,
    start_nlw: f64,
    /// Product of scheduled wage-floor shocks so far, on top of the April path.
    shock_factor: f64,
    /// The year whose April floors are in force.
    year: i32,
}

fn value_in(series: &[YearValue], year: i32, uplift: f64) -> f64 {
    let last = series.last().expect("validated: at least one value");
    if year >= last.year {
        return last.gbp_per_hour * (1.0 + uplift).powi(year - last.year);
    }
    let first = series[0];
    if year <= first.year {
        return first.gbp_per_hour / (1.0 + uplift).powi(first.year - year);
    }
    series.iter().rev().find(|v| v.year <= year).map_or(first.gbp_per_hour, |v| v.gbp_per_hour)
}

impl WageFloors {
    pub fn new(calendar: Calendar, params: WageFloor, start_week: i32) -> Self {
        let mut w = WageFloors {
            calendar,
            params,
            national_living_wage: 0.0,
            london_living_wage: 0.0,
            outside_wage: 0.0,
            cost_index: 1.0,
            wage_index: 1.0,
            start_nlw: 0.0,
            shock_factor: 1.0,
            year: 0,
        };
        w.set_year(w.floor_year(start_week));
        w.start_nlw = w.national_living_wage;
        w
    }

    /// The (National, London) Living Wage in force from `year`'s April under `params`.
    pub fn floors_in(params: &WageFloor, year: i32) -> (f64, f64) {
        let u = params.annual_uplift_beyond_data;
        (value_in(&params.national_living_wage, year, u), value_in(&params.london_living_wage, year, u))
    }

    /// Calendar year and week of the year (1–52) of a model week.
    pub fn date(&self, week: i32) -> (i32, u32) {
        let abs = self.calendar.reform_year * 52 + self.calendar.reform_week_of_year as i32 - 1 + week;
        (abs.div_euclid(52), abs.rem_euclid(52) as u32 + 1)
    }

    /// The year whose April floors are in force in a model week.
    pub fn floor_year(&self, week: i32) -> i32 {
        let (year, woy) = self.date(week);
        if woy >= self.calendar.uplift_week_of_year { year } else { year - 1 }
    }

    /// Whether this week is the April uplift week.
    pub fn is_uplift_week(&self, week: i32) -> bool {
        self.date(week).1 == self.calendar.uplift_week_of_year
    }

    fn set_year(&mut self, year: i32) {
        let u = self.params.annual_uplift_beyond_data;
        self.year = year;
        self.national_living_wage = value_in(&self.params.national_living_wage, year, u) * self.shock_factor;
        self.london_living_wage = value_in(&self.params.london_living_wage, year, u) * self.shock_factor;
        self.outside_wage = self.national_living_wage * (1.0 + self.params.outside_wage_premium_over_nlw);
        if self.start_nlw > 0.0 {
            self.wage_index = self.national_living_wage / self.start_nlw;
        }
    }

    /// A scheduled wage-floor shock: both floors (and the outside wage) jump by `size` now
    /// and stay that much above their April path.
    pub fn raise_floors(&mut self, size: f64) {
        self.shock_factor *= 1.0 + size;
        self.set_year(self.year);
    }

    /// The year whose April floors (and statutory rates) are in force.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Applies the April uplift if this is the uplift week; returns the relative rise of the
    /// National Living Wage (0 in other weeks).
    pub fn advance_to(&mut self, week: i32) -> f64 {
        if !self.is_uplift_week(week) {
            return 0.0;
        }
        let before = self.national_living_wage;
        self.set_year(self.floor_year(week));
        self.cost_index *= 1.0 + self.params.cost_inflation;
        self.national_living_wage / before - 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_follow_data_then_extend() {
        let p = WageFloor::default();
        let s = &p.national_living_wage;
        assert_eq!(value_in(s, 2024, 0.04), 11.44);
        assert!((value_in(s, 2026, 0.04) - 12.21 * 1.04).abs() < 1e-9);
    }

    #[test]
    fn april_uplift_happens_once_a_year() {
        let mut w = WageFloors::new(Calendar::default(), WageFloor::default(), -52);
        let start = w.national_living_wage;
        let mut rises = 0;
        for week in -52..52 {
            if w.advance_to(week) > 0.0 {
                rises += 1;
            }
        }
        assert_eq!(rises, 2);
        assert!(w.national_living_wage > start);
        // Week 0 is in October 2026; the floor in force then is April 2026's.
        assert_eq!(w.floor_year(0), 2026);
        assert_eq!(w.date(0), (2026, 40));
    }
}
