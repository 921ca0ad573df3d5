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
    /// A finite number from `lo` to `hi`; `what` says what it is ("a margin").
    pub(super) fn between(&mut self, key: &str, v: f64, lo: f64, hi: f64, what: &str) {
        if !(lo..=hi).contains(&v) {
            self.fail(key, format!("expected {what} between {lo} and {hi}, found {v}"));
        }
    }
    /// A count no larger than `max`; `what` names its unit ("providers").
    pub(super) fn count_at_most(&mut self, key: &str, v: u64, max: u64, what: &str) {
        if v > max {
            self.fail(key, format!("expected at most {max} {what}, found {v}"));
        }
    }
    /// A rate or quantity no larger than `max` (a non-finite value is reported by the
    /// table's own check or by `non_finite`).
    pub(super) fn at_most(&mut self, key: &str, v: f64, max: f64, what: &str) {
        if v.is_finite() && v > max {
            self.fail(key, format!("expected at most {max} {what}, found {v}"));
        }
    }
    /// A standard deviation or coefficient of variation: ≥ 0 and at most `MAX_DISPERSION` (a
    /// larger one makes draws overflow to infinity, e.g. exp(σ·z) of a log-normal).
    pub(super) fn dispersion(&mut self, key: &str, v: f64) {
        self.non_negative(key, v);
        self.at_most(key, v, MAX_DISPERSION, "(a standard deviation or coefficient of variation)");
    }
    /// A calendar year from `MIN_YEAR` to `MAX_YEAR`.
    pub(super) fn year(&mut self, key: &str, year: i32) {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            self.fail(key, format!("expected a year from {MIN_YEAR} to {MAX_YEAR}, found {year}"));
        }
    }
    pub(super) fn sums_to_one(&mut self, key: &str, values: &[f64]) {
        let s: f64 = values.iter().sum();
        if (s - 1.0).abs() > 1e-6 || s.is_nan() {
            self.fail(key, format!("expected shares summing to 1, found a sum of {s:.6}"));
        }
    }
}

/// `s` if [`validate`] finds no problem; otherwise an input error `<source> makes <scenario>
/// invalid: <key>: <problem>` for its first problem, where `source` says what set the values
/// (a sweep's design point, a posterior's accepted point).
pub fn checked(s: Scenario, source: impl FnOnce() -> String) -> crate::Result<Scenario> {
    match validate(&s).first() {
        None => Ok(s),
        Some((key, msg)) => {
            Err(crate::Error::Input(format!("{} makes {} invalid: {key}: {msg}", source(), s.name)))
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
    s.cost_model.check(&mut c);
    s.council.check(&mut c);
    check_shocks(&mut c, &s.shocks, s.run.weeks);
    s.mission.check(&mut c);
    s.appraisal.check(&mut c);
    let atp = s.clients.actual_to_planned_minutes;
    s.commissioning.check(&mut c, "commissioning", atp);
    s.burn_in.commissioning.check(&mut c, "burn_in.commissioning", atp);
    s.check_run_size(&mut c);
    backstops(&mut c, s);
    c.problems
}

/// The longest span of weeks any parameter may give (a delay, a term, a duration): the longest
/// run after the longest burn-in.
pub(crate) const MAX_SPAN_WEEKS: u32 = MAX_WEEKS + MAX_BURN_IN_WEEKS;

/// Every number of a scenario with its key path (`geography.patches[2].area_km2`), from its
/// serde form.
fn numbers(s: &Scenario) -> Vec<(String, f64)> {
    fn walk(v: &toml::Value, key: String, found: &mut Vec<(String, f64)>) {
        match v {
            toml::Value::Float(f) => found.push((key, *f)),
            toml::Value::Integer(i) => found.push((key, *i as f64)),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(v, if key.is_empty() { k.clone() } else { format!("{key}.{k}") }, found);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, format!("{key}[{i}]"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    if let Ok(value) = toml::Value::try_from(s) {
        walk(&value, String::new(), &mut found);
    }
    found
}

/// The backstops for every number of the scenario, including any a table's `check` skips (a
/// disabled incubator's) or compares only with another value. Each key is reported once: a key
/// a table's check (or an earlier backstop) has reported is skipped.
/// - NaN and ±inf are never valid.
/// - A span of weeks (a key whose name ends in `week` or `weeks` and is not a rate `…_per_…`:
///   a delay, a term, a duration, a week of the run) is at most `MAX_SPAN_WEEKS`, so that
///   adding it to a week of the run never overflows and no span outlasts every run.
/// - No number is larger than `MAX_MAGNITUDE` either way (a trillion; the largest default is
///   the £36m budget), so that sums and products over a run stay finite.
fn backstops(c: &mut Checker, s: &Scenario) {
    for (key, v) in numbers(s) {
        let name = key.rsplit('.').next().unwrap_or_default();
        let weeks = (name.ends_with("week") || name.ends_with("weeks")) && !name.contains("per_");
        let problem = if !v.is_finite() {
            format!("expected a finite number, found {v}")
        } else if weeks && v > f64::from(MAX_SPAN_WEEKS) {
            format!("expected at most {MAX_SPAN_WEEKS} weeks (the longest run and burn-in), found {v}")
        } else if v.abs() > MAX_MAGNITUDE {
            format!("expected a number from -10^12 to 10^12, found {v}")
        } else {
            continue;
        };
        if !c.problems.iter().any(|(k, _)| *k == key) {
            c.fail(key, problem);
        }
    }
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

    #[test]
    fn every_non_finite_number_is_reported_once() {
        let mut s = Scenario::default();
        s.providers.min_margin_after_raise = f64::NAN;
        s.workforce.estate_outreach_per_vacancy_week = f64::INFINITY;
        s.commissioning.incubator.startup_grant_gbp = f64::NAN; // disabled: only the backstop sees it
        s.geography.patches[0].centroid_km[1] = f64::NEG_INFINITY;
        s.clients.death_per_week = f64::NAN;
        let problems = validate(&s);
        for key in [
            "providers.min_margin_after_raise",
            "workforce.estate_outreach_per_vacancy_week",
            "commissioning.incubator.startup_grant_gbp",
            "geography.patches[0].centroid_km[1]",
            "clients.death_per_week",
        ] {
            assert_eq!(problems.iter().filter(|p| p.0 == key).count(), 1, "{key}: {problems:?}");
        }
    }

    #[test]
    fn every_span_of_weeks_is_limited() {
        let mut s = Scenario::default();
        s.commissioning.tender.term_weeks = 2_147_483_647;
        s.council.start_of_care_weeks = 1e308;
        s.shocks.push(Shock::DemandSurge { week: 0, size: 0.1, weeks: 3121 });
        s.providers.contract_notice_weeks = MAX_SPAN_WEEKS;
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.0).collect();
        assert_eq!(
            keys,
            ["commissioning.tender.term_weeks", "council.start_of_care_weeks", "shocks[0].weeks"]
        );
    }

    #[test]
    fn a_bid_rate_that_pays_nothing_is_rejected() {
        let mut s = Scenario::default();
        s.commissioning.award = Award::Framework;
        s.commissioning.price = PriceBasis::Bid;
        s.clients.actual_to_planned_minutes = 0.0;
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["commissioning.price"]);
        s.clients.actual_to_planned_minutes = 0.5;
        s.commissioning.payment = PaymentBasis::Outcomes;
        s.commissioning.outcomes.base_share = 0.0;
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["commissioning.price"]);
        // A fixed rate, or a spot market (no tender), pays nothing without infinite bids.
        s.commissioning.price = PriceBasis::FixedRate;
        assert_eq!(validate(&s), Vec::<(String, String)>::new());
    }

    #[test]
    fn counts_and_run_length_are_limited() {
        let mut s = Scenario::default();
        s.run.weeks = MAX_WEEKS + 1;
        s.providers.initial_count = 4_000_000_000;
        s.run.burn_in_weeks = 183; // the default data start in April 2023: 182 weeks before the reform
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.0).collect();
        assert!(keys.contains(&"run.weeks".to_string()));
        assert!(keys.contains(&"providers.initial_count".to_string()));
        assert!(keys.contains(&"run.burn_in_weeks".to_string()));
        s = Scenario::default();
        s.run.burn_in_weeks = 182;
        assert_eq!(validate(&s), Vec::<(String, String)>::new());
    }
}
