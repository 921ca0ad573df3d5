//! Patches and travel. Travel between visits follows the Beardwood–Halton–Hammersley result:
//! a tour through m random points in area A has length ≈ 0.71·√(m·A), so each visit costs
//! ≈ 0.71·√(A/m) km, times a factor for timed visits that cannot be ordered freely.

use crate::scenario::{Geography as GeographyParams, MAX_PATCHES};

/// The BHH constant for the Euclidean travelling-salesman tour in the plane.
pub const BHH: f64 = 0.7124;

/// Patch index; `OUTSIDE` marks a care worker living outside the borough.
pub type PatchId = u8;
pub const OUTSIDE: PatchId = u8::MAX;

#[derive(Clone, Debug)]
pub struct Geography {
    pub n: usize,
    pub area_km2: [f64; MAX_PATCHES],
    pub demand_share: [f64; MAX_PATCHES],
    pub estate_share: [f64; MAX_PATCHES],
    pub labour_share: [f64; MAX_PATCHES],
    /// Centroid distances, km.
    pub distance_km: [[f64; MAX_PATCHES]; MAX_PATCHES],
    /// Mean distance from outside the borough to any patch (for job choice).
    pub outside_distance_km: f64,
    pub time_window_factor: f64,
    pub runs_per_day: f64,
    pub min_round_hours: f64,
    pub access_hours_per_visit: f64,
}

impl Geography {
    pub fn new(p: &GeographyParams) -> Self {
        let n = p.patches.len();
        let mut g = Geography {
            n,
            area_km2: [0.0; MAX_PATCHES],
            demand_share: [0.0; MAX_PATCHES],
            estate_share: [0.0; MAX_PATCHES],
            labour_share: [0.0; MAX_PATCHES],
            distance_km: [[0.0; MAX_PATCHES]; MAX_PATCHES],
            outside_distance_km: 0.0,
            time_window_factor: p.time_window_factor,
            runs_per_day: p.runs_per_day,
            min_round_hours: p.min_round_hours,
            access_hours_per_visit: p.access_minutes_per_visit / 60.0,
        };
        let total_area: f64 = p.patches.iter().map(|x| x.area_km2).sum();
        for (i, a) in p.patches.iter().enumerate() {
            g.area_km2[i] = a.area_km2;
            g.demand_share[i] = a.demand_share;
            g.estate_share[i] = a.estate_share;
            g.labour_share[i] = a.labour_share;
            for (j, b) in p.patches.iter().enumerate() {
                let dx = a.centroid_km[0] - b.centroid_km[0];
                let dy = a.centroid_km[1] - b.centroid_km[1];
                g.distance_km[i][j] = (dx * dx + dy * dy).sqrt();
            }
        }
        // Someone living outside commutes from beyond the borough edge: about the radius of a
        // disc of the borough's area, plus a few km.
        g.outside_distance_km = (total_area / std::f64::consts::PI).sqrt() + 3.0;
        g
    }

    /// Distance between a worker's home and a patch (km).
    pub fn home_distance(&self, home: PatchId, patch: usize) -> f64 {
        if home == OUTSIDE { self.outside_distance_km } else { self.distance_km[home as usize][patch] }
    }

    /// Travel per worker-visit (km) within patch `p`, when a provider makes
    /// `visits_per_week` worker-visits there: BHH over the visits of one run.
    pub fn km_per_visit(&self, p: usize, visits_per_week: f64) -> f64 {
        let per_run = (visits_per_week / 7.0 / self.runs_per_day).max(1.0);
        BHH * (self.area_km2[p] / per_run).sqrt() * self.time_window_factor
    }

    /// Travel time (h) per contact hour for a round with `km_per_hour` km and
    /// `visits_per_hour` visits per contact hour, at `speed_kmh`.
    pub fn travel_time_per_hour(&self, km_per_hour: f64, visits_per_hour: f64, speed_kmh: f64) -> f64 {
        km_per_hour / speed_kmh + self.access_hours_per_visit * visits_per_hour
    }

    /// Extra travel per visit (km) when a provider's caseload in a patch is too small for a
    /// round of its own, so workers hop in from `from_km` away.
    pub fn hop_km_per_visit(&self, worker_hours: f64, from_km: f64) -> f64 {
        if self.hops_in(worker_hours) { from_km * (1.0 - worker_hours / self.min_round_hours) } else { 0.0 }
    }

    /// Whether a caseload of `worker_hours` in a patch is too small for a round of its own
    /// (so [`Self::hop_km_per_visit`] is more than zero for any distance).
    pub fn hops_in(&self, worker_hours: f64) -> bool {
        self.min_round_hours > 0.0 && worker_hours < self.min_round_hours
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travel_per_visit_falls_with_density() {
        let g = Geography::new(&GeographyParams::default());
        let sparse = g.km_per_visit(0, 50.0);
        let dense = g.km_per_visit(0, 2000.0);
        assert!(dense < sparse / 3.0, "sparse {sparse}, dense {dense}");
        // BHH scaling: 4× the visits → half the distance per visit (once above one per run).
        let a = g.km_per_visit(0, 560.0);
        let b = g.km_per_visit(0, 2240.0);
        assert!((a / b - 2.0).abs() < 1e-9);
    }

    #[test]
    fn hop_vanishes_for_a_full_round() {
        let g = Geography::new(&GeographyParams::default());
        assert_eq!(g.hop_km_per_visit(100.0, 2.0), 0.0);
        assert!(g.hop_km_per_visit(3.0, 2.0) > 1.5);
        assert!(!g.hops_in(100.0) && !g.hops_in(g.min_round_hours) && g.hops_in(3.0));
    }
}
