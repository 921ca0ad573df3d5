//! Helpers shared by the test modules: shipped scenarios, replicates run in parallel and
//! cached, summary columns by name, the paired test of the test standard (docs/TESTING.md),
//! and the binary.

#![allow(dead_code)] // each helper is used by some modules, not all

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use careshape::analysis::stats::{PairedTest, moments, paired_test};
use careshape::{ReplicateResult, Scenario, Summary, run_replicate};
use rayon::prelude::*;

/// The significance level and minimum effect of the test standard (docs/TESTING.md §2).
pub const ALPHA: f64 = 0.01;
pub const MIN_SE: f64 = 3.0;

/// A scenario file, loaded and validated.
pub fn load(path: impl AsRef<Path>) -> Scenario {
    let path = path.as_ref();
    careshape::load_scenario(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A shipped Camden design by name, e.g. `shipped("status-quo")`.
pub fn shipped(name: &str) -> Scenario {
    load(Path::new("scenarios/camden").join(format!("{name}.toml")))
}

/// The shipped status quo.
pub fn status_quo() -> Scenario {
    shipped("status-quo")
}

type Slot = Arc<OnceLock<Arc<ReplicateResult>>>;
/// (scenario's TOML form, seed, replicate) → its run.
type Cache = Mutex<HashMap<(String, u64, u32), Slot>>;

/// Replicate `replicate` of `scenario` at `seed`, simulated once per test binary: tests that
/// pair against the same baseline share its runs. The cache is keyed by the scenario's every
/// parameter (its TOML form), not its name, so a modified scenario is never mistaken for the
/// one it came from; replicate i is the same run whichever test asks for it.
fn cached(scenario: &Scenario, key: &str, seed: u64, replicate: u32) -> Arc<ReplicateResult> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let slot = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry((key.to_string(), seed, replicate))
        .or_default()
        .clone();
    slot.get_or_init(|| Arc::new(run_replicate(scenario, seed, replicate))).clone()
}

/// Replicates `range` of a scenario at `seed`, in parallel, cached (see `cached`).
pub fn runs(scenario: &Scenario, seed: u64, range: Range<u32>) -> Vec<Arc<ReplicateResult>> {
    let key = toml::to_string(scenario).expect("a scenario serialises");
    range.into_par_iter().map(|r| cached(scenario, &key, seed, r)).collect()
}

/// Replicates `range` of a scenario at `seed`, in parallel and not cached: for runs no other
/// test shares (a confirmatory sample, a one-off variant).
pub fn runs_uncached(scenario: &Scenario, seed: u64, range: Range<u32>) -> Vec<ReplicateResult> {
    range.into_par_iter().map(|r| run_replicate(scenario, seed, r)).collect()
}

/// Summaries of replicates `0..n` of a scenario at `seed` (cached runs).
pub fn summaries(scenario: &Scenario, seed: u64, n: u32) -> Vec<Summary> {
    runs(scenario, seed, 0..n).iter().map(|r| careshape::summarise(r)).collect()
}

/// One summary metric over replicates; a misspelt metric fails the test with the name.
pub fn col(summaries: &[Summary], metric: &str) -> Vec<f64> {
    careshape::analysis::column(summaries, metric).unwrap_or_else(|e| panic!("{e}"))
}

/// The one-sided paired test of `treatment` against `baseline` on one summary metric;
/// `increase` is the expected direction.
pub fn paired(treatment: &[Summary], baseline: &[Summary], metric: &str, increase: bool) -> PairedTest {
    paired_test(&col(treatment, metric), &col(baseline, metric), increase)
}

/// Asserts the test standard: one-sided p < 0.01 and an effect of at least 3 SE.
pub fn assert_passes(t: &PairedTest, what: &str) {
    assert!(t.passes(ALPHA, MIN_SE), "{what}: {t:?}");
}

/// The paired tests of one test function: each is run and printed, then any failure fails.
#[derive(Default)]
pub struct Checks(Vec<String>);

impl Checks {
    pub fn check(&mut self, t: &PairedTest, what: &str) {
        eprintln!(
            "{what}: difference {:+.4} (se {:.4}, {:.1} se, p {:.2e})",
            t.mean_difference, t.standard_error, t.effect_in_se, t.p_value
        );
        if !t.passes(ALPHA, MIN_SE) {
            self.0.push(format!("{what}: {t:?}"));
        }
    }

    pub fn done(self) {
        assert!(self.0.is_empty(), "failed:\n{}", self.0.join("\n"));
    }
}

/// Prints a reported (not asserted) quantity as mean ± 95% CI half-width.
pub fn report(what: &str, xs: &[f64]) {
    let m = moments(xs);
    eprintln!("{what}: {:.2} ± {:.2} (95% CI)", m.mean, m.ci_half_width(0.95));
}

/// Runs the `careshape` binary; returns (exit code, stdout, stderr).
pub fn careshape(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_careshape")).args(args).output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary and asserts an input error: exit code 2, no panic, and every part of
/// `must_contain` in stderr, which it returns.
pub fn assert_input_error(args: &[&str], must_contain: &[&str]) -> String {
    let (code, _, err) = careshape(args);
    assert_eq!(code, 2, "careshape {}: expected exit code 2, stderr:\n{err}", args.join(" "));
    assert!(!err.contains("panicked"), "careshape {} panicked:\n{err}", args.join(" "));
    for part in must_contain {
        assert!(err.contains(part), "careshape {}: stderr lacks {part:?}:\n{err}", args.join(" "));
    }
    err
}

/// Runs the binary and fails the test, with its stderr, unless it succeeds.
pub fn careshape_ok(args: &[&str]) -> String {
    let (code, out, err) = careshape(args);
    assert_eq!(code, 0, "careshape {} failed:\n{err}", args.join(" "));
    out
}

/// A path as a `&str` argument.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A temporary scenario file with `text`; keep the folder alive while the file is used.
pub fn scenario_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}
