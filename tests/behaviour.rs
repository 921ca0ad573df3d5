//! Behaviour, not inputs: providers' wages and contract mix *change* in response to their
//! own circumstances (persistent vacancies, payment basis). No outcome is a scenario input.

use std::path::Path;

use careshape::analysis::{column, stats::paired_test, summarise};
use careshape::{Scenario, run_replicate};

fn status_quo() -> Scenario {
    careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml")).unwrap()
}

/// Mean posted wage relative to the National Living Wage, over the last 26 weeks.
fn wage_premium(s: &Scenario, replicate: u32) -> f64 {
    let r = run_replicate(s, 42, replicate);
    let tail = &r.weeks[r.weeks.len() - 26..];
    tail.iter().map(|w| w.wage_gbp_per_hour / w.national_living_wage_gbp - 1.0).sum::<f64>() / 26.0
}

#[test]
fn persistent_vacancies_raise_wages_through_wage_review() {
    let mut scarce = status_quo();
    scarce.workforce.pool_inflow_per_week = 2.0;
    let mut ample = status_quo();
    ample.workforce.pool_inflow_per_week = 14.0;
    let mut scarce_frozen = scarce.clone();
    scarce_frozen.providers.wage_review_enabled = false;
    let reps = 20;
    let s: Vec<f64> = (0..reps).map(|r| wage_premium(&scarce, r)).collect();
    let a: Vec<f64> = (0..reps).map(|r| wage_premium(&ample, r)).collect();
    let f: Vec<f64> = (0..reps).map(|r| wage_premium(&scarce_frozen, r)).collect();
    let t = paired_test(&s, &a, true);
    assert!(t.passes(0.01, 3.0), "scarce labour should raise wage premiums: {t:?}");
    // With wage review frozen, providers only follow the legal floor: the premium collapses.
    let t = paired_test(&s, &f, true);
    assert!(t.passes(0.01, 3.0), "the rise must come from wage review: {t:?}");
    // Initial premiums average 8%; frozen, they are eroded by the rising floor.
    let frozen_mean = f.iter().sum::<f64>() / f.len() as f64;
    assert!(frozen_mean < 0.03, "frozen wages should sink towards the floor: {f:?}");
}

#[test]
fn planned_hours_payment_lowers_zero_hours_share_through_contract_mix() {
    let actual = status_quo();
    let mut planned = status_quo();
    planned.commissioning.payment = careshape::scenario::PaymentBasis::PlannedHours;
    let reps = 12;
    let run =
        |s: &Scenario| -> Vec<Vec<f64>> { (0..reps).map(|r| summarise(&run_replicate(s, 7, r))).collect() };
    let a = run(&actual);
    let p = run(&planned);
    let t = paired_test(&column(&p, "zero_hours_share"), &column(&a, "zero_hours_share"), false);
    assert!(t.passes(0.01, 3.0), "planned hours should lower the zero-hours share: {t:?}");
    // The mechanism: providers' income is secure, so they offer guaranteed hours. With the
    // contract-mix response switched off, the payment basis leaves the share unchanged.
    let mut planned_fixed_mix = planned.clone();
    planned_fixed_mix.providers.guaranteed_share_per_security = 0.0;
    let mut actual_fixed_mix = actual.clone();
    actual_fixed_mix.providers.guaranteed_share_per_security = 0.0;
    let pf = run(&planned_fixed_mix);
    let af = run(&actual_fixed_mix);
    let d_full: f64 =
        column(&a, "zero_hours_share").iter().zip(column(&p, "zero_hours_share")).map(|(x, y)| x - y).sum();
    let d_fixed: f64 =
        column(&af, "zero_hours_share").iter().zip(column(&pf, "zero_hours_share")).map(|(x, y)| x - y).sum();
    assert!(
        d_fixed.abs() < 0.25 * d_full,
        "without the contract-mix rule the effect should mostly vanish: {d_fixed} vs {d_full}"
    );
}
