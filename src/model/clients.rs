//! People drawing on care: arrivals (exogenous Poisson), needs, and exits by death, move to
//! residential care (whose hazard rises with unmet need and waiting: deterioration, ODD §7.4)
//! and recovery (ODD §7.4).

use rand::RngExt;
use rand_distr::{Distribution, LogNormal, Poisson};

use super::{Client, ClientStatus, NONE, PatchId, World};
use crate::rng::{Process, Stream};
use crate::scenario::ClientParams;

/// Draws a new client's needs and home.
pub fn draw_client(rng: &mut Stream, p: &ClientParams, demand_share: &[f64], week: i32) -> Client {
    let patch = pick_weighted(rng, demand_share) as PatchId;
    let sigma2 = (1.0 + p.assessed_hours_cv * p.assessed_hours_cv).ln();
    let mu = p.assessed_hours_mean.ln() - sigma2 / 2.0;
    let hours = LogNormal::new(mu, sigma2.sqrt()).expect("validated").sample(rng).clamp(1.0, 70.0);
    let visit_len = p.visit_length_hours[pick_weighted(rng, &p.visit_length_probabilities)];
    let visits = (hours / visit_len).round().max(1.0);
    let double_handed = rng.random::<f64>() < p.double_handed_share;
    Client {
        patch,
        status: ClientStatus::Waiting,
        provider: NONE,
        on_contract: false,
        assessed_hours: hours,
        need_hours: hours,
        visits_per_week: visits,
        double_handed,
        arrived_week: week,
        waiting_since: week,
        ready_week: week,
        recent_unmet: 0.0,
        negative_margin_weeks: 0,
        primary_carer: NONE,
        recent_carers: [NONE; 8],
        distinct_carers: 0,
        delivered_hours: 0.0,
        cancelled_hours: 0.0,
        urgent: false,
        following_carer: NONE,
        call_off_rate: 0.0,
        premium_until: i32::MIN,
    }
}

/// Index drawn with probability proportional to `weights`.
pub fn pick_weighted(rng: &mut Stream, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

/// New packages this week join the brokerage queue. Arrivals are keyed by week and arrival
/// number only, so every scenario sees the same people arrive.
pub fn arrivals(world: &mut World) {
    let p = &world.scenario.clients;
    if p.arrivals_per_week <= 0.0 {
        return;
    }
    let mut rng = world.streams.weekly(Process::ClientArrivals, world.week as i64);
    let n = Poisson::new(p.arrivals_per_week).expect("validated").sample(&mut rng) as u32;
    // A demand surge adds arrivals from a stream of its own, after the usual ones, so the
    // usual arrivals are the same people as without the surge.
    let surge = world.shock_state.extra_demand(world.week);
    let mut extra_rng = world.streams.weekly(Process::Shock, world.week as i64);
    let extra = if surge > 0.0 {
        Poisson::new(p.arrivals_per_week * surge).expect("positive").sample(&mut extra_rng) as u32
    } else {
        0
    };
    let n_patches = world.geography.n;
    let lead = world.scenario.council.start_of_care_weeks;
    for i in 0..n + extra {
        let rng = if i < n { &mut rng } else { &mut extra_rng };
        let mut c = draw_client(rng, p, &world.geography.demand_share[..n_patches], world.week);
        // Set-up time before care can start, in whole weeks with the right mean.
        c.ready_week = world.week + (lead + rng.random::<f64>()).floor() as i32;
        world.policy.plan_visits(&mut c);
        world.queue.push_back(world.clients.len() as u32);
        world.clients.push(c);
    }
    world.counters.arrivals += n + extra;
}

/// Re-plans the visits of every current client under the policy just installed at the reform
/// date (its minimum visit length, docs/ODD.md §7.2; the initial clients are planned under the
/// burn-in policy as they are created). Plans are only ever merged into longer visits: a
/// policy without a minimum leaves them as they are.
pub fn replan_visits(world: &mut World) {
    if world.policy.rules.min_visit_minutes > 0.0 {
        for c in world.clients.iter_mut().filter(|c| c.status != ClientStatus::Left) {
            world.policy.plan_visits(c);
        }
    }
}

/// Exits of active and waiting clients. One uniform draw per client and week, keyed by client
/// id, is split into death, residential care and recovery bands, so paired scenarios share
/// the same fates where hazards agree.
pub fn exits(world: &mut World) {
    let p = &world.scenario.clients;
    let week = world.week;
    let streams = world.streams;
    let d = &world.scenario.council.downstream;
    let recovery_bonus = if world.policy.rules.payment == crate::scenario::PaymentBasis::Outcomes {
        world.policy.rules.outcomes.recovery_bonus_gbp
    } else {
        0.0
    };
    let hospital_keys = streams.week_keys(Process::Hospital, week as i64);
    let exit_keys = streams.week_keys(Process::ClientExit, week as i64);
    let clients = &mut world.clients;
    let counters = &mut world.counters;
    let providers = &mut world.providers;
    let mut exit = |id: u32, clients: &mut Vec<Client>| -> bool {
        let c = &mut clients[id as usize];
        let waited = if c.status == ClientStatus::Waiting { (week - c.waiting_since) as f64 } else { 0.0 };
        let deterioration =
            p.deterioration_per_unmet_share * c.recent_unmet + p.deterioration_per_week_waiting * waited;
        let residential = p.residential_care_per_week * (1.0 + deterioration);
        // Emergency hospital admissions: a cost to the NHS; the person comes home after.
        let admission = d.hospital_admission_per_week * (1.0 + deterioration);
        if hospital_keys.uniform(id as u64) < admission {
            counters.hospital_admissions += 1;
            counters.downstream_nhs_gbp += d.hospital_admission_nhs_gbp;
        }
        let quality = if c.provider != NONE { providers[c.provider as usize].quality } else { 0.0 };
        // Recovery rises with continuity and the provider's quality (ODD §7.4).
        let continuity = if c.status == ClientStatus::Active {
            1.0 / c.distinct_recent_carers().max(1) as f64
        } else {
            0.0
        };
        let recovery = p.recovery_per_week
            * (p.recovery_multiplier_base
                + p.recovery_multiplier_per_quality * quality
                + p.recovery_multiplier_per_continuity * continuity);
        let u = exit_keys.uniform(id as u64);
        if u < p.death_per_week {
            counters.deaths += 1;
        } else if u < p.death_per_week + residential {
            counters.residential_moves += 1;
            if u >= p.death_per_week + p.residential_care_per_week {
                counters.deterioration_moves += 1;
                counters.downstream_council_gbp +=
                    d.residential_excess_gbp_per_week * d.residential_weeks_costed;
            }
        } else if u < p.death_per_week + residential + recovery {
            counters.recoveries += 1;
            if c.status == ClientStatus::Active && recovery_bonus > 0.0 {
                providers[c.provider as usize].outcome_bonus_pending += recovery_bonus;
            }
        } else {
            return false;
        }
        c.status = ClientStatus::Left;
        c.provider = NONE;
        true
    };
    let mut i = 0;
    while i < world.active_clients.len() {
        let id = world.active_clients[i];
        if exit(id, clients) {
            world.active_clients.swap_remove(i);
        } else {
            i += 1;
        }
    }
    // The queue keeps its order (first come, first served).
    world.queue.retain(|&id| !exit(id, clients));
    world.in_house.retain(|&id| !exit(id, clients));
}
