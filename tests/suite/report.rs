//! `careshape compare` and `careshape report`: every chart is written as PNG and SVG with the
//! expected size and parses; the report is self-contained; `report` rebuilds byte-identical
//! comparison tables from the saved output; `--replicates auto` stops as documented; bad input
//! gives clear errors.

use std::path::Path;

use careshape::analysis::compare::HEADLINES;
use careshape::output::comparison::read_summary;

use crate::common::{arg, careshape, careshape_ok};

/// `careshape compare` of the status quo and two test variants (seed 5, 40 weeks, 2 threads)
/// into `out`, with extra arguments (`-r 3`, `--no-report`, ...).
fn compare(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "compare",
        "scenarios/camden/status-quo.toml",
        "tests/data/higher-rate.toml",
        "tests/data/framework-planned.toml",
        "--seed",
        "5",
        "--weeks",
        "40",
        "--threads",
        "2",
        "--batch",
        "2",
        "--max-replicates",
        "4",
        "--quiet",
        "--out",
        arg(out),
    ];
    args.extend_from_slice(extra);
    careshape_ok(&args);
}

const CHARTS: &[&str] =
    &["timeseries", "differences", "tradeoff", "market", "workforce", "cost_effectiveness"];
const TABLES: &[&str] = &["comparison.csv", "comparison.parquet", "comparison.md"];

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Parses an SVG completely and returns the root element's width and height attributes.
fn svg_size(text: &str) -> (u32, u32) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut size = None;
    let mut depth = 0i64;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("SVG does not parse at {}: {e}", reader.buffer_position()))
        {
            Event::Start(e) | Event::Empty(e) if size.is_none() => {
                assert_eq!(e.name().as_ref(), b"svg", "root element");
                let attr = |name: &[u8]| -> u32 {
                    let a = e
                        .try_get_attribute(name)
                        .unwrap()
                        .unwrap_or_else(|| panic!("svg lacks an attribute"));
                    String::from_utf8_lossy(&a.value).parse().unwrap()
                };
                size = Some((attr(b"width"), attr(b"height")));
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced SVG");
    size.expect("an svg element")
}

#[test]
fn compare_writes_charts_report_and_report_rebuilds_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    compare(out, &["--replicates", "3"]);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"baseline\": \"status-quo\""), "status-quo is the default baseline");
    // The charts as `compare` drew them (drawing is deterministic: rebuilt, they are the same).
    let built = careshape::report::build(out, "status-quo", true).expect("the report rebuilds");
    assert_eq!(built.charts.len(), CHARTS.len());
    for (stem, chart) in CHARTS.iter().zip(&built.charts) {
        assert_eq!(chart.stem, *stem);
        assert!(!chart.reading.is_empty());
        let png = std::fs::read(out.join(format!("charts/{stem}.png"))).unwrap();
        let svg = std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        assert!(png.len() > 10_000 && svg.len() > 5_000, "{stem}: {} / {} bytes", png.len(), svg.len());
        assert_eq!(png_size(&png), (chart.width, chart.height), "{stem}.png size");
        assert_eq!(svg_size(&svg), (chart.width, chart.height), "{stem}.svg size");
        assert!(chart.width >= 1000 && chart.height >= 700, "{stem}: {}×{}", chart.width, chart.height);
        assert!(svg.contains("<text"), "{stem}.svg has no text");
    }

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), CHARTS.len());
    for forbidden in ["http://", "https://", "<link", "src=\"file"] {
        assert!(!html.contains(forbidden), "report.html refers outside itself: {forbidden}");
    }
    for must in
        ["Validity and limits", "held-out", "Holm", "common random numbers", "higher-rate", "@media print"]
    {
        assert!(html.to_lowercase().contains(&must.to_lowercase()), "report.html lacks {must}");
    }
    assert!(html.contains("commissioning.rate_gbp_per_hour"), "parameter differences of higher-rate");
    // The screening's findings are quoted, table and all, from docs/SENSITIVITY.md.
    assert!(
        html.contains("What the differences rest on") && html.contains("self_funders.hours_per_week"),
        "report.html lacks the sensitivity screening's findings"
    );

    let before: Vec<Vec<u8>> = TABLES.iter().map(|f| std::fs::read(out.join(f)).unwrap()).collect();
    let md = String::from_utf8(before[2].clone()).unwrap();
    assert!(md.contains("### unmet need (%)") && md.contains("higher-rate"), "{md}");
    for f in TABLES.iter().chain(&["report.html", "charts/timeseries.png"]) {
        std::fs::remove_file(out.join(f)).unwrap();
    }
    let stdout = careshape_ok(&["report", arg(out)]);
    assert!(stdout.contains("Δ vs status-quo"), "{stdout}");
    for (f, b) in TABLES.iter().zip(&before) {
        assert_eq!(&std::fs::read(out.join(f)).unwrap(), b, "{f} differs after `careshape report`");
    }
    assert!(out.join("report.html").is_file() && out.join("charts/timeseries.png").is_file());
}

#[test]
fn auto_replicates_stop_at_tolerance_or_cap_and_match_a_fixed_run() {
    let loose = tempfile::tempdir().unwrap();
    let loose_tolerances: Vec<String> = HEADLINES.iter().map(|h| format!("{}=1e9", h.metric)).collect();
    let mut extra = vec!["--replicates", "auto", "--no-report"];
    for t in &loose_tolerances {
        extra.extend(["--tolerance", t.as_str()]);
    }
    compare(loose.path(), &extra);
    let replicates = read_summary(loose.path()).unwrap().replicates;
    assert_eq!(replicates, vec![0, 1], "a loose tolerance stops after the first batch");

    let tight = tempfile::tempdir().unwrap();
    compare(tight.path(), &["--replicates", "auto", "--no-report", "--tolerance", "unmet_need_share=1e-12"]);
    let replicates = read_summary(tight.path()).unwrap().replicates;
    assert_eq!(replicates, vec![0, 1, 2, 3], "an impossible tolerance stops at the cap");
    let manifest = std::fs::read_to_string(tight.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"replicates_mode\": \"auto\"") && manifest.contains("\"reached\": false"));

    // Replicates added in batches are the replicates of a fixed run.
    let fixed = tempfile::tempdir().unwrap();
    compare(fixed.path(), &["--replicates", "4", "--no-report"]);
    // Every table, Parquet too (the run id hashes the inputs, the same for both).
    for t in [
        "summary.csv",
        "summary.parquet",
        "weekly.csv",
        "weekly.parquet",
        "providers.parquet",
        "patches.parquet",
        "provider_years.csv",
        "provider_years.parquet",
        "comparison.csv",
        "comparison.parquet",
    ] {
        assert_eq!(
            std::fs::read(tight.path().join(t)).unwrap(),
            std::fs::read(fixed.path().join(t)).unwrap(),
            "{t}: auto (4 in batches of 2) differs from 4 fixed"
        );
    }
}

/// A run long enough that its weekly table spans two row groups (output::tables streams rows
/// a group at a time): `--replicates auto` in batches (rows spilled per scenario and read
/// back) writes the bytes of a fixed run, and so do 1 and 2 threads.
#[test]
fn streamed_tables_are_the_same_bytes_however_the_run_is_split() {
    use careshape::output::tables::ROWS_PER_GROUP;
    use polars::prelude::SerReader;
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "compare",
            "scenarios/camden/status-quo.toml",
            "tests/data/higher-rate.toml",
            "--weeks",
            "1100",
            "--seed",
            "3",
            "--no-report",
            "--quiet",
            "--out",
            arg(out),
        ];
        args.extend_from_slice(extra);
        careshape_ok(&args);
    };
    let fixed = tempfile::tempdir().unwrap();
    run(fixed.path(), &["--replicates", "4", "--threads", "2"]);
    let weekly = std::fs::File::open(fixed.path().join("weekly.parquet")).unwrap();
    let groups = polars::prelude::ParquetReader::new(weekly).get_metadata().unwrap().row_groups.len();
    assert_eq!(groups, 2, "2 × 4 × 1152 weeks is more than {ROWS_PER_GROUP} rows: two row groups");
    let auto = tempfile::tempdir().unwrap();
    let tight = [
        "--replicates",
        "auto",
        "--batch",
        "2",
        "--max-replicates",
        "4",
        "--tolerance",
        "unmet_need_share=1e-12",
    ];
    run(auto.path(), &[&tight[..], &["--threads", "1"]].concat());
    for t in ["weekly", "summary", "providers", "patches", "provider_years"] {
        for ext in ["csv", "parquet"] {
            let f = format!("{t}.{ext}");
            assert!(
                std::fs::read(auto.path().join(&f)).unwrap() == std::fs::read(fixed.path().join(&f)).unwrap(),
                "{f}: auto in batches of 2 on 1 thread differs from 4 fixed on 2 threads"
            );
        }
    }
    assert!(!auto.path().join(".spill").exists(), "the spill is removed");
}

#[test]
fn bad_compare_input_gives_clear_errors() {
    let (code, _, err) = careshape(&[
        "compare",
        "scenarios/camden/status-quo.toml",
        "tests/data/higher-rate.toml",
        "--baseline",
        "nope",
        "-r",
        "2",
        "-w",
        "1",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`nope`") && err.contains("status-quo, higher-rate"), "{err}");

    let (code, _, err) = careshape(&["compare", "no/such/folder"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no/such/folder"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = careshape(&["compare", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no .toml scenario files"), "{err}");

    let (code, _, err) = careshape(&["compare", "scenarios/camden", "-r", "zero"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`auto`"), "{err}");

    let (code, _, err) = careshape(&["compare", "scenarios/camden", "--tolerance", "hhi=1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a headline outcome") && err.contains("unmet_need_share"), "{err}");

    let (code, _, err) = careshape(&["report", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("summary.parquet"), "{err}");
}

/// `compare --same-budget` writes a second comparison in `same-budget/` whose scenarios carry
/// the baseline's spend as a binding budget from the reform date, and the main report shows
/// it; `report` rebuilds the main report with it.
#[test]
fn same_budget_writes_a_second_comparison_and_the_report_shows_both_views() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    compare(&out, &["-r", "2", "--same-budget"]);
    let same = out.join("same-budget");
    for t in ["summary.parquet", "weekly.parquet", "comparison.csv", "manifest.json", "report.html"] {
        assert!(same.join(t).is_file(), "same-budget/{t} is missing");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(same.join("manifest.json")).unwrap()).unwrap();
    for s in manifest["scenarios"].as_array().unwrap() {
        let budget = s["parameters"]["council"]["reform_budget_gbp"].as_f64().unwrap();
        assert!(budget > 1e6, "{}: reform budget {budget}", s["name"]);
        assert_eq!(s["parameters"]["council"]["budget_index"]["kind"], "fixed");
    }
    let unconstrained: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        unconstrained["scenarios"][0]["parameters"]["council"]["reform_budget_gbp"].as_f64(),
        Some(0.0)
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("id=\"same-budget\""), "the report has no same-budget section");
    assert!(
        page.contains("a year at the reform date") && !page.contains("£0.00m"),
        "the budget is not stated"
    );
    assert!(page.contains("delivered hours") || page.contains("Delivered hours"), "no delivered hours row");
    std::fs::remove_file(out.join("report.html")).unwrap();
    careshape_ok(&["report", arg(&out), "--quiet"]);
    assert!(std::fs::read_to_string(out.join("report.html")).unwrap().contains("id=\"same-budget\""));
}
