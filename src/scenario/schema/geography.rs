//! `[geography]`: the borough's patches and care workers' travel modes, with their range
//! checks.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

/// The largest number of patches a scenario may define (patch arrays are fixed-size).
pub const MAX_PATCHES: usize = 16;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Geography {
    pub patches: Vec<Patch>,
    pub travel_modes: Vec<TravelMode>,
    /// Share of care workers who live outside the borough.
    pub outside_borough_worker_share: f64,
    /// Factor on the BHH tour length because timed visits (mornings, meals, bedtime) cannot be
    /// ordered freely.
    pub time_window_factor: f64,
    /// Visit runs per day (morning, lunch, tea, bed): the visits of one run form one tour.
    pub runs_per_day: f64,
    /// Below this many worker-hours a week in a patch, a provider has no dedicated round there
    /// and its workers hop in from another patch.
    pub min_round_hours: f64,
    /// Time per visit spent getting in and out (parking, stairs, door entry, call logging),
    /// on top of the journey itself (minutes).
    pub access_minutes_per_visit: f64,
}

impl Default for Geography {
    fn default() -> Self {
        // Six patches for Camden (assumed; the borough is 21.8 km²), north to south.
        let p = |name: &str, x, y, area, demand, estate, labour| Patch {
            name: name.into(),
            centroid_km: [x, y],
            area_km2: area,
            demand_share: demand,
            estate_share: estate,
            labour_share: labour,
        };
        let mode = |name: &str, speed, co2, share, mileage| TravelMode {
            name: name.into(),
            speed_kmh: speed,
            co2_kg_per_km: co2,
            share,
            mileage_gbp_per_km: mileage,
        };
        Self {
            patches: vec![
                p("Highgate & Hampstead", 1.5, 6.0, 5.2, 0.12, 0.15, 0.10),
                p("Gospel Oak & Kentish Town", 3.5, 4.5, 3.4, 0.20, 0.40, 0.22),
                p("West Hampstead & Kilburn", 0.5, 3.5, 3.6, 0.16, 0.30, 0.18),
                p("Camden Town & Primrose Hill", 3.0, 2.8, 3.0, 0.17, 0.35, 0.16),
                p("Somers Town & Regent's Park", 4.0, 1.5, 3.2, 0.20, 0.50, 0.22),
                p("Holborn & Bloomsbury", 4.5, 0.2, 3.4, 0.15, 0.30, 0.12),
            ],
            travel_modes: vec![
                mode("walk", 4.5, 0.0, 0.40, 0.0),
                mode("cycle", 11.0, 0.0, 0.05, 0.0),
                mode("public_transport", 9.0, 0.035, 0.40, 0.0),
                mode("car", 14.0, 0.17, 0.15, 0.28),
            ],
            outside_borough_worker_share: 0.55,
            time_window_factor: 1.6,
            runs_per_day: 4.0,
            min_round_hours: 30.0,
            access_minutes_per_visit: 4.0,
        }
    }
}

impl Geography {
    /// Range checks of `[geography]`: patch and travel-mode shares in range and summing to 1.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        if self.patches.is_empty() || self.patches.len() > MAX_PATCHES {
            c.fail(
                "geography.patches",
                format!("expected 1 to {MAX_PATCHES} patches, found {}", self.patches.len()),
            );
        }
        for (i, p) in self.patches.iter().enumerate() {
            let k = |f: &str| format!("geography.patches[{i}].{f}");
            c.positive(&k("area_km2"), p.area_km2);
            for (j, x) in p.centroid_km.iter().enumerate() {
                c.between(&k(&format!("centroid_km[{j}]")), *x, -100.0, 100.0, "a coordinate in km");
            }
            c.share(&k("demand_share"), p.demand_share);
            c.share(&k("estate_share"), p.estate_share);
            c.share(&k("labour_share"), p.labour_share);
        }
        if !self.patches.is_empty() {
            c.sums_to_one(
                "geography.patches",
                &self.patches.iter().map(|p| p.demand_share).collect::<Vec<_>>(),
            );
            let labour: Vec<f64> = self.patches.iter().map(|p| p.labour_share).collect();
            if (labour.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
                c.fail("geography.patches", "expected labour_share over the patches to sum to 1");
            }
        }
        if self.travel_modes.is_empty() {
            c.fail("geography.travel_modes", "expected at least one travel mode");
        } else {
            c.sums_to_one(
                "geography.travel_modes",
                &self.travel_modes.iter().map(|m| m.share).collect::<Vec<_>>(),
            );
        }
        for (i, m) in self.travel_modes.iter().enumerate() {
            c.positive(&format!("geography.travel_modes[{i}].speed_kmh"), m.speed_kmh);
            c.non_negative(&format!("geography.travel_modes[{i}].co2_kg_per_km"), m.co2_kg_per_km);
            c.share(&format!("geography.travel_modes[{i}].share"), m.share);
            c.non_negative(&format!("geography.travel_modes[{i}].mileage_gbp_per_km"), m.mileage_gbp_per_km);
        }
        c.share("geography.outside_borough_worker_share", self.outside_borough_worker_share);
        c.positive("geography.time_window_factor", self.time_window_factor);
        c.positive("geography.runs_per_day", self.runs_per_day);
        c.non_negative("geography.min_round_hours", self.min_round_hours);
        c.non_negative("geography.access_minutes_per_visit", self.access_minutes_per_visit);
    }
}

/// A neighbourhood of the borough.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    pub name: String,
    pub centroid_km: [f64; 2],
    pub area_km2: f64,
    /// Share of the borough's care demand (council and self-funded) living here.
    pub demand_share: f64,
    /// Share of households here that live on council estates.
    pub estate_share: f64,
    /// Share of in-borough care workers living here.
    pub labour_share: f64,
}

/// A travel mode of care workers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TravelMode {
    pub name: String,
    /// Door-to-door speed between visits, including waiting and parking.
    pub speed_kmh: f64,
    pub co2_kg_per_km: f64,
    /// Share of care workers using this mode (shares sum to 1).
    pub share: f64,
    /// Mileage paid by the employer per km (car only, usually).
    pub mileage_gbp_per_km: f64,
}
