//! careshape's integration tests, as one test binary (one link of the library and polars, not
//! one per file). Modules by topic; shared helpers in `common`. The statistical suites are
//! `#[ignore]`d so that `cargo test` stays fast; `cargo test -- --include-ignored` runs them
//! too, as CI does (docs/TESTING.md).

mod common;

mod accounting;
mod behaviour;
mod budget;
mod calibration;
mod charter;
mod cli;
mod comparison;
mod costs;
mod decompose;
mod deploy;
mod determinism;
mod docs;
mod golden;
mod levers;
mod limits;
mod output_safety;
mod patterns;
mod posterior;
mod properties;
mod provider_years;
mod report;
mod robustness;
mod scale;
mod scaleout;
mod stress;
mod sweep;
mod travel;
mod value;
mod workforce;
