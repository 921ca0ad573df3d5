//! Package acceptance (docs/ODD.md §7.8): whether a provider takes a package it is offered,
//! and the cost model it weighs: the marginal cost of a worker-hour and travel per hour (§7.6).

use crate::model::{Geography, Provider, World};

/// Whether `p` works in `patch` (docs/ODD.md §7.7): its service area is its base patch, the
/// patches within `providers.service_radius_km` of it, and any patch where it already has
/// council or self-funded clients. Brokers refer packages, and self-funders look for care,
/// among the providers covering the client's patch.
pub fn covers_patch(world: &World, p: &Provider, patch: usize) -> bool {
    let base = p.base_patch as usize;
    base == patch
        || world.geography.distance_km[base][patch] <= world.scenario.providers.service_radius_km
        || p.works_in(patch)
}

/// Mean visit length (h) of the scenario's visit-length distribution.
pub fn mean_visit_hours(world: &World) -> f64 {
    let c = &world.scenario.clients;
    c.visit_length_hours.iter().zip(&c.visit_length_probabilities).map(|(l, p)| l * p).sum()
}

/// Travel km per worker-hour in a patch for a provider making `visits` worker-visits and
/// `hours` worker-hours a week there.
pub fn km_per_hour_in_patch(world: &World, p: &Provider, patch: usize, visits: f64, hours: f64) -> f64 {
    if hours <= 0.0 {
        return 0.0;
    }
    let g = &world.geography;
    // A caseload big enough for rounds of its own hops in from nowhere: the nearest other
    // patch (a search over the patches) is needed only for smaller ones.
    let hop = if g.hops_in(hours) {
        g.hop_km_per_visit(hours, nearest_other_patch_km(world, p, patch))
    } else {
        0.0
    };
    let km_per_visit = g.km_per_visit(patch, visits) + hop;
    km_per_visit * visits / hours
}

/// Distance to the nearest other patch where the provider works (or its base).
fn nearest_other_patch_km(world: &World, p: &Provider, patch: usize) -> f64 {
    let g = &world.geography;
    let mut best = if p.base_patch as usize == patch {
        f64::INFINITY
    } else {
        g.distance_km[p.base_patch as usize][patch]
    };
    for q in 0..g.n {
        if q != patch && p.works_in(q) {
            best = best.min(g.distance_km[q][patch]);
        }
    }
    if best.is_finite() { best } else { 0.0 }
}

/// Cost to the provider of one more worker-hour of care (wage with on-costs, paid travel,
/// mileage, admin), given the travel it brings.
pub fn marginal_cost_per_hour(world: &World, p: &Provider, km_per_hour: f64, visits_per_hour: f64) -> f64 {
    MarginalCost::of(world).marginal(p, km_per_hour, visits_per_hour)
}

/// What [`marginal_cost_per_hour`] needs of the world this week, held apart from it: finance
/// prices every package while delivery still holds the clients (docs/ODD.md §3 steps 6–7).
#[derive(Clone, Copy)]
pub struct MarginalCost<'a> {
    geography: &'a Geography,
    on_cost_rate: f64,
    admin_per_hour: f64,
}

impl<'a> MarginalCost<'a> {
    pub fn of(world: &'a World) -> Self {
        Self::new(world.scenario.providers.on_cost_rate, world.admin_per_hour(), &world.geography)
    }

    pub fn new(on_cost_rate: f64, admin_per_hour: f64, geography: &'a Geography) -> Self {
        Self { geography, on_cost_rate, admin_per_hour }
    }

    /// [`marginal_cost_per_hour`].
    #[inline]
    pub fn marginal(&self, p: &Provider, km_per_hour: f64, visits_per_hour: f64) -> f64 {
        // (Travel time is worked out only where it is paid: finance asks this of every package
        // every week, and skips the package's visits per hour too where travel is unpaid.)
        let paid = if p.pays_travel {
            1.0 + self.geography.travel_time_per_hour(km_per_hour, visits_per_hour, p.speed_kmh_mean)
        } else {
            1.0
        };
        p.wage * (1.0 + self.on_cost_rate) * paid
            + self.admin_per_hour
            + p.mileage_gbp_per_km_mean * km_per_hour
    }
}

/// ODD §7.8: the provider accepts a package if it has (or expects to hire) the worker time and
/// the package's marginal margin, including the travel it adds given density, is ≥ 0; when
/// its capacity is already committed it prefers self-funded hours that pay more. Returns
/// whether the package is placed under the provider's framework contract.
pub fn accepts_package(world: &mut World, pid: u32, cid: u32) -> Option<bool> {
    let p = &world.providers[pid as usize];
    let c = &world.clients[cid as usize];
    if !p.active {
        return None;
    }
    let patch = c.patch as usize;
    let framework = world.policy.contract_covers(p, c.patch, world.week);
    // A zonal lead must take packages in its patch while it has the capacity.
    let obliged = framework && world.policy.is_zonal();
    let visit_h = mean_visit_hours(world);
    let sf_visits = p.self_funder_hours[patch] / visit_h;
    let visits = p.council_worker_visits[patch] + sf_visits + c.worker_visits();
    let hours = p.council_worker_hours[patch] + p.self_funder_hours[patch] + c.worker_hours();
    let kmh = km_per_hour_in_patch(world, p, patch, visits, hours);
    let vph = c.visits_per_week / c.assessed_hours;
    let need = c.worker_hours() * (1.0 + world.geography.travel_time_per_hour(kmh, vph, p.speed_kmh_mean));
    let slack = world.scenario.providers.overbooking;
    let rate = world.policy.rate_for(p, framework);
    let revenue =
        world.policy.expected_revenue_per_hour(rate, world.scenario.clients.actual_to_planned_minutes);
    let margin = revenue - marginal_cost_per_hour(world, p, kmh, vph);
    if margin < 0.0 && !obliged {
        return None;
    }
    if p.committed_time + need > p.capacity_time * (1.0 + slack) {
        // A profitable package turned down for lack of staff: the provider recruits for it.
        world.providers[pid as usize].declined_this_week += need;
        return None;
    }
    // Weigh against self-funders when capacity is already committed.
    let private = world.private_rate() - marginal_cost_per_hour(world, p, kmh, vph);
    if !obliged && p.committed_time + need > p.capacity_time && private > margin {
        return None;
    }
    let wh = c.worker_hours();
    let wv = c.worker_visits();
    let p = &mut world.providers[pid as usize];
    world.caseload_snapshot.before_change(pid, p, patch);
    p.committed_time += need;
    p.council_worker_hours[patch] += wh;
    p.council_worker_visits[patch] += wv;
    p.council_clients[patch] += 1;
    Some(framework)
}
