//! The world of one replicate: agents, council, wage floors and this week's counters.
//!
//! The model knows nothing of files or threads. Each submodel (docs/ODD.md §7) lives in its own
//! module as functions over `World`; the engine calls them in the weekly order of ODD §3.
//!
//! Public are the state types, for observers (the recorder, tests, a library user's own
//! measurements); the submodels are crate-private: only the engine steps the world.

mod agents;
pub(crate) mod brokerage;
pub(crate) mod clients;
pub mod costs;
pub(crate) mod council;
pub(crate) mod delivery;
pub(crate) mod finance;
pub(crate) mod geography;
pub(crate) mod incubator;
pub(crate) mod init;
pub(crate) mod labour;
pub(crate) mod prefetch;
pub(crate) mod provider;
pub(crate) mod shocks;
pub(crate) mod tender;
pub(crate) mod wages;

pub use agents::*;
pub use council::Council;
pub use geography::{Geography, OUTSIDE, PatchId};
pub use wages::WageFloors;

use crate::policy::Policy;
use crate::rng::Streams;
use crate::scenario::Scenario;

/// Flows counted during a week, reset at its start; the recorder reads them.
#[derive(Clone, Debug, Default)]
pub struct WeekCounters {
    pub arrivals: u32,
    pub deaths: u32,
    pub residential_moves: u32,
    pub deterioration_moves: u32,
    pub recoveries: u32,
    pub placements: u32,
    /// Weeks waited, summed over the clients placed this week.
    pub placement_wait_weeks: f64,
    pub hires: u32,
    pub quits: u32,
    pub moves_between_providers: u32,
    /// Workers who lost their job when their employer exited.
    pub redundancies: u32,
    pub left_sector: u32,
    pub pool_inflow: u32,
    /// Of `pool_inflow`, international recruits.
    pub international_recruits: u32,
    pub entries: u32,
    pub exits: u32,
    /// Exits of providers that were already trading at the reform date (week 0).
    pub incumbent_exits: u32,
    pub handback_packages: u32,
    /// Of which handed back because they lost money for K weeks (the rest: understaffing).
    pub handback_packages_at_a_loss: u32,
    pub handback_contracts: u32,
    /// Of `handback_contracts`, those handed back within 52 weeks of their award.
    pub handback_contracts_first_year: u32,
    /// Weeks from award to handback, summed over the contracts handed back.
    pub handback_contract_weeks: u32,
    /// Contracts (framework places or zonal lots) awarded in tenders.
    pub contracts_awarded: u32,
    pub rebrokered_after_failure: u32,
    /// Care workers who followed a client from a closed provider to its new one.
    pub workers_followed_clients: u32,
    pub council_spend: f64,
    pub budget_blocked: bool,
    /// Zonal award: packages placed with a reserve provider, not the patch's lead.
    pub overflow_placements: u32,
    /// Packages (and workers, under TUPE) moved to a new zonal lead at a re-tender.
    pub tupe_packages: u32,
    pub tupe_workers: u32,
    pub hospital_admissions: u32,
    /// Downstream costs (docs/ODD.md §7.4): council (residential care after deterioration) and
    /// NHS (emergency admissions).
    pub downstream_council_gbp: f64,
    pub downstream_nhs_gbp: f64,
    /// Council premium on urgent placements after handbacks and exits.
    pub emergency_premium_gbp: f64,
    /// Outcome payments: continuity and recovery bonuses.
    pub outcome_payments_gbp: f64,
    /// Incubator grants and support paid this week.
    pub incubator_spend_gbp: f64,
    pub incubated_entries: u32,
    /// Leavers by contract and pay: guaranteed-hours and zero-hours; paid at least the London
    /// Living Wage or not.
    pub leavers_guaranteed: u32,
    pub leavers_at_least_llw: u32,
    /// Estate residents recruited into care work by providers' local outreach.
    pub outreach_recruits: u32,
    /// Providers that stopped trading in a failure shock (also counted in `exits`).
    pub failures: u32,
    /// Provider of last resort: clients taken on this week, and its cost.
    pub last_resort_placements: u32,
    pub last_resort_spend_gbp: f64,
    /// Budget rationing by trimming: packages whose hours were cut this week (at placement
    /// or review).
    pub packages_trimmed: u32,
}

/// All state of one replicate.
pub struct World {
    pub scenario: Scenario,
    pub(crate) streams: Streams,
    pub geography: Geography,
    /// The commissioning policy in force (status quo during burn-in).
    pub policy: Policy,
    /// Current week: negative during burn-in, 0 at the reform date.
    pub week: i32,
    /// The clients in the borough, in order of id (`Client::id`), and, until they are dropped
    /// (every 13 weeks, docs/ODD.md §3), those who have left. The client lists below hold
    /// places in this vector, which move when clients are dropped: a client is known across
    /// weeks by its id.
    pub clients: Vec<Client>,
    /// The workers, and, until they are dropped, those who have left care work; as for
    /// clients, the lists hold places in this vector, and a worker is known across weeks by
    /// its id (`CareWorker::id`). Every 13 weeks they are laid out by employer, each provider's
    /// staff together (`labour::drop_departed`); those who arrive in between are added at the
    /// end.
    pub workers: Vec<CareWorker>,
    /// Each worker's employer (`NONE` if none; for a recruit awaiting checks, the provider
    /// that took it on), by place in `workers`. Kept apart from the rest of the worker's
    /// record: delivery asks whether each client's carers still work for its provider every
    /// week, and at London scale a dense vector of ids stays in cache where the records do
    /// not (docs/ODD.md §2.2).
    pub employers: Vec<u32>,
    /// The providers, indexed by their ids (never reused: a provider that stops trading keeps
    /// its place).
    pub providers: Vec<Provider>,
    /// Clients waiting for a package (places in `clients`), in order of arrival in the queue
    /// (clients whose care stopped rejoin at the front).
    pub queue: std::collections::VecDeque<u32>,
    /// Active clients (places in `clients`): in order at the start of each week (docs/ODD.md
    /// §3), the week's placements appended after them; removals keep the order.
    pub active_clients: Vec<u32>,
    /// Workers in the labour pool (places in `workers`).
    pub pool: Vec<u32>,
    /// Recruits awaiting pre-employment checks (places in `workers`), in the order they were
    /// recruited.
    pub starters: Vec<u32>,
    /// Clients served by the council's provider of last resort (places in `clients`).
    pub in_house: Vec<u32>,
    /// Scheduled shocks in force (demand and labour-supply factors).
    pub(crate) shock_state: shocks::ShockState,
    pub wages: wages::WageFloors,
    /// What the self-funders' fee follows (ODD §7.12).
    pub private_fee: finance::PrivateFee,
    pub council: council::Council,
    pub counters: WeekCounters,
    /// Active packages whose margin has been negative for the handback period, as finance
    /// last found them (places in `clients`, in the order of the active list): handbacks
    /// return them without reading every client.
    pub(crate) loss_making: Vec<u32>,
    /// Providers' council caseloads as first counted this week (docs/ODD.md §3 step 3).
    pub(crate) caseload_snapshot: delivery::CaseloadSnapshot,
    /// Clients created so far (initial and arrived): the next arrival's id.
    pub(crate) clients_arrived: u32,
    /// Workers created so far: the next one's id.
    pub(crate) workers_created: u32,
    /// People in the borough's reservoir of those willing to do care work (ODD §7.13).
    pub labour_reservoir: f64,
    /// The council's placements with providers, and those placed without a contract (open to
    /// any approved provider): what an entrant can hope to reach (docs/ODD.md §7.18).
    pub(crate) referrals: provider::Referrals,
    /// Reused buffers, so the weekly loop does not allocate.
    pub(crate) scratch: Scratch,
}

#[derive(Default)]
pub struct Scratch {
    pub ids: Vec<u32>,
    /// Self-funders: the providers a new self-funder may choose, with a bit per patch they
    /// cover.
    pub covering: Vec<(u32, u16)>,
    pub ranked: Vec<(f64, u32)>,
    /// The providers a client is offered to this week, in order.
    pub offered: Vec<u32>,
    pub brokerage: brokerage::BrokerageOrder,
    /// Job seekers: their keyed bits (the order they search in) and places.
    pub seekers: Vec<(u64, u32)>,
    /// A job seeker's sample of open posts, and the swaps that drew it.
    pub posts: Vec<u32>,
    pub swaps: Vec<(usize, u32)>,
    /// Job search: whether each provider offers a newcomer guaranteed hours, once worked out.
    pub offers: Vec<Option<bool>>,
    /// Understaffing handbacks: each provider's excess committed time and travel factor.
    pub excess: Vec<(f64, f64)>,
    /// The active clients placed since the list was last put in order of id.
    pub placed: Vec<u32>,
    /// Where each client (or worker) moves when those who left are dropped (`NONE`: dropped).
    pub moved_to: Vec<u32>,
    /// Laying out the workers by employer: their places in the new order, and the records
    /// and employers being moved (`labour::drop_departed`).
    pub worker_order: Vec<u32>,
    pub worker_records: Vec<CareWorker>,
    pub worker_employers: Vec<u32>,
    /// Delivery: travel time per contact hour by travel mode, for the provider at hand.
    pub mode_travel: Vec<f64>,
    /// The buffer of [`ActiveProviders`] between weeks.
    pub active_providers: Vec<u32>,
    /// Exits: the providers closing this week with clients (ids, ascending).
    pub closing: Vec<u32>,
    /// Handbacks: the providers short of staff for their packages this week (ids, ascending).
    pub short: Vec<u32>,
}

/// Each active client's provider, in the order of the active list: a dense copy of what the
/// client records hold, written by delivery in its pass over the active clients (docs/ODD.md
/// §3 step 6) and kept in step by every removal from the list until the week's exits are done
/// (`provider::handbacks`, `provider::exits`). Those look for the clients of a few providers in
/// the whole list; reading 4 bytes a client instead of a 64-byte line of its record keeps
/// their cost small in a big borough.
///
/// A client can also be taken off the list without closing the gap at once
/// ([`take_out`](Self::take_out)): its place holds `NONE` in both lists until the next removal,
/// or [`into_buffer`](Self::into_buffer), closes every gap in the same pass. So the week's
/// handbacks and exits shift the list once, not once each.
pub(crate) struct ActiveProviders {
    providers: Vec<u32>,
    /// The first place taken out and not yet closed up (`usize::MAX` if none).
    first_gap: usize,
}

impl ActiveProviders {
    /// An empty copy in `buffer` (cleared), for delivery to fill as it goes.
    pub(crate) fn filled_by_delivery(mut buffer: Vec<u32>, capacity: usize) -> Self {
        buffer.clear();
        buffer.reserve(capacity);
        Self { providers: buffer, first_gap: usize::MAX }
    }

    /// A copy read from the client records now (outside the weekly pass: a failure shock).
    pub(crate) fn read(world: &World) -> Self {
        let providers = world.active_clients.iter().map(|&cid| world.clients[cid as usize].provider);
        Self { providers: providers.collect(), first_gap: usize::MAX }
    }

    /// Delivery's next client's provider.
    pub(crate) fn push(&mut self, provider: u32) {
        self.providers.push(provider);
    }

    /// The provider of the active client at place `i` of the active list (`NONE` if taken out).
    pub(crate) fn at(&self, i: usize) -> u32 {
        self.providers[i]
    }

    /// The active list's length, gaps included.
    pub(crate) fn len(&self) -> usize {
        self.providers.len()
    }

    /// Whether it matches the active list and the client records (for debug assertions).
    pub(crate) fn matches(&self, world: &World) -> bool {
        self.providers.len() == world.active_clients.len()
            && world.active_clients.iter().zip(&self.providers).enumerate().all(|(i, (&cid, &p))| {
                if cid == NONE {
                    p == NONE && i >= self.first_gap
                } else {
                    world.clients[cid as usize].provider == p
                }
            })
    }

    /// Takes the client at place `i` off the active list, leaving a gap that the next removal
    /// closes (the caller has taken it off its provider).
    pub(crate) fn take_out(&mut self, world: &mut World, i: usize) {
        world.active_clients[i] = NONE;
        self.providers[i] = NONE;
        self.first_gap = self.first_gap.min(i);
    }

    /// Removes from the active list, from place `from` on, the clients for which `leaves`
    /// holds (asked with the client's place in `clients` and its provider, in the list's
    /// order), keeping the others in order, and closes the gaps left by
    /// [`take_out`](Self::take_out), keeping this copy in step; returns how many left (gaps not
    /// counted). `leaves` sees the world without its active list, which is out for the pass.
    pub(crate) fn remove_from_active(
        &mut self,
        world: &mut World,
        from: usize,
        mut leaves: impl FnMut(&mut World, u32, u32) -> bool,
    ) -> u32 {
        // Out of the world, the list stays in registers, not reloaded after each `leaves`.
        let mut list = std::mem::take(&mut world.active_clients);
        let providers = &mut self.providers[..];
        assert_eq!(providers.len(), list.len(), "week {}", world.week);
        let from = from.min(list.len());
        let start = from.min(self.first_gap);
        let (mut kept, mut gaps) = (start, 0);
        // Before `from`, only the gaps are closed; from `from` on, `leaves` is asked too.
        for i in start..from {
            let (cid, provider) = (list[i], providers[i]);
            if cid == NONE {
                gaps += 1;
            } else {
                (list[kept], providers[kept]) = (cid, provider);
                kept += 1;
            }
        }
        for i in from..list.len() {
            let (cid, provider) = (list[i], providers[i]);
            if cid == NONE {
                gaps += 1;
            } else if !leaves(world, cid, provider) {
                (list[kept], providers[kept]) = (cid, provider);
                kept += 1;
            }
        }
        let n = list.len() - kept - gaps;
        list.truncate(kept);
        self.providers.truncate(kept);
        world.active_clients = list;
        self.first_gap = usize::MAX;
        n as u32
    }

    /// The places [`may_hold`](Self::may_hold) searches at once.
    pub(crate) const BLOCK: usize = 32;

    /// Whether the clients at `places` may include one of a provider in `of` (a gap, for
    /// `NONE`): false only when they do not. Blocks of [`BLOCK`](Self::BLOCK) places are
    /// searched with vector compares for up to 8 providers; other searches answer true, for
    /// the caller to look place by place.
    pub(crate) fn may_hold(&self, places: std::ops::Range<usize>, of: &[u32]) -> bool {
        let Ok(block) = <&[u32; Self::BLOCK]>::try_from(&self.providers[places]) else { return true };
        // (A block of known length, compared whole with no early exit, so the compiler turns
        // it into vector compares.)
        let holds = |id: u32| block.iter().fold(0u32, |found, &p| found | u32::from(p == id)) != 0;
        of.len() > 8 || of.iter().any(|&id| holds(id))
    }

    /// Removes from the active list the clients of the providers `of` (ids, ascending) for
    /// which `leaves` holds (asked with the client's place in `clients` and its provider, in
    /// the list's order; the clients of other providers are not asked), keeping the others in
    /// order, and closes the gaps left by [`take_out`](Self::take_out), keeping this copy in
    /// step; returns how many left (gaps not counted). `leaves` sees the world without its
    /// active list, which is out for the pass.
    ///
    /// The same as [`remove_from_active`](Self::remove_from_active) from place 0 asked only
    /// about those providers' clients, but cheaper: the copy is searched a block at a time
    /// (vector compares, for a few providers), and what stays is moved up in stretches.
    pub(crate) fn remove_clients_of(
        &mut self,
        world: &mut World,
        of: &[u32],
        mut leaves: impl FnMut(&mut World, u32, u32) -> bool,
    ) -> u32 {
        debug_assert!(of.is_sorted(), "{of:?}");
        let mut list = std::mem::take(&mut world.active_clients);
        assert_eq!(self.providers.len(), list.len(), "week {}", world.week);
        let len = list.len();
        let with_gaps = self.first_gap < len;
        // Places before `moved` are final (`kept` of them); from `moved` on, not yet moved.
        let (mut kept, mut moved, mut gaps, mut n) = (0, 0, 0, 0);
        for first in (0..len).step_by(Self::BLOCK) {
            let end = (first + Self::BLOCK).min(len);
            let searched = self.may_hold(first..end, of) || (with_gaps && self.may_hold(first..end, &[NONE]));
            if !searched {
                continue;
            }
            let providers = &mut self.providers[..];
            for i in first..end {
                let provider = providers[i];
                let goes = if provider == NONE {
                    gaps += 1;
                    true
                } else {
                    of.binary_search(&provider).is_ok() && leaves(world, list[i], provider)
                };
                if goes {
                    n += u32::from(provider != NONE);
                    list.copy_within(moved..i, kept);
                    providers.copy_within(moved..i, kept);
                    kept += i - moved;
                    moved = i + 1;
                }
            }
        }
        list.copy_within(moved..len, kept);
        self.providers.copy_within(moved..len, kept);
        kept += len - moved;
        debug_assert_eq!(kept + gaps + n as usize, len);
        list.truncate(kept);
        self.providers.truncate(kept);
        world.active_clients = list;
        self.first_gap = usize::MAX;
        n
    }

    /// Closes the gaps left and returns the buffer, for next week.
    pub(crate) fn into_buffer(mut self, world: &mut World) -> Vec<u32> {
        if self.first_gap < self.providers.len() {
            self.remove_clients_of(world, &[], |_, _, _| false);
        }
        self.providers
    }
}

/// Drops the agents for which `gone` holds from `agents`, keeping the others in order, and
/// sets `moved_to[i]` to the new place of the agent that was at place `i` (`NONE` if dropped).
/// Returns whether any was dropped.
fn drop_where<T>(agents: &mut Vec<T>, gone: impl Fn(&T) -> bool, moved_to: &mut Vec<u32>) -> bool {
    moved_to.clear();
    let mut kept = 0;
    for a in agents.iter() {
        let stays = !gone(a);
        moved_to.push(if stays { kept } else { NONE });
        kept += u32::from(stays);
    }
    if kept as usize == agents.len() {
        return false;
    }
    agents.retain(|a| !gone(a));
    true
}

impl World {
    /// Builds the initial state of a replicate. It depends only on the scenario's environment
    /// (not its policy) and the replicate's streams, so all scenarios start alike.
    pub fn new(scenario: Scenario, streams: Streams) -> Self {
        init::initial_world(scenario, streams)
    }

    /// The full size of the labour reservoir (docs/ODD.md §7.13): `labour_reservoir` never
    /// exceeds it.
    pub fn labour_reservoir_full(&self) -> f64 {
        labour::LabourSupply::new(&self.scenario.workforce).full()
    }

    /// The self-funders' hourly fee now (ODD §7.12): it moves with the wage floor and, from
    /// the reform date, with providers' costs relative to it as measured each April
    /// (`cost_pass_through` where costs outgrow the floor, `cost_pass_through_down` where not).
    pub fn private_rate(&self) -> f64 {
        let sf = &self.scenario.self_funders;
        let w = self.wages.wage_index;
        if !self.private_fee.anchored() {
            return sf.private_rate_gbp_per_hour * w;
        }
        let ratio = self.private_fee.cost_index / w;
        let pi = if ratio >= 1.0 { sf.cost_pass_through } else { sf.cost_pass_through_down };
        sf.private_rate_gbp_per_hour * w * ratio.powf(pi)
    }

    /// Adds a worker, with the next id, working for `employer` (or `NONE`), and returns its
    /// place in `workers`.
    pub(crate) fn add_worker(&mut self, w: CareWorker, employer: u32) -> u32 {
        let place = self.workers.len() as u32;
        self.workers.push(CareWorker { id: self.workers_created, ..w });
        self.employers.push(employer);
        self.workers_created += 1;
        place
    }

    /// Admin cost per contact hour now (inflated with non-wage costs).
    pub fn admin_per_hour(&self) -> f64 {
        self.scenario.providers.admin_gbp_per_contact_hour * self.wages.cost_index
    }

    pub fn is_burn_in(&self) -> bool {
        self.week < 0
    }

    pub fn active_provider_ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.providers.iter().enumerate().filter(|(_, p)| p.active).map(|(i, _)| i as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Simulation;

    /// Removals from the active list, from any place and whatever leaves, ask about each client
    /// from that place on in the list's order with its provider from the copy, keep the others
    /// in order, count those that left, close the gaps of clients taken out before (anywhere
    /// in the list), and keep the copy in step with the list.
    #[test]
    fn removals_keep_the_active_list_in_order_and_its_providers_in_step() {
        let mut s = Scenario::default();
        (s.run.burn_in_weeks, s.run.weeks) = (4, 8);
        let mut sim = Simulation::new(&s, 3, 0);
        for _ in 0..6 {
            sim.step();
        }
        let w = &mut sim.world;
        let mut expected = w.active_clients.clone();
        assert!(expected.len() > 100, "{} active clients", expected.len());
        let mut placed = ActiveProviders::read(w);
        assert!(placed.matches(w));
        let mut lcg = crate::rng::TestLcg(5);
        let (mut removed, mut taken_out) = (0, 0);
        for round in 0..20u64 {
            // Some rounds first take a few clients out anywhere, leaving gaps.
            let mut gaps = Vec::new();
            for _ in 0..lcg.below(4) {
                let i = lcg.below(expected.len() as u64) as usize;
                if w.active_clients[i] != NONE {
                    gaps.push(w.active_clients[i]);
                    placed.take_out(w, i);
                }
            }
            assert!(placed.matches(w), "round {round}");
            taken_out += gaps.len();
            let from = lcg.below(expected.len() as u64 + 1) as usize;
            let m = 2 + lcg.below(5);
            let leaves = |cid: u32| u64::from(cid) % m == round % m;
            let mut asked = Vec::new();
            let n = placed.remove_from_active(w, from, |w, cid, provider| {
                assert_eq!(w.clients[cid as usize].provider, provider, "client {cid}");
                asked.push(cid);
                leaves(cid)
            });
            let stays = |c: &&u32| !gaps.contains(c);
            assert_eq!(
                asked,
                expected[from..].iter().filter(stays).copied().collect::<Vec<_>>(),
                "round {round}"
            );
            let kept: Vec<u32> = expected[..from]
                .iter()
                .filter(stays)
                .copied()
                .chain(expected[from..].iter().filter(stays).copied().filter(|&c| !leaves(c)))
                .collect();
            assert_eq!(n as usize, expected.len() - gaps.len() - kept.len());
            removed += n;
            expected = kept;
            assert_eq!(w.active_clients, expected, "round {round}");
            assert!(placed.matches(w), "round {round}");
        }
        assert!(removed > 50, "{removed} removed");
        assert!(taken_out > 10, "{taken_out} taken out");
        // Gaps left at the end of the week's removals are closed when the buffer is returned.
        let (i, j) = (3, expected.len() - 1);
        placed.take_out(w, j);
        placed.take_out(w, i);
        let buffer = placed.into_buffer(w);
        expected.remove(j);
        expected.remove(i);
        assert_eq!(w.active_clients, expected);
        assert_eq!(buffer.len(), expected.len());
    }

    /// Removing the clients of a few or many providers, block by block, is removing them place
    /// by place: the same clients asked in the same order, the same left, gaps closed.
    #[test]
    fn removing_the_clients_of_providers_by_blocks_is_removing_them_place_by_place() {
        let mut s = Scenario::default();
        (s.run.burn_in_weeks, s.run.weeks) = (4, 8);
        let mut lcg = crate::rng::TestLcg(9);
        let mut asked_total = 0;
        for (case, providers_of) in [0usize, 1, 2, 5, 12].into_iter().enumerate() {
            let mut by_block = Simulation::new(&s, 4, 0);
            let mut by_place = Simulation::new(&s, 4, 0);
            for _ in 0..6 {
                by_block.step();
                by_place.step();
            }
            let (a, b) = (&mut by_block.world, &mut by_place.world);
            let n_active = a.active_clients.len();
            assert!(n_active > 2 * ActiveProviders::BLOCK, "{n_active} active clients");
            // A list whose length is not a whole number of blocks.
            while a.active_clients.len() % ActiveProviders::BLOCK == 0 {
                a.active_clients.pop();
                b.active_clients.pop();
            }
            let (mut pa, mut pb) = (ActiveProviders::read(a), ActiveProviders::read(b));
            for _ in 0..case {
                let i = lcg.below(a.active_clients.len() as u64) as usize;
                pa.take_out(a, i);
                pb.take_out(b, i);
            }
            let mut of: Vec<u32> =
                (0..providers_of).map(|_| lcg.below(a.providers.len() as u64) as u32).collect();
            of.sort_unstable();
            of.dedup();
            let leaves = |cid: u32| !cid.is_multiple_of(3);
            let (mut asked_a, mut asked_b) = (Vec::new(), Vec::new());
            let na = pa.remove_clients_of(a, &of, |_, cid, provider| {
                asked_a.push((cid, provider));
                leaves(cid)
            });
            let nb = pb.remove_from_active(b, 0, |_, cid, provider| {
                let mine = of.contains(&provider);
                if mine {
                    asked_b.push((cid, provider));
                }
                mine && leaves(cid)
            });
            assert_eq!(asked_a, asked_b, "case {case}");
            assert_eq!((na, &a.active_clients), (nb, &b.active_clients), "case {case}");
            assert!(pa.matches(a) && pb.matches(b), "case {case}");
            asked_total += asked_a.len();
        }
        assert!(asked_total > 20, "{asked_total} asked");
    }
}
