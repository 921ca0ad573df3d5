//! A study: the scenarios of one run, loaded and checked to line up (unique names, the same
//! run length and burn-in), optionally composed with shock files, run over paired replicates,
//! and the manifest that records it. `careshape run` and `careshape compare` are thin faces
//! over it; so is a library user's own driver.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::analysis::ReplicateSummary;
use crate::analysis::compare::{self, Precision, Samples, Tolerance};
use crate::engine::{ReplicateResult, run_jobs};
use crate::error::{Error, Result};
use crate::output::manifest::{self, AutoReplicates, ComparisonInfo, Manifest};
use crate::scenario::{MAX_WEEKS, Scenario, ShockFile, load_scenario, load_shock_files, scenario_files};

/// One scenario of a study: the policy file it came from, the shock file applied on top (if
/// any), and the resolved scenario.
#[derive(Clone, Debug)]
pub struct StudyScenario {
    pub file: PathBuf,
    pub shock_file: Option<PathBuf>,
    /// The policy's name (the scenario's own name when no shock is applied).
    pub policy: String,
    /// The shock file's name, if one is applied.
    pub shock: Option<String>,
    pub scenario: Scenario,
}

/// The scenarios of one run, in run order (the status quo first when a folder is given).
#[derive(Clone, Debug)]
pub struct Study {
    pub scenarios: Vec<StudyScenario>,
    /// With `compare --posterior`: each scenario at each parameter draw.
    pub posterior: Option<StudyPosterior>,
}

/// The parameter draws of a study run with `compare --posterior` (docs/COMPARISON.md).
#[derive(Clone, Debug)]
pub struct StudyPosterior {
    pub info: crate::posterior::PosteriorInfo,
    /// `variants[scenario][draw]`: the scenario with the draw's parameter values.
    pub variants: Vec<Vec<Scenario>>,
}

impl Study {
    /// Loads scenario files and folders (a folder contributes its `*.toml` files), reporting
    /// every bad file at once, applies `weeks` (overriding `run.weeks`) and checks that the
    /// scenarios can be compared: unique names, the same run length and burn-in, the same patches.
    pub fn load(paths: &[PathBuf], weeks: Option<u32>) -> Result<Study> {
        Self::load_with(paths, weeks, None)
    }

    /// As [`Study::load`], with the mission-score weights of every scenario overridden by
    /// `mission_weights` (`key=weight,…`, the command line's `--mission-weights`).
    pub fn load_with(paths: &[PathBuf], weeks: Option<u32>, mission_weights: Option<&str>) -> Result<Study> {
        let mut loaded = load_all(paths)?;
        if let Some(text) = mission_weights {
            for (_, s) in loaded.iter_mut() {
                s.mission
                    .apply_overrides(text)
                    .map_err(|e| Error::Input(format!("--mission-weights: {e}")))?;
            }
        }
        if loaded.is_empty() {
            return Err(Error::Input(format!(
                "no scenario files (*.toml) in {}",
                paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            )));
        }
        if let Some(w) = weeks {
            if w == 0 {
                return Err(Error::Input("--weeks must be at least 1".into()));
            }
            if w > MAX_WEEKS {
                return Err(Error::Input(format!(
                    "--weeks must be at most {MAX_WEEKS} (50 years), found {w}"
                )));
            }
            for (_, s) in loaded.iter_mut() {
                s.run.weeks = w;
            }
            // The files were checked with their own run.weeks; --weeks may lengthen a run past
            // the size limits, or shorten it past a scheduled shock: check them again.
            let problems: Vec<String> = loaded
                .iter()
                .flat_map(|(f, s)| {
                    crate::scenario::validate(s).into_iter().map(move |(key, msg)| {
                        let (key, msg) = if key == "run.weeks" {
                            ("--weeks".to_string(), msg.replace("shorten run.weeks", "shorten --weeks"))
                        } else {
                            (format!("key `{key}`"), msg)
                        };
                        format!("{}: with --weeks {w}: {key}: {msg}", f.display())
                    })
                })
                .collect();
            if !problems.is_empty() {
                return Err(Error::Input(problems.join("\n")));
            }
        }
        // Scenarios compared in one run share their run length and burn-in, or their weeks
        // would not line up (and burn-in would not be common).
        let (weeks, burn_in) = (loaded[0].1.run.weeks, loaded[0].1.run.burn_in_weeks);
        if let Some((f, s)) =
            loaded.iter().find(|(_, s)| s.run.weeks != weeks || s.run.burn_in_weeks != burn_in)
        {
            return Err(Error::Input(format!(
                "{}: run.weeks = {} and run.burn_in_weeks = {} differ from {}'s {} and {}: scenarios in one run must share them (or pass --weeks)",
                f.display(),
                s.run.weeks,
                s.run.burn_in_weeks,
                loaded[0].0.display(),
                weeks,
                burn_in
            )));
        }
        // One comparison scores every scenario's mission and values its costs the same way.
        if let Some((f, _)) = loaded
            .iter()
            .find(|(_, s)| s.mission != loaded[0].1.mission || s.appraisal != loaded[0].1.appraisal)
        {
            return Err(Error::Input(format!(
                "{}: its [mission] weights or [appraisal] differ from {}'s: scenarios in one run must score the mission and value costs the same way (set them in the shared base file, or pass --mission-weights)",
                f.display(),
                loaded[0].0.display(),
            )));
        }
        // The run's tables label patches by the first scenario's names (`patch_names`), so the
        // scenarios must share their patches, in order.
        let first = patch_names_of(&loaded[0].1);
        if let Some((f, s)) = loaded.iter().find(|(_, s)| patch_names_of(s) != first) {
            return Err(Error::Input(format!(
                "{}: its patches ({}) differ from {}'s ({}): scenarios in one run must share their geography's patches, in the same order",
                f.display(),
                patch_names_of(s).join(", "),
                loaded[0].0.display(),
                first.join(", ")
            )));
        }
        let scenarios = loaded
            .into_iter()
            .map(|(file, scenario)| StudyScenario {
                file,
                shock_file: None,
                policy: scenario.name.clone(),
                shock: None,
                scenario,
            })
            .collect();
        Ok(Study { scenarios, posterior: None })
    }

    /// Stress composition (`--shock`): every scenario as it is, then each scenario with each
    /// shock file's shocks, named `<policy>+<shock>` (docs/ODD.md §7.23).
    pub fn with_shocks(self, shock_paths: &[PathBuf]) -> Result<Study> {
        if shock_paths.is_empty() {
            return Ok(self);
        }
        let shock_files = load_shock_files(shock_paths).map_err(|errors| {
            Error::Input(errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
        })?;
        let policies: Vec<Scenario> = self.scenarios.iter().map(|s| s.scenario.clone()).collect();
        let shock_list: Vec<ShockFile> = shock_files.iter().map(|(_, s)| s.clone()).collect();
        // compose names a shock file by its name; here the path is known too.
        let composed = crate::scenario::compose(&policies, &shock_list).map_err(|e| match e {
            Error::Input(msg) => Error::Input(shock_files.iter().fold(msg, |m, (f, s)| {
                let named = format!("shock file `{}` on", s.name);
                m.replace(&named, &format!("{}: {named}", f.display()))
            })),
            e => e,
        })?;
        let names: Vec<&str> = composed.iter().map(|c| c.scenario.name.as_str()).collect();
        if let Some(clash) = first_duplicate(&names) {
            return Err(Error::Input(format!(
                "two scenarios share the name `{clash}`: names must be unique in a run (shock files too)"
            )));
        }
        let scenarios = composed
            .into_iter()
            .map(|c| StudyScenario {
                file: self
                    .scenarios
                    .iter()
                    .find(|s| s.scenario.name == c.policy)
                    .map(|s| s.file.clone())
                    .unwrap_or_default(),
                shock_file: c
                    .shock
                    .as_ref()
                    .and_then(|n| shock_files.iter().find(|(_, s)| &s.name == n))
                    .map(|(f, _)| f.clone()),
                policy: c.policy,
                shock: c.shock,
                scenario: c.scenario,
            })
            .collect();
        Ok(Study { scenarios, posterior: None })
    }

    /// Makes `draws` draws from `posterior` (keyed by `seed` and the draw, never by scenario)
    /// and runs replicate r of every scenario at draw r mod `draws` (docs/COMPARISON.md,
    /// "Parameter uncertainty").
    pub fn with_posterior(
        mut self,
        posterior: &crate::posterior::Posterior,
        draws: u32,
        seed: u64,
    ) -> Result<Study> {
        if draws == 0 {
            return Err(Error::Input("--draws must be at least 1".into()));
        }
        if self.has_shocks() {
            return Err(Error::Input("--posterior cannot be combined with --shock".into()));
        }
        let scenarios = self.scenarios();
        posterior.check(&scenarios)?;
        let points: Vec<usize> = (0..draws).map(|d| posterior.draw(seed, d)).collect();
        let variants = scenarios
            .iter()
            .map(|s| points.iter().map(|&i| posterior.apply(s, i)).collect::<Result<Vec<_>>>())
            .collect::<Result<Vec<_>>>()?;
        let text = std::fs::read(&posterior.file)
            .map_err(|e| Error::Input(format!("{}: cannot read: {e}", posterior.file.display())))?;
        let info = crate::posterior::PosteriorInfo {
            file: posterior.file.display().to_string(),
            sha256: manifest::sha256_hex(&text),
            draws,
            keys: posterior.keys.clone(),
            points,
        };
        self.posterior = Some(StudyPosterior { info, variants });
        Ok(self)
    }

    /// The resolved scenarios, in run order.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.scenarios.iter().map(|s| s.scenario.clone()).collect()
    }

    /// The scenarios' names, in run order.
    pub fn names(&self) -> Vec<&str> {
        self.scenarios.iter().map(|s| s.scenario.name.as_str()).collect()
    }

    /// True when shock files were composed in.
    pub fn has_shocks(&self) -> bool {
        self.scenarios.iter().any(|s| s.shock.is_some())
    }

    /// The (scenario, policy, shock) matrix the stress table pairs by.
    pub fn stress_matrix(&self) -> Vec<(String, String, Option<String>)> {
        self.scenarios.iter().map(|s| (s.scenario.name.clone(), s.policy.clone(), s.shock.clone())).collect()
    }

    /// The patches' names (scenarios in one run share the number of patches; names from the
    /// first).
    pub fn patch_names(&self) -> Vec<String> {
        patch_names_of(&self.scenarios[0].scenario)
    }

    /// Runs replicates `replicates` of every scenario in parallel on the current rayon pool;
    /// results come back in (scenario, replicate) order. Replicate `r` is the same run whatever
    /// range it is part of. `progress` is called after each finished replicate.
    pub fn run(
        &self,
        seed: u64,
        replicates: Range<u32>,
        progress: &(dyn Fn() + Sync),
    ) -> Vec<ReplicateResult> {
        let mut out = Vec::new();
        self.run_blocks(
            seed,
            replicates,
            &mut |block| {
                out.extend_from_slice(block);
                Ok(())
            },
            progress,
        )
        .expect("collecting results cannot fail");
        out
    }

    /// Runs replicates `replicates` of every scenario, in blocks of a few jobs per thread of the
    /// current rayon pool, and hands each block's results to `each` in (scenario, replicate)
    /// order before running the next: a run's memory holds one block, whatever the number of
    /// replicates. Replicate `r` is the same run whatever block or range it is part of.
    pub fn run_blocks(
        &self,
        seed: u64,
        replicates: Range<u32>,
        each: &mut dyn FnMut(&[ReplicateResult]) -> Result<()>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<()> {
        let (scenarios, jobs) = self.variant_jobs(crate::engine::jobs(self.scenarios.len(), replicates));
        // Enough jobs per block to keep every thread busy between the blocks' barriers.
        let block = 8 * rayon::current_num_threads();
        for chunk in jobs.chunks(block) {
            let results = run_jobs(&scenarios, seed, chunk, progress);
            each(&results)?;
        }
        Ok(())
    }

    /// The scenarios to run and the jobs `(scenario, replicate)` over them: the study's own,
    /// or with posterior draws, scenario s at draw d as variant s × draws + d.
    fn variant_jobs(&self, jobs: Vec<(usize, u32)>) -> (Vec<Scenario>, Vec<(usize, u32)>) {
        match &self.posterior {
            None => (self.scenarios(), jobs),
            Some(p) => {
                let k = p.info.draws;
                let jobs = jobs
                    .into_iter()
                    .map(|(s, r)| (s * k as usize + crate::analysis::posterior::draw_of(r, k), r))
                    .collect();
                (p.variants.iter().flatten().cloned().collect(), jobs)
            }
        }
    }

    /// Runs the replicates `replicates` (any set, e.g. a shard's) of every scenario, whole
    /// replicates at a time, handing each finished replicate's results (in scenario order) to
    /// `each`. Replicate `r` is the same run whatever else runs beside it.
    pub fn run_replicates(
        &self,
        seed: u64,
        replicates: &[u32],
        each: &mut dyn FnMut(u32, &[ReplicateResult]) -> Result<()>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<()> {
        let n = self.scenarios.len();
        let jobs = replicates.iter().flat_map(|&r| (0..n).map(move |s| (s, r))).collect();
        let (scenarios, jobs) = self.variant_jobs(jobs);
        // Whole replicates per block, enough to keep every thread busy.
        let block = n * (8 * rayon::current_num_threads()).div_ceil(n);
        for chunk in jobs.chunks(block) {
            let results = run_jobs(&scenarios, seed, chunk, progress);
            for one in results.chunks(n) {
                each(one[0].replicate, one)?;
            }
        }
        Ok(())
    }

    /// What a run keeps of a replicate of this study: its summary, and for a policy whose
    /// shocked twins are in the study, its summaries from their shock weeks (the stress
    /// table's baselines).
    pub fn summarise(&self, result: &ReplicateResult) -> ReplicateSummary {
        let policy = self.scenarios.iter().find(|s| s.scenario.name == result.scenario);
        let mut weeks: Vec<i32> = match policy {
            Some(p) if p.shock.is_none() => self
                .scenarios
                .iter()
                .filter(|s| s.shock.is_some() && s.policy == p.policy)
                .filter_map(|s| s.scenario.first_shock_week())
                .collect(),
            _ => Vec::new(),
        };
        weeks.sort_unstable();
        weeks.dedup();
        ReplicateSummary::new(result, &weeks)
    }

    /// The run id: a SHA-256 of everything that determines a run's tables (every scenario's
    /// resolved parameters and shock, the master seed, the number of replicates, and the
    /// careshape version and sources). Kept in the manifest and in every Parquet table's
    /// metadata, so that `careshape report` can refuse a folder that mixes runs. It does not
    /// depend on the thread count, as the tables do not.
    pub fn run_id(&self, seed: u64, replicates: u32) -> String {
        let scenarios: Vec<(&str, Option<&str>, &Scenario)> =
            self.scenarios.iter().map(|s| (s.policy.as_str(), s.shock.as_deref(), &s.scenario)).collect();
        let mut key = serde_json::json!({
            "master_seed": seed,
            "replicates": replicates,
            "scenarios": scenarios,
        });
        // A run with posterior draws is another run (a plain run's id is unchanged).
        if let Some(p) = &self.posterior {
            key["posterior"] = serde_json::to_value(&p.info).expect("serialisable");
        }
        manifest::run_id(&key)
    }

    /// The manifest of this study's run: every scenario resolved, with its files' SHA-256.
    pub fn manifest(
        &self,
        seed: u64,
        replicates: u32,
        comparison: Option<ComparisonInfo>,
        execution: manifest::Execution,
    ) -> Result<Manifest> {
        let entries = self
            .scenarios
            .iter()
            .map(|r| {
                Ok(manifest::ScenarioEntry {
                    name: r.scenario.name.clone(),
                    file_sha256: Some(manifest::file_sha256(&r.file)?),
                    file: Some(r.file.clone()),
                    shock_file_sha256: r.shock_file.as_deref().map(manifest::file_sha256).transpose()?,
                    shock_file: r.shock_file.clone(),
                    parameters: r.scenario.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let first = &self.scenarios[0].scenario;
        Ok(Manifest::new(
            self.run_id(seed, replicates),
            seed,
            replicates,
            first.run.weeks,
            first.run.burn_in_weeks,
            entries,
            comparison,
            execution,
        ))
    }

    /// The default output folder: `output/<folder>` for one folder, `output/<scenario name>`
    /// for one file, `output/run` otherwise. The name is made one safe path component
    /// (`output::safe_component`; `output/run` when nothing usable is left), so a name such as
    /// `../../x` or `/tmp/x` never places the run outside `output/`.
    pub fn default_out(&self, paths: &[PathBuf]) -> PathBuf {
        let name = match (paths, self.scenarios.as_slice()) {
            ([p], _) if p.is_dir() => p.file_name().map(|n| n.to_string_lossy().into_owned()),
            (_, [s]) => Some(s.scenario.name.clone()),
            _ => None,
        };
        // A name is a label, not a path: made one safe component, it cannot leave `output/`.
        Path::new("output")
            .join(name.as_deref().and_then(crate::output::safe_component).unwrap_or_else(|| "run".into()))
    }
}

#[cfg(feature = "output")]
impl Study {
    /// Runs replicates `replicates` of every scenario ([`Study::run_blocks`]), streaming each
    /// block's rows into `tables` (a `TableWriter`, or a `Spill` for batches); returns what a
    /// run keeps in memory, the summaries ([`Study::summarise`]), in (scenario, replicate)
    /// order.
    pub fn write_run(
        &self,
        seed: u64,
        replicates: Range<u32>,
        tables: &mut dyn crate::output::tables::TableSink,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<ReplicateSummary>> {
        let mut summaries = Vec::new();
        self.run_blocks(
            seed,
            replicates,
            &mut |block| {
                let kept: Vec<ReplicateSummary> = block.iter().map(|r| self.summarise(r)).collect();
                tables.push(block, &kept)?;
                summaries.extend(kept);
                Ok(())
            },
            progress,
        )?;
        Ok(summaries)
    }
}

/// Loads every scenario named by paths (files or folders), reporting all bad files at once,
/// and checks that names are unique.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Scenario)>> {
    let files = scenario_files(paths)?;
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match load_scenario(&f) {
            Ok(s) => ok.push((f, s)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors.join("\n")));
    }
    // The first file whose name an earlier file already has: both files are named.
    for (i, (file, s)) in ok.iter().enumerate() {
        if let Some((first, _)) = ok[..i].iter().find(|(_, t)| t.name == s.name) {
            return Err(Error::Input(format!(
                "two scenarios share the name `{}`: {} and {}: names must be unique in a run",
                s.name,
                first.display(),
                file.display()
            )));
        }
    }
    Ok(ok)
}

/// The alphabetically first name that occurs twice.
fn first_duplicate<'a>(names: &[&'a str]) -> Option<&'a str> {
    let mut sorted = names.to_vec();
    sorted.sort();
    sorted.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// The stopping rule of `--replicates auto`: batches of `batch` replicates until every
/// headline outcome's paired difference from the baseline is within its tolerance, or
/// `max_replicates` (docs/COMPARISON.md).
#[derive(Clone, Debug)]
pub struct StoppingRule {
    pub batch: u32,
    pub max_replicates: u32,
    /// Overrides of the headline outcomes' default tolerances.
    pub tolerances: Vec<(String, Tolerance)>,
}

impl StoppingRule {
    /// Checks the rule can work: a CI needs two replicates, and the cap must allow a batch.
    pub fn check(&self) -> Result<()> {
        if self.batch < 2 {
            return Err(Error::Input("--batch must be at least 2 (a CI needs two replicates)".into()));
        }
        if self.max_replicates < self.batch {
            return Err(Error::Input("--max-replicates must be at least --batch".into()));
        }
        Ok(())
    }
}

/// Runs batches of replicates until the stopping rule is met. `run` runs one batch of replicate
/// indices and returns its summaries (the caller chooses the pool, the progress display and
/// where the batch's tables go); `report` hears the number of replicates done and the
/// precision reached after each batch. Summaries come back in (scenario, replicate) order, the
/// same as a fixed run of as many replicates.
pub fn run_until_precise(
    names: &[&str],
    baseline: usize,
    rule: &StoppingRule,
    run: &mut dyn FnMut(Range<u32>) -> Result<Vec<ReplicateSummary>>,
    report: &mut dyn FnMut(u32, &[Precision]),
) -> Result<(Vec<ReplicateSummary>, AutoReplicates)> {
    let mut summaries: Vec<ReplicateSummary> = Vec::new();
    let mut done = 0u32;
    loop {
        let n = rule.batch.min(rule.max_replicates - done);
        summaries.extend(run(done..done + n)?);
        done += n;
        let samples =
            Samples::from_summaries(summaries.iter().map(|r| (r.scenario.as_str(), r.replicate, &r.summary)))
                .expect("every scenario ran the same replicates");
        let precision = compare::precision(&samples, baseline, &rule.tolerances);
        let reached = precision.iter().all(|p| p.reached);
        report(done, &precision);
        if reached || done >= rule.max_replicates {
            let pos = |name: &str| names.iter().position(|s| *s == name).unwrap_or(usize::MAX);
            summaries.sort_by_key(|r| (pos(&r.scenario), r.replicate));
            let info = AutoReplicates {
                batch: rule.batch,
                max_replicates: rule.max_replicates,
                reached,
                precision: precision
                    .iter()
                    .map(|p| manifest::PrecisionEntry {
                        metric: p.metric.clone(),
                        tolerance: p.tolerance.to_string(),
                        tolerance_abs: p.tolerance_abs,
                        widest_half_width: p.widest_half_width,
                        reached: p.reached,
                    })
                    .collect(),
            };
            return Ok((summaries, info));
        }
    }
}

/// A scenario's patch names, in order.
fn patch_names_of(s: &Scenario) -> Vec<String> {
    s.geography.patches.iter().map(|p| p.name.clone()).collect()
}
