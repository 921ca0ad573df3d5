//! The Mission Incubator (docs/ODD.md §7.22): cohorts of new local providers, co-ops and
//! micro-providers run by estate residents, with a start-up grant, packages offered to them
//! first for their first weeks, and capability support that speeds their quality growth, all
//! within a bounded budget. Incubated providers face the same handback and exit rules as
//! everyone else.

use super::clients::pick_weighted;
use super::provider::new_provider;
use super::{PatchId, World};
use crate::rng::Process;
use crate::scenario::ProviderKind;

/// Starts a cohort if one is due this week and the budget allows; pays capability support.
/// Returns the incubator's spend this week (grants and support).
pub fn step(world: &mut World) -> f64 {
    let rules = world.policy.rules.incubator.clone();
    if !rules.enabled || world.week < 0 {
        return 0.0;
    }
    let week = world.week;
    let mut spent = 0.0;
    // Capability support for providers still in their support period.
    let support = rules.support_gbp_per_provider_week * world.wages.cost_index;
    for p in world.providers.iter_mut() {
        if p.active && p.incubated && week < p.support_until {
            if world.policy.incubator_spent + spent + support > rules.budget_gbp {
                p.support_until = week; // the budget has run out
                continue;
            }
            spent += support;
        }
    }
    let since = week - rules.first_cohort_week as i32;
    let due = since >= 0
        && since % rules.cohort_every_weeks as i32 == 0
        && world.policy.cohorts_started < rules.cohorts;
    if due {
        world.policy.cohorts_started += 1;
        let mut rng = world.streams.weekly(Process::Incubator, week as i64);
        let n = world.geography.n;
        // New providers are based where the estates are.
        let estates: Vec<f64> =
            (0..n).map(|q| world.geography.estate_share[q] * world.geography.demand_share[q]).collect();
        let kinds = &world.scenario.providers.kinds;
        let going_mix = super::provider::going_contract_mix(world);
        for i in 0..rules.cohort_size {
            let grant = rules.startup_grant_gbp;
            if world.policy.incubator_spent + spent + grant > rules.budget_gbp {
                break;
            }
            let kind = if i % 2 == 0 { ProviderKind::CoopSocial } else { ProviderKind::Micro };
            let overhead = kinds.iter().find(|k| k.kind == kind).map_or(300.0, |k| k.overhead_gbp_per_week)
                * world.scenario.providers.overhead_scale
                * world.wages.cost_index;
            let base = pick_weighted(&mut rng, &estates) as PatchId;
            // They pay at least the London Living Wage from the start (a Camden condition).
            let wage = world.wages.london_living_wage.max(world.wages.national_living_wage);
            // Supported providers pay for all working time, travel included.
            let mut p = new_provider(world, kind, true, base, wage, 0.0, overhead, true, going_mix);
            p.incubated = true;
            p.guarantee_until = week + rules.guaranteed_package_weeks as i32;
            p.support_until = week + rules.support_weeks as i32;
            p.pending_grant = grant;
            world.providers.push(p);
            world.counters.entries += 1;
            world.counters.incubated_entries += 1;
            spent += grant;
        }
    }
    world.policy.incubator_spent += spent;
    spent
}
