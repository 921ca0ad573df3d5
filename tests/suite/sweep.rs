//! Issue 22, sweeps: `careshape sweep` runs a design of parameter points, each on common random
//! numbers, writes each point as it finishes, resumes, refuses to mix sweeps, and measures
//! sensitivity (docs/SENSITIVITY.md).

use std::path::Path;

use careshape::sweep::Sweep;

use crate::common::{arg, assert_input_error, careshape_ok};

/// A small sweep file in `dir`: the status quo against a £3 higher rate, two parameters.
fn tiny(dir: &Path, replicates: u32, weeks: u32, design: &str) -> std::path::PathBuf {
    let root = std::env::current_dir().unwrap();
    let text = format!(
        r#"name = "tiny"
baseline = "{}"
policies = ["{}"]
outcomes = ["unmet_need_share", "turnover_annual"]
replicates = {replicates}
seed = 7
weeks = {weeks}

[design]
{design}

[[parameters]]
key = "workforce.quit_pay_elasticity"
min = 0.5
max = 1.5

[[parameters]]
key = "providers.overbooking"
min = 0.1
max = 0.3
"#,
        root.join("scenarios/camden/status-quo.toml").display(),
        root.join("tests/data/higher-rate.toml").display()
    );
    let path = dir.join("tiny.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_sweep_writes_every_point_resumes_and_refuses_another_sweeps_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = tiny(dir.path(), 2, 12, "kind = \"morris\"\ntrajectories = 2\nlevels = 4");
    let out = dir.path().join("out");
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    // 2 trajectories × 3 points; per point 2 levels and 1 difference × 2 outcomes.
    let points = std::fs::read_to_string(out.join("sweep_points.csv")).unwrap();
    assert_eq!(points.lines().count(), 1 + 6 * 3 * 2, "{points}");
    let sens = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    // (baseline level + 1 difference) × 2 outcomes × 2 parameters × (mu_star, sigma).
    assert_eq!(sens.lines().count(), 1 + 2 * 2 * 2 * 2, "{sens}");
    assert!(out.join("sweep_points.parquet").is_file() && out.join("sensitivity.parquet").is_file());
    // The Morris chart (PNG and SVG) and a self-contained sensitivity page with it inline.
    assert!(out.join("charts/morris.png").is_file() && out.join("charts/morris.svg").is_file());
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("data:image/png;base64,") && page.contains("workforce.quit_pay_elasticity"));
    // `careshape report` redoes the analysis from the folder alone: the same tables.
    let sens_csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    std::fs::remove_file(out.join("sensitivity.csv")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    careshape_ok(&["report", arg(&out), "--quiet"]);
    assert_eq!(std::fs::read_to_string(out.join("sensitivity.csv")).unwrap(), sens_csv);
    assert_eq!(std::fs::read_to_string(out.join("sweep_points.csv")).unwrap(), points);
    assert!(out.join("report.html").is_file());
    assert_input_error(&["report", arg(&out), "--baseline", "status-quo", "--quiet"], &["sweep folder"]);
    // An interrupted sweep loses only its unfinished points: remove one, rerun, same tables.
    let one = careshape::sweep::unit_path(&out, 3);
    let kept = std::fs::read(&one).unwrap();
    std::fs::remove_file(&one).unwrap();
    // An unfinished folder cannot be reported on: it says how to finish it.
    assert_input_error(&["report", arg(&out), "--quiet"], &["unfinished (5 of 6 points)", "careshape sweep"]);
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    assert_eq!(std::fs::read(&one).unwrap(), kept);
    assert_eq!(std::fs::read_to_string(out.join("sweep_points.csv")).unwrap(), points);
    // A sweep file whose description alone changed reuses the points (the analysis is redone).
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("name = \"tiny\"", "name = \"tiny\"\ndescription = \"renamed\""))
        .unwrap();
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    assert!(std::fs::read_to_string(out.join("sweep.json")).unwrap().contains("renamed"));
    // An edited policy scenario must not add its points to this folder.
    let policy = dir.path().join("higher-rate.toml");
    std::fs::copy("tests/data/higher-rate.toml", &policy).unwrap();
    let moved = dir.path().join("moved.toml");
    std::fs::write(
        &moved,
        text.replace(
            &std::env::current_dir().unwrap().join("tests/data/higher-rate.toml").display().to_string(),
            &policy.display().to_string(),
        ),
    )
    .unwrap();
    careshape_ok(&["sweep", arg(&moved), "--out", arg(&out), "--quiet"]);
    let edited = std::fs::read_to_string(&policy).unwrap().replace("29.0", "29.5");
    std::fs::write(&policy, edited).unwrap();
    assert_input_error(&["sweep", arg(&moved), "--out", arg(&out), "--quiet"], &["different sweep ("]);
    // A changed sweep file must not add its points to this folder.
    let file = tiny(dir.path(), 3, 12, "kind = \"morris\"\ntrajectories = 2\nlevels = 4");
    assert_input_error(&["sweep", arg(&file), "--out", arg(&out), "--quiet"], &["different sweep ("]);
}

#[test]
fn a_bad_sweep_file_names_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = tiny(dir.path(), 0, 12, "kind = \"morris\"\ntrajectories = 2\nlevels = 3");
    let err = assert_input_error(&["sweep", arg(&file), "--quiet"], &["replicates", "design"]);
    assert!(err.contains("tiny.toml"), "{err}");
    let text = std::fs::read_to_string(&file).unwrap().replace("providers.overbooking", "providers.overbook");
    std::fs::write(&file, text).unwrap();
    assert_input_error(&["sweep", arg(&file), "--quiet"], &["providers.overbook"]);
    // The baseline again as a policy: its differences would be zero and its rows ambiguous.
    let file = tiny(dir.path(), 2, 12, "kind = \"lhs\"\npoints = 2");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("tests/data/higher-rate.toml", "scenarios/camden/status-quo.toml");
    std::fs::write(&file, text).unwrap();
    assert_input_error(&["sweep", arg(&file), "--quiet"], &["appears twice"]);
}

/// At a sweep point every scenario runs on the same replicate seeds, so the paired difference
/// varies far less than an unpaired one would.
#[test]
fn at_a_sweep_point_the_paired_difference_varies_at_most_half_as_much_as_an_unpaired_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = tiny(dir.path(), 10, 52, "kind = \"lhs\"\npoints = 2");
    let sweep = Sweep::load(&file).unwrap();
    let runs = sweep.evaluate(0).unwrap();
    let var = |xs: &[f64]| {
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64
    };
    for (o, name) in sweep.plan.config.outcomes.iter().enumerate() {
        let (b, t) = (&runs[0][o], &runs[1][o]);
        let paired: Vec<f64> = t.iter().zip(b).map(|(x, y)| x - y).collect();
        let unpaired = var(t) + var(b);
        assert!(
            var(&paired) <= 0.5 * unpaired,
            "{name}: paired variance {} against unpaired {unpaired}",
            var(&paired)
        );
    }
}

/// The shipped studies load, with their sizes, and every point of each is a valid scenario
/// within the study's ranges.
#[test]
fn the_shipped_studies_load_and_every_point_is_a_valid_scenario() {
    // (file, parameters, switches, points)
    for (file, k, switches, n) in [("morris-screening", 15, 1, 170), ("sobol-top5", 5, 0, 256 * 7)] {
        let sweep = Sweep::load(&Path::new("scenarios/sweeps").join(format!("{file}.toml"))).unwrap();
        let c = &sweep.plan.config;
        assert_eq!(
            (c.parameters.len(), c.switches.len(), sweep.plan.unit_points.len()),
            (k, switches, n),
            "{file}"
        );
        assert_eq!(sweep.plan.names(), vec!["status-quo", "mission-led", "fair-rate-floor"]);
        // Every point of the screening; a tenth of the Sobol design's.
        let step = if n > 1000 { 10 } else { 1 };
        for i in (0..n).step_by(step) {
            let v = sweep.plan.values(i);
            for s in &sweep.scenarios {
                let mut t = s.clone();
                for (p, x) in c.parameters.iter().zip(&v) {
                    assert!((p.min..=p.max).contains(x), "{file} point {i}: {} = {x}", p.key);
                    t = careshape::calibration::paths::set_parameter(&t, &p.key, *x).unwrap();
                }
                for (sw, x) in c.switches.iter().zip(&v[k..]) {
                    t = careshape::calibration::paths::set_value(&t, &sw.key, sw.values[*x as usize].clone())
                        .unwrap();
                }
                assert!(
                    careshape::scenario::validate(&t).is_empty(),
                    "{file} point {i} invalid for {}",
                    s.name
                );
            }
        }
    }
}

/// A Latin hypercube sweep reports partial rank correlations with intervals.
#[test]
fn a_latin_hypercube_sweep_reports_partial_rank_correlations() {
    let dir = tempfile::tempdir().unwrap();
    let file = tiny(dir.path(), 1, 12, "kind = \"lhs\"\npoints = 12");
    let out = dir.path().join("out");
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    let sens = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let prcc: Vec<&str> = sens.lines().filter(|l| l.contains(",prcc,")).collect();
    // (baseline level + 1 difference) × 2 outcomes × 2 parameters.
    assert_eq!(prcc.len(), 8, "{sens}");
    for l in prcc {
        let v: f64 = l.split(',').nth(5).unwrap().parse().unwrap();
        assert!((-1.0..=1.0).contains(&v), "{l}");
    }
    assert!(out.join("charts/prcc.png").is_file() && out.join("charts/prcc.svg").is_file());
    assert!(std::fs::read_to_string(out.join("report.html")).unwrap().contains("partial rank correlation"));
}

/// A structural switch: a key with alternative forms, swept like a parameter. Each point runs
/// the form its coordinate stands for; the tables name the form; a two-valued switch's Morris
/// elementary effect is the outcome's change on switching, so its μ* is the mean absolute
/// change over the trajectories.
#[test]
fn a_structural_switch_is_swept_like_a_parameter_and_named_in_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let file = tiny(dir.path(), 1, 12, "kind = \"morris\"\ntrajectories = 3\nlevels = 4");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n[[switches]]\nkey = \"providers.contract_mix\"\nvalues = [\"choice\", \"rule\"]\n");
    std::fs::write(&file, &text).unwrap();
    let sweep = Sweep::load(&file).unwrap();
    let plan = &sweep.plan;
    assert_eq!(
        plan.factors(),
        vec!["workforce.quit_pay_elasticity", "providers.overbooking", "providers.contract_mix"]
    );
    // 3 trajectories × (3 + 1) points, and the switch takes both forms.
    assert_eq!(plan.unit_points.len(), 12);
    let forms: std::collections::BTreeSet<u64> = (0..12).map(|i| plan.values(i)[2] as u64).collect();
    assert_eq!(forms.into_iter().collect::<Vec<_>>(), vec![0, 1]);
    let out = dir.path().join("out");
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    let points = std::fs::read_to_string(out.join("sweep_points.csv")).unwrap();
    let header = points.lines().next().unwrap();
    assert!(header.contains("providers.contract_mix"), "{header}");
    assert!(points.contains(",choice,") && points.contains(",rule,"), "{points}");
    // μ* of the switch from the points themselves: consecutive points of a trajectory that
    // differ in the switch alone.
    let read = |i: usize| careshape::sweep::read_point(plan, &out, i).unwrap().expect("a finished point");
    let mut flips = Vec::new();
    for t in 0..3 {
        for s in 0..3 {
            let (a, b) = (read(t * 4 + s), read(t * 4 + s + 1));
            if a.values[2] != b.values[2] {
                assert_eq!(a.values[..2], b.values[..2], "a Morris step moves one factor");
                flips.push((b.differences[0][0] - a.differences[0][0]) * (b.values[2] - a.values[2]));
            }
        }
    }
    assert_eq!(flips.len(), 3, "one switch step per trajectory");
    let mu_star = flips.iter().map(|e| e.abs()).sum::<f64>() / 3.0;
    let sens = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let row = sens
        .lines()
        .find(|l| {
            l.starts_with("difference,") && l.contains(",unmet_need_share,providers.contract_mix,mu_star,")
        })
        .unwrap_or_else(|| panic!("{sens}"));
    let got: f64 = row.split(',').nth(5).unwrap().parse().unwrap();
    assert!((got - mu_star).abs() <= 1e-12 * mu_star.abs().max(1.0), "{got} against {mu_star}");
    // A Morris grid cannot reach more forms than it has levels.
    let many = text.replace(
        "key = \"providers.contract_mix\"\nvalues = [\"choice\", \"rule\"]",
        "key = \"clients.assessed_hours_cv\"\nvalues = [0.5, 0.6, 0.7, 0.8, 0.9]",
    );
    std::fs::write(&file, many).unwrap();
    assert_input_error(&["sweep", arg(&file), "--quiet"], &["switches[0].values", "use levels ≥ 5"]);
    // A form the scenario does not have is refused, naming the switch and its line.
    std::fs::write(&file, text.replace("\"rule\"]", "\"by-magic\"]")).unwrap();
    let err = assert_input_error(&["sweep", arg(&file), "--quiet"], &["switches[0].values", "by-magic"]);
    assert!(err.contains("tiny.toml:"), "the error should give the file and line: {err}");
}

/// Scenario discovery over a sweep's points: the `discovery` table holds each condition's
/// peeling trajectory with one reported box, whose coverage and density agree with the points
/// themselves; the chart and the page show it; a changed condition reuses the points; a
/// condition naming an outcome the sweep does not measure is refused with its line.
#[test]
fn a_discovery_reports_a_prim_box_that_agrees_with_the_points() {
    let dir = tempfile::tempdir().unwrap();
    let file = tiny(dir.path(), 1, 12, "kind = \"lhs\"\npoints = 40");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\n[[discovery]]\nname = \"small-cut\"\ncondition = \"difference.higher-rate.unmet_need_share > -0.002\"\nthreshold = 0.6\n",
    );
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("out");
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    let table = std::fs::read_to_string(out.join("discovery.csv")).unwrap();
    let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let chosen: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[col("chosen")] == "true")
        .collect();
    assert_eq!(chosen.len(), 2, "one row per factor of the reported box: {table}");
    // Recount the box from the points.
    let sweep = Sweep::load(&file).unwrap();
    let read =
        |i: usize| careshape::sweep::read_point(&sweep.plan, &out, i).unwrap().expect("a finished point");
    let points: Vec<_> = (0..40).map(read).collect();
    let limits: Vec<(f64, f64)> =
        chosen.iter().map(|r| (r[col("low")].parse().unwrap(), r[col("high")].parse().unwrap())).collect();
    let inside = |p: &careshape::sweep::PointResult| {
        p.values.iter().zip(&limits).all(|(v, (lo, hi))| lo <= v && v <= hi)
    };
    let holds = |p: &careshape::sweep::PointResult| p.differences[0][0] > -0.002;
    let hits = points.iter().filter(|p| holds(p)).count();
    let in_box = points.iter().filter(|p| inside(p)).count();
    let hits_in_box = points.iter().filter(|p| inside(p) && holds(p)).count();
    assert!(hits > 0, "the condition should hold somewhere");
    let close = |a: f64, b: &str| (a - b.parse::<f64>().unwrap()).abs() < 1e-12;
    assert!(close(hits_in_box as f64 / hits as f64, chosen[0][col("coverage")]), "{table}");
    assert!(close(hits_in_box as f64 / in_box as f64, chosen[0][col("density")]), "{table}");
    assert!(out.join("charts/discovery.png").is_file() && out.join("charts/discovery.svg").is_file());
    assert!(std::fs::read_to_string(out.join("report.html")).unwrap().contains("Scenario discovery"));
    // Another condition: the points are reused, the analysis redone.
    std::fs::write(&file, text.replace("> -0.002", "> 0.5")).unwrap();
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out), "--quiet"]);
    assert_ne!(std::fs::read_to_string(out.join("discovery.csv")).unwrap(), table);
    // An outcome the sweep does not measure.
    std::fs::write(&file, text.replace("unmet_need_share > -0.002", "vacancy_rate > 0")).unwrap();
    let err =
        assert_input_error(&["sweep", arg(&file), "--quiet"], &["discovery[0].condition", "vacancy_rate"]);
    assert!(err.contains("tiny.toml:"), "{err}");
}
