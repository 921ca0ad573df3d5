//! Space-filling designs on the unit cube: an Owen-scrambled Sobol sequence or a Latin
//! hypercube, both seeded, so a calibration is reproducible.

use rand::RngExt;

use super::config::Design;
use crate::rng::{Process, Streams};

/// `n` points in [0, 1)^`dims`.
pub fn unit_design(design: Design, n: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    match design {
        Design::Sobol => (0..n)
            .map(|i| {
                (0..dims).map(|d| sobol_burley::sample(i as u32, d as u32, seed as u32) as f64).collect()
            })
            .collect(),
        Design::LatinHypercube => {
            let streams = Streams::new(seed, 0);
            let mut points = vec![vec![0.0; dims]; n];
            for d in 0..dims {
                let mut rng = streams.entity(Process::Calibration, 0, d as u64);
                // A random permutation of the n strata, one jittered point in each.
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    strata.swap(i, j);
                }
                for (i, p) in points.iter_mut().enumerate() {
                    p[d] = (strata[i] as f64 + rng.random::<f64>()) / n as f64;
                }
            }
            points
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_has_one_point_per_stratum() {
        let n = 16;
        let pts = unit_design(Design::LatinHypercube, n, 3, 5);
        for d in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[d] * n as f64) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn sobol_points_fill_the_cube_evenly() {
        let pts = unit_design(Design::Sobol, 64, 2, 1);
        // Every quarter of each axis holds a quarter of the points.
        for d in 0..2 {
            for q in 0..4 {
                let c = pts.iter().filter(|p| (p[d] * 4.0) as usize == q).count();
                assert_eq!(c, 16);
            }
        }
    }
}
