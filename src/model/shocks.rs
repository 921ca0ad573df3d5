//! Scheduled shocks (docs/ODD.md §3 step 1, §7.23): wage-floor jumps, demand surges, budget cuts,
//! labour-supply drops, provider failures and cost inflation, each at a model week ≥ 0.
//!
//! A shock changes the environment or the council's means; how the market responds is left to
//! the agents' rules. No shock draws a random number another process uses, so the weeks before
//! a shock are identical to the same run without it.

use super::{WorkerStatus, World, provider};
use crate::scenario::{BudgetBasis, FeeUplift, Shock};

/// Shocks in force that act through a rate: extra arrivals and lost pool inflow.
#[derive(Clone, Debug, Default)]
pub struct ShockState {
    /// Extra arrivals as a share of the usual rate, until (not including) `demand_until`.
    demand_extra: f64,
    demand_until: i32,
    /// Share of would-be entrants to care work kept out, until `inflow_until`.
    inflow_drop: f64,
    inflow_until: i32,
}

impl ShockState {
    /// Extra arrivals this week as a share of the usual rate.
    pub fn extra_demand(&self, week: i32) -> f64 {
        if week < self.demand_until { self.demand_extra } else { 0.0 }
    }

    /// Share of would-be entrants to care work who join the pool this week.
    pub fn inflow_factor(&self, week: i32) -> f64 {
        if week < self.inflow_until { 1.0 - self.inflow_drop } else { 1.0 }
    }
}

/// Last week of a shock that lasts `weeks` weeks (0: to the end of the run).
fn until(week: i32, weeks: u32) -> i32 {
    if weeks == 0 { i32::MAX } else { week + weeks as i32 }
}

/// Applies the shocks scheduled for this week, in file order.
pub fn apply(world: &mut World) {
    if world.week < 0 || world.scenario.shocks.is_empty() {
        return;
    }
    let week = world.week;
    let due: Vec<Shock> = world.scenario.shocks.iter().filter(|s| s.week() as i32 == week).cloned().collect();
    for shock in due {
        match shock {
            Shock::WageFloorRise { size, .. } => {
                world.wages.raise_floors(size);
                // A fee indexed to the wage floor follows it at once; a fixed uplift waits
                // for April.
                if world.policy.rules.fee_uplift == FeeUplift::IndexedToWageFloor {
                    world.policy.apply_fee_uplift(
                        size,
                        &mut world.providers,
                        &mut world.clients,
                        &world.active_clients,
                    );
                }
                world.policy.update_rate_floor(&world.wages, &world.scenario.cost_model);
                for w in world.workers.iter_mut().filter(|x| x.status != WorkerStatus::Left) {
                    w.reservation_wage *= 1.0 + size;
                }
            }
            Shock::DemandSurge { size, weeks, .. } => {
                world.shock_state.demand_extra = size;
                world.shock_state.demand_until = until(week, weeks);
            }
            Shock::BudgetCut { size, of, rationing, .. } => {
                let base = match of {
                    BudgetBasis::Budget => world.council.annual_budget,
                    BudgetBasis::Spend => world.council.spend_run_rate(),
                };
                let rule = rationing.unwrap_or(world.scenario.council.rationing);
                world.council.cut_budget(base * (1.0 - size), rule);
            }
            Shock::LabourSupplyDrop { size, weeks, .. } => {
                world.shock_state.inflow_drop = size;
                world.shock_state.inflow_until = until(week, weeks);
            }
            Shock::ProviderFailure {
                provider: target,
                workers_to_pool,
                workers_follow_clients_share,
                ..
            } => {
                let pid = match target {
                    Some(id) => {
                        Some(id as usize).filter(|&i| world.providers.get(i).is_some_and(|p| p.active))
                    }
                    None => largest_provider(world),
                };
                if let Some(pid) = pid {
                    provider::fail(world, pid, workers_to_pool.then_some(workers_follow_clients_share));
                }
            }
            Shock::CostInflation { size, .. } => {
                world.wages.cost_index *= 1.0 + size;
                for p in world.providers.iter_mut() {
                    p.overhead_per_week *= 1.0 + size;
                }
                world.policy.update_rate_floor(&world.wages, &world.scenario.cost_model);
            }
        }
    }
}

/// The active provider that delivered most contact hours last week (lowest id on a tie).
pub fn largest_provider(world: &World) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (i, p) in world.providers.iter().enumerate().filter(|(_, p)| p.active) {
        if best.is_none_or(|(h, _)| p.contact_hours_week > h) {
            best = Some((p.contact_hours_week, i));
        }
    }
    best.map(|(_, i)| i)
}
