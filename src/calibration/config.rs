//! The calibration file: which scenario to fit, its free parameters (path, plausible range,
//! source), the targets (summary metric, range or value ± tolerance, source), pattern filters
//! (paired comparisons that must hold in a direction), held-out checks and the method
//! settings. Errors point at the file, line and key like scenario errors.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::paths::{get_parameter, set_parameter, set_value};
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
    /// Pattern filters: a point within the round's tolerance is accepted only if every filter
    /// holds at it (docs/CALIBRATION.md §6).
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// Held-out outcomes: reported against their ranges, never used in the fit.
    #[serde(default)]
    pub checks: Vec<Target>,
}

/// The direction a filter's paired difference must have.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The treatment's metric is higher than the point's.
    Higher,
    /// The treatment's metric is lower than the point's.
    Lower,
}

/// A pattern filter: the point's scenario with `change` applied (the treatment) against the
/// point's scenario, on the same seed and replicate indices (common random numbers). It holds
/// when the mean paired difference of `metric` is in `direction` and at least `min_se`
/// standard errors from zero.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub name: String,
    /// A summary metric (a column of summary.csv).
    pub metric: String,
    pub direction: Direction,
    /// Size of the paired effect required, in standard errors (0: the sign alone).
    #[serde(default)]
    pub min_se: f64,
    /// What the treatment changes, applied in order on top of the point.
    pub change: Vec<Change>,
    #[serde(default)]
    pub source: String,
}

/// One change of a filter's treatment: `add` to a numeric parameter, or `set` any parameter.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Key path in the scenario, as for a free parameter.
    pub path: String,
    pub add: Option<f64>,
    pub set: Option<serde_json::Value>,
}

impl Filter {
    /// The treatment scenario of this filter at `s`.
    pub fn treatment(&self, s: &Scenario) -> crate::Result<Scenario> {
        let mut t = s.clone();
        for c in &self.change {
            t = match (c.add, &c.set) {
                (Some(a), None) => set_parameter(&t, &c.path, get_parameter(&t, &c.path)? + a)?,
                (None, Some(v)) => set_value(&t, &c.path, v.clone())?,
                _ => {
                    return Err(crate::Error::Input(format!("`{}`: expected one of `add` or `set`", c.path)));
                }
            };
        }
        t.name = format!("{}+{}", s.name, self.name);
        Ok(t)
    }
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
    /// Share of the design's points accepted in round 0 (the tolerance is this quantile of the
    /// distances; every point inside all target ranges is within it whatever the share).
    pub accept_share: f64,
    /// At most this many ABC-SMC rounds after the design (0 = rejection only).
    pub smc_rounds: u32,
    /// Proposals evaluated per batch of an SMC round.
    pub smc_points: u32,
    /// An SMC round evaluates batches until this many proposals are accepted ...
    pub population: u32,
    /// ... or this many batches have been evaluated.
    pub max_batches: u32,
    /// A round's tolerance is this quantile of the previous population's distances.
    pub tolerance_quantile: f64,
    /// Stop rule: no further round once the tolerance would change by less than this share.
    pub stop_change: f64,
    /// Weeks after burn-in per run (default: the base scenario's).
    pub weeks: Option<u32>,
    /// Replicates (on fresh seeds) on which the shipped point is confirmed and reported.
    pub confirm_replicates: u32,
    /// Candidates for the shipped point: this many accepted particles nearest the weighted
    /// posterior median (inside every 90% interval) are each run on the confirmation
    /// replicates, and the one whose mean is nearest the targets is shipped.
    pub confirm_candidates: u32,
}

impl Default for Method {
    fn default() -> Self {
        Self {
            design: Design::Sobol,
            points: 256,
            replicates: 4,
            seed: 1,
            accept_share: 0.1,
            smc_rounds: 4,
            smc_points: 128,
            population: 64,
            max_batches: 3,
            tolerance_quantile: 0.5,
            stop_change: 0.05,
            weeks: None,
            confirm_replicates: 30,
            confirm_candidates: 5,
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
    if m.confirm_replicates < 2 {
        p.push((
            "method.confirm_replicates".into(),
            "expected at least 2 (for a confidence interval)".into(),
        ));
    }
    if m.confirm_candidates == 0 {
        p.push(("method.confirm_candidates".into(), "expected at least 1 candidate".into()));
    }
    if !(m.accept_share > 0.0 && m.accept_share <= 1.0) {
        p.push((
            "method.accept_share".into(),
            format!("expected a share in (0, 1], found {}", m.accept_share),
        ));
    }
    if m.smc_rounds > 0 && m.smc_points == 0 {
        p.push(("method.smc_points".into(), "expected at least 1 proposal per batch".into()));
    }
    if m.smc_rounds > 0 && m.population < 2 {
        p.push(("method.population".into(), "expected at least 2 accepted proposals per round".into()));
    }
    if m.smc_rounds > 0 && m.max_batches == 0 {
        p.push(("method.max_batches".into(), "expected at least 1 batch per round".into()));
    }
    if !(m.tolerance_quantile > 0.0 && m.tolerance_quantile < 1.0) {
        p.push((
            "method.tolerance_quantile".into(),
            format!("expected a quantile in (0, 1), found {}", m.tolerance_quantile),
        ));
    }
    if !(m.stop_change >= 0.0 && m.stop_change < 1.0) {
        p.push(("method.stop_change".into(), format!("expected a share in [0, 1), found {}", m.stop_change)));
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
                    // With a run length already over the limits (reported on `method.weeks`), a
                    // bound's own size problem is that one again, with another figure.
                    let weeks_bad = base_problems.iter().any(|(k, _)| k == "run.weeks");
                    if let Some((k, msg)) = validate(&s)
                        .into_iter()
                        .find(|q| !(base_problems.contains(q) || (weeks_bad && q.0 == "run.weeks")))
                    {
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
    for (i, f) in c.filters.iter().enumerate() {
        let key = format!("filters[{i}]");
        if f.name.trim().is_empty() {
            p.push((format!("{key}.name"), "expected a name".into()));
        }
        if !names.contains(&f.metric.as_str()) {
            p.push((
                format!("{key}.metric"),
                format!("unknown metric `{}`; expected one of: {}", f.metric, names.join(", ")),
            ));
        }
        if !(f.min_se >= 0.0 && f.min_se.is_finite()) {
            p.push((format!("{key}.min_se"), format!("expected a finite number ≥ 0, found {}", f.min_se)));
        }
        if f.change.is_empty() {
            p.push((format!("{key}.change"), "expected at least one change".into()));
        }
        let mut s = base.clone();
        let mut ok = true;
        for (j, ch) in f.change.iter().enumerate() {
            let ckey = format!("{key}.change[{j}]");
            let result = match (ch.add, &ch.set) {
                (Some(a), None) if !a.is_finite() || a == 0.0 => {
                    p.push((format!("{ckey}.add"), format!("expected a finite, non-zero change, found {a}")));
                    ok = false;
                    continue;
                }
                (Some(a), None) => {
                    get_parameter(&s, &ch.path).and_then(|v| set_parameter(&s, &ch.path, v + a))
                }
                (None, Some(v)) => set_value(&s, &ch.path, v.clone()),
                _ => {
                    p.push((ckey, "expected exactly one of `add` or `set`".into()));
                    ok = false;
                    continue;
                }
            };
            match result {
                Ok(t) => s = t,
                Err(e) => {
                    p.push((format!("{ckey}.path"), e.to_string()));
                    ok = false;
                }
            }
            if let Some(fp) = c.parameters.iter().find(|fp| fp.path == ch.path)
                && ch.set.is_some()
            {
                p.push((
                    format!("{ckey}.set"),
                    format!("`{}` is a free parameter: a filter may `add` to it, not `set` it", fp.path),
                ));
            }
        }
        if ok
            && !f.change.is_empty()
            && let Some((k, msg)) = validate(&s).into_iter().find(|q| !base_problems.contains(q))
        {
            p.push((format!("{key}.change"), format!("the treatment is an invalid scenario: {k}: {msg}")));
        }
    }
    // Each problem once, in the order found.
    let mut seen = std::collections::HashSet::new();
    p.retain(|q| seen.insert(q.clone()));
    p
}
