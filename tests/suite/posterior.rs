//! Issue 23, how sure is the ranking: `compare --posterior` runs each replicate at one of K
//! parameter draws from a calibration's accepted set, shared by every scenario of the replicate
//! (docs/COMPARISON.md, "Parameter uncertainty").

use std::path::Path;

use crate::common::{arg, assert_input_error, careshape_ok};

/// An accepted set as `careshape calibrate` writes it (CSV), one row per point.
fn accepted(dir: &Path, rows: &[(f64, f64, f64)]) -> std::path::PathBuf {
    let mut text = String::from(
        "point,round,workforce.absence_per_week,workforce.quit_pay_elasticity,distance,accepted,weight\n",
    );
    for (i, (a, q, w)) in rows.iter().enumerate() {
        text.push_str(&format!("{i},1,{a},{q},0.1,true,{w}\n"));
    }
    let path = dir.join("calibration_accepted.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// With a one-point accepted set, every draw is that point: the tables are those of a plain
/// comparison of the scenarios with the point's values written into them.
#[test]
fn a_one_point_posterior_gives_the_tables_of_a_plain_comparison_at_that_point() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::env::current_dir().unwrap();
    let set = accepted(dir.path(), &[(0.03, 1.2, 1.0)]);
    let mut files = Vec::new();
    for name in ["status-quo", "fair-rate-floor"] {
        let f = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &f,
            format!(
                "extends = \"{}\"\n[workforce]\nabsence_per_week = 0.03\nquit_pay_elasticity = 1.2\n",
                root.join(format!("scenarios/camden/{name}.toml")).display()
            ),
        )
        .unwrap();
        files.push(f);
    }
    let (a, b) = (dir.path().join("posterior"), dir.path().join("plain"));
    careshape_ok(&[
        "compare",
        "scenarios/camden/status-quo.toml",
        "scenarios/camden/fair-rate-floor.toml",
        "-r",
        "4",
        "--weeks",
        "10",
        "--posterior",
        arg(&set),
        "--draws",
        "2",
        "--no-report",
        "-o",
        arg(&a),
        "-q",
    ]);
    careshape_ok(&[
        "compare",
        arg(&files[0]),
        arg(&files[1]),
        "-r",
        "4",
        "--weeks",
        "10",
        "--no-report",
        "-o",
        arg(&b),
        "-q",
    ]);
    for t in ["summary.csv", "weekly.csv", "comparison.csv", "providers.csv"] {
        let (x, y) =
            (std::fs::read_to_string(a.join(t)).unwrap(), std::fs::read_to_string(b.join(t)).unwrap());
        assert!(x == y, "{t} differs");
    }
    assert!(a.join("posterior_variance.csv").is_file() && a.join("posterior_ranks.csv").is_file());
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"draws\": 2"), "{manifest}");
}

/// With points that differ in sickness absence (the parameter that drives the fair rate
/// floor's unmet-need advantage, docs/SENSITIVITY.md), part of the paired difference's variance
/// is the parameters'; every draw's point is recorded; ranks and pairs are probabilities; the
/// report rebuilt from the folder says the same.
#[test]
fn a_spread_posterior_puts_part_of_the_variance_on_the_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let set = accepted(dir.path(), &[(0.02, 1.0, 1.0), (0.06, 1.0, 1.0)]);
    let out = dir.path().join("out");
    careshape_ok(&[
        "compare",
        "scenarios/camden/status-quo.toml",
        "scenarios/camden/fair-rate-floor.toml",
        "-r",
        "12",
        "--weeks",
        "52",
        "--posterior",
        arg(&set),
        "--draws",
        "6",
        "-o",
        arg(&out),
        "-q",
    ]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let points = manifest["comparison"]["posterior"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert!(points.contains(&0.into()) && points.contains(&1.into()), "both points drawn: {points:?}");
    let table = std::fs::read_to_string(out.join("posterior_variance.csv")).unwrap();
    let row = table
        .lines()
        .find(|l| l.starts_with("unmet_need_share,fair-rate-floor,"))
        .unwrap_or_else(|| panic!("{table}"));
    let share: f64 = row.rsplit(',').next().unwrap().parse().unwrap();
    assert!(share > 0.0 && share <= 1.0, "parameter share {share}: {row}");
    let ranks = std::fs::read_to_string(out.join("posterior_ranks.csv")).unwrap();
    for l in ranks.lines().skip(1) {
        let p: f64 = l.split(',').nth(2).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&p), "{l}");
    }
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("Parameter uncertainty") && out.join("charts/ranks.png").is_file());
    // `careshape report` rebuilds the same tables from the folder.
    std::fs::remove_file(out.join("posterior_variance.csv")).unwrap();
    careshape_ok(&["report", arg(&out), "-q"]);
    assert_eq!(std::fs::read_to_string(out.join("posterior_variance.csv")).unwrap(), table);
}

#[test]
fn posterior_settings_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let set = accepted(dir.path(), &[(0.03, 1.0, 1.0)]);
    let base =
        ["compare", "scenarios/camden/status-quo.toml", "--weeks", "4", "-q", "--posterior", arg(&set)];
    let with = |extra: &[&str]| -> Vec<String> { base.iter().chain(extra).map(|s| s.to_string()).collect() };
    let run = |args: Vec<String>, says: &[&str]| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_input_error(&refs, says);
    };
    run(with(&["--draws", "2", "-r", "5"]), &["multiple"]);
    run(with(&["--draws", "3", "-r", "3"]), &["at least 2 replicates per draw"]);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "point,workforce.no_such_key,weight\n0,1.0,1.0\n").unwrap();
    let args: Vec<String> = [
        "compare",
        "scenarios/camden/status-quo.toml",
        "--weeks",
        "4",
        "-q",
        "--posterior",
        arg(&bad),
        "--draws",
        "2",
        "-r",
        "4",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    run(args, &["workforce.no_such_key"]);
}
