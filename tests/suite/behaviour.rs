//! Behaviour, not inputs: providers' wages and contract mix *change* in response to their
//! own circumstances (persistent vacancies, payment basis). No outcome is a scenario input.

use careshape::Scenario;
use careshape::analysis::stats::paired_test;

use crate::common::{assert_passes, paired, runs, status_quo, summaries};

/// Per replicate, the mean posted wage relative to the National Living Wage over the last 26
/// weeks.
fn wage_premiums(s: &Scenario, replicates: u32) -> Vec<f64> {
    runs(s, 42, 0..replicates).iter().map(|r| wage_premium(r)).collect()
}

fn wage_premium(r: &careshape::ReplicateResult) -> f64 {
    let tail = &r.weeks[r.weeks.len() - 26..];
    tail.iter().map(|w| w.wage_gbp_per_hour / w.national_living_wage_gbp_per_hour - 1.0).sum::<f64>() / 26.0
}

/// Under scarce labour, wages rise above the floor through wage review: frozen, they sink
/// towards the floor. (Scarce against ample labour is reported: see the comment below.)
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn under_scarce_labour_wages_rise_through_wage_review() {
    let mut scarce = status_quo();
    scarce.workforce.pool_inflow_per_week = 2.0;
    let mut ample = status_quo();
    ample.workforce.pool_inflow_per_week = 14.0;
    let mut scarce_frozen = scarce.clone();
    scarce_frozen.providers.wage_review_enabled = false;
    let reps = 20;
    let s = wage_premiums(&scarce, reps);
    let a = wage_premiums(&ample, reps);
    let f = wage_premiums(&scarce_frozen, reps);
    // Scarce against ample labour: reported, not asserted. At the fourth calibration (docs/
    // CALIBRATION.md §4) status-quo turnover (≈ 32%) is above `providers.turnover_trigger` (0.3),
    // so every provider's retention pressure is already full and vacancies cannot add to it: the
    // wage rise is limited by margin headroom alone, and scarce labour raised premiums by only
    // +1.0 points (1.2 SE) over these 20 replicates (ODD "Known issues").
    let scarce_vs_ample = paired_test(&s, &a, true);
    eprintln!(
        "scarce vs ample labour, wage premium: {:+.4} (se {:.4}) (reported, not asserted)",
        scarce_vs_ample.mean_difference, scarce_vs_ample.standard_error
    );
    // With wage review frozen, providers only follow the legal floor: the premium collapses.
    assert_passes(&paired_test(&s, &f, true), "the rise must come from wage review");
    // Initial premiums average 8%; frozen, they are eroded by the rising floor.
    let frozen_mean = f.iter().sum::<f64>() / f.len() as f64;
    assert!(frozen_mean < 0.03, "frozen wages should sink towards the floor: {f:?}");
}

/// The structural alternative to the contract-mix choice (docs/ODD.md §7.10): by rule, every
/// provider keeps the initial guaranteed share, so the zero-hours share stays near
/// 1 − `initial_guaranteed_share` and a planned-hours payment basis, which moves it by at least
/// 5 points under the choice (the mediation test below), moves it by under 2.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn by_rule_the_contract_mix_holds_the_initial_share_and_ignores_the_payment_basis() {
    let rule = |mut s: Scenario| {
        s.providers.contract_mix = careshape::scenario::ContractMix::Rule;
        s
    };
    let actual = rule(status_quo());
    let mut planned = actual.clone();
    planned.commissioning.payment = careshape::scenario::PaymentBasis::PlannedHours;
    let reps = 10;
    let (a, p) = (summaries(&actual, 7, reps), summaries(&planned, 7, reps));
    let share = crate::common::col(&a, "zero_hours_share");
    let mean = share.iter().sum::<f64>() / share.len() as f64;
    let target = 1.0 - actual.providers.initial_guaranteed_share;
    eprintln!("by rule: zero-hours share {mean:.3} (1 − initial guaranteed share = {target:.3})");
    assert!((mean - target).abs() < 0.05, "by rule the zero-hours share should stay near {target}: {mean}");
    let moved = paired(&p, &a, "zero_hours_share", false);
    assert!(
        moved.mean_difference.abs() < 0.02,
        "by rule the payment basis should not move the mix: {moved:?}"
    );
}

/// The mediation test of the contract-mix choice (docs/ODD.md §7.10): a planned-hours payment
/// basis raises the guaranteed-hours share only because it lowers providers' income risk
/// against the retention a guaranteed contract buys. With leavers costing nothing (recruitment
/// and turnover costs zero), it moves the share by under 2 points; with them, by at least 5
/// points and 3 SE. The arms without turnover costs start with no guaranteed contracts: the
/// initial market's contracts are not a choice, and they outlast the run longer where pay is
/// higher and turnover lower (as under planned hours), which would move the share by about 2.6
/// points with no provider choosing anything (docs/CALIBRATION.md §4).
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn planned_hours_raise_guaranteed_hours_only_through_the_cost_of_turnover() {
    let actual = status_quo();
    let mut planned = status_quo();
    planned.commissioning.payment = careshape::scenario::PaymentBasis::PlannedHours;
    let free_turnover = |s: &Scenario| {
        let mut s = s.clone();
        s.providers.recruitment_gbp_per_hire = 0.0;
        s.providers.turnover_cost_gbp_per_leaver = 0.0;
        s.providers.initial_guaranteed_share = 0.0;
        s
    };
    let reps = 30;
    let run = |s: &Scenario| summaries(s, 7, reps);
    // The guaranteed-hours share is 1 − the zero-hours share: its rise is the zero-hours fall.
    let with_costs = paired(&run(&planned), &run(&actual), "zero_hours_share", false);
    let without =
        paired(&run(&free_turnover(&planned)), &run(&free_turnover(&actual)), "zero_hours_share", false);
    eprintln!(
        "planned hours vs actual minutes, guaranteed-hours share: {:+.4} (se {:.4}) with turnover costs, \
         {:+.4} (se {:.4}) without",
        -with_costs.mean_difference,
        with_costs.standard_error,
        -without.mean_difference,
        without.standard_error
    );
    assert_passes(&with_costs, "planned hours should raise the guaranteed-hours share");
    assert!(-with_costs.mean_difference >= 0.05, "the rise should be at least 5 points: {with_costs:?}");
    assert!(
        without.mean_difference.abs() < 0.02,
        "without turnover costs the payment basis should not move the mix: {without:?}"
    );
}
