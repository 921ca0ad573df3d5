//! The comparison report: rebuilds, from the tables saved in an output folder, the comparison
//! tables, the charts and one self-contained `report.html` (charts inline, no network).
//! `careshape compare` calls it after writing its tables; `careshape report` calls it alone.

pub mod appraisal;
pub mod html;
pub mod markdown;
pub mod posterior;
pub mod sweep;

use std::path::{Path, PathBuf};

use crate::output::{OutputError, Result};
use serde::Deserialize;

use crate::analysis::compare::{ComparisonRow, Samples, compare};
use crate::charts::{self, Chart};
use crate::output::comparison::{read_summary, write_comparison};
use crate::output::manifest::ComparisonInfo;
use crate::output::write_atomic;

/// The subfolder of a comparison's output that `compare --same-budget` writes: the same
/// designs with the baseline's spend as a binding budget (docs/COMPARISON.md, "Same budget").
pub const SAME_BUDGET_DIR: &str = "same-budget";

/// A same-budget comparison beside the main one (`same-budget/`), with the budget it applied.
pub struct SameBudgetView {
    pub built: Built,
    /// The baseline's `council.reform_budget_gbp` and `budget_index` percent in that run.
    pub annual_gbp: Option<f64>,
    pub growth_percent: Option<f64>,
}

/// What `build` made.
pub struct Built {
    pub baseline: String,
    pub samples: Samples,
    pub rows: Vec<ComparisonRow>,
    pub charts: Vec<Chart>,
    /// `report.html`, if written.
    pub report: Option<PathBuf>,
    /// The cost-effectiveness table (`cost_effectiveness.*`), and the discounting and
    /// willingness to pay it used (the baseline's `[appraisal]`).
    pub value: Vec<crate::analysis::value::ValueRow>,
    pub appraisal: crate::scenario::Appraisal,
    /// The mission table (`mission.*`), with the weights it used (the run's `[mission]`).
    pub mission: Vec<crate::analysis::mission::MissionRow>,
    pub weights: crate::scenario::MissionWeights,
    /// With `compare --posterior`: the variance split and rank probabilities.
    pub posterior: Option<posterior::PosteriorView>,
}

/// The parts of `manifest.json` the report shows.
#[derive(Deserialize, Clone, Debug)]
pub struct RunInfo {
    /// The run id (`Study::run_id`); absent in manifests written before run ids were recorded.
    #[serde(default)]
    pub run_id: Option<String>,
    pub careshape_version: String,
    pub git_commit: Option<String>,
    pub master_seed: u64,
    pub replicates: u32,
    pub weeks: u32,
    pub burn_in_weeks: u32,
    pub scenarios: Vec<ScenarioInfo>,
    #[serde(default)]
    pub comparison: Option<ComparisonInfo>,
}

#[derive(Deserialize, Clone, Debug)]
pub struct ScenarioInfo {
    pub name: String,
    pub file: Option<PathBuf>,
    /// Every resolved parameter (the scenario's serde form).
    pub parameters: serde_json::Value,
}

impl ScenarioInfo {
    pub fn description(&self) -> &str {
        self.parameters.get("description").and_then(|d| d.as_str()).unwrap_or("")
    }
}

impl RunInfo {
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(OutputError::io("cannot read", &path))?;
        serde_json::from_str(&text)
            .map_err(|e| OutputError::Content(format!("{}: not a careshape manifest: {e}", path.display())))
    }

    pub fn scenario(&self, name: &str) -> Option<&ScenarioInfo> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}

/// `careshape report`: checks that `dir` is an output folder of `run` or `compare`, chooses the
/// baseline (`baseline`, else the one the comparison used, else `status-quo`, else the first)
/// and rebuilds the comparison tables, charts and report.html.
pub fn rebuild(dir: &Path, baseline: Option<&str>) -> crate::Result<(Built, RunInfo)> {
    use crate::Error;
    if !dir.is_dir() {
        return Err(Error::Input(format!("{}: no such folder", dir.display())));
    }
    for f in ["summary.parquet", "weekly.parquet", "manifest.json"] {
        if !dir.join(f).is_file() {
            return Err(Error::Input(format!(
                "{}: no {f}; is this a folder written by `careshape compare` or `careshape run`?",
                dir.display()
            )));
        }
    }
    let run = RunInfo::read(dir)?;
    check_one_run(dir, &run)?;
    let _lock = crate::output::FolderLock::acquire(dir)?;
    let names: Vec<&str> = run.scenarios.iter().map(|s| s.name.as_str()).collect();
    let requested = baseline.or(run.comparison.as_ref().map(|c| c.baseline.as_str()));
    let b = crate::analysis::compare::choose_baseline(&names, requested)?;
    let built = build_from(dir, &run, names[b], true)?;
    Ok((built, run))
}

/// The tables a comparison is rebuilt from, and `stress` (written by `run --shock`).
const RUN_TABLES: &[&str] = &["weekly", "summary", "providers", "patches", "provider_years", "stress"];

/// Checks that every table of `dir` comes from the run its manifest records (the same run id
/// in the manifest and in each Parquet table's metadata): a folder whose files were copied
/// together from different runs is refused, naming the odd table.
pub fn check_one_run(dir: &Path, run: &RunInfo) -> crate::Result<()> {
    use crate::Error;
    let manifest = dir.join("manifest.json");
    let Some(id) = &run.run_id else {
        return Err(Error::Input(format!(
            "{}: no run_id (written by careshape {}, before run ids): cannot check that the folder's tables come from one run; rerun `careshape compare`",
            manifest.display(),
            run.careshape_version
        )));
    };
    for stem in RUN_TABLES {
        let path = dir.join(format!("{stem}.parquet"));
        if !path.is_file() {
            continue;
        }
        let found = crate::output::tables::read_run_id(&path)?;
        if found.as_deref() != Some(id.as_str()) {
            return Err(Error::Input(format!(
                "{}: this table comes from a different run (run id {}) than {} (run id {id}): the folder mixes the results of different runs; rerun `careshape compare` (a run replaces its output folder whole)",
                path.display(),
                found.as_deref().unwrap_or("none"),
                manifest.display(),
            )));
        }
    }
    Ok(())
}

/// Rebuilds the comparison of the output folder `dir` against `baseline`: always the
/// comparison tables; with `charts_and_report`, also `charts/` and `report.html`.
pub fn build(dir: &Path, baseline: &str, charts_and_report: bool) -> Result<Built> {
    build_from(dir, &RunInfo::read(dir)?, baseline, charts_and_report)
}

/// [`build`] with the folder's manifest already read.
fn build_from(dir: &Path, run: &RunInfo, baseline: &str, charts_and_report: bool) -> Result<Built> {
    let samples = read_summary(dir)?;
    let b = samples.scenario_index(baseline).ok_or_else(|| {
        OutputError::Content(format!("{}: no scenario {baseline} in summary.parquet", dir.display()))
    })?;
    let rows = compare(&samples, b);
    write_comparison(dir, &rows, baseline, run.run_id.as_deref())?;
    let (value, appraisal, mission, weights) = appraise(dir, run, &samples, b)?;
    let posterior = match run.comparison.as_ref().and_then(|c| c.posterior.as_ref()) {
        Some(info) => Some(posterior::analyse(dir, info, &samples, b, run.run_id.as_deref())?),
        None => None,
    };
    let mut built = Built {
        baseline: baseline.to_string(),
        samples,
        rows,
        charts: Vec::new(),
        report: None,
        value,
        appraisal,
        mission,
        weights,
        posterior,
    };
    if charts_and_report {
        let weekly = charts::Weekly::read(dir, &built.samples.scenarios)?;
        let input =
            charts::Input { samples: &built.samples, baseline: b, rows: &built.rows, weekly: &weekly };
        built.charts = charts::render_all(&input, &dir.join("charts"))?;
        if let Some(c) = charts::frontier::chart(
            &input,
            &built.value,
            built.appraisal.wtp_gbp_per_unmet_hour,
            &dir.join("charts"),
        )? {
            built.charts.push(c);
        }
        if let Some(p) = &built.posterior {
            built.charts.push(charts::ranks::chart(&p.rankings, p.info.draws, b, &dir.join("charts"))?);
        }
        // A same-budget comparison beside this one, if `compare --same-budget` wrote it.
        let same_dir = dir.join(SAME_BUDGET_DIR);
        let same = if same_dir.join("summary.parquet").is_file() {
            let samples = read_summary(&same_dir)?;
            let rows = samples.scenario_index(baseline).map(|b| compare(&samples, b)).unwrap_or_default();
            let info = RunInfo::read(&same_dir)?;
            let council = info.scenario(baseline).and_then(|s| s.parameters.get("council")).cloned();
            let number = |path: &[&str]| {
                let mut v = council.as_ref()?;
                for k in path {
                    v = v.get(k)?;
                }
                v.as_f64()
            };
            Some(SameBudgetView {
                annual_gbp: number(&["reform_budget_gbp"]),
                growth_percent: number(&["budget_index", "percent"]),
                built: Built {
                    baseline: baseline.to_string(),
                    samples,
                    rows,
                    charts: Vec::new(),
                    report: None,
                    value: Vec::new(),
                    appraisal: built.appraisal,
                    mission: Vec::new(),
                    weights: built.weights,
                    posterior: None,
                },
            })
        } else {
            None
        };
        let page = html::render(run, &built, same.as_ref());
        let path = dir.join("report.html");
        write_atomic(&path, |f| {
            use std::io::Write;
            f.write_all(page.as_bytes())?;
            Ok(())
        })?;
        built.report = Some(path);
    }
    Ok(built)
}

/// The cost-effectiveness and mission tables of a comparison, written beside it
/// (`cost_effectiveness.*`, `mission.*`), with the appraisal and weights they used: the
/// baseline's, from the manifest's resolved scenarios (defaults for a manifest without them).
fn appraise(
    dir: &Path,
    run: &RunInfo,
    samples: &crate::analysis::compare::Samples,
    b: usize,
) -> Result<(
    Vec<crate::analysis::value::ValueRow>,
    crate::scenario::Appraisal,
    Vec<crate::analysis::mission::MissionRow>,
    crate::scenario::MissionWeights,
)> {
    use crate::output::comparison::{mission_frame, value_frame};
    use crate::output::tables::write_frame;
    let scenarios: Option<Vec<crate::scenario::Scenario>> = samples
        .scenarios
        .iter()
        .map(|name| serde_json::from_value(run.scenario(name)?.parameters.clone()).ok())
        .collect();
    let base = scenarios.as_ref().map(|s| s[b].clone()).unwrap_or_default();
    let (appraisal, weights) = (base.appraisal, base.mission);
    let value = crate::analysis::value::cost_effectiveness(samples, b, appraisal.wtp_gbp_per_unmet_hour);
    let baseline = &samples.scenarios[b];
    if !value.is_empty() {
        write_frame(
            dir,
            "cost_effectiveness",
            &mut value_frame(&value, baseline, &appraisal)?,
            run.run_id.as_deref(),
        )?;
    }
    let mission =
        crate::analysis::mission::mission_table(samples, b, &weights, scenarios.as_deref(), run.master_seed);
    if !mission.is_empty() {
        write_frame(
            dir,
            "mission",
            &mut mission_frame(&mission, baseline, &weights)?,
            run.run_id.as_deref(),
        )?;
    }
    Ok((value, appraisal, mission, weights))
}
