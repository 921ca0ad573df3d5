//! The statistics of `careshape compare`: the paired-difference CI and Holm's adjustment against
//! hand-computed examples, and common random numbers narrowing the CI on the shipped scenarios.

use careshape::analysis::compare::{Family, Samples, compare, holm, paired_difference, unpaired_difference};
use careshape::{Summary, run_batch, summarise};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() < tol
}

#[test]
fn paired_difference_ci_matches_hand_computation() {
    // Differences 1, 2, 1, 2: mean 1.5, sd = sqrt(1/3), se = sd / 2 = 0.288675;
    // t(0.975, 3) = 3.182446, so the half-width is 0.918689.
    // t = 1.5 / se = 5.196152; with 3 df, P(T ≤ t) = 1/2 + (t/√3 / (1 + t²/3) + atan(t/√3)) / π
    // = 1/2 + (0.3 + atan 3) / π = 0.9930725, so the two-sided p-value is 0.013855.
    let treatment = [10.0, 12.0, 11.0, 14.0];
    let baseline = [9.0, 10.0, 10.0, 12.0];
    let d = paired_difference(&treatment, &baseline, 0.95);
    assert_eq!(d.n, 4);
    assert!(close(d.mean, 1.5, 1e-12));
    assert!(close(d.half_width, 0.918689, 1e-5), "{}", d.half_width);
    assert!(close(d.low(), 0.581311, 1e-5) && close(d.high(), 2.418689, 1e-5));
    assert!(close(d.p_value, 0.013855, 1e-5), "{}", d.p_value);
    // Unpaired (Welch), the same samples: sd 1.707825 and 1.258306, se = 1.060660, df = 5.5385;
    // a much wider interval, because it ignores that replicate i of both shares its noise.
    let u = unpaired_difference(&treatment, &baseline, 0.95);
    assert!(close(u.mean, 1.5, 1e-12));
    assert!(u.half_width > 2.5 && u.half_width < 2.8, "{}", u.half_width);
    assert!(u.half_width > d.half_width);
}

#[test]
fn holm_adjustment_matches_hand_computation() {
    // m = 4. Sorted: 0.005 × 4 = 0.02; 0.01 × 3 = 0.03; 0.03 × 2 = 0.06; 0.04 × 1 = 0.04,
    // raised to the running maximum 0.06. At α = 0.05 the first two are rejected; Bonferroni
    // (× 4) would also reject only those, but with p-values 0.02, 0.04, 0.12, 0.16.
    let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
    let expected = [0.03, 0.06, 0.06, 0.02];
    for (a, e) in adjusted.iter().zip(expected) {
        assert!(close(*a, e, 1e-12), "{adjusted:?}");
    }
    // Capped at 1, NaN left out of the family.
    let adjusted = holm(&[0.6, f64::NAN, 0.5]);
    assert!(close(adjusted[0], 1.0, 1e-12) && close(adjusted[2], 1.0, 1e-12) && adjusted[1].is_nan());
}

#[test]
fn compare_flags_a_clear_difference_and_keeps_the_baseline_blank() {
    let metrics = vec!["unmet_need_share".to_string(), "hhi".to_string()];
    let rows = [
        ("status-quo", 0, [0.040, 1000.0]),
        ("status-quo", 1, [0.050, 1100.0]),
        ("status-quo", 2, [0.045, 900.0]),
        ("reform", 0, [0.030, 1000.5]),
        ("reform", 1, [0.0405, 1099.0]),
        ("reform", 2, [0.035, 901.0]),
    ];
    let samples = Samples::from_rows(metrics, rows.iter().map(|(s, r, v)| (*s, *r as u32, v.as_slice())))
        .expect("paired");
    let out = compare(&samples, 0);
    assert_eq!(out.len(), 4);
    let unmet = out.iter().find(|r| r.outcome == "unmet_need_share" && r.scenario == "reform").unwrap();
    assert_eq!(unmet.family, Family::Headline);
    assert!(close(unmet.difference.unwrap().mean, -0.0098333, 1e-6));
    assert_eq!(unmet.clear_of_zero, Some(true));
    assert!(close(unmet.percent_change.unwrap(), -0.0098333 / 0.045 * 100.0, 1e-3));
    let hhi = out.iter().find(|r| r.outcome == "hhi" && r.scenario == "reform").unwrap();
    assert_eq!(hhi.family, Family::Secondary);
    assert_eq!(hhi.clear_of_zero, Some(false));
    let base = out.iter().find(|r| r.outcome == "hhi" && r.is_baseline).unwrap();
    assert!(base.difference.is_none() && base.clear_of_zero.is_none());
}

/// Common random numbers: on the shipped scenarios (plus two test variants), the paired CI of the difference to
/// the status quo is narrower than the unpaired one for unmet need, turnover and cost per hour,
/// summed over the scenarios compared.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn common_random_numbers_narrow_the_ci_on_the_shipped_scenarios() {
    let loaded = careshape::study::load_all(&[
        "scenarios/camden".into(),
        "tests/data/higher-rate.toml".into(),
        "tests/data/planned-hours.toml".into(),
    ])
    .expect("scenarios load");
    let scenarios: Vec<_> = loaded
        .into_iter()
        .map(|(_, mut s)| {
            s.run.weeks = 104;
            s
        })
        .collect();
    let results = run_batch(&scenarios, 2024, 8, &|| {});
    let sums: Vec<Summary> = results.iter().map(summarise).collect();
    let samples = Samples::from_summaries(
        results.iter().zip(&sums).map(|(r, s)| (r.scenario.as_str(), r.replicate, s)),
    )
    .unwrap();
    let base = samples.scenario_index("status-quo").unwrap();
    for metric in ["unmet_need_share", "turnover_annual", "cost_per_delivered_hour_gbp"] {
        let m = samples.metric_index(metric).unwrap();
        let (mut paired, mut unpaired) = (0.0, 0.0);
        for s in (0..samples.scenarios.len()).filter(|&s| s != base) {
            let p = paired_difference(samples.sample(s, m), samples.sample(base, m), 0.95).half_width;
            let u = unpaired_difference(samples.sample(s, m), samples.sample(base, m), 0.95).half_width;
            eprintln!("{metric} {}: paired ±{p:.5}, unpaired ±{u:.5}", samples.scenarios[s]);
            paired += p;
            unpaired += u;
        }
        assert!(paired < unpaired, "{metric}: paired CI half-widths sum to {paired}, unpaired to {unpaired}");
    }
}
