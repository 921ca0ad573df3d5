//! The run manifest: what was run, with what, from which code, so a run can be reproduced.

use std::path::{Path, PathBuf};

use crate::output::Result;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::write_atomic;
use crate::scenario::Scenario;

#[derive(Serialize)]
pub struct Manifest {
    /// What identifies the run's tables (`Study::run_id`); every Parquet table of the folder
    /// carries it in its metadata (key `careshape:run_id`).
    pub run_id: String,
    pub careshape_version: &'static str,
    /// Git commit of the sources the binary was compiled from, if built from a git checkout.
    pub git_commit: Option<&'static str>,
    /// Whether those sources had uncommitted changes (`None` outside a git checkout).
    pub git_dirty: Option<bool>,
    /// SHA-256 over the compiled sources (`src/`, `assets/`, `build.rs`, `Cargo.toml`,
    /// `Cargo.lock`): identifies the code exactly, committed or not.
    pub source_sha256: &'static str,
    pub master_seed: u64,
    pub replicates: u32,
    pub weeks: u32,
    pub burn_in_weeks: u32,
    pub scenarios: Vec<ScenarioEntry>,
    /// How `careshape compare` compared the scenarios (absent for `run`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<ComparisonInfo>,
    /// Execution details that may differ between identical runs (not part of the results).
    pub execution: Execution,
}

#[derive(Serialize)]
pub struct ScenarioEntry {
    pub name: String,
    pub file: Option<PathBuf>,
    /// SHA-256 of the scenario file's bytes.
    pub file_sha256: Option<String>,
    /// The shock file applied on top (`careshape run --shock`), and its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shock_file: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shock_file_sha256: Option<String>,
    /// Every parameter, fully resolved (defaults filled in).
    pub parameters: Scenario,
}

/// The comparison settings of `careshape compare`, so `careshape report` can rebuild it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ComparisonInfo {
    pub baseline: String,
    /// `fixed` or `auto`.
    pub replicates_mode: String,
    /// For `--replicates auto`: the rule and what it reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto: Option<AutoReplicates>,
    /// With `--posterior`: the accepted set, the number of draws and each draw's point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<crate::posterior::PosteriorInfo>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AutoReplicates {
    pub batch: u32,
    pub max_replicates: u32,
    /// Every headline outcome reached its tolerance (false: stopped at the cap).
    pub reached: bool,
    pub precision: Vec<PrecisionEntry>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PrecisionEntry {
    pub metric: String,
    /// As given: `0.005` (absolute) or `2%` (relative to the baseline's mean).
    pub tolerance: String,
    pub tolerance_abs: f64,
    pub widest_half_width: f64,
    pub reached: bool,
}

#[derive(Serialize)]
pub struct Execution {
    pub threads: usize,
    pub wall_time_seconds: f64,
}

impl Manifest {
    /// A manifest stamped with this build's version, commit and source hash.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        run_id: String,
        master_seed: u64,
        replicates: u32,
        weeks: u32,
        burn_in_weeks: u32,
        scenarios: Vec<ScenarioEntry>,
        comparison: Option<ComparisonInfo>,
        execution: Execution,
    ) -> Self {
        Manifest {
            run_id,
            careshape_version: env!("CARGO_PKG_VERSION"),
            git_commit: Some(env!("CARESHAPE_GIT_COMMIT")).filter(|c| !c.is_empty()),
            git_dirty: match env!("CARESHAPE_GIT_DIRTY") {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            source_sha256: env!("CARESHAPE_SOURCE_SHA256"),
            master_seed,
            replicates,
            weeks,
            burn_in_weeks,
            scenarios,
            comparison,
            execution,
        }
    }
}

/// SHA-256 of a file, hex-encoded.
pub fn file_sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(crate::output::OutputError::io("cannot read", path))?;
    Ok(sha256_hex(&bytes))
}

/// SHA-256 of bytes, hex-encoded.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A run id: SHA-256 of what determines a run's outputs (`inputs`) together with the careshape
/// version and the SHA-256 of its sources, so the same inputs run by other code get another id.
pub fn run_id(inputs: &serde_json::Value) -> String {
    let all = serde_json::json!({
        "careshape_version": env!("CARGO_PKG_VERSION"),
        "source_sha256": env!("CARESHAPE_SOURCE_SHA256"),
        "inputs": inputs,
    });
    sha256_hex(all.to_string().as_bytes())
}

/// The Parquet metadata key under which every table carries its run's id.
pub const RUN_ID_KEY: &str = "careshape:run_id";

pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    write_atomic(&dir.join("manifest.json"), |f| {
        serde_json::to_writer_pretty(&mut *f, manifest)?;
        use std::io::Write;
        writeln!(f)?;
        Ok(())
    })
}
