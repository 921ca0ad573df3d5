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
}

/// Each active client's provider, in the order of the active list: a dense copy of what the
/// client records hold, written by delivery in its pass over the active clients (docs/ODD.md
/// §3 step 6) and kept in step by every removal from the list until the week's exits are done
/// (`provider::handbacks`, `provider::exits`). Those look for the clients of a few providers in
/// the whole list; reading 4 bytes a client instead of a 64-byte line of its record keeps
/// their cost small in a big borough.
pub(crate) struct ActiveProviders(Vec<u32>);

impl ActiveProviders {
    /// An empty copy in `buffer` (cleared), for delivery to fill as it goes.
    pub(crate) fn filled_by_delivery(mut buffer: Vec<u32>, capacity: usize) -> Self {
        buffer.clear();
        buffer.reserve(capacity);
        Self(buffer)
    }

    /// A copy read from the client records now (outside the weekly pass: a failure shock).
    pub(crate) fn read(world: &World) -> Self {
        Self(world.active_clients.iter().map(|&cid| world.clients[cid as usize].provider).collect())
    }

    /// Delivery's next client's provider.
    pub(crate) fn push(&mut self, provider: u32) {
        self.0.push(provider);
    }

    /// The provider of the active client at place `i` of the active list.
    pub(crate) fn at(&self, i: usize) -> u32 {
        self.0[i]
    }

    /// Whether it matches the active list and the client records (for debug assertions).
    pub(crate) fn matches(&self, world: &World) -> bool {
        self.0.len() == world.active_clients.len()
            && world
                .active_clients
                .iter()
                .zip(&self.0)
                .all(|(&cid, &p)| world.clients[cid as usize].provider == p)
    }

    /// Removes from the active list, from place `from` on, the clients for which `leaves`
    /// holds (asked with the client's place in `clients` and its provider, in the list's
    /// order), keeping the others in order, and keeps this copy in step; returns how many left.
    pub(crate) fn remove_from_active(
        &mut self,
        world: &mut World,
        from: usize,
        mut leaves: impl FnMut(&mut World, u32, u32) -> bool,
    ) -> u32 {
        debug_assert_eq!(self.0.len(), world.active_clients.len(), "week {}", world.week);
        let mut kept = from;
        for i in from..world.active_clients.len() {
            let (cid, provider) = (world.active_clients[i], self.0[i]);
            if !leaves(world, cid, provider) {
                world.active_clients[kept] = cid;
                self.0[kept] = provider;
                kept += 1;
            }
        }
        let n = world.active_clients.len() - kept;
        world.active_clients.truncate(kept);
        self.0.truncate(kept);
        n as u32
    }

    /// The buffer, for next week.
    pub(crate) fn into_buffer(self) -> Vec<u32> {
        self.0
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
    /// in order, count those that left, and keep the copy in step with the list.
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
        let mut removed = 0;
        for round in 0..20u64 {
            let from = lcg.below(expected.len() as u64 + 1) as usize;
            let m = 2 + lcg.below(5);
            let leaves = |cid: u32| u64::from(cid) % m == round % m;
            let mut asked = Vec::new();
            let n = placed.remove_from_active(w, from, |w, cid, provider| {
                assert_eq!(w.clients[cid as usize].provider, provider, "client {cid}");
                asked.push(cid);
                leaves(cid)
            });
            assert_eq!(asked, expected[from..], "round {round}");
            let kept: Vec<u32> = expected[..from]
                .iter()
                .copied()
                .chain(expected[from..].iter().copied().filter(|&c| !leaves(c)))
                .collect();
            assert_eq!(n as usize, expected.len() - kept.len());
            removed += n;
            expected = kept;
            assert_eq!(w.active_clients, expected, "round {round}");
            assert!(placed.matches(w), "round {round}");
        }
        assert!(removed > 50, "{removed} removed");
    }
}
