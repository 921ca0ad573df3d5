//! `careshape compare` and `careshape report`: every chart is written as PNG and SVG with the
//! expected size and parses; the report is self-contained; `report` rebuilds byte-identical
//! comparison tables from the saved output; `--replicates auto` stops as documented; bad input
//! gives clear errors.

use std::path::{Path, PathBuf};
use std::process::Command;

use careshape::cli::{CompareArgs, Replicates, ReportArgs, RunOptions, compare, report};

fn args(out: &Path, replicates: Replicates) -> CompareArgs {
    CompareArgs {
        scenarios: vec![
            PathBuf::from("scenarios/camden/status-quo.toml"),
            PathBuf::from("tests/data/higher-rate.toml"),
            PathBuf::from("tests/data/framework-planned.toml"),
        ],
        baseline: None,
        replicates,
        batch: 2,
        max_replicates: 4,
        tolerances: Vec::new(),
        run: RunOptions {
            seed: 5,
            weeks: Some(40),
            threads: Some(2),
            out: Some(out.to_path_buf()),
            quiet: true,
        },
        no_report: false,
    }
}

const CHARTS: &[&str] = &["timeseries", "differences", "tradeoff", "market", "workforce"];
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
    let built = compare(&args(out, Replicates::Fixed(3))).expect("compare runs");
    assert_eq!(built.baseline, "status-quo", "status-quo is the default baseline");
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

    let before: Vec<Vec<u8>> = TABLES.iter().map(|f| std::fs::read(out.join(f)).unwrap()).collect();
    let md = String::from_utf8(before[2].clone()).unwrap();
    assert!(md.contains("### unmet need (%)") && md.contains("higher-rate"), "{md}");
    for f in TABLES.iter().chain(&["report.html", "charts/timeseries.png"]) {
        std::fs::remove_file(out.join(f)).unwrap();
    }
    let rebuilt =
        report(&ReportArgs { dir: out.to_path_buf(), baseline: None, quiet: true }).expect("report runs");
    assert_eq!(rebuilt.baseline, "status-quo");
    for (f, b) in TABLES.iter().zip(&before) {
        assert_eq!(&std::fs::read(out.join(f)).unwrap(), b, "{f} differs after `careshape report`");
    }
    assert!(out.join("report.html").is_file() && out.join("charts/timeseries.png").is_file());
}

#[test]
fn auto_replicates_stop_at_tolerance_or_cap_and_match_a_fixed_run() {
    let loose = tempfile::tempdir().unwrap();
    let mut a = args(loose.path(), Replicates::Auto);
    a.no_report = true;
    a.tolerances = careshape::analysis::compare::HEADLINES
        .iter()
        .map(|h| (h.metric.to_string(), careshape::analysis::compare::Tolerance::Absolute(1e9)))
        .collect();
    let built = compare(&a).unwrap();
    assert_eq!(built.samples.replicates, vec![0, 1], "a loose tolerance stops after the first batch");

    let tight = tempfile::tempdir().unwrap();
    let mut a = args(tight.path(), Replicates::Auto);
    a.no_report = true;
    a.tolerances =
        vec![("unmet_need_share".into(), careshape::analysis::compare::Tolerance::Absolute(1e-12))];
    let built = compare(&a).unwrap();
    assert_eq!(built.samples.replicates, vec![0, 1, 2, 3], "an impossible tolerance stops at the cap");
    let manifest = std::fs::read_to_string(tight.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"replicates_mode\": \"auto\"") && manifest.contains("\"reached\": false"));

    // Replicates added in batches are the replicates of a fixed run.
    let fixed = tempfile::tempdir().unwrap();
    let mut f = args(fixed.path(), Replicates::Fixed(4));
    f.no_report = true;
    compare(&f).unwrap();
    for t in ["summary.csv", "comparison.csv"] {
        assert_eq!(
            std::fs::read(tight.path().join(t)).unwrap(),
            std::fs::read(fixed.path().join(t)).unwrap(),
            "{t}: auto (4 in batches of 2) differs from 4 fixed"
        );
    }
}

fn careshape(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_careshape")).args(args).output().expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn bad_compare_input_gives_clear_errors() {
    let (code, err) = careshape(&[
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

    let (code, err) = careshape(&["compare", "no/such/folder"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no/such/folder"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let (code, err) = careshape(&["compare", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no .toml scenario files"), "{err}");

    let (code, err) = careshape(&["compare", "scenarios/camden", "-r", "zero"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`auto`"), "{err}");

    let (code, err) = careshape(&["compare", "scenarios/camden", "--tolerance", "hhi=1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a headline outcome") && err.contains("unmet_need_share"), "{err}");

    let (code, err) = careshape(&["report", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("summary.parquet"), "{err}");
}
