//! careshape: an agent-based simulator of a local homecare market under configurable
//! commissioning rules.
//!
//! Data flows one way: a [`Scenario`] is stepped by the [`engine`] over the [`model`], the
//! [`metrics`] recorder observes each week, [`analysis`] summarises replicates, and
//! [`output`] writes tables and the run manifest. The CLI (`cli`) is one face of this library.

pub mod analysis;
pub mod calibration;
pub mod charts;
pub mod cli;
pub mod engine;
pub mod metrics;
pub mod model;
pub mod output;
pub mod policy;
pub mod report;
pub mod rng;
pub mod scenario;

pub use engine::{ReplicateResult, Simulation, run_batch, run_replicate};
pub use scenario::{Scenario, ScenarioError, load_scenario};
