//! The scenario: every parameter of a run in one typed struct, with documented defaults.
//!
//! Owns the TOML schema (`schema`), loading with precise errors (`load`) and validation
//! (`validate`). Defaults are the Camden status quo; their sources are in docs/CALIBRATION.md.

pub mod diff;
mod load;
mod schema;
pub mod shocks;
mod validate;

pub use load::{
    Problem, ScenarioError, in_base, invalid, load_scenario, load_scenario_str, parse_toml, read_text,
    scenario_files,
};
pub use schema::*;
pub use shocks::{Composed, ShockFile, compose, load_shock_file, load_shock_files};
pub(crate) use validate::MAX_SPAN_WEEKS;
pub use validate::{checked, validate};
