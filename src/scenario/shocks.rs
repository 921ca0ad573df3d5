//! Shock files and stress composition. A shock file holds only a name, a description and
//! `[[shocks]]`; it applies on top of any policy scenario. Composing policies × shock files
//! gives, for each policy, the policy itself (the paired baseline) and one scenario
//! `<policy>+<shock>` per shock file, so one run holds the whole stress matrix and every
//! shocked scenario shares its baseline's random numbers.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::load::{invalid, parse_toml, read_text, scenario_files};
use super::schema::{Scenario, Shock};
use super::validate::shocks_problems;
use super::{ScenarioError, validate};

/// A shock file: what happens, and when, independent of the policy it hits.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ShockFile {
    /// Short name (default: the file name); composed scenarios are named `<policy>+<name>`.
    pub name: String,
    pub description: String,
    pub shocks: Vec<Shock>,
}

/// Reads and checks a shock file. Any key other than `name`, `description` and `[[shocks]]`
/// is an error: a shock file changes what happens, never the policy or the calibration.
pub fn load_shock_file(file: &Path) -> Result<ShockFile, ScenarioError> {
    let text = read_text(file)?;
    let mut sf: ShockFile = parse_toml(&text, file).map_err(|e| match e {
        ScenarioError::Parse { file, key, location, message } if message.contains("unknown field") => {
            ScenarioError::Parse {
                file,
                key,
                location,
                message: format!(
                    "{message}. A shock file holds only `name`, `description` and `[[shocks]]`; \
                     apply it to policy scenarios with `--shock`"
                ),
            }
        }
        e => e,
    })?;
    if sf.name.is_empty() {
        sf.name =
            file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "shock".into());
    }
    let mut problems = shocks_problems(&sf.shocks, u32::MAX);
    if sf.shocks.is_empty() {
        problems.push(("shocks".into(), "expected at least one [[shocks]] entry".into()));
    }
    if problems.is_empty() { Ok(sf) } else { Err(invalid(&text, file, problems)) }
}

/// Shock files named by paths (files, or folders whose `*.toml` files are all used, sorted).
pub fn load_shock_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, ShockFile)>, Vec<ScenarioError>> {
    let files = scenario_files(paths).map_err(|e| vec![e])?;
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match load_shock_file(&f) {
            Ok(s) => ok.push((f, s)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(ok) } else { Err(errors) }
}

/// One scenario of a stress run: the policy it comes from and the shock file applied (None
/// for the policy's own, unshocked run).
#[derive(Clone, Debug)]
pub struct Composed {
    pub scenario: Scenario,
    pub policy: String,
    pub shock: Option<String>,
}

/// The stress matrix: for each policy, the policy itself and then the policy with each shock
/// file's shocks added to its own. Fails (with a message naming the shock file) if a shock
/// falls outside a policy's run.
pub fn compose(policies: &[Scenario], shocks: &[ShockFile]) -> crate::Result<Vec<Composed>> {
    let mut out = Vec::with_capacity(policies.len() * (shocks.len() + 1));
    let mut errors = Vec::new();
    for p in policies {
        out.push(Composed { scenario: p.clone(), policy: p.name.clone(), shock: None });
        for sf in shocks {
            let mut s = p.clone();
            s.name = format!("{}+{}", p.name, sf.name);
            s.description = format!("{} | shock: {}", p.description, sf.description);
            s.shocks.extend(sf.shocks.iter().cloned());
            for (key, message) in validate(&s) {
                errors.push(format!(
                    "shock file `{}` on scenario `{}`: key `{key}`: {message}",
                    sf.name, p.name
                ));
            }
            out.push(Composed { scenario: s, policy: p.name.clone(), shock: Some(sf.name.clone()) });
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(crate::Error::Input(errors.join("\n"))) }
}
