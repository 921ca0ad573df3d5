//! Issue 23, which lever does the work: `careshape decompose` splits a design's paired
//! difference into Shapley contributions of the levers it changes, over lever subsets run on
//! common random numbers (docs/SENSITIVITY.md).

use std::path::Path;

use careshape::decompose::{coalition, decompose, levers, plan};
use careshape::scenario::load_scenario;

use crate::common::{arg, assert_input_error, careshape_ok};

fn short(path: &str, weeks: u32) -> careshape::Scenario {
    let mut s = load_scenario(Path::new(path)).unwrap();
    s.run.weeks = weeks;
    s
}

/// The subset of every lever is the design itself and runs byte for byte as the design does;
/// the empty subset is the baseline; the subsets built from the levers are valid designs, and
/// the scored social-value items are not valid without the tender.
#[test]
fn the_full_subset_is_the_design_and_the_empty_one_the_baseline_byte_for_byte() {
    let base = short("scenarios/camden/status-quo.toml", 6);
    let design = short("scenarios/camden/mission-led.toml", 6);
    let l = levers(&base, &design);
    let names: Vec<&str> = l.iter().map(|x| x.name.as_str()).collect();
    assert!(names.contains(&"award") && names.contains(&"price and rate floor"), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("social value:")), "{names:?}");
    let full = (1u32 << l.len()) - 1;
    let all = coalition(&base, &design, &l, full).expect("the design is valid");
    assert!(careshape::scenario::diff::differences(&design, &all).is_empty());
    let none = coalition(&base, &design, &l, 0).expect("the baseline is valid");
    assert!(careshape::scenario::diff::differences(&base, &none).is_empty());
    for (a, b) in [(&all, &design), (&none, &base)] {
        let (x, y) = (careshape::run_replicate(a, 3, 0), careshape::run_replicate(b, 3, 0));
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "{} should run as {}", a.name, b.name);
    }
    // A scored item alone, without the award's tender, is not a design.
    let scored = l.iter().position(|x| x.name == "social value: paid travel").expect("scored paid travel");
    assert!(coalition(&base, &design, &l, 1 << scored).is_none());
    let award = l.iter().position(|x| x.name == "award").unwrap();
    assert!(coalition(&base, &design, &l, (1 << scored) | (1 << award)).is_some());
}

/// A design that changes one lever gets all of its effect on that lever, replicate by
/// replicate.
#[test]
fn a_design_that_changes_one_lever_gets_all_of_the_effect_on_it() {
    let base = short("scenarios/camden/status-quo.toml", 20);
    let mut design = base.clone();
    design.name = "higher-rate".into();
    design.commissioning.rate_gbp_per_hour += 3.0;
    let outcomes = vec!["unmet_need_share".to_string(), "turnover_annual".to_string()];
    let d = decompose(&plan(&base, &design).unwrap(), &outcomes, 5, 3, &|| {}).unwrap();
    assert_eq!(d.levers.len(), 1);
    assert_eq!(d.levers[0].name, "price and rate floor");
    assert_eq!(d.levers[0].changed, vec!["commissioning.rate_gbp_per_hour".to_string()]);
    for o in &outcomes {
        let pick =
            |lever: &str| d.contributions.iter().find(|c| &c.outcome == o && c.lever == lever).unwrap();
        let (one, total) = (pick("price and rate floor"), pick("total"));
        assert_eq!(
            (one.mean, one.ci95_low, one.ci95_high),
            (total.mean, total.ci95_low, total.ci95_high),
            "{o}"
        );
    }
}

/// Through the command line: the contributions add up to the design's own paired difference
/// for every outcome, the tables and the waterfall are written, and a design that changes
/// nothing is refused.
#[test]
fn decompose_writes_contributions_that_add_up_to_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    careshape_ok(&[
        "decompose",
        "scenarios/camden/neighbourhood-zonal.toml",
        "--weeks",
        "8",
        "-r",
        "2",
        "--outcomes",
        "unmet_need_share,council_spend_gbp_per_year",
        "-o",
        arg(&out),
        "-q",
    ]);
    let table = std::fs::read_to_string(out.join("decomposition.csv")).unwrap();
    let rows: Vec<Vec<&str>> = table.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().any(|r| r[3] == "award"), "{table}");
    for outcome in ["unmet_need_share", "council_spend_gbp_per_year"] {
        let value = |r: &Vec<&str>| r[4].parse::<f64>().unwrap();
        let levers: f64 = rows.iter().filter(|r| r[2] == outcome && r[3] != "total").map(value).sum();
        let total = rows.iter().find(|r| r[2] == outcome && r[3] == "total").map(value).unwrap();
        assert!((levers - total).abs() <= 1e-9 * total.abs().max(1.0), "{outcome}: {levers} against {total}");
    }
    assert!(out.join("coalitions.csv").is_file() && out.join("decomposition.parquet").is_file());
    assert!(out.join("charts/waterfall.png").is_file() && out.join("charts/waterfall.svg").is_file());
    assert_input_error(
        &["decompose", "scenarios/camden/status-quo.toml", "-o", arg(&dir.path().join("x")), "-q"],
        &["changes nothing"],
    );
}
