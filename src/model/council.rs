//! The council: budget and its rationing rule (§5.6), brokerage of waiting clients to
//! providers in the order the policy sets, and inspections that rate providers' quality.

use rand_distr::{Distribution, Normal};

use super::provider::accepts_package;
use super::{ClientStatus, World};
use crate::rng::Process;
use crate::scenario::{Brokerage, Rating};

#[derive(Clone, Debug, Default)]
pub struct Council {
    /// Spend since the start of the financial year (April).
    pub spend_year_to_date: f64,
    pub weeks_into_year: u32,
    pub spend_total: f64,
}

impl Council {
    /// Budget available so far this financial year (pro rata).
    pub fn budget_to_date(&self, annual_budget: f64) -> f64 {
        annual_budget * (self.weeks_into_year as f64 + 1.0) / 52.0
    }
}

/// Starts a new financial year's budget count in the April uplift week.
pub fn new_financial_year(world: &mut World) {
    world.council.spend_year_to_date = 0.0;
    world.council.weeks_into_year = 0;
}

/// Offers waiting clients to providers, first come first served. Each client is offered to
/// at most `max_offers_per_client` providers a week, in the order the brokerage rule gives;
/// framework providers are asked before the rest of the approved list. With a binding budget,
/// no new package starts while spend runs ahead of the pro-rata budget (new clients wait).
pub fn broker(world: &mut World) {
    let annual = world.scenario.council.annual_budget_gbp;
    if world.scenario.council.budget_binding
        && world.council.spend_year_to_date >= world.council.budget_to_date(annual)
    {
        world.counters.budget_blocked = true;
        return;
    }
    let max_offers = world.scenario.council.max_offers_per_client as usize;
    let mut placed_any = false;
    let mut queue = std::mem::take(&mut world.queue);
    let mut ranked = std::mem::take(&mut world.scratch.ranked);
    for &cid in queue.iter() {
        if world.clients[cid as usize].ready_week > world.week {
            continue;
        }
        rank_providers(world, cid, &mut ranked);
        for &(_, pid) in ranked.iter().take(max_offers) {
            if let Some(on_contract) = accepts_package(world, pid, cid) {
                if world.policy.is_zonal() && !on_contract {
                    world.counters.overflow_placements += 1;
                }
                let emergency_weeks = world.scenario.council.downstream.emergency_weeks as i32;
                let c = &mut world.clients[cid as usize];
                if c.urgent {
                    c.premium_until = world.week + emergency_weeks;
                    c.urgent = false;
                }
                c.status = ClientStatus::Active;
                c.provider = pid;
                c.on_contract = on_contract;
                c.negative_margin_weeks = 0;
                c.primary_carer = super::NONE;
                c.recent_carers = [super::NONE; 8];
                world.active_clients.push(cid);
                world.counters.placements += 1;
                world.counters.placement_wait_weeks +=
                    (world.week - world.clients[cid as usize].waiting_since) as f64;
                placed_any = true;
                break;
            }
        }
    }
    if placed_any {
        let clients = &world.clients;
        queue.retain(|&id| clients[id as usize].status == ClientStatus::Waiting);
    }
    world.queue = queue;
    world.scratch.ranked = ranked;
}

/// Fills `ranked` with (sort key, provider id) for a client: incubated providers within
/// their guarantee first, then contract holders covering the client (framework places, or the
/// zonal leads of the client's patch), then the approved list (the reserve), each in the
/// brokerage rule's order.
fn rank_providers(world: &mut World, cid: u32, ranked: &mut Vec<(f64, u32)>) {
    ranked.clear();
    let patch = world.clients[cid as usize].patch as usize;
    let n = world.providers.len().max(1);
    let start = world.policy.round_robin_next % n;
    let guaranteed_hours = world.policy.rules.incubator.guaranteed_worker_hours_per_week;
    for (i, p) in world.providers.iter().enumerate() {
        let framework = world.policy.is_framework()
            && world.policy.contract_covers(p, patch as super::PatchId, world.week);
        let incubating = p.incubated
            && world.week < p.guarantee_until
            && p.council_worker_hours.iter().sum::<f64>() < guaranteed_hours;
        if !p.active || (!framework && !incubating && !world.policy.approved(p)) {
            continue;
        }
        let rule_key = match world.policy.rules.brokerage {
            Brokerage::CheapestFirst => world.policy.rate_for(p, framework),
            Brokerage::QualityFirst => -p.rating.unwrap_or(Rating::RequiresImprovement).score(),
            Brokerage::Proximity => world.geography.distance_km[p.base_patch as usize][patch],
            Brokerage::RoundRobin => 0.0,
        };
        // Ties (and round robin) are broken by a rotating start, so no provider is always
        // asked first.
        let rotation = ((i + n - start) % n) as f64 / n as f64;
        let tier = if incubating {
            -1.0e6
        } else if framework {
            0.0
        } else {
            1.0e6
        };
        ranked.push((tier + rule_key + rotation * 1e-3, i as u32));
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    world.policy.round_robin_next = world.policy.round_robin_next.wrapping_add(1);
}

/// Random inspections: each provider is inspected with a weekly chance; the rating is its
/// quality plus inspector noise, cut at the scenario's thresholds.
pub fn inspections(world: &mut World) {
    let c = &world.scenario.council;
    let noise = Normal::new(0.0, c.inspection_noise_sd).expect("validated");
    for (i, p) in world.providers.iter_mut().enumerate() {
        if !p.active {
            continue;
        }
        let u = world.streams.uniform(Process::Inspection, world.week as i64, i as u64);
        if u >= c.inspection_per_week {
            continue;
        }
        let mut rng = world.streams.entity(Process::Inspection, world.week as i64, i as u64);
        let observed = p.quality + noise.sample(&mut rng);
        p.rating = Some(rating_for(observed, c.rating_thresholds));
    }
}

/// The rating an inspector gives an observed quality, cut at the thresholds for Requires
/// improvement, Good and Outstanding.
pub fn rating_for(observed: f64, thresholds: [f64; 3]) -> Rating {
    let t = thresholds;
    if observed >= t[2] {
        Rating::Outstanding
    } else if observed >= t[1] {
        Rating::Good
    } else if observed >= t[0] {
        Rating::RequiresImprovement
    } else {
        Rating::Inadequate
    }
}
