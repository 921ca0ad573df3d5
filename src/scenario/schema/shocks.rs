//! `[[shocks]]`: scheduled shocks (their kinds, and what a budget cut is a share of), with the
//! range checks of each shock.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

use super::Rationing;

/// A scheduled shock (docs/ODD.md §3 step 1). `week` is a model week ≥ 0 (after the reform
/// date); a shock happens at the start of that week, after the April events. `size` is a
/// relative change (0.10 = 10%).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Shock {
    /// The National and London Living Wage jump by `size` on top of their April path (and
    /// the outside wage with them); an indexed fee uplift or rate floor follows at once.
    WageFloorRise { week: u32, size: f64 },
    /// New council packages arrive at (1 + `size`) × the usual rate for `weeks` weeks (0: to
    /// the end of the run).
    DemandSurge {
        week: u32,
        size: f64,
        #[serde(default)]
        weeks: u32,
    },
    /// The annual budget becomes (1 − `size`) × the budget or the spend run rate (`of`), and
    /// binds from `week`, rationed by `rationing` (default: `council.rationing`).
    BudgetCut {
        week: u32,
        size: f64,
        #[serde(default)]
        of: BudgetBasis,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rationing: Option<Rationing>,
    },
    /// New entrants to care work (pool inflow, incl. international recruitment) fall by
    /// `size` for `weeks` weeks (0: to the end of the run).
    LabourSupplyDrop {
        week: u32,
        size: f64,
        #[serde(default)]
        weeks: u32,
    },
    /// A provider stops trading at once: provider id `provider`, or (if omitted) the one
    /// that delivered most contact hours last week. Its clients return to brokerage as
    /// urgent; its workers go to the pool (`workers_to_pool`, default true) or leave care. With
    /// `workers_to_pool`, a share `workers_follow_clients_share` (default 0.5, assumed) of them
    /// follow their regular clients to the providers that take them on (docs/ODD.md §7.17).
    ProviderFailure {
        week: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<u32>,
        #[serde(default = "yes")]
        workers_to_pool: bool,
        #[serde(default = "half")]
        workers_follow_clients_share: f64,
    },
    /// Providers' non-wage costs (overheads, admin, training, recruitment) jump by `size`.
    CostInflation { week: u32, size: f64 },
}

fn yes() -> bool {
    true
}

fn half() -> f64 {
    0.5
}

impl Shock {
    /// The model week the shock happens.
    pub fn week(&self) -> u32 {
        match *self {
            Self::WageFloorRise { week, .. }
            | Self::DemandSurge { week, .. }
            | Self::BudgetCut { week, .. }
            | Self::LabourSupplyDrop { week, .. }
            | Self::ProviderFailure { week, .. }
            | Self::CostInflation { week, .. } => week,
        }
    }

    /// The kind's name as written in files.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::WageFloorRise { .. } => "wage_floor_rise",
            Self::DemandSurge { .. } => "demand_surge",
            Self::BudgetCut { .. } => "budget_cut",
            Self::LabourSupplyDrop { .. } => "labour_supply_drop",
            Self::ProviderFailure { .. } => "provider_failure",
            Self::CostInflation { .. } => "cost_inflation",
        }
    }

    /// Range checks of the `i`-th shock (`shocks[i]`) of a run of `run_weeks` weeks: a week within
    /// the run, its size in range.
    pub(in crate::scenario) fn check(&self, c: &mut Checker, i: usize, run_weeks: u32) {
        let k = |f: &str| format!("shocks[{i}].{f}");
        if self.week() >= run_weeks {
            c.fail(
                k("week"),
                format!(
                    "expected a model week from 0 to {} (run.weeks − 1), found {}",
                    run_weeks.saturating_sub(1),
                    self.week()
                ),
            );
        }
        match *self {
            Shock::WageFloorRise { size, .. } | Shock::CostInflation { size, .. } => {
                if !(size > -1.0 && size <= 10.0) {
                    c.fail(
                        k("size"),
                        format!("expected a relative change above −1 and at most 10, found {size}"),
                    );
                }
            }
            Shock::DemandSurge { size, .. } => {
                c.non_negative(&k("size"), size);
                c.at_most(&k("size"), size, 10.0, "(a relative rise in arrivals)");
            }
            Shock::BudgetCut { size, .. } => {
                if !(0.0..1.0).contains(&size) {
                    c.fail(k("size"), format!("expected a cut from 0 to below 1, found {size}"));
                }
            }
            Shock::LabourSupplyDrop { size, .. } => c.share(&k("size"), size),
            Shock::ProviderFailure { workers_follow_clients_share, .. } => {
                c.share(&k("workers_follow_clients_share"), workers_follow_clients_share)
            }
        }
    }
}

/// What a budget cut is a share of.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum BudgetBasis {
    /// The annual budget in force.
    #[default]
    Budget,
    /// The council's homecare spend over the last 13 weeks, annualised (the run rate): a cut
    /// that binds whatever the policy spends.
    Spend,
}
