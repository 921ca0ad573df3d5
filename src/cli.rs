//! The command-line face of careshape: argument definitions (clap) and the commands, which
//! call the library and print for people. It is part of the binary, not the library; `main.rs`
//! only maps the outcome to an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

/// `println!` that returns an error instead of panicking when stdout is closed (`| head`):
/// `main` ends quietly on a broken pipe, as ripgrep does.
macro_rules! outln {
    () => {
        std::io::Write::write_all(&mut std::io::stdout(), b"\n")?
    };
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout(), format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// `print!` that returns an error instead of panicking when stdout is closed.
macro_rules! out {
    ($($arg:tt)*) => {
        std::io::Write::write_fmt(&mut std::io::stdout(), format_args!($($arg)*))?
    };
}
use clap::{Args, Parser, Subcommand};

use careshape::analysis::ReplicateSummary;
use careshape::analysis::budget::SpendRecord;
use careshape::analysis::compare::{self, ComparisonRow, Samples, Tolerance};
use careshape::output::tables::{Spill, TableSink, TableWriter};
use careshape::output::{manifest, tables};
use careshape::scenario::{Scenario, load_scenario};
use careshape::shard::Shard;
use careshape::study::{StoppingRule, Study, run_until_precise};
use careshape::{Error, ReplicateResult, report as report_page};

#[derive(Parser, Debug)]
#[command(name = "careshape", version, about = "Simulate a local homecare market under commissioning rules")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run scenarios × replicates and write the weekly, summary, providers, patches and
    /// provider_years tables.
    Run(RunArgs),
    /// Compare scenarios with a baseline on paired replicates: tables, charts and report.html.
    Compare(CompareArgs),
    /// Rebuild the tables, charts and report.html of a saved `compare` output or sweep folder.
    Report(ReportArgs),
    /// Fit a scenario's free parameters to target outcomes (approximate Bayesian computation).
    Calibrate(CalibrateArgs),
    /// Repeat a policy comparison over a design of uncertain parameters and measure which
    /// drive each outcome and paired difference (Morris, Sobol; docs/SENSITIVITY.md).
    Sweep(SweepArgs),
    /// Merge the folders of a sharded `sweep` or `compare` (`--shard I/N`) into one, checking
    /// that every unit is there exactly once and the manifests agree, and write the analysis
    /// as a single run would (docs/SCALING.md).
    Merge(MergeArgs),
    /// Split a design's paired difference from a baseline into the contributions of the levers
    /// it changes (Shapley values over lever subsets; docs/SENSITIVITY.md).
    Decompose(DecomposeArgs),
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
        /// Folder to list, searched recursively (calibration and sweep files are skipped).
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
    /// Price an hour of care part by part with the cost model (docs/ODD.md §7.24): pay, holiday
    /// and sick pay, employer NI and pension at a year's statutory rates, mileage, business costs
    /// and margin.
    HourCost {
        /// Scenario whose `[cost_model]`, wage floors and calendar to use (default:
        /// scenarios/camden/status-quo.toml if present, else the built-in defaults).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Year whose April statutory rates and prices apply.
        #[arg(long, default_value_t = 2026)]
        year: i32,
        /// Hourly wage in £ (default: that year's London Living Wage in the scenario).
        #[arg(long)]
        wage: Option<f64>,
        /// Paid travel time, minutes per contact hour (default: the cost model's).
        #[arg(long)]
        travel_minutes: Option<f64>,
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
    /// Worker threads (default: all cores; at most 4 × the cores). Results do not depend on it.
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// Output folder (default: output/<scenario or folder name>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Mission-score weights, overriding the scenarios' [mission] table, e.g.
    /// `unmet_need=0.5,co2=0` (keys: unmet_need, turnover, local_spend, estate_employment, co2,
    /// continuity, public_cost; only ratios matter).
    #[arg(long, value_name = "KEY=WEIGHT,...")]
    pub mission_weights: Option<String>,
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

fn parse_tolerance(s: &str) -> std::result::Result<(String, Tolerance), String> {
    let (metric, value) =
        s.split_once('=').ok_or_else(|| format!("expected METRIC=TOLERANCE (e.g. unmet_need_share=0.005 or cost_per_delivered_hour_gbp=1%), found `{s}`"))?;
    let metric = metric.trim();
    if compare::headline(metric).is_none() {
        return Err(format!(
            "`{metric}` is not a headline outcome; tolerances apply to: {}",
            compare::HEADLINES.iter().map(|h| h.metric).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok((metric.to_string(), Tolerance::parse(value).map_err(|e| e.to_string())?))
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
    /// Also compare every design on the baseline's money: its spend becomes a binding budget
    /// from the reform date (rationed by each scenario's `council.rationing`), in `same-budget/`
    /// beside the unconstrained comparison; the report shows both (docs/COMPARISON.md).
    #[arg(long)]
    pub same_budget: bool,
    /// A calibration's accepted set (calibration_accepted.parquet or .csv): each replicate
    /// runs one of --draws parameter draws from it, shared by every scenario of the replicate,
    /// and the output splits each difference's variance into parameter and Monte Carlo parts
    /// and gives rank probabilities (docs/COMPARISON.md, "Parameter uncertainty").
    #[arg(long, requires = "draws")]
    pub posterior: Option<PathBuf>,
    /// Parameter draws with --posterior: replicate r runs draw r mod K; --replicates must be a
    /// multiple of K, at least 2 per draw.
    #[arg(long, requires = "posterior")]
    pub draws: Option<u32>,
    /// Run only shard I of N (the replicates r with r mod N = I, every scenario), for a job
    /// array: needs a fixed --replicates and its own --out; `careshape merge` puts the shards
    /// together and writes the comparison (docs/SCALING.md).
    #[arg(long, value_name = "I/N", conflicts_with = "same_budget")]
    pub shard: Option<Shard>,
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// An output folder written by `careshape compare` (or `run`), or a finished sweep folder
    /// (`careshape sweep`: its sensitivity tables, charts and page are rebuilt).
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
    /// Worker threads (default: all cores; at most 4 × the cores). Results do not depend on it.
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

#[derive(Args, Debug, Clone)]
pub struct SweepArgs {
    /// The sweep file (see scenarios/sweeps/).
    pub file: PathBuf,
    /// Output folder (default: output/sweep-<name>). A rerun into the same folder skips the
    /// points already finished.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// Run only shard I of N (the points p with p mod N = I), for a job array, into its own
    /// folder (default: output/sweep-<name>/shards/<I>-of-<N>); `careshape merge` puts the
    /// shards together (docs/SCALING.md).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct MergeArgs {
    /// The shard folders (of one sweep, or of one comparison).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// The merged folder.
    #[arg(long, short = 'o', required = true)]
    pub out: PathBuf,
    /// No summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DecomposeArgs {
    /// The design's scenario file.
    pub scenario: PathBuf,
    /// The baseline scenario file (default: status-quo.toml beside the design).
    #[arg(long, short = 'b')]
    pub baseline: Option<PathBuf>,
    /// Replicates of every lever subset (paired: the same seeds for each).
    #[arg(long, short = 'r', default_value_t = 10)]
    pub replicates: u32,
    /// Master seed.
    #[arg(long, short = 's', default_value_t = 1)]
    pub seed: u64,
    /// Weeks after burn-in (default: the scenarios' own).
    #[arg(long, short = 'w')]
    pub weeks: Option<u32>,
    /// Summary metrics to decompose, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "unmet_need_share,turnover_annual,vacancy_rate,cost_per_delivered_hour_gbp,council_spend_gbp_per_year,mission_score"
    )]
    pub outcomes: Vec<String>,
    /// Output folder (default: output/decompose-<design>).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Compare(args) => compare(&args),
        Command::Report(args) => report(&args),
        Command::Calibrate(args) => calibrate(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Decompose(args) => decompose(&args),
        Command::Merge(args) => merge(&args),
        Command::Validate { files } => validate(&files),
        Command::Scenarios { dir } => list_scenarios(&dir),
        Command::Metrics => {
            out!("{}", careshape::analysis::metrics_markdown());
            Ok(())
        }
        Command::HourCost { scenario, year, wage, travel_minutes } => {
            hour_cost(scenario.as_deref(), year, wage, travel_minutes)
        }
        Command::Explain { file, baseline, differences_only } => {
            explain(&file, baseline.as_deref(), differences_only)
        }
    }
}

/// `careshape scenarios`: every scenario file under a folder, grouped by folder.
fn list_scenarios(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::Input(format!("{}: not a folder of scenarios", dir.display())).into());
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
            outln!("{}/", folder.display());
        }
        for f in files {
            match load_scenario(f) {
                Ok(s) => {
                    listed += 1;
                    outln!("  {:<26} {}", s.name, s.description);
                }
                Err(e) => outln!(
                    "  {:<26} (does not load: {e})",
                    f.file_name().unwrap_or_default().to_string_lossy()
                ),
            }
        }
        // Sub-folders after, in reverse so that popping visits them in name order.
        // Calibration and sweep files are not scenarios.
        for sub in entries
            .iter()
            .rev()
            .filter(|p| p.is_dir() && !p.ends_with("calibration") && !p.ends_with("sweeps"))
        {
            folders.push(sub.clone());
        }
    }
    if listed == 0 {
        return Err(Error::Input(format!("{}: no scenario files found", dir.display())).into());
    }
    Ok(())
}

/// `careshape explain`: the resolved parameters of a scenario and its differences from a baseline.
fn explain(file: &Path, baseline: Option<&Path>, differences_only: bool) -> Result<()> {
    let s = load_scenario(file).map_err(Error::from)?;
    let beside = file.parent().map(|d| d.join("status-quo.toml"));
    let shipped = Path::new("scenarios/camden/status-quo.toml");
    let (base, base_label) = match baseline {
        Some(b) => (load_scenario(b).map_err(Error::from)?, b.display().to_string()),
        None => {
            match beside.filter(|b| b.is_file()).or_else(|| shipped.is_file().then(|| shipped.to_path_buf()))
            {
                Some(b) => (load_scenario(&b).map_err(Error::from)?, b.display().to_string()),
                None => (Scenario::default(), "the built-in defaults".to_string()),
            }
        }
    };
    outln!("# {}: {}", s.name, s.description);
    if let Some(e) = &s.extends {
        outln!("# extends {e}");
    }
    if !differences_only {
        outln!("\n## Resolved parameters\n");
        outln!("{}", toml::to_string(&s).context("cannot print the scenario as TOML")?);
    }
    let diffs = careshape::scenario::diff::differences(&base, &s);
    outln!("## Differences from {base_label} ({} parameter(s))\n", diffs.len());
    let width = diffs.iter().map(|d| d.key.len()).max().unwrap_or(0);
    for d in &diffs {
        outln!("  {:<width$}  {} -> {}", d.key, d.baseline, d.scenario);
    }
    Ok(())
}

/// `careshape hour-cost`: the cost model's price of an hour of care, part by part.
fn hour_cost(
    scenario: Option<&Path>,
    year: i32,
    wage: Option<f64>,
    travel_minutes: Option<f64>,
) -> Result<()> {
    use careshape::model::costs::{HourInputs, hour_cost};
    let shipped = Path::new("scenarios/camden/status-quo.toml");
    let s = match scenario {
        Some(f) => load_scenario(f).map_err(Error::from)?,
        None if shipped.is_file() => load_scenario(shipped).map_err(Error::from)?,
        None => Scenario::default(),
    };
    if !(1990..=2100).contains(&year) {
        return Err(Error::Input(format!("--year: expected a year from 1990 to 2100, found {year}")).into());
    }
    let floors = careshape::model::WageFloors::floors_in(&s.wage_floor, year);
    let wage = wage.unwrap_or(floors.1);
    if !(wage.is_finite() && wage > 0.0) {
        return Err(
            Error::Input(format!("--wage: expected a positive hourly wage in £, found {wage}")).into()
        );
    }
    let cm = &s.cost_model;
    // Non-wage costs are in prices of the first burn-in year, inflated each April since.
    let start =
        careshape::model::WageFloors::new(s.calendar, s.wage_floor.clone(), -(s.run.burn_in_weeks as i32));
    let first_year = start.floor_year(-(s.run.burn_in_weeks as i32));
    let cost_index = (1.0 + s.wage_floor.cost_inflation).powi(year - first_year);
    let mut x = HourInputs::standard(cm, wage, cost_index);
    if let Some(m) = travel_minutes {
        if !(m.is_finite() && (0.0..=120.0).contains(&m)) {
            return Err(
                Error::Input(format!("--travel-minutes: expected 0 to 120 minutes, found {m}")).into()
            );
        }
        x.travel_hours = m / 60.0;
    }
    let rates = cm.statutory_for(year);
    let c = hour_cost(cm, rates, &x);
    let total = c.total();
    outln!("# The cost of a contact hour of care, {year}/{:02} ({})", (year + 1) % 100, s.name);
    outln!(
        "wage £{wage:.2}; travel {:.1} min per contact hour; employer NI {:.2}% above £{:.0}; pension {:.0}% of £{:.0}-£{:.0}; SSP £{:.2} a week (rates of {})
",
        x.travel_hours * 60.0,
        rates.employer_ni_rate * 100.0,
        rates.ni_threshold_gbp,
        rates.pension_rate * 100.0,
        rates.pension_lower_gbp,
        rates.pension_upper_gbp,
        rates.ssp_gbp_per_week,
        rates.year
    );
    outln!("| Part | £ per contact hour | Share |\n|---|---:|---:|");
    for (part, v) in c.parts() {
        outln!("| {part} | {v:.2} | {:.1}% |", 100.0 * v / total);
    }
    outln!("| **total** | **{total:.2}** | 100% |");
    Ok(())
}

fn validate(files: &[PathBuf]) -> Result<()> {
    let loaded = careshape::study::load_all(files)?;
    for (f, s) in &loaded {
        outln!("ok  {}  ({}: {})", f.display(), s.name, s.description);
    }
    Ok(())
}

/// `careshape run`: simulate, write tables and manifest, print headline outcomes.
fn run(args: &RunArgs) -> Result<()> {
    if args.replicates == 0 {
        return Err(Error::Input("--replicates must be at least 1".into()).into());
    }
    let study = Study::load_with(&args.scenarios, args.run.weeks, args.run.mission_weights.as_deref())?;
    let out = args.run.out.clone().unwrap_or_else(|| study.default_out(&args.scenarios));
    let folder = careshape::output::open_run_folder(&out)?;
    // Stress composition: every policy, then itself with each shock file's shocks.
    let study = study.with_shocks(&args.shocks)?;
    let (pool, threads) = thread_pool(args.run.threads)?;
    let started = Instant::now();
    let progress = Progress::new(study.scenarios.len() * args.replicates as usize, args.run.quiet);
    let run_id = study.run_id(args.run.seed, args.replicates);
    let mut tables = TableWriter::create(folder.path(), &study.patch_names(), &run_id)?;
    let summaries = pool
        .install(|| study.write_run(args.run.seed, 0..args.replicates, &mut tables, &|| progress.tick()))?;
    tables.finish()?;
    progress.finish();
    let wall = started.elapsed().as_secs_f64();

    let stress = careshape::analysis::stress::stress_table(&summaries, &study.stress_matrix());
    if study.has_shocks() {
        tables::write_frame(folder.path(), "stress", &mut tables::stress_frame(&stress)?, Some(&run_id))?;
    }
    let execution = manifest::Execution { threads, wall_time_seconds: wall };
    manifest::write_manifest(
        folder.path(),
        &study.manifest(args.run.seed, args.replicates, None, execution)?,
    )?;
    folder.commit()?;
    if !args.run.quiet {
        print_headlines(&study, &summaries, args.replicates)?;
        if !stress.is_empty() {
            print_stress(&stress, args.replicates)?;
        }
        outln!(
            "\n{} scenario(s) × {} replicate(s) in {:.1} s on {} thread(s); tables in {}",
            study.scenarios.len(),
            args.replicates,
            wall,
            threads,
            out.display()
        );
    }
    Ok(())
}

/// `careshape compare`: run every scenario on the same replicate seeds, write the run's tables,
/// then the comparison tables, charts and report.html; print the headline comparison.
fn compare(args: &CompareArgs) -> Result<()> {
    let mut study = Study::load_with(&args.scenarios, args.run.weeks, args.run.mission_weights.as_deref())?;
    if let (Some(file), Some(draws)) = (&args.posterior, args.draws) {
        let n = match args.replicates {
            Replicates::Fixed(n) => n,
            Replicates::Auto => {
                return Err(Error::Input(
                    "--posterior needs a fixed --replicates (a multiple of --draws)".into(),
                )
                .into());
            }
        };
        if draws < 2 || n % draws != 0 || n / draws < 2 {
            return Err(Error::Input(format!(
                "--posterior: --draws must be at least 2 and --replicates a multiple of it with at least 2 replicates per draw (found {n} replicates, {draws} draws)"
            ))
            .into());
        }
        if args.same_budget {
            return Err(Error::Input("--posterior cannot be combined with --same-budget".into()).into());
        }
        let posterior = careshape::posterior::Posterior::read(file)?;
        study = study.with_posterior(&posterior, draws, args.run.seed)?;
    }
    let names = study.names();
    let b = compare::choose_baseline(&names, args.baseline.as_deref())?;
    let baseline = names[b].to_string();
    let rule = StoppingRule {
        batch: args.batch,
        max_replicates: args.max_replicates,
        tolerances: args.tolerances.clone(),
    };
    if args.replicates == Replicates::Auto {
        rule.check()?;
    }
    if let Some(shard) = args.shard {
        return compare_shard(args, &study, &baseline, shard);
    }
    let out = args.run.out.clone().unwrap_or_else(|| study.default_out(&args.scenarios));
    let folder = careshape::output::open_run_folder(&out)?;
    let (pool, threads) = thread_pool(args.run.threads)?;
    let started = Instant::now();
    let quiet = args.run.quiet;
    let seed = args.run.seed;
    let patch_names = study.patch_names();
    // With --same-budget, the baseline's spend is recorded as its runs go to the tables.
    let mut baseline_spend = SpendRecord::default();
    let mut run_batch = |range: std::ops::Range<u32>, sink: &mut dyn TableSink| {
        let progress = Progress::new(study.scenarios.len() * range.len(), quiet);
        let mut sink = RecordSpend {
            inner: sink,
            scenario: &baseline,
            record: args.same_budget.then_some(&mut baseline_spend),
        };
        let r = pool.install(|| study.write_run(seed, range, &mut sink, &|| progress.tick()));
        progress.finish();
        r
    };
    let (summaries, auto) = match args.replicates {
        Replicates::Fixed(n) => {
            let mut tables = TableWriter::create(folder.path(), &patch_names, &study.run_id(seed, n))?;
            let summaries = run_batch(0..n, &mut tables)?;
            tables.finish()?;
            (summaries, None)
        }
        Replicates::Auto => {
            // Batches cover every scenario; their rows wait in a spill until the run is done,
            // then go into the tables in (scenario, replicate) order.
            let mut spill = Spill::create(folder.path(), &names, &patch_names)?;
            let (summaries, a) = run_until_precise(
                &names,
                b,
                &rule,
                &mut |range| run_batch(range, &mut spill),
                &mut |done, p| {
                    if !quiet {
                        print_batch_precision(done, p);
                    }
                },
            )?;
            let n = summaries.len() as u32 / study.scenarios.len() as u32;
            let mut tables = TableWriter::create(folder.path(), &patch_names, &study.run_id(seed, n))?;
            spill.drain_into(&mut tables)?;
            tables.finish()?;
            (summaries, Some(a))
        }
    };
    let replicates = summaries.len() as u32 / study.scenarios.len() as u32;
    let wall = started.elapsed().as_secs_f64();
    let info = manifest::ComparisonInfo {
        baseline: baseline.clone(),
        replicates_mode: if auto.is_some() { "auto" } else { "fixed" }.into(),
        auto: auto.clone(),
        posterior: study.posterior.as_ref().map(|p| p.info.clone()),
    };
    let execution = manifest::Execution { threads, wall_time_seconds: wall };
    manifest::write_manifest(
        folder.path(),
        &study.manifest(seed, replicates, Some(info.clone()), execution)?,
    )?;
    let same_budget = if args.same_budget {
        // The same replicates again, every design on the baseline's money (docs/COMPARISON.md).
        let budget = baseline_spend.budget();
        let mut constrained = study.clone();
        for s in &mut constrained.scenarios {
            budget.apply(&mut s.scenario);
        }
        let dir = folder.path().join(report_page::SAME_BUDGET_DIR);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::Input(format!("cannot create {}: {e}", dir.display())))?;
        let mut tables = TableWriter::create(&dir, &patch_names, &constrained.run_id(seed, replicates))?;
        let progress = Progress::new(constrained.scenarios.len() * replicates as usize, quiet);
        pool.install(|| constrained.write_run(seed, 0..replicates, &mut tables, &|| progress.tick()))?;
        progress.finish();
        tables.finish()?;
        let execution =
            manifest::Execution { threads, wall_time_seconds: started.elapsed().as_secs_f64() - wall };
        manifest::write_manifest(&dir, &constrained.manifest(seed, replicates, Some(info), execution)?)?;
        Some((budget, report_page::build(&dir, &baseline, !args.no_report)?))
    } else {
        None
    };
    let built = report_page::build(folder.path(), &baseline, !args.no_report)?;
    folder.commit()?;
    if !quiet {
        print_comparison(&built.rows, &baseline, replicates)?;
        if let Some((budget, same)) = &same_budget {
            outln!(
                "\nSame budget: every design with {baseline}'s spend, £{:.2}m a year at the reform date, \
                 {:+.1}% a year (binding from the reform date):",
                budget.annual_gbp_at_reform / 1e6,
                budget.growth_percent
            );
            print_comparison(&same.rows, &baseline, replicates)?;
        }
        if let Some(a) = &auto {
            print_precision(a, replicates)?;
        }
        outln!(
            "\n{} scenario(s) × {replicates} paired replicate(s) in {:.1} s on {threads} thread(s).",
            study.scenarios.len(),
            wall,
        );
        outln!("Tables in {}", out.display());
        if !args.no_report {
            outln!(
                "Charts in {}; open {} in a browser (it works offline).",
                out.join("charts").display(),
                out.join("report.html").display()
            );
        }
    }
    Ok(())
}

/// `careshape compare --shard I/N`: the shard's replicates of every scenario, one unit per
/// replicate, no comparison (that is `careshape merge`'s).
fn compare_shard(args: &CompareArgs, study: &Study, baseline: &str, shard: Shard) -> Result<()> {
    let Replicates::Fixed(n) = args.replicates else {
        return Err(Error::Input(
            "--shard needs a fixed --replicates: `auto` decides when to stop from every replicate run so far"
                .into(),
        )
        .into());
    };
    let Some(out) = &args.run.out else {
        return Err(Error::Input("--shard needs --out: each shard writes its own folder".into()).into());
    };
    let (pool, threads) = thread_pool(args.run.threads)?;
    let info = manifest::ComparisonInfo {
        baseline: baseline.to_string(),
        replicates_mode: "fixed".into(),
        auto: None,
        posterior: study.posterior.as_ref().map(|p| p.info.clone()),
    };
    let execution = manifest::Execution { threads, wall_time_seconds: 0.0 };
    let mut record = serde_json::to_value(study.manifest(args.run.seed, n, Some(info), execution)?)
        .map_err(|e| Error::Input(format!("cannot record the manifest: {e}")))?;
    record.as_object_mut().map(|m| m.remove("execution"));
    let mine = shard.units(n as usize).count();
    let progress = Progress::new(study.scenarios.len() * mine, args.run.quiet);
    let started = Instant::now();
    let ran = pool.install(|| {
        careshape::output::shards::run(study, args.run.seed, n, baseline, record, shard, out, &|| {
            progress.tick()
        })
    })?;
    progress.finish();
    if !args.run.quiet {
        outln!(
            "Shard {shard}: {ran} replicate(s) × {} scenario(s) run in {:.1} s ({} of the shard's {mine} were already in {}).",
            study.scenarios.len(),
            started.elapsed().as_secs_f64(),
            mine - ran,
            out.display()
        );
        outln!("When every shard is done: careshape merge <SHARD_FOLDERS>... --out <FOLDER>");
    }
    Ok(())
}

/// Passes a run's results on to `inner` and, if it has a `record`, records the spend of
/// `scenario`'s replicates (the baseline's, for `compare --same-budget`).
struct RecordSpend<'a> {
    inner: &'a mut dyn TableSink,
    scenario: &'a str,
    record: Option<&'a mut SpendRecord>,
}

impl TableSink for RecordSpend<'_> {
    fn push(
        &mut self,
        results: &[ReplicateResult],
        summaries: &[ReplicateSummary],
    ) -> careshape::output::Result<()> {
        if let Some(record) = self.record.as_deref_mut() {
            for r in results.iter().filter(|r| r.scenario == self.scenario) {
                record.add(r);
            }
        }
        self.inner.push(results, summaries)
    }
}

/// After each batch of `--replicates auto`: which headline differences are not yet precise.
fn print_batch_precision(done: u32, precision: &[compare::Precision]) {
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

fn sig(x: f64) -> String {
    careshape::output::comparison::sig(x, 2)
}

/// `careshape report`: rebuild comparison tables, charts and report.html from saved tables.
fn report(args: &ReportArgs) -> Result<()> {
    // A sweep folder: redo its analysis from its manifest and points.
    if args.dir.join("sweep.json").is_file() {
        if args.baseline.is_some() {
            return Err(Error::Input(format!(
                "{}: a sweep folder's baseline is fixed by its sweep file; --baseline applies to comparisons only",
                args.dir.display()
            ))
            .into());
        }
        let (plan, points, rows) = careshape::sweep::rebuild(&args.dir)?;
        if !args.quiet {
            outln!("Sweep {}: {} point(s), analysis rebuilt", plan.config.name, points.len());
            print_sensitivity(&plan, &points, &rows, &args.dir)?;
        }
        return Ok(());
    }
    let (built, run) = report_page::rebuild(&args.dir, args.baseline.as_deref())?;
    if !args.quiet {
        print_comparison(&built.rows, &built.baseline, run.replicates)?;
        outln!("\nRebuilt comparison tables, charts and {}", args.dir.join("report.html").display());
    }
    Ok(())
}

/// The headline comparison for the terminal: one block per headline outcome.
fn print_comparison(rows: &[ComparisonRow], baseline: &str, replicates: u32) -> Result<()> {
    use careshape::output::comparison::{display, fmt_difference, fmt_estimate};
    outln!(
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
        outln!("\n{label:<w$}{:>26}   Δ vs {baseline}", "mean (95% CI)", w = width + 2);
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
            outln!("  {:<width$}{mean:>26}   {diff}", x.scenario);
        }
    }
    Ok(())
}

fn print_precision(a: &manifest::AutoReplicates, replicates: u32) -> Result<()> {
    outln!(
        "\n--replicates auto stopped at {replicates} replicates ({}). Widest 95% CI half-width of the paired differences:",
        if a.reached {
            "every headline outcome within tolerance"
        } else {
            "the cap; not every outcome reached its tolerance"
        }
    );
    for p in &a.precision {
        outln!(
            "  {:<32} ±{:<10} tolerance {} (= {}) {}",
            p.metric,
            sig(p.widest_half_width),
            p.tolerance,
            sig(p.tolerance_abs),
            if p.reached { "ok" } else { "NOT reached" }
        );
    }
    Ok(())
}

/// `--threads` may be at most this many times the cores: more only adds memory and switching
/// (results do not depend on the number of threads), and a typo such as `-t 80000` would
/// otherwise try to start that many threads.
const MAX_THREADS_PER_CORE: usize = 4;

/// A rayon pool of the requested size (default: all cores; at most `MAX_THREADS_PER_CORE` ×
/// the cores).
fn thread_pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = threads.unwrap_or(cores);
    if threads == 0 {
        return Err(Error::Input("--threads must be at least 1".into()).into());
    }
    let cap = MAX_THREADS_PER_CORE * cores;
    if threads > cap {
        return Err(Error::Input(format!(
            "--threads {threads} is too many: at most {cap} ({MAX_THREADS_PER_CORE} × the {cores} core(s) available)"
        ))
        .into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    Ok((pool, threads))
}

/// `careshape calibrate`: ABC fit of the free parameters; writes points, accepted set, best
/// scenario and a summary.
fn calibrate(args: &CalibrateArgs) -> Result<()> {
    let mut cal = careshape::calibration::load_calibration(&args.file).map_err(Error::from)?;
    if let Some(p) = args.points {
        if p < 2 {
            return Err(Error::Input("--points must be at least 2".into()).into());
        }
        cal.config.method.points = p;
    }
    if let Some(r) = args.replicates {
        if r == 0 {
            return Err(Error::Input("--replicates must be at least 1".into()).into());
        }
        cal.config.method.replicates = r;
    }
    let out =
        args.out.clone().unwrap_or_else(|| Path::new("output").join(calibration_folder(&cal.config.name)));
    let folder = careshape::output::open_run_folder(&out)?;
    let (pool, threads) = thread_pool(args.threads)?;
    let started = Instant::now();
    let progress = Progress::new(careshape::calibration::total_runs(&cal), args.quiet);
    let result = pool.install(|| careshape::calibration::calibrate(&cal, &|| progress.tick()));
    let result = result?;
    progress.finish();
    let wall = started.elapsed().as_secs_f64();
    let execution = manifest::Execution { threads, wall_time_seconds: wall };
    careshape::output::calibration::write_calibration(folder.path(), &cal, &result, execution)?;
    folder.commit()?;
    if !args.quiet {
        outln!("{}", careshape::output::calibration::summary_markdown(&cal, &result, wall));
        outln!("Calibration written to {}", out.display());
    }
    Ok(())
}

/// `careshape sweep`: run (or resume) a sweep, write its tables and print the most
/// influential parameters of each paired difference.
fn sweep(args: &SweepArgs) -> Result<()> {
    let sweep = careshape::sweep::Sweep::load(&args.file).map_err(Error::from)?;
    let plan = &sweep.plan;
    // A shard's default folder is its own: output/sweep-<name>/shards/<I>-of-<N>.
    let out = args.out.clone().unwrap_or_else(|| {
        let dir = Path::new("output").join(format!(
            "sweep-{}",
            careshape::output::safe_component(&plan.config.name).unwrap_or_else(|| "run".into())
        ));
        match args.shard {
            Some(s) => dir.join("shards").join(format!("{}-of-{}", s.index, s.count)),
            None => dir,
        }
    });
    let (pool, _) = thread_pool(args.threads)?;
    // Points already finished in `out` (a resumed sweep) are not counted again.
    let todo = careshape::sweep::unfinished(plan, &out, args.shard);
    let progress = Progress::counting(todo.max(1), args.quiet, "points");
    let started = Instant::now();
    if let Some(shard) = args.shard {
        let ran =
            pool.install(|| careshape::sweep::run_units(&sweep, &out, Some(shard), &|| progress.tick()))?;
        progress.finish();
        if !args.quiet {
            outln!(
                "Sweep {}, shard {shard}: {ran} point(s) run in {:.1} s ({} of the shard's {} were already in {}).",
                plan.config.name,
                started.elapsed().as_secs_f64(),
                shard.units(plan.unit_points.len()).count() - ran,
                shard.units(plan.unit_points.len()).count(),
                out.display()
            );
            outln!("When every shard is done: careshape merge <SHARD_FOLDERS>... --out <FOLDER>");
        }
        return Ok(());
    }
    let (points, rows) = pool.install(|| careshape::sweep::run(&sweep, &out, &|| progress.tick()))?;
    progress.finish();
    if args.quiet {
        return Ok(());
    }
    outln!(
        "Sweep {}: {} point(s) × {} scenario(s) × {} replicate(s) in {:.1} s",
        plan.config.name,
        points.len(),
        sweep.scenarios.len(),
        plan.config.replicates,
        started.elapsed().as_secs_f64()
    );
    print_sensitivity(plan, &points, &rows, &out)
}

/// `careshape merge`: shard folders of a sweep (each with `sweep.json`) or of a comparison
/// (each with `shard.json`) into one folder with the whole analysis.
fn merge(args: &MergeArgs) -> Result<()> {
    let sweeps = args.dirs.iter().filter(|d| d.join("sweep.json").is_file()).count();
    if sweeps == args.dirs.len() {
        let started = Instant::now();
        let (plan, points, rows) = careshape::sweep::merge(&args.dirs, &args.out)?;
        if !args.quiet {
            outln!(
                "Sweep {}: {} point(s) from {} folder(s) merged into {} in {:.1} s",
                plan.config.name,
                points.len(),
                args.dirs.len(),
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            print_sensitivity(&plan, &points, &rows, &args.out)?;
        }
        return Ok(());
    }
    let compares = args.dirs.iter().filter(|d| d.join("shard.json").is_file()).count();
    if compares == args.dirs.len() {
        let started = Instant::now();
        let folder = careshape::output::open_run_folder(&args.out)?;
        let threads = rayon::current_num_threads();
        let execution = manifest::Execution { threads, wall_time_seconds: 0.0 };
        let record = careshape::output::shards::merge(&args.dirs, folder.path(), execution)?;
        let built = report_page::build(folder.path(), &record.baseline, true)?;
        folder.commit()?;
        if !args.quiet {
            print_comparison(&built.rows, &record.baseline, record.replicates)?;
            outln!(
                "\n{} replicate(s) from {} shard folder(s) merged into {} in {:.1} s; open {} in a browser.",
                record.replicates,
                args.dirs.len(),
                args.out.display(),
                started.elapsed().as_secs_f64(),
                args.out.join("report.html").display()
            );
        }
        return Ok(());
    }
    let what = |d: &PathBuf| {
        if d.join("sweep.json").is_file() {
            "a sweep folder"
        } else if d.join("shard.json").is_file() {
            "a compare shard folder"
        } else {
            "neither (no sweep.json or shard.json)"
        }
    };
    Err(Error::Input(format!(
        "careshape merge takes the shard folders of one sweep or of one comparison: {}",
        args.dirs.iter().map(|d| format!("{} is {}", d.display(), what(d))).collect::<Vec<_>>().join("; ")
    ))
    .into())
}

/// The three most influential factors of each paired difference and outcome, by μ*, total
/// index or |PRCC|, and each discovery's reported box.
fn print_sensitivity(
    plan: &careshape::sweep::SweepPlan,
    points: &[careshape::sweep::PointResult],
    rows: &[careshape::sweep::SensitivityRow],
    out: &Path,
) -> Result<()> {
    for measure in ["mu_star", "total", "prcc"] {
        let mut keys: Vec<(&str, &str)> = rows
            .iter()
            .filter(|r| r.quantity == "difference" && r.measure == measure)
            .map(|r| (r.scenario.as_str(), r.outcome.as_str()))
            .collect();
        keys.dedup();
        for (scenario, outcome) in keys {
            let mut ranked: Vec<_> = rows
                .iter()
                .filter(|r| {
                    r.quantity == "difference"
                        && r.measure == measure
                        && r.scenario == scenario
                        && r.outcome == outcome
                })
                .collect();
            ranked.sort_by(|a, b| b.estimate.abs().total_cmp(&a.estimate.abs()));
            let top: Vec<String> = ranked
                .iter()
                .take(3)
                .map(|r| format!("{} {}", r.parameter, careshape::output::comparison::sig(r.estimate, 2)))
                .collect();
            outln!("  {scenario} − baseline, {outcome}: largest {measure}: {}", top.join(", "));
        }
    }
    let factors = plan.factors();
    for d in careshape::sweep::discovery::discover(plan, points) {
        let b = d.prim.chosen_box();
        let significant = d.significant(0.05);
        let kp = plan.config.parameters.len();
        let limits: Vec<String> = significant
            .iter()
            .map(|&j| match j.checked_sub(kp) {
                // A switch: the forms the box keeps.
                Some(s) => {
                    let sw = &plan.config.switches[s];
                    let (lo, hi) = (b.limits[j].0.ceil() as usize, b.limits[j].1.floor() as usize);
                    let forms: Vec<String> = (lo..=hi).map(|i| sw.label(i)).collect();
                    format!("{} in {{{}}}", factors[j], forms.join(", "))
                }
                None => format!("{} in [{}, {}]", factors[j], sig(b.limits[j].0), sig(b.limits[j].1)),
            })
            .collect();
        let others = b.restricted.len() - significant.len();
        outln!(
            "  {}: `{}` holds at {:.0}% of points; box with coverage {:.2}, density {:.2}: {}{}",
            d.name,
            d.condition,
            100.0 * d.holds_share,
            b.coverage,
            b.density,
            if limits.is_empty() { "no significant restriction".into() } else { limits.join(", ") },
            if others > 0 { format!(" (and {others} restriction(s) with qp > 0.05)") } else { String::new() }
        );
    }
    outln!("Tables written to {} (sweep_points, sensitivity, charts/, report.html)", out.display());
    Ok(())
}

/// `careshape decompose`: run every lever subset the Shapley values need, write the tables and
/// the waterfall chart, and print each lever's contribution.
fn decompose(args: &DecomposeArgs) -> Result<()> {
    let mut design = load_scenario(&args.scenario).map_err(Error::from)?;
    let base_file = match &args.baseline {
        Some(b) => b.clone(),
        None => args.scenario.parent().unwrap_or(Path::new(".")).join("status-quo.toml"),
    };
    if !base_file.is_file() {
        return Err(Error::Input(format!(
            "{}: no baseline scenario there; name one with --baseline",
            base_file.display()
        ))
        .into());
    }
    let mut baseline = load_scenario(&base_file).map_err(Error::from)?;
    if args.replicates < 2 {
        return Err(Error::Input("--replicates must be at least 2 (the intervals need them)".into()).into());
    }
    if let Some(w) = args.weeks {
        if w == 0 {
            return Err(Error::Input("--weeks must be at least 1".into()).into());
        }
        design.run.weeks = w;
        baseline.run.weeks = w;
    }
    if (design.run.weeks, design.run.burn_in_weeks) != (baseline.run.weeks, baseline.run.burn_in_weeks) {
        return Err(Error::Input(format!(
            "{} and {} differ in run.weeks or run.burn_in_weeks: a paired difference needs the same weeks (or pass --weeks)",
            args.scenario.display(),
            base_file.display()
        ))
        .into());
    }
    let plan = careshape::decompose::plan(&baseline, &design)?;
    let runs = plan.weights.coalitions().len() * args.replicates as usize;
    let (pool, _) = thread_pool(args.threads)?;
    let progress = Progress::new(runs, args.quiet);
    let started = Instant::now();
    let d = pool.install(|| {
        careshape::decompose::decompose(&plan, &args.outcomes, args.seed, args.replicates, &|| {
            progress.tick()
        })
    })?;
    progress.finish();
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!(
            "decompose-{}",
            careshape::output::safe_component(&design.name).unwrap_or_else(|| "run".into())
        ))
    });
    careshape::decompose::write(&d, &out)?;
    if args.quiet {
        return Ok(());
    }
    outln!(
        "{} − {}: {} lever(s), {} subset(s) run ({} not valid designs), {} ordering(s), {} replicate(s), {:.1} s",
        d.design,
        d.baseline,
        d.levers.len(),
        d.coalitions.len(),
        d.infeasible.len(),
        d.orderings,
        d.replicates,
        started.elapsed().as_secs_f64()
    );
    let width = d.levers.iter().map(|l| l.name.chars().count()).max().unwrap_or(5).max(5) + 2;
    for outcome in &d.outcomes {
        outln!("\n{outcome}: Shapley contribution (95% CI)");
        for c in d.contributions.iter().filter(|c| &c.outcome == outcome) {
            outln!("  {:<width$}{} ({} to {})", c.lever, sig(c.mean), sig(c.ci95_low), sig(c.ci95_high));
        }
    }
    outln!("\nTables written to {} (decomposition, coalitions, charts/waterfall)", out.display());
    Ok(())
}

/// The default folder name of a calibration: `calibration-<name>`, the name made one safe path
/// component so that it stays inside `output/`.
fn calibration_folder(name: &str) -> String {
    format!("calibration-{}", careshape::output::safe_component(name).unwrap_or_else(|| "run".into()))
}

/// Headline outcomes at the end of a run: per headline outcome (the same list as a
/// comparison's), each scenario's mean ± 95% CI.
fn print_headlines(study: &Study, summaries: &[ReplicateSummary], replicates: u32) -> Result<()> {
    let Ok(samples) =
        Samples::from_summaries(summaries.iter().map(|r| (r.scenario.as_str(), r.replicate, &r.summary)))
    else {
        return Ok(());
    };
    outln!("\nHeadline outcomes after burn-in (mean (95% CI) over {replicates} replicate(s)):");
    let headlines = compare::headlines_present(&samples.metrics);
    let names = study.names().iter().map(|n| n.chars().count()).max().unwrap_or(8).max(8) + 2;
    let labels = headlines.iter().map(|h| h.label.chars().count()).max().unwrap_or(0);
    let width = names.max(labels.saturating_sub(1));
    for h in headlines {
        let m = samples.metric_index(h.metric).expect("present");
        outln!("\n{:<w$}{:>26}", h.label, "mean (95% CI)", w = width + 2);
        for (s, name) in samples.scenarios.iter().enumerate() {
            let e = compare::mean_ci(samples.sample(s, m), compare::LEVEL);
            let mean = careshape::output::comparison::fmt_estimate(e.mean, e.low(), e.high(), h.scale);
            outln!("  {name:<width$}{mean:>26}");
        }
    }
    Ok(())
}

/// The stress table for people: per policy × shock, peak unmet need and waiting in the year
/// after the shock and the weeks they took to recover (mean ± 95% CI), then the emergency
/// premium, handbacks and exits of that year as differences from the unshocked policy.
fn print_stress(cells: &[careshape::analysis::stress::StressCell], replicates: u32) -> Result<()> {
    outln!(
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
    out!("{:<22}{:<22}", "policy", "shock");
    for (_, label, _, _) in cols {
        out!("{label:>19}");
    }
    outln!();
    let mut keys: Vec<(&str, &str)> = cells.iter().map(|c| (c.policy.as_str(), c.shock.as_str())).collect();
    keys.dedup();
    for (policy, shock) in keys {
        out!("{policy:<22}{shock:<22}");
        for &(metric, label, scale, digits) in cols {
            let Some(c) = cells.iter().find(|c| c.policy == policy && c.shock == shock && c.metric == metric)
            else {
                out!("{:>19}", "");
                continue;
            };
            let (v, hw) =
                if label.starts_with('Δ') { (c.difference, c.difference_ci95) } else { (c.mean, c.ci95) };
            let cell = if hw.is_finite() {
                format!("{:.*} ± {:.*}", digits, v * scale, digits, hw * scale)
            } else {
                format!("{:.*}", digits, v * scale)
            };
            out!("{cell:>19}");
        }
        outln!();
    }
    Ok(())
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
    /// What is counted ("runs", "points").
    unit: &'static str,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Self {
        Self::counting(total, quiet, "runs")
    }

    fn counting(total: usize, quiet: bool, unit: &'static str) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::hidden(),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {unit}, eta {{eta}}"
                ))
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
            unit,
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
            eprintln!("progress: {done}/{} {}", self.total, self.unit);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
