//! Calibration by approximate Bayesian computation (ABC): rejection over a space-filling
//! design of the free parameters, optionally refined by ABC-SMC rounds (Beaumont et al. 2009),
//! each point run for several replicates in parallel with common random numbers. The distance
//! of a point is how far its mean outcomes fall outside the target ranges, in range widths.

pub mod config;
pub mod design;
pub mod paths;

pub use config::{Calibration, CalibrationFile, Design, FreeParameter, Method, Target, load_calibration};
pub use paths::{get_parameter, set_parameter};

use rand::RngExt;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

use crate::analysis::stats::quantile;
use crate::analysis::{Summary, summarise, summary_names};
use crate::engine::run_replicate;
use crate::rng::{Process, Streams};
use crate::scenario::Scenario;

/// One evaluated parameter set.
#[derive(Clone, Debug)]
pub struct Point {
    /// 0 for the design, r for the r-th SMC round.
    pub round: u32,
    pub params: Vec<f64>,
    /// Mean over replicates of every summary metric (in `summary_names()` order).
    pub summary: Vec<f64>,
    /// Distance outside the target ranges (0 = inside all).
    pub distance: f64,
    /// Distance from the centres of the target ranges (breaks ties among inside points).
    pub centre_distance: f64,
    /// In the final accepted population.
    pub accepted: bool,
    /// Importance weight in the final population (0 if not accepted).
    pub weight: f64,
}

impl Point {
    /// A point of `round` with its mean summaries, its distances to the targets computed,
    /// not (yet) accepted.
    fn evaluated(cal: &Calibration, round: u32, params: Vec<f64>, summary: Vec<f64>) -> Self {
        let (distance, centre_distance) = distances(&cal.config.targets, &summary);
        Point { round, params, summary, distance, centre_distance, accepted: false, weight: 0.0 }
    }
}

/// Everything a calibration produces.
#[derive(Clone, Debug)]
pub struct CalibrationResult {
    pub points: Vec<Point>,
    /// Index of the best point (smallest distance, then closest to the target centres).
    pub best: usize,
    pub best_scenario: Scenario,
    /// Summaries of the best scenario over `confirm_replicates` fresh replicates.
    pub confirmation: Vec<Summary>,
    /// The finalists (point indices) and their distances over `confirm_replicates` replicates.
    pub finalists: Vec<(usize, f64)>,
    /// The ABC tolerance of each round.
    pub tolerances: Vec<f64>,
}

/// Builds the scenario for a parameter vector.
pub fn scenario_at(cal: &Calibration, params: &[f64]) -> Scenario {
    let mut s = cal.base.clone();
    for (fp, &v) in cal.config.parameters.iter().zip(params) {
        s = set_parameter(&s, &fp.path, v).expect("paths and ranges checked at load");
    }
    s
}

fn metric_index(name: &str) -> usize {
    summary_names().iter().position(|n| *n == name).expect("metric names checked at load")
}

/// Distance outside the target ranges and distance from their centres, in range widths.
pub fn distances(targets: &[Target], summary: &[f64]) -> (f64, f64) {
    let (mut out, mut centre) = (0.0, 0.0);
    for t in targets {
        let m = summary[metric_index(&t.metric)];
        let (lo, hi) = t.range();
        let w = hi - lo;
        let excess = (lo - m).max(m - hi).max(0.0) / w;
        out += excess * excess;
        centre += ((m - 0.5 * (lo + hi)) / w).powi(2);
    }
    (out.sqrt(), centre.sqrt())
}

/// Mean summaries of each parameter set over the method's replicates (common random numbers:
/// every point uses the same replicate seeds). `progress` is called after each run.
fn evaluate(
    cal: &Calibration,
    sets: &[Vec<f64>],
    seed: u64,
    reps: u32,
    progress: &(dyn Fn() + Sync),
) -> Vec<Vec<f64>> {
    let jobs: Vec<(usize, u32)> = (0..sets.len()).flat_map(|i| (0..reps).map(move |r| (i, r))).collect();
    let runs: Vec<Vec<f64>> = jobs
        .par_iter()
        .map(|&(i, r)| {
            let s = scenario_at(cal, &sets[i]);
            let out = summarise(&run_replicate(&s, seed, r)).values().to_vec();
            progress();
            out
        })
        .collect();
    runs.chunks(reps as usize)
        .map(|chunk| {
            let n = chunk.len() as f64;
            (0..chunk[0].len()).map(|k| chunk.iter().map(|c| c[k]).sum::<f64>() / n).collect()
        })
        .collect()
}

/// The number of model runs a calibration will make (for progress bars).
pub fn total_runs(cal: &Calibration) -> usize {
    let m = &cal.config.method;
    (m.points as usize + m.smc_rounds as usize * m.smc_points as usize) * m.replicates as usize
        + (m.finalists as usize + 1) * m.confirm_replicates as usize
}

/// Runs the calibration.
pub fn calibrate(cal: &Calibration, progress: &(dyn Fn() + Sync)) -> CalibrationResult {
    let m = &cal.config.method;
    let params = &cal.config.parameters;
    let dims = params.len();
    let scale =
        |u: &[f64]| -> Vec<f64> { u.iter().zip(params).map(|(u, p)| p.min + u * (p.max - p.min)).collect() };
    let mut points: Vec<Point> = Vec::new();
    let mut tolerances = Vec::new();

    // Round 0: rejection over the space-filling design.
    let sets: Vec<Vec<f64>> =
        design::unit_design(m.design, m.points as usize, dims, m.seed).iter().map(|u| scale(u)).collect();
    let summaries = evaluate(cal, &sets, m.seed, m.replicates, progress);
    for (params, summary) in sets.into_iter().zip(summaries) {
        points.push(Point::evaluated(cal, 0, params, summary));
    }
    let d: Vec<f64> = points.iter().map(|p| p.distance).collect();
    let mut eps = quantile(&d, m.accept_share);
    tolerances.push(eps);
    let mut population: Vec<(usize, f64)> =
        points.iter().enumerate().filter(|(_, p)| p.distance <= eps).map(|(i, _)| (i, 1.0)).collect();
    normalise(&mut population);

    // ABC-SMC rounds: propose from the weighted population with a Gaussian kernel of twice
    // its variance, accept below a shrinking tolerance, reweight by importance.
    for round in 1..=m.smc_rounds {
        let sd: Vec<f64> = (0..dims)
            .map(|k| {
                let mean: f64 = population.iter().map(|&(i, w)| w * points[i].params[k]).sum();
                let var: f64 =
                    population.iter().map(|&(i, w)| w * (points[i].params[k] - mean).powi(2)).sum();
                (2.0 * var).sqrt().max(1e-9 * (params[k].max - params[k].min))
            })
            .collect();
        let streams = Streams::new(m.seed, round as u64);
        let proposals: Vec<Vec<f64>> = (0..m.smc_points)
            .map(|j| {
                let mut rng = streams.entity(Process::Calibration, round as i64, j as u64);
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let parent = population.iter().find(|&&(_, w)| {
                    acc += w;
                    u < acc
                });
                let parent = parent.unwrap_or(population.last().expect("non-empty population")).0;
                (0..dims)
                    .map(|k| {
                        let x = points[parent].params[k]
                            + Normal::new(0.0, sd[k]).expect("sd > 0").sample(&mut rng);
                        reflect(x, params[k].min, params[k].max)
                    })
                    .collect()
            })
            .collect();
        let summaries = evaluate(cal, &proposals, m.seed, m.replicates, progress);
        let start = points.len();
        for (params, summary) in proposals.into_iter().zip(summaries) {
            points.push(Point::evaluated(cal, round, params, summary));
        }
        // The tolerance shrinks to the median distance of the current population, but never so
        // far that fewer than a quarter of the proposals survive (the population would collapse
        // onto a handful of points and its spread would mean nothing).
        let pop_d: Vec<f64> = population.iter().map(|&(i, _)| points[i].distance).collect();
        let new_d: Vec<f64> = points[start..].iter().map(|p| p.distance).collect();
        eps = quantile(&pop_d, 0.5).max(quantile(&new_d, MIN_SMC_ACCEPTED));
        tolerances.push(eps);
        let mut next: Vec<(usize, f64)> = Vec::new();
        for (i, p) in points.iter().enumerate().skip(start) {
            if p.distance <= eps {
                let denom: f64 = population
                    .iter()
                    .map(|&(j, w)| {
                        w * (0..dims)
                            .map(|k| {
                                let z = (p.params[k] - points[j].params[k]) / sd[k];
                                (-0.5 * z * z).exp()
                            })
                            .product::<f64>()
                    })
                    .sum();
                next.push((i, 1.0 / denom.max(1e-300)));
            }
        }
        if next.len() >= 2 {
            normalise(&mut next);
            population = next;
        }
    }
    for &(i, w) in &population {
        points[i].accepted = true;
        points[i].weight = w;
    }

    // Finalists: the closest points, re-run with more replicates (on seeds not used so far)
    // so that the winner is not simply the luckiest draw.
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&points[a], &points[b]);
        pa.distance
            .total_cmp(&pb.distance)
            .then(pa.centre_distance.total_cmp(&pb.centre_distance))
            .then(a.cmp(&b))
    });
    order.truncate(m.finalists as usize);
    let select_seed = m.seed.wrapping_add(500_009);
    let sets: Vec<Vec<f64>> = order.iter().map(|&i| points[i].params.clone()).collect();
    let means = evaluate(cal, &sets, select_seed, m.confirm_replicates, progress);
    let finalists: Vec<(usize, f64, f64)> = order
        .iter()
        .zip(&means)
        .map(|(&i, mean)| {
            let (d, c) = distances(&cal.config.targets, mean);
            (i, d, c)
        })
        .collect();
    let best = finalists
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)).then(a.0.cmp(&b.0)))
        .expect("at least one finalist")
        .0;
    let finalists: Vec<(usize, f64)> = finalists.iter().map(|f| (f.0, f.1)).collect();
    let mut best_scenario = scenario_at(cal, &points[best].params);
    best_scenario.run.weeks = cal.full_weeks;
    // Confirmation on fresh replicates (seeds used neither in the fit nor in the selection).
    let confirm_seed = m.seed.wrapping_add(1_000_003);
    let confirmation: Vec<Summary> = (0..m.confirm_replicates)
        .into_par_iter()
        .map(|r| {
            let out = summarise(&run_replicate(&best_scenario, confirm_seed, r));
            progress();
            out
        })
        .collect();
    CalibrationResult { points, best, best_scenario, confirmation, finalists, tolerances }
}

/// Smallest share of an SMC round's proposals that is accepted.
const MIN_SMC_ACCEPTED: f64 = 0.25;

fn normalise(pop: &mut [(usize, f64)]) {
    let total: f64 = pop.iter().map(|p| p.1).sum();
    for p in pop.iter_mut() {
        p.1 /= total;
    }
}

/// Reflects a proposal back into [lo, hi].
fn reflect(mut x: f64, lo: f64, hi: f64) -> f64 {
    let w = hi - lo;
    for _ in 0..8 {
        if x < lo {
            x = 2.0 * lo - x;
        } else if x > hi {
            x = 2.0 * hi - x;
        } else {
            return x;
        }
    }
    x.clamp(lo, hi).min(hi - 1e-12 * w)
}

/// Weighted mean and 5% / 95% quantiles of a parameter over the accepted population.
pub fn posterior(result: &CalibrationResult, k: usize) -> (f64, f64, f64) {
    let mut v: Vec<(f64, f64)> =
        result.points.iter().filter(|p| p.accepted).map(|p| (p.params[k], p.weight)).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mean = v.iter().map(|(x, w)| x * w).sum();
    let q = |q: f64| {
        let mut acc = 0.0;
        for &(x, w) in &v {
            acc += w;
            if acc >= q {
                return x;
            }
        }
        v.last().map_or(f64::NAN, |x| x.0)
    };
    (mean, q(0.05), q(0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_is_zero_inside_and_grows_outside() {
        let t = |metric: &str, min, max| Target {
            metric: metric.into(),
            min: Some(min),
            max: Some(max),
            value: None,
            tolerance: None,
            source: String::new(),
        };
        let targets = [t("turnover_annual", 0.25, 0.35)];
        let mut s = vec![0.0; summary_names().len()];
        let i = metric_index("turnover_annual");
        s[i] = 0.30;
        assert_eq!(distances(&targets, &s), (0.0, 0.0));
        s[i] = 0.45;
        let (d, _) = distances(&targets, &s);
        assert!((d - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reflection_stays_in_bounds() {
        assert_eq!(reflect(1.2, 0.0, 1.0), 0.8);
        assert_eq!(reflect(-0.3, 0.0, 1.0), 0.3);
        let x = reflect(57.0, 0.0, 1.0);
        assert!((0.0..=1.0).contains(&x));
    }
}
