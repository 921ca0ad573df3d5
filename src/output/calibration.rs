//! Files written by `careshape calibrate`: every evaluated point, the accepted population,
//! the best point as a ready scenario file, and a Markdown summary of the fit.

use std::fmt::Write as _;
use std::path::Path;

use crate::output::Result;
use polars::prelude::*;

use super::tables::write_frame;
use super::write_atomic;
use crate::analysis::stats::moments;
use crate::analysis::{column, summary_names};
use crate::calibration::{Calibration, CalibrationResult, Target, posterior};

fn points_frame(
    cal: &Calibration,
    result: &CalibrationResult,
    accepted_only: bool,
) -> PolarsResult<DataFrame> {
    let pts: Vec<(usize, &crate::calibration::Point)> =
        result.points.iter().enumerate().filter(|(_, p)| !accepted_only || p.accepted).collect();
    let n = pts.len();
    let mut cols = vec![
        Column::new("point".into(), pts.iter().map(|(i, _)| *i as u32).collect::<Vec<_>>()),
        Column::new("round".into(), pts.iter().map(|(_, p)| p.round).collect::<Vec<_>>()),
    ];
    for (k, fp) in cal.config.parameters.iter().enumerate() {
        cols.push(Column::new(
            fp.path.as_str().into(),
            pts.iter().map(|(_, p)| p.params[k]).collect::<Vec<_>>(),
        ));
    }
    let names = summary_names();
    let mut seen = Vec::new();
    for t in cal.config.targets.iter().chain(&cal.config.checks) {
        if seen.contains(&t.metric) {
            continue;
        }
        seen.push(t.metric.clone());
        let i = names.iter().position(|n| *n == t.metric).expect("checked at load");
        cols.push(Column::new(
            t.metric.as_str().into(),
            pts.iter().map(|(_, p)| p.summary[i]).collect::<Vec<_>>(),
        ));
    }
    cols.push(Column::new("distance".into(), pts.iter().map(|(_, p)| p.distance).collect::<Vec<_>>()));
    cols.push(Column::new(
        "centre_distance".into(),
        pts.iter().map(|(_, p)| p.centre_distance).collect::<Vec<_>>(),
    ));
    cols.push(Column::new("accepted".into(), pts.iter().map(|(_, p)| p.accepted).collect::<Vec<_>>()));
    cols.push(Column::new("weight".into(), pts.iter().map(|(_, p)| p.weight).collect::<Vec<_>>()));
    DataFrame::new(n, cols)
}

/// The run id of a calibration (as `Study::run_id` for a study): a SHA-256 of the calibration
/// settings, the base scenario as run, and the careshape version and sources.
pub fn calibration_run_id(cal: &Calibration) -> String {
    let inputs = serde_json::json!({
        "careshape_version": env!("CARGO_PKG_VERSION"),
        "source_sha256": env!("CARESHAPE_SOURCE_SHA256"),
        "calibration": cal.config,
        "base": cal.base,
    });
    super::manifest::sha256_hex(inputs.to_string().as_bytes())
}

/// Writes all calibration outputs into `dir`: the points, the accepted set, the best
/// scenario, the summary and the manifest (the best scenario's resolved parameters).
pub fn write_calibration(
    dir: &Path,
    cal: &Calibration,
    result: &CalibrationResult,
    execution: super::manifest::Execution,
) -> Result<()> {
    let wall_seconds = execution.wall_time_seconds;
    let run_id = calibration_run_id(cal);
    write_frame(dir, "calibration_points", &mut points_frame(cal, result, false)?, Some(&run_id))?;
    write_frame(dir, "calibration_accepted", &mut points_frame(cal, result, true)?, Some(&run_id))?;
    let scenario_text = toml::to_string_pretty(&result.best_scenario)?;
    let header = format!(
        "# Best point of calibration `{}` ({}), written by careshape {}.\n# Fitted parameters:\n{}\n",
        cal.config.name,
        cal.file.display(),
        env!("CARGO_PKG_VERSION"),
        cal.config
            .parameters
            .iter()
            .zip(&result.points[result.best].params)
            .map(|(p, v)| format!("#   {} = {v:.6}", p.path))
            .collect::<Vec<_>>()
            .join("\n")
    );
    write_atomic(&dir.join("best_scenario.toml"), |f| {
        use std::io::Write;
        f.write_all(header.as_bytes())?;
        f.write_all(scenario_text.as_bytes())?;
        Ok(())
    })?;
    let md = summary_markdown(cal, result, wall_seconds);
    write_atomic(&dir.join("calibration_summary.md"), |f| {
        use std::io::Write;
        f.write_all(md.as_bytes())?;
        Ok(())
    })?;
    let entry = super::manifest::ScenarioEntry {
        name: result.best_scenario.name.clone(),
        file: Some(cal.file.clone()),
        file_sha256: Some(super::manifest::file_sha256(&cal.file)?),
        shock_file: None,
        shock_file_sha256: None,
        parameters: result.best_scenario.clone(),
    };
    let m = &cal.config.method;
    let manifest = super::manifest::Manifest::new(
        run_id,
        m.seed,
        m.replicates,
        cal.base.run.weeks,
        cal.base.run.burn_in_weeks,
        vec![entry],
        None,
        execution,
    );
    super::manifest::write_manifest(dir, &manifest)
}

fn fmt_range(t: &Target) -> String {
    let (lo, hi) = t.range();
    format!("{lo:.4} – {hi:.4}")
}

/// The Markdown summary: method, fitted parameters, fit per target, held-out checks.
pub fn summary_markdown(cal: &Calibration, result: &CalibrationResult, wall_seconds: f64) -> String {
    let m = &cal.config.method;
    let mut s = String::new();
    let accepted = result.points.iter().filter(|p| p.accepted).count();
    let _ = writeln!(s, "# Calibration `{}`\n", cal.config.name);
    let _ = writeln!(
        s,
        "Base scenario `{}`; {:?} design of {} points × {} replicates, {} ABC-SMC round(s) of {} proposals; \
         {} points evaluated, {} accepted (tolerances by round: {}); seed {}; {:.0} s wall time.\n",
        cal.config.base_scenario.display(),
        m.design,
        m.points,
        m.replicates,
        m.smc_rounds,
        m.smc_points,
        result.points.len(),
        accepted,
        result.tolerances.iter().map(|t| format!("{t:.3}")).collect::<Vec<_>>().join(", "),
        m.seed,
        wall_seconds
    );
    let _ = writeln!(s, "## Free parameters\n");
    let _ = writeln!(s, "| parameter | range | best point | posterior mean | 5% – 95% | source of range |");
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for (k, fp) in cal.config.parameters.iter().enumerate() {
        let (mean, q05, q95) = posterior(result, k);
        let _ = writeln!(
            s,
            "| `{}` | {} – {} | {:.4} | {:.4} | {:.4} – {:.4} | {} |",
            fp.path, fp.min, fp.max, result.points[result.best].params[k], mean, q05, q95, fp.source
        );
    }
    let _ = writeln!(
        s,
        "\nThe best point was chosen among the {} closest points, each re-run for {} replicates \
         (distances: {}).",
        result.finalists.len(),
        m.confirm_replicates,
        result.finalists.iter().map(|(i, d)| format!("point {i}: {d:.3}")).collect::<Vec<_>>().join(", ")
    );
    let n = result.confirmation.len();
    let _ = writeln!(s, "\n## Fit: the best point over {n} fresh replicates (mean ± 95% CI)\n");
    let _ = writeln!(s, "| outcome | role | target | best point | in range? | source |");
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for (role, list) in [("fitted", &cal.config.targets), ("held out", &cal.config.checks)] {
        for t in list {
            let mo = moments(
                &column(&result.confirmation, &t.metric).expect("target metrics are checked at load"),
            );
            let (lo, hi) = t.range();
            let inside = mo.mean >= lo && mo.mean <= hi;
            let _ = writeln!(
                s,
                "| `{}` | {role} | {} | {:.4} ± {:.4} | {} | {} |",
                t.metric,
                fmt_range(t),
                mo.mean,
                mo.ci_half_width(0.95),
                if inside { "yes" } else { "**no**" },
                t.source
            );
        }
    }
    let _ = writeln!(
        s,
        "\nHeld-out outcomes were not used in the fit: a miss is reported, not tuned away. The \
         accepted population is in `calibration_accepted.csv`, every evaluated point in \
         `calibration_points.csv`, and the best point as a ready scenario in `best_scenario.toml`."
    );
    s
}
