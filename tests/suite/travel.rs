//! Travel responds to density (BHH): more clients per provider per km² → lower travel share,
//! across the range between scattered and clustered caseloads.

use careshape::Scenario;

use crate::common::{col, summaries};

fn status_quo() -> Scenario {
    let mut s = crate::common::status_quo();
    s.run.weeks = 26;
    s.run.burn_in_weeks = 13;
    s
}

fn mean_travel_share(s: &Scenario) -> f64 {
    col(&summaries(s, 9, 4), "travel_share").iter().sum::<f64>() / 4.0
}

fn assert_decreasing(label: &str, xs: &[f64]) {
    for w in xs.windows(2) {
        assert!(w[1] < w[0], "{label}: travel share should fall as density rises: {xs:?}");
    }
}

#[test]
fn travel_share_falls_as_the_borough_gets_denser() {
    // Same people and providers on ever smaller patches: 16× the area to 1/4 of it.
    let shares: Vec<f64> = [16.0, 4.0, 1.0, 0.25]
        .iter()
        .map(|&scale| {
            let mut s = status_quo();
            for p in s.geography.patches.iter_mut() {
                p.area_km2 *= scale;
            }
            mean_travel_share(&s)
        })
        .collect();
    assert_decreasing("area", &shares);
    assert!(shares[0] > 1.5 * shares[3], "the response should be material: {shares:?}");
}

#[test]
fn travel_share_falls_as_caseloads_concentrate_in_fewer_providers() {
    // From 120 providers sharing the borough (scattered caseloads) to 10 (clustered).
    let shares: Vec<f64> = [120, 40, 20, 10]
        .iter()
        .map(|&n| {
            let mut s = status_quo();
            s.providers.initial_count = n;
            s.providers.entry_base_per_week = 0.0;
            s.providers.entry_per_expected_margin = 0.0;
            mean_travel_share(&s)
        })
        .collect();
    assert_decreasing("providers", &shares);
}
