//! The order in which brokers ask providers to take a package (docs/ODD.md §7.7): incubated
//! providers within their guarantee first, then contract holders covering the client's patch
//! (framework places, or the patch's zonal leads), then the rest of the approved list, each in
//! the brokerage rule's order, ties broken by a start that rotates with every client.
//!
//! The order is built once per brokerage round, per patch, and each client reads its first few
//! providers from it: the cost per client does not grow with the number of providers.

use super::World;
use crate::scenario::{Brokerage, Rating};

/// A provider's place in a patch's order: its tier (0 framework, 1 approved list), the
/// brokerage rule's key and its id.
#[derive(Clone, Copy, Debug)]
struct Entry {
    tier: u8,
    key: f64,
    id: u32,
}

/// The brokerage order of one round (rebuilt every week, its buffers reused).
#[derive(Default)]
pub struct BrokerageOrder {
    /// Per patch: providers eligible outside any incubation guarantee, sorted by (tier, key,
    /// id).
    by_patch: Vec<Vec<Entry>>,
    /// Active incubated providers within their guarantee period.
    incubated: Vec<u32>,
    /// Incubated providers a client is offered to first: (key, rotation, id).
    first: Vec<(f64, usize, u32)>,
    /// Providers at the time of building (the rotation's modulus).
    n: usize,
}

/// The brokerage rule's sort key of a provider for a package in `patch`.
fn rule_key(world: &World, pid: usize, framework: bool, patch: usize) -> f64 {
    let p = &world.providers[pid];
    match world.policy.rules.brokerage {
        Brokerage::CheapestFirst => world.policy.rate_for(p, framework),
        Brokerage::QualityFirst => -p.rating.unwrap_or(Rating::RequiresImprovement).score(),
        Brokerage::Proximity => world.geography.distance_km[p.base_patch as usize][patch],
        Brokerage::RoundRobin => 0.0,
    }
}

/// Whether an incubated provider is still within its guarantee this week: placed first until
/// its council hours reach the guaranteed level.
fn incubating_now(world: &World, pid: u32) -> bool {
    let p = &world.providers[pid as usize];
    p.incubated
        && world.week < p.guarantee_until
        && p.council_worker_total() < world.policy.rules.incubator.guaranteed_worker_hours_per_week
}

impl BrokerageOrder {
    /// Builds this round's order from the providers' contracts, ratings and approval.
    pub fn build(&mut self, world: &World) {
        let patches = world.geography.n;
        self.n = world.providers.len().max(1);
        self.by_patch.resize_with(patches, Vec::new);
        self.incubated.clear();
        for list in &mut self.by_patch {
            list.clear();
        }
        // One pass over the providers, each read once for every patch (each patch's list is
        // filled in order of id, as a pass per patch would).
        for (id, p) in world.providers.iter().enumerate() {
            if !p.active {
                continue;
            }
            if p.incubated && world.week < p.guarantee_until {
                self.incubated.push(id as u32);
            }
            let approved = world.policy.approved(p);
            for (q, list) in self.by_patch.iter_mut().enumerate() {
                let framework = world.policy.contract_covers(p, q as super::PatchId, world.week);
                // Off contract, an approved provider is asked only in its service area (ODD §7.7).
                let referred = approved && super::provider::covers_patch(world, p, q);
                if !(framework || referred) {
                    continue;
                }
                let key = rule_key(world, id, framework, q);
                list.push(Entry { tier: u8::from(!framework), key, id: id as u32 });
            }
        }
        for list in &mut self.by_patch {
            // (Ids are unique, so the order is total: an unstable sort gives the same one.)
            list.sort_unstable_by(|a, b| {
                a.tier.cmp(&b.tier).then(a.key.total_cmp(&b.key)).then(a.id.cmp(&b.id))
            });
        }
    }

    /// The first `k` providers to ask for a package in `patch`, for the client whose rotating
    /// start is `start`, into `out`.
    pub fn first_k(&mut self, world: &World, patch: usize, start: usize, k: usize, out: &mut Vec<u32>) {
        out.clear();
        let n = self.n;
        let start = start % n;
        let rotation = |id: u32| (id as usize + n - start) % n;
        // Incubated providers within their guarantee, in the rule's order.
        self.first.clear();
        for &id in &self.incubated {
            if incubating_now(world, id) {
                let p = &world.providers[id as usize];
                let framework = world.policy.contract_covers(p, patch as super::PatchId, world.week);
                self.first.push((rule_key(world, id as usize, framework, patch), rotation(id), id));
            }
        }
        self.first.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(_, _, id) in &self.first {
            if out.len() == k {
                return;
            }
            out.push(id);
        }
        // Then each group of equal (tier, key), its ids from the rotating start onwards.
        let list = &self.by_patch[patch];
        let mut i = 0;
        while i < list.len() && out.len() < k {
            let (tier, key) = (list[i].tier, list[i].key);
            let end = i + list[i..].partition_point(|e| e.tier == tier && e.key.total_cmp(&key).is_eq());
            let group = &list[i..end];
            let from = group.partition_point(|e| (e.id as usize) < start);
            for e in group[from..].iter().chain(&group[..from]) {
                if out.len() == k {
                    return;
                }
                // An incubated provider still within its guarantee was asked above.
                if !self.first.iter().any(|f| f.2 == e.id) {
                    out.push(e.id);
                }
            }
            i = end;
        }
    }
}
