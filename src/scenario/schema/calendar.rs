//! `[calendar]`: where week 0 sits in the calendar, and the week of the April uplifts; with
//! its range checks.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

/// Where week 0 sits in the calendar, so that April uplifts fall on the right weeks.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Calendar {
    /// Calendar year of the reform date (week 0).
    pub reform_year: i32,
    /// Week of the year (1–52) of the reform date. Default 40: the Camden contract starts in
    /// October 2026.
    pub reform_week_of_year: u32,
    /// Week of the year in which wage floors and fee uplifts take effect (1 April ≈ week 14).
    pub uplift_week_of_year: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Self { reform_year: 2026, reform_week_of_year: 40, uplift_week_of_year: 14 }
    }
}

impl Calendar {
    /// Range checks of `[calendar]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.year("calendar.reform_year", self.reform_year);
        if !(1..=52).contains(&self.reform_week_of_year) {
            c.fail("calendar.reform_week_of_year", "expected a week of the year from 1 to 52");
        }
        if !(1..=52).contains(&self.uplift_week_of_year) {
            c.fail("calendar.uplift_week_of_year", "expected a week of the year from 1 to 52");
        }
    }
}
