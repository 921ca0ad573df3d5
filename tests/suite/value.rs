//! Issue 19, honest value: cost-effectiveness reproduced by hand from the tables, the mission
//! score's bounded components and its weight sweep, and the private fee following providers'
//! costs (docs/COMPARISON.md "Cost-effectiveness", "Mission score"; docs/ODD.md §7.12, §8.2).

use std::collections::HashMap;
use std::path::Path;

use crate::common::{arg, assert_input_error, careshape_ok, runs_uncached, shipped};

/// A CSV written by careshape as rows of (column → text); careshape's names hold no commas.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    lines.map(|l| header.iter().cloned().zip(l.split(',').map(str::to_string)).collect()).collect()
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row.get(col).unwrap_or_else(|| panic!("no column {col}")).parse().unwrap_or(f64::NAN)
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs())), "{what}: {a} by hand, {b} in the table");
}

/// Two designs over 110 weeks (three discount years) and 3 replicates, compared.
fn compare_two(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "compare",
        "scenarios/camden/status-quo.toml",
        "tests/data/higher-rate.toml",
        "--seed",
        "19",
        "--weeks",
        "110",
        "--replicates",
        "3",
        "--quiet",
        "--out",
        arg(out),
    ];
    args.extend_from_slice(extra);
    careshape_ok(&args);
}

/// The cost-effectiveness table is arithmetic on the summary table, and the summary's present
/// values are arithmetic on the weekly table: nothing hidden.
#[test]
fn cost_effectiveness_figures_are_reproduced_by_hand_from_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    compare_two(out, &[]);
    let summary = read_csv(&out.join("summary.csv"));
    let weekly = read_csv(&out.join("weekly.csv"));
    let table = read_csv(&out.join("cost_effectiveness.csv"));

    // 1. A present value from the weekly table: year k after the reform date at 1.035^-k.
    for s in summary.iter().filter(|r| r["scenario"] == "higher-rate") {
        let mut pv = 0.0;
        let mut years = 0.0;
        for w in weekly.iter().filter(|w| w["scenario"] == s["scenario"] && w["replicate"] == s["replicate"])
        {
            let week: i32 = w["week"].parse().unwrap();
            if week < 0 {
                continue;
            }
            let d = 1.035f64.powi(-(week / 52));
            years += d / 52.0;
            pv += d * [
                "council_spend_gbp",
                "last_resort_spend_gbp",
                "incubator_spend_gbp",
                "downstream_council_gbp",
                "downstream_nhs_gbp",
            ]
            .iter()
            .map(|c| num(w, c))
            .sum::<f64>();
        }
        close(pv, num(s, "net_public_cost_pv_gbp"), "net public cost, present value");
        close(years, num(s, "discounted_years"), "discounted years");
    }

    // 2. The table from the summary: paired differences, their ratio and net monetary benefit.
    let by = |scenario: &str| -> Vec<&HashMap<String, String>> {
        let mut rows: Vec<_> = summary.iter().filter(|r| r["scenario"] == scenario).collect();
        rows.sort_by_key(|r| r["replicate"].parse::<u32>().unwrap());
        rows
    };
    let (base, design) = (by("status-quo"), by("higher-rate"));
    let mean_diff = |f: &dyn Fn(&HashMap<String, String>) -> f64| {
        base.iter().zip(&design).map(|(b, d)| f(d) - f(b)).sum::<f64>() / base.len() as f64
    };
    let d_cost = mean_diff(&|r| num(r, "net_public_cost_pv_gbp"));
    let d_hours = -mean_diff(&|r| num(r, "unmet_hours_pv"));
    let d_turnover = base
        .iter()
        .zip(&design)
        .map(|(b, d)| {
            -100.0
                * (num(d, "turnover_discounted") - num(b, "turnover_discounted"))
                * num(b, "discounted_years")
        })
        .sum::<f64>()
        / base.len() as f64;
    let d_estate = mean_diff(&|r| num(r, "estate_resident_years_pv"));
    let row = |effect: &str| {
        table
            .iter()
            .find(|r| r["effect"] == effect && r["scenario"] == "higher-rate")
            .expect("a row per effect")
    };
    let hours = row("unmet_hours_avoided");
    close(d_cost, num(hours, "delta_cost_pv_gbp"), "Δ cost");
    close(d_hours, num(hours, "delta_effect"), "Δ unmet hours avoided");
    close(d_cost / d_hours, num(hours, "gbp_per_unit_vs_baseline"), "£ per unmet hour avoided");
    let wtp = num(hours, "wtp_gbp_per_unit");
    assert_eq!(wtp, 30.0, "the default willingness to pay");
    close(wtp * d_hours - d_cost, num(hours, "nmb_gbp"), "net monetary benefit");
    close(d_turnover, num(row("turnover_point_years"), "delta_effect"), "Δ turnover point-years");
    close(
        d_cost / d_turnover,
        num(row("turnover_point_years"), "gbp_per_unit_vs_baseline"),
        "£ per turnover point",
    );
    close(d_estate, num(row("estate_resident_years"), "delta_effect"), "Δ estate resident-years");
    // With two designs, the frontier is both unless one dominates, and the ICER of the second
    // is its ratio against the first.
    let status = &hours["frontier"];
    if status == "frontier" && !hours["icer_versus"].is_empty() {
        close(d_cost / d_hours, num(hours, "icer_gbp_per_unit"), "ICER");
    }
    assert!(
        out.join("charts/cost_effectiveness.png").is_file()
            && out.join("charts/cost_effectiveness.svg").is_file()
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in ["id=\"value\"", "id=\"mission\"", "id=\"capacity\"", "Cost-effectiveness"] {
        assert!(page.contains(id), "the report lacks {id}");
    }
}

/// With every weight on one component (`--mission-weights`), the score is that component and
/// the weight sweep ranks the designs as that component does; a bad key is refused.
#[test]
fn all_weight_on_one_component_reproduces_its_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    compare_two(
        out,
        &[
            "--mission-weights",
            "unmet_need=1,turnover=0,local_spend=0,estate_employment=0,co2=0,continuity=0",
        ],
    );
    let summary = read_csv(&out.join("summary.csv"));
    for r in &summary {
        close(num(r, "mission_unmet_need"), num(r, "mission_score"), "score with all weight on unmet need");
        for c in [
            "mission_unmet_need",
            "mission_turnover",
            "mission_local_spend",
            "mission_estate_employment",
            "mission_co2",
            "mission_continuity",
            "mission_public_cost",
        ] {
            let v = num(r, c);
            assert!((-1.0..=1.0).contains(&v), "{c} = {v} is not bounded");
        }
    }
    let mission = read_csv(&out.join("mission.csv"));
    let mean = |s: &str, c: &str| {
        mission.iter().find(|r| r["scenario"] == s && r["component"] == c).map(|r| num(r, "mean")).unwrap()
    };
    let (b, d) = (mean("status-quo", "unmet_need"), mean("higher-rate", "unmet_need"));
    assert_ne!(b, d);
    let (first, second) = if d > b { ("higher-rate", "status-quo") } else { ("status-quo", "higher-rate") };
    let score = |s: &str| mission.iter().find(|r| r["scenario"] == s && r["component"] == "score").unwrap();
    assert_eq!(num(score(first), "share_ranked_first"), 1.0);
    assert_eq!(num(score(first), "mean_rank"), 1.0);
    assert_eq!(num(score(second), "mean_rank"), 2.0);
    // A component with weight 0 has weight 0 in the table.
    let w = mission.iter().find(|r| r["scenario"] == first && r["component"] == "co2").unwrap();
    assert_eq!(num(w, "weight"), 0.0);
    assert_input_error(
        &[
            "run",
            "scenarios/camden/status-quo.toml",
            "--mission-weights",
            "co3=1",
            "--weeks",
            "4",
            "-r",
            "1",
            "-q",
        ],
        &["--mission-weights", "co3", "unmet_need"],
    );
}

/// The private fee: the same path under any pass-through until the reform date; after it, it
/// follows providers' costs, so a design that raises pay raises the fee when the pass-through
/// is 1 and not when it is 0 (the wage floor alone).
#[test]
fn the_private_fee_follows_providers_costs_after_the_reform_date() {
    let mut follows = shipped("fair-rate-floor");
    follows.run.weeks = 110;
    let mut floor_only = follows.clone();
    follows.self_funders.cost_pass_through = 1.0;
    floor_only.self_funders.cost_pass_through = 0.0;
    let (a, b) = (&runs_uncached(&follows, 23, 0..1)[0], &runs_uncached(&floor_only, 23, 0..1)[0]);
    for (x, y) in a.weeks.iter().zip(&b.weeks).filter(|(x, _)| x.week <= 0) {
        assert_eq!(x.private_rate_gbp_per_hour, y.private_rate_gbp_per_hour, "week {}", x.week);
    }
    let last = |r: &careshape::ReplicateResult| r.weeks.last().unwrap().private_rate_gbp_per_hour;
    let wage_rise = |r: &careshape::ReplicateResult| {
        let at = |week: i32| r.weeks.iter().find(|w| w.week == week).unwrap().wage_gbp_per_hour;
        at(109) / at(0)
    };
    let fee_rise = last(a) / a.weeks.iter().find(|w| w.week == 0).unwrap().private_rate_gbp_per_hour;
    let floor_rise = last(b) / b.weeks.iter().find(|w| w.week == 0).unwrap().private_rate_gbp_per_hour;
    assert!(
        fee_rise > floor_rise + 0.02,
        "the fee rose {fee_rise} following costs, {floor_rise} following the floor, while wages rose {}",
        wage_rise(a)
    );
}
