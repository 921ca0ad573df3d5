//! The identification report: per free parameter, how far the accepted population narrows its
//! prior, and which targets move it (docs/CALIBRATION.md §6).

use super::{CalibrationResult, Point, weighted_quantiles};
use crate::analysis::summary_names;
use crate::calibration::{Calibration, FreeParameter};

/// A posterior whose 90% interval is wider than this share of the prior's 90% interval is
/// labelled "unidentified": the targets and filters hardly constrain it.
pub const UNIDENTIFIED_RATIO: f64 = 0.8;

/// A target counts as moving a parameter when their weighted correlation over the accepted
/// population is at least this large in magnitude.
pub const MOVES_CORRELATION: f64 = 0.3;

/// What the calibration learnt about one free parameter.
#[derive(Clone, Debug)]
pub struct Identification {
    pub path: String,
    /// The prior: uniform on [min, max].
    pub prior: (f64, f64),
    /// Weighted posterior 5%, 50% and 95% quantiles.
    pub q05: f64,
    pub q50: f64,
    pub q95: f64,
    /// Width of the posterior's 90% interval / width of the prior's (0.9 × (max − min)).
    pub width_ratio: f64,
    /// Targets whose value is correlated with the parameter over the accepted population
    /// (|r| ≥ `MOVES_CORRELATION`), with r, strongest first.
    pub moved_by: Vec<(String, f64)>,
}

impl Identification {
    /// Whether the posterior is hardly narrower than the prior.
    pub fn unidentified(&self) -> bool {
        self.width_ratio > UNIDENTIFIED_RATIO
    }
}

/// Weighted Pearson correlation of (x, y, w) triples (weights need not be normalised); 0 when
/// either variable does not vary.
pub fn weighted_correlation(xyw: &[(f64, f64, f64)]) -> f64 {
    let total: f64 = xyw.iter().map(|t| t.2).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mx = xyw.iter().map(|t| t.0 * t.2).sum::<f64>() / total;
    let my = xyw.iter().map(|t| t.1 * t.2).sum::<f64>() / total;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y, w) in xyw {
        sxy += w * (x - mx) * (y - my);
        sxx += w * (x - mx) * (x - mx);
        syy += w * (y - my) * (y - my);
    }
    if sxx <= 0.0 || syy <= 0.0 { 0.0 } else { sxy / (sxx * syy).sqrt() }
}

fn identify_one(cal: &Calibration, points: &[Point], k: usize, fp: &FreeParameter) -> Identification {
    let (q05, q50, q95) = weighted_quantiles(points, k);
    let width_ratio = (q95 - q05) / (0.9 * (fp.max - fp.min));
    let names = summary_names();
    let mut moved_by: Vec<(String, f64)> = Vec::new();
    for t in &cal.config.targets {
        if moved_by.iter().any(|m| m.0 == t.metric) {
            continue;
        }
        let i = names.iter().position(|n| *n == t.metric).expect("checked at load");
        let xyw: Vec<(f64, f64, f64)> =
            points.iter().filter(|p| p.accepted).map(|p| (p.params[k], p.summary[i], p.weight)).collect();
        let r = weighted_correlation(&xyw);
        if r.abs() >= MOVES_CORRELATION {
            moved_by.push((t.metric.clone(), r));
        }
    }
    moved_by.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    Identification { path: fp.path.clone(), prior: (fp.min, fp.max), q05, q50, q95, width_ratio, moved_by }
}

/// The identification report of a calibration, one row per free parameter in file order.
pub fn identification(cal: &Calibration, result: &CalibrationResult) -> Vec<Identification> {
    cal.config.parameters.iter().enumerate().map(|(k, fp)| identify_one(cal, &result.points, k, fp)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_is_signed_and_weighted() {
        let up: Vec<(f64, f64, f64)> = (0..10).map(|i| (i as f64, 2.0 * i as f64 + 1.0, 1.0)).collect();
        assert!((weighted_correlation(&up) - 1.0).abs() < 1e-12);
        let down: Vec<(f64, f64, f64)> = (0..10).map(|i| (i as f64, -(i as f64), 1.0)).collect();
        assert!((weighted_correlation(&down) + 1.0).abs() < 1e-12);
        // A point of zero weight does not count.
        let mut w = up.clone();
        w.push((100.0, -500.0, 0.0));
        assert!((weighted_correlation(&w) - 1.0).abs() < 1e-12);
        let flat: Vec<(f64, f64, f64)> = (0..5).map(|i| (i as f64, 3.0, 1.0)).collect();
        assert_eq!(weighted_correlation(&flat), 0.0);
    }
}
