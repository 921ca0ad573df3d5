//! `run.scale` (docs/ODD.md §2.1, "Size"): a borough k times Camden's size is the same market
//! k times as dense. Fast tier: a few short replicates.

use careshape::Scenario;

use crate::common::{assert_input_error, runs, scenario_file, status_quo};

#[test]
fn scale_one_is_the_scenario_as_written() {
    let s = status_quo();
    assert_eq!(s.run.scale, 1.0);
    assert_eq!(s.at_scale(), s);
}

#[test]
fn scale_multiplies_every_market_size_quantity_and_nothing_else() {
    let mut s = status_quo();
    s.run.scale = 3.0;
    let k = s.at_scale();
    assert_eq!(k.clients.initial_clients, 3 * s.clients.initial_clients);
    assert_eq!(k.clients.arrivals_per_week, 3.0 * s.clients.arrivals_per_week);
    assert_eq!(k.workforce.pool_initial, 3 * s.workforce.pool_initial);
    assert_eq!(k.workforce.pool_inflow_per_week, 3.0 * s.workforce.pool_inflow_per_week);
    assert_eq!(k.workforce.international_inflow_per_week, 3.0 * s.workforce.international_inflow_per_week);
    assert_eq!(k.providers.initial_count, 3 * s.providers.initial_count);
    assert_eq!(k.self_funders.hours_per_week, 3.0 * s.self_funders.hours_per_week);
    assert_eq!(k.council.annual_budget_gbp, 3.0 * s.council.annual_budget_gbp);
    assert_eq!(k.commissioning.tender.winners, 3 * s.commissioning.tender.winners);
    // Rates, hazards and decision rules are the borough's, whatever its size.
    assert_eq!(k.commissioning.rate_gbp_per_hour, s.commissioning.rate_gbp_per_hour);
    assert_eq!(k.workforce, {
        let mut w = s.workforce.clone();
        w.pool_initial = k.workforce.pool_initial;
        w.pool_inflow_per_week = k.workforce.pool_inflow_per_week;
        w.international_inflow_per_week = k.workforce.international_inflow_per_week;
        w
    });
    assert_eq!(k.geography, s.geography);
}

/// Mean of a weekly column over the policy period of two replicates (simulated once per
/// scenario: the runs are cached).
fn mean_over(s: &Scenario, column: impl Fn(&careshape::metrics::WeekRecord) -> f64) -> f64 {
    let runs = runs(s, 7, 0..2);
    let xs: Vec<f64> = runs.iter().flat_map(|r| r.weeks.iter().filter(|w| !w.burn_in).map(&column)).collect();
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// A borough at scale 3 has about three times the clients and staff of Camden, and at least
/// as many providers per client: entry keeps pace (three attempts a week). Not exactly three
/// times the providers: the same patches three times as dense have shorter travel between
/// visits (docs/ODD.md §7.6), so providers' margins are better and fewer fail (measured: 3.5
/// times the providers over two years). Unmet need and vacancies stay close to Camden's.
#[test]
fn a_borough_at_scale_3_is_the_same_market_three_times_over() {
    let mut one = status_quo();
    one.run.weeks = 104;
    let mut three = one.clone();
    three.run.scale = 3.0;
    for (what, column, low, high) in [
        (
            "clients",
            (|w: &careshape::metrics::WeekRecord| w.clients_active + w.clients_waiting) as fn(&_) -> f64,
            2.7,
            3.3,
        ),
        ("care workers", |w| w.care_workers, 2.7, 3.3),
        ("providers", |w| w.providers_active, 2.7, 4.5),
    ] {
        let (a, b) = (mean_over(&one, column), mean_over(&three, column));
        eprintln!("{what}: 1× {a:.1}, 3× {b:.1}, ratio {:.2}", b / a);
        assert!((low..=high).contains(&(b / a)), "{what}: 1× {a:.1}, 3× {b:.1}, ratio outside {low}–{high}");
    }
    for (what, column) in [
        ("unmet need share", (|w: &careshape::metrics::WeekRecord| w.unmet_need_share) as fn(&_) -> f64),
        ("vacancy rate", |w| w.vacancy_rate),
    ] {
        let (a, b) = (mean_over(&one, column), mean_over(&three, column));
        eprintln!("{what}: 1× {a:.4}, 3× {b:.4}");
        assert!((b - a).abs() <= 0.25 * a.max(0.01), "{what}: 1× {a:.4}, 3× {b:.4}");
    }
}

#[test]
fn a_scale_outside_its_range_is_an_input_error() {
    for (value, found) in [("0", "found 0"), ("-2", "found -2"), ("1000", "found 1000"), ("nan", "found NaN")]
    {
        let (_dir, f) = scenario_file("scaled.toml", &format!("[run]\nscale = {value}\n"));
        assert_input_error(
            &["validate", f.to_str().unwrap()],
            &["scaled.toml:", "key `run.scale`: expected a multiple above 0 and at most 100", found],
        );
    }
}
