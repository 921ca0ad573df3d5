//! A comparison under parameter uncertainty (`compare --posterior`; docs/COMPARISON.md,
//! "Parameter uncertainty"): each replicate runs one of K parameter draws from a calibration's
//! accepted set, shared by every scenario of the replicate (replicate r uses draw r mod K), so
//! differences stay paired. This module splits each paired difference's variance into a part
//! between draws (the parameters) and a part within them (Monte Carlo), and says how sure the
//! ranking of the scenarios is over the draws.

use super::compare::{HEADLINES, Samples};
use super::stats::moments;

/// Which way an outcome is better, for ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

/// The direction of each headline outcome that has one (a value judgement, stated in
/// docs/COMPARISON.md): less unmet need, turnover, vacancy, zero-hours work, travel, provider
/// exits, cost and spend are better; a higher wage and mission score are better.
pub fn better(metric: &str) -> Option<Better> {
    match metric {
        "unmet_need_share"
        | "turnover_annual"
        | "vacancy_rate"
        | "zero_hours_share"
        | "travel_share"
        | "exits_per_year"
        | "cost_per_delivered_hour_gbp"
        | "council_spend_gbp_per_year"
        | "downstream_cost_gbp_per_year" => Some(Better::Lower),
        "effective_wage_gbp_per_hour" | "mission_score" => Some(Better::Higher),
        _ => None,
    }
}

/// The variance of one scenario's paired difference from the baseline, split into its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct VarianceSplit {
    pub outcome: String,
    pub scenario: String,
    pub mean_difference: f64,
    /// The 95% interval of the mean difference from the draws' means (Student t with K − 1
    /// degrees of freedom): replicates that share a draw are not independent, so this interval,
    /// not the comparison table's, covers parameter and Monte Carlo uncertainty.
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Between draws: the variance of the draw means' expectation (method of moments, ≥ 0).
    pub parameter: f64,
    /// Within draws: Monte Carlo.
    pub stochastic: f64,
    /// parameter / (parameter + stochastic).
    pub parameter_share: f64,
}

/// One-way random-effects analysis of variance of `x` grouped by `group` (method of moments,
/// for unequal group sizes): (between-group variance component, within-group variance).
pub fn variance_components(x: &[f64], group: &[usize], groups: usize) -> (f64, f64) {
    let n = x.len() as f64;
    let mut sums = vec![(0.0, 0usize); groups];
    for (&v, &g) in x.iter().zip(group) {
        sums[g].0 += v;
        sums[g].1 += 1;
    }
    let grand = x.iter().sum::<f64>() / n;
    let means: Vec<f64> = sums.iter().map(|(s, k)| if *k > 0 { s / *k as f64 } else { f64::NAN }).collect();
    let used = sums.iter().filter(|(_, k)| *k > 0).count();
    let within: f64 = x.iter().zip(group).map(|(v, &g)| (v - means[g]).powi(2)).sum();
    let between: f64 = sums
        .iter()
        .zip(&means)
        .filter(|((_, k), _)| *k > 0)
        .map(|((_, k), m)| *k as f64 * (m - grand).powi(2))
        .sum();
    if used < 2 || n as usize <= used {
        return (f64::NAN, f64::NAN);
    }
    let msw = within / (n - used as f64);
    let msb = between / (used as f64 - 1.0);
    let n0 = (n - sums.iter().map(|(_, k)| (*k as f64).powi(2)).sum::<f64>() / n) / (used as f64 - 1.0);
    (((msb - msw) / n0).max(0.0), msw)
}

/// The draw of replicate `r` when a comparison cycles through `draws` draws.
pub fn draw_of(replicate: u32, draws: u32) -> usize {
    (replicate % draws) as usize
}

/// Per headline outcome and per scenario but the baseline: the split of the paired
/// difference's variance.
pub fn variance_splits(samples: &Samples, baseline: usize, draws: u32) -> Vec<VarianceSplit> {
    let group: Vec<usize> = samples.replicates.iter().map(|&r| draw_of(r, draws)).collect();
    let mut out = Vec::new();
    for h in HEADLINES {
        let Some(m) = samples.metric_index(h.metric) else { continue };
        for (s, name) in samples.scenarios.iter().enumerate() {
            if s == baseline {
                continue;
            }
            let d: Vec<f64> =
                samples.values[s][m].iter().zip(&samples.values[baseline][m]).map(|(a, b)| a - b).collect();
            let (parameter, stochastic) = variance_components(&d, &group, draws as usize);
            let draw_means: Vec<f64> = (0..draws as usize)
                .filter_map(|g| {
                    let xs: Vec<f64> =
                        d.iter().zip(&group).filter(|(_, k)| **k == g).map(|(x, _)| *x).collect();
                    (!xs.is_empty()).then(|| moments(&xs).mean)
                })
                .collect();
            let m = moments(&draw_means);
            let half = m.ci_half_width(0.95);
            out.push(VarianceSplit {
                outcome: h.metric.into(),
                scenario: name.clone(),
                mean_difference: moments(&d).mean,
                ci95_low: m.mean - half,
                ci95_high: m.mean + half,
                parameter,
                stochastic,
                parameter_share: parameter / (parameter + stochastic),
            });
        }
    }
    out
}

/// How sure the ranking is, per headline outcome with a direction: over the draws (each
/// draw's mean over its replicates), the share of draws in which each scenario ranks first,
/// its mean rank, and for every ordered pair the share of draws in which A beats B.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    pub outcome: String,
    /// (scenario, share of draws ranked first, mean rank (1 = best)).
    pub first: Vec<(String, f64, f64)>,
    /// (A, B, share of draws in which A is better than B; ties count half).
    pub pairs: Vec<(String, String, f64)>,
}

pub fn rankings(samples: &Samples, draws: u32) -> Vec<Ranking> {
    let k = draws as usize;
    let group: Vec<usize> = samples.replicates.iter().map(|&r| draw_of(r, draws)).collect();
    let used: Vec<usize> = (0..k).filter(|d| group.contains(d)).collect();
    let mut out = Vec::new();
    for h in HEADLINES {
        let (Some(m), Some(dir)) = (samples.metric_index(h.metric), better(h.metric)) else { continue };
        // by_draw[draw][scenario]: the draw's mean, signed so that larger is better.
        let sign = if dir == Better::Lower { -1.0 } else { 1.0 };
        let by_draw: Vec<Vec<f64>> = used
            .iter()
            .map(|&d| {
                samples
                    .values
                    .iter()
                    .map(|v| {
                        let xs: Vec<f64> =
                            v[m].iter().zip(&group).filter(|(_, g)| **g == d).map(|(x, _)| *x).collect();
                        sign * moments(&xs).mean
                    })
                    .collect()
            })
            .collect();
        let n = samples.scenarios.len();
        let draws_used = used.len() as f64;
        let mut first = vec![0.0; n];
        let mut rank_sum = vec![0.0; n];
        let mut wins = vec![vec![0.0; n]; n];
        for col in &by_draw {
            // Designs tied for first share the draw.
            let top = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let tied: Vec<usize> = (0..n).filter(|&a| col[a] == top).collect();
            for &a in &tied {
                first[a] += 1.0 / tied.len() as f64;
            }
            for (a, x) in col.iter().enumerate() {
                rank_sum[a] += 1.0 + col.iter().filter(|y| *y > x).count() as f64;
                for (b, y) in col.iter().enumerate() {
                    wins[a][b] += match x.total_cmp(y) {
                        std::cmp::Ordering::Greater => 1.0,
                        std::cmp::Ordering::Equal => 0.5,
                        std::cmp::Ordering::Less => 0.0,
                    };
                }
            }
        }
        let mut pairs = Vec::new();
        for (a, row) in wins.iter().enumerate() {
            for (b, w) in row.iter().enumerate().filter(|(b, _)| *b != a) {
                pairs.push((samples.scenarios[a].clone(), samples.scenarios[b].clone(), w / draws_used));
            }
        }
        out.push(Ranking {
            outcome: h.metric.into(),
            first: (0..n)
                .map(|s| (samples.scenarios[s].clone(), first[s] / draws_used, rank_sum[s] / draws_used))
                .collect(),
            pairs,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups that differ by a known amount: the between-group component is recovered, and a
    /// sample with no group effect gets (about) none.
    #[test]
    fn variance_components_recover_a_planted_split() {
        // 4 groups × 3: group means 0, 2, 4, 6 (variance 20/3), within ±1 (variance 1).
        let offsets = [-1.0, 0.0, 1.0];
        let x: Vec<f64> = (0..12).map(|i| 2.0 * (i % 4) as f64 + offsets[i / 4]).collect();
        let group: Vec<usize> = (0..12).map(|i| i % 4).collect();
        let (between, within) = variance_components(&x, &group, 4);
        assert!((within - 1.0).abs() < 1e-12, "{within}");
        assert!((between - (20.0 / 3.0 - 1.0 / 3.0)).abs() < 1e-12, "{between}");
        let flat: Vec<f64> = (0..12).map(|i| offsets[i / 4]).collect();
        let (between, within) = variance_components(&flat, &group, 4);
        assert_eq!(between, 0.0);
        assert!((within - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rankings_count_draws_in_which_each_scenario_is_best() {
        // Two scenarios, 2 draws × 2 replicates; unmet need (lower is better): A wins draw 0,
        // B wins draw 1.
        let samples = Samples {
            metrics: vec!["unmet_need_share".into()],
            scenarios: vec!["A".into(), "B".into()],
            replicates: vec![0, 1, 2, 3],
            values: vec![vec![vec![0.1, 0.3, 0.1, 0.3]], vec![vec![0.2, 0.2, 0.2, 0.2]]],
        };
        let r = rankings(&samples, 2);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].first, vec![("A".into(), 0.5, 1.5), ("B".into(), 0.5, 1.5)]);
        assert!(r[0].pairs.contains(&("A".into(), "B".into(), 0.5)));
        // Tied in every draw: they share first place.
        let tied = Samples { values: vec![vec![vec![0.2; 4]], vec![vec![0.2; 4]]], ..samples };
        let r = rankings(&tied, 2);
        assert_eq!(r[0].first, vec![("A".into(), 0.5, 1.0), ("B".into(), 0.5, 1.0)]);
    }
}
