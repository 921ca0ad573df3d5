//! The scenario file schema. Each struct is one TOML table; every field has a default (the
//! Camden status quo, sources in docs/CALIBRATION.md) and unknown keys are rejected.
//!
//! No field here is an outcome of the model: wages, contract mix, travel, turnover, exits and
//! unmet need all emerge from the agents' rules. Fields set *behaviour* (how fast a provider
//! reviews wages) or *environment* (how many people need care), never a result.
//!
//! This module owns the top level (`Scenario`, `[run]`, `[burn_in]`); every other table has its
//! own file, with its range checks beside its struct (called in order by `validate`).

use serde::{Deserialize, Serialize};

use super::validate::Checker;

mod calendar;
mod clients;
mod commissioning;
mod council;
mod geography;
mod mission;
mod providers;
mod self_funders;
mod shocks;
mod wage_floor;
mod workforce;

pub use calendar::Calendar;
pub use clients::ClientParams;
pub use commissioning::{
    Award, Brokerage, Commissioning, FeeUplift, Incubator, OutcomeTerms, PaymentBasis, PriceBasis, RateFloor,
    ScoringWeights, SocialValue, SocialValueMode, TenderParams, WageFloorName,
};
pub use council::{CouncilParams, Downstream, LastResort, Rationing};
pub use geography::{Geography, MAX_PATCHES, Patch, TravelMode};
pub use mission::MissionWeights;
pub use providers::{KindParams, ProviderKind, ProviderParams, Rating};
pub use self_funders::SelfFunderParams;
pub use shocks::{BudgetBasis, Shock};
pub use wage_floor::{WageFloor, YearValue};
pub use workforce::WorkforceParams;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used in tables and folder names.
    pub name: String,
    /// One line saying what the scenario represents.
    pub description: String,
    /// A scenario file this one builds on (path relative to this file): its values apply
    /// first and this file's keys override them (tables merge key by key; arrays replace).
    /// `name` and `description` are never inherited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    pub run: RunSettings,
    pub calendar: Calendar,
    pub wage_floor: WageFloor,
    pub geography: Geography,
    pub clients: ClientParams,
    pub self_funders: SelfFunderParams,
    pub workforce: WorkforceParams,
    pub providers: ProviderParams,
    pub council: CouncilParams,
    /// The policy in force from week 0 (the reform date).
    pub commissioning: Commissioning,
    /// The policy during burn-in. Every scenario burns in under the status quo, so this is
    /// normally left at its default; a file that changes it no longer shares the baseline's
    /// starting state.
    pub burn_in: BurnIn,
    /// Weights of the composite mission score (outcome reporting only; never read by agents).
    pub mission: MissionWeights,
    /// Scheduled shocks (`[[shocks]]`): events that hit the market at a model week ≥ 0. A
    /// shock file (`careshape run --shock`) adds its shocks to these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<Shock>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: "status-quo".into(),
            description: "Spot purchase at a council-set rate from an approved list, paid on \
                          actual minutes"
                .into(),
            extends: None,
            run: RunSettings::default(),
            calendar: Calendar::default(),
            wage_floor: WageFloor::default(),
            geography: Geography::default(),
            clients: ClientParams::default(),
            self_funders: SelfFunderParams::default(),
            workforce: WorkforceParams::default(),
            providers: ProviderParams::default(),
            council: CouncilParams::default(),
            commissioning: Commissioning::default(),
            burn_in: BurnIn::default(),
            mission: MissionWeights::default(),
            shocks: Vec::new(),
        }
    }
}

/// Run length; the CLI may override `weeks`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RunSettings {
    /// Weeks simulated after burn-in (the policy period).
    pub weeks: u32,
    /// Weeks of burn-in under the status quo before the reform (written, flagged, excluded
    /// from summaries).
    pub burn_in_weeks: u32,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self { weeks: 260, burn_in_weeks: 52 }
    }
}

impl RunSettings {
    /// Range checks of `[run]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        if self.weeks == 0 {
            c.fail("run.weeks", "expected at least 1 week");
        }
        if self.weeks > 5200 {
            c.fail("run.weeks", "expected at most 5200 weeks (100 years)");
        }
        if self.burn_in_weeks > 5200 {
            c.fail("run.burn_in_weeks", "expected at most 5200 weeks (100 years)");
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BurnIn {
    pub commissioning: Commissioning,
}
