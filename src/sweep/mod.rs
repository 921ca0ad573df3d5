//! Sweeps: a policy comparison repeated over a design of uncertain parameters, and the
//! sensitivity of its outcomes and paired differences to them (docs/SENSITIVITY.md).
//!
//! A sweep file names a baseline scenario and one or more policies, the uncertain parameters
//! by key path with their ranges, structural switches (a key and its alternative forms), a design (`grid`, `lhs`, `morris`, `sobol`), replicates per
//! point and the outcomes. Every point runs every scenario on the same replicate seeds (common
//! random numbers; the point is never part of a key either), so an outcome is reported both as
//! a level and as the paired difference of each policy from the baseline. Each finished point
//! is written atomically as a unit of a Parquet dataset (`units/`, see `units.rs`); a rerun of
//! the same sweep skips the points it finds and refuses a folder written by another sweep file
//! or build.

pub mod discovery;
#[cfg(feature = "output")]
mod units;

#[cfg(feature = "output")]
pub(crate) use units::remove_temporaries;
#[cfg(feature = "output")]
pub use units::{
    SweepManifest, merge, open_folder, read_point, rebuild, run, run_units, unfinished, unit_path,
};

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::sensitivity::{MorrisDesign, SaltelliDesign, morris_measures, prcc, sobol_indices};
use crate::calibration::paths::{get_parameter, set_parameter, set_value};
use crate::error::Result;
use crate::scenario::{Scenario, ScenarioError, in_base, invalid, load_scenario, parse_toml, read_text};

/// The design of a sweep.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SweepDesign {
    /// Every combination of `levels` evenly spaced values of each parameter (ends included).
    Grid { levels: usize },
    /// `points` points of a Latin hypercube.
    Lhs { points: usize },
    /// `trajectories` Morris trajectories on a `levels`-level grid (k + 1 points each).
    Morris { trajectories: usize, levels: usize },
    /// A Saltelli design of `base_points` rows (n (k + 2) points).
    Sobol { base_points: usize },
}

/// An uncertain parameter: a numeric scenario key and its range.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepParameter {
    pub key: String,
    pub min: f64,
    pub max: f64,
}

/// A structural switch: a scenario key whose alternative forms (words, booleans or numbers)
/// the sweep moves between, like a parameter with a few values (docs/SENSITIVITY.md).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepSwitch {
    pub key: String,
    pub values: Vec<serde_json::Value>,
}

impl SweepSwitch {
    /// The index of the value a unit coordinate in [0, 1] stands for: the range split into
    /// equal parts, one per value.
    pub fn index(&self, u: f64) -> usize {
        let n = self.values.len();
        ((u * n as f64).floor().max(0.0) as usize).min(n - 1)
    }

    /// A value as written in tables: a word without quotes, a boolean or number as itself.
    pub fn label(&self, index: usize) -> String {
        match &self.values[index] {
            serde_json::Value::String(w) => w.clone(),
            v => v.to_string(),
        }
    }
}

/// A sweep file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The baseline scenario file (relative to the sweep file).
    pub baseline: String,
    /// The policy scenario files compared with it.
    pub policies: Vec<String>,
    pub design: SweepDesign,
    #[serde(default)]
    pub parameters: Vec<SweepParameter>,
    #[serde(default)]
    pub switches: Vec<SweepSwitch>,
    /// Summary metrics reported (`careshape metrics`).
    pub outcomes: Vec<String>,
    #[serde(default = "one")]
    pub replicates: u32,
    #[serde(default = "one_u64")]
    pub seed: u64,
    /// Weeks after burn-in (default: the scenarios' own).
    #[serde(default)]
    pub weeks: Option<u32>,
    /// Scenario discovery: conditions whose PRIM boxes of the factors are reported
    /// (docs/SENSITIVITY.md, "Scenario discovery").
    #[serde(default)]
    pub discovery: Vec<discovery::DiscoverySpec>,
}

fn one() -> u32 {
    1
}
fn one_u64() -> u64 {
    1
}

/// What a sweep's analysis needs, without its scenarios: the file, its scenario names
/// (baseline first) and its design. A finished sweep folder's manifest holds enough to rebuild
/// it, so `careshape report` can redo the analysis of a folder alone.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    pub file: PathBuf,
    pub config: SweepFile,
    /// Scenario names: baseline first, then the policies.
    pub names: Vec<String>,
    /// Design points, one coordinate per factor (the parameters, then the switches) in
    /// [0, 1]: a switch's coordinate is snapped to its value's index / (values − 1).
    pub unit_points: Vec<Vec<f64>>,
    /// What the points depend on, hashed (SHA-256): every resolved scenario and the sweep
    /// file's design, factors, outcomes, replicates, seed and weeks; not its name, description
    /// or discovery conditions, which only the analysis reads.
    pub work_sha256: String,
    morris: Option<MorrisDesign>,
    saltelli: Option<SaltelliDesign>,
}

/// A loaded, checked sweep: its plan and its scenarios (baseline first).
#[derive(Clone, Debug)]
pub struct Sweep {
    pub plan: SweepPlan,
    /// Baseline first, then the policies.
    pub scenarios: Vec<Scenario>,
}

/// Most points a sweep may have (a guard against a typo in a design size).
pub const MAX_POINTS: usize = 1_000_000;

/// The number of points of a design of `k` factors of which the switches have `switch_values`
/// values each (`None` on overflow or a design too small to be valid).
fn design_size(design: &SweepDesign, k: usize, switch_values: &[usize]) -> Option<usize> {
    match *design {
        SweepDesign::Grid { levels } if levels >= 2 => {
            let numeric = levels.checked_pow((k - switch_values.len()) as u32)?;
            switch_values.iter().try_fold(numeric, |n, &v| n.checked_mul(v))
        }
        SweepDesign::Lhs { points } if points >= 2 => Some(points),
        SweepDesign::Morris { trajectories, levels }
            if trajectories >= 2 && levels >= 2 && levels % 2 == 0 =>
        {
            trajectories.checked_mul(k + 1)
        }
        SweepDesign::Sobol { base_points } if base_points >= 2 => base_points.checked_mul(k + 2),
        _ => None,
    }
}

impl SweepPlan {
    /// The plan of a checked sweep file: generates its design (deterministic in the file).
    pub fn new(file: PathBuf, config: SweepFile, names: Vec<String>, work_sha256: String) -> Self {
        let kp = config.parameters.len();
        let k = kp + config.switches.len();
        let seed = config.seed;
        let (mut morris, mut saltelli) = (None, None);
        let mut unit_points: Vec<Vec<f64>> = match config.design {
            SweepDesign::Grid { levels } => {
                // Mixed radix: `levels` values of each parameter, every value of each switch.
                let radix: Vec<usize> = std::iter::repeat_n(levels, kp)
                    .chain(config.switches.iter().map(|s| s.values.len()))
                    .collect();
                let n: usize = radix.iter().product();
                (0..n)
                    .map(|mut i| {
                        radix
                            .iter()
                            .map(|&r| {
                                let l = i % r;
                                i /= r;
                                l as f64 / (r - 1) as f64
                            })
                            .collect()
                    })
                    .collect()
            }
            SweepDesign::Lhs { points } => crate::calibration::design::unit_design(
                crate::calibration::config::Design::LatinHypercube,
                points,
                k,
                seed,
            ),
            SweepDesign::Morris { trajectories, levels } => {
                let d = MorrisDesign::new(k, trajectories, levels, seed);
                let pts = d.points().cloned().collect();
                morris = Some(d);
                pts
            }
            SweepDesign::Sobol { base_points } => {
                let d = SaltelliDesign::new(k, base_points, seed);
                let pts = d.points().cloned().collect();
                saltelli = Some(d);
                pts
            }
        };
        // A switch's coordinate stands for one of its values. It is snapped to index / (n − 1),
        // so a Morris step that flips a two-valued switch is a step of 1 and its elementary
        // effect is the outcome's change on switching. A Morris step moves a coordinate by more
        // than half the range (p / (2(p − 1)) on p levels), so it always changes the value.
        let snap = |point: &mut Vec<f64>| {
            for (j, sw) in config.switches.iter().enumerate() {
                let u = &mut point[kp + j];
                *u = sw.index(*u) as f64 / (sw.values.len() - 1) as f64;
            }
        };
        unit_points.iter_mut().for_each(snap);
        if let Some(d) = &mut morris {
            d.trajectories.iter_mut().flatten().for_each(snap);
        }
        SweepPlan { file, config, names, unit_points, work_sha256, morris, saltelli }
    }

    /// The factors' keys: the parameters, then the switches.
    pub fn factors(&self) -> Vec<&str> {
        let c = &self.config;
        c.parameters.iter().map(|p| p.key.as_str()).chain(c.switches.iter().map(|s| s.key.as_str())).collect()
    }

    /// The factor values of a design point: each parameter's value, then each switch's value
    /// index.
    pub fn values(&self, point: usize) -> Vec<f64> {
        let c = &self.config;
        let kp = c.parameters.len();
        let u = &self.unit_points[point];
        c.parameters
            .iter()
            .zip(u)
            .map(|(p, u)| p.min + u * (p.max - p.min))
            .chain(c.switches.iter().zip(&u[kp..]).map(|(s, u)| s.index(*u) as f64))
            .collect()
    }

    /// Scenario names: baseline first.
    pub fn names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }
}

impl Sweep {
    /// Reads and checks a sweep file: its scenarios load, its keys are numeric parameters of
    /// every scenario, its switches' values are accepted by every scenario, its ranges are
    /// ordered and its outcomes are summary metrics.
    pub fn load(file: &Path) -> std::result::Result<Sweep, ScenarioError> {
        let text = read_text(file)?;
        let mut config: SweepFile = parse_toml(&text, file)?;
        if config.name.is_empty() {
            config.name = file.file_stem().map_or("sweep".into(), |s| s.to_string_lossy().into_owned());
        }
        let dir = file.parent().unwrap_or(Path::new("."));
        let mut scenarios = Vec::new();
        for (key, path) in std::iter::once(("baseline", &config.baseline))
            .chain(config.policies.iter().map(|p| ("policies", p)))
        {
            let mut s = load_scenario(&dir.join(path)).map_err(|e| in_base(&text, file, key, e))?;
            if let Some(w) = config.weeks {
                s.run.weeks = w;
            }
            scenarios.push(s);
        }
        let mut problems = Vec::new();
        if config.policies.is_empty() {
            problems.push(("policies".into(), "expected at least one policy scenario".into()));
        }
        if config.parameters.is_empty() && config.switches.is_empty() {
            problems
                .push(("parameters".into(), "expected at least one uncertain parameter or switch".into()));
        }
        if config.replicates == 0 {
            problems.push(("replicates".into(), "expected at least 1 replicate".into()));
        }
        if config.weeks == Some(0) {
            problems.push(("weeks".into(), "expected at least 1 week".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, p) in config.parameters.iter().enumerate() {
            if !(p.min.is_finite() && p.max.is_finite() && p.min < p.max) {
                problems.push((
                    format!("parameters[{i}]"),
                    format!("expected min < max, found {} and {}", p.min, p.max),
                ));
            }
            if !seen.insert(p.key.as_str()) {
                problems.push((format!("parameters[{i}].key"), format!("`{}` is swept twice", p.key)));
            }
            for s in &scenarios {
                if let Err(e) = get_parameter(s, &p.key) {
                    problems.push((format!("parameters[{i}].key"), format!("{e}")));
                    break;
                }
            }
        }
        for (i, sw) in config.switches.iter().enumerate() {
            if !seen.insert(sw.key.as_str()) {
                problems.push((format!("switches[{i}].key"), format!("`{}` is swept twice", sw.key)));
            }
            if sw.values.len() < 2 {
                problems.push((
                    format!("switches[{i}].values"),
                    "expected at least two alternative forms".into(),
                ));
            }
            // A Morris grid of p levels reaches at most p of a switch's forms.
            if let SweepDesign::Morris { levels, .. } = config.design
                && sw.values.len() > levels
            {
                problems.push((
                    format!("switches[{i}].values"),
                    format!(
                        "{} forms, more than the Morris design's {levels} levels can reach: use levels ≥ {}",
                        sw.values.len(),
                        sw.values.len()
                    ),
                ));
            }
            for (j, v) in sw.values.iter().enumerate() {
                if sw.values[..j].contains(v) {
                    problems.push((format!("switches[{i}].values"), format!("{v} appears twice")));
                }
                if let Some(Err(e)) =
                    scenarios.iter().map(|s| set_value(s, &sw.key, v.clone())).find(|r| r.is_err())
                {
                    problems.push((format!("switches[{i}].values"), format!("{e}")));
                }
            }
        }
        for (i, o) in config.outcomes.iter().enumerate() {
            if crate::analysis::summary_index(o).is_none() {
                problems.push((
                    format!("outcomes[{i}]"),
                    format!("`{o}` is not a summary metric (`careshape metrics` lists them)"),
                ));
            }
        }
        if config.outcomes.is_empty() {
            problems.push(("outcomes".into(), "expected at least one outcome".into()));
        }
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        for (i, d) in config.discovery.iter().enumerate() {
            if d.name.is_empty() || config.discovery[..i].iter().any(|e| e.name == d.name) {
                problems.push((
                    format!("discovery[{i}].name"),
                    "expected a name, unique among the discoveries".into(),
                ));
            }
            if let Err(e) = discovery::Condition::parse(&d.condition, &names, &config.outcomes) {
                problems.push((format!("discovery[{i}].condition"), e));
            }
            for e in d.check_options() {
                problems.push((format!("discovery[{i}]"), e));
            }
        }
        // Paired differences need the same weeks in every scenario, and tables need unique names.
        let (weeks, burn_in) = (scenarios[0].run.weeks, scenarios[0].run.burn_in_weeks);
        for (i, s) in scenarios.iter().enumerate().skip(1) {
            if s.run.weeks != weeks || s.run.burn_in_weeks != burn_in {
                problems.push((
                    format!("policies[{}]", i - 1),
                    format!(
                        "{}: run.weeks = {} and run.burn_in_weeks = {} differ from the baseline's {weeks} and {burn_in}: a paired difference needs the same weeks (or set `weeks` in the sweep file)",
                        s.name, s.run.weeks, s.run.burn_in_weeks
                    ),
                ));
            }
            if scenarios[..i].iter().any(|t| t.name == s.name) {
                problems.push((
                    format!("policies[{}]", i - 1),
                    format!("the scenario name `{}` appears twice", s.name),
                ));
            }
        }
        let k = config.parameters.len() + config.switches.len();
        let switch_values: Vec<usize> = config.switches.iter().map(|s| s.values.len().max(2)).collect();
        match design_size(&config.design, k, &switch_values) {
            None if matches!(config.design, SweepDesign::Grid { levels } if levels >= 2) => {
                problems.push(("design".into(), format!("expected at most {MAX_POINTS} points")))
            }
            None => problems.push((
                "design".into(),
                "expected grid levels ≥ 2, lhs points ≥ 2, morris trajectories ≥ 2 and an even number of levels ≥ 2, or sobol base_points ≥ 2".into(),
            )),
            Some(n) if n > MAX_POINTS => {
                problems.push(("design".into(), format!("expected at most {MAX_POINTS} points, found {n}")))
            }
            Some(_) => {}
        }
        if !problems.is_empty() {
            return Err(invalid(&text, file, problems));
        }
        let work = serde_json::json!({
            "scenarios": scenarios,
            "design": config.design,
            "parameters": config.parameters,
            "switches": config.switches,
            "outcomes": config.outcomes,
            "replicates": config.replicates,
            "seed": config.seed,
            "weeks": config.weeks,
        });
        let work_sha256 = crate::output::manifest::sha256_hex(work.to_string().as_bytes());
        let names = scenarios.iter().map(|s| s.name.clone()).collect();
        Ok(Sweep { plan: SweepPlan::new(file.to_path_buf(), config, names, work_sha256), scenarios })
    }

    /// Runs one design point: every scenario with the point's parameter values and switch
    /// forms, on replicates `0..replicates` of the sweep's seed. Returns, per scenario, per
    /// outcome, each replicate's summary value. A point whose values make a scenario invalid is
    /// an error naming the point and the problem.
    pub fn evaluate(&self, point: usize) -> Result<Vec<Vec<Vec<f64>>>> {
        let plan = &self.plan;
        let c = &plan.config;
        let values = plan.values(point);
        let kp = c.parameters.len();
        let scenarios: Vec<Scenario> = self
            .scenarios
            .iter()
            .map(|s| {
                let mut t = s.clone();
                for (p, v) in c.parameters.iter().zip(&values) {
                    t = set_parameter(&t, &p.key, *v)?;
                }
                for (sw, v) in c.switches.iter().zip(&values[kp..]) {
                    t = set_value(&t, &sw.key, sw.values[*v as usize].clone())?;
                }
                crate::scenario::checked(t, || format!("{}: point {point}", plan.file.display()))
            })
            .collect::<Result<_>>()?;
        let metrics: Vec<usize> =
            c.outcomes.iter().map(|o| crate::analysis::summary_index(o).expect("checked")).collect();
        let reps = c.replicates;
        Ok(scenarios
            .par_iter()
            .map(|s| {
                let rows: Vec<Vec<f64>> = (0..reps)
                    .into_par_iter()
                    .map(|r| {
                        let summary = crate::analysis::summarise(&crate::run_replicate(s, c.seed, r));
                        metrics.iter().map(|&m| summary.values()[m]).collect()
                    })
                    .collect();
                (0..metrics.len()).map(|m| rows.iter().map(|row| row[m]).collect()).collect()
            })
            .collect())
    }
}

/// One design point's results: the means and paired differences of its unit
/// (`units/point=<i>/part-0.parquet`, which holds every replicate's values).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PointResult {
    pub point: usize,
    /// The factor values, in the sweep file's order: each parameter's value, then each
    /// switch's form index.
    pub values: Vec<f64>,
    /// `levels[scenario][outcome]`: the mean over replicates (baseline first).
    pub levels: Vec<Vec<f64>>,
    /// `differences[policy][outcome]`: the mean paired difference from the baseline.
    pub differences: Vec<Vec<f64>>,
}

impl PointResult {
    /// Means and paired differences of an `evaluate` result.
    pub fn from_runs(point: usize, values: Vec<f64>, runs: &[Vec<Vec<f64>>]) -> Self {
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len().max(1) as f64;
        let levels = runs.iter().map(|s| s.iter().map(|o| mean(o)).collect()).collect();
        let differences = runs[1..]
            .iter()
            .map(|s| {
                s.iter()
                    .zip(&runs[0])
                    .map(|(t, b)| mean(&t.iter().zip(b).map(|(x, y)| x - y).collect::<Vec<_>>()))
                    .collect()
            })
            .collect();
        PointResult { point, values, levels, differences }
    }
}

/// One row of the sensitivity table.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityRow {
    /// `level` (of `scenario`) or `difference` (of `scenario` from the baseline).
    pub quantity: &'static str,
    pub scenario: String,
    pub outcome: String,
    pub parameter: String,
    /// `mu_star`, `sigma`, `first_order`, `total`, `prcc`.
    pub measure: &'static str,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// The sensitivity table of a finished sweep (Morris, Sobol, or partial rank correlations for
/// a Latin hypercube; none for a grid),
/// for every difference of a policy from the baseline and every level of the baseline.
pub fn sensitivity(sweep: &SweepPlan, points: &[PointResult]) -> Vec<SensitivityRow> {
    let mut points: Vec<&PointResult> = points.iter().collect();
    points.sort_by_key(|p| p.point);
    let names = sweep.names();
    // (quantity, scenario, outcome, outputs in design order)
    let mut series: Vec<(&'static str, String, String, Vec<f64>)> = Vec::new();
    for (o, outcome) in sweep.config.outcomes.iter().enumerate() {
        series.push((
            "level",
            names[0].into(),
            outcome.clone(),
            points.iter().map(|p| p.levels[0][o]).collect(),
        ));
        for (k, name) in names[1..].iter().enumerate() {
            series.push((
                "difference",
                (*name).into(),
                outcome.clone(),
                points.iter().map(|p| p.differences[k][o]).collect(),
            ));
        }
    }
    let seed = sweep.config.seed;
    let factors = sweep.factors();
    let mut rows = Vec::new();
    for (quantity, scenario, outcome, y) in series {
        let row =
            |parameter: &str, measure: &'static str, estimate: f64, low: f64, high: f64| SensitivityRow {
                quantity,
                scenario: scenario.clone(),
                outcome: outcome.clone(),
                parameter: parameter.into(),
                measure,
                estimate,
                low,
                high,
            };
        if let Some(d) = &sweep.morris {
            for (m, p) in morris_measures(d, &y, seed).iter().zip(&factors) {
                rows.push(row(p, "mu_star", m.mu_star.estimate, m.mu_star.low, m.mu_star.high));
                rows.push(row(p, "sigma", m.sigma, f64::NAN, f64::NAN));
            }
        }
        if matches!(sweep.config.design, SweepDesign::Lhs { .. }) && y.len() > factors.len() + 2 {
            for (ix, p) in prcc(&sweep.unit_points, &y, seed).iter().zip(&factors) {
                rows.push(row(p, "prcc", ix.estimate, ix.low, ix.high));
            }
        }
        if let Some(d) = &sweep.saltelli {
            for (s, p) in sobol_indices(d, &y, seed).iter().zip(&factors) {
                rows.push(row(p, "first_order", s.first.estimate, s.first.low, s.first.high));
                rows.push(row(p, "total", s.total.estimate, s.total.low, s.total.high));
            }
        }
    }
    rows
}

/// Writes `sweep_points` and `sensitivity` (Parquet and CSV).
#[cfg(feature = "output")]
pub fn write_tables(
    sweep: &SweepPlan,
    dir: &Path,
    points: &[PointResult],
    rows: &[SensitivityRow],
) -> Result<()> {
    use crate::error::OutputError;
    use polars::prelude::*;
    let names = sweep.names();
    let outcomes = &sweep.config.outcomes;
    let mut point = Vec::new();
    let kp = sweep.config.parameters.len();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); kp];
    let mut forms: Vec<Vec<String>> = vec![Vec::new(); sweep.config.switches.len()];
    let (mut quantity, mut scenario, mut outcome, mut value) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in points {
        let mut push = |q: &'static str, s: &str, o: &str, v: f64| {
            point.push(p.point as u32);
            for (col, x) in values.iter_mut().zip(&p.values) {
                col.push(*x);
            }
            for ((col, sw), x) in forms.iter_mut().zip(&sweep.config.switches).zip(&p.values[kp..]) {
                col.push(sw.label(*x as usize));
            }
            quantity.push(q);
            scenario.push(s.to_string());
            outcome.push(o.to_string());
            value.push(v);
        };
        for (k, name) in names.iter().enumerate() {
            for (o, out) in outcomes.iter().enumerate() {
                push("level", name, out, p.levels[k][o]);
            }
        }
        for (k, name) in names[1..].iter().enumerate() {
            for (o, out) in outcomes.iter().enumerate() {
                push("difference", name, out, p.differences[k][o]);
            }
        }
    }
    let n = point.len();
    let mut cols = vec![Column::new("point".into(), point)];
    for (p, v) in sweep.config.parameters.iter().zip(values) {
        cols.push(Column::new(p.key.as_str().into(), v));
    }
    for (sw, v) in sweep.config.switches.iter().zip(forms) {
        cols.push(Column::new(sw.key.as_str().into(), v));
    }
    cols.extend([
        Column::new("quantity".into(), quantity),
        Column::new("scenario".into(), scenario),
        Column::new("outcome".into(), outcome),
        Column::new("value".into(), value),
    ]);
    let mut df = DataFrame::new(n, cols).map_err(OutputError::from)?;
    crate::output::tables::write_frame(dir, "sweep_points", &mut df, None)?;
    let finite = |x: f64| x.is_finite().then_some(x);
    let cols = vec![
        Column::new("quantity".into(), rows.iter().map(|r| r.quantity).collect::<Vec<_>>()),
        Column::new("scenario".into(), rows.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("outcome".into(), rows.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>()),
        Column::new("parameter".into(), rows.iter().map(|r| r.parameter.as_str()).collect::<Vec<_>>()),
        Column::new("measure".into(), rows.iter().map(|r| r.measure).collect::<Vec<_>>()),
        Column::new("estimate".into(), rows.iter().map(|r| finite(r.estimate)).collect::<Vec<_>>()),
        Column::new("ci95_low".into(), rows.iter().map(|r| finite(r.low)).collect::<Vec<_>>()),
        Column::new("ci95_high".into(), rows.iter().map(|r| finite(r.high)).collect::<Vec<_>>()),
    ];
    let mut df = DataFrame::new(rows.len(), cols).map_err(OutputError::from)?;
    crate::output::tables::write_frame(dir, "sensitivity", &mut df, None)?;
    // The charts and the sensitivity page.
    let charts_dir = dir.join("charts");
    std::fs::create_dir_all(&charts_dir).map_err(OutputError::io("cannot create", &charts_dir))?;
    let mut charts = crate::charts::sensitivity::charts(rows, points.len(), &charts_dir)?;
    let found = discovery::discover(sweep, points);
    if !found.is_empty() {
        discovery::write_table(sweep, dir, &found)?;
        charts.push(crate::charts::sensitivity::discovery_chart(&found, &charts_dir)?);
    }
    let page = crate::report::sweep::render(sweep, rows, &found, &charts);
    crate::output::write_atomic(&dir.join("report.html"), |f| {
        use std::io::Write;
        f.write_all(page.as_bytes())?;
        Ok(())
    })?;
    Ok(())
}
