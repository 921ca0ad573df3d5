//! Parameter draws from a calibration's accepted set for `compare --posterior`
//! (docs/COMPARISON.md, "Parameter uncertainty"). The accepted set is
//! `calibration_accepted.parquet` (or `.csv`) as `careshape calibrate` writes it: a column per
//! free parameter, named by its key path, and a `weight` column. A comparison makes K draws
//! from it (draw d from its own stream of the master seed, not of any scenario) and replicate r
//! runs draw r mod K in every scenario, so each replicate's scenarios share one parameter set
//! and their differences stay paired.

use std::path::{Path, PathBuf};

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::calibration::paths::{get_parameter, set_parameter};
use crate::error::{Error, Result};
use crate::rng::{Process, Streams};
use crate::scenario::Scenario;

/// A weighted set of parameter points.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    pub file: PathBuf,
    /// Key paths of the parameters.
    pub keys: Vec<String>,
    /// `points[i][k]`: point i's value of key k.
    pub points: Vec<Vec<f64>>,
    /// Non-negative, summing to a positive total.
    pub weights: Vec<f64>,
}

/// What a comparison's manifest records of its posterior draws.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PosteriorInfo {
    pub file: String,
    pub sha256: String,
    pub draws: u32,
    pub keys: Vec<String>,
    /// The accepted point (row of the file) each draw took.
    pub points: Vec<usize>,
}

impl Posterior {
    /// A posterior from columns: every column named by a key path (it contains a `.`) is a
    /// parameter, and `weight` weighs the rows (equal weights without it).
    pub fn from_columns(file: &Path, columns: Vec<(String, Vec<f64>)>) -> Result<Posterior> {
        let bad = |msg: String| Error::Input(format!("{}: {msg}", file.display()));
        let n = columns.first().map_or(0, |c| c.1.len());
        if n == 0 {
            return Err(bad("no accepted points".into()));
        }
        let weights = columns.iter().find(|(k, _)| k == "weight").map_or(vec![1.0; n], |(_, w)| w.clone());
        if let Some((i, w)) = weights.iter().enumerate().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
            return Err(bad(format!("row {i}: weight {w} is not a finite non-negative number")));
        }
        if weights.iter().sum::<f64>() <= 0.0 {
            return Err(bad("the weights sum to 0".into()));
        }
        let params: Vec<(String, Vec<f64>)> = columns.into_iter().filter(|(k, _)| k.contains('.')).collect();
        if params.is_empty() {
            return Err(bad(
                "no parameter columns (columns named by a key path such as `workforce.quit_pay_elasticity`)"
                    .into(),
            ));
        }
        for (k, v) in &params {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return Err(bad(format!("row {i}: `{k}` is not a finite number")));
            }
        }
        Ok(Posterior {
            file: file.to_path_buf(),
            keys: params.iter().map(|(k, _)| k.clone()).collect(),
            points: (0..n).map(|i| params.iter().map(|(_, v)| v[i]).collect()).collect(),
            weights,
        })
    }

    /// Reads `calibration_accepted.parquet` or `.csv`.
    #[cfg(feature = "output")]
    pub fn read(file: &Path) -> Result<Posterior> {
        use polars::prelude::*;
        let bad =
            |e: PolarsError| Error::Input(format!("{}: cannot read the accepted set: {e}", file.display()));
        let df = match file.extension().and_then(|e| e.to_str()) {
            Some("parquet") => {
                let f = std::fs::File::open(file)
                    .map_err(|e| Error::Input(format!("{}: cannot open: {e}", file.display())))?;
                ParquetReader::new(f).finish().map_err(bad)?
            }
            Some("csv") => CsvReadOptions::default()
                .with_has_header(true)
                .try_into_reader_with_file_path(Some(file.to_path_buf()))
                .map_err(bad)?
                .finish()
                .map_err(bad)?,
            _ => {
                return Err(Error::Input(format!(
                    "{}: expected a .parquet or .csv accepted set (calibration_accepted.parquet)",
                    file.display()
                )));
            }
        };
        let mut columns = Vec::new();
        for c in df.columns() {
            let name = c.name().to_string();
            if name != "weight" && !name.contains('.') {
                continue;
            }
            let v = c.cast(&DataType::Float64).map_err(bad)?;
            let v: Vec<f64> =
                v.f64().map_err(bad)?.to_vec().into_iter().map(|x| x.unwrap_or(f64::NAN)).collect();
            columns.push((name, v));
        }
        Self::from_columns(file, columns)
    }

    /// Checks that every parameter is a numeric key of every scenario.
    pub fn check(&self, scenarios: &[Scenario]) -> Result<()> {
        for k in &self.keys {
            for s in scenarios {
                get_parameter(s, k).map_err(|e| {
                    Error::Input(format!(
                        "{}: column `{k}` is not a parameter of {}: {e}",
                        self.file.display(),
                        s.name
                    ))
                })?;
            }
        }
        Ok(())
    }

    /// The point draw `d` takes: a weighted draw from the draw's own stream of `seed`.
    pub fn draw(&self, seed: u64, d: u32) -> usize {
        let total: f64 = self.weights.iter().sum();
        let u = Streams::new(seed, u64::from(d)).entity(Process::Posterior, 0, 0).random::<f64>() * total;
        let mut acc = 0.0;
        for (i, w) in self.weights.iter().enumerate() {
            acc += w;
            if u < acc {
                return i;
            }
        }
        self.weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
    }

    /// `s` with point `i`'s parameter values.
    pub fn apply(&self, s: &Scenario, i: usize) -> Result<Scenario> {
        let mut t = s.clone();
        for (k, v) in self.keys.iter().zip(&self.points[i]) {
            t = set_parameter(&t, k, *v)?;
        }
        crate::scenario::checked(t, || format!("{}: accepted point {i}", self.file.display()))
    }
}
