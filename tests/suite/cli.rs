//! Bad scenario files give a clear error (file, key, what was expected, line where known)
//! and exit code 2, never a panic.

use crate::common::{arg, assert_input_error, careshape, careshape_ok, scenario_file};

#[test]
fn unknown_key_names_file_line_and_key() {
    let (_d, f) = scenario_file("typo.toml", "name = \"x\"\n[clients]\narivals_per_week = 3.0\n");
    let f = f.to_str().unwrap();
    assert_input_error(&["validate", f], &["typo.toml:3:", "arivals_per_week", "expected one of"]);
    assert_input_error(&["run", f, "--replicates", "1", "--weeks", "1"], &["typo.toml:3:"]);
}

#[test]
fn wrong_type_names_key_and_expected_type() {
    let (_d, f) = scenario_file("type.toml", "[council]\nbudget_binding = \"yes\"\n");
    assert_input_error(&["validate", f.to_str().unwrap()], &["type.toml:2:", "budget_binding", "bool"]);
}

#[test]
fn out_of_range_value_names_key_line_and_range() {
    let (_d, f) = scenario_file(
        "range.toml",
        "[clients]\ndouble_handed_share = 1.4\n\n[commissioning]\nrate_gbp_per_hour = -3.0\n",
    );
    assert_input_error(
        &["validate", f.to_str().unwrap()],
        &[
            "range.toml:2:1: key `clients.double_handed_share`: expected a share between 0 and 1, found 1.4",
            "range.toml:5:1: key `commissioning.rate_gbp_per_hour`: expected a positive number",
        ],
    );
}

#[test]
fn weights_not_summing_to_one_are_rejected() {
    let (_d, f) = scenario_file("w.toml", "[commissioning.tender.scoring]\nprice = 0.5\nquality = 0.2\n");
    assert_input_error(&["validate", f.to_str().unwrap()], &["commissioning.tender.scoring", "summing to 1"]);
}

#[test]
fn missing_file_is_named() {
    assert_input_error(&["validate", "no/such/scenario.toml"], &["no/such/scenario.toml", "cannot read"]);
}

#[test]
fn not_toml_gives_line_and_column() {
    let (_d, f) = scenario_file("junk.toml", "name = \"ok\"\nthis is not toml\n");
    assert_input_error(&["validate", f.to_str().unwrap()], &["junk.toml:2:"]);
}

#[test]
fn all_bad_files_are_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), "bogus = 1\n").unwrap();
    std::fs::write(dir.path().join("b.toml"), "[clients]\ndeath_per_week = 2.0\n").unwrap();
    assert_input_error(&["validate", dir.path().to_str().unwrap()], &["a.toml", "b.toml"]);
}

#[test]
fn bad_arguments_exit_with_2() {
    let (code, _, _) = careshape(&["run"]);
    assert_eq!(code, 2);
    let (code, _, _) = careshape(&["run", "scenarios/camden/status-quo.toml", "--replicates", "0"]);
    assert_eq!(code, 2);
}

#[test]
fn shipped_scenarios_validate() {
    let (code, out, err) = careshape(&["validate", "scenarios/camden"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("status-quo"));
}

/// Scenarios in one run must share their patches: the run's tables label patches by the first
/// scenario's names. A run mixing geographies is refused, naming both files and their patches.
#[test]
fn a_run_mixing_geographies_is_refused_naming_the_files() {
    let sq = std::fs::canonicalize("scenarios/camden/status-quo.toml").unwrap();
    let (dir, other) = scenario_file(
        "two-patches.toml",
        &format!(
            "extends = \"{}\"\nname = \"two-patches\"\n\n[[geography.patches]]\nname = \"North\"\ncentroid_km = [1.0, 3.0]\narea_km2 = 10.0\ndemand_share = 0.5\nestate_share = 0.3\nlabour_share = 0.5\n\n[[geography.patches]]\nname = \"South\"\ncentroid_km = [1.0, 1.0]\narea_km2 = 11.8\ndemand_share = 0.5\nestate_share = 0.3\nlabour_share = 0.5\n",
            sq.display()
        ),
    );
    let out = dir.path().join("out");
    let msg = assert_input_error(
        &["run", arg(&sq), arg(&other), "--replicates", "1", "--weeks", "1", "--out", arg(&out)],
        &["two-patches.toml", "North, South", "status-quo.toml", "must share their geography's patches"],
    );
    assert!(!out.exists(), "nothing written for a refused run: {msg}");
}

#[test]
fn hour_cost_prints_every_part_and_a_total_that_is_their_sum() {
    let out = careshape_ok(&["hour-cost", "--year", "2022", "--wage", "11.23", "--travel-minutes", "14.6"]);
    let value = |row: &str| -> f64 {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("| {row} |")))
            .unwrap_or_else(|| panic!("{row}: {out}"));
        line.split('|').nth(2).unwrap().trim().trim_matches('*').parse().unwrap()
    };
    let parts = [
        "contact pay",
        "travel time pay",
        "holiday pay",
        "employer National Insurance",
        "employer pension",
        "business costs",
        "margin",
    ];
    assert!(parts.iter().all(|p| value(p) > 0.0), "{out}");
    assert_eq!(value("contact pay"), 11.23);
    let listed: f64 = out
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Part") && !l.starts_with("| **"))
        .map(|l| l.split('|').nth(2).unwrap().trim().parse::<f64>().unwrap())
        .sum();
    assert!((listed - value("**total**")).abs() < 0.06, "{out}");
    assert!(out.contains("14.53% above £9100"), "2022/23 rates: {out}");
}

#[test]
fn hour_cost_refuses_a_wage_or_travel_time_out_of_range() {
    assert_input_error(&["hour-cost", "--wage=-3"], &["--wage", "positive"]);
    assert_input_error(&["hour-cost", "--travel-minutes", "500"], &["--travel-minutes", "0 to 120"]);
    assert_input_error(&["hour-cost", "--year", "1800"], &["--year"]);
}
