//! Behaviour, not inputs: providers' wages and contract mix *change* in response to their
//! own circumstances (persistent vacancies, payment basis). No outcome is a scenario input.

use careshape::Scenario;
use careshape::analysis::stats::paired_test;

use crate::common::{assert_passes, col, paired, runs, status_quo, summaries};

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

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn planned_hours_payment_lowers_zero_hours_share_through_contract_mix() {
    let actual = status_quo();
    let mut planned = status_quo();
    planned.commissioning.payment = careshape::scenario::PaymentBasis::PlannedHours;
    let reps = 20;
    let run = |s: &Scenario| summaries(s, 7, reps);
    let a = run(&actual);
    let p = run(&planned);
    assert_passes(
        &paired(&p, &a, "zero_hours_share", false),
        "planned hours should lower the zero-hours share",
    );
    // The mechanism: providers' income is secure, so they offer guaranteed hours. With the
    // contract-mix response switched off, the payment basis leaves the share unchanged.
    let mut planned_fixed_mix = planned.clone();
    planned_fixed_mix.providers.guaranteed_share_per_security = 0.0;
    let mut actual_fixed_mix = actual.clone();
    actual_fixed_mix.providers.guaranteed_share_per_security = 0.0;
    let pf = run(&planned_fixed_mix);
    let af = run(&actual_fixed_mix);
    let zero_hours = |x, y| -> f64 {
        careshape::analysis::stats::paired_differences(
            &col(x, "zero_hours_share"),
            &col(y, "zero_hours_share"),
        )
        .iter()
        .sum()
    };
    let (d_full, d_fixed) = (zero_hours(&a, &p), zero_hours(&af, &pf));
    assert!(
        d_fixed.abs() < 0.25 * d_full,
        "without the contract-mix rule the effect should mostly vanish: {d_fixed} vs {d_full}"
    );
}
