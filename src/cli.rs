//! The command-line face of careshape: argument definitions (clap) and the commands, which
//! call the library and print for people. `main.rs` only maps the outcome to an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::analysis::compare::{self, ComparisonRow, Samples, Tolerance};
use crate::analysis::{column, stats::moments, summarise, summary_names};
use crate::engine::{ReplicateResult, run_batch, run_batch_range};
use crate::output::{manifest, tables};
use crate::scenario::{Scenario, ScenarioError, load_scenario, scenario_files};

#[derive(Parser, Debug)]
#[command(name = "careshape", version, about = "Simulate a local homecare market under commissioning rules")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run scenarios × replicates and write weekly, summary and providers tables.
    Run(RunArgs),
    /// Compare scenarios with a baseline on paired replicates: tables, charts and report.html.
    Compare(CompareArgs),
    /// Rebuild the comparison tables, charts and report.html of a saved `compare` output.
    Report(ReportArgs),
    /// Fit a scenario's free parameters to target outcomes (approximate Bayesian computation).
    Calibrate(CalibrateArgs),
    /// Check scenario files without running them.
    Validate {
        /// Scenario files or folders of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the definitions of every weekly and summary metric (Markdown; docs/METRICS.md).
    Metrics,
    /// List the shipped scenarios (or those under a folder) with their descriptions.
    Scenarios {
        /// Folder to list, searched recursively (calibration files are skipped).
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
    /// Print a scenario's fully resolved parameters and how they differ from a baseline.
    Explain {
        /// The scenario file.
        file: PathBuf,
        /// Baseline to compare with (default: status-quo.toml beside the file, else
        /// scenarios/camden/status-quo.toml, else the built-in defaults).
        #[arg(long, short = 'b')]
        baseline: Option<PathBuf>,
        /// Print only the differences, not every resolved parameter.
        #[arg(long, short = 'd')]
        differences_only: bool,
    },
}

/// Options shared by `run` and `compare`: the seed, run length, threads, output folder and
/// quiet flag.
#[derive(Args, Debug, Clone)]
pub struct RunOptions {
    /// Master seed: the same seed gives identical tables.
    #[arg(long, short = 's', default_value_t = 1)]
    pub seed: u64,
    /// Weeks after burn-in (overrides the scenario files' run.weeks).
    #[arg(long, short = 'w')]
    pub weeks: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// Output folder (default: output/<scenario or folder name>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Scenario files, or folders whose *.toml files are all run.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Replicates per scenario (paired across scenarios by common random numbers).
    #[arg(long, short = 'r', default_value_t = 8)]
    pub replicates: u32,
    #[command(flatten)]
    pub run: RunOptions,
    /// Shock file, or folder of shock files, applied on top of every scenario (repeatable).
    /// Each scenario runs as is and once per shock file, as `<scenario>+<shock>`, paired by
    /// common random numbers; a stress table is printed and written (stress.csv).
    #[arg(long = "shock", value_name = "FILE_OR_DIR")]
    pub shocks: Vec<PathBuf>,
}

/// Replicates of a comparison: a fixed number, or `auto` (add batches until precise enough).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replicates {
    Fixed(u32),
    Auto,
}

impl std::str::FromStr for Replicates {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Replicates::Auto);
        }
        match s.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Replicates::Fixed(n)),
            _ => Err(format!("expected a number of replicates (at least 1) or `auto`, found `{s}`")),
        }
    }
}

fn parse_tolerance(s: &str) -> Result<(String, Tolerance), String> {
    let (metric, value) =
        s.split_once('=').ok_or_else(|| format!("expected METRIC=TOLERANCE (e.g. unmet_need_share=0.005 or cost_per_delivered_hour_gbp=1%), found `{s}`"))?;
    let metric = metric.trim();
    if compare::headline(metric).is_none() {
        return Err(format!(
            "`{metric}` is not a headline outcome; tolerances apply to: {}",
            compare::HEADLINES.iter().map(|h| h.metric).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok((metric.to_string(), Tolerance::parse(value)?))
}

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// Scenario files, or folders whose *.toml files are all compared.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// The scenario the others are compared with (default: `status-quo` if present, else the first).
    #[arg(long, short = 'b')]
    pub baseline: Option<String>,
    /// Replicates per scenario (paired by common random numbers), or `auto`: add batches of
    /// --batch replicates until every headline difference is within its tolerance, or
    /// --max-replicates.
    #[arg(long, short = 'r', default_value = "8")]
    pub replicates: Replicates,
    /// Replicates per batch with `--replicates auto` (also the first batch).
    #[arg(long, default_value_t = 8)]
    pub batch: u32,
    /// Cap on replicates with `--replicates auto`.
    #[arg(long, default_value_t = 64)]
    pub max_replicates: u32,
    /// Override a headline outcome's precision target for `--replicates auto`: METRIC=ABS or
    /// METRIC=PCT% (relative to the baseline mean). Repeatable.
    #[arg(long = "tolerance", value_name = "METRIC=TOL", value_parser = parse_tolerance)]
    pub tolerances: Vec<(String, Tolerance)>,
    #[command(flatten)]
    pub run: RunOptions,
    /// Write the tables only (no charts, no report.html).
    #[arg(long)]
    pub no_report: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// An output folder written by `careshape compare` (or `run`).
    pub dir: PathBuf,
    /// Compare with this scenario instead of the one the comparison used.
    #[arg(long, short = 'b')]
    pub baseline: Option<String>,
    /// Print nothing.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct CalibrateArgs {
    /// The calibration file (base scenario, free parameters, targets, method).
    pub file: PathBuf,
    /// Output folder (default: output/calibration-<name>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// Override the design's number of points.
    #[arg(long)]
    pub points: Option<u32>,
    /// Override the replicates per point.
    #[arg(long)]
    pub replicates: Option<u32>,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// An error that is the user's input, not the program's fault (exit code 2).
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for InputError {}

impl From<ScenarioError> for InputError {
    fn from(e: ScenarioError) -> Self {
        InputError(e.to_string())
    }
}

pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(&args).map(|_| ()),
        Command::Compare(args) => compare(&args).map(|_| ()),
        Command::Report(args) => report(&args).map(|_| ()),
        Command::Calibrate(args) => calibrate(&args).map(|_| ()),
        Command::Validate { files } => validate(&files),
        Command::Scenarios { dir } => list_scenarios(&dir),
        Command::Metrics => {
            print!("{}", crate::analysis::metrics_markdown());
            Ok(())
        }
        Command::Explain { file, baseline, differences_only } => {
            explain(&file, baseline.as_deref(), differences_only)
        }
    }
}

/// `careshape scenarios`: every scenario file under a folder, grouped by folder.
fn list_scenarios(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(InputError(format!("{}: not a folder of scenarios", dir.display())).into());
    }
    let mut folders = vec![dir.to_path_buf()];
    let mut listed = 0;
    while let Some(folder) = folders.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read {}", folder.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        let files: Vec<&PathBuf> =
            entries.iter().filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml")).collect();
        if !files.is_empty() {
            println!("{}/", folder.display());
        }
        for f in files {
            match load_scenario(f) {
                Ok(s) => {
                    listed += 1;
                    println!("  {:<26} {}", s.name, s.description);
                }
                Err(e) => println!(
                    "  {:<26} (does not load: {e})",
                    f.file_name().unwrap_or_default().to_string_lossy()
                ),
            }
        }
        // Sub-folders after, in reverse so that popping visits them in name order.
        for sub in entries.iter().rev().filter(|p| p.is_dir() && !p.ends_with("calibration")) {
            folders.push(sub.clone());
        }
    }
    if listed == 0 {
        return Err(InputError(format!("{}: no scenario files found", dir.display())).into());
    }
    Ok(())
}

/// `careshape explain`: the resolved parameters of a scenario and its differences from a baseline.
fn explain(file: &Path, baseline: Option<&Path>, differences_only: bool) -> Result<()> {
    let s = load_scenario(file).map_err(InputError::from)?;
    let beside = file.parent().map(|d| d.join("status-quo.toml"));
    let shipped = Path::new("scenarios/camden/status-quo.toml");
    let (base, base_label) = match baseline {
        Some(b) => (load_scenario(b).map_err(InputError::from)?, b.display().to_string()),
        None => {
            match beside.filter(|b| b.is_file()).or_else(|| shipped.is_file().then(|| shipped.to_path_buf()))
            {
                Some(b) => (load_scenario(&b).map_err(InputError::from)?, b.display().to_string()),
                None => (Scenario::default(), "the built-in defaults".to_string()),
            }
        }
    };
    println!("# {}: {}", s.name, s.description);
    if let Some(e) = &s.extends {
        println!("# extends {e}");
    }
    if !differences_only {
        println!("\n## Resolved parameters\n");
        println!("{}", toml::to_string(&s).context("cannot print the scenario as TOML")?);
    }
    let diffs = crate::scenario::diff::differences(&base, &s);
    println!("## Differences from {base_label} ({} parameter(s))\n", diffs.len());
    let width = diffs.iter().map(|d| d.key.len()).max().unwrap_or(0);
    for d in &diffs {
        println!("  {:<width$}  {} -> {}", d.key, d.baseline, d.scenario);
    }
    Ok(())
}

/// Loads every scenario named by paths (files or folders), reporting all bad files at once.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Scenario)>, InputError> {
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
        return Err(InputError(errors.join("\n")));
    }
    let mut names: Vec<&str> = ok.iter().map(|(_, s)| s.name.as_str()).collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(InputError(format!(
            "two scenarios share the name `{}`: names must be unique in a run",
            w[0]
        )));
    }
    Ok(ok)
}

fn validate(files: &[PathBuf]) -> Result<()> {
    let loaded = load_all(files)?;
    for (f, s) in &loaded {
        println!("ok  {}  ({}: {})", f.display(), s.name, s.description);
    }
    Ok(())
}

/// The default output folder: output/<scenario name> for one file, output/<folder> for a folder.
fn default_out(paths: &[PathBuf], scenarios: &[(PathBuf, Scenario)]) -> PathBuf {
    let name = match (paths, scenarios) {
        ([p], _) if p.is_dir() => p.file_name().map(|n| n.to_string_lossy().into_owned()),
        (_, [(_, s)]) => Some(s.name.clone()),
        _ => None,
    };
    Path::new("output").join(name.unwrap_or_else(|| "run".into()))
}

/// `careshape run`: simulate, write tables and manifest, print headline outcomes.
pub fn run(args: &RunArgs) -> Result<Vec<ReplicateResult>> {
    if args.replicates == 0 {
        return Err(InputError("--replicates must be at least 1".into()).into());
    }
    let policies = load_for_run(&args.scenarios, args.run.weeks)?;
    let out = args.run.out.clone().unwrap_or_else(|| default_out(&args.scenarios, &policies));
    // Stress composition: every policy, then itself with each shock file's shocks.
    let (loaded, matrix) = compose_shocks(&policies, &args.shocks)?;
    let (pool, threads) = thread_pool(args.run.threads)?;
    let scenarios: Vec<Scenario> = loaded.iter().map(|r| r.scenario.clone()).collect();
    let total = scenarios.len() * args.replicates as usize;
    let started = Instant::now();
    let progress = Progress::new(total, args.run.quiet);
    let results = pool.install(|| run_batch(&scenarios, args.run.seed, args.replicates, &|| progress.tick()));
    progress.finish();
    let wall = started.elapsed().as_secs_f64();

    tables::write_tables(&out, &results, &patch_names(&policies))?;
    let stress = crate::analysis::stress::stress_table(&results, &matrix);
    if !args.shocks.is_empty() {
        tables::write_frame(&out, "stress", &mut tables::stress_frame(&stress)?)?;
    }
    let m = run_manifest(&loaded, args.run.seed, args.replicates, None, threads, wall)?;
    manifest::write_manifest(&out, &m)?;
    if !args.run.quiet {
        print_headlines(&scenarios, &results, args.replicates);
        if !stress.is_empty() {
            print_stress(&stress, args.replicates);
        }
        println!(
            "\n{} scenario(s) × {} replicate(s) in {:.1} s on {} thread(s); tables in {}",
            scenarios.len(),
            args.replicates,
            wall,
            threads,
            out.display()
        );
    }
    Ok(results)
}

/// Loads the scenarios of a run, applies `--weeks`, and checks that they share their run
/// length and burn-in.
fn load_for_run(paths: &[PathBuf], weeks: Option<u32>) -> Result<Vec<(PathBuf, Scenario)>> {
    let mut loaded = load_all(paths)?;
    if loaded.is_empty() {
        return Err(InputError(format!(
            "no scenario files (*.toml) in {}",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
        .into());
    }
    if let Some(w) = weeks {
        if w == 0 {
            return Err(InputError("--weeks must be at least 1".into()).into());
        }
        for (_, s) in loaded.iter_mut() {
            s.run.weeks = w;
        }
    }
    // Scenarios compared in one run share their run length and burn-in, or their weeks
    // would not line up (and burn-in would not be common).
    let (weeks, burn_in) = (loaded[0].1.run.weeks, loaded[0].1.run.burn_in_weeks);
    if let Some((f, s)) = loaded.iter().find(|(_, s)| s.run.weeks != weeks || s.run.burn_in_weeks != burn_in)
    {
        return Err(InputError(format!(
            "{}: run.weeks = {} and run.burn_in_weeks = {} differ from {}'s {} and {}: scenarios in one run must share them (or pass --weeks)",
            f.display(),
            s.run.weeks,
            s.run.burn_in_weeks,
            loaded[0].0.display(),
            weeks,
            burn_in
        ))
        .into());
    }
    Ok(loaded)
}

/// The patches' names (scenarios in one run share the number of patches; names from the first).
fn patch_names(loaded: &[(PathBuf, Scenario)]) -> Vec<String> {
    loaded[0].1.geography.patches.iter().map(|p| p.name.clone()).collect()
}

/// One scenario of a run: its policy file, the shock file applied to it (if any), and the
/// resolved scenario.
struct RunScenario {
    file: PathBuf,
    shock_file: Option<PathBuf>,
    scenario: Scenario,
}

/// The scenarios of a run without shocks.
fn plain(loaded: &[(PathBuf, Scenario)]) -> Vec<RunScenario> {
    loaded
        .iter()
        .map(|(f, s)| RunScenario { file: f.clone(), shock_file: None, scenario: s.clone() })
        .collect()
}

/// Stress composition (`--shock`): every policy as it is, then each policy with each shock
/// file's shocks, named `<policy>+<shock>`. Returns the scenarios and the (scenario, policy,
/// shock) matrix the stress table pairs by.
#[allow(clippy::type_complexity)]
fn compose_shocks(
    policies: &[(PathBuf, Scenario)],
    shocks: &[PathBuf],
) -> Result<(Vec<RunScenario>, Vec<(String, String, Option<String>)>)> {
    let shock_files = if shocks.is_empty() {
        Vec::new()
    } else {
        crate::scenario::load_shock_files(shocks).map_err(|errors| {
            InputError(errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
        })?
    };
    let scenarios: Vec<Scenario> = policies.iter().map(|(_, s)| s.clone()).collect();
    let shock_list: Vec<crate::scenario::ShockFile> = shock_files.iter().map(|(_, s)| s.clone()).collect();
    let composed = crate::scenario::compose(&scenarios, &shock_list).map_err(InputError)?;
    let mut seen: Vec<&str> = composed.iter().map(|c| c.scenario.name.as_str()).collect();
    seen.sort();
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        return Err(InputError(format!(
            "two scenarios share the name `{}`: names must be unique in a run (shock files too)",
            w[0]
        ))
        .into());
    }
    let matrix =
        composed.iter().map(|c| (c.scenario.name.clone(), c.policy.clone(), c.shock.clone())).collect();
    let runs = composed
        .into_iter()
        .map(|c| RunScenario {
            file: policies
                .iter()
                .find(|(_, s)| s.name == c.policy)
                .map(|(f, _)| f.clone())
                .unwrap_or_default(),
            shock_file: c
                .shock
                .as_ref()
                .and_then(|n| shock_files.iter().find(|(_, s)| &s.name == n))
                .map(|(f, _)| f.clone()),
            scenario: c.scenario,
        })
        .collect();
    Ok((runs, matrix))
}

/// The manifest of a run or comparison.
fn run_manifest(
    runs: &[RunScenario],
    seed: u64,
    replicates: u32,
    comparison: Option<manifest::ComparisonInfo>,
    threads: usize,
    wall: f64,
) -> Result<manifest::Manifest> {
    let entries = runs
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
    Ok(manifest::Manifest {
        careshape_version: env!("CARGO_PKG_VERSION"),
        git_commit: manifest::Manifest::git_commit(),
        master_seed: seed,
        replicates,
        weeks: runs[0].scenario.run.weeks,
        burn_in_weeks: runs[0].scenario.run.burn_in_weeks,
        scenarios: entries,
        comparison,
        execution: manifest::Execution { threads, wall_time_seconds: wall },
    })
}

/// `careshape compare`: run every scenario on the same replicate seeds, write the run's tables,
/// then the comparison tables, charts and report.html; print the headline comparison.
pub fn compare(args: &CompareArgs) -> Result<crate::report::Built> {
    let loaded = load_for_run(&args.scenarios, args.run.weeks)?;
    let names: Vec<&str> = loaded.iter().map(|(_, s)| s.name.as_str()).collect();
    let b = compare::choose_baseline(&names, args.baseline.as_deref()).map_err(InputError)?;
    let baseline = names[b].to_string();
    if args.replicates == Replicates::Auto {
        if args.batch < 2 {
            return Err(InputError("--batch must be at least 2 (a CI needs two replicates)".into()).into());
        }
        if args.max_replicates < args.batch {
            return Err(InputError("--max-replicates must be at least --batch".into()).into());
        }
    }
    let out = args.run.out.clone().unwrap_or_else(|| default_out(&args.scenarios, &loaded));
    let (pool, threads) = thread_pool(args.run.threads)?;
    let scenarios: Vec<Scenario> = loaded.iter().map(|(_, s)| s.clone()).collect();
    let started = Instant::now();
    let (results, auto) = match args.replicates {
        Replicates::Fixed(n) => {
            let progress = Progress::new(scenarios.len() * n as usize, args.run.quiet);
            let r = pool.install(|| run_batch(&scenarios, args.run.seed, n, &|| progress.tick()));
            progress.finish();
            (r, None)
        }
        Replicates::Auto => {
            let (r, a) = pool.install(|| auto_replicates(&scenarios, b, args));
            (r, Some(a))
        }
    };
    let replicates = results.len() as u32 / scenarios.len() as u32;
    let wall = started.elapsed().as_secs_f64();
    tables::write_tables(&out, &results, &patch_names(&loaded))?;
    let info = manifest::ComparisonInfo {
        baseline: baseline.clone(),
        replicates_mode: if auto.is_some() { "auto" } else { "fixed" }.into(),
        auto: auto.clone(),
    };
    let m = run_manifest(&plain(&loaded), args.run.seed, replicates, Some(info), threads, wall)?;
    manifest::write_manifest(&out, &m)?;
    let built = crate::report::build(&out, &baseline, !args.no_report)?;
    if !args.run.quiet {
        print_comparison(&built.rows, &baseline, replicates);
        if let Some(a) = &auto {
            print_precision(a, replicates);
        }
        println!(
            "\n{} scenario(s) × {replicates} paired replicate(s) in {:.1} s on {threads} thread(s).",
            scenarios.len(),
            wall,
        );
        println!("Tables in {}", out.display());
        if !args.no_report {
            println!(
                "Charts in {}; open {} in a browser (it works offline).",
                out.join("charts").display(),
                out.join("report.html").display()
            );
        }
    }
    Ok(built)
}

/// `--replicates auto`: runs batches of replicates until every headline outcome's paired
/// difference is within tolerance, or the cap. Results come back in (scenario, replicate)
/// order, the same as a fixed run of as many replicates.
fn auto_replicates(
    scenarios: &[Scenario],
    baseline: usize,
    args: &CompareArgs,
) -> (Vec<ReplicateResult>, manifest::AutoReplicates) {
    let mut results: Vec<ReplicateResult> = Vec::new();
    let mut summaries: Vec<Vec<f64>> = Vec::new();
    let mut done = 0u32;
    loop {
        let n = args.batch.min(args.max_replicates - done);
        let progress = Progress::new(scenarios.len() * n as usize, args.run.quiet);
        let batch = run_batch_range(scenarios, args.run.seed, done..done + n, &|| progress.tick());
        progress.finish();
        summaries.extend(batch.iter().map(summarise));
        results.extend(batch);
        done += n;
        let names: Vec<String> = summary_names().iter().map(|s| s.to_string()).collect();
        let samples = Samples::from_rows(
            names,
            results.iter().zip(&summaries).map(|(r, s)| (r.scenario.as_str(), r.replicate, s.as_slice())),
        )
        .expect("every scenario ran the same replicates");
        let precision = compare::precision(&samples, baseline, &args.tolerances);
        let reached = precision.iter().all(|p| p.reached);
        if !args.run.quiet {
            let missing: Vec<String> = precision
                .iter()
                .filter(|p| !p.reached)
                .map(|p| format!("{} ±{} > {}", p.metric, sig(p.widest_half_width), sig(p.tolerance_abs)))
                .collect();
            if missing.is_empty() {
                eprintln!("auto: {done} replicates: every headline difference within tolerance");
            } else {
                eprintln!("auto: {done} replicates: not yet precise: {}", missing.join(", "));
            }
        }
        if reached || done >= args.max_replicates {
            let mut order: Vec<usize> = (0..results.len()).collect();
            let pos = |name: &str| scenarios.iter().position(|s| s.name == name).unwrap_or(usize::MAX);
            order.sort_by_key(|&i| (pos(&results[i].scenario), results[i].replicate));
            let mut slots: Vec<Option<ReplicateResult>> = results.into_iter().map(Some).collect();
            let sorted = order.iter().map(|&i| slots[i].take().expect("each once")).collect();
            let info = manifest::AutoReplicates {
                batch: args.batch,
                max_replicates: args.max_replicates,
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
            return (sorted, info);
        }
    }
}

fn sig(x: f64) -> String {
    crate::output::comparison::sig(x, 2)
}

/// `careshape report`: rebuild comparison tables, charts and report.html from saved tables.
pub fn report(args: &ReportArgs) -> Result<crate::report::Built> {
    let dir = &args.dir;
    if !dir.is_dir() {
        return Err(InputError(format!("{}: no such folder", dir.display())).into());
    }
    for f in ["summary.parquet", "weekly.parquet", "manifest.json"] {
        if !dir.join(f).is_file() {
            return Err(InputError(format!(
                "{}: no {f}; is this a folder written by `careshape compare` or `careshape run`?",
                dir.display()
            ))
            .into());
        }
    }
    let run = crate::report::RunInfo::read(dir)?;
    let names: Vec<&str> = run.scenarios.iter().map(|s| s.name.as_str()).collect();
    let requested = args.baseline.as_deref().or(run.comparison.as_ref().map(|c| c.baseline.as_str()));
    let b = compare::choose_baseline(&names, requested).map_err(InputError)?;
    let built = crate::report::build(dir, names[b], true)?;
    if !args.quiet {
        print_comparison(&built.rows, names[b], run.replicates);
        println!("\nRebuilt comparison tables, charts and {}", dir.join("report.html").display());
    }
    Ok(built)
}

/// The headline comparison for the terminal: one block per headline outcome.
fn print_comparison(rows: &[ComparisonRow], baseline: &str, replicates: u32) {
    use crate::output::comparison::{display, fmt_difference, fmt_estimate};
    println!(
        "\nHeadline outcomes after burn-in: mean (95% CI) over {replicates} paired replicate(s); Δ = paired \
         difference to {baseline} (95% CI); * = clear of zero after Holm's adjustment"
    );
    let width = rows.iter().map(|r| r.scenario.len()).max().unwrap_or(8).max(8) + 2;
    let label_width = rows
        .iter()
        .filter(|r| r.family == compare::Family::Headline)
        .map(|r| display(&r.outcome).1.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    let width = width.max(label_width.saturating_sub(2));
    let mut seen: Vec<&str> = Vec::new();
    for r in rows.iter().filter(|r| r.family == compare::Family::Headline) {
        if seen.contains(&r.outcome.as_str()) {
            continue;
        }
        seen.push(&r.outcome);
        let (scale, label) = display(&r.outcome);
        println!("\n{label:<w$}{:>26}   Δ vs {baseline}", "mean (95% CI)", w = width + 2);
        for x in rows.iter().filter(|x| x.outcome == r.outcome) {
            let e = &x.estimate;
            let mean = fmt_estimate(e.mean, e.low(), e.high(), scale);
            let diff = match x.difference {
                None => String::new(),
                Some(d) => format!(
                    "{}{}",
                    fmt_difference(d.mean, d.low(), d.high(), scale),
                    if x.clear_of_zero == Some(true) { " *" } else { "" }
                ),
            };
            println!("  {:<width$}{mean:>26}   {diff}", x.scenario);
        }
    }
}

fn print_precision(a: &manifest::AutoReplicates, replicates: u32) {
    println!(
        "\n--replicates auto stopped at {replicates} replicates ({}). Widest 95% CI half-width of the paired differences:",
        if a.reached {
            "every headline outcome within tolerance"
        } else {
            "the cap; not every outcome reached its tolerance"
        }
    );
    for p in &a.precision {
        println!(
            "  {:<32} ±{:<10} tolerance {} (= {}) {}",
            p.metric,
            sig(p.widest_half_width),
            p.tolerance,
            sig(p.tolerance_abs),
            if p.reached { "ok" } else { "NOT reached" }
        );
    }
}

/// A rayon pool of the requested size (default: all cores).
fn thread_pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize)> {
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 {
        return Err(InputError("--threads must be at least 1".into()).into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    Ok((pool, threads))
}

/// `careshape calibrate`: ABC fit of the free parameters; writes points, accepted set, best
/// scenario and a summary.
pub fn calibrate(args: &CalibrateArgs) -> Result<crate::calibration::CalibrationResult> {
    let mut cal = crate::calibration::load_calibration(&args.file).map_err(InputError::from)?;
    if let Some(p) = args.points {
        if p < 2 {
            return Err(InputError("--points must be at least 2".into()).into());
        }
        cal.config.method.points = p;
    }
    if let Some(r) = args.replicates {
        if r == 0 {
            return Err(InputError("--replicates must be at least 1".into()).into());
        }
        cal.config.method.replicates = r;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("calibration-{}", cal.config.name)));
    let (pool, threads) = thread_pool(args.threads)?;
    let started = Instant::now();
    let progress = Progress::new(crate::calibration::total_runs(&cal), args.quiet);
    let result = pool.install(|| crate::calibration::calibrate(&cal, &|| progress.tick()));
    progress.finish();
    let wall = started.elapsed().as_secs_f64();
    crate::output::calibration::write_calibration(&out, &cal, &result, wall)?;
    let m = manifest::Manifest {
        careshape_version: env!("CARGO_PKG_VERSION"),
        git_commit: manifest::Manifest::git_commit(),
        master_seed: cal.config.method.seed,
        replicates: cal.config.method.replicates,
        weeks: cal.base.run.weeks,
        burn_in_weeks: cal.base.run.burn_in_weeks,
        scenarios: vec![manifest::ScenarioEntry {
            name: result.best_scenario.name.clone(),
            file: Some(args.file.clone()),
            file_sha256: Some(manifest::file_sha256(&args.file)?),
            shock_file: None,
            shock_file_sha256: None,
            parameters: result.best_scenario.clone(),
        }],
        comparison: None,
        execution: manifest::Execution { threads, wall_time_seconds: wall },
    };
    manifest::write_manifest(&out, &m)?;
    if !args.quiet {
        println!("{}", crate::output::calibration::summary_markdown(&cal, &result, wall));
        println!("Calibration written to {}", out.display());
    }
    Ok(result)
}

/// Headline outcomes shown at the end of a run: (summary metric, label, scale, format).
const HEADLINES: &[(&str, &str, f64)] = &[
    ("unmet_need_share", "unmet need %", 100.0),
    ("clients_waiting", "waiting", 1.0),
    ("turnover_annual", "turnover %/y", 100.0),
    ("vacancy_rate", "vacancy %", 100.0),
    ("zero_hours_share", "zero-hours %", 100.0),
    ("effective_wage_gbp_per_hour", "eff. wage £/h", 1.0),
    ("travel_share", "travel %", 100.0),
    ("closure_rate_annual", "closures %/y", 100.0),
    ("cost_per_delivered_hour_gbp", "cost £/h", 1.0),
];

fn print_headlines(scenarios: &[Scenario], results: &[ReplicateResult], replicates: u32) {
    println!("\nHeadline outcomes after burn-in (mean ± 95% CI over {replicates} replicate(s)):");
    let width = scenarios.iter().map(|s| s.name.chars().count() + 2).max().unwrap_or(0).max(24);
    print!("{:<width$}", "scenario");
    for (_, label, _) in HEADLINES {
        print!("{label:>17}");
    }
    println!();
    for s in scenarios {
        let sums: Vec<Vec<f64>> = results.iter().filter(|r| r.scenario == s.name).map(summarise).collect();
        print!("{:<width$}", s.name);
        for (metric, _, scale) in HEADLINES {
            let m = moments(&column(&sums, metric));
            let hw = m.ci_half_width(0.95);
            let cell = if hw.is_finite() {
                format!("{:.1} ± {:.1}", m.mean * scale, hw * scale)
            } else {
                format!("{:.1}", m.mean * scale)
            };
            print!("{cell:>17}");
        }
        println!();
    }
}

/// The stress table for people: per policy × shock, peak unmet need and waiting in the year
/// after the shock and the weeks they took to recover (mean ± 95% CI), then the emergency
/// premium, handbacks and exits of that year as differences from the unshocked policy.
fn print_stress(cells: &[crate::analysis::stress::StressCell], replicates: u32) {
    println!(
        "\nStress outcomes in the year after each shock (mean ± 95% CI over {replicates} replicate(s); Δ = paired difference from the same policy without the shock, same weeks):"
    );
    let cols: &[(&str, &str, f64, usize)] = &[
        ("peak_unmet_need_share_after_shock", "peak unmet %", 100.0, 1),
        ("weeks_to_recover_unmet_need", "recover unmet wk", 1.0, 1),
        ("peak_waiting_after_shock", "peak waiting", 1.0, 0),
        ("weeks_to_recover_waiting", "recover wait wk", 1.0, 1),
        ("emergency_premium_gbp_year_after_shock", "Δ emergency £k", 0.001, 0),
        ("handbacks_year_after_shock", "Δ handbacks", 1.0, 1),
        ("exits_year_after_shock", "Δ exits", 1.0, 2),
    ];
    print!("{:<22}{:<22}", "policy", "shock");
    for (_, label, _, _) in cols {
        print!("{label:>19}");
    }
    println!();
    let mut keys: Vec<(&str, &str)> = cells.iter().map(|c| (c.policy.as_str(), c.shock.as_str())).collect();
    keys.dedup();
    for (policy, shock) in keys {
        print!("{policy:<22}{shock:<22}");
        for &(metric, label, scale, digits) in cols {
            let Some(c) = cells.iter().find(|c| c.policy == policy && c.shock == shock && c.metric == metric)
            else {
                print!("{:>19}", "");
                continue;
            };
            let (v, hw) =
                if label.starts_with('Δ') { (c.difference, c.difference_ci95) } else { (c.mean, c.ci95) };
            let cell = if hw.is_finite() {
                format!("{:.*} ± {:.*}", digits, v * scale, digits, hw * scale)
            } else {
                format!("{:.*}", digits, v * scale)
            };
            print!("{cell:>19}");
        }
        println!();
    }
}

/// A progress bar on a terminal, shown once the work has taken more than a second; plain lines
/// at each tenth otherwise (CI, logs).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    shown: std::sync::atomic::AtomicBool,
    started: Instant,
    done: AtomicUsize,
    total: usize,
    quiet: bool,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::hidden(),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} runs, eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b
        });
        Self {
            bar,
            shown: std::sync::atomic::AtomicBool::new(false),
            started: Instant::now(),
            done: AtomicUsize::new(0),
            total,
            quiet,
        }
    }
    fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(b) = &self.bar {
            if self.started.elapsed().as_secs_f64() > 1.0 && !self.shown.swap(true, Ordering::Relaxed) {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            b.inc(1);
        } else if !self.quiet
            && (done * 10 / self.total != (done - 1) * 10 / self.total || done == self.total)
        {
            eprintln!("progress: {done}/{} runs", self.total);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
