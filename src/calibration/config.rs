//! The calibration file: which scenario to fit, its free parameters (path, plausible range,
//! source), the targets (summary metric, range or value ± tolerance, source), held-out checks
//! and the method settings. Errors point at the file, line and key like scenario errors.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::paths::set_parameter;
use crate::analysis::summary_names;
use crate::scenario::{
    MAX_WEEKS, Scenario, ScenarioError, in_base, invalid, load_scenario, parse_toml, read_text, validate,
};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    /// Name of the calibration (output folder name by default).
    #[serde(default)]
    pub name: String,
    /// The scenario whose parameters are fitted, relative to the calibration file.
    pub base_scenario: PathBuf,
    #[serde(default)]
    pub method: Method,
    pub parameters: Vec<FreeParameter>,
    pub targets: Vec<Target>,
    /// Held-out outcomes: reported against their ranges, never used in the fit.
    #[serde(default)]
    pub checks: Vec<Target>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Owen-scrambled Sobol sequence.
    Sobol,
    /// Latin hypercube.
    LatinHypercube,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Method {
    pub design: Design,
    /// Points of the space-filling design (round 0).
    pub points: u32,
    /// Replicates per point; a point's outcome is the mean over them.
    pub replicates: u32,
    pub seed: u64,
    /// Share of points accepted (the ABC tolerance is this quantile of the distances; every
    /// point inside all target ranges is accepted whatever the share).
    pub accept_share: f64,
    /// Sequential Monte Carlo refinement rounds after the design (0 = rejection only).
    pub smc_rounds: u32,
    /// Proposals evaluated per SMC round.
    pub smc_points: u32,
    /// Weeks after burn-in per run (default: the base scenario's).
    pub weeks: Option<u32>,
    /// The closest points re-run with `confirm_replicates` replicates to choose the best one
    /// (a few replicates per point are too noisy to pick a winner: the winner's curse).
    pub finalists: u32,
    /// Replicates used to choose among the finalists, and again (on fresh seeds) to confirm
    /// the best point and report its outcomes with CIs.
    pub confirm_replicates: u32,
}

impl Default for Method {
    fn default() -> Self {
        Self {
            design: Design::Sobol,
            points: 256,
            replicates: 4,
            seed: 1,
            accept_share: 0.1,
            smc_rounds: 1,
            smc_points: 128,
            weeks: None,
            finalists: 8,
            confirm_replicates: 20,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeParameter {
    /// Key path in the scenario, e.g. `workforce.pool_inflow_per_week`.
    pub path: String,
    pub min: f64,
    pub max: f64,
    /// Where the plausible range comes from.
    #[serde(default)]
    pub source: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// A summary metric (a column of summary.csv).
    pub metric: String,
    /// Either a range [min, max] ...
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// ... or a value with a tolerance (value ± tolerance).
    pub value: Option<f64>,
    pub tolerance: Option<f64>,
    #[serde(default)]
    pub source: String,
}

impl Target {
    /// The target range [lo, hi].
    pub fn range(&self) -> (f64, f64) {
        match (self.value, self.tolerance) {
            (Some(v), Some(t)) => (v - t, v + t),
            _ => (self.min.unwrap_or(f64::NEG_INFINITY), self.max.unwrap_or(f64::INFINITY)),
        }
    }
}

/// A loaded calibration: the file, its base scenario (with the method's run length).
#[derive(Clone, Debug)]
pub struct Calibration {
    pub file: PathBuf,
    pub config: CalibrationFile,
    /// The base scenario, with `method.weeks` as its run length if set.
    pub base: Scenario,
    /// The base scenario's own run length (the best point is written with it).
    pub full_weeks: u32,
}

/// Reads and checks a calibration file.
pub fn load_calibration(file: &Path) -> Result<Calibration, ScenarioError> {
    let text = read_text(file)?;
    let mut config: CalibrationFile = parse_toml(&text, file)?;
    if config.name.is_empty() {
        config.name = file.file_stem().map_or("calibration".into(), |s| s.to_string_lossy().into_owned());
    }
    let base_path = file.parent().unwrap_or(Path::new(".")).join(&config.base_scenario);
    let mut base = load_scenario(&base_path).map_err(|e| in_base(&text, file, "base_scenario", e))?;
    let full_weeks = base.run.weeks;
    if let Some(w) = config.method.weeks {
        base.run.weeks = w;
    }
    let problems = check(&config, &base);
    if !problems.is_empty() {
        return Err(invalid(&text, file, problems));
    }
    Ok(Calibration { file: file.to_path_buf(), config, base, full_weeks })
}

fn check(c: &CalibrationFile, base: &Scenario) -> Vec<(String, String)> {
    let mut p = Vec::new();
    let m = &c.method;
    if m.points < 2 {
        p.push(("method.points".into(), "expected at least 2 points".into()));
    }
    if m.replicates == 0 {
        p.push(("method.replicates".into(), "expected at least 1 replicate".into()));
    }
    if m.finalists == 0 {
        p.push(("method.finalists".into(), "expected at least 1 finalist".into()));
    }
    if m.confirm_replicates < 2 {
        p.push((
            "method.confirm_replicates".into(),
            "expected at least 2 (for a confidence interval)".into(),
        ));
    }
    if !(m.accept_share > 0.0 && m.accept_share <= 1.0) {
        p.push((
            "method.accept_share".into(),
            format!("expected a share in (0, 1], found {}", m.accept_share),
        ));
    }
    if m.smc_rounds > 0 && m.smc_points == 0 {
        p.push(("method.smc_points".into(), "expected at least 1 proposal per round".into()));
    }
    // The base scenario with the method's run length: its problems are `method.weeks`'s (the
    // base file loaded valid), and are not repeated for every free parameter below. A run
    // length over the limits is reported once, as `method.weeks`'s own problem.
    let base_problems = validate(base);
    match m.weeks {
        Some(0) => p.push(("method.weeks".into(), "expected at least 1 week".into())),
        Some(w) => {
            let mut s = base.clone();
            s.run.weeks = w;
            if w > MAX_WEEKS {
                p.push((
                    "method.weeks".into(),
                    format!("expected at most {MAX_WEEKS} weeks (50 years), found {w}"),
                ));
            } else if let Some(msg) = s.size_problem("method.weeks") {
                p.push(("method.weeks".into(), msg));
            }
            p.extend(base_problems.iter().filter(|(k, _)| k != "run.weeks").map(|(k, msg)| {
                ("method.weeks".to_string(), format!("{w} weeks makes the base scenario invalid: {k}: {msg}"))
            }));
        }
        None => p.extend(
            base_problems.iter().map(|(k, msg)| ("base_scenario".to_string(), format!("{k}: {msg}"))),
        ),
    }
    if c.parameters.is_empty() {
        p.push(("parameters".into(), "expected at least one free parameter".into()));
    }
    for (i, fp) in c.parameters.iter().enumerate() {
        let key = format!("parameters[{i}]");
        if fp.min >= fp.max || !fp.min.is_finite() || !fp.max.is_finite() {
            p.push((key.clone(), format!("expected min < max, found {} and {}", fp.min, fp.max)));
            continue;
        }
        let set =
            [("min", fp.min), ("max", fp.max)].map(|(bound, v)| (bound, v, set_parameter(base, &fp.path, v)));
        // A bad path fails both bounds alike: one problem, on `path`.
        if let [(_, _, Err(a)), (_, _, Err(b))] = &set
            && a.to_string() == b.to_string()
        {
            p.push((format!("{key}.path"), a.to_string()));
            continue;
        }
        for (bound, v, result) in set {
            match result {
                Err(e) => p.push((format!("{key}.{bound}"), e.to_string())),
                Ok(s) => {
                    if let Some((k, msg)) = validate(&s).into_iter().find(|q| !base_problems.contains(q)) {
                        p.push((
                            format!("{key}.{bound}"),
                            format!("{} = {v} makes the scenario invalid: {k}: {msg}", fp.path),
                        ));
                    }
                }
            }
        }
    }
    let names = summary_names();
    if c.targets.is_empty() {
        p.push(("targets".into(), "expected at least one target".into()));
    }
    for (kind, list) in [("targets", &c.targets), ("checks", &c.checks)] {
        for (i, t) in list.iter().enumerate() {
            let key = format!("{kind}[{i}]");
            if !names.contains(&t.metric.as_str()) {
                p.push((
                    format!("{key}.metric"),
                    format!("unknown metric `{}`; expected one of: {}", t.metric, names.join(", ")),
                ));
            }
            let ok_range = t.min.is_some() && t.max.is_some() && t.value.is_none() && t.tolerance.is_none();
            let ok_value = t.value.is_some() && t.tolerance.is_some() && t.min.is_none() && t.max.is_none();
            if !(ok_range || ok_value) {
                p.push((key.clone(), "expected either `min` and `max`, or `value` and `tolerance`".into()));
            } else {
                let (lo, hi) = t.range();
                if lo >= hi || lo.is_nan() || hi.is_nan() {
                    p.push((key, format!("expected an interval of positive width, found [{lo}, {hi}]")));
                } else if !(lo.is_finite() && hi.is_finite()) {
                    p.push((key, format!("expected finite bounds, found [{lo}, {hi}]")));
                }
            }
        }
    }
    // Each problem once, in the order found.
    let mut seen = std::collections::HashSet::new();
    p.retain(|q| seen.insert(q.clone()));
    p
}
