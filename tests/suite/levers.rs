//! The commissioning levers (docs/ODD.md §7.2, §7.9, §7.15, §7.22) as statistical tests over
//! paired replicates: each a one-sided paired t-test at α = 0.01 with an effect of at least 3
//! standard errors, 20 replicates, seed fixed here (docs/TESTING.md). Every comparison is between shipped scenarios (or
//! the status quo with one lever changed), so each test exercises a lever through the agents'
//! decisions, never by setting an outcome.

use careshape::scenario::PaymentBasis;
use careshape::{Scenario, Summary, run_replicate, summarise};

use crate::common::{assert_passes, paired as test, shipped};

const REPLICATES: u32 = 20;
const SEED: u64 = 2024;

/// Pattern 3's price-led design (docs/ODD.md §1): the shipped lowest-price tender with its rate
/// frozen for the term (fixed-price terms, `fee_uplift` none). The shipped file keeps the status
/// quo's uplift, one lever per file; a frozen rate alone is `frozen-rate.toml`.
fn fixed_price_tender() -> Scenario {
    let mut s = shipped("lowest-price-tender");
    s.name = "lowest-price-tender, fixed price".into();
    s.commissioning.fee_uplift = careshape::scenario::FeeUplift::None;
    s
}

/// The shared (cached) summaries of a scenario: the status quo is a baseline of several tests.
fn summaries(s: &Scenario) -> Vec<Summary> {
    crate::common::summaries(s, SEED, REPLICATES)
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn zonal_contracts_cut_the_travel_share_versus_spot() {
    let (spot, zonal) = (summaries(&shipped("status-quo")), summaries(&shipped("neighbourhood-zonal")));
    assert_passes(&test(&zonal, &spot, "travel_share", false), "travel share, zonal vs spot");
    assert_passes(&test(&zonal, &spot, "travel_km_per_year", false), "travel km, zonal vs spot");
}

/// What happened to the zonal lot losers in each arm, per replicate: (zonal, status quo).
#[derive(Default)]
struct LotLosers {
    council_hours: (Vec<f64>, Vec<f64>),
    self_funded_hours: (Vec<f64>, Vec<f64>),
    margin: (Vec<f64>, Vec<f64>),
    exit_share: (Vec<f64>, Vec<f64>),
}

/// The providers trading at the reform date that win no lot under neighbourhood-zonal
/// commissioning, followed in the zonal run and, by id, in the status quo's run of the same
/// replicate. Burn-in is the status quo in both arms, so the providers at week 0 are the same
/// ones (common random numbers). Per replicate: their council and self-funded carer-hours and
/// their margin (profit over revenue, summed) in years 0-4, from the provider × year table, and
/// the share of them that left (any exit cause).
fn lot_losers(self_funded_hours_per_week: Option<f64>) -> LotLosers {
    let with = |name: &str| {
        let mut s = shipped(name);
        if let Some(h) = self_funded_hours_per_week {
            s.name = format!("{name}, {h} self-funded hours a week");
            s.self_funders.hours_per_week = h;
        }
        s
    };
    let sq = crate::common::runs(&with("status-quo"), SEED, 0..ZONAL_REPLICATES);
    let zonal = crate::common::runs(&with("neighbourhood-zonal"), SEED, 0..ZONAL_REPLICATES);
    let mut out = LotLosers::default();
    for (b, z) in sq.iter().zip(&zonal) {
        let losers: Vec<u32> = z
            .providers
            .iter()
            .filter(|p| p.entry_week < 0 && p.exit_week.is_none_or(|e| e >= 0) && p.contracts_won == 0)
            .map(|p| p.id)
            .collect();
        assert!(!losers.is_empty(), "replicate {}: every provider won a lot", z.replicate);
        for (r, zonal_arm) in [(z, true), (b, false)] {
            let years = || r.provider_years.iter().filter(|y| y.year >= 0 && losers.contains(&y.provider));
            let revenue: f64 = years().map(|y| y.revenue_gbp).sum();
            let profit: f64 = years().map(|y| y.revenue_gbp - y.costs_gbp).sum();
            let gone = losers.iter().filter(|&&id| r.providers[id as usize].exit_week.is_some()).count();
            let arm = |pair: &mut (Vec<f64>, Vec<f64>), x: f64| {
                if zonal_arm { pair.0.push(x) } else { pair.1.push(x) }
            };
            arm(&mut out.council_hours, years().map(|y| y.council_hours_total()).sum());
            arm(&mut out.self_funded_hours, years().map(|y| y.self_funded_hours).sum());
            arm(&mut out.margin, profit / revenue);
            arm(&mut out.exit_share, gone as f64 / losers.len() as f64);
        }
    }
    out
}

/// Issue 17: under neighbourhood-zonal commissioning the providers trading at the reform date
/// that never win a lot (they stay on the reserve list with self-funders and overflow) deliver
/// fewer council hours over the five years and earn a thinner margin than the same providers
/// under the status quo (`lot_losers`), and they take more self-funded work: the lot winners,
/// obliged to take the council's packages in their patch, have less room for self-funders, who
/// choose among providers with time to spare (docs/ODD.md §7.8, §7.12).
///
/// The issue also asks that more of them exit. With the shipped private market (5,000
/// self-funded hours a week, about a fifth of the borough's hours) they do not, and the share
/// that exits is reported, not asserted: at seed 2024, 20 replicates, 28.9% of them exit against
/// 36.5% under the status quo (−7.6 ± 4 points). Their margin is thinner on the whole, but the
/// status quo's exits among them are mostly providers running at a loss on council work at the
/// spot rate; under zonal they lose that work and replace part of it with self-funded work at
/// the private rate, so they lose fewer pounds a week and their cash lasts longer. The next test
/// shows that without the private market more of them exit. Issue 17 stays open on this
/// (docs/ODD.md, Known issues).
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn zonal_lot_losers_deliver_fewer_council_hours_earn_less_and_take_more_self_funders() {
    let l = lot_losers(None);
    let mut checks = crate::common::Checks::default();
    let test = careshape::analysis::stats::paired_test;
    checks.check(&test(&l.council_hours.0, &l.council_hours.1, false), "lot losers' council hours");
    checks.check(&test(&l.margin.0, &l.margin.1, false), "lot losers' margin");
    checks
        .check(&test(&l.self_funded_hours.0, &l.self_funded_hours.1, true), "lot losers' self-funded hours");
    // Reported, not asserted (see above).
    let d: Vec<f64> = l.exit_share.0.iter().zip(&l.exit_share.1).map(|(z, b)| z - b).collect();
    crate::common::report("lot losers' exit share, zonal less status quo", &d);
    checks.done();
}

/// Issue 17, the mechanism behind the previous test's reported exit share: take away the
/// private market (no self-funded hours, in both arms) and the zonal lot losers have nothing to
/// replace the council work they lose, so more of them exit than under the status quo. In a
/// pilot (seed 2024, 20 replicates) 69.9% of them exit against 45.2%; at 1,000 self-funded
/// hours a week 55.6% against 43.3%, at 2,500 about as many as under the status quo (40.8%
/// against 40.2%), at the shipped 5,000 fewer (28.9% against 36.5%).
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn without_a_private_market_more_zonal_lot_losers_exit_than_under_the_status_quo() {
    let l = lot_losers(Some(0.0));
    let mut checks = crate::common::Checks::default();
    checks.check(
        &careshape::analysis::stats::paired_test(&l.exit_share.0, &l.exit_share.1, true),
        "lot losers' exit share, no self-funders",
    );
    checks.done();
}

/// Issue 17, entry (docs/ODD.md §7.18): entry answers the work an entrant can reach. Under a
/// zonal award the lead of each patch is offered new council packages first, so fewer providers
/// enter than under the status quo; with the entry rule blind to it
/// (`providers.entry_access_weight` = 0) as many enter as before and more close, as entrants
/// that never reach the work fail. Pilot (seed 1, 30 replicates): 2.6 entries a year under
/// zonal against 5.0 under the status quo; blind to access, 5.0 entries and closures of 15.7%
/// against 11.6%.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn under_a_zonal_award_fewer_providers_enter_and_fewer_close_than_with_entry_blind_to_it() {
    let spot = summaries(&shipped("status-quo"));
    let zonal = summaries(&shipped("neighbourhood-zonal"));
    let mut blind = shipped("neighbourhood-zonal");
    blind.name = "neighbourhood-zonal, entry blind to access".into();
    blind.providers.entry_access_weight = 0.0;
    let blind = summaries(&blind);
    assert_passes(&test(&zonal, &spot, "entries_per_year", false), "entries, zonal vs spot");
    assert_passes(&test(&zonal, &blind, "entries_per_year", false), "entries, zonal vs blind entry");
    assert_passes(&test(&zonal, &blind, "closure_rate_annual", false), "closures, zonal vs blind entry");
}

/// Replicates of the zonal lot-losers test (sized in its comment).
const ZONAL_REPLICATES: u32 = 20;

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn lowest_price_tendering_raises_handbacks_and_thins_margins_versus_a_quality_tender() {
    let (low, quality) = (summaries(&fixed_price_tender()), summaries(&shipped("quality-tender")));
    assert_passes(&test(&low, &quality, "handback_packages_per_year", true), "package handbacks");
    assert_passes(&test(&low, &quality, "mean_margin", false), "margins");
}

/// Bidders who correct their cost estimates for the winner's curse (docs/ODD.md §7.9) hand back
/// fewer lowest-price framework contracts in their first year than naive bidders, paired on
/// common random numbers. Sized from pilots at 60 replicates (seeds 18 and 7: −4.8 points at
/// 3.7 SE, −8.9 at 6.0 SE, before the correction was scaled by the price weight; seed 2024 then
/// gave −6.5 points at 4.6 SE): a contract's fate is a coin of eight per round, so 60 are needed.
/// What is left (about 63% handed back within a year) is printed: see ODD Known issues.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn bidders_who_shade_for_the_winners_curse_hand_back_fewer_lowest_price_contracts_in_their_first_year() {
    let shading = shipped("lowest-price-tender");
    let mut naive = shading.clone();
    naive.name = "lowest-price-tender, naive bidders".into();
    naive.providers.winners_curse_correction = 0.0;
    let (shaded, naive) =
        (crate::common::summaries(&shading, SEED, 60), crate::common::summaries(&naive, SEED, 60));
    let metric = "contract_handback_first_year_share";
    crate::common::report("first-year handback share, shading", &crate::common::col(&shaded, metric));
    crate::common::report("first-year handback share, naive", &crate::common::col(&naive, metric));
    let mut checks = crate::common::Checks::default();
    checks.check(&test(&shaded, &naive, metric, false), "contracts handed back within a year");
    checks.done();
}

/// The exits and turnover halves of pattern 3. Exits are counted among the providers trading at
/// the reform date, the same cohort in both arms: a thin-margin market also deters entry, and
/// entrants that never build a caseload are most exits, so the count of all exits mixes the
/// race to the bottom with fewer entrants (it is printed, not asserted).
///
/// Sized from a pilot (docs/TESTING.md, "Sizing a test"): at the fourth calibration, replicates
/// 0–19 of seed 2024 gave turnover +2.0 points at 2.96 SE (p 0.004), so the test runs
/// 20 · (4 / 2.96)² ≈ 37 fresh replicates, 20–56.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn lowest_price_tendering_raises_provider_exits_and_turnover_versus_a_quality_tender() {
    let sized = |s: &Scenario| -> Vec<Summary> {
        crate::common::runs(s, SEED, 20..57).iter().map(|r| summarise(r)).collect()
    };
    let (low, quality) = (sized(&fixed_price_tender()), sized(&shipped("quality-tender")));
    for metric in ["exits_per_year", "entries_per_year", "closure_rate_annual"] {
        let t = test(&low, &quality, metric, true);
        eprintln!(
            "lowest-price vs quality tender, {metric}: {:+.3} (se {:.3})",
            t.mean_difference, t.standard_error
        );
    }
    assert_passes(
        &test(&low, &quality, "incumbent_exits_per_year", true),
        "exits of providers trading at the reform",
    );
    assert_passes(&test(&low, &quality, "turnover_annual", true), "turnover");
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_living_wage_rate_floor_lowers_turnover_unmet_need_and_downstream_costs_at_a_higher_cost() {
    let (base, floor) = (summaries(&shipped("status-quo")), summaries(&shipped("fair-rate-floor")));
    assert_passes(&test(&floor, &base, "turnover_annual", false), "turnover");
    assert_passes(&test(&floor, &base, "unmet_need_share", false), "unmet need");
    assert_passes(&test(&floor, &base, "cost_per_delivered_hour_gbp", true), "cost per hour");
    assert_passes(&test(&floor, &base, "downstream_cost_gbp_per_year", false), "downstream costs");
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn the_incubator_raises_estate_employment_and_the_coop_and_micro_share_of_hours() {
    // Sized as docs/TESTING.md §2 says. After the workforce refit (a time to start, outreach
    // recruits among them), replicates 0-19 became the pilot: estate residents employed in years
    // 3-5 +5.8 (se 2.1, 2.7 SE, short of 3), so sd ≈ 9.4 and about 4 SE needs 44 replicates,
    // confirmed on the fresh range 20-63.
    let sized = |name: &str| -> Vec<Summary> {
        crate::common::runs(&shipped(name), SEED, 20..64).iter().map(|r| summarise(r)).collect()
    };
    let (led, incubator) = (sized("mission-led"), sized("mission-incubator"));
    for window in ["year_1", "years_3_5"] {
        let estate = test(&incubator, &led, &format!("estate_residents_employed_{window}"), true);
        let share = test(&incubator, &led, &format!("hours_share_coop_micro_{window}"), true);
        eprintln!(
            "incubator vs mission-led, {window}: estate residents employed {:+.1} (se {:.1}), co-op/micro share {:+.4} (se {:.4})",
            estate.mean_difference, estate.standard_error, share.mean_difference, share.standard_error
        );
        if window == "years_3_5" {
            assert_passes(&estate, "estate residents employed, years 3-5 (all providers: net of poaching)");
            assert_passes(&share, "co-op and micro share of hours, years 3-5");
        }
    }
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn planned_hours_and_block_payment_lower_the_zero_hours_share() {
    let base = shipped("status-quo");
    let actual = summaries(&base);
    for basis in [PaymentBasis::PlannedHours, PaymentBasis::Block] {
        let mut s = base.clone();
        s.name = format!("{basis:?}");
        s.commissioning.payment = basis;
        let secure = summaries(&s);
        assert_passes(&test(&secure, &actual, "zero_hours_share", false), "zero-hours share");
    }
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn outcome_payment_raises_continuity_and_recovery() {
    let (base, outcomes) = (summaries(&shipped("status-quo")), summaries(&shipped("outcomes-based")));
    // Continuity is measured as distinct carers per client per 4 weeks: fewer is better.
    assert_passes(&test(&outcomes, &base, "continuity_carers_per_4_weeks", false), "carers per client");
    assert_passes(&test(&outcomes, &base, "recovery_rate_annual", true), "recovery rate");
}

/// Every shipped scenario (both folders) validates and runs.
#[test]
fn every_shipped_scenario_runs() {
    let files: Vec<_> = ["scenarios/camden", "scenarios/camden-charter"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert!(files.len() >= 15, "expected the 9 Camden and 6 Charter scenarios, found {}", files.len());
    for f in files {
        let mut s = careshape::load_scenario(&f).unwrap_or_else(|e| panic!("{e}"));
        assert!(!s.description.is_empty(), "{} has no description", f.display());
        s.run.weeks = 60;
        for r in 0..2 {
            let out = run_replicate(&s, SEED, r);
            assert_eq!(out.weeks.len(), 60 + s.run.burn_in_weeks as usize);
            assert!(summarise(&out).values().iter().all(|v| v.is_finite()), "{}", f.display());
        }
    }
}
