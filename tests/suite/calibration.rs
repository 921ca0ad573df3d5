//! Calibration: the shipped status quo lands in the fitted target ranges (regression test for
//! every later change), and the ABC machinery recovers known parameters from synthetic targets
//! with a pattern filter.

use std::path::{Path, PathBuf};

use careshape::analysis::stats::moments;
use careshape::calibration::{
    Calibration, CalibrationFile, Change, Design, Direction, Filter, FreeParameter, Method, Target,
    calibrate, filter_holds, get_parameter, identification, load_calibration, set_parameter,
    weighted_quantile,
};
use careshape::run_replicate;
use careshape::{Summary, summarise};

use crate::common::col as column;

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn calibrated_status_quo_lands_in_the_fitted_target_ranges() {
    let cal = load_calibration(Path::new("scenarios/calibration/camden.toml")).unwrap();
    let s = crate::common::status_quo();
    let sums: Vec<Summary> = crate::common::summaries(&s, 777, 30);
    for t in &cal.config.targets {
        let m = moments(&column(&sums, &t.metric));
        let (lo, hi) = t.range();
        assert!(
            m.mean >= lo && m.mean <= hi,
            "{}: mean {:.4} ± {:.4} over 30 replicates is outside the target {lo}–{hi}",
            t.metric,
            m.mean,
            m.ci_half_width(0.95)
        );
    }
}

fn target(metric: &str, value: f64, tolerance: f64) -> Target {
    Target {
        metric: metric.into(),
        min: None,
        max: None,
        value: Some(value),
        tolerance: Some(tolerance),
        source: "synthetic".into(),
    }
}

/// The synthetic-recovery test's filter: freezing wage review lowers effective wages. It holds
/// wherever the wage review raises pay at all, and fails (a paired difference of exactly zero)
/// where it cannot, e.g. with `wage_headroom_share` = 0 (docs/ODD.md §7.10).
fn wage_review_filter() -> Filter {
    Filter {
        name: "wage review raises wages".into(),
        metric: "effective_wage_gbp_per_hour".into(),
        direction: Direction::Lower,
        min_se: 0.0,
        change: vec![Change {
            path: "providers.wage_review_enabled".into(),
            add: None,
            set: Some(serde_json::Value::Bool(false)),
        }],
        source: "test".into(),
    }
}

/// Issue 15's recovery test: synthetic targets generated from known parameters (on seeds the fit
/// does not use), one pattern filter; at least three of the four known parameters lie inside
/// their 90% posterior intervals with posteriors narrower than half their priors, no accepted
/// point breaks the filter, and a parameter set that breaks it is rejected. Short runs (one
/// year after a year's burn-in) keep it to about three minutes on 2 cores; a shorter burn-in
/// hides the idle cost share, because the contract-mix choice learns a provider's income risk
/// over a quarter and then converts contracts gradually (docs/ODD.md §7.10, §7.11).
///
/// Re-sized at the sixth calibration (the market submodels): at 3 replicates a point and 2
/// batches a round the SMC starved after its first round (15 of 32 accepted) and only the quit
/// base was recovered. At 5 replicates and 4 batches five rounds ran and two were recovered
/// (the margin-headroom share's width ratio 0.53, just short); the share paid at least the LLW,
/// which identifies that share in the real fit (r = +0.85, docs/CALIBRATION.md §4), was then
/// added as a fifth synthetic target, and the test passed on that one run.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn calibration_recovers_known_parameters_from_synthetic_targets() {
    let mut base = crate::common::status_quo();
    base.run.weeks = 104;
    base.run.burn_in_weeks = 52;
    // The truth, each parameter away from its range's edges: (path, truth, min, max). The idle
    // cost share's truth and range lie where the contract-mix choice answers it (docs/ODD.md
    // §7.10): above about 0.3 nearly every provider offers zero-hours contracts, so the
    // zero-hours share, the target that identifies it, no longer moves.
    let truth = [
        ("providers.guarantee_idle_cost_share", 0.1, 0.02, 0.3),
        ("workforce.quit_base_per_week", 0.0015, 0.0003, 0.004),
        ("clients.arrivals_per_week", 15.0, 10.0, 20.0),
        ("providers.wage_headroom_share", 0.5, 0.0, 1.0),
    ];
    let mut true_scenario = base.clone();
    for (path, v, _, _) in truth {
        true_scenario = set_parameter(&true_scenario, path, v).unwrap();
    }
    // Synthetic targets: the model's own outcomes at the truth, on a seed the fit does not use,
    // each ± a tolerance of the order of a 3-replicate point's noise.
    let sums: Vec<Summary> = (0..8).map(|r| summarise(&run_replicate(&true_scenario, 99, r))).collect();
    let at_truth = |m: &str| moments(&column(&sums, m)).mean;
    let targets = vec![
        target("zero_hours_share", at_truth("zero_hours_share"), 0.02),
        target("turnover_annual", at_truth("turnover_annual"), 0.02),
        target("clients_active", at_truth("clients_active"), 0.02 * at_truth("clients_active")),
        target("effective_wage_gbp_per_hour", at_truth("effective_wage_gbp_per_hour"), 0.04),
        target("share_paid_at_least_llw", at_truth("share_paid_at_least_llw"), 0.03),
    ];
    let method = Method {
        design: Design::Sobol,
        points: 128,
        replicates: 5,
        seed: 4242,
        accept_share: 0.1,
        smc_rounds: 4,
        smc_points: 64,
        population: 32,
        max_batches: 4,
        tolerance_quantile: 0.5,
        stop_change: 0.05,
        weeks: Some(104),
        confirm_replicates: 4,
        confirm_candidates: 3,
    };
    let config = CalibrationFile {
        name: "synthetic".into(),
        base_scenario: PathBuf::from("status-quo.toml"),
        method,
        parameters: truth
            .iter()
            .map(|&(path, _, min, max)| FreeParameter { path: path.into(), min, max, source: "test".into() })
            .collect(),
        targets,
        filters: vec![wage_review_filter()],
        checks: vec![],
    };
    let cal = Calibration { file: PathBuf::from("synthetic.toml"), config, base, full_weeks: 104 };
    let started = std::time::Instant::now();
    let result = calibrate(&cal, &|| {}).unwrap();
    print!("{}", careshape::output::calibration::rounds_markdown(&result));
    println!("stop: {:?}; {:.0} s", result.stop, started.elapsed().as_secs_f64());
    let ids = identification(&cal, &result);
    let mut recovered = Vec::new();
    for (id, (path, v, _, _)) in ids.iter().zip(truth) {
        let inside = id.q05 <= v && v <= id.q95;
        let narrow = id.width_ratio < 0.5;
        println!(
            "{path}: truth {v}, posterior {:.5} / {:.5} / {:.5}, width ratio {:.2}, moved by {:?}",
            id.q05, id.q50, id.q95, id.width_ratio, id.moved_by
        );
        if inside && narrow {
            recovered.push(path);
        }
    }
    assert!(
        recovered.len() >= 3,
        "recovered only {recovered:?} (inside the 90% interval, under half the prior)"
    );
    // The stop rule, the per-round report and the shipped point.
    assert!(result.rounds.len() >= 2, "no SMC round ran: {:?}", result.stop);
    let mut kept = result.rounds.iter().filter(|r| r.accepted >= careshape::calibration::min_population(32));
    assert!(kept.clone().all(|r| r.ess >= 1.0));
    let last = kept.next_back().unwrap();
    assert!(last.ess >= 8.0, "the final population's ESS is {}", last.ess);
    assert!(result.best_inside_intervals);
    // No accepted point breaks the filter, and every accepted point was filtered.
    for p in result.points.iter().filter(|p| p.accepted) {
        assert_eq!(p.filters_hold, Some(true), "accepted point {:?} without the filter holding", p.params);
    }
    // A parameter set that breaks the filter (no headroom spent on pay: the wage review never
    // raises pay) is rejected, even at the truth's other values.
    let filter = &cal.config.filters[0];
    let broken = set_parameter(&true_scenario, "providers.wage_headroom_share", 0.0).unwrap();
    let runs = |s: &careshape::Scenario| -> Vec<Summary> {
        (0..3).map(|r| summarise(&run_replicate(s, 4242, r))).collect()
    };
    let treated = filter.treatment(&broken).unwrap();
    assert!(
        !filter_holds(filter, &runs(&treated), &runs(&broken)).holds,
        "the filter held with no wage review effect"
    );
    assert!(
        filter_holds(filter, &runs(&filter.treatment(&true_scenario).unwrap()), &runs(&true_scenario)).holds
    );
}

/// The accepted set of the shipped calibration run (docs/CALIBRATION.md §4), kept in the
/// repository.
const ACCEPTED: &str = "scenarios/calibration/camden-accepted.csv";

/// The shipped defaults represent the posterior: every free parameter's default in the status
/// quo lies inside its 90% posterior interval (weighted 5% and 95% quantiles of the accepted set
/// written by the shipped calibration run).
#[test]
fn shipped_defaults_lie_inside_their_90_percent_posterior_intervals() {
    let cal = load_calibration(Path::new("scenarios/calibration/camden.toml")).unwrap();
    let text = std::fs::read_to_string(ACCEPTED).unwrap_or_else(|e| panic!("{ACCEPTED}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() >= 20, "{ACCEPTED}: only {} accepted particles", rows.len());
    let column = |name: &str| -> Vec<f64> {
        let k =
            header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{ACCEPTED}: no column {name}"));
        rows.iter()
            .map(|r| r[k].parse::<f64>().unwrap_or_else(|e| panic!("{ACCEPTED}: {name}: {e}")))
            .collect()
    };
    let weights = column("weight");
    assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-6, "weights do not sum to 1");
    let status_quo = crate::common::status_quo();
    for fp in &cal.config.parameters {
        let values: Vec<(f64, f64)> = column(&fp.path).into_iter().zip(weights.iter().copied()).collect();
        let q = weighted_quantile(&values);
        let (lo, hi) = (q(0.05), q(0.95));
        let default = get_parameter(&status_quo, &fp.path).unwrap();
        assert!(
            lo <= default && default <= hi,
            "{}: the shipped default {default} is outside the 90% posterior interval {lo}–{hi} of {ACCEPTED}",
            fp.path
        );
    }
}
