//! Limits of the input (issue 14, "Hardening"): every number of a scenario is finite and in
//! its documented range, and counts and run lengths are limited before anything is
//! allocated (docs/ODD.md §2.1, Limits). Each bad input exits with code 2, never a panic, and
//! the error names the file, the key and what was expected. Fast tier: nothing is simulated.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{arg, assert_input_error, careshape_ok, scenario_file};

/// `validate` on a one-file scenario with `text`, asserting the file, the key and each part.
fn assert_invalid(text: &str, key: &str, must_contain: &[&str]) -> String {
    let (_dir, f) = scenario_file("limits.toml", text);
    let key_part = format!("key `{key}`: expected");
    let mut parts = vec!["limits.toml:", key_part.as_str()];
    parts.extend_from_slice(must_contain);
    assert_input_error(&["validate", arg(&f)], &parts)
}

#[test]
fn nan_and_inf_are_rejected_in_every_table() {
    // (table, key, TOML value, the value as the message prints it)
    let cases = [
        ("providers", "min_margin_after_raise", "nan", "found NaN"),
        ("providers", "hiring_buffer", "inf", "found inf"),
        ("providers", "hiring_buffer_heads", "nan", "found NaN"),
        ("providers", "markup_initial", "inf", "found inf"),
        ("providers", "markup_max", "nan", "found NaN"),
        ("workforce", "estate_outreach_per_vacancy_week", "inf", "found inf"),
        ("workforce", "intrinsic_motivation_log", "nan", "found NaN"),
        ("clients", "death_per_week", "nan", "share between 0 and 1, found NaN"),
        ("council", "annual_budget_gbp", "inf", "positive number, found inf"),
        ("geography", "min_round_hours", "-inf", "found -inf"),
        ("commissioning", "rate_gbp_per_hour", "nan", "found NaN"),
        ("commissioning.incubator", "startup_grant_gbp", "nan", "finite number, found NaN"),
        ("self_funders", "leaving_per_shortfall", "nan", "found NaN"),
        ("wage_floor", "cost_inflation", "inf", "found inf"),
        ("mission", "co2", "inf", "found inf"),
    ];
    for (table, key, value, expected) in cases {
        let err =
            assert_invalid(&format!("[{table}]\n{key} = {value}\n"), &format!("{table}.{key}"), &[expected]);
        assert!(err.contains("1 invalid value"), "{table}.{key}: reported more than once:\n{err}");
    }
}

#[test]
fn non_finite_in_arrays_and_markups_is_rejected() {
    assert_invalid(
        "[council]\nrating_thresholds = [0.4, 0.6, inf]\n",
        "council.rating_thresholds[2]",
        &["share between 0 and 1, found inf"],
    );
    assert_invalid(
        "[providers]\nmarkup_min = -inf\n",
        "providers.markup_min",
        &["between -1 and 1, found -inf"],
    );
}

#[test]
fn tiny_visit_length_is_rejected() {
    assert_invalid(
        "[clients]\nvisit_length_hours = [1e-300]\nvisit_length_probabilities = [1.0]\n",
        "clients.visit_length_hours[0]",
        &["from 0.05 hours (3 minutes) to 24 hours, found 0.000000"],
    );
}

#[test]
fn too_many_providers_are_rejected() {
    assert_invalid(
        "[providers]\ninitial_count = 4000000000\n",
        "providers.initial_count",
        &["at most 10000 providers, found 4000000000"],
    );
}

#[test]
fn burn_in_beyond_the_wage_floor_data_is_rejected() {
    assert_invalid("[run]\nburn_in_weeks = 5200\n", "run.burn_in_weeks", &["at most 520 weeks (10 years)"]);
    // Within 520 weeks but before the default data (April 2023 on, reform in October 2026).
    assert_invalid(
        "[run]\nburn_in_weeks = 200\n",
        "run.burn_in_weeks",
        &["at most 182 weeks", "April 2023", "found 200"],
    );
}

/// Found by the property tests: bidders divide their cost by what a pound of the rate brings
/// in an hour, so a bid rate that pays nothing made every bid, and the contract rate, infinite
/// (and providers' cash NaN).
#[test]
fn a_bid_rate_that_pays_nothing_is_rejected() {
    let tender = "[commissioning]\naward = \"framework\"\nprice = \"bid\"\n";
    assert_invalid(
        &format!("[clients]\nactual_to_planned_minutes = 0.0\n{tender}"),
        "commissioning.price",
        &["clients.actual_to_planned_minutes = 0", "no bid can cover its costs"],
    );
    assert_invalid(
        &format!("{tender}payment = \"outcomes\"\n[commissioning.outcomes]\nbase_share = 0.0\n"),
        "commissioning.price",
        &["outcomes.base_share = 0"],
    );
}

/// Found by the property tests: values within their old ranges (non-negative, or no range at
/// all) that overflowed a week counter, made a draw or a sum infinite (NaN cash), or sized a
/// workforce beyond memory.
#[test]
fn spans_dispersions_growth_years_and_sizes_are_limited() {
    let cases = [
        (
            "[commissioning.tender]\nterm_weeks = 2147483647\n",
            "commissioning.tender.term_weeks",
            "at most 3120 weeks",
        ),
        (
            "[[shocks]]\nkind = \"demand_surge\"\nweek = 1\nsize = 0.5\nweeks = 4000\n",
            "shocks[0].weeks",
            "at most 3120 weeks",
        ),
        ("[council]\nstart_of_care_weeks = 1e300\n", "council.start_of_care_weeks", "at most 3120 weeks"),
        (
            "[providers]\nsize_log_sd = 9223372036854775807\n",
            "providers.size_log_sd",
            "at most 10 (a standard deviation",
        ),
        ("[clients]\nassessed_hours_cv = 1e6\n", "clients.assessed_hours_cv", "at most 10"),
        (
            "[wage_floor]\nannual_uplift_beyond_data = 5.0\n",
            "wage_floor.annual_uplift_beyond_data",
            "at most 1 (a growth rate",
        ),
        ("[calendar]\nreform_year = 2147483647\n", "calendar.reform_year", "a year from 1900 to 2200"),
        ("[providers]\nhiring_buffer = 1e300\n", "providers.hiring_buffer", "a multiple from 1 to 10"),
        (
            "[providers]\nhiring_buffer_heads = 1e300\n",
            "providers.hiring_buffer_heads",
            "a number of posts from 0 to 100",
        ),
        ("[providers]\nmin_team = 4294967295\n", "providers.min_team", "at most 100 workers"),
        (
            "[self_funders]\nhours_per_week = 1e308\n",
            "self_funders.hours_per_week",
            "at most 1000000 hours a week",
        ),
        (
            "[council.downstream]\nhospital_admission_nhs_gbp = 1e300\n",
            "council.downstream.hospital_admission_nhs_gbp",
            "from -10^12 to 10^12",
        ),
    ];
    for (text, key, expected) in cases {
        assert_invalid(&format!("name = \"limits\"\n{text}"), key, &[expected]);
    }
}

#[test]
fn run_length_over_the_maximum_is_rejected() {
    assert_invalid("[run]\nweeks = 1000000000\n", "run.weeks", &["at most 2600 weeks (50 years)"]);
}

#[test]
fn run_too_large_names_the_keys_to_change() {
    assert_invalid(
        "[run]\nweeks = 2600\n[clients]\ninitial_clients = 100000\n[workforce]\npool_initial = 100000\n",
        "run.weeks",
        &["agent-weeks", "clients.initial_clients", "providers.initial_count"],
    );
}

/// `careshape run` with `--weeks`, expecting a quick input error that names `--weeks`.
fn assert_weeks_rejected(file: &Path, weeks: &str, must_contain: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let args = ["run", arg(file), "--weeks", weeks, "--replicates", "1", "--quiet", "--out", arg(out.path())];
    let mut parts = vec!["--weeks"];
    parts.extend_from_slice(must_contain);
    assert_input_error(&args, &parts);
    assert!(start.elapsed() < Duration::from_secs(20), "--weeks {weeks} took {:?}", start.elapsed());
}

#[test]
fn weeks_flag_over_the_maximum_is_rejected_before_running() {
    let f = Path::new("scenarios/camden/status-quo.toml");
    assert_weeks_rejected(f, "4294967295", &["at most 2600", "found 4294967295"]);
    assert_weeks_rejected(f, "1000000000", &["at most 2600"]);
}

#[test]
fn weeks_flag_that_makes_a_run_too_large_is_rejected() {
    // Valid at its own 260 weeks, too large at 2,600.
    let (_dir, f) = scenario_file(
        "big.toml",
        "name = \"big\"\n[clients]\ninitial_clients = 100000\n[workforce]\npool_initial = 100000\n",
    );
    careshape_ok(&["validate", arg(&f)]);
    assert_weeks_rejected(&f, "2600", &["big.toml", "agent-weeks", "found"]);
}

/// A scenario's own shock at week 100 is valid in its 260 weeks but would never fire in a run
/// shortened by `--weeks 50`: refused, naming the file, `--weeks` and the shock's key.
#[test]
fn weeks_flag_that_moves_the_end_before_a_shock_is_rejected() {
    let (_dir, f) = scenario_file(
        "late.toml",
        "name = \"late\"\n[[shocks]]\nkind = \"budget_cut\"\nweek = 100\nsize = 0.1\nof = \"spend\"\n",
    );
    careshape_ok(&["validate", arg(&f)]);
    assert_weeks_rejected(&f, "50", &["late.toml", "shocks[0].week", "found 100"]);
}

/// Workers who join the pool count towards a run's size: 10,000 a week for 2,600 weeks is
/// refused, naming the inflow key, though each value is within its own range.
#[test]
fn a_run_whose_pool_inflow_would_be_too_large_is_refused() {
    let (_dir, f) = scenario_file(
        "inflow.toml",
        "name = \"inflow\"\n[run]\nweeks = 2600\n[workforce]\npool_inflow_per_week = 10000\n",
    );
    assert_input_error(
        &["validate", arg(&f)],
        &["inflow.toml", "agent-weeks", "workforce.pool_inflow_per_week"],
    );
}

/// A shock file whose shock falls after the end of the run it is applied to is refused, naming
/// the shock file's path and the shock's key.
#[test]
fn a_shock_after_the_end_of_the_run_names_the_shock_file() {
    let (_dir, f) =
        scenario_file("late-shock.toml", "[[shocks]]\nkind = \"demand_surge\"\nweek = 500\nsize = 0.2\n");
    let args = [
        "run",
        "scenarios/camden/status-quo.toml",
        "--shock",
        arg(&f),
        "--weeks",
        "100",
        "--replicates",
        "1",
    ];
    assert_input_error(&args, &[arg(&f), "shock file `late-shock`", "shocks[0].week"]);
}

#[test]
fn shipped_and_test_scenarios_shock_and_calibration_files_are_within_limits() {
    // scenarios/camden alone is checked in cli.rs; here with the Charter folder and the test
    // scenarios.
    careshape_ok(&["validate", "scenarios/camden", "scenarios/camden-charter", "tests/data"]);
    let base = crate::common::status_quo();
    let shocks = careshape::scenario::load_shock_files(&["scenarios/stress".into()])
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!shocks.is_empty());
    for (file, shock) in shocks {
        let mut s = base.clone();
        s.shocks.extend(shock.shocks);
        assert_eq!(careshape::scenario::validate(&s), Vec::<(String, String)>::new(), "{}", file.display());
    }
    careshape::calibration::load_calibration(Path::new("scenarios/calibration/camden.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
}
