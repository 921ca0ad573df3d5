//! Self-funder uptake (docs/ODD.md §7.12): providers with spare capacity take on unserved
//! self-funded hours; self-funders leave providers that fail to deliver.

use super::acceptance::marginal_cost_per_hour;
use crate::model::World;
use crate::rng::Process;
use crate::scenario::MAX_PATCHES;

/// Self-funded hours: providers with spare capacity and a positive private margin take on
/// unserved self-funded hours in the patches they serve; self-funders leave providers that
/// fail to deliver.
pub fn self_funders(world: &mut World) {
    let sf = world.scenario.self_funders.clone();
    let n = world.geography.n;
    let mut unserved = [0.0; MAX_PATCHES];
    for (q, u) in unserved.iter_mut().enumerate().take(n) {
        *u = sf.hours_per_week * world.geography.demand_share[q];
    }
    for p in world.providers.iter().filter(|p| p.active) {
        for (q, u) in unserved.iter_mut().enumerate().take(n) {
            *u -= p.self_funder_hours[q];
        }
    }
    let mut order = std::mem::take(&mut world.scratch.ranked);
    order.clear();
    for (i, p) in world.providers.iter().enumerate() {
        if p.active {
            order.push((world.streams.uniform(Process::SelfFunders, world.week as i64, i as u64), i as u32));
        }
    }
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    for &(_, pid) in &order {
        let p = &world.providers[pid as usize];
        if p.fill < 1.0 {
            let keep = p.fill;
            let p = &mut world.providers[pid as usize];
            for (q, u) in unserved.iter_mut().enumerate().take(n) {
                let lost = p.self_funder_hours[q] * (1.0 - keep);
                p.self_funder_hours[q] -= lost;
                *u += lost;
            }
            continue;
        }
        let kmh = p.km_per_hour_mean;
        let travel = p.travel_time_per_hour(&world.geography);
        let private_margin =
            world.private_rate() - marginal_cost_per_hour(world, p, kmh, p.visits_per_hour_mean);
        let spare_time = p.capacity_time - p.committed_time;
        if private_margin <= 0.0 || spare_time <= 0.0 {
            continue;
        }
        let spare_contact = spare_time / (1.0 + travel);
        // The patch with most unserved demand among those it works in (or its base).
        let mut best: Option<usize> = None;
        for q in 0..n {
            let works =
                p.council_worker_hours[q] > 0.0 || p.self_funder_hours[q] > 0.0 || q == p.base_patch as usize;
            if works && unserved[q] > 0.0 && best.is_none_or(|b| unserved[q] > unserved[b]) {
                best = Some(q);
            }
        }
        if let Some(q) = best {
            let add = (spare_contact * sf.uptake_of_spare_capacity).min(unserved[q]);
            let p = &mut world.providers[pid as usize];
            p.self_funder_hours[q] += add;
            p.committed_time += add * (1.0 + travel);
            unserved[q] -= add;
        }
    }
    world.scratch.ranked = order;
}
