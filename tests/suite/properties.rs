//! Property tests (issue 14): random valid scenarios never panic and keep every stock–flow
//! invariant; random mutations of the shipped input files either run or are refused with a
//! message that names the file (and the line and key where there is one), never a panic.
//!
//! - **Mutated inputs.** Each case takes one shipped file (`scenarios/camden`, the shock files
//!   of `scenarios/stress`, the calibration file), applies one to three random mutations
//!   (`mutations`), writes it where it was in a copy of `scenarios/` (so relative `extends`
//!   and `base_scenario` keep working) and loads it as the binary does. A refused file must
//!   get a `ScenarioError` naming it; an accepted one is shortened (a few weeks, shocks and
//!   incubator cohorts moved into the short run) and run, with the invariants of
//!   `accounting::Ledger` checked every week; an accepted calibration file runs a miniature
//!   calibration. A sample goes through the binary too (`careshape validate`, `run --shock`,
//!   `calibrate`): exit code 0 or 2, never a panic, the file named.
//! - **Valid scenarios.** The shipped status quo with every parameter and lever redrawn within
//!   its documented range (`generate`); the validator must accept each one, and a short run
//!   must keep every invariant every week.
//!
//! Every case draws from its own proptest runner seeded by (`SEED`, stream, case), so case *i*
//! is the same input however many cases run; `CARESHAPE_PROPERTY_CASE=i` runs that case alone,
//! and a failing input is saved under `target/tmp/property-failures/` (docs/TESTING.md §3).
//! Panics are caught and counted, so one run reports every failure, then the test fails.

mod generate;
mod mutations;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use careshape::calibration::{calibrate, load_calibration};
use careshape::scenario::{Shock, compose, load_shock_file, validate};
use careshape::{Scenario, ScenarioError, Simulation};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rayon::prelude::*;

use crate::accounting::Ledger;
use crate::common::{arg, careshape, status_quo};
use mutations::{Mutation, Target};

/// The seed of every property test (written here so that a failure reproduces).
const SEED: u64 = 20_261_130;
/// Streams of cases: each test draws its cases from its own.
const MUTATION_STREAM: u64 = 1;
const SCENARIO_STREAM: u64 = 2;

/// Mutated inputs, generated scenarios and binary runs of each tier.
const FAST_MUTATIONS: u64 = 300;
const FAST_SCENARIOS: u64 = 10;
const FAST_BINARY: u64 = 24;
const SLOW_MUTATIONS: u64 = 10_000;
const SLOW_SCENARIOS: u64 = 250;
const SLOW_BINARY: u64 = 300;

/// Run length of an accepted mutated input (weeks after burn-in, burn-in weeks); a run whose
/// agents would be many is cut to `SHORTEST`.
const SHORT: (u32, u32) = (20, 4);
const SHORTEST: (u32, u32) = (4, 1);
/// Estimated agent-weeks above which a mutated input runs `SHORTEST`.
const LARGE_RUN: f64 = 3.0e6;

/// The proptest runner of case `case` of `stream`: a ChaCha generator seeded by (SEED, stream,
/// case), independent of every other case.
fn runner(stream: u64, case: u64) -> TestRunner {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&SEED.to_le_bytes());
    seed[8..16].copy_from_slice(&stream.to_le_bytes());
    seed[16..24].copy_from_slice(&case.to_le_bytes());
    TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}

/// Cases `0..n`, or only `CARESHAPE_PROPERTY_CASE` if it is set (to reproduce one failure).
fn cases(n: u64) -> Vec<u64> {
    match std::env::var("CARESHAPE_PROPERTY_CASE") {
        Ok(v) => vec![v.trim().parse().expect("CARESHAPE_PROPERTY_CASE: a case number")],
        Err(_) => (0..n).collect(),
    }
}

/// Where failing inputs are saved.
fn failures_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("property-failures")
}

/// A panic's message.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(a panic without a message)".into())
}

// ---------------------------------------------------------------------------------------------
// The shipped inputs and their copies

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Scenario,
    Shock,
    Calibration,
}

/// A shipped input file: its path under `scenarios/`, its kind and its bytes.
struct Input {
    rel: PathBuf,
    kind: Kind,
    text: Vec<u8>,
}

/// Every shipped input, with the schema keys `InsertKey` may add to each kind.
struct Inputs {
    files: Vec<Input>,
    keys: BTreeMap<Kind, Vec<String>>,
}

fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let mut files = Vec::new();
        for (dir, kind) in [
            ("camden", Kind::Scenario),
            ("camden-charter", Kind::Scenario),
            ("stress", Kind::Shock),
            ("calibration", Kind::Calibration),
        ] {
            let mut names: Vec<PathBuf> = std::fs::read_dir(Path::new("scenarios").join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            names.sort();
            for p in names {
                let text = std::fs::read(&p).unwrap();
                files.push(Input { rel: Path::new(dir).join(p.file_name().unwrap()), kind, text });
            }
        }
        assert!(
            files.iter().any(|f| f.kind == Kind::Shock) && files.iter().any(|f| f.kind == Kind::Calibration)
        );
        let mut scenario_keys = Vec::new();
        let value = toml::Value::try_from(Scenario::default()).unwrap();
        schema_keys(&value, "", &mut scenario_keys);
        let shock_fields =
            ["kind", "week", "size", "weeks", "of", "rationing", "provider", "workers_to_pool"];
        scenario_keys.extend(shock_fields.iter().map(|f| format!("shocks.{f}")));
        let mut shock_keys = vec!["name".to_string(), "description".to_string()];
        shock_keys.extend(shock_fields.iter().map(|f| format!("shocks.{f}")));
        let cal = load_calibration(Path::new("scenarios/calibration/camden.toml")).unwrap();
        let mut calibration_keys = vec!["method.weeks".to_string()];
        schema_keys(&toml::Value::try_from(&cal.config).unwrap(), "", &mut calibration_keys);
        for table in ["parameters", "targets", "checks"] {
            for f in ["path", "metric", "min", "max", "value", "tolerance", "source"] {
                calibration_keys.push(format!("{table}.{f}"));
            }
        }
        let keys = BTreeMap::from([
            (Kind::Scenario, scenario_keys),
            (Kind::Shock, shock_keys),
            (Kind::Calibration, calibration_keys),
        ]);
        Inputs { files, keys }
    })
}

/// The keys (`table.key`) of a TOML value's tables: every value that is not a table.
fn schema_keys(v: &toml::Value, at: &str, out: &mut Vec<String>) {
    if let toml::Value::Table(t) = v {
        for (k, v) in t {
            let key = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            match v {
                toml::Value::Table(_) => schema_keys(v, &key, out),
                _ => out.push(key),
            }
        }
    }
}

/// A copy of `scenarios/` in a temporary folder: a case writes its mutated file over the copy
/// of the original, loads it and puts the original back.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for f in &inputs().files {
            let path = dir.path().join(&f.rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &f.text).unwrap();
        }
        Workspace { dir }
    }

    /// Runs `load` on `input` written with `text`, then restores the original.
    fn with_file<T>(&self, input: &Input, text: &[u8], load: impl FnOnce(&Path) -> T) -> T {
        let path = self.dir.path().join(&input.rel);
        std::fs::write(&path, text).unwrap();
        let out = catch_unwind(AssertUnwindSafe(|| load(&path)));
        std::fs::write(&path, &input.text).unwrap();
        out.unwrap_or_else(|p| std::panic::resume_unwind(p))
    }

    /// Copies the workspace, with `input` written as `text`, to `to` (a failing case, kept).
    fn save(&self, input: &Input, text: &[u8], to: &Path) {
        for f in &inputs().files {
            let path = to.join(&f.rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, if f.rel == input.rel { text } else { &f.text }).unwrap();
        }
    }
}

/// Workspaces shared by the cases of one test (each case holds one while it loads).
type Workspaces = Mutex<Vec<Workspace>>;

/// Runs `f` with a workspace from `pool` (a new one if all are in use).
fn with_workspace<T>(pool: &Workspaces, f: impl FnOnce(&Workspace) -> T) -> T {
    let ws = pool.lock().unwrap().pop().unwrap_or_else(Workspace::new);
    let out = catch_unwind(AssertUnwindSafe(|| f(&ws)));
    pool.lock().unwrap().push(ws);
    out.unwrap_or_else(|p| std::panic::resume_unwind(p))
}

// ---------------------------------------------------------------------------------------------
// Running what loaded

/// Shortens an accepted scenario for a quick run: a few weeks, its shocks and incubator
/// cohorts moved into them (a shock or cohort after the end would never happen), and fewer
/// weeks still if it has many agents. It stays valid.
fn shorten(s: &mut Scenario) {
    let (weeks, burn_in) = if estimated_agent_weeks(s) > LARGE_RUN { SHORTEST } else { SHORT };
    s.run.weeks = s.run.weeks.min(weeks);
    s.run.burn_in_weeks = s.run.burn_in_weeks.min(burn_in);
    let mid = s.run.weeks / 2;
    for shock in &mut s.shocks {
        let week = match shock {
            Shock::WageFloorRise { week, .. }
            | Shock::DemandSurge { week, .. }
            | Shock::BudgetCut { week, .. }
            | Shock::LabourSupplyDrop { week, .. }
            | Shock::ProviderFailure { week, .. }
            | Shock::CostInflation { week, .. } => week,
        };
        *week = (*week).min(mid);
    }
    let incubator = &mut s.commissioning.incubator;
    incubator.first_cohort_week = incubator.first_cohort_week.min(mid);
}

/// Agents a scenario's shortened run would hold, times its weeks (arrivals and pool inflow at
/// their base rates, with any demand surge).
fn estimated_agent_weeks(s: &Scenario) -> f64 {
    let weeks = f64::from(s.run.weeks.min(SHORT.0) + s.run.burn_in_weeks.min(SHORT.1));
    let surge: f64 =
        s.shocks.iter().map(|x| if let Shock::DemandSurge { size, .. } = x { *size } else { 0.0 }).sum();
    let agents = f64::from(s.clients.initial_clients)
        + s.clients.arrivals_per_week * (1.0 + surge) * weeks
        + f64::from(s.workforce.pool_initial)
        + (s.workforce.pool_inflow_per_week + s.workforce.international_inflow_per_week) * weeks
        + f64::from(s.providers.initial_count);
    agents * weeks
}

/// Runs a scenario to its end with every invariant checked each week, then summarises it.
/// An invariant violation is an error; a panic propagates.
fn run_checked(s: &Scenario, replicate: u32) -> Result<(), String> {
    let mut sim = Simulation::new(s, SEED, replicate);
    let mut ledger = Ledger::new(&sim);
    while !sim.finished() {
        ledger.step(&mut sim)?;
    }
    let summary = careshape::summarise(&sim.into_result());
    if let Some((name, v)) = summary.iter().find(|(_, v)| v.is_infinite()) {
        return Err(format!("summary metric {name} is {v}"));
    }
    Ok(())
}

/// A miniature of an accepted calibration: its parameters, targets and method kept, but a few
/// points, one replicate and a short base run. A calibration whose pattern filters reject every
/// point it may accept is refused with an input error, never a panic.
fn mini_calibration(mut cal: careshape::calibration::Calibration) -> Handled {
    let m = &mut cal.config.method;
    m.points = m.points.min(4);
    m.replicates = 1;
    m.smc_rounds = m.smc_rounds.min(1);
    m.smc_points = m.smc_points.min(3);
    m.population = m.population.min(2);
    m.max_batches = 1;
    m.confirm_replicates = 2;
    cal.base.run.weeks = cal.base.run.weeks.min(6);
    cal.base.run.burn_in_weeks = cal.base.run.burn_in_weeks.min(2);
    match calibrate(&cal, &|| {}) {
        Ok(result) => {
            assert!(result.best < result.points.len());
            Handled::Calibrated
        }
        Err(e) => {
            assert!(e.is_input(), "calibration failed with a non-input error: {e}");
            Handled::Refused
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One mutated input

/// How a mutated input was handled.
enum Handled {
    /// Refused, with a message that names the file (and the line and key where there is one).
    Refused,
    /// Accepted, and ran short with every invariant.
    Ran,
    /// Accepted as a calibration file, and a miniature calibration ran.
    Calibrated,
}

/// Why a case failed.
enum Failure {
    Panic(String),
    Violation(String),
    Message(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Panic(m) => write!(f, "panicked {m}"),
            Failure::Violation(m) => write!(f, "an invariant broke: {m}"),
            Failure::Message(m) => write!(f, "a poor error message: {m}"),
        }
    }
}

/// Checks a refusal's message: it names the file, and has a line or a key (or says the file is
/// empty or unreadable, which have neither).
fn check_refusal(e: &ScenarioError, file: &Path) -> Result<(), Failure> {
    let msg = e.to_string();
    let shown = file.display().to_string();
    if !msg.contains(&shown) {
        return Err(Failure::Message(format!("does not name {shown}: {msg}")));
    }
    match e {
        ScenarioError::Parse { location: None, key, message, .. }
            if key.is_empty() && !message.contains("is empty") =>
        {
            Err(Failure::Message(format!("names neither a line nor a key: {msg}")))
        }
        ScenarioError::Invalid { problems, .. }
            if problems.is_empty() || problems.iter().any(|p| p.key.is_empty()) =>
        {
            Err(Failure::Message(format!("a problem without its key: {msg}")))
        }
        _ => Ok(()),
    }
}

/// A mutated input, loaded as the binary loads it (`load`): refused with a good message, or
/// what to run.
enum Loaded {
    Refused,
    Scenario(Box<Scenario>),
    Calibration(Box<careshape::calibration::Calibration>),
}

/// Loads a mutated input of `kind` at `path`; a refusal with a poor message is a failure.
fn load(kind: Kind, path: &Path, base: &Scenario) -> Result<Loaded, Failure> {
    match kind {
        Kind::Scenario => match careshape::load_scenario(path) {
            Ok(s) => Ok(Loaded::Scenario(Box::new(s))),
            Err(e) => check_refusal(&e, path).map(|()| Loaded::Refused),
        },
        Kind::Shock => {
            let sf = match load_shock_file(path) {
                Ok(sf) => sf,
                Err(e) => return check_refusal(&e, path).map(|()| Loaded::Refused),
            };
            // Composed with the status quo, as `careshape run --shock` does; a shock outside the
            // policy's run is refused naming the shock file (by its name) and the key.
            let name = sf.name.clone();
            match compose(std::slice::from_ref(base), &[sf]) {
                Ok(mut c) => Ok(Loaded::Scenario(Box::new(c.pop().unwrap().scenario))),
                Err(e) => {
                    let msg = e.to_string();
                    if e.is_input() && msg.contains(&format!("shock file `{name}`")) && msg.contains("key `")
                    {
                        Ok(Loaded::Refused)
                    } else {
                        Err(Failure::Message(format!(
                            "a composition error that names neither file nor key: {msg}"
                        )))
                    }
                }
            }
        }
        Kind::Calibration => match load_calibration(path) {
            Ok(c) => Ok(Loaded::Calibration(Box::new(c))),
            Err(e) => check_refusal(&e, path).map(|()| Loaded::Refused),
        },
    }
}

/// A mutated input: which shipped file, and the mutations.
fn mutated_case(case: u64) -> (usize, Vec<Mutation>) {
    let mut r = runner(MUTATION_STREAM, case);
    let n = inputs().files.len();
    let file = (0..n).new_tree(&mut r).unwrap().current();
    let ms = mutations::mutations().new_tree(&mut r).unwrap().current();
    (file, ms)
}

fn mutated_text(file: usize, ms: &[Mutation]) -> Vec<u8> {
    let input = &inputs().files[file];
    let target = Target {
        file_name: input.rel.file_name().unwrap().to_str().unwrap(),
        calibration: input.kind == Kind::Calibration,
        keys: &inputs().keys[&input.kind],
    };
    ms.iter().fold(input.text.clone(), |text, m| mutations::apply(&text, m, &target))
}

/// Loads, and runs if accepted, mutated input `case`.
fn mutated_input(case: u64, base: &Scenario, pool: &Workspaces) -> Result<Handled, Failure> {
    let (file, ms) = mutated_case(case);
    let input = &inputs().files[file];
    let text = mutated_text(file, &ms);
    let loaded = with_workspace(pool, |ws| {
        let loaded = ws.with_file(input, &text, |path| {
            catch_unwind(AssertUnwindSafe(|| load(input.kind, path, base)))
                .unwrap_or_else(|p| Err(Failure::Panic(format!("loading: {}", panic_message(&*p)))))
        });
        if loaded.is_err() {
            ws.save(input, &text, &failures_dir().join(format!("mutation-{case}")));
        }
        loaded
    });
    let ran = match loaded {
        Ok(Loaded::Refused) => return Ok(Handled::Refused),
        Err(f) => return Err(f),
        Ok(Loaded::Scenario(mut s)) => catch_unwind(AssertUnwindSafe(|| {
            shorten(&mut s);
            let problems = validate(&s);
            assert!(problems.is_empty(), "the shortened scenario is invalid (a test bug): {problems:?}");
            run_checked(&s, (case % 1000) as u32).map(|()| Handled::Ran)
        })),
        Ok(Loaded::Calibration(cal)) => catch_unwind(AssertUnwindSafe(|| Ok(mini_calibration(*cal)))),
    };
    let result = match ran {
        Ok(Ok(h)) => Ok(h),
        Ok(Err(v)) => Err(Failure::Violation(v)),
        Err(p) => Err(Failure::Panic(format!("running: {}", panic_message(&*p)))),
    };
    if result.is_err() {
        with_workspace(pool, |ws| ws.save(input, &text, &failures_dir().join(format!("mutation-{case}"))));
    }
    result
}

/// Counts of one tier's mutated inputs, by kind of file.
#[derive(Default)]
struct Tally {
    tried: BTreeMap<Kind, u64>,
    refused: BTreeMap<Kind, u64>,
    ran: BTreeMap<Kind, u64>,
    failures: Vec<String>,
    slowest: (Duration, u64),
}

fn mutated_inputs(n: u64) {
    let base = {
        // The policy shock files are composed with, as `run --shock` would.
        let mut s = status_quo();
        s.name = "status-quo".into();
        s
    };
    let started = Instant::now();
    let tally = Mutex::new(Tally::default());
    // Dropped at the end of the test, with their folders.
    let pool = Workspaces::default();
    let trace = std::env::var_os("CARESHAPE_PROPERTY_TRACE").is_some();
    cases(n).into_par_iter().for_each(|case| {
        if trace {
            eprintln!("case {case}: {:?}", mutated_case(case));
        }
        let t = Instant::now();
        let outcome = mutated_input(case, &base, &pool);
        let took = t.elapsed();
        let kind = inputs().files[mutated_case(case).0].kind;
        let mut tally = tally.lock().unwrap();
        *tally.tried.entry(kind).or_default() += 1;
        if took > tally.slowest.0 {
            tally.slowest = (took, case);
        }
        match outcome {
            Ok(Handled::Refused) => *tally.refused.entry(kind).or_default() += 1,
            Ok(Handled::Ran | Handled::Calibrated) => *tally.ran.entry(kind).or_default() += 1,
            Err(f) => {
                let (file, ms) = mutated_case(case);
                tally.failures.push(format!(
                    "case {case} ({}; {ms:?}): {f}; saved in {}",
                    inputs().files[file].rel.display(),
                    failures_dir().join(format!("mutation-{case}")).display()
                ));
            }
        }
    });
    let tally = tally.into_inner().unwrap();
    let sum = |m: &BTreeMap<Kind, u64>| m.values().sum::<u64>();
    eprintln!(
        "mutated inputs: {} tried, {} refused with a message naming the file, {} accepted and run, {} failed ({:.1} s; slowest case {} took {:.2} s)",
        sum(&tally.tried),
        sum(&tally.refused),
        sum(&tally.ran),
        tally.failures.len(),
        started.elapsed().as_secs_f64(),
        tally.slowest.1,
        tally.slowest.0.as_secs_f64()
    );
    for (kind, tried) in &tally.tried {
        eprintln!(
            "  {kind:?} files: {tried} tried, {} refused, {} run",
            tally.refused.get(kind).unwrap_or(&0),
            tally.ran.get(kind).unwrap_or(&0)
        );
    }
    assert!(
        tally.failures.is_empty(),
        "{} of {} mutated inputs failed (0 allowed); reproduce one with CARESHAPE_PROPERTY_CASE=<case>:\n{}",
        tally.failures.len(),
        sum(&tally.tried),
        tally.failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Generated valid scenarios

fn generated(case: u64, base: &Scenario) -> Scenario {
    let mut r = runner(SCENARIO_STREAM, case);
    generate::scenario(&mut generate::Draw(&mut r), base, case)
}

fn valid_scenarios(n: u64) {
    let base = status_quo();
    let started = Instant::now();
    let weeks = Mutex::new(0u64);
    let failures: Vec<String> = cases(n)
        .into_par_iter()
        .filter_map(|case| {
            let s = generated(case, &base);
            let problems = validate(&s);
            let result = if problems.is_empty() {
                *weeks.lock().unwrap() += u64::from(s.run.weeks + s.run.burn_in_weeks);
                match catch_unwind(AssertUnwindSafe(|| run_checked(&s, case as u32))) {
                    Ok(Ok(())) => return None,
                    Ok(Err(v)) => format!("an invariant broke: {v}"),
                    Err(p) => format!("panicked: {}", panic_message(&*p)),
                }
            } else {
                format!("the validator refused a generated scenario: {problems:?}")
            };
            let dir = failures_dir();
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("generated-{case}.toml"));
            std::fs::write(&file, toml::to_string(&s).unwrap()).unwrap();
            Some(format!("case {case} ({}): {result}", file.display()))
        })
        .collect();
    eprintln!(
        "valid scenarios: {} generated and run ({} weeks in all), {} failed ({:.1} s)",
        cases(n).len(),
        weeks.into_inner().unwrap(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} generated scenarios failed (0 allowed); reproduce one with CARESHAPE_PROPERTY_CASE=<case>:\n{}",
        failures.len(),
        cases(n).len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Mutated inputs through the binary

/// Runs mutated inputs `0..n` through the binary: `validate` for scenario files, `run --shock`
/// on a short status quo for shock files, `calibrate` for calibration files the library
/// refuses (an accepted one would run a whole calibration). The short status quo is 60 weeks
/// after a 2-week burn-in. The exit code must be 0 or 2 (and
/// agree with the library), never a panic, and an error must name the file.
fn mutated_inputs_through_the_binary(n: u64) {
    let ws = Workspace::new();
    let out = tempfile::tempdir().unwrap();
    let base_file = out.path().join("base.toml");
    let status_quo_file = std::fs::canonicalize("scenarios/camden/status-quo.toml").unwrap();
    std::fs::write(
        &base_file,
        format!(
            "name = \"base\"\nextends = {:?}\n[run]\nweeks = 60\nburn_in_weeks = 2\n",
            arg(&status_quo_file)
        ),
    )
    .unwrap();
    // The library's view of the same base (shocks at week 60 or later fall outside its run).
    let base = {
        let mut s = status_quo();
        s.name = "base".into();
        s.run.weeks = 60;
        s.run.burn_in_weeks = 2;
        s
    };
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in cases(n) {
        let (file, ms) = mutated_case(case);
        let input = &inputs().files[file];
        let text = mutated_text(file, &ms);
        let outcome = ws.with_file(input, &text, |path| {
            let accepted = match catch_unwind(AssertUnwindSafe(|| load(input.kind, path, &base))) {
                Ok(Ok(Loaded::Refused)) => false,
                Ok(Ok(_)) => true,
                _ => {
                    return Some("skipped: the library fails on it (its own test reports it)".to_string());
                }
            };
            let o = out.path().join(format!("out-{case}"));
            let args: Vec<&str> = match input.kind {
                Kind::Scenario => vec!["validate", arg(path)],
                Kind::Shock => {
                    vec![
                        "run",
                        arg(&base_file),
                        "--shock",
                        arg(path),
                        "-r",
                        "1",
                        "-q",
                        "-t",
                        "1",
                        "-o",
                        arg(&o),
                    ]
                }
                Kind::Calibration if !accepted => vec!["calibrate", arg(path), "-o", arg(&o)],
                Kind::Calibration => return Some("skipped: an accepted calibration file".to_string()),
            };
            let (code, _, err) = careshape(&args);
            let problem = if err.contains("panicked") || !(code == 0 || code == 2) {
                Some(format!("exit code {code}, stderr:\n{err}"))
            } else if (code == 0) != accepted {
                Some(format!(
                    "the library {} it, the binary exits {code}:\n{err}",
                    if accepted { "accepts" } else { "refuses" }
                ))
            } else if code == 2
                && !err.contains(&path.display().to_string())
                && !(input.kind == Kind::Shock && err.contains("shock file `"))
            {
                Some(format!("the error does not name the file:\n{err}"))
            } else {
                None
            };
            *counts.entry(format!("exit {code}")).or_default() += 1;
            problem.map(|p| format!("careshape {}: {p}", args.join(" ")))
        });
        match outcome {
            Some(p) if p.starts_with("skipped") => *counts.entry(p).or_default() += 1,
            Some(p) => {
                ws.save(input, &text, &failures_dir().join(format!("binary-{case}")));
                failures.push(format!("case {case} ({}; {ms:?}): {p}", input.rel.display()));
            }
            None => {}
        }
    }
    eprintln!("mutated inputs through the binary: {counts:?}, {} failed", failures.len());
    assert!(failures.is_empty(), "{} binary runs failed:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The tests: a small sample in the fast tier, the full counts in the statistical suite.

#[test]
fn mutated_inputs_run_or_are_refused_naming_the_file() {
    mutated_inputs(FAST_MUTATIONS);
}

#[test]
fn generated_valid_scenarios_keep_every_invariant() {
    valid_scenarios(FAST_SCENARIOS);
}

#[test]
fn mutated_inputs_through_the_binary_exit_0_or_2() {
    mutated_inputs_through_the_binary(FAST_BINARY);
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn ten_thousand_mutated_inputs_run_or_are_refused_naming_the_file() {
    mutated_inputs(SLOW_MUTATIONS);
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn hundreds_of_generated_valid_scenarios_keep_every_invariant() {
    valid_scenarios(SLOW_SCENARIOS);
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn hundreds_of_mutated_inputs_through_the_binary_exit_0_or_2() {
    mutated_inputs_through_the_binary(SLOW_BINARY);
}
