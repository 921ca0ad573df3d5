//! The mission score in a comparison (docs/COMPARISON.md, "Mission score"): each design's
//! components next to its total, a sweep over weights (how often each design ranks first when
//! the weights are drawn uniformly from the simplex), and the components a design sets by its
//! own inputs rather than through the market.

use rand_distr::{Distribution, Exp1};

use super::compare::{Estimate, LEVEL, Samples, mean_ci, paired_difference};
use crate::rng::{Process, Streams};
use crate::scenario::{MISSION_COMPONENTS, MissionWeights, Scenario, SocialValueMode};

/// Weight vectors drawn by the sweep.
pub const SWEEP_DRAWS: usize = 4000;

/// One design's mission score, component by component.
#[derive(Clone, Debug)]
pub struct MissionRow {
    pub scenario: String,
    /// Each component's mean over replicates (`MISSION_COMPONENTS` order).
    pub components: Vec<Estimate>,
    /// Each component's paired difference from the baseline.
    pub differences: Vec<Estimate>,
    /// The score at the scenario's weights, and its paired difference from the baseline.
    pub score: Estimate,
    pub score_difference: Estimate,
    /// Share of the sweep's weight vectors under which this design has the highest mean score.
    pub share_first: f64,
    /// Mean rank (1 = best) over the sweep's weight vectors.
    pub mean_rank: f64,
    /// Components this design moves by an input of its own, with the lever (`input_driven`).
    pub input_driven: Vec<(&'static str, &'static str)>,
}

/// Ranks of designs (1 = highest) by `scores`; ties go to the earlier design.
fn ranks(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut rank = vec![0; scores.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    rank
}

/// The weight sweep over `active` components (indices into each row of `means`, a design's
/// mean component scores): `draws` weight vectors from the flat Dirichlet on those components
/// (normalised Exp(1) draws, from the analysis stream of `seed`), each ranking the designs by
/// their weighted mean score. Returns each design's share of first places and its mean rank.
pub fn weight_sweep(means: &[Vec<f64>], active: &[usize], draws: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let n = means.len();
    let (mut first, mut rank_sum) = (vec![0usize; n], vec![0usize; n]);
    if n == 0 || active.is_empty() || draws == 0 {
        return (vec![f64::NAN; n], vec![f64::NAN; n]);
    }
    let mut rng = Streams::new(seed, 0).weekly(Process::Analysis, 0);
    let mut w = vec![0.0; active.len()];
    let mut scores = vec![0.0; n];
    for _ in 0..draws {
        for x in w.iter_mut() {
            *x = Exp1.sample(&mut rng);
        }
        let total: f64 = w.iter().sum();
        for (s, m) in scores.iter_mut().zip(means) {
            *s = active.iter().zip(&w).map(|(&k, wk)| m[k] * wk / total).sum();
        }
        for (i, r) in ranks(&scores).into_iter().enumerate() {
            rank_sum[i] += r;
            if r == 1 {
                first[i] += 1;
            }
        }
    }
    let d = draws as f64;
    (first.iter().map(|&f| f as f64 / d).collect(), rank_sum.iter().map(|&r| r as f64 / d).collect())
}

/// The components that `design` sets by an input of its own, where `baseline` does not: a
/// difference there is partly the design's choice, not the market's response.
pub fn input_driven(design: &Scenario, baseline: &Scenario) -> Vec<(&'static str, &'static str)> {
    let (d, b) = (&design.commissioning, &baseline.commissioning);
    let mut out = Vec::new();
    let uses = |m: SocialValueMode| m != SocialValueMode::None;
    if uses(d.social_value.low_emission_travel) && !uses(b.social_value.low_emission_travel) {
        out.push(("co2", "e-bikes for car users (social_value.low_emission_travel)"));
    }
    if uses(d.social_value.local_hiring) && !uses(b.social_value.local_hiring) {
        out.push(("estate_employment", "estate-resident hiring goal (social_value.local_hiring)"));
    }
    if d.incubator.enabled && !b.incubator.enabled {
        if d.incubator.estate_hiring_first {
            out.push(("estate_employment", "incubated providers hire estate residents first (incubator)"));
        }
        out.push(("local_spend", "the council creates local providers (incubator)"));
    }
    out
}

/// The mission table: one row per scenario. `weights` are the comparison's (every scenario of
/// a run shares them); the sweep draws over the components with a positive weight. `scenarios`
/// are the resolved scenarios in `samples` order, if known (for `input_driven`). Empty if the
/// summary lacks the component columns.
pub fn mission_table(
    samples: &Samples,
    baseline: usize,
    weights: &MissionWeights,
    scenarios: Option<&[Scenario]>,
    seed: u64,
) -> Vec<MissionRow> {
    let cols: Option<Vec<usize>> = MISSION_COMPONENTS.iter().map(|c| samples.metric_index(c.1)).collect();
    let (Some(cols), Some(score)) = (cols, samples.metric_index("mission_score")) else {
        return Vec::new();
    };
    let w = weights.as_array();
    let active: Vec<usize> = (0..w.len()).filter(|&k| w[k] > 0.0).collect();
    let means: Vec<Vec<f64>> = samples
        .values
        .iter()
        .map(|v| cols.iter().map(|&c| v[c].iter().sum::<f64>() / v[c].len().max(1) as f64).collect())
        .collect();
    let (share_first, mean_rank) = weight_sweep(&means, &active, SWEEP_DRAWS, seed);
    let base = &samples.values[baseline];
    samples
        .values
        .iter()
        .enumerate()
        .map(|(s, v)| MissionRow {
            scenario: samples.scenarios[s].clone(),
            components: cols.iter().map(|&c| mean_ci(&v[c], LEVEL)).collect(),
            differences: cols.iter().map(|&c| paired_difference(&v[c], &base[c], LEVEL)).collect(),
            score: mean_ci(&v[score], LEVEL),
            score_difference: paired_difference(&v[score], &base[score], LEVEL),
            share_first: share_first[s],
            mean_rank: mean_rank[s],
            input_driven: scenarios.map(|sc| input_driven(&sc[s], &sc[baseline])).unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_weight_on_one_component_reproduces_its_ranking() {
        // Three designs, two components that rank them in opposite orders.
        let means = vec![vec![0.1, 0.9], vec![0.5, 0.2], vec![0.3, 0.4]];
        let (first, rank) = weight_sweep(&means, &[0], 500, 7);
        assert_eq!(first, vec![0.0, 1.0, 0.0]);
        assert_eq!(rank, vec![3.0, 1.0, 2.0]);
        let (first, rank) = weight_sweep(&means, &[1], 500, 7);
        assert_eq!(first, vec![1.0, 0.0, 0.0]);
        assert_eq!(rank, vec![1.0, 3.0, 2.0]);
        // Both components: each design that wins somewhere on the simplex wins sometimes, and
        // the shares add up to 1.
        let (first, _) = weight_sweep(&means, &[0, 1], 4000, 7);
        assert!((first.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(first[0] > 0.3 && first[1] > 0.3, "{first:?}");
    }

    #[test]
    fn e_bikes_and_hiring_goals_are_flagged_as_inputs() {
        let base = Scenario::default();
        let mut d = base.clone();
        assert!(input_driven(&d, &base).is_empty());
        d.commissioning.social_value.low_emission_travel = SocialValueMode::Scored;
        d.commissioning.social_value.local_hiring = SocialValueMode::Required;
        let keys: Vec<&str> = input_driven(&d, &base).iter().map(|x| x.0).collect();
        assert_eq!(keys, vec!["co2", "estate_employment"]);
        // Not an input where the baseline has the same lever.
        assert!(input_driven(&d, &d).is_empty());
    }
}
