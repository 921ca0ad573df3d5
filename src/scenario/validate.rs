//! Range checks on a parsed scenario: shares in [0, 1], positive rates, weights summing to 1.
//! Returns every problem at once (key path, what was expected), so a user fixes a file in one go.
//!
//! Each table's own checks sit beside its struct in `schema/` (a `check` method); this module
//! holds the shared `Checker` and calls the checks in a fixed order, the order problems are listed in.

use super::schema::*;

pub(super) struct Checker {
    problems: Vec<(String, String)>,
}

impl Checker {
    pub(super) fn fail(&mut self, key: impl Into<String>, msg: impl Into<String>) {
        self.problems.push((key.into(), msg.into()));
    }
    pub(super) fn share(&mut self, key: &str, v: f64) {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            self.fail(key, format!("expected a share between 0 and 1, found {v}"));
        }
    }
    pub(super) fn positive(&mut self, key: &str, v: f64) {
        if !(v > 0.0 && v.is_finite()) {
            self.fail(key, format!("expected a positive number, found {v}"));
        }
    }
    pub(super) fn non_negative(&mut self, key: &str, v: f64) {
        if !(v >= 0.0 && v.is_finite()) {
            self.fail(key, format!("expected a number ≥ 0, found {v}"));
        }
    }
    pub(super) fn sums_to_one(&mut self, key: &str, values: &[f64]) {
        let s: f64 = values.iter().sum();
        if (s - 1.0).abs() > 1e-6 {
            self.fail(key, format!("expected shares summing to 1, found a sum of {s:.6}"));
        }
    }
}

/// Every range problem of a scenario as (key path, what was expected).
pub fn validate(s: &Scenario) -> Vec<(String, String)> {
    let mut c = Checker { problems: Vec::new() };
    s.run.check(&mut c);
    s.calendar.check(&mut c);
    s.wage_floor.check(&mut c);
    s.geography.check(&mut c);
    s.clients.check(&mut c);
    s.self_funders.check(&mut c);
    s.workforce.check(&mut c);
    s.providers.check(&mut c);
    s.council.check(&mut c);
    check_shocks(&mut c, &s.shocks, s.run.weeks);
    s.mission.check(&mut c);
    s.commissioning.check(&mut c, "commissioning");
    s.burn_in.commissioning.check(&mut c, "burn_in.commissioning");
    c.problems
}

/// Scheduled shocks: a week within the run, sizes in range.
pub(crate) fn shocks_problems(shocks: &[Shock], run_weeks: u32) -> Vec<(String, String)> {
    let mut c = Checker { problems: Vec::new() };
    check_shocks(&mut c, shocks, run_weeks);
    c.problems
}

/// Each shock's checks (`Shock::check`), against the run length in `[run]`.
fn check_shocks(c: &mut Checker, shocks: &[Shock], run_weeks: u32) {
    for (i, s) in shocks.iter().enumerate() {
        s.check(c, i, run_weeks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Scenario::default()), Vec::<(String, String)>::new());
    }

    #[test]
    fn out_of_range_values_are_all_reported() {
        let mut s = Scenario::default();
        s.clients.double_handed_share = 1.5;
        s.commissioning.rate_gbp_per_hour = -1.0;
        s.commissioning.tender.scoring.price = 0.9;
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.0).collect();
        assert!(keys.contains(&"clients.double_handed_share".to_string()));
        assert!(keys.contains(&"commissioning.rate_gbp_per_hour".to_string()));
        assert!(keys.contains(&"commissioning.tender.scoring".to_string()));
    }
}
