//! Files written by `careshape calibrate`: every evaluated point, the accepted population, the
//! per-round report, the shipped point as a ready scenario file, and a Markdown summary of the
//! fit with the identification report.

use std::fmt::Write as _;
use std::path::Path;

use crate::output::Result;
use polars::prelude::*;

use super::tables::write_frame;
use super::write_atomic;
use crate::analysis::stats::moments;
use crate::analysis::{column, summary_names};
use crate::calibration::{Calibration, CalibrationResult, Stop, Target, UNIDENTIFIED_RATIO, identification};

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
    cols.push(Column::new(
        "filters_hold".into(),
        pts.iter().map(|(_, p)| p.filters_hold).collect::<Vec<Option<bool>>>(),
    ));
    cols.push(Column::new(
        "accepted_in_round".into(),
        pts.iter().map(|(_, p)| p.accepted_in_round).collect::<Vec<_>>(),
    ));
    cols.push(Column::new("accepted".into(), pts.iter().map(|(_, p)| p.accepted).collect::<Vec<_>>()));
    cols.push(Column::new("weight".into(), pts.iter().map(|(_, p)| p.weight).collect::<Vec<_>>()));
    DataFrame::new(n, cols)
}

fn rounds_frame(result: &CalibrationResult) -> PolarsResult<DataFrame> {
    let r = &result.rounds;
    DataFrame::new(
        r.len(),
        vec![
            Column::new("round".into(), r.iter().map(|x| x.round).collect::<Vec<_>>()),
            Column::new("wall_seconds".into(), r.iter().map(|x| x.wall_seconds).collect::<Vec<_>>()),
            Column::new("tolerance".into(), r.iter().map(|x| x.tolerance).collect::<Vec<_>>()),
            Column::new("proposals".into(), r.iter().map(|x| x.proposals).collect::<Vec<_>>()),
            Column::new("within_tolerance".into(), r.iter().map(|x| x.within_tolerance).collect::<Vec<_>>()),
            Column::new("filtered_out".into(), r.iter().map(|x| x.filtered_out).collect::<Vec<_>>()),
            Column::new("accepted".into(), r.iter().map(|x| x.accepted).collect::<Vec<_>>()),
            Column::new("acceptance_rate".into(), r.iter().map(|x| x.acceptance_rate()).collect::<Vec<_>>()),
            Column::new("ess".into(), r.iter().map(|x| x.ess).collect::<Vec<_>>()),
        ],
    )
}

/// The run id of a calibration (as `Study::run_id` for a study): a SHA-256 of the calibration
/// settings, the base scenario as run, and the careshape version and sources.
pub fn calibration_run_id(cal: &Calibration) -> String {
    super::manifest::run_id(&serde_json::json!({ "calibration": cal.config, "base": cal.base }))
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
    write_frame(dir, "calibration_rounds", &mut rounds_frame(result)?, Some(&run_id))?;
    let scenario_text = toml::to_string_pretty(&result.best_scenario)?;
    let header = format!(
        "# Shipped point of calibration `{}` ({}), written by careshape {}: the accepted particle\n\
         # nearest the weighted posterior median.\n# Fitted parameters:\n{}\n",
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

/// Below this effective sample size the summary warns that the posterior is rough.
const ROUGH_ESS: f64 = 30.0;

fn stop_text(stop: &Stop, change: f64) -> String {
    match stop {
        Stop::Converged { next_tolerance } => format!(
            "converged: the next tolerance ({next_tolerance:.4}) would have changed by less than {:.0}%",
            100.0 * change
        ),
        Stop::MaxRounds => "the maximum number of rounds was reached before the tolerance settled".into(),
        Stop::Starved { round: 0, accepted } => format!(
            "the design accepted only {accepted} point, too few to seed the SMC rounds: rejection only"
        ),
        Stop::Starved { round, accepted } => format!(
            "round {round} accepted only {accepted} proposals (fewer than half the population: its tolerance is \
             below what replicate noise allows); its points were discarded and the previous population kept"
        ),
        Stop::RejectionOnly => "rejection only (no SMC rounds)".into(),
    }
}

/// The per-round table (Markdown): wall time, tolerance, acceptance and ESS.
pub fn rounds_markdown(result: &CalibrationResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| round | wall time (s) | tolerance | proposals | within tolerance | filtered out | accepted | acceptance rate | ESS |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
    for r in &result.rounds {
        let _ = writeln!(
            s,
            "| {} | {:.0} | {:.4} | {} | {} | {} | {} | {:.3} | {:.1} |",
            r.round,
            r.wall_seconds,
            r.tolerance,
            r.proposals,
            r.within_tolerance,
            r.filtered_out,
            r.accepted,
            r.acceptance_rate(),
            r.ess
        );
    }
    s
}

/// The identification report (Markdown): per free parameter its prior, posterior quantiles,
/// width ratio, the targets that move it, and the "unidentified" label.
pub fn identification_markdown(cal: &Calibration, result: &CalibrationResult) -> String {
    let ids = identification(cal, result);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| parameter | prior (uniform) | posterior 5% | 50% | 95% | width ratio | moved by (r over the accepted set) | identified? |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    for id in &ids {
        let moved = if id.moved_by.is_empty() {
            "none".to_string()
        } else {
            id.moved_by.iter().map(|(m, r)| format!("`{m}` ({r:+.2})")).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(
            s,
            "| `{}` | {} – {} | {:.4} | {:.4} | {:.4} | {:.2} | {} | {} |",
            id.path,
            id.prior.0,
            id.prior.1,
            id.q05,
            id.q50,
            id.q95,
            id.width_ratio,
            moved,
            if id.unidentified() { "**unidentified**" } else { "yes" }
        );
    }
    let unidentified: Vec<String> =
        ids.iter().filter(|i| i.unidentified()).map(|i| format!("`{}`", i.path)).collect();
    let _ = writeln!(
        s,
        "\nWidth ratio: the posterior's 5–95% width over the prior's; above {UNIDENTIFIED_RATIO} the \
         parameter is labelled unidentified. Candidates for the sensitivity studies (unidentified): {}.",
        if unidentified.is_empty() { "none".to_string() } else { unidentified.join(", ") }
    );
    s
}

/// The Markdown summary: method, per-round report, identification report, the shipped point,
/// fit per target, filters and held-out checks.
pub fn summary_markdown(cal: &Calibration, result: &CalibrationResult, wall_seconds: f64) -> String {
    let m = &cal.config.method;
    let mut s = String::new();
    let accepted = result.points.iter().filter(|p| p.accepted).count();
    let _ = writeln!(s, "# Calibration `{}`\n", cal.config.name);
    let _ = writeln!(
        s,
        "Base scenario `{}`; {:?} design of {} points × {} replicates; up to {} ABC-SMC round(s) of up to \
         {} batches of {} proposals (until {} are accepted), tolerance the {} quantile of the previous \
         population's distances; {} pattern filter(s); {} points evaluated, {} in the final population; \
         stop: {}; seed {}; {:.0} s wall time.\n",
        cal.config.base_scenario.display(),
        m.design,
        m.points,
        m.replicates,
        m.smc_rounds,
        m.max_batches,
        m.smc_points,
        m.population,
        m.tolerance_quantile,
        cal.config.filters.len(),
        result.points.len(),
        accepted,
        stop_text(&result.stop, m.stop_change),
        m.seed,
        wall_seconds
    );
    let _ = writeln!(s, "## Rounds\n");
    s.push_str(&rounds_markdown(result));
    // Replicate noise against the target widths: how well a point's mean is known.
    let _ = writeln!(
        s,
        "\nReplicate noise at {} replicates (median over evaluated points of the standard error of the \
         mean, in target-range widths): {}.\n",
        m.replicates,
        cal.config
            .targets
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let (lo, hi) = t.range();
                let se: Vec<f64> = result.points.iter().map(|p| p.target_se[j] / (hi - lo)).collect();
                format!("`{}` {:.2}", t.metric, crate::analysis::stats::quantile(&se, 0.5))
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s, "## Identification\n");
    s.push_str(&identification_markdown(cal, result));
    let weights: Vec<f64> = result.points.iter().filter(|p| p.accepted).map(|p| p.weight).collect();
    let ess = crate::calibration::effective_sample_size(&weights);
    if ess < ROUGH_ESS {
        let _ = writeln!(
            s,
            "\n**The final population's effective sample size is {ess:.1}** ({} particles): its quantiles, \
             width ratios and correlations are rough.",
            weights.len()
        );
    }
    let _ = writeln!(s, "\n## The shipped point\n");
    let _ = writeln!(
        s,
        "Of the {} accepted particles nearest the weighted posterior median{}, the one nearest the \
         targets over {} fresh replicates (point {}):\n",
        result.candidates.len(),
        if result.best_inside_intervals {
            " (all inside every free parameter's 90% posterior interval)"
        } else {
            " (**no accepted particle lies inside every 90% interval**, so the nearest overall)"
        },
        m.confirm_replicates,
        result.best
    );
    for (fp, v) in cal.config.parameters.iter().zip(&result.points[result.best].params) {
        let _ = writeln!(s, "- `{}` = {v:.6}", fp.path);
    }
    let _ = writeln!(s, "\n| candidate (point) | distance to the targets over the confirmation replicates |");
    let _ = writeln!(s, "|---|---|");
    for &(i, d) in &result.candidates {
        let mark = if i == result.best { " (shipped)" } else { "" };
        let _ = writeln!(s, "| {i}{mark} | {d:.4} |");
    }
    if !cal.config.filters.is_empty() {
        let _ = writeln!(s, "\n## Pattern filters\n");
        let _ = writeln!(
            s,
            "Applied to every point within its round's tolerance ({} points rejected in all). At the \
             shipped point, over the {} confirmation replicates (paired):\n",
            result.rounds.iter().map(|r| r.filtered_out).sum::<u32>(),
            m.confirm_replicates
        );
        let _ =
            writeln!(s, "| filter | metric | direction | difference ± SE | effect (SE) | holds? | source |");
        let _ = writeln!(s, "|---|---|---|---|---|---|---|");
        for (f, c) in cal.config.filters.iter().zip(&result.confirmation_filters) {
            let _ = writeln!(
                s,
                "| {} | `{}` | {:?} | {:.4} ± {:.4} | {:.1} | {} | {} |",
                f.name,
                f.metric,
                f.direction,
                c.test.mean_difference,
                c.test.standard_error,
                c.test.effect_in_se,
                if c.holds { "yes" } else { "**no**" },
                f.source
            );
        }
    }
    let n = result.confirmation.len();
    let _ = writeln!(s, "\n## Fit: the shipped point over {n} fresh replicates (mean ± 95% CI)\n");
    let _ = writeln!(s, "| outcome | role | target | shipped point | in range? | source |");
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
         `calibration_points.csv`, the rounds in `calibration_rounds.csv`, and the shipped point as \
         a ready scenario in `best_scenario.toml`."
    );
    s
}
