//! `[mission]`: weights of the composite mission score (outcome reporting only; never read by
//! agents), with their range checks.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

/// Weights of the composite mission score: each component's post-reform value is scaled against
/// its value in the burn-in year, which every scenario shares, so 1 means "as at the reform
/// date" (inverted for components where less is better; `analysis::mission_score`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MissionWeights {
    pub unmet_need: f64,
    pub turnover: f64,
    pub local_spend: f64,
    pub estate_employment: f64,
    pub co2: f64,
    pub continuity: f64,
}

impl Default for MissionWeights {
    fn default() -> Self {
        Self {
            unmet_need: 0.25,
            turnover: 0.2,
            local_spend: 0.15,
            estate_employment: 0.15,
            co2: 0.1,
            continuity: 0.15,
        }
    }
}

impl MissionWeights {
    /// Range checks of `[mission]`: each weight a share.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        for (k, v) in [
            ("unmet_need", self.unmet_need),
            ("turnover", self.turnover),
            ("local_spend", self.local_spend),
            ("estate_employment", self.estate_employment),
            ("co2", self.co2),
            ("continuity", self.continuity),
        ] {
            c.share(&format!("mission.{k}"), v);
        }
    }
}
