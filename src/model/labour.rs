//! The labour market (docs/ODD.md §7.13): quits, the finite reservoir of people willing to do
//! care work and the international inflow that feed the pool, the pool's outflow, and job choice
//! by seekers from the pool and from other providers.

use rand::RngExt;
use rand_distr::{Distribution, Normal, Poisson};

use super::clients::pick_weighted;
use super::geography::OUTSIDE;
use super::{CareWorker, NONE, PatchId, Provider, WorkerStatus, World};
use crate::rng::{BoundedNormal, Process, Stream};
use crate::scenario::{MAX_POOL_INFLOW_PER_WEEK, Scenario, WorkforceParams};

/// The quit hazard of ODD §7.13: logistic in the worker's pay relative to the outside wage,
/// a zero-hours contract, hours short of those wanted, unpaid travel and being new to the job.
#[derive(Clone, Copy, Debug)]
pub struct QuitHazard {
    logit_base: f64,
    pay_elasticity: f64,
    zero_hours: f64,
    underemployment: f64,
    unpaid_travel: f64,
    untrained: f64,
}

/// What a worker's quit hazard depends on.
#[derive(Clone, Copy, Debug, Default)]
pub struct JobTerms {
    /// Effective wage (pay per hour worked, travel included) over the outside wage.
    pub relative_pay: f64,
    pub zero_hours: bool,
    /// Share of desired hours not paid for.
    pub underemployment: f64,
    /// Share of working time that is unpaid travel.
    pub unpaid_travel: f64,
    pub untrained: bool,
}

impl QuitHazard {
    pub fn new(s: &WorkforceParams) -> Self {
        let base = s.quit_base_per_week.clamp(1e-12, 1.0 - 1e-12);
        Self {
            logit_base: (base / (1.0 - base)).ln(),
            pay_elasticity: s.quit_pay_elasticity,
            zero_hours: s.quit_zero_hours_log_odds,
            underemployment: s.quit_underemployment_log_odds,
            unpaid_travel: s.quit_unpaid_travel_log_odds,
            untrained: s.quit_untrained_log_odds,
        }
    }

    /// The weekly hazard of quitting a job on these terms.
    pub fn weekly(&self, t: JobTerms) -> f64 {
        let x =
            self.logit_base - self.pay_elasticity * t.relative_pay.max(1e-9).ln() + self.other_log_odds(t);
        1.0 / (1.0 + (-x).exp())
    }

    /// The log-odds of the terms other than pay.
    #[inline]
    fn other_log_odds(&self, t: JobTerms) -> f64 {
        (if t.zero_hours { self.zero_hours } else { 0.0 })
            + self.underemployment * t.underemployment
            + self.unpaid_travel * t.unpaid_travel
            + if t.untrained { self.untrained } else { 0.0 }
    }

    /// Whether a worker on these terms quits this week, given their uniform draw `u`: exactly
    /// `u < self.weekly(t)`, without the logarithm and exponential when `u` is clearly above
    /// the hazard (most weeks). An upper bound on the log-odds uses ln r ≥ 1 − 1/r (and
    /// ln r ≤ r − 1 for a negative pay elasticity); when it is below −2.95 the hazard is below
    /// σ(−2.95) ≈ 0.0497, under any `u` ≥ 0.05.
    #[inline]
    pub fn quits(&self, t: JobTerms, u: f64) -> bool {
        const U_CLEAR: f64 = 0.05;
        const LOG_ODDS_BELOW: f64 = -2.95;
        if u >= U_CLEAR {
            let r = t.relative_pay.max(1e-9);
            let ln_r_bound = if self.pay_elasticity >= 0.0 { 1.0 - 1.0 / r } else { r - 1.0 };
            let upper = self.logit_base - self.pay_elasticity * ln_r_bound + self.other_log_odds(t);
            if upper < LOG_ODDS_BELOW {
                return false;
            }
        }
        u < self.weekly(t)
    }
}

/// Marks a second, independent draw for the same process, week and entity.
const SECOND_DRAW: u64 = 1 << 40;
/// Keys the draw of a recruit's weeks of pre-employment checks.
const START_DRAW: u64 = 1 << 41;

/// Draws a new care worker (in the pool).
pub fn draw_worker(
    rng: &mut Stream,
    s: &Scenario,
    geography: &super::Geography,
    outside_wage: f64,
    week: i32,
) -> CareWorker {
    let g = &s.geography;
    let w = &s.workforce;
    let home: PatchId = if rng.random::<f64>() < g.outside_borough_worker_share {
        OUTSIDE
    } else {
        pick_weighted(rng, &geography.labour_share[..geography.n]) as PatchId
    };
    let estate_resident = home != OUTSIDE && rng.random::<f64>() < geography.estate_share[home as usize];
    let mode = pick_weighted(rng, &g.travel_modes.iter().map(|m| m.share).collect::<Vec<_>>()) as u8;
    let desired = Normal::new(w.desired_hours_mean, w.desired_hours_sd.max(1e-9))
        .expect("validated")
        .sample(rng)
        .clamp(8.0, 48.0);
    let z: f64 = Normal::new(0.0, 1.0).expect("constant").sample(rng);
    let reservation_wage = outside_wage * (-w.intrinsic_motivation_log + w.reservation_wage_log_sd * z).exp();
    CareWorker {
        id: NONE,
        home,
        estate_resident,
        status: WorkerStatus::Pool,
        guaranteed: false,
        desired_hours: desired,
        reservation_wage,
        mode,
        hired_week: week,
        left_employer: NONE,
        left_week: i32::MIN,
        absent: false,
        e_bike: false,
        contact_hours: 0.0,
        travel_hours: 0.0,
        paid_hours: 0.0,
        earnings: 0.0,
    }
}

/// Weeks after it last left an employer before a worker who has left care work is dropped
/// from `World::workers`: a client's record of carers covers the last 4 weeks.
const DROP_WORKER_AFTER_WEEKS: i32 = 5;

/// Drops from `World::workers` the workers who have left care work and last left an employer
/// at least `DROP_WORKER_AFTER_WEEKS` weeks ago, and lays the others out by employer: each
/// provider's staff together, in the order of its staff list (providers in id order), then
/// everyone else (the pool, recruits awaiting checks, recent leavers) in their order. The weekly
/// passes over each provider's staff (delivery, the labour market, the recorder, decisions)
/// then read the records front to back, which at London scale is what keeps them in cache
/// (docs/ODD.md §2.2). The staff lists', the pool's, the starters' and the clients' carers'
/// places move with them (`NONE` for a dropped worker: a carer gone this long is never read
/// again). Ids, draws and every list's order stay as they were (docs/ODD.md §3): no outcome
/// depends on where a worker sits.
pub fn drop_departed(world: &mut World) {
    let last = world.week - DROP_WORKER_AFTER_WEEKS;
    let gone = |w: &CareWorker| w.status == WorkerStatus::Left && w.left_week <= last;
    let scratch = &mut world.scratch;
    let (moved_to, order) = (&mut scratch.moved_to, &mut scratch.worker_order);
    moved_to.clear();
    moved_to.resize(world.workers.len(), NONE);
    order.clear();
    for &wid in world.providers.iter().flat_map(|p| &p.workers) {
        debug_assert!(!gone(&world.workers[wid as usize]), "a listed worker had left");
        moved_to[wid as usize] = order.len() as u32;
        order.push(wid);
    }
    for (wid, w) in world.workers.iter().enumerate() {
        if moved_to[wid] == NONE && !gone(w) {
            moved_to[wid] = order.len() as u32;
            order.push(wid as u32);
        }
    }
    // The records and their employers in the new order (the buffers swap: nothing allocated
    // once they have grown).
    let records = &mut scratch.worker_records;
    records.clear();
    records.extend(order.iter().map(|&wid| world.workers[wid as usize].clone()));
    std::mem::swap(&mut world.workers, records);
    let employers = &mut scratch.worker_employers;
    employers.clear();
    employers.extend(order.iter().map(|&wid| world.employers[wid as usize]));
    std::mem::swap(&mut world.employers, employers);
    let moved = |i: &mut u32| {
        if *i != NONE {
            *i = moved_to[*i as usize];
        }
    };
    let listed = world.providers.iter_mut().flat_map(|p| p.workers.places_mut().iter_mut());
    for i in listed.chain(world.pool.iter_mut()).chain(world.starters.iter_mut()) {
        moved(i);
        debug_assert_ne!(*i, NONE, "a listed worker had left");
    }
    for c in world.clients.iter_mut() {
        moved(&mut c.primary_carer);
        moved(&mut c.following_carer);
        c.recent_carers.iter_mut().for_each(moved);
    }
}

/// The hourly-equivalent value of a job with provider `pid` to worker `wid`: the wage net of
/// unpaid travel, the value of a guaranteed-hours offer, the cost of distance from home and a
/// persistent personal taste for the employer.
pub fn job_utility(world: &World, wid: u32, pid: u32) -> f64 {
    let (value, taste) = job_value_before_taste(world, wid, pid, || {
        offers_guaranteed(&world.providers[pid as usize], &world.workers)
    });
    value + world.scenario.workforce.employer_taste_sd_gbp * taste.value()
}

/// `job_utility` less the employer taste, with what the provider offers a newcomer
/// (`offers_guaranteed`) passed in, for a caller that keeps it; and the taste's keyed normal.
fn job_value_before_taste(
    world: &World,
    wid: u32,
    pid: u32,
    offers: impl FnOnce() -> bool,
) -> (f64, BoundedNormal) {
    let s = &world.scenario.workforce;
    let w = &world.workers[wid as usize];
    let p = &world.providers[pid as usize];
    let unpaid_travel = if p.pays_travel { 0.0 } else { p.travel_share };
    let offers_guaranteed = if world.employers[wid as usize] == pid { w.guaranteed } else { offers() };
    let taste =
        world.streams.week_keys(Process::JobTaste, 0).bounded_normal(((w.id as u64) << 24) | pid as u64);
    let value = p.wage * (1.0 - unpaid_travel)
        + if offers_guaranteed { s.value_of_guaranteed_hours_gbp } else { 0.0 }
        - s.distance_cost_gbp_per_km * world.geography.home_distance(w.home, p.base_patch as usize);
    (value, taste)
}

/// A job's utility to a seeker (`job_utility`, plus a constant), known at first only to within
/// bounds: the employer taste's normal quantile is worked out only when a comparison needs it.
/// The comparisons give exactly the answers of the utilities themselves: rounding is monotone,
/// so `(v + sd × lo) + plus ≤ (v + sd × z) + plus ≤ (v + sd × hi) + plus` for `lo ≤ z ≤ hi`
/// and `sd ≥ 0` (docs/ODD.md §7.13; the quantile took a twentieth of a Camden replicate).
#[derive(Clone, Copy, Debug)]
struct Utility {
    lo: f64,
    hi: f64,
    /// Until worked out: the value before the taste, the taste's standard deviation and
    /// normal, and the constant added.
    pending: Option<(f64, f64, BoundedNormal, f64)>,
}

impl Utility {
    fn exactly(u: f64) -> Self {
        Self { lo: u, hi: u, pending: None }
    }

    /// `value + sd × taste + plus`, in that order.
    fn bounded(value: f64, sd: f64, taste: BoundedNormal, plus: f64) -> Self {
        if sd == 0.0 {
            return Self::exactly(value + sd * taste.value() + plus);
        }
        Self {
            lo: value + sd * taste.lo + plus,
            hi: value + sd * taste.hi + plus,
            pending: Some((value, sd, taste, plus)),
        }
    }

    fn work_out(&mut self) {
        if let Some((value, sd, taste, plus)) = self.pending.take() {
            *self = Self::exactly(value + sd * taste.value() + plus);
        }
    }

    /// Whether `self ≥ other`.
    fn at_least(&mut self, other: &mut Utility) -> bool {
        if self.lo >= other.hi || self.hi < other.lo {
            return self.lo >= other.hi;
        }
        self.work_out();
        other.work_out();
        self.lo >= other.lo
    }

    /// Whether `self > other`.
    fn exceeds(&mut self, other: &mut Utility) -> bool {
        if self.lo > other.hi || self.hi <= other.lo {
            return self.lo > other.hi;
        }
        self.work_out();
        other.work_out();
        self.lo > other.lo
    }
}

/// Whether a provider offers its next hire a guaranteed-hours contract: while its share of
/// guaranteed contracts is below its target.
pub fn offers_guaranteed(p: &Provider, workers: &[CareWorker]) -> bool {
    if p.workers.is_empty() {
        return p.guaranteed_target >= 0.5;
    }
    p.guaranteed_share(workers) < p.guaranteed_target
}

/// Headcount-weighted mean of providers' wages net of unpaid travel (what a job pays per
/// hour worked, as a newcomer would see it); the outside wage if nobody is employed.
fn market_wage(world: &World) -> f64 {
    let (mut sum, mut heads) = (0.0, 0.0);
    for p in world.providers.iter().filter(|p| p.active) {
        let unpaid = if p.pays_travel { 0.0 } else { p.travel_share };
        sum += p.wage * (1.0 - unpaid) * p.workers.len() as f64;
        heads += p.workers.len() as f64;
    }
    if heads > 0.0 { sum / heads } else { world.wages.outside_wage }
}

/// Quits (hazard of ODD §7.13), on-the-job search, pool flows, then matching of seekers to
/// vacancies.
pub fn labour_market(world: &mut World) {
    let week = world.week as i64;
    let s = world.scenario.workforce.clone();
    let quit = QuitHazard::new(&s);
    let outside = world.wages.outside_wage;
    let first_week = -(world.scenario.run.burn_in_weeks as i32);
    let mut seekers = std::mem::take(&mut world.scratch.seekers);
    seekers.clear();
    let quit_keys = world.streams.week_keys(Process::WorkerQuit, week);
    let search_keys = world.streams.week_keys(Process::JobSearch, week);

    // 0. Recruits whose pre-employment checks are done start work.
    start_recruits(world);

    // 1. Quits and on-the-job search.
    for pid in 0..world.providers.len() {
        if !world.providers[pid].active {
            continue;
        }
        let mut i = 0;
        while i < world.providers[pid].workers.len() {
            let wid = world.providers[pid].workers[i];
            let p = &world.providers[pid];
            let w = &world.workers[wid as usize];
            let key = w.id as u64;
            let worked = w.contact_hours + w.travel_hours;
            let (relative_pay, underemployment, unpaid_travel) = if w.absent {
                // Away last week: nothing to judge pay or hours by.
                (p.wage / outside, 0.0, 0.0)
            } else if worked > 0.0 {
                let burden = if p.pays_travel { 0.0 } else { w.travel_hours / worked };
                (
                    w.earnings / worked / outside,
                    ((w.desired_hours - w.paid_hours) / w.desired_hours).max(0.0),
                    burden,
                )
            } else {
                // No work last week: underemployed by the hours not paid (a guaranteed
                // contract still pays), unless there is no last week to judge by.
                let has_history = w.hired_week < world.week && world.week > first_week;
                let idle = if has_history {
                    ((w.desired_hours - w.paid_hours) / w.desired_hours).max(0.0)
                } else {
                    0.0
                };
                (p.wage / outside, idle, 0.0)
            };
            let terms = JobTerms {
                relative_pay,
                zero_hours: !w.guaranteed,
                underemployment,
                unpaid_travel,
                untrained: f64::from(world.week - w.hired_week) < s.weeks_to_competence,
            };
            if quit.quits(terms, quit_keys.uniform(key)) {
                count_leaver(world, wid, pid);
                world.providers[pid].workers.swap_remove(i);
                world.providers[pid].leavers_week += 1;
                world.providers[pid].leavers_since_review += 1;
                world.counters.quits += 1;
                let w = &mut world.workers[wid as usize];
                world.employers[wid as usize] = NONE;
                w.left_employer = pid as u32;
                w.left_week = world.week;
                if quit_keys.uniform(key ^ SECOND_DRAW) < s.quitters_to_pool_share {
                    w.status = WorkerStatus::Pool;
                    world.pool.push(wid);
                } else {
                    w.status = WorkerStatus::Left;
                    world.counters.left_sector += 1;
                }
                continue;
            }
            if search_keys.uniform(key ^ SECOND_DRAW) < s.on_the_job_search_per_week {
                seekers.push((search_keys.bits(key), wid));
            }
            i += 1;
        }
    }

    // 2. Pool outflow and inflow.
    let pool_keys = world.streams.week_keys(Process::PoolFlows, week);
    let mut i = 0;
    while i < world.pool.len() {
        let wid = world.pool[i];
        if pool_keys.uniform(world.workers[wid as usize].id as u64) < s.pool_outflow_per_week {
            world.workers[wid as usize].status = WorkerStatus::Left;
            world.pool.swap_remove(i);
            world.counters.left_sector += 1;
        } else {
            i += 1;
        }
    }
    let mut rng = world.streams.weekly(Process::PoolFlows, week);
    // New entrants from the borough's labour market respond to what care work pays against the
    // outside option (the mean posted wage net of unpaid travel over the outside wage, to the
    // power of the supply elasticity), in proportion to what is left of the reservoir of people
    // willing to do care work, and never more than the largest base rate a scenario may set
    // (NaN, from 0 × ∞, is no inflow).
    let supply = LabourSupply::new(&s);
    let relative = (market_wage(world) / outside).powf(s.inflow_wage_elasticity);
    // Nobody enters who is not in the reservoir: the rate is at most the people in it, and so
    // is the draw.
    let in_reservoir = world.labour_reservoir.floor();
    let inflow = (supply.entry_rate(world.labour_reservoir) * relative).min(in_reservoir);
    let n = if inflow > 0.0 {
        let draw = Poisson::new(inflow.min(MAX_POOL_INFLOW_PER_WEEK)).expect("positive").sample(&mut rng);
        draw.min(in_reservoir) as u32
    } else {
        0
    };
    world.labour_reservoir = supply.after_week(world.labour_reservoir, n);
    // A labour-supply drop keeps a share of would-be entrants out of care work. They are
    // still drawn (and kept, as never having joined), so worker ids and draws stay paired
    // with the same run without the shock.
    let keep = world.shock_state.inflow_factor(world.week);
    let mut joined = 0;
    for k in 0..n {
        let mut w = draw_worker(&mut rng, &world.scenario, &world.geography, outside, world.week);
        let joins = keep >= 1.0 || world.streams.uniform(Process::Shock, week, (1 << 33) | k as u64) < keep;
        if !joins {
            w.status = WorkerStatus::Left;
        }
        let place = world.add_worker(w, NONE);
        if joins {
            world.pool.push(place);
            joined += 1;
        }
    }
    world.counters.pool_inflow += joined;
    // International recruits: their own inflow, set by the visa rules, not by local pay.
    let mut rng = world.streams.weekly(Process::International, week);
    let rate = s.international_inflow_per_week * international_route_share(&s, world.wages.date(world.week));
    let n = if rate > 0.0 { Poisson::new(rate).expect("positive").sample(&mut rng) as u32 } else { 0 };
    for _ in 0..n {
        let w = draw_worker(&mut rng, &world.scenario, &world.geography, outside, world.week);
        let place = world.add_worker(w, NONE);
        world.pool.push(place);
    }
    world.counters.pool_inflow += n;
    world.counters.international_recruits += n;
    outreach(world, outside);
    for &wid in &world.pool {
        seekers.push((search_keys.bits(world.workers[wid as usize].id as u64), wid));
    }

    // 3. Matching: seekers in a random order take the best vacancy worth more than their
    // reservation wage (from the pool) or than their current job plus a switching threshold.
    // (The order of their keyed draws: each seeker's bits are distinct, so the order does not
    // depend on where the workers sit in `World::workers`, and an unstable sort is the same.)
    seekers.sort_unstable_by_key(|&(bits, _)| bits);
    let mut hired_from_pool = false;
    // The providers with open posts, in id order, kept up to date as posts fill and open.
    let mut open = std::mem::take(&mut world.scratch.ids);
    open.clear();
    for (pid, p) in world.providers.iter().enumerate() {
        if p.active && p.open_posts() > 0 {
            open.push(pid as u32);
        }
    }
    let mut seen_posts = std::mem::take(&mut world.scratch.posts);
    let mut swaps = std::mem::take(&mut world.scratch.swaps);
    // What each provider offers a newcomer (`offers_guaranteed`), once worked out; forgotten
    // when its staff change.
    let mut offers = std::mem::take(&mut world.scratch.offers);
    offers.clear();
    offers.resize(world.providers.len(), None);
    let taste_sd = s.employer_taste_sd_gbp;
    for &(_, wid) in &seekers {
        let key = world.workers[wid as usize].id as u64;
        let current = world.employers[wid as usize];
        let mut threshold = if current == NONE {
            Utility::exactly(world.workers[wid as usize].reservation_wage)
        } else {
            let (value, taste) = job_value_before_taste(world, wid, current, || {
                offers_guaranteed(&world.providers[current as usize], &world.workers)
            });
            Utility::bounded(value, taste_sd, taste, s.switch_threshold_gbp)
        };
        // Search frictions: the seeker learns of a few open posts, drawn at random from the
        // providers with vacancies other than their own employer and one they left this week.
        let just_left = {
            let w = &world.workers[wid as usize];
            if w.left_week == world.week { w.left_employer } else { NONE }
        };
        let excluded = [current, just_left];
        let n = s.vacancies_seen_per_search as usize;
        sample_posts(&open, excluded, n, (&mut seen_posts, &mut swaps), |k| {
            search_keys.uniform((key << 8) | (k as u64 + 1) | (1 << 62))
        });
        let mut best: Option<(Utility, u32)> = None;
        for &pid in &seen_posts {
            let offer = &mut offers[pid as usize];
            let (value, taste) = job_value_before_taste(world, wid, pid, || {
                *offer
                    .get_or_insert_with(|| offers_guaranteed(&world.providers[pid as usize], &world.workers))
            });
            let mut u = Utility::bounded(value, taste_sd, taste, 0.0);
            if u.at_least(&mut threshold) && best.as_mut().is_none_or(|(bu, _)| u.exceeds(bu)) {
                best = Some((u, pid));
            }
        }
        let Some((_, pid)) = best else { continue };
        if current != NONE {
            count_leaver(world, wid, current as usize);
            let old = &mut world.providers[current as usize];
            if let Some(pos) = old.workers.iter().position(|&x| x == wid) {
                old.workers.swap_remove(pos);
            }
            old.leavers_week += 1;
            old.leavers_since_review += 1;
            world.counters.moves_between_providers += 1;
            // The post left behind may open.
            update_open(&mut open, current, world.providers[current as usize].open_posts() > 0);
            offers[current as usize] = None;
            // A move starts at once: the notice period covers the new employer's checks.
            hire(world, wid, pid);
        } else {
            hired_from_pool = true;
            recruit(world, wid, pid, search_keys.uniform(key ^ START_DRAW));
        }
        update_open(&mut open, pid, world.providers[pid as usize].open_posts() > 0);
        offers[pid as usize] = None;
    }
    world.scratch.ids = open;
    world.scratch.offers = offers;
    world.scratch.posts = seen_posts;
    world.scratch.swaps = swaps;
    if hired_from_pool {
        let workers = &world.workers;
        world.pool.retain(|&w| workers[w as usize].status == WorkerStatus::Pool);
    }
    world.scratch.seekers = seekers;
}

/// The share of the international inflow open in a week of the calendar (ODD §7.13): all of it
/// before the overseas care-worker visa route closes to new applicants (22 July 2025, Statement
/// of Changes HC 997), then the in-country switching share until the transition ends (22 July
/// 2028), then none.
pub fn international_route_share(s: &WorkforceParams, date: (i32, u32)) -> f64 {
    if date < (s.overseas_route_closed_year, s.overseas_route_closed_week) {
        1.0
    } else if date < (s.in_country_switching_ends_year, s.in_country_switching_ends_week) {
        s.in_country_switching_share
    } else {
        0.0
    }
}

/// The finite reservoir of people in the borough willing to do care work (ODD §7.13). Its full
/// size R̄ is set so that, however high the pay, the steady inflow is at most
/// `supply_ceiling_multiple` (m) times `pool_inflow_per_week` (λ): the reservoir refills at
/// rate ρ towards R̄, so the ceiling is ρR̄ = mλ. Entrants are drawn at rate a · (R / R̄) · r^ε,
/// with a = mλ/(m − 1) so that at r = 1 the steady inflow is λ (with R = R̄ (m − 1)/m).
#[derive(Clone, Copy, Debug)]
pub struct LabourSupply {
    full: f64,
    entry_at_full: f64,
    renewal: f64,
    /// The ceiling multiple m.
    multiple: f64,
}

impl LabourSupply {
    pub fn new(s: &WorkforceParams) -> Self {
        let m = s.supply_ceiling_multiple;
        let renewal = s.reservoir_renewal_per_week;
        let full = if renewal > 0.0 { m * s.pool_inflow_per_week / renewal } else { 0.0 };
        Self { full, entry_at_full: m * s.pool_inflow_per_week / (m - 1.0), renewal, multiple: m }
    }

    /// The reservoir's full size (people).
    pub fn full(&self) -> f64 {
        self.full
    }

    /// The reservoir's steady state with care work paying the outside wage.
    pub fn steady_state(&self) -> f64 {
        self.full * (self.multiple - 1.0) / self.multiple
    }

    /// Entrants a week at parity of pay, with `reservoir` people left in it.
    pub fn entry_rate(&self, reservoir: f64) -> f64 {
        if self.full > 0.0 { self.entry_at_full * (reservoir / self.full).clamp(0.0, 1.0) } else { 0.0 }
    }

    /// The reservoir a week on: less the `entrants`, refilled towards its full size.
    pub fn after_week(&self, reservoir: f64, entrants: u32) -> f64 {
        let left = (reservoir - f64::from(entrants)).max(0.0);
        left + self.renewal * (self.full - left)
    }
}

/// Keeps `pid` in the sorted list of providers with open posts exactly when it `has_vacancy`.
fn update_open(open: &mut Vec<u32>, pid: u32, has_vacancy: bool) {
    match (open.binary_search(&pid), has_vacancy) {
        (Err(at), true) => open.insert(at, pid),
        (Ok(at), false) => {
            open.remove(at);
        }
        _ => {}
    }
}

/// Draws `n` providers (or all, if fewer) without replacement from `open` less the `excluded`
/// ids, into `out`: the first `n` steps of a Fisher–Yates shuffle of that list, with step `k`'s
/// uniform number from `u(k)`. The list is never copied: positions are mapped past the
/// excluded ids, and the few swaps are kept aside, so a search costs O(n), whatever the number
/// of providers.
fn sample_posts(
    open: &[u32],
    excluded: [u32; 2],
    n: usize,
    (out, swapped): (&mut Vec<u32>, &mut Vec<(usize, u32)>),
    u: impl Fn(usize) -> f64,
) {
    out.clear();
    swapped.clear();
    // Positions in `open` of the excluded ids, in ascending order.
    let mut skip = [usize::MAX; 2];
    let mut skips = 0;
    for (i, &id) in excluded.iter().enumerate() {
        if id != NONE
            && !excluded[..i].contains(&id)
            && let Ok(at) = open.binary_search(&id)
        {
            skip[skips] = at;
            skips += 1;
        }
    }
    skip[..skips].sort_unstable();
    let len = open.len() - skips;
    let at = |v: usize| {
        let mut i = v;
        for &s in &skip[..skips] {
            if i >= s {
                i += 1;
            }
        }
        open[i]
    };
    // Entries moved by earlier steps, by position (the latest entry for a position counts).
    for k in 0..n.min(len) {
        let j = k + ((u(k) * (len - k) as f64) as usize).min(len - k - 1);
        let get = |pos: usize| swapped.iter().rev().find(|e| e.0 == pos).map_or_else(|| at(pos), |e| e.1);
        let (a, b) = (get(k), get(j));
        // Position k is final after this step; position j now holds what k held.
        out.push(b);
        swapped.push((j, a));
    }
}

/// A recruit from outside the borough's providers (the pool or outreach) accepts a post at
/// `pid`: they start after `workforce.weeks_to_start` weeks of pre-employment checks, the whole
/// weeks and one more with chance the fraction (`u` a uniform number), or at once if that is
/// none (docs/ODD.md §7.13). The post stays vacant meanwhile but is no longer advertised.
fn recruit(world: &mut World, wid: u32, pid: u32, u: f64) {
    let mean = world.scenario.workforce.weeks_to_start;
    let weeks = mean.floor() as i32 + i32::from(u < mean.fract());
    if weeks == 0 {
        hire(world, wid, pid);
        return;
    }
    let w = &mut world.workers[wid as usize];
    w.status = WorkerStatus::Starting;
    world.employers[wid as usize] = pid;
    w.hired_week = world.week + weeks;
    world.providers[pid as usize].starting += 1;
    world.starters.push(wid);
}

/// Recruits whose first shift falls this week start work (in the order they were recruited);
/// one whose employer has closed meanwhile goes back to the pool.
fn start_recruits(world: &mut World) {
    let mut i = 0;
    while i < world.starters.len() {
        let wid = world.starters[i];
        let w = &world.workers[wid as usize];
        if w.hired_week > world.week {
            i += 1;
            continue;
        }
        world.starters.remove(i);
        let pid = world.employers[wid as usize];
        let p = &mut world.providers[pid as usize];
        p.starting -= 1;
        if p.active {
            hire(world, wid, pid);
        } else {
            let w = &mut world.workers[wid as usize];
            w.status = WorkerStatus::Pool;
            world.employers[wid as usize] = NONE;
            world.pool.push(wid);
        }
    }
}

/// Takes on a worker (from the pool, another provider or outreach) on the contract the
/// provider now offers.
pub(crate) fn hire(world: &mut World, wid: u32, pid: u32) {
    let guaranteed = offers_guaranteed(&world.providers[pid as usize], &world.workers);
    let w = &mut world.workers[wid as usize];
    w.status = WorkerStatus::Employed;
    world.employers[wid as usize] = pid;
    w.guaranteed = guaranteed;
    w.hired_week = world.week;
    w.contact_hours = 0.0;
    w.travel_hours = 0.0;
    w.paid_hours = 0.0;
    w.earnings = 0.0;
    let p = &mut world.providers[pid as usize];
    p.workers.push(wid);
    p.hires_week += 1;
    world.counters.hires += 1;
}

/// Counts a leaver by contract type and pay (for turnover by contract and by pay).
fn count_leaver(world: &mut World, wid: u32, pid: usize) {
    if world.workers[wid as usize].guaranteed {
        world.counters.leavers_guaranteed += 1;
    }
    if world.providers[pid].wage >= world.wages.london_living_wage - 1e-9 {
        world.counters.leavers_at_least_llw += 1;
    }
}

/// Local outreach (a local-hiring term): a provider short of staff and below its target share
/// of estate residents recruits estate residents near its base who were not in care work. They
/// join if the job is worth their reservation wage, else they stay out of the sector.
fn outreach(world: &mut World, outside: f64) {
    let rate = world.scenario.workforce.estate_outreach_per_vacancy_week;
    let target = world.policy.rules.social_value.local_hiring_share;
    if rate <= 0.0 {
        return;
    }
    for pid in 0..world.providers.len() {
        let p = &world.providers[pid];
        if !p.active || !p.terms.local_hiring || p.open_posts() == 0 {
            continue;
        }
        let target = if p.incubated {
            target.max(world.policy.rules.incubator.estate_hiring_min_share)
        } else {
            target
        };
        if p.staff_share(&world.workers, |w| w.estate_resident) >= target {
            continue;
        }
        let mut rng = world.streams.entity(Process::Outreach, world.week as i64, pid as u64);
        let open = p.open_posts();
        let n = Poisson::new(rate * open as f64).expect("positive").sample(&mut rng) as u32;
        let base = p.base_patch;
        for _ in 0..n.min(open) {
            let mut w = draw_worker(&mut rng, &world.scenario, &world.geography, outside, world.week);
            w.home = base;
            w.estate_resident = true;
            let wid = world.add_worker(w, NONE);
            if job_utility(world, wid, pid as u32) >= world.workers[wid as usize].reservation_wage {
                let u = rng.random::<f64>();
                recruit(world, wid, pid as u32, u);
                world.counters.outreach_recruits += 1;
            } else {
                world.workers[wid as usize].status = WorkerStatus::Left;
            }
        }
    }
}

/// Converts contracts towards each provider's guaranteed-hours target: when the target is
/// above the current share, zero-hours workers are offered guaranteed contracts (and accept);
/// providers do not convert guaranteed contracts back.
pub fn contract_mix(world: &mut World) {
    for p in world.providers.iter_mut().filter(|p| p.active) {
        let n = p.workers.len();
        if n == 0 {
            continue;
        }
        let before = p.guaranteed_staff(&world.workers) as usize;
        let mut g = before;
        for &wid in &p.workers {
            if (g as f64) / (n as f64) >= p.guaranteed_target {
                break;
            }
            let w = &mut world.workers[wid as usize];
            if !w.guaranteed {
                w.guaranteed = true;
                g += 1;
            }
        }
        p.workers.converted((g - before) as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bounded utilities compare exactly as the utilities themselves: job offers against a
    /// threshold (a reservation wage, or a current job plus the switching threshold) and
    /// against the best so far, for values close together and far apart, tastes in every
    /// cell of the table (the outer ones unbounded) and no taste at all.
    #[test]
    fn bounded_utilities_compare_as_exact_ones() {
        let keys = crate::rng::Streams::new(11, 0).week_keys(Process::JobTaste, 0);
        let mut decided_by_bounds = 0;
        let mut comparisons = 0;
        for (case, sd) in [0.0, 0.05, 0.4, 3.0].into_iter().enumerate() {
            for i in 0..20_000u64 {
                let e = (case as u64) << 32 | i << 2;
                let value =
                    |salt: u64| 10.0 + keys.uniform(e | salt | 1 << 62) * if i % 2 == 0 { 0.01 } else { 1.0 };
                let (va, vb) = (value(0), value(1));
                let (za, zb) = (keys.bounded_normal(e), keys.bounded_normal(e | 1));
                let plus = if i % 3 == 0 { 0.0 } else { 0.4 };
                let exact_a = va + sd * za.value();
                let exact_b = vb + sd * zb.value() + plus;
                let fresh = || (Utility::bounded(va, sd, za, 0.0), Utility::bounded(vb, sd, zb, plus));
                let (mut a, mut b) = fresh();
                assert_eq!(a.at_least(&mut b), exact_a >= exact_b, "sd {sd}, case {i}");
                let (mut a, mut b) = fresh();
                assert_eq!(a.exceeds(&mut b), exact_a > exact_b, "sd {sd}, case {i}");
                assert_eq!(a.exceeds(&mut b), exact_a > exact_b, "sd {sd}, case {i}, asked again");
                let (mut a, _) = fresh();
                let mut reservation = Utility::exactly(exact_b);
                assert_eq!(a.at_least(&mut reservation), exact_a >= exact_b, "sd {sd}, case {i}");
                decided_by_bounds += usize::from(a.pending.is_some());
                comparisons += 1;
            }
        }
        // Most comparisons need no quantile (with tastes spread, their bounds decide).
        assert!(decided_by_bounds * 2 > comparisons, "{decided_by_bounds} of {comparisons}");
    }

    /// The quick decision agrees with the hazard everywhere: pay from far below to far above
    /// the outside wage (and NaN), every combination of the other terms, elasticities of
    /// either sign, and uniform draws near and far from the hazard.
    #[test]
    fn a_quit_decision_is_exactly_a_draw_below_the_hazard() {
        let keys = crate::rng::Streams::new(3, 0).week_keys(Process::WorkerQuit, 0);
        let mut clear_cases = 0;
        for (k, elasticity) in [-2.0, 0.0, 0.5, 1.7, 6.0].into_iter().enumerate() {
            for base in [1e-4, 0.004, 0.02, 0.3] {
                let s = WorkforceParams {
                    quit_base_per_week: base,
                    quit_pay_elasticity: elasticity,
                    quit_zero_hours_log_odds: 0.4,
                    quit_underemployment_log_odds: 1.1,
                    quit_unpaid_travel_log_odds: 2.0,
                    quit_untrained_log_odds: 0.7,
                    ..Scenario::default().workforce
                };
                let quit = QuitHazard::new(&s);
                for i in 0..4_000u64 {
                    let draw = |salt: u64| {
                        keys.uniform((k as u64) << 40 | (base.to_bits() >> 20) << 20 | i << 3 | salt)
                    };
                    let relative_pay = if i == 0 { f64::NAN } else { 0.05 + 3.0 * draw(0) };
                    let t = JobTerms {
                        relative_pay,
                        zero_hours: draw(1) < 0.5,
                        underemployment: draw(2) * 0.8,
                        unpaid_travel: draw(3) * 0.4,
                        untrained: draw(4) < 0.3,
                    };
                    let hazard = quit.weekly(t);
                    // Draws spread over [0, 1) and draws just either side of the hazard.
                    for u in [draw(5), draw(6) * 0.1, hazard, hazard * (1.0 - 1e-12), hazard * (1.0 + 1e-12)]
                    {
                        assert_eq!(
                            quit.quits(t, u),
                            u < hazard,
                            "pay {relative_pay}, hazard {hazard}, u {u}"
                        );
                        clear_cases += usize::from(u >= 0.05 && hazard < 0.05);
                    }
                }
            }
        }
        assert!(clear_cases > 10_000, "few draws clearly above the hazard: {clear_cases}");
    }

    /// The sample equals the first `n` entries of a Fisher–Yates shuffle of a copy of the list
    /// less the excluded ids (the way it was drawn before the list was kept up to date).
    #[test]
    fn sampled_posts_match_a_shuffle_of_the_filtered_list() {
        let streams = crate::rng::Streams::new(9, 0);
        let keys = streams.week_keys(Process::JobSearch, 1);
        let (mut out, mut swaps) = (Vec::new(), Vec::new());
        for case in 0..2_000u64 {
            let len = (case % 23) as u32;
            let open: Vec<u32> = (0..len).map(|i| i * 3 + (case % 3) as u32).collect();
            let pick = |salt: u64| {
                let u = keys.uniform(case << 8 | salt);
                if u < 0.3 { NONE } else { (u * 3.0 * f64::from(len + 2)) as u32 }
            };
            let excluded = [pick(1), pick(2)];
            let n = 1 + (case % 5) as usize;
            let u = |k: usize| keys.uniform(case << 16 | k as u64);
            sample_posts(&open, excluded, n, (&mut out, &mut swaps), u);
            let mut naive: Vec<u32> = open.iter().copied().filter(|id| !excluded.contains(id)).collect();
            let seen = n.min(naive.len());
            for k in 0..seen {
                let j = k + ((u(k) * (naive.len() - k) as f64) as usize).min(naive.len() - k - 1);
                naive.swap(k, j);
            }
            assert_eq!(out, naive[..seen], "case {case}: open {open:?}, excluded {excluded:?}, n {n}");
        }
    }
}
