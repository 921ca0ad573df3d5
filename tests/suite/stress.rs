//! Stress tests (scheduled shocks, docs/ODD.md §7.23) as statistical tests over paired
//! replicates: each shocked scenario against the same scenario without the shock, one-sided
//! paired t-test at α = 0.01 with an effect of at least 3 standard errors, 20 replicates (more
//! where a test says why), seed fixed here (docs/TESTING.md).
//! The shocks are the shipped files of `scenarios/stress/` (week 52), applied with the same
//! composition as `careshape run --shock`; runs are cut to 104 weeks after the reform date,
//! which leaves the year after the shock.

use std::sync::Arc;

use careshape::analysis::stats::{paired_differences, paired_test};
use careshape::analysis::summarise_from;
use careshape::metrics::WeekRecord;
use careshape::scenario::{FeeUplift, Rationing, Shock, ShockFile, compose, load_shock_file};
use careshape::{ReplicateResult, Scenario, Summary};

use crate::common::{Checks, col as column, report};

const REPLICATES: u32 = 20;
const SEED: u64 = 4242;
const WEEKS: u32 = 104;

type Runs = Vec<Arc<ReplicateResult>>;

fn policy(name: &str) -> Scenario {
    let mut s = crate::common::shipped(name);
    s.run.weeks = WEEKS;
    s
}

fn shock(name: &str) -> ShockFile {
    load_shock_file(&std::path::Path::new("scenarios/stress").join(format!("{name}.toml"))).unwrap()
}

/// The policy with a shock file applied, as `careshape run --shock` builds it.
fn shocked(p: &Scenario, sf: &ShockFile) -> Scenario {
    let composed = compose(std::slice::from_ref(p), std::slice::from_ref(sf)).unwrap();
    assert_eq!(composed.len(), 2);
    assert_eq!(composed[1].scenario.name, format!("{}+{}", p.name, sf.name));
    composed[1].scenario.clone()
}

/// `n` replicates of a scenario, shared with other tests (several share the status quo's
/// baseline); replicate i is the same run whatever `n` is.
fn runs_n(s: &Scenario, n: u32) -> Runs {
    crate::common::runs(s, SEED, 0..n)
}

/// Replicates `range` of a scenario, uncached: a confirmatory sample kept apart from the
/// replicates a pilot used.
fn runs_in(s: &Scenario, range: std::ops::Range<u32>) -> Runs {
    crate::common::runs_uncached(s, SEED, range).into_iter().map(Arc::new).collect()
}

fn runs(s: &Scenario) -> Runs {
    runs_n(s, REPLICATES)
}

/// Summaries with after-shock outcomes measured from `week` (the shocked twin's week).
fn summaries(results: &[Arc<ReplicateResult>], week: i32) -> Vec<Summary> {
    results.iter().map(|r| summarise_from(r, week)).collect()
}

/// Mean of a weekly metric over weeks [from, to) of each replicate.
fn window_mean(results: &[Arc<ReplicateResult>], metric: &str, from: i32, to: i32) -> Vec<f64> {
    results
        .iter()
        .map(|r| {
            let xs: Vec<f64> = r
                .weeks
                .iter()
                .filter(|w| (from..to).contains(&w.week))
                .map(|w| w.get(metric).unwrap())
                .collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        })
        .collect()
}

/// Paired differences of a summary column.
fn effect_of(a: &[Summary], b: &[Summary], m: &str) -> Vec<f64> {
    paired_differences(&column(a, m), &column(b, m))
}

/// The shock week of a shocked run.
fn week_of(results: &[Arc<ReplicateResult>]) -> i32 {
    results[0].shock_week.expect("a shocked run records its shock week")
}

/// Shocks draw no random numbers other processes use: every week before the shock is
/// identical to the same replicate without it.
fn assert_identical_before_shock(base: &[Arc<ReplicateResult>], shocked: &[Arc<ReplicateResult>]) {
    let s = week_of(shocked);
    for (b, x) in base.iter().zip(shocked) {
        let before = |r: &ReplicateResult| -> Vec<WeekRecord> {
            r.weeks.iter().filter(|w| w.week < s).cloned().collect()
        };
        assert_eq!(before(b), before(x), "replicate {}: weeks before the shock differ", b.replicate);
    }
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn largest_provider_failure_raises_waiting_and_emergency_costs_and_recovers() {
    let mut checks = Checks::default();
    let base_s = policy("status-quo");
    let fail_s = shocked(&base_s, &shock("largest-provider-fails"));
    let (base, fail) = (runs(&base_s), runs(&fail_s));
    assert_identical_before_shock(&base, &fail);
    let s = week_of(&fail);
    // Exactly one provider fails, with its own cause, in the shock week.
    for r in &fail {
        let failed: Vec<_> = r.providers.iter().filter(|p| p.exit_cause == Some("failure")).collect();
        assert_eq!(failed.len(), 1, "replicate {}", r.replicate);
        assert_eq!(failed[0].exit_week, Some(s));
    }
    // Waiting in weeks 1-8 after the shock (the shock week is week 1: the failure happens at
    // its start): above the run's own pre-shock mean, and above the same weeks without it.
    let after = window_mean(&fail, "clients_waiting", s, s + 8);
    let pre = window_mean(&fail, "clients_waiting", s - 13, s);
    checks.check(&paired_test(&after, &pre, true), "failure: waiting weeks 1-8 vs the pre-shock mean");
    let base_after = window_mean(&base, "clients_waiting", s, s + 8);
    checks.check(&paired_test(&after, &base_after, true), "failure: waiting weeks 1-8 vs no failure");
    let (f, b) = (summaries(&fail, s), summaries(&base, s));
    let metric = "emergency_premium_gbp_year_after_shock";
    checks.check(
        &paired_test(&column(&f, metric), &column(&b, metric), true),
        "failure: emergency premium, year after",
    );
    // The time to recover is reported (and is a number of weeks within the run).
    let recover = column(&f, "weeks_to_recover_waiting");
    report("failure: weeks to recover waiting", &recover);
    report("failure: peak waiting", &column(&f, "peak_waiting_after_shock"));
    assert!(recover.iter().all(|&w| (0.0..=(WEEKS as i32 - s) as f64).contains(&w)));
    checks.done();
}

/// When the largest provider fails, the workers who follow their clients to the providers
/// that take them on (docs/ODD.md §7.17) bring capacity with the demand: fewer unmet hours in
/// the year after than when every worker goes back to the pool, paired on the same failure.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn workers_who_follow_their_clients_cut_the_unmet_hours_after_a_failure() {
    let mut checks = Checks::default();
    let follow_s = shocked(&policy("status-quo"), &shock("largest-provider-fails"));
    let mut pool_s = follow_s.clone();
    pool_s.name = "status-quo+largest-provider-fails, workers to the pool".into();
    for s in pool_s.shocks.iter_mut() {
        if let Shock::ProviderFailure { workers_follow_clients_share, .. } = s {
            *workers_follow_clients_share = 0.0;
        }
    }
    let (follow, pool) = (runs(&follow_s), runs(&pool_s));
    let s = week_of(&follow);
    // Followers are hired in the weeks after the failure, and only where the share allows.
    let followed = |r: &[Arc<ReplicateResult>]| window_mean(r, "workers_followed_clients", s, s + 13);
    assert!(followed(&follow).iter().all(|&x| x > 0.0), "{:?}", followed(&follow));
    assert!(followed(&pool).iter().all(|&x| x == 0.0));
    let (f, p) = (summaries(&follow, s), summaries(&pool, s));
    for (metric, what) in [
        ("unmet_hours_year_after_shock", "unmet hours, year after the failure"),
        ("peak_unmet_need_share_after_shock", "peak unmet need after the failure"),
    ] {
        checks.check(&paired_test(&column(&f, metric), &column(&p, metric), false), what);
    }
    checks.done();
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_provider_of_last_resort_takes_urgent_clients_after_a_failure_at_its_cost() {
    let mut base_s = policy("status-quo");
    base_s.name = "status-quo-last-resort".into();
    base_s.council.last_resort.enabled = true;
    let sf = shock("largest-provider-fails");
    let with_lr = runs(&shocked(&base_s, &sf));
    let without = runs(&shocked(&policy("status-quo"), &sf));
    let s = week_of(&with_lr);
    let in_house: f64 = with_lr.iter().flat_map(|r| &r.weeks).map(|w| w.last_resort_placements).sum();
    assert!(in_house > 0.0, "the provider of last resort took no one");
    let a = summaries(&with_lr, s);
    let spend = column(&a, "last_resort_spend_gbp_year_after_shock");
    report("last resort: its spend in the year after (GBP)", &spend);
    // Replicates where the market takes every client at once need no last resort.
    assert!(spend.iter().filter(|&&x| x > 0.0).count() >= REPLICATES as usize / 2);
    // Its effect on waiting is reported, not asserted. Measured at this seed since the third
    // calibration: the failure adds ≈ 19 waiting clients over weeks 1-8 (peak ≈ 130, back to
    // the pre-shock level within ≈ 5 weeks), and the last resort removes only ≈ 2 of them
    // (se 1.4): the market re-places most clients as fast as the last resort could.
    let (wa, wb) = (
        window_mean(&with_lr, "clients_waiting", s, s + 8),
        window_mean(&without, "clients_waiting", s, s + 8),
    );
    let change = paired_differences(&wa, &wb);
    report("last resort: change in clients waiting, weeks 1-8 after a failure", &change);
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_budget_cut_keeps_spend_within_the_cut_budget_and_raises_unmet_need() {
    let mut checks = Checks::default();
    let base_s = policy("status-quo");
    let sf = shock("budget-cut");
    let cut_s = shocked(&base_s, &sf);
    let (base, cut) = (runs(&base_s), runs(&cut_s));
    assert_identical_before_shock(&base, &cut);
    let s = week_of(&cut);
    let (c, b) = (summaries(&cut, s), summaries(&base, s));
    // The cut budget binds: the year's spend (providers and last resort) stays within it, up
    // to the overshoot of the weeks it takes for exits to bring the caseload down (blocking
    // new packages cannot stop care already running; measured 0.5-1.4%, seed of this module, 20
    // replicates): at most 2%. The cut
    // budget is indexed each April as the budget it replaced (`council.budget_index`), so the
    // year's budget is the sum of its weekly allowances over the year after the shock.
    for (r, spend) in cut.iter().zip(column(&c, "council_spend_gbp_year_after_shock")) {
        let budget: f64 = r
            .weeks
            .iter()
            .filter(|w| (s..s + 52).contains(&w.week))
            .map(|w| w.annual_budget_gbp / 52.0)
            .sum();
        eprintln!("budget cut, replicate {}: spend / cut budget = {:.4}", r.replicate, spend / budget);
        assert!(
            spend <= budget * 1.02,
            "replicate {}: spend {spend:.0} over the cut budget {budget:.0}",
            r.replicate
        );
    }
    let spend = "council_spend_gbp_year_after_shock";
    checks
        .check(&paired_test(&column(&c, spend), &column(&b, spend), false), "budget cut: spend, year after");
    let unmet = "unmet_need_share_year_after_shock";
    checks.check(
        &paired_test(&column(&c, unmet), &column(&b, unmet), true),
        "budget cut: unmet need, year after",
    );
    report("budget cut: peak unmet need share", &column(&c, "peak_unmet_need_share_after_shock"));
    report("budget cut: weeks to recover unmet need", &column(&c, "weeks_to_recover_unmet_need"));

    // The same cut rationed by trimming hours at review: packages are trimmed, and the trimmed
    // hours show up as unmet need.
    let mut trim_sf = sf.clone();
    trim_sf.name = "budget-cut-trim".into();
    for sh in trim_sf.shocks.iter_mut() {
        if let Shock::BudgetCut { rationing, .. } = sh {
            *rationing = Some(Rationing::Trim);
        }
    }
    let trim = runs(&shocked(&base_s, &trim_sf));
    let t = summaries(&trim, s);
    let trimmed: f64 = trim.iter().flat_map(|r| &r.weeks).map(|w| w.packages_trimmed).sum();
    assert!(trimmed > 0.0, "no package was trimmed");
    checks.check(
        &paired_test(&column(&t, unmet), &column(&b, unmet), true),
        "budget cut (trim): unmet need, year after",
    );
    checks.check(
        &paired_test(&column(&t, spend), &column(&b, spend), false),
        "budget cut (trim): spend, year after",
    );
    checks.done();
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_wage_floor_jump_under_fixed_price_terms_cuts_margins_and_raises_handbacks_less_so_with_indexed_fees() {
    let mut checks = Checks::default();
    let sf = shock("wage-floor-rise");
    // Pattern 3's fixed-price terms: the lowest-price tender with its rate frozen for the term
    // (the shipped file keeps the status quo's uplift, one lever per file).
    let mut fixed = policy("lowest-price-tender");
    fixed.name = "lowest-price-tender-fixed-price".into();
    fixed.commissioning.fee_uplift = FeeUplift::None;
    let mut indexed = fixed.clone();
    indexed.name = "lowest-price-tender-indexed".into();
    indexed.commissioning.fee_uplift = FeeUplift::IndexedToWageFloor;
    // Sample size set by power from a pilot, and the test run on fresh replicates. Pilot,
    // replicates 0-59: the weakest asserted comparison, the smaller rise of handbacks at a loss
    // with indexed fees, was -25.3 (se 9.1, 2.8 se), so 120 replicates are needed to expect
    // 4 se. The test uses replicates 60-179, none of which the pilot saw.
    let r = 3 * REPLICATES..9 * REPLICATES;
    let (fb, fs) = (runs_in(&fixed, r.clone()), runs_in(&shocked(&fixed, &sf), r.clone()));
    let (ib, is) = (runs_in(&indexed, r.clone()), runs_in(&shocked(&indexed, &sf), r));
    let s = week_of(&fs);
    let (fb, fs, ib, is) = (summaries(&fb, s), summaries(&fs, s), summaries(&ib, s), summaries(&is, s));
    // Handbacks are packages their provider hands back (§7.16): at a loss for K weeks, or
    // because it cannot staff them. Whole contracts count separately.
    let (margin, handbacks) = ("mean_margin_year_after_shock", "handbacks_year_after_shock");
    // The shock's paired effect on an outcome under fixed fees and under indexed fees.
    let effects = |m: &str| (effect_of(&fs, &fb, m), effect_of(&is, &ib, m));
    checks.check(
        &paired_test(&column(&fs, margin), &column(&fb, margin), false),
        "wage jump, no uplift: margins",
    );
    checks.check(
        &paired_test(&column(&fs, handbacks), &column(&fb, handbacks), true),
        "wage jump, no uplift: package handbacks",
    );
    // Squeezed providers more often go insolvent, returning all their packages at once:
    // reported (packages returned either way, and exits).
    report(
        "wage jump, no uplift: packages returned (handed back or by an exit), rise",
        &effect_of(&fs, &fb, "returned_packages_year_after_shock"),
    );
    report("wage jump, no uplift: exits, rise", &effect_of(&fs, &fb, "exits_year_after_shock"));
    // Whole contracts are handed back only after K weeks at a loss plus the notice period, and
    // most lowest-price framework places have gone before the shock (winner's curse, year 1):
    // reported, not asserted.
    report(
        "wage jump, no uplift: contract handbacks, rise",
        &effect_of(&fs, &fb, "contract_handbacks_year_after_shock"),
    );
    // With fees indexed to the wage floor the effect is smaller: compare the paired effects.
    let (dm_fixed, dm_indexed) = effects(margin);
    checks.check(
        &paired_test(&dm_indexed, &dm_fixed, true),
        "wage jump: margin fall smaller with indexed fees",
    );
    // Packages returned (handed back, or by an exit) rise less with indexed fees.
    let returned = "returned_packages_year_after_shock";
    let (dr_fixed, dr_indexed) = effects(returned);
    checks.check(
        &paired_test(&dr_indexed, &dr_fixed, false),
        "wage jump: rise in packages returned smaller with indexed fees",
    );
    // Handbacks have two causes: a loss for K weeks, which indexed fees address, and staff a
    // provider cannot find, which they do not (the outside wage moves with the floor in both
    // arms). The price squeeze shows in the first.
    let loss = "loss_handbacks_year_after_shock";
    checks.check(
        &paired_test(&column(&fs, loss), &column(&fb, loss), true),
        "wage jump, no uplift: handbacks at a loss",
    );
    let (dl_fixed, dl_indexed) = effects(loss);
    checks.check(
        &paired_test(&dl_indexed, &dl_fixed, false),
        "wage jump: rise in handbacks at a loss smaller with indexed fees",
    );
    // All handbacks together (a loss or no staff): in the pilot -19.6 (se 9.5, 2.0 se), too
    // weak to test at this size. Reported, not asserted.
    let (dh_fixed, dh_indexed) = effects(handbacks);
    let less = paired_differences(&dh_indexed, &dh_fixed);
    report("wage jump: rise in all handbacks, indexed minus fixed", &less);
    checks.done();
}

/// Cost inflation is a shock kind with no shipped file: a jump in providers' non-wage costs
/// (overheads and the admin cost per hour) cuts their margins at a fixed rate; a rate floor
/// indexed through the cost model (its overhead term follows the cost index) softens the cut.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_cost_inflation_jump_cuts_margins_less_so_under_an_indexed_rate_floor() {
    let mut checks = Checks::default();
    let sf = ShockFile {
        name: "cost-jump".into(),
        description: "Non-wage costs jump 25% at week 52 (assumed size)".into(),
        shocks: vec![Shock::CostInflation { week: 52, size: 0.25 }],
    };
    let (sq, floor) = (policy("status-quo"), policy("fair-rate-floor"));
    let (sb, ss) = (runs(&sq), runs(&shocked(&sq, &sf)));
    let (fb, fs) = (runs(&floor), runs(&shocked(&floor, &sf)));
    assert_identical_before_shock(&sb, &ss);
    let s = week_of(&ss);
    let (sb, ss, fb, fs) = (summaries(&sb, s), summaries(&ss, s), summaries(&fb, s), summaries(&fs, s));
    let margin = "mean_margin_year_after_shock";
    checks.check(
        &paired_test(&column(&ss, margin), &column(&sb, margin), false),
        "cost jump, status quo: margins",
    );
    checks.check(
        &paired_test(&effect_of(&fs, &fb, margin), &effect_of(&ss, &sb, margin), true),
        "cost jump: margin fall smaller under the indexed rate floor",
    );
    report("cost jump, status quo: exits, rise", &effect_of(&ss, &sb, "exits_year_after_shock"));
    checks.done();
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_labour_supply_drop_raises_vacancies_and_unmet_need() {
    let mut checks = Checks::default();
    let base_s = policy("status-quo");
    let drop_s = shocked(&base_s, &shock("labour-shortage"));
    let (base, drop) = (runs(&base_s), runs(&drop_s));
    assert_identical_before_shock(&base, &drop);
    let s = week_of(&drop);
    let (d, b) = (summaries(&drop, s), summaries(&base, s));
    for m in ["vacancy_rate_year_after_shock", "unmet_need_share_year_after_shock"] {
        checks.check(&paired_test(&column(&d, m), &column(&b, m), true), &format!("labour shortage: {m}"));
    }
    checks.done();
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn a_demand_surge_raises_waiting_less_under_zonal_block_contracts_than_under_spot() {
    let mut checks = Checks::default();
    // 40 replicates: the difference between the designs is small next to the rise itself.
    let n = 2 * REPLICATES;
    let sf = shock("demand-surge");
    let (spot, zonal) = (policy("status-quo"), policy("neighbourhood-zonal"));
    let (sb, ss) = (runs_n(&spot, n), runs_n(&shocked(&spot, &sf), n));
    let (zb, zs) = (runs_n(&zonal, n), runs_n(&shocked(&zonal, &sf), n));
    let s = week_of(&ss);
    // Over the surge (13 weeks) and the month after it.
    let w = |r: &[Arc<ReplicateResult>], m: &str| window_mean(r, m, s, s + 17);
    let rise = |a: &[Arc<ReplicateResult>], b: &[Arc<ReplicateResult>], m: &str| -> Vec<f64> {
        paired_differences(&w(a, m), &w(b, m))
    };
    checks.check(
        &paired_test(&w(&ss, "clients_waiting"), &w(&sb, "clients_waiting"), true),
        "demand surge, spot: waiting",
    );
    checks.check(
        &paired_test(&w(&zs, "clients_waiting"), &w(&zb, "clients_waiting"), true),
        "demand surge, zonal: waiting",
    );
    // Most of the rise in waiting is the set-up time of the extra arrivals, which no design
    // shortens; the part a design can change is clients waiting past their start-of-care week.
    for m in ["clients_waiting", "clients_waiting_for_provider"] {
        let (d_spot, d_zonal) = (rise(&ss, &sb, m), rise(&zs, &zb, m));
        report(&format!("demand surge: rise in {m}, spot"), &d_spot);
        report(&format!("demand surge: rise in {m}, zonal"), &d_zonal);
        checks.check(
            &paired_test(&d_zonal, &d_spot, false),
            &format!("demand surge: {m} rises less under zonal than spot"),
        );
    }
    // Unmet need is reported, not asserted. Until the sixth calibration it also rose less under
    // zonal; with service areas (docs/ODD.md §7.7) it rose more at the sixth (+0.15 points, 3.7
    // SE, at this seed), and at the seventh the two rise alike (within half a point). Measured at
    // the sixth over the surge and the month after (40 replicates, seed 2024, per week):
    // zonal places about one more surge client (+1.0 active, -0.9 waiting, 5 SE) but delivers
    // 18 fewer hours (2.2 SE), so unmet hours rise by 19 more: a zonal lead must take packages in
    // its patch up to its capacity and then delivers a smaller share of them, where a spot
    // provider declines the ones it cannot staff.
    let m = "unmet_need_share";
    report(
        &format!("demand surge: rise in {m}, zonal less spot"),
        &paired_differences(&rise(&zs, &zb, m), &rise(&ss, &sb, m)),
    );
    checks.done();
}

#[test]
fn shock_files_hold_only_shocks_and_compose_with_every_policy() {
    let dir = std::env::temp_dir().join(format!("careshape-stress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\n[council]\nbudget_binding = true\n").unwrap();
    let e = load_shock_file(&bad).unwrap_err().to_string();
    assert!(e.contains("holds only"), "{e}");
    let late = dir.join("late.toml");
    std::fs::write(&late, "[[shocks]]\nkind = \"demand_surge\"\nweek = 500\nsize = 0.2\n").unwrap();
    let sf = load_shock_file(&late).unwrap();
    assert_eq!(sf.name, "late");
    let e = compose(&[policy("status-quo")], &[sf]).unwrap_err().to_string();
    assert!(e.contains("shocks[0].week"), "{e}");
    std::fs::remove_dir_all(&dir).ok();

    let policies: Vec<Scenario> = std::fs::read_dir("scenarios/camden")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| careshape::load_scenario(&p).unwrap())
        .collect();
    let shocks = careshape::scenario::load_shock_files(&["scenarios/stress".into()]).unwrap();
    assert_eq!(shocks.len(), 5, "the five shipped shock files");
    let shocks: Vec<ShockFile> = shocks.into_iter().map(|(_, s)| s).collect();
    let matrix = compose(&policies, &shocks).unwrap();
    assert_eq!(matrix.len(), policies.len() * 6);
    assert!(matrix.iter().filter(|c| c.shock.is_none()).all(|c| c.scenario.shocks.is_empty()));
}
