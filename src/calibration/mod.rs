//! Calibration by approximate Bayesian computation (ABC): rejection over a space-filling
//! design of the free parameters, refined by ABC-SMC rounds (Beaumont et al. 2009) with an
//! adaptive tolerance and a stop rule; each point run for several replicates in parallel with
//! common random numbers. The distance of a point is how far its mean outcomes fall outside the
//! target ranges, in range widths. A point within a round's tolerance is accepted only if the
//! calibration file's pattern filters hold at it. The shipped point is the accepted particle
//! nearest the weighted posterior median (docs/CALIBRATION.md §6).

pub mod config;
pub mod design;
pub mod identify;
pub mod paths;

pub use config::{
    Calibration, CalibrationFile, Change, Design, Direction, Filter, FreeParameter, Method, Target,
    load_calibration,
};
pub use identify::{Identification, UNIDENTIFIED_RATIO, identification};
pub use paths::{get_parameter, set_parameter, set_value};

use std::time::Instant;

use rand::RngExt;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

use crate::analysis::stats::{PairedTest, moments, paired_test, quantile};
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
    /// Standard error of the mean of each target metric over the replicates (target order).
    pub target_se: Vec<f64>,
    /// Distance outside the target ranges (0 = inside all).
    pub distance: f64,
    /// Distance from the centres of the target ranges.
    pub centre_distance: f64,
    /// Whether every pattern filter held: `None` when not evaluated (the point was outside
    /// its round's tolerance, or the file has no filters).
    pub filters_hold: Option<bool>,
    /// Accepted in its own round (within the tolerance, filters holding).
    pub accepted_in_round: bool,
    /// In the final accepted population.
    pub accepted: bool,
    /// Importance weight in the final population (0 if not accepted).
    pub weight: f64,
}

impl Point {
    /// A point of `round` with its distances to the targets computed, not (yet) accepted.
    fn evaluated(cal: &Calibration, round: u32, params: Vec<f64>, runs: &[Summary]) -> Self {
        let summary = mean_of(runs);
        let (distance, centre_distance) = distances(&cal.config.targets, &summary);
        let target_se = cal
            .config
            .targets
            .iter()
            .map(|t| {
                let k = metric_index(&t.metric);
                let xs: Vec<f64> = runs.iter().map(|r| r.values()[k]).collect();
                if xs.len() < 2 { f64::NAN } else { moments(&xs).standard_error() }
            })
            .collect();
        Point {
            round,
            params,
            summary,
            target_se,
            distance,
            centre_distance,
            filters_hold: None,
            accepted_in_round: false,
            accepted: false,
            weight: 0.0,
        }
    }
}

/// What one round of the ABC did (round 0 is the design).
#[derive(Clone, Debug)]
pub struct RoundReport {
    pub round: u32,
    /// Wall time of the round (simulation and filters), seconds. Not reproducible.
    pub wall_seconds: f64,
    /// The round's tolerance on the distance.
    pub tolerance: f64,
    /// Points evaluated.
    pub proposals: u32,
    /// Points within the tolerance (before the filters).
    pub within_tolerance: u32,
    /// Points rejected by a pattern filter (within the tolerance).
    pub filtered_out: u32,
    /// Points accepted.
    pub accepted: u32,
    /// Effective sample size of the round's population, 1 / Σ w².
    pub ess: f64,
}

impl RoundReport {
    /// Accepted points / points evaluated.
    pub fn acceptance_rate(&self) -> f64 {
        if self.proposals == 0 { 0.0 } else { self.accepted as f64 / self.proposals as f64 }
    }
}

/// Why the SMC rounds stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// The next tolerance would have changed by less than `method.stop_change`.
    Converged { next_tolerance: f64 },
    /// `method.smc_rounds` rounds were run.
    MaxRounds,
    /// An SMC round accepted fewer than half `method.population` proposals (its tolerance is
    /// below what the replicate noise allows); its points were discarded and the previous
    /// population kept. Round 0: the design accepted a single point, which cannot seed the
    /// SMC rounds.
    Starved { round: u32, accepted: u32 },
    /// Rejection only (`smc_rounds = 0`).
    RejectionOnly,
}

/// A filter's paired test at the shipped point over the confirmation replicates.
#[derive(Clone, Debug)]
pub struct FilterCheck {
    pub test: PairedTest,
    pub holds: bool,
}

/// Everything a calibration produces.
#[derive(Clone, Debug)]
pub struct CalibrationResult {
    pub points: Vec<Point>,
    /// Index of the shipped point: of the candidates, the one nearest the targets on fresh seeds.
    pub best: usize,
    /// Whether the shipped point lies inside every free parameter's 90% posterior interval.
    pub best_inside_intervals: bool,
    /// The candidates for the shipped point (nearest the posterior median first), each with its
    /// distance to the targets over the confirmation replicates.
    pub candidates: Vec<(usize, f64)>,
    pub best_scenario: Scenario,
    /// Summaries of the shipped point over `confirm_replicates` fresh replicates.
    pub confirmation: Vec<Summary>,
    /// Each filter's paired test at the shipped point on the confirmation replicates.
    pub confirmation_filters: Vec<FilterCheck>,
    /// One report per round.
    pub rounds: Vec<RoundReport>,
    pub stop: Stop,
}

impl CalibrationResult {
    /// The ABC tolerance of each round.
    pub fn tolerances(&self) -> Vec<f64> {
        self.rounds.iter().map(|r| r.tolerance).collect()
    }
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

fn mean_of(runs: &[Summary]) -> Vec<f64> {
    let n = runs.len() as f64;
    (0..runs[0].values().len()).map(|k| runs.iter().map(|c| c.values()[k]).sum::<f64>() / n).collect()
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

/// Every replicate's summaries of each scenario, replicates `0..reps` of `seed` (common random
/// numbers: every scenario uses the same replicate seeds). `progress` is called after each run.
fn run_all(scenarios: &[Scenario], seed: u64, reps: u32, progress: &(dyn Fn() + Sync)) -> Vec<Vec<Summary>> {
    let jobs: Vec<(usize, u32)> = (0..scenarios.len()).flat_map(|i| (0..reps).map(move |r| (i, r))).collect();
    let runs: Vec<Summary> = jobs
        .par_iter()
        .map(|&(i, r)| {
            let out = summarise(&run_replicate(&scenarios[i], seed, r));
            progress();
            out
        })
        .collect();
    runs.chunks(reps as usize).map(|c| c.to_vec()).collect()
}

/// Whether `filter` holds between per-replicate summaries of the treatment and of the point
/// (paired by replicate index), with its paired test.
pub fn filter_holds(filter: &Filter, treatment: &[Summary], point: &[Summary]) -> FilterCheck {
    let k = metric_index(&filter.metric);
    let t: Vec<f64> = treatment.iter().map(|r| r.values()[k]).collect();
    let b: Vec<f64> = point.iter().map(|r| r.values()[k]).collect();
    let increase = filter.direction == Direction::Higher;
    let test = if t.len() >= 2 {
        paired_test(&t, &b, increase)
    } else {
        let d = t[0] - b[0];
        let signed = if increase { d } else { -d };
        PairedTest {
            mean_difference: d,
            standard_error: f64::NAN,
            p_value: f64::NAN,
            effect_in_se: if signed > 0.0 { f64::INFINITY } else { 0.0 },
        }
    };
    let signed = if increase { test.mean_difference } else { -test.mean_difference };
    let holds = signed > 0.0 && (filter.min_se == 0.0 || test.effect_in_se >= filter.min_se);
    FilterCheck { test, holds }
}

/// A batch of parameter sets, evaluated: the points (not yet accepted), every replicate's
/// summaries of each, and their scenarios.
struct Batch {
    points: Vec<Point>,
    runs: Vec<Vec<Summary>>,
    scenarios: Vec<Scenario>,
}

/// Runs each parameter set for `method.replicates` replicates and computes its distances.
fn evaluate(cal: &Calibration, round: u32, sets: Vec<Vec<f64>>, progress: &(dyn Fn() + Sync)) -> Batch {
    let m = &cal.config.method;
    let scenarios: Vec<Scenario> = sets.iter().map(|p| scenario_at(cal, p)).collect();
    let runs = run_all(&scenarios, m.seed, m.replicates, progress);
    let points = sets.into_iter().zip(&runs).map(|(p, r)| Point::evaluated(cal, round, p, r)).collect();
    Batch { points, runs, scenarios }
}

/// Runs the filters at every point within `eps` (only those: a point outside the tolerance is
/// rejected anyway, so the filters cost runs only where they decide something).
fn apply_filters(
    cal: &Calibration,
    points: &mut [Point],
    runs: &[Vec<Summary>],
    scenarios: &[Scenario],
    eps: f64,
    progress: &(dyn Fn() + Sync),
) {
    let filters = &cal.config.filters;
    if filters.is_empty() {
        return;
    }
    let m = &cal.config.method;
    let within: Vec<usize> = (0..points.len()).filter(|&i| points[i].distance <= eps).collect();
    let treatments: Vec<Scenario> = within
        .iter()
        .flat_map(|&i| filters.iter().map(move |f| (i, f)))
        .map(|(i, f)| f.treatment(&scenarios[i]).expect("filters checked at load"))
        .collect();
    let treated = run_all(&treatments, m.seed, m.replicates, progress);
    for (n, &i) in within.iter().enumerate() {
        let holds = filters
            .iter()
            .enumerate()
            .all(|(j, f)| filter_holds(f, &treated[n * filters.len() + j], &runs[i]).holds);
        points[i].filters_hold = Some(holds);
    }
}

/// Whether a point within tolerance passes the filters (true when there are none).
fn passes(p: &Point, eps: f64) -> bool {
    p.distance <= eps && p.filters_hold != Some(false)
}

/// The number of model runs a calibration makes at most (for progress bars): the SMC rounds
/// may stop early and filters run only at points within the tolerance.
pub fn total_runs(cal: &Calibration) -> usize {
    let m = &cal.config.method;
    let f = 1 + cal.config.filters.len();
    (m.points as usize + m.smc_rounds as usize * m.max_batches as usize * m.smc_points as usize)
        * m.replicates as usize
        * f
        + m.confirm_replicates as usize * (m.confirm_candidates as usize + f - 1)
}

/// Effective sample size of normalised weights, 1 / Σ w².
pub fn effective_sample_size(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().map(|w| w * w).sum();
    if s > 0.0 { 1.0 / s } else { 0.0 }
}

/// The round's tolerance after `previous`: the relative change, 0 when both are 0.
pub fn tolerance_change(previous: f64, next: f64) -> f64 {
    if previous == 0.0 {
        if next == 0.0 { 0.0 } else { f64::INFINITY }
    } else {
        ((previous - next) / previous).abs()
    }
}

/// The fewest proposals a round must accept for its population to replace the previous one:
/// half the target population, and at least 2.
pub fn min_population(population: u32) -> u32 {
    (population / 2).max(2)
}

/// Runs the calibration. Fails (an input error) when no point of the design is accepted:
/// every point within the round-0 tolerance broke a pattern filter.
pub fn calibrate(cal: &Calibration, progress: &(dyn Fn() + Sync)) -> crate::Result<CalibrationResult> {
    let m = &cal.config.method;
    let params = &cal.config.parameters;
    let dims = params.len();
    let scale =
        |u: &[f64]| -> Vec<f64> { u.iter().zip(params).map(|(u, p)| p.min + u * (p.max - p.min)).collect() };
    let mut points: Vec<Point> = Vec::new();
    let mut rounds: Vec<RoundReport> = Vec::new();

    // Round 0: rejection over the space-filling design. The tolerance is a quantile of the
    // design's distances; the filters run at the points within it.
    let clock = Instant::now();
    let sets: Vec<Vec<f64>> =
        design::unit_design(m.design, m.points as usize, dims, m.seed).iter().map(|u| scale(u)).collect();
    let mut batch = evaluate(cal, 0, sets, progress);
    let d: Vec<f64> = batch.points.iter().map(|p| p.distance).collect();
    let mut eps = quantile(&d, m.accept_share);
    apply_filters(cal, &mut batch.points, &batch.runs, &batch.scenarios, eps, progress);
    let mut population: Vec<(usize, f64)> = Vec::new();
    for (i, p) in batch.points.iter_mut().enumerate() {
        if passes(p, eps) {
            p.accepted_in_round = true;
            population.push((i, 1.0));
        }
    }
    let within = batch.points.iter().filter(|p| p.distance <= eps).count() as u32;
    if population.is_empty() {
        return Err(crate::Error::Input(format!(
            "calibration `{}`: all {within} design points within the tolerance {eps:.4} broke a pattern \
             filter; nothing is accepted (widen the ranges, raise method.accept_share or revise the filters)",
            cal.config.name
        )));
    }
    points.append(&mut batch.points);
    normalise(&mut population);
    rounds.push(RoundReport {
        round: 0,
        wall_seconds: clock.elapsed().as_secs_f64(),
        tolerance: eps,
        proposals: m.points,
        within_tolerance: within,
        filtered_out: within - population.len() as u32,
        accepted: population.len() as u32,
        ess: effective_sample_size(&population.iter().map(|p| p.1).collect::<Vec<_>>()),
    });

    // ABC-SMC rounds: the tolerance is a quantile of the previous population's distances
    // (adaptive); proposals come from the weighted population with a Gaussian kernel of twice
    // its variance, in batches until `population` are accepted or `max_batches` are spent,
    // and are reweighted by importance. The rounds stop once the tolerance would change by
    // less than `stop_change`.
    let mut stop = if m.smc_rounds == 0 { Stop::RejectionOnly } else { Stop::MaxRounds };
    // A design that accepts a single point cannot seed the SMC rounds: their kernel, the spread
    // of the population, would be nil.
    let round0 = population.len() as u32;
    let smc_rounds = if m.smc_rounds > 0 && round0 < 2 {
        stop = Stop::Starved { round: 0, accepted: round0 };
        0
    } else {
        m.smc_rounds
    };
    for round in 1..=smc_rounds {
        let pop_d: Vec<f64> = population.iter().map(|&(i, _)| points[i].distance).collect();
        let next_eps = quantile(&pop_d, m.tolerance_quantile);
        if tolerance_change(eps, next_eps) < m.stop_change {
            stop = Stop::Converged { next_tolerance: next_eps };
            break;
        }
        eps = next_eps;
        let clock = Instant::now();
        let sd: Vec<f64> = (0..dims)
            .map(|k| {
                let mean: f64 = population.iter().map(|&(i, w)| w * points[i].params[k]).sum();
                let var: f64 =
                    population.iter().map(|&(i, w)| w * (points[i].params[k] - mean).powi(2)).sum();
                (2.0 * var).sqrt().max(1e-9 * (params[k].max - params[k].min))
            })
            .collect();
        let streams = Streams::new(m.seed, round as u64);
        let (mut proposals, mut within) = (0u32, 0u32);
        let mut next: Vec<(usize, f64)> = Vec::new();
        for b in 0..m.max_batches {
            let sets: Vec<Vec<f64>> = (0..m.smc_points)
                .map(|j| {
                    let id = (b * m.smc_points + j) as u64;
                    let mut rng = streams.entity(Process::Calibration, round as i64, id);
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
            let mut batch = evaluate(cal, round, sets, progress);
            apply_filters(cal, &mut batch.points, &batch.runs, &batch.scenarios, eps, progress);
            proposals += m.smc_points;
            let start = points.len();
            for (n, p) in batch.points.iter_mut().enumerate() {
                within += u32::from(p.distance <= eps);
                if passes(p, eps) {
                    p.accepted_in_round = true;
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
                    next.push((start + n, 1.0 / denom.max(1e-300)));
                }
            }
            points.append(&mut batch.points);
            if next.len() >= m.population as usize {
                break;
            }
        }
        let accepted = next.len() as u32;
        normalise(&mut next);
        let ess = effective_sample_size(&next.iter().map(|p| p.1).collect::<Vec<_>>());
        let starved = accepted < min_population(m.population);
        if !starved {
            population = next;
        }
        rounds.push(RoundReport {
            round,
            wall_seconds: clock.elapsed().as_secs_f64(),
            tolerance: eps,
            proposals,
            within_tolerance: within,
            filtered_out: within - accepted,
            accepted,
            ess,
        });
        if starved {
            stop = Stop::Starved { round, accepted };
            break;
        }
    }
    for &(i, w) in &population {
        points[i].accepted = true;
        points[i].weight = w;
    }

    // The shipped point: of the accepted particles nearest the weighted posterior median, among
    // those inside every 90% interval (docs/CALIBRATION.md §6), the one whose mean over fresh
    // seeds is nearest the targets. The median of each marginal need not be a good joint point
    // when parameters trade off, so a few central candidates are confirmed, not one.
    let (candidates, best_inside_intervals) =
        central_particles(&points, params, m.confirm_candidates as usize);
    let confirm_seed = m.seed.wrapping_add(1_000_003);
    let candidate_scenarios: Vec<Scenario> = candidates
        .iter()
        .map(|&i| {
            let mut s = scenario_at(cal, &points[i].params);
            s.run.weeks = cal.full_weeks;
            s
        })
        .collect();
    let mut candidate_runs = run_all(&candidate_scenarios, confirm_seed, m.confirm_replicates, progress);
    let confirmed_distance: Vec<f64> =
        candidate_runs.iter().map(|runs| distances(&cal.config.targets, &mean_of(runs)).0).collect();
    let pick = (0..candidates.len())
        .min_by(|&a, &b| confirmed_distance[a].total_cmp(&confirmed_distance[b]).then(a.cmp(&b)))
        .expect("at least one candidate");
    let best = candidates[pick];
    let best_scenario = candidate_scenarios[pick].clone();
    let candidate_report: Vec<(usize, f64)> = candidates.iter().copied().zip(confirmed_distance).collect();
    let confirmation: Vec<Summary> = candidate_runs.swap_remove(pick);
    let arms: Vec<Scenario> = cal
        .config
        .filters
        .iter()
        .map(|f| f.treatment(&best_scenario).expect("filters checked at load"))
        .collect();
    let arm_runs = run_all(&arms, confirm_seed, m.confirm_replicates, progress);
    let confirmation_filters =
        cal.config.filters.iter().zip(&arm_runs).map(|(f, t)| filter_holds(f, t, &confirmation)).collect();
    Ok(CalibrationResult {
        points,
        best,
        best_inside_intervals,
        best_scenario,
        candidates: candidate_report,
        confirmation,
        confirmation_filters,
        rounds,
        stop,
    })
}

/// The `k` accepted particles nearest the weighted posterior median (each parameter scaled by
/// its 90% posterior width), nearest first, among the particles inside every 90% interval if
/// there are any; and whether they are inside them.
pub fn central_particles(points: &[Point], params: &[FreeParameter], k: usize) -> (Vec<usize>, bool) {
    let q: Vec<(f64, f64, f64)> = (0..params.len()).map(|k| weighted_quantiles(points, k)).collect();
    let inside = |p: &Point| q.iter().zip(&p.params).all(|(&(lo, _, hi), &x)| x >= lo && x <= hi);
    let gap = |p: &Point| -> f64 {
        q.iter()
            .zip(&p.params)
            .zip(params)
            .map(|((&(lo, med, hi), &x), fp)| {
                let w = (hi - lo).max(1e-9 * (fp.max - fp.min));
                ((x - med) / w).powi(2)
            })
            .sum()
    };
    let accepted: Vec<usize> = (0..points.len()).filter(|&i| points[i].accepted).collect();
    let any_inside = accepted.iter().any(|&i| inside(&points[i]));
    let mut near: Vec<usize> = accepted.into_iter().filter(|&i| !any_inside || inside(&points[i])).collect();
    near.sort_by(|&a, &b| gap(&points[a]).total_cmp(&gap(&points[b])).then(a.cmp(&b)));
    near.truncate(k.max(1));
    assert!(!near.is_empty(), "the population is never empty");
    (near, any_inside)
}

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

/// Weighted 5%, 50% and 95% quantiles of parameter `k` over the accepted population.
pub fn weighted_quantiles(points: &[Point], k: usize) -> (f64, f64, f64) {
    let v: Vec<(f64, f64)> = points.iter().filter(|p| p.accepted).map(|p| (p.params[k], p.weight)).collect();
    let q = weighted_quantile(&v);
    (q(0.05), q(0.5), q(0.95))
}

/// The weighted quantile function of (value, weight) pairs: the smallest value whose
/// cumulative weight reaches q (weights need not be normalised).
pub fn weighted_quantile(values: &[(f64, f64)]) -> impl Fn(f64) -> f64 + use<> {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|x| x.1).sum();
    move |q: f64| {
        let mut acc = 0.0;
        for &(x, w) in &v {
            acc += w / total;
            if acc >= q - 1e-12 {
                return x;
            }
        }
        v.last().map_or(f64::NAN, |x| x.0)
    }
}

/// Weighted mean and 5% / 95% quantiles of a parameter over the accepted population.
pub fn posterior(result: &CalibrationResult, k: usize) -> (f64, f64, f64) {
    let mean = result.points.iter().filter(|p| p.accepted).map(|p| p.params[k] * p.weight).sum();
    let (q05, _, q95) = weighted_quantiles(&result.points, k);
    (mean, q05, q95)
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

    fn point(params: Vec<f64>, weight: f64) -> Point {
        Point {
            round: 1,
            params,
            summary: vec![],
            target_se: vec![],
            distance: 0.0,
            centre_distance: 0.0,
            filters_hold: None,
            accepted_in_round: true,
            accepted: weight > 0.0,
            weight,
        }
    }

    fn free(path: &str, min: f64, max: f64) -> FreeParameter {
        FreeParameter { path: path.into(), min, max, source: String::new() }
    }

    #[test]
    fn effective_sample_size_counts_equal_weights_and_shrinks_with_unequal_ones() {
        assert!((effective_sample_size(&[0.25; 4]) - 4.0).abs() < 1e-12);
        assert!((effective_sample_size(&[1.0, 0.0, 0.0]) - 1.0).abs() < 1e-12);
        let ess = effective_sample_size(&[0.7, 0.1, 0.1, 0.1]);
        assert!(ess > 1.0 && ess < 4.0, "{ess}");
    }

    #[test]
    fn the_stop_rule_compares_successive_tolerances() {
        assert!(tolerance_change(1.0, 0.96) < 0.05);
        assert!(tolerance_change(1.0, 0.9) > 0.05);
        assert_eq!(tolerance_change(0.0, 0.0), 0.0);
        assert_eq!(tolerance_change(0.5, 0.0), 1.0);
        assert!(tolerance_change(0.0, 0.1).is_infinite());
    }

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let q = weighted_quantile(&[(3.0, 1.0), (1.0, 1.0), (2.0, 2.0)]);
        assert_eq!(q(0.05), 1.0);
        assert_eq!(q(0.5), 2.0);
        assert_eq!(q(0.95), 3.0);
        // Unequal weights move the median.
        let q = weighted_quantile(&[(1.0, 6.0), (2.0, 1.0), (3.0, 1.0)]);
        assert_eq!(q(0.5), 1.0);
    }

    #[test]
    fn the_shipped_point_is_the_central_particle_inside_every_interval() {
        // 21 particles on a line in parameter 0, with parameter 1 cycling 5, 6, 7; the particle
        // at the median of parameter 0 is far out in parameter 1, so it must not be chosen.
        let mut pts: Vec<Point> =
            (0..21).map(|i| point(vec![i as f64, 5.0 + (i % 3) as f64], 1.0 / 21.0)).collect();
        pts[10].params[1] = 100.0;
        // A rejected point at the median is never the shipped point.
        pts.push(point(vec![10.0, 6.0], 0.0));
        let params = [free("a", 0.0, 20.0), free("b", 0.0, 200.0)];
        let (near, inside) = central_particles(&pts, &params, 3);
        assert!(inside);
        // The median is (10, 6); particles 7 and 13 are (7, 6) and (13, 6), equally near it
        // once each axis is scaled by its 90% width; the tie goes to the lower index. Next
        // come the particles one step further along parameter 0 with parameter 1 at 5 or 7.
        assert_eq!(near[..2], [7, 13]);
        assert_eq!(near.len(), 3);
        let best = near[0];
        for k in 0..2 {
            let (lo, _, hi) = weighted_quantiles(&pts, k);
            assert!(pts[best].params[k] >= lo && pts[best].params[k] <= hi);
        }
    }

    #[test]
    fn a_filter_holds_only_in_its_direction_and_size() {
        let i = metric_index("delivered_hours");
        let n = summary_names().len();
        let at = |xs: &[f64]| -> Vec<Summary> {
            xs.iter()
                .map(|&x| {
                    let mut v = vec![0.0; n];
                    v[i] = x;
                    Summary::from_values(v)
                })
                .collect()
        };
        let mut f = Filter {
            name: "fewer hours".into(),
            metric: "delivered_hours".into(),
            direction: Direction::Lower,
            min_se: 0.0,
            change: vec![],
            source: String::new(),
        };
        let base = at(&[100.0, 110.0, 120.0, 130.0]);
        let fewer = at(&[99.0, 108.0, 119.5, 127.0]);
        assert!(filter_holds(&f, &fewer, &base).holds);
        assert!(!filter_holds(&f, &base, &fewer).holds);
        assert!(!filter_holds(&f, &base, &base).holds, "no difference is not a pattern");
        f.min_se = 50.0;
        assert!(!filter_holds(&f, &fewer, &base).holds, "too small an effect");
        f.direction = Direction::Higher;
        f.min_se = 0.0;
        assert!(filter_holds(&f, &base, &fewer).holds);
    }

    #[test]
    fn reflection_stays_in_bounds() {
        assert_eq!(reflect(1.2, 0.0, 1.0), 0.8);
        assert_eq!(reflect(-0.3, 0.0, 1.0), 0.3);
        let x = reflect(57.0, 0.0, 1.0);
        assert!((0.0..=1.0).contains(&x));
    }
}
