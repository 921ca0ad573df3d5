//! Scenario discovery by PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), as
//! EMA Workbench reports it (Kwakkel 2017): the box of parameter space where a condition
//! holds, found by peeling a small share of points off one face at a time, with the coverage and
//! density of every box on the peeling trajectory (docs/SENSITIVITY.md, "Scenario discovery").
//!
//! - **Coverage**: the share of all points where the condition holds that fall in the box.
//! - **Density**: the share of the box's points where it holds.
//! - **Mass**: the share of all points in the box.
//!
//! Each step removes the `peel_alpha` quantile of the box's points from the lower or the upper
//! face of one dimension (or, for a factor with few values, its end value), choosing the peel
//! with the largest gain in density per point removed (EMA Workbench's default objective,
//! `lenient1`; ties go to the peel that keeps more points), until the box would hold less than
//! `mass_min` of the points. The box reported is the one of highest
//! coverage among those of density at least `threshold` (EMA Workbench leaves this choice to
//! the user, who reads the trajectory; the trajectory is reported whole). No pasting.
//! `quasi_p` says which of a box's restrictions matter (EMA Workbench's qp values).

use serde::{Deserialize, Serialize};

use super::stats::quantile;

/// PRIM's settings (EMA Workbench's defaults).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PrimOptions {
    /// Share of the box's points each peel removes.
    pub peel_alpha: f64,
    /// Smallest share of all points a box may hold.
    pub mass_min: f64,
    /// Density the reported box must reach.
    pub threshold: f64,
}

impl Default for PrimOptions {
    fn default() -> Self {
        PrimOptions { peel_alpha: 0.05, mass_min: 0.05, threshold: 0.8 }
    }
}

/// One box on the peeling trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct PrimBox {
    /// (low, high) per dimension, inclusive.
    pub limits: Vec<(f64, f64)>,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Points in the box.
    pub points: usize,
    /// Dimensions whose limits are narrower than the data's range.
    pub restricted: Vec<usize>,
}

/// The peeling trajectory and the box chosen on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Prim {
    /// From the whole space (step 0) to the last peel.
    pub trajectory: Vec<PrimBox>,
    /// The step reported: highest coverage among density ≥ threshold, else highest density.
    pub chosen: usize,
}

impl Prim {
    pub fn chosen_box(&self) -> &PrimBox {
        &self.trajectory[self.chosen]
    }
}

/// PRIM on points `x` (one row per point, one column per dimension) and whether the condition
/// holds at each (`y`). Returns the whole trajectory; an empty input or a condition that
/// never holds gives a trajectory of the whole space alone.
pub fn prim(x: &[Vec<f64>], y: &[bool], opts: PrimOptions) -> Prim {
    assert_eq!(x.len(), y.len(), "one outcome per point");
    let n = x.len();
    let k = x.first().map_or(0, Vec::len);
    let total_hits = y.iter().filter(|&&b| b).count();
    let full: Vec<(f64, f64)> = (0..k)
        .map(|j| {
            x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| (lo.min(r[j]), hi.max(r[j])))
        })
        .collect();
    let describe = |limits: &[(f64, f64)], inside: &[usize]| {
        let hits = inside.iter().filter(|&&i| y[i]).count();
        PrimBox {
            limits: limits.to_vec(),
            coverage: if total_hits > 0 { hits as f64 / total_hits as f64 } else { 0.0 },
            density: if inside.is_empty() { 0.0 } else { hits as f64 / inside.len() as f64 },
            mass: if n > 0 { inside.len() as f64 / n as f64 } else { 0.0 },
            points: inside.len(),
            restricted: (0..k).filter(|&j| limits[j] != full[j]).collect(),
        }
    };
    let columns: Vec<Vec<f64>> = (0..k).map(|j| x.iter().map(|r| r[j]).collect()).collect();
    let mut limits = full.clone();
    let mut inside: Vec<usize> = (0..n).collect();
    let mut trajectory = vec![describe(&limits, &inside)];
    if total_hits > 0 {
        let mut column = Vec::with_capacity(n);
        loop {
            // (objective, points kept, dimension, upper face?, new limit)
            let mut best: Option<(f64, usize, usize, bool, f64)> = None;
            let box_density = inside.iter().filter(|&&i| y[i]).count() as f64 / inside.len() as f64;
            for (j, values) in columns.iter().enumerate() {
                column.clear();
                column.extend(inside.iter().map(|&i| values[i]));
                let mut lo = quantile(&column, opts.peel_alpha);
                let mut hi = quantile(&column, 1.0 - opts.peel_alpha);
                // A factor with few values (a switch, a coarse grid) has its quantiles on its end
                // values, where a cut removes nothing: then the peel removes the end value
                // itself (for a switch, one form), as EMA Workbench peels a categorical factor.
                let (min, max) =
                    column.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
                if lo <= min {
                    lo = column.iter().copied().filter(|&v| v > min).fold(f64::INFINITY, f64::min);
                }
                if hi >= max {
                    hi = column.iter().copied().filter(|&v| v < max).fold(f64::NEG_INFINITY, f64::max);
                }
                for (upper, cut) in [(false, lo), (true, hi)] {
                    if !cut.is_finite() {
                        continue;
                    }
                    let keep = |v: f64| if upper { v <= cut } else { v >= cut };
                    let (mut kept, mut hits) = (0usize, 0usize);
                    for &i in &inside {
                        if keep(values[i]) {
                            kept += 1;
                            hits += usize::from(y[i]);
                        }
                    }
                    // A peel must remove something and leave at least `mass_min` of the points.
                    if kept == inside.len() || (kept as f64) < opts.mass_min * n as f64 || kept == 0 {
                        continue;
                    }
                    // EMA Workbench's default objective (`lenient1`): the gain in density per
                    // point removed, so that a peel removing half the box (a switch's form) must
                    // gain proportionally more than a patient one.
                    let gain = (hits as f64 / kept as f64 - box_density) / (inside.len() - kept) as f64;
                    let better = best.is_none_or(|(g, p, ..)| gain > g || (gain == g && kept > p));
                    if better {
                        best = Some((gain, kept, j, upper, cut));
                    }
                }
            }
            let Some((_, _, j, upper, cut)) = best else { break };
            if upper {
                limits[j].1 = cut;
            } else {
                limits[j].0 = cut;
            }
            let (lo, hi, values) = (limits[j].0, limits[j].1, &columns[j]);
            inside.retain(|&i| lo <= values[i] && values[i] <= hi);
            trajectory.push(describe(&limits, &inside));
        }
    }
    let chosen = trajectory
        .iter()
        .enumerate()
        .filter(|(_, b)| b.density >= opts.threshold)
        .max_by(|a, b| a.1.coverage.total_cmp(&b.1.coverage).then(b.0.cmp(&a.0)))
        .or_else(|| {
            trajectory
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.density.total_cmp(&b.1.density).then(b.0.cmp(&a.0)))
        })
        .map_or(0, |(i, _)| i);
    Prim { trajectory, chosen }
}

/// The quasi-p-value of each restriction of box `b` (EMA Workbench's `qp`): for each factor the
/// box restricts, the one-sided binomial probability of finding at least the box's hits among
/// its points if the condition held only as often as in the box with that restriction lifted.
/// A large value says the restriction adds little: the box without it is about as dense.
pub fn quasi_p(x: &[Vec<f64>], y: &[bool], b: &PrimBox) -> Vec<(usize, f64)> {
    use statrs::distribution::{Binomial, DiscreteCDF};
    let inside = |r: &[f64], skip: Option<usize>| {
        r.iter().zip(&b.limits).enumerate().all(|(j, (v, (lo, hi)))| Some(j) == skip || (lo <= v && v <= hi))
    };
    let (n, k) = x
        .iter()
        .zip(y)
        .filter(|(r, _)| inside(r, None))
        .fold((0u64, 0u64), |(n, k), (_, &h)| (n + 1, k + u64::from(h)));
    b.restricted
        .iter()
        .map(|&j| {
            let (m, h) = x
                .iter()
                .zip(y)
                .filter(|(r, _)| inside(r, Some(j)))
                .fold((0u64, 0u64), |(m, h), (_, &t)| (m + 1, h + u64::from(t)));
            let p = if m == 0 || k == 0 {
                1.0
            } else {
                let q = (h as f64 / m as f64).clamp(0.0, 1.0);
                Binomial::new(q, n).map_or(1.0, |d| d.sf(k - 1))
            };
            (j, p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Process, Stream, Streams};
    use rand::RngExt;

    fn stream(seed: u64) -> Stream {
        Streams::new(seed, 0).entity(Process::Analysis, 9, 0)
    }

    fn uniform(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = stream(seed);
        (0..n).map(|_| (0..k).map(|_| rng.random::<f64>()).collect()).collect()
    }

    /// A planted box: the condition holds where x₀ > 0.6 and x₁ < 0.4 (16% of the space), with
    /// a third dimension the condition ignores. PRIM's chosen box has coverage and density
    /// ≥ 0.8 and restricts x₀ and x₁ but not x₂; its trajectory goes on to the planted box's
    /// own limits.
    #[test]
    fn prim_recovers_a_planted_box() {
        for seed in 1..=5 {
            let x = uniform(2000, 3, seed);
            let y: Vec<bool> = x.iter().map(|r| r[0] > 0.6 && r[1] < 0.4).collect();
            let p = prim(&x, &y, PrimOptions::default());
            let b = p.chosen_box();
            assert!(b.coverage >= 0.8 && b.density >= 0.8, "seed {seed}: {b:?}");
            assert!(b.restricted.contains(&0) && b.restricted.contains(&1), "seed {seed}: {b:?}");
            assert!(!b.restricted.contains(&2), "seed {seed}: x₂ should stay free: {b:?}");
            // Both restrictions matter: lifting either leaves a far sparser box.
            for (j, qp) in quasi_p(&x, &y, b) {
                assert!(qp < 1e-6, "seed {seed}: x{j} qp {qp}");
            }
            // Peeling on, it reaches the planted box itself: pure and still covering nearly all.
            let tight = p
                .trajectory
                .iter()
                .find(|b| b.density >= 0.99)
                .unwrap_or_else(|| panic!("seed {seed}: no pure box: {:?}", p.trajectory.last()));
            assert!(tight.coverage >= 0.9, "seed {seed}: {tight:?}");
            let near = (tight.limits[0].0 - 0.6).abs() < 0.03 && (tight.limits[1].1 - 0.4).abs() < 0.03;
            assert!(near, "seed {seed}: {tight:?}");
            // The trajectory starts from the whole space and its mass never grows.
            assert_eq!(p.trajectory[0].mass, 1.0);
            assert!(p.trajectory.windows(2).all(|w| w[1].mass < w[0].mass));
            assert!(p.trajectory.last().unwrap().mass >= 0.05);
        }
    }

    /// With 10% of outcomes flipped at random, the box is still found, its density near 0.9.
    #[test]
    fn prim_finds_a_noisy_box() {
        let x = uniform(3000, 4, 9);
        let mut rng = stream(10);
        let y: Vec<bool> =
            x.iter().map(|r| (r[2] > 0.5 && r[3] > 0.5) != (rng.random::<f64>() < 0.1)).collect();
        let p = prim(&x, &y, PrimOptions { threshold: 0.75, ..PrimOptions::default() });
        let b = p.chosen_box();
        assert!(b.coverage >= 0.7 && b.density >= 0.75, "{b:?}");
        assert!(b.restricted.contains(&2) && b.restricted.contains(&3), "{b:?}");
        assert!((b.limits[2].0 - 0.5).abs() < 0.1 && (b.limits[3].0 - 0.5).abs() < 0.1, "{b:?}");
        // A restriction of an idle factor, if peeling made one, is not significant; the planted
        // ones are.
        for (j, qp) in quasi_p(&x, &y, b) {
            if j >= 2 {
                assert!(qp < 1e-6, "x{j} qp {qp}");
            } else {
                assert!(qp > 0.001, "x{j} qp {qp}: an idle factor's restriction looks significant");
            }
        }
    }

    /// A two-form factor (a switch's index, 0 or 1) on which the condition depends: its
    /// quantiles sit on its end values, so the peel drops a form, and the box keeps form 1.
    #[test]
    fn prim_restricts_a_two_form_factor() {
        let mut x = uniform(2000, 2, 21);
        for r in &mut x {
            r[1] = (r[1] >= 0.5) as u8 as f64;
        }
        let y: Vec<bool> = x.iter().map(|r| r[1] == 1.0 && r[0] > 0.3).collect();
        let p = prim(&x, &y, PrimOptions::default());
        let b = p.chosen_box();
        assert!(b.coverage >= 0.8 && b.density >= 0.8, "{b:?}");
        assert_eq!(b.limits[1], (1.0, 1.0), "{b:?}");
    }

    /// A condition that never holds: the whole space, coverage 0.
    #[test]
    fn a_condition_that_never_holds_gives_the_whole_space() {
        let x = uniform(100, 2, 3);
        let p = prim(&x, &[false; 100], PrimOptions::default());
        assert_eq!(p.trajectory.len(), 1);
        assert_eq!(p.chosen_box().coverage, 0.0);
    }
}
