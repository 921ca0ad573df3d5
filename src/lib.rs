//! careshape: an agent-based simulator of a local homecare market under configurable
//! commissioning rules.
//!
//! Data flows one way: a [`Scenario`] is stepped by the [`engine`] over the [`model`], the
//! [`metrics`] recorder observes each week, [`analysis`] summarises replicates and compares
//! scenarios, and [`output`] writes tables and the run manifest; [`report`] turns a saved
//! comparison into charts and a self-contained HTML page. The `careshape` binary is one face of
//! this library; the model's rules are described in `docs/ODD.md`.
//!
//! The public surface, in the order a driver uses it:
//! - load: [`load_scenario`] (one file) or [`Study::load`] (files and folders, checked to line
//!   up, optionally composed with shock files by [`Study::with_shocks`]);
//! - run: [`run_replicate`], or [`Study::run`] / [`run_batch`] for scenarios × replicates on
//!   rayon, reproducible whatever the thread count;
//! - summarise: [`summarise`] gives a [`Summary`], looked up by metric name;
//! - compare: [`analysis::compare`] pairs replicates across scenarios (common random numbers)
//!   and [`analysis::stats`] holds the paired test of docs/TESTING.md;
//! - write: [`output::tables`], [`output::manifest`] and [`report::build`].
//!
//! With default features off (`careshape = { ..., default-features = false }`) the crate is the
//! simulation core, without polars and plotters: everything above except Parquet/CSV tables,
//! charts and the report (feature `output`); feature `cli` adds the binary.
//!
//! Errors are one type per layer: [`ScenarioError`] for input files, [`output::OutputError`]
//! for output folders, and [`Error`] over both for whole jobs.
//!
//! # Example
//!
//! Run the shipped status quo for a short while and read a headline outcome by name:
//!
//! ```
//! use std::path::Path;
//!
//! let mut scenario = careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml"))?;
//! scenario.run.burn_in_weeks = 4;
//! scenario.run.weeks = 8;
//! let result = careshape::run_replicate(&scenario, 1, 0);
//! let summary = careshape::summarise(&result);
//! let unmet = summary.get("unmet_need_share").expect("a summary metric");
//! assert!((0.0..=1.0).contains(&unmet));
//! assert!(summary.get("no_such_metric").is_none());
//! # Ok::<(), careshape::Error>(())
//! ```

pub mod analysis;
pub mod calibration;
#[cfg(feature = "output")]
mod charts;
pub mod decompose;
pub mod engine;
pub mod error;
pub mod metrics;
pub mod model;
pub mod output;
pub mod policy;
pub mod posterior;
#[cfg(feature = "output")]
pub mod report;
mod rng;
pub mod scenario;
pub mod shard;
pub mod study;
pub mod sweep;

pub use analysis::{Summary, summarise};
pub use engine::{ReplicateResult, Simulation, run_batch, run_replicate};
pub use error::{Error, Result};
pub use scenario::{Scenario, ScenarioError, load_scenario};
pub use study::Study;
