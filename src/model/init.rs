//! The initial state of a replicate: providers with caseloads and staff, clients, self-funded
//! hours and the labour pool. It uses only the scenario's environment (never its policy) and
//! the replicate's `InitialState` stream, so every scenario starts from the same market.

use rand::RngExt;
use rand_distr::{Distribution, LogNormal, Normal};

use super::clients::{draw_client, pick_weighted, pick_weighted_of, pick_weighted_sparse};
use super::council::{Council, rating_for};
use super::labour::draw_worker;
use super::provider::new_provider;
use super::wages::WageFloors;
use super::{Client, ClientStatus, Geography, NONE, PatchId, Scratch, WorkerStatus, World, delivery};
use crate::policy::Policy;
use crate::rng::{Process, Streams};
use crate::scenario::Scenario;

/// The running-average margin providers start with: a modest surplus, so that no rule reacts
/// to a loss that has not happened. It is forgotten within a few months (EWMA of 13 weeks).
const INITIAL_MARGIN: f64 = 0.05;

pub fn initial_world(scenario: Scenario, streams: Streams) -> World {
    let geography = Geography::new(&scenario.geography);
    let start = -(scenario.run.burn_in_weeks as i32);
    let wages = WageFloors::new(scenario.calendar.clone(), scenario.wage_floor.clone(), start);
    let policy = Policy::new(scenario.burn_in.commissioning.clone(), 1.0, start);
    let mut world = World {
        streams,
        geography,
        policy,
        week: start,
        clients: Vec::with_capacity(scenario.clients.initial_clients as usize * 3),
        workers: Vec::with_capacity(4096),
        providers: Vec::with_capacity(scenario.providers.initial_count as usize * 2),
        queue: std::collections::VecDeque::new(),
        active_clients: Vec::new(),
        pool: Vec::new(),
        starters: Vec::new(),
        wages,
        private_fee: Default::default(),
        council: Council::new(&scenario.council),
        in_house: Vec::new(),
        shock_state: Default::default(),
        counters: Default::default(),
        loss_making: Vec::new(),
        caseload_snapshot: Default::default(),
        scratch: Scratch::default(),
        labour_reservoir: 0.0,
        clients_arrived: scenario.clients.initial_clients,
        workers_created: 0,
        employers: Vec::new(),
        referrals: super::provider::Referrals::default(),
        scenario,
    };
    // The burn-in policy's rate floor, if it has one, from the start (then each April).
    world.policy.update_rate_floor(&world.wages, &world.scenario.cost_model);
    world.labour_reservoir = super::labour::LabourSupply::new(&world.scenario.workforce).steady_state();
    let mut rng = streams.weekly(Process::InitialState, 0);
    let s = world.scenario.clone();
    let n = world.geography.n;
    let nlw = world.wages.national_living_wage;

    // Providers: kind, base patch, size weight, wage, and the patches they serve.
    let mut weights = Vec::new();
    let mut serves: Vec<[bool; crate::scenario::MAX_PATCHES]> = Vec::new();
    let kind_shares: Vec<f64> = s.providers.kinds.iter().map(|k| k.share).collect();
    let size = LogNormal::new(0.0, s.providers.size_log_sd.max(1e-9)).expect("validated");
    let premium =
        Normal::new(s.providers.initial_wage_premium_mean, s.providers.initial_wage_premium_sd.max(1e-9))
            .expect("validated");
    let going_mix = super::provider::going_contract_mix(&world);
    for _ in 0..s.providers.initial_count {
        let k = &s.providers.kinds[pick_weighted(&mut rng, &kind_shares)];
        let base = pick_weighted(&mut rng, &world.geography.demand_share[..n]);
        let wage = nlw * (1.0 + premium.sample(&mut rng).max(0.0));
        let compliant = rng.random::<f64>() < s.providers.nmw_travel_compliance_share;
        let mut p = new_provider(
            &world,
            k.kind,
            k.local,
            base as PatchId,
            wage,
            0.0,
            k.overhead_gbp_per_week * s.providers.overhead_scale,
            compliant,
            going_mix,
        );
        p.entry_week = start - 1;
        p.entrant = false;
        weights.push(k.size_weight * size.sample(&mut rng));
        // Serve the base patch and up to `initial_patches_max - 1` nearest others.
        let extra = rng.random_range(0..s.providers.initial_patches_max) as usize;
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            world.geography.distance_km[base][a].total_cmp(&world.geography.distance_km[base][b])
        });
        let mut mask = [false; crate::scenario::MAX_PATCHES];
        for &q in order.iter().take(1 + extra) {
            mask[q] = true;
        }
        serves.push(mask);
        world.providers.push(p);
    }

    // Clients already in care, placed with providers serving their patch (by size weight).
    // (Each patch's weights and their sum, worked out once: the same sums as per client.
    // Only the providers serving the patch are walked: a provider weighing nothing is never
    // picked and leaves the draw's running remainder as it was, so the pick is the same as over
    // all providers, at a cost that does not grow with the square of the borough's size.)
    let by_patch: Vec<(Vec<(usize, f64)>, f64)> = (0..n)
        .map(|q| {
            let w: Vec<(usize, f64)> = weights
                .iter()
                .zip(&serves)
                .enumerate()
                .filter(|(_, (w, m))| m[q] && **w != 0.0)
                .map(|(pid, (w, _))| (pid, *w))
                .collect();
            // (The zeros left out add nothing to the sum either.)
            let total = w.iter().map(|&(_, w)| w).sum();
            (w, total)
        })
        .collect();
    let all_total: f64 = weights.iter().sum();
    for i in 0..s.clients.initial_clients {
        let mut c = draw_client(&mut rng, &s.clients, &world.geography.demand_share[..n], start);
        world.policy.plan_visits(&mut c);
        let (w, total) = &by_patch[c.patch as usize];
        let pid = if *total > 0.0 {
            pick_weighted_sparse(&mut rng, w, *total, weights.len())
        } else {
            pick_weighted_of(&mut rng, &weights, all_total)
        };
        c.status = ClientStatus::Active;
        c.provider = pid as u32;
        c.arrived_week = start - rng.random_range(0..156);
        c.waiting_since = c.arrived_week;
        world.active_clients.push(i);
        world.clients.push(Client { id: i, ..c });
    }

    // Self-funded hours, split among providers serving each patch.
    for q in 0..n {
        let demand = s.self_funders.hours_per_week * world.geography.demand_share[q];
        let total: f64 = weights.iter().zip(&serves).filter(|(_, m)| m[q]).map(|(w, _)| *w).sum();
        if total <= 0.0 {
            continue;
        }
        for (pid, p) in world.providers.iter_mut().enumerate() {
            if serves[pid][q] {
                p.self_funder_hours[q] = demand * weights[pid] / total;
            }
        }
    }

    // Staff: enough workers to cover each provider's committed time.
    delivery::caseloads(&mut world);
    let outside = world.wages.outside_wage;
    for pid in 0..world.providers.len() {
        let need = world.providers[pid].committed_time;
        let g_share = s.providers.initial_guaranteed_share;
        let mut have = 0.0;
        while have < need || world.providers[pid].workers.len() < s.providers.min_team as usize {
            let mut w = draw_worker(&mut rng, &s, &world.geography, outside, start);
            w.status = WorkerStatus::Employed;
            w.guaranteed = rng.random::<f64>() < g_share;
            w.hired_week = start - rng.random_range(0..208);
            have += w.desired_hours;
            let place = world.add_worker(w, pid as u32);
            world.providers[pid].workers.push(place);
        }
    }
    for _ in 0..s.workforce.pool_initial {
        let w = draw_worker(&mut rng, &s, &world.geography, outside, start);
        let place = world.add_worker(w, NONE);
        world.pool.push(place);
    }

    // Cash reserves (weeks of costs) and a first inspection rating.
    let cash = LogNormal::new(
        s.providers.initial_cash_weeks.ln() - s.providers.initial_cash_log_sd.powi(2) / 2.0,
        s.providers.initial_cash_log_sd.max(1e-9),
    )
    .expect("validated");
    let noise = Normal::new(0.0, s.council.inspection_noise_sd.max(1e-9)).expect("validated");
    let t = s.council.rating_thresholds;
    for p in world.providers.iter_mut() {
        let weekly_cost = p.committed_time * p.wage * (1.0 + s.providers.on_cost_rate) + p.overhead_per_week;
        p.cash = weekly_cost * cash.sample(&mut rng);
        // Quality starts at its target for a provider that trains fully and delivers in full,
        // given its staff's actual experience and its management (ODD §7.19).
        let competent = s.workforce.weeks_to_competence;
        let experienced = p
            .workers
            .iter()
            .filter(|&&w| (start - world.workers[w as usize].hired_week) as f64 >= competent)
            .count() as f64
            / p.workers.len().max(1) as f64;
        p.quality = super::provider::quality_target(&s.providers, p, 1.0, experienced, 1.0);
        let observed = p.quality + noise.sample(&mut rng);
        p.rating = Some(rating_for(observed, t));
        p.capacity_time = p.workers.iter().map(|&w| world.workers[w as usize].desired_hours).sum();
        p.margin = INITIAL_MARGIN;
    }
    world
}
