//! People drawing on care: arrivals (exogenous Poisson), needs, and exits by death, move to
//! residential care (whose hazard rises with unmet need and waiting: deterioration, ODD §7.4)
//! and recovery (ODD §7.4).

use rand::RngExt;
use rand_distr::{Distribution, LogNormal, Poisson};

use super::prefetch::{prefetch_ahead, reads_ahead};
use super::{Client, ClientStatus, NONE, PatchId, Provider, World};
use crate::rng::{BATCH, Process, Stream};
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
        id: NONE,
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
    pick_weighted_of(rng, weights, weights.iter().sum())
}

/// `pick_weighted` with the weights' sum (in their order) already worked out.
pub fn pick_weighted_of(rng: &mut Stream, weights: &[f64], total: f64) -> usize {
    pick_listed(rng, weights.iter().copied().enumerate(), total, weights.len())
}

/// [`pick_weighted_of`] over `len` weights of which only the nonzero ones are listed, as
/// (index, weight) in index order: the same index for the same draw, as the weights left out
/// are never picked and subtract nothing.
pub fn pick_weighted_sparse(rng: &mut Stream, weights: &[(usize, f64)], total: f64, len: usize) -> usize {
    pick_listed(rng, weights.iter().copied(), total, len)
}

/// The draw behind both picks: the first listed index whose weight the running remainder of
/// the draw falls below, else the last of `len`.
#[inline]
fn pick_listed(
    rng: &mut Stream,
    weights: impl Iterator<Item = (usize, f64)>,
    total: f64,
    len: usize,
) -> usize {
    let mut u = rng.random::<f64>() * total;
    for (i, w) in weights {
        if u < w {
            return i;
        }
        u -= w;
    }
    len - 1
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
        world.clients.push(Client { id: world.clients_arrived, ..c });
        world.clients_arrived += 1;
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

/// Puts the active list back in order (docs/ODD.md §3), as every weekly pass over the active
/// clients takes them. Clients sit in `World::clients` in order of id, so this is the order of
/// id.
pub fn order_active(world: &mut World) {
    sort_appended(&mut world.active_clients, &mut world.scratch.placed);
}

/// Sorts `list` of distinct ids, in time linear in its length when it is a sorted run
/// followed by a few others: last week's placements appended after the clients already in
/// order (removals keep the order). The others are sorted in `buf` and put in their places
/// from the back: each moves the stretch of the run above it up by block copies, so the run
/// is read and written once, at memory speed, however many were appended.
fn sort_appended(list: &mut [u32], buf: &mut Vec<u32>) {
    let run = sorted_run(list);
    if run == list.len() {
        return;
    }
    buf.clear();
    buf.extend_from_slice(&list[run..]);
    buf.sort_unstable();
    // `list[..i]` is the part of the run not yet moved; the largest of the others left is
    // `buf[j - 1]`, and it goes just above the ids of the run smaller than it.
    let mut i = run;
    for j in (1..=buf.len()).rev() {
        let id = buf[j - 1];
        let at = list[..i].partition_point(|&x| x < id);
        list.copy_within(at..i, at + j);
        list[at + j - 1] = id;
        i = at;
    }
}

/// The length of the sorted run at the start of `list`. Whole blocks are checked without an
/// early exit, which the compiler turns into vector compares.
fn sorted_run(list: &[u32]) -> usize {
    const BLOCK: usize = 64;
    let mut start = 0;
    while start + BLOCK < list.len() {
        let block = &list[start..=start + BLOCK];
        let ascending = block.iter().zip(&block[1..]).fold(true, |ok, (a, b)| ok & (a <= b));
        if !ascending {
            break;
        }
        start += BLOCK;
    }
    let rest = &list[start..];
    start + rest.windows(2).position(|w| w[0] > w[1]).map_or(rest.len(), |i| i + 1)
}

/// How often (weeks) the clients who have left are dropped from `World::clients`, and the
/// workers who left care work from `World::workers`.
pub const DROP_DEPARTED_EVERY_WEEKS: i32 = 13;

/// Drops the clients who have left from `World::clients`, keeping the others in order, and
/// moves the queue's, the active list's and the council service's indices with them. Ids (and
/// so every random draw) and the order of every list stay as they were: only where the
/// clients sit in memory changes, so that passes over the active list read a dense, ascending
/// stretch of memory (docs/ODD.md §3).
pub fn drop_departed(world: &mut World) {
    let moved_to = &mut world.scratch.moved_to;
    if !super::drop_where(&mut world.clients, |c| c.status == ClientStatus::Left, moved_to) {
        return;
    }
    for i in world.active_clients.iter_mut().chain(world.queue.iter_mut()).chain(world.in_house.iter_mut()) {
        *i = moved_to[*i as usize];
        debug_assert_ne!(*i, NONE, "a listed client had left");
    }
}

/// The weekly hazards of a client (docs/ODD.md §7.4) as functions of its recent unmet need,
/// weeks waited, its provider's quality and its continuity of care (1 / distinct recent
/// carers).
struct Hazards<'a> {
    p: &'a ClientParams,
    admission_per_week: f64,
}

impl Hazards<'_> {
    fn deterioration(&self, unmet: f64, waited: f64) -> f64 {
        self.p.deterioration_per_unmet_share * unmet + self.p.deterioration_per_week_waiting * waited
    }
    /// Emergency hospital admission.
    fn admission(&self, unmet: f64, waited: f64) -> f64 {
        self.admission_per_week * (1.0 + self.deterioration(unmet, waited))
    }
    /// A move to residential care.
    fn residential(&self, unmet: f64, waited: f64) -> f64 {
        self.p.residential_care_per_week * (1.0 + self.deterioration(unmet, waited))
    }
    fn recovery(&self, quality: f64, continuity: f64) -> f64 {
        let p = self.p;
        p.recovery_per_week
            * (p.recovery_multiplier_base
                + p.recovery_multiplier_per_quality * quality
                + p.recovery_multiplier_per_continuity * continuity)
    }
    /// Upper bounds on the admission hazard and on the exit hazard (death + residential +
    /// recovery, summed as `exits` sums them) of an active client: nobody active is waiting,
    /// recent unmet need is in [0, 1], continuity in [1/8, 1] (a ring of 8 carers) and the
    /// provider's quality in [`q_lo`, `q_hi`]. Each hazard is built by additions and
    /// multiplications by constants, each monotone in its argument, and rounding keeps order,
    /// so the computed hazard is monotone in each input and its largest value over the box is
    /// at a corner.
    fn active_bounds(&self, q_lo: f64, q_hi: f64) -> (f64, f64) {
        // Nobody active waits: admission and residential care vary with unmet need alone.
        let ends = |f: &dyn Fn(f64) -> f64, lo: f64, hi: f64| f(lo).max(f(hi));
        let admission = ends(&|u| self.admission(u, 0.0), 0.0, 1.0);
        let recovery = ends(&|q| ends(&|c| self.recovery(q, c), 0.125, 1.0), q_lo, q_hi);
        let exit = self.p.death_per_week + ends(&|u| self.residential(u, 0.0), 0.0, 1.0) + recovery;
        (admission, exit)
    }
}

/// Exits of active and waiting clients. One uniform draw per client and week, keyed by client
/// id, is split into death, residential care and recovery bands, so paired scenarios share
/// the same fates where hazards agree. Each active client who stays is handed to `stays`, in
/// the order of the active list, with the providers, in the same pass (the week's caseload
/// count, docs/ODD.md §3: one read of the records, not two).
pub fn exits(world: &mut World, mut stays: impl FnMut(&mut Client, &mut [Provider])) {
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
    let hazards = Hazards { p, admission_per_week: d.hospital_admission_per_week };
    let (q_lo, q_hi) = world
        .providers
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), q| (lo.min(q.quality), hi.max(q.quality)));
    let (admission_max, exit_max) = hazards.active_bounds(q_lo, q_hi);
    let bounded = admission_max.is_finite() && exit_max.is_finite();
    let clients = &mut world.clients;
    let counters = &mut world.counters;
    let providers = &mut world.providers;
    // Most active clients' draws clear the week's bounds: they stay, with no admission, as
    // the full computation in `exit` would say. (Checked inline, before the call.)
    let clears_bounds = |c: &Client, u_admission: f64, u_exit: f64| {
        bounded
            && c.status == ClientStatus::Active
            && (0.0..=1.0).contains(&c.recent_unmet)
            && u_admission >= admission_max
            && u_exit >= exit_max
    };
    let mut exit = |id: u32, clients: &mut Vec<Client>, providers: &mut Vec<Provider>| -> bool {
        let c = &mut clients[id as usize];
        let u_admission = hospital_keys.uniform(c.id as u64);
        let u = exit_keys.uniform(c.id as u64);
        let waited = if c.status == ClientStatus::Waiting { (week - c.waiting_since) as f64 } else { 0.0 };
        // Emergency hospital admissions: a cost to the NHS; the person comes home after.
        if u_admission < hazards.admission(c.recent_unmet, waited) {
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
        let residential = hazards.residential(c.recent_unmet, waited);
        let recovery = hazards.recovery(quality, continuity);
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
    // (`Vec::retain`, written out so that each record can be asked for a few places ahead.)
    let active = &mut world.active_clients;
    let mut kept = 0;
    let ahead = reads_ahead(clients);
    let mut start = 0;
    while start < active.len() {
        // A batch's draws at once (the same numbers as one at a time, `rng::BATCH`).
        let end = (start + BATCH).min(active.len());
        let mut ids = [0; BATCH];
        for (i, id) in (start..end).zip(&mut ids) {
            if ahead {
                prefetch_ahead::<_, 1>(clients, active, i);
            }
            *id = u64::from(clients[active[i] as usize].id);
        }
        let (u_admission, u_exit) = (hospital_keys.uniforms(&ids), exit_keys.uniforms(&ids));
        for i in start..end {
            let id = active[i];
            let k = i - start;
            if clears_bounds(&clients[id as usize], u_admission[k], u_exit[k])
                || !exit(id, clients, providers)
            {
                active[kept] = id;
                kept += 1;
                stays(&mut clients[id as usize], providers);
            }
        }
        start = end;
    }
    active.truncate(kept);
    // The queue keeps its order (first come, first served).
    world.queue.retain(|&id| !exit(id, clients, providers));
    world.in_house.retain(|&id| !exit(id, clients, providers));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Simulation;
    use crate::model::WorkerStatus;
    use crate::scenario::Scenario;

    /// The bounds `exits` skips the hazards by hold: over random parameters (the multipliers of
    /// either sign, though the scenario allows only non-negative ones) and random states of an
    /// active client inside the box, its corners among them, neither hazard is above its bound.
    #[test]
    fn an_active_clients_hazards_never_exceed_the_weeks_bounds() {
        let mut rng = crate::rng::TestLcg(3);
        let mut unit = || rng.unit();
        for case in 0..20_000 {
            let p = ClientParams {
                death_per_week: 0.01 * unit(),
                residential_care_per_week: 0.01 * unit(),
                recovery_per_week: 0.01 * unit(),
                deterioration_per_unmet_share: 4.0 * unit() - 1.0,
                deterioration_per_week_waiting: unit(),
                recovery_multiplier_base: unit(),
                recovery_multiplier_per_quality: 2.0 * unit() - 1.0,
                recovery_multiplier_per_continuity: 2.0 * unit() - 1.0,
                ..Default::default()
            };
            let h = Hazards { p: &p, admission_per_week: 0.01 * unit() };
            let (q_lo, q_hi) = (unit(), 1.0 + unit());
            let (admission_max, exit_max) = h.active_bounds(q_lo, q_hi);
            for k in 0..20 {
                // The 8 corners of the box, then points inside it.
                let (unmet, quality, continuity) = if k < 8 {
                    ([0.0, 1.0][k & 1], [q_lo, q_hi][(k >> 1) & 1], [0.125, 1.0][k >> 2])
                } else {
                    (unit(), q_lo + (q_hi - q_lo) * unit(), 1.0 / f64::from(1 + (unit() * 8.0) as u32))
                };
                assert!(h.admission(unmet, 0.0) <= admission_max, "case {case}.{k}");
                let exit = p.death_per_week + h.residential(unmet, 0.0) + h.recovery(quality, continuity);
                assert!(exit <= exit_max, "case {case}.{k}: {exit} > {exit_max}");
            }
        }
    }

    /// Picking over the nonzero weights only picks what picking over all of them picks, draw by
    /// draw, for weights with many zeros, zeros first and last, tiny and huge weights, and the
    /// draw's fall-through to the last index.
    #[test]
    fn a_sparse_weighted_pick_is_the_dense_pick() {
        let mut lcg = crate::rng::TestLcg(11);
        let streams = crate::rng::Streams::new(5, 0);
        let mut fell_through = 0;
        for case in 0..300u64 {
            let len = 1 + lcg.below(40) as usize;
            let weights: Vec<f64> = (0..len)
                .map(|i| match lcg.below(5) {
                    _ if i == 0 && case % 3 == 0 => 0.0,
                    0 | 1 => 0.0,
                    2 => lcg.unit() * 1e-12,
                    3 => lcg.unit() * 1e6,
                    _ => lcg.unit(),
                })
                .collect();
            let total: f64 = weights.iter().sum();
            // Also a total a little above the weights' sum, so some draws fall through.
            for total in [total, total * (1.0 + 1e-9), total * 1.5] {
                let sparse: Vec<(usize, f64)> =
                    weights.iter().copied().enumerate().filter(|&(_, w)| w != 0.0).collect();
                let mut dense_rng = streams.entity(Process::InitialState, 0, case);
                let mut sparse_rng = streams.entity(Process::InitialState, 0, case);
                for _ in 0..50 {
                    let dense = pick_weighted_of(&mut dense_rng, &weights, total);
                    let picked = pick_weighted_sparse(&mut sparse_rng, &sparse, total, len);
                    assert_eq!(dense, picked, "weights {weights:?}, total {total}");
                    fell_through += usize::from(weights[dense] == 0.0);
                }
            }
        }
        // The fall-through to a last index weighing nothing was among the cases.
        assert!(fell_through > 100, "{fell_through}");
    }

    #[test]
    fn a_sorted_run_with_placements_appended_sorts_like_a_full_sort() {
        let mut rng = crate::rng::TestLcg(7);
        let mut next = |n: u64| rng.below(n);
        let mut buf = Vec::new();
        for case in 0..500 {
            // Lists shorter and longer than `sorted_run`'s blocks, a run of any length.
            let len = next(if case % 2 == 0 { 60 } else { 400 }) as usize;
            let mut ids: Vec<u32> = (0..1000).collect();
            // Distinct ids: a random sample, a sorted prefix of it, the rest in any order.
            for i in (1..ids.len()).rev() {
                ids.swap(i, next(i as u64 + 1) as usize);
            }
            ids.truncate(len);
            let run = if len == 0 { 0 } else { next(len as u64 + 1) as usize };
            ids[..run].sort_unstable();
            let mut expected = ids.clone();
            expected.sort_unstable();
            sort_appended(&mut ids, &mut buf);
            assert_eq!(ids, expected, "case {case}: run {run} of {len}");
        }
    }

    #[test]
    fn dropping_departed_clients_and_workers_changes_nothing_but_where_they_sit() {
        let mut s = Scenario::default();
        (s.run.burn_in_weeks, s.run.weeks) = (26, 78);
        let mut usual = Simulation::new(&s, 11, 2);
        let mut every_week = Simulation::new(&s, 11, 2);
        let ids =
            |w: &World, list: &[u32]| list.iter().map(|&i| w.clients[i as usize].id).collect::<Vec<_>>();
        let worker_ids =
            |w: &World, list: &[u32]| list.iter().map(|&i| w.workers[i as usize].id).collect::<Vec<_>>();
        let (mut dropped, mut workers_dropped) = (0, 0);
        while !usual.finished() {
            let before = every_week.world.clients.len();
            drop_departed(&mut every_week.world);
            dropped += before - every_week.world.clients.len();
            let before = every_week.world.workers.len();
            crate::model::labour::drop_departed(&mut every_week.world);
            workers_dropped += before - every_week.world.workers.len();
            order_active(&mut every_week.world);
            let b = &every_week.world;
            assert!(ids(b, &b.active_clients).is_sorted(), "the active list is in order of id");
            usual.step();
            every_week.step();
            let (a, b) = (&usual.world, &every_week.world);
            let (mut patches_a, mut patches_b) = (Vec::new(), Vec::new());
            let record = crate::metrics::record(a, &mut patches_a);
            assert_eq!(record, crate::metrics::record(b, &mut patches_b), "week {}", a.week);
            assert_eq!(patches_a, patches_b, "week {}", a.week);
            assert_eq!(ids(a, &a.active_clients), ids(b, &b.active_clients));
            let queue = |w: &World| ids(w, &w.queue.iter().copied().collect::<Vec<_>>());
            assert_eq!(queue(a), queue(b));
            assert_eq!(ids(a, &a.in_house), ids(b, &b.in_house));
            assert_eq!(worker_ids(a, &a.pool), worker_ids(b, &b.pool));
            assert_eq!(worker_ids(a, &a.starters), worker_ids(b, &b.starters));
            for (p, q) in a.providers.iter().zip(&b.providers) {
                assert_eq!(worker_ids(a, &p.workers), worker_ids(b, &q.workers), "week {}", a.week);
            }
            // The carers' ids (a regular carer who has left care work is one that delivery will
            // replace, whether or not it has been dropped yet).
            let carers = |w: &World| {
                let id = |i: u32| if i == NONE { NONE } else { w.workers[i as usize].id };
                let regular = |i: u32| {
                    if i != NONE && w.workers[i as usize].status == WorkerStatus::Left { NONE } else { id(i) }
                };
                w.active_clients
                    .iter()
                    .map(|&i| &w.clients[i as usize])
                    .map(|c| (regular(c.primary_carer), (*c.recent_carers()).map(id)))
                    .collect::<Vec<_>>()
            };
            assert_eq!(carers(a), carers(b), "week {}", a.week);
        }
        assert!(dropped > 500, "clients dropped: {dropped}");
        assert!(workers_dropped > 100, "workers dropped: {workers_dropped}");
    }
}
