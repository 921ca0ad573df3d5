//! Self-funders (docs/ODD.md §7.12): self-funded care ends at its own rate, self-funders leave
//! providers that miss visits, and the demand left unserved arrives as new self-funded clients,
//! each choosing one provider at random among those covering its patch with room for it.

use super::acceptance::{MarginalCost, covers_patch};
use crate::model::World;
use crate::rng::Process;
use crate::scenario::MAX_PATCHES;

// A bit per patch in a provider's `covering` mask.
const _: () = assert!(MAX_PATCHES <= 16);

/// Self-funded hours this week: endings and leavers first, then new self-funders placed.
pub fn self_funders(world: &mut World) {
    let sf = &world.scenario.self_funders;
    let (ending, leaving, client_hours) = (sf.ending_per_week, sf.leaving_per_shortfall, sf.client_hours);
    let n = world.geography.n;
    let mut unserved = [0.0; MAX_PATCHES];
    for (q, u) in unserved.iter_mut().enumerate().take(n) {
        *u = sf.hours_per_week * world.geography.demand_share[q];
    }
    // Care that ends, and self-funders who leave a provider that failed to deliver last week
    // (in proportion to the share of hours it missed). In the same pass, the providers a new
    // self-funder may choose: those earning a positive margin at the private rate, with the
    // patches they cover (their service area, ODD §7.7). Placing self-funders in a patch
    // changes only that patch's hours, so what a provider covers elsewhere holds all week.
    let private_rate = world.private_rate();
    let cost =
        MarginalCost::new(world.scenario.providers.on_cost_rate, world.admin_per_hour(), &world.geography);
    let mut eligible = std::mem::take(&mut world.scratch.covering);
    eligible.clear();
    for id in 0..world.providers.len() {
        let p = &mut world.providers[id];
        if !p.active {
            continue;
        }
        let keep = (1.0 - ending) * (1.0 - leaving * (1.0 - p.fill).max(0.0));
        for (q, u) in unserved.iter_mut().enumerate().take(n) {
            p.self_funder_hours[q] *= keep;
            *u -= p.self_funder_hours[q];
        }
        let p = &world.providers[id];
        if private_rate - cost.marginal(p, p.km_per_hour_mean, p.visits_per_hour_mean) > 0.0 {
            let covers = (0..n).filter(|&q| covers_patch(world, p, q)).fold(0u16, |m, q| m | 1 << q);
            eligible.push((id as u32, covers));
        }
    }
    // New self-funders, patch by patch: each brings `client_hours` (the last one the rest of
    // the patch's demand) and picks uniformly among the eligible providers that cover the
    // patch and have spare time for it.
    let mut candidates = std::mem::take(&mut world.scratch.ids);
    let keys = world.streams.week_keys(Process::SelfFunders, world.week as i64);
    for (q, &demand) in unserved.iter().enumerate().take(n) {
        let mut left = demand;
        candidates.clear();
        candidates.extend(eligible.iter().filter(|&&(_, covers)| covers & (1 << q) != 0).map(|&(id, _)| id));
        let mut k = 0u64;
        // Where the last client's provider sits in `candidates`: the one provider whose room
        // has shrunk since the last check.
        let mut chosen: Option<usize> = None;
        while left > 1e-9 {
            let hours = client_hours.min(left);
            // Providers without room for this client drop out for the rest of the patch. A
            // client's hours never exceed the last one's, so a provider that had room for the
            // last client and took no client since still has room: after the first client, only
            // the last client's provider needs checking (as if all were, in far fewer steps).
            let g = &world.geography;
            let providers = &world.providers;
            let has_room = |id: u32| {
                let p = &providers[id as usize];
                p.capacity_time - p.committed_time >= hours * (1.0 + p.travel_time_per_hour(g))
            };
            match chosen {
                None => candidates.retain(|&id| has_room(id)),
                Some(i) if !has_room(candidates[i]) => {
                    candidates.remove(i);
                }
                Some(_) => {}
            }
            if candidates.is_empty() {
                break;
            }
            let u = keys.uniform(((q as u64) << 32) | k);
            let i = ((u * candidates.len() as f64) as usize).min(candidates.len() - 1);
            chosen = Some(i);
            let pid = candidates[i];
            let p = &mut world.providers[pid as usize];
            let travel = p.travel_time_per_hour(&world.geography);
            p.self_funder_hours[q] += hours;
            p.committed_time += hours * (1.0 + travel);
            left -= hours;
            k += 1;
            // At least 0.25 hours a package (validated), so the patch's demand is placed in a
            // bounded number of packages.
            debug_assert!(hours >= 0.25 || left <= 1e-9, "a self-funded package of {hours} hours");
        }
    }
    world.scratch.ids = candidates;
    world.scratch.covering = eligible;
}
