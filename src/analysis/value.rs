//! Cost-effectiveness of each design against the baseline (docs/COMPARISON.md,
//! "Cost-effectiveness"): paired differences in the present value of net public cost and of
//! three outcomes, their ratios, the efficiency frontier with incremental cost-effectiveness
//! ratios (ICERs) between its designs only, and net monetary benefit at a stated willingness
//! to pay, as health economists report them (e.g. Drummond et al., *Methods for the Economic
//! Evaluation of Health Care Programmes*, 4th ed., ch. 4).
//!
//! Every figure is arithmetic on the summary table's columns (`net_public_cost_pv_gbp`,
//! `unmet_hours_pv`, `turnover_discounted`, `estate_resident_years_pv`, `discounted_years`),
//! so it can be reproduced by hand from `summary.csv`.

use super::compare::{Estimate, LEVEL, Samples, mean_ci};

/// The summary column of the cost side: present value of net public cost.
pub const COST_METRIC: &str = "net_public_cost_pv_gbp";

/// An outcome that a design buys with its extra cost.
#[derive(Clone, Copy, Debug)]
pub struct Effect {
    /// Name in the cost-effectiveness table.
    pub key: &'static str,
    /// What one unit of it is, for tables ("unmet hour avoided").
    pub unit: &'static str,
    /// Summary column it is computed from.
    pub metric: &'static str,
    /// The effect of a replicate is `sign × (design − baseline)` of the column ...
    pub sign: f64,
    /// ... times the replicate's `discounted_years` if true (turning a rate into point-years,
    /// so that £ per unit is £ a year per point).
    pub times_years: bool,
}

/// The outcomes a design's cost is set against. The first is the primary one: the frontier
/// chart and net monetary benefit use it.
pub const EFFECTS: [Effect; 3] = [
    Effect {
        key: "unmet_hours_avoided",
        unit: "unmet hour avoided",
        metric: "unmet_hours_pv",
        sign: -1.0,
        times_years: false,
    },
    Effect {
        key: "turnover_point_years",
        unit: "point of annual turnover, a year",
        metric: "turnover_discounted",
        sign: -100.0,
        times_years: true,
    },
    Effect {
        key: "estate_resident_years",
        unit: "estate resident-year employed",
        metric: "estate_resident_years_pv",
        sign: 1.0,
        times_years: false,
    },
];

/// Where a design stands on the efficiency frontier of one effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frontier {
    /// On the frontier: no mix of other designs does better for its cost.
    Efficient,
    /// Another design costs no more and achieves at least as much (one of them strictly).
    Dominated,
    /// A mix of two frontier designs would do better: its ICER exceeds the next design's.
    ExtendedlyDominated,
}

impl Frontier {
    pub fn as_str(&self) -> &'static str {
        match self {
            Frontier::Efficient => "frontier",
            Frontier::Dominated => "dominated",
            Frontier::ExtendedlyDominated => "extendedly dominated",
        }
    }
}

/// One design × effect of the cost-effectiveness table.
#[derive(Clone, Debug)]
pub struct ValueRow {
    pub effect: &'static str,
    pub scenario: String,
    /// Paired difference in the present value of net public cost (£), design − baseline.
    pub delta_cost: Estimate,
    /// Paired difference in the effect (units of `Effect::unit`), signed so + is better.
    pub delta_effect: Estimate,
    /// mean Δcost / mean Δeffect against the baseline (NaN for the baseline itself).
    pub cost_per_unit: f64,
    pub frontier: Frontier,
    /// Δcost / Δeffect from the previous design on the frontier (frontier designs only, and
    /// not the frontier's first).
    pub icer: Option<f64>,
    /// The frontier design the ICER is measured from.
    pub icer_versus: Option<String>,
    /// Net monetary benefit against the baseline, wtp × Δeffect − Δcost (£), primary effect only.
    pub nmb: Option<Estimate>,
}

/// The quadrant of a design's mean (Δeffect, Δcost) against the baseline, in words.
pub fn quadrant(delta_effect: f64, delta_cost: f64) -> &'static str {
    match (delta_effect > 0.0, delta_cost > 0.0) {
        _ if delta_effect == 0.0 && delta_cost == 0.0 => "same as baseline",
        (true, true) => "more effect and cost",
        (true, false) => "dominates the baseline",
        (false, true) => "dominated by the baseline",
        (false, false) => "less effect and cost",
    }
}

/// The frontier of points (effect, cost), one per design: each design's status and, for
/// frontier designs after the first, the index of the frontier design before it. Strong
/// dominance first, then extended dominance, repeated until the ICERs rise along the frontier.
pub fn frontier(points: &[(f64, f64)]) -> (Vec<Frontier>, Vec<Option<usize>>) {
    let n = points.len();
    let mut status = vec![Frontier::Efficient; n];
    for (j, &(ej, cj)) in points.iter().enumerate() {
        let dominated = points
            .iter()
            .enumerate()
            .any(|(k, &(ek, ck))| k != j && ek >= ej && ck <= cj && (ek > ej || ck < cj));
        if dominated {
            status[j] = Frontier::Dominated;
        }
    }
    // Identical points: keep the first, the others are dominated by it (no ICER between them).
    for j in 0..n {
        if status[j] == Frontier::Efficient
            && (0..j).any(|k| status[k] == Frontier::Efficient && points[k] == points[j])
        {
            status[j] = Frontier::Dominated;
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| status[i] == Frontier::Efficient).collect();
    order.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0).then(points[a].1.total_cmp(&points[b].1)));
    let icer = |a: usize, b: usize| (points[b].1 - points[a].1) / (points[b].0 - points[a].0);
    loop {
        let drop = (1..order.len().saturating_sub(1))
            .find(|&i| icer(order[i - 1], order[i]) > icer(order[i], order[i + 1]));
        match drop {
            Some(i) => {
                status[order[i]] = Frontier::ExtendedlyDominated;
                order.remove(i);
            }
            None => break,
        }
    }
    let mut previous = vec![None; n];
    for w in order.windows(2) {
        previous[w[1]] = Some(w[0]);
    }
    (status, previous)
}

/// The effect of each replicate of `scenario` against `baseline` (`Effect::sign` and
/// `times_years` applied).
fn effect_differences(samples: &Samples, scenario: usize, baseline: usize, e: &Effect) -> Vec<f64> {
    let m = samples.metric_index(e.metric).expect("checked by the caller");
    let years = samples.metric_index("discounted_years");
    let (t, b) = (&samples.values[scenario][m], &samples.values[baseline][m]);
    (0..t.len())
        .map(|i| {
            let d = e.sign * (t[i] - b[i]);
            match (e.times_years, years) {
                (true, Some(y)) => d * samples.values[baseline][y][i],
                _ => d,
            }
        })
        .collect()
}

/// The cost-effectiveness table: for each effect, each scenario (the baseline included, at 0)
/// with its paired differences, ratio, frontier status, ICER and (primary effect) net monetary
/// benefit at `wtp` £ per unit. Empty if the summary lacks the present-value columns (a folder
/// written before they existed).
pub fn cost_effectiveness(samples: &Samples, baseline: usize, wtp: f64) -> Vec<ValueRow> {
    let Some(cost) = samples.metric_index(COST_METRIC) else {
        return Vec::new();
    };
    if EFFECTS.iter().any(|e| samples.metric_index(e.metric).is_none())
        || samples.metric_index("discounted_years").is_none()
    {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (k, e) in EFFECTS.iter().enumerate() {
        let per: Vec<(Estimate, Estimate, Vec<f64>, Vec<f64>)> = (0..samples.scenarios.len())
            .map(|s| {
                let dc: Vec<f64> = super::stats::paired_differences(
                    &samples.values[s][cost],
                    &samples.values[baseline][cost],
                );
                let de = effect_differences(samples, s, baseline, e);
                (mean_ci(&dc, LEVEL), mean_ci(&de, LEVEL), dc, de)
            })
            .collect();
        let points: Vec<(f64, f64)> = per.iter().map(|(c, e, _, _)| (e.mean, c.mean)).collect();
        let (status, previous) = frontier(&points);
        for (s, (dc, de, dcs, des)) in per.iter().enumerate() {
            let icer = previous[s].map(|p| (points[s].1 - points[p].1) / (points[s].0 - points[p].0));
            let nmb = (k == 0).then(|| {
                let x: Vec<f64> = des.iter().zip(dcs).map(|(e, c)| wtp * e - c).collect();
                mean_ci(&x, LEVEL)
            });
            rows.push(ValueRow {
                effect: e.key,
                scenario: samples.scenarios[s].clone(),
                delta_cost: *dc,
                delta_effect: *de,
                cost_per_unit: if s == baseline { f64::NAN } else { dc.mean / de.mean },
                frontier: status[s],
                icer,
                icer_versus: previous[s].map(|p| samples.scenarios[p].clone()),
                nmb,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontier_marks_strong_and_extended_dominance() {
        // (effect, cost): A the baseline; B dominated by C (less effect, more cost); D lies
        // above the line from A to E, so a mix of A and E beats it.
        let pts = [(0.0, 0.0), (1.0, 50.0), (2.0, 40.0), (3.0, 200.0), (4.0, 220.0)];
        let (status, previous) = frontier(&pts);
        assert_eq!(status[1], Frontier::Dominated);
        assert_eq!(status[0], Frontier::Efficient);
        assert_eq!(status[2], Frontier::Efficient);
        // C→D costs 160 a unit, D→E 20: D is extendedly dominated; C→E costs 90 a unit.
        assert_eq!(status[3], Frontier::ExtendedlyDominated);
        assert_eq!(status[4], Frontier::Efficient);
        assert_eq!(previous[2], Some(0));
        assert_eq!(previous[4], Some(2));
        assert_eq!(previous[0], None);
        assert_eq!(previous[3], None);
    }

    #[test]
    fn a_design_cheaper_and_better_than_the_baseline_dominates_it() {
        let (status, previous) = frontier(&[(0.0, 0.0), (1.0, -5.0)]);
        assert_eq!(status, vec![Frontier::Dominated, Frontier::Efficient]);
        assert_eq!(previous, vec![None, None]);
        assert_eq!(quadrant(1.0, -5.0), "dominates the baseline");
    }

    #[test]
    fn the_table_is_arithmetic_on_the_summary_columns() {
        // Two scenarios × three replicates; the design costs 10 more and avoids 2 unmet hours
        // a replicate, so £5 an hour; NMB at £30 an hour is 30 × 2 − 10 = 50.
        let metrics: Vec<String> = [
            COST_METRIC,
            "unmet_hours_pv",
            "turnover_discounted",
            "estate_resident_years_pv",
            "discounted_years",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let base =
            [[100.0, 10.0, 0.30, 5.0, 4.5], [101.0, 11.0, 0.31, 5.0, 4.5], [99.0, 12.0, 0.29, 5.0, 4.5]];
        let design =
            [[110.0, 8.0, 0.28, 6.0, 4.5], [111.0, 9.0, 0.29, 6.0, 4.5], [109.0, 10.0, 0.27, 6.0, 4.5]];
        let rows: Vec<(&str, u32, &[f64])> = base
            .iter()
            .enumerate()
            .map(|(r, v)| ("base", r as u32, &v[..]))
            .chain(design.iter().enumerate().map(|(r, v)| ("design", r as u32, &v[..])))
            .collect();
        let samples = Samples::from_rows(metrics, rows).unwrap();
        let t = cost_effectiveness(&samples, 0, 30.0);
        assert_eq!(t.len(), 6);
        let d = &t[1];
        assert_eq!((d.effect, d.scenario.as_str()), ("unmet_hours_avoided", "design"));
        assert!((d.delta_cost.mean - 10.0).abs() < 1e-9 && (d.delta_effect.mean - 2.0).abs() < 1e-9);
        assert!((d.cost_per_unit - 5.0).abs() < 1e-9);
        assert!((d.nmb.unwrap().mean - 50.0).abs() < 1e-9);
        assert_eq!(d.icer, Some(5.0));
        assert_eq!(d.icer_versus.as_deref(), Some("base"));
        // Turnover: 2 points lower × 4.5 discounted years = 9 point-years for £10.
        let turnover = &t[3];
        assert_eq!(turnover.effect, "turnover_point_years");
        assert!((turnover.delta_effect.mean - 9.0).abs() < 1e-9, "{}", turnover.delta_effect.mean);
        assert!(turnover.nmb.is_none());
    }
}
