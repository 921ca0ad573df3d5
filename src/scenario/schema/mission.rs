//! `[mission]`: weights of the composite mission score (outcome reporting only; never read by
//! agents), with their range checks.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

/// Weights of the composite mission score (docs/ODD.md, "Outcome definitions, as implemented"). Each component is a bounded
/// score in [−1, 1]: the relative change of its outcome from the burn-in year, which every
/// scenario shares, capped at ±100% (signed so that + is better). The score is the weighted
/// mean of the components; only the ratios of the weights matter. A weight of 0 leaves a
/// component out (and out of the report's weight sweep).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MissionWeights {
    pub unmet_need: f64,
    pub turnover: f64,
    pub local_spend: f64,
    pub estate_employment: f64,
    pub co2: f64,
    pub continuity: f64,
    /// Net public cost (council spend, last resort, incubator, downstream council and NHS
    /// costs); 0 by default, because the mission is about outcomes and the cost-effectiveness
    /// section weighs cost against them explicitly.
    pub public_cost: f64,
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
            public_cost: 0.0,
        }
    }
}

/// The mission-score components: (key in `[mission]`, summary column, label).
pub const MISSION_COMPONENTS: [(&str, &str, &str); 7] = [
    ("unmet_need", "mission_unmet_need", "unmet need"),
    ("turnover", "mission_turnover", "turnover"),
    ("local_spend", "mission_local_spend", "local spend"),
    ("estate_employment", "mission_estate_employment", "estate employment"),
    ("co2", "mission_co2", "CO2 from travel"),
    ("continuity", "mission_continuity", "continuity of carers"),
    ("public_cost", "mission_public_cost", "net public cost"),
];

impl MissionWeights {
    /// The weights in `MISSION_COMPONENTS` order.
    pub fn as_array(&self) -> [f64; 7] {
        [
            self.unmet_need,
            self.turnover,
            self.local_spend,
            self.estate_employment,
            self.co2,
            self.continuity,
            self.public_cost,
        ]
    }

    /// Sets one weight by its key; false if `key` is not a component.
    pub fn set(&mut self, key: &str, v: f64) -> bool {
        let slot = match key {
            "unmet_need" => &mut self.unmet_need,
            "turnover" => &mut self.turnover,
            "local_spend" => &mut self.local_spend,
            "estate_employment" => &mut self.estate_employment,
            "co2" => &mut self.co2,
            "continuity" => &mut self.continuity,
            "public_cost" => &mut self.public_cost,
            _ => return false,
        };
        *slot = v;
        true
    }

    /// Overrides weights from `key=value,key=value` (the command line's `--mission-weights`);
    /// keys not named keep their value. Errors name the bad part and the keys allowed.
    pub fn apply_overrides(&mut self, text: &str) -> Result<(), String> {
        let keys = || MISSION_COMPONENTS.iter().map(|c| c.0).collect::<Vec<_>>().join(", ");
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}`: expected key=weight (keys: {})", keys()))?;
            let v: f64 = v.trim().parse().map_err(|_| format!("`{part}`: `{}` is not a number", v.trim()))?;
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("`{part}`: a weight must be between 0 and 1"));
            }
            if !self.set(k.trim(), v) {
                return Err(format!("`{part}`: `{}` is not a component (keys: {})", k.trim(), keys()));
            }
        }
        if self.as_array().iter().all(|&w| w <= 0.0) {
            return Err("every mission weight is 0: give at least one component a weight".into());
        }
        Ok(())
    }

    /// Range checks of `[mission]`: each weight a share, at least one positive.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        for ((k, _, _), v) in MISSION_COMPONENTS.iter().zip(self.as_array()) {
            c.share(&format!("mission.{k}"), v);
        }
        if self.as_array().iter().all(|&w| w <= 0.0) {
            c.fail("mission", "expected at least one positive weight, found all 0");
        }
    }
}

/// `[appraisal]`: how costs and outcomes are valued over time in the cost-effectiveness
/// section of a comparison (docs/COMPARISON.md, "Cost-effectiveness"). Never read by agents.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Appraisal {
    /// Discount rate for future costs and outcomes, % a year: HM Treasury Green Book (2022)
    /// STPR of 3.5% for the first 30 years. Year k after the reform date is discounted by
    /// (1 + r)^−k.
    pub discount_rate_percent: f64,
    /// Willingness to pay for an hour of unmet need avoided (£, prices of the reform year), at
    /// which net monetary benefit is reported. Assumed: about what the council pays for an hour
    /// of care (docs/CALIBRATION.md [C55]).
    pub wtp_gbp_per_unmet_hour: f64,
}

impl Default for Appraisal {
    fn default() -> Self {
        Self { discount_rate_percent: 3.5, wtp_gbp_per_unmet_hour: 30.0 }
    }
}

impl Appraisal {
    /// Range checks of `[appraisal]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        c.non_negative("appraisal.discount_rate_percent", self.discount_rate_percent);
        c.at_most("appraisal.discount_rate_percent", self.discount_rate_percent, 20.0, "% a year");
        c.non_negative("appraisal.wtp_gbp_per_unmet_hour", self.wtp_gbp_per_unmet_hour);
        c.at_most("appraisal.wtp_gbp_per_unmet_hour", self.wtp_gbp_per_unmet_hour, 10_000.0, "£ an hour");
    }

    /// The discount factor of a model week after the reform date (year k = week / 52).
    pub fn discount(&self, week: i32) -> f64 {
        let k = week.max(0).div_euclid(52);
        (1.0 + self.discount_rate_percent / 100.0).powi(-k)
    }
}
