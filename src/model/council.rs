//! The council: budget and its rationing rule (ODD §7.7), brokerage of waiting clients to
//! providers in the order the policy sets, and inspections that rate providers' quality.

use rand_distr::{Distribution, Normal};

use super::brokerage::BrokerageOrder;
use super::provider::accepts_package;
use super::{ClientStatus, NONE, WorkerStatus, World};
use crate::rng::Process;
use crate::scenario::{CouncilParams, Rating, Rationing};

#[derive(Clone, Debug, Default)]
pub struct Council {
    /// Spend since the start of the financial year (April): payments to providers and the
    /// cost of the provider of last resort.
    pub spend_year_to_date: f64,
    pub weeks_into_year: u32,
    pub spend_total: f64,
    /// The annual budget in force, whether it binds, and how it is rationed (a budget-cut
    /// shock changes all three).
    pub annual_budget: f64,
    pub budget_binding: bool,
    pub rationing: Rationing,
    /// Budget available so far this financial year: the annual budget in force / 52 for each
    /// week of the year so far, this week included.
    pub budget_year_to_date: f64,
    /// Spend of the last 13 weeks (a ring), for a cut of the spend run rate.
    recent_spend: [f64; 13],
    recent_weeks: u32,
    /// Worker-hours a week the provider of last resort is committed to.
    pub last_resort_hours: f64,
    /// Whether any package has had hours trimmed (so reviews may have to restore them).
    pub trimmed_any: bool,
    /// A budget cut is in force: spend and budget are counted from the cut, across financial
    /// years (an overspend must be recovered; councils cannot run a deficit).
    pub cut_in_force: bool,
    /// Under a budget set mid-year (a cut, or a budget set at the reform date) rationed by
    /// `waits`, packages start only while the weekly run rate stays within the weekly budget.
    pub hold_run_rate: bool,
}

impl Council {
    pub fn new(p: &CouncilParams) -> Self {
        Self {
            annual_budget: p.annual_budget_gbp,
            budget_binding: p.budget_binding,
            rationing: p.rationing,
            ..Default::default()
        }
    }

    /// Whether a binding budget is being rationed this week: spend so far this financial
    /// year has reached the pro-rata budget.
    pub fn over_budget(&self) -> bool {
        self.budget_binding && self.spend_year_to_date >= self.budget_year_to_date
    }

    /// Counts one week's spend (called by finance).
    pub fn record_spend(&mut self, gbp: f64) {
        self.spend_year_to_date += gbp;
        self.spend_total += gbp;
        self.weeks_into_year += 1;
        self.recent_spend[(self.recent_weeks % 13) as usize] = gbp;
        self.recent_weeks += 1;
    }

    /// Last week's spend.
    pub fn last_week_spend(&self) -> f64 {
        if self.recent_weeks == 0 { 0.0 } else { self.recent_spend[((self.recent_weeks - 1) % 13) as usize] }
    }

    /// Spend over the last 13 weeks (or as many as there have been), annualised.
    pub fn spend_run_rate(&self) -> f64 {
        let n = self.recent_weeks.min(13);
        if n == 0 {
            return self.annual_budget;
        }
        self.recent_spend[..n as usize].iter().sum::<f64>() * 52.0 / n as f64
    }

    /// A budget cut: the new annual budget binds from this week, rationed by `rationing`.
    /// Spend so far this year is not carried against it: the cut budget counts from now.
    pub fn cut_budget(&mut self, annual: f64, rationing: Rationing) {
        self.annual_budget = annual;
        self.budget_binding = true;
        self.rationing = rationing;
        self.cut_in_force = true;
        self.hold_run_rate = true;
        // This week's allowance was added at the old rate; count it at the new one.
        self.budget_year_to_date = self.spend_year_to_date + annual / 52.0;
    }

    /// A budget set at the reform date (`council.reform_budget_gbp`, docs/ODD.md §7.7): it binds
    /// from this week, rationed by `rationing`, counted from now to the end of this financial
    /// year and then year by year as any budget (an overspend is not carried into the next
    /// year, unlike a cut's).
    pub fn set_reform_budget(&mut self, annual: f64, rationing: Rationing) {
        self.annual_budget = annual;
        self.budget_binding = true;
        self.rationing = rationing;
        self.hold_run_rate = true;
        self.budget_year_to_date = self.spend_year_to_date + annual / 52.0;
    }
}

/// Starts a new financial year's budget count in the April uplift week. After a budget cut
/// the count runs on from the cut: the new year inherits any over- or underspend.
pub fn new_financial_year(world: &mut World) {
    world.council.weeks_into_year = 0;
    if world.council.cut_in_force {
        return;
    }
    world.council.spend_year_to_date = 0.0;
    world.council.budget_year_to_date = 0.0;
}

/// Adds this week's budget allowance (at the start of every week, after any new year).
pub fn budget_week(world: &mut World) {
    world.council.budget_year_to_date += world.council.annual_budget / 52.0;
}

/// Offers waiting clients to providers, first come first served. Each client is offered to
/// at most `max_offers_per_client` providers a week, in the order the brokerage rule gives;
/// framework providers are asked before the rest of the approved list. With a binding budget
/// rationed by `waits`, no new package starts while spend runs ahead of the pro-rata budget
/// (new clients wait); rationed by `trim`, packages start with trimmed hours. An urgent
/// client no provider takes goes to the provider of last resort, if there is one and it has
/// room (the Care Act duty to meet needs does not wait for the budget). Clients with the
/// provider of last resort are offered to the market again after `step_down_after_weeks`.
pub fn broker(world: &mut World) {
    let over = world.council.over_budget();
    let trim = over && world.council.rationing == Rationing::Trim;
    let blocked = over && !trim;
    if blocked {
        world.counters.budget_blocked = true;
    }
    let last_resort = world.scenario.council.last_resort.enabled;
    if blocked && !last_resort {
        return;
    }
    if last_resort {
        let clients = &world.clients;
        world.council.last_resort_hours =
            world.in_house.iter().map(|&c| clients[c as usize].worker_hours()).sum();
    }
    // After a cut or a budget set at the reform date, rationed by waits, the council also holds
    // its weekly run rate within the budget: packages start only while last week's spend plus
    // the weekly cost of the packages started this week is below the weekly budget, so a
    // backlog is not released all at once in the first week spend dips under the line.
    let mut room = if world.council.hold_run_rate && world.council.rationing == Rationing::Waits {
        world.council.annual_budget / 52.0 - world.council.last_week_spend()
    } else {
        f64::INFINITY
    };
    let mut placed_any = false;
    let mut queue = std::mem::take(&mut world.queue);
    let mut ranked = std::mem::take(&mut world.scratch.offered);
    let mut order = std::mem::take(&mut world.scratch.brokerage);
    order.build(world);
    for &cid in queue.iter() {
        if world.clients[cid as usize].ready_week > world.week {
            continue;
        }
        if !blocked && room <= 0.0 {
            world.counters.budget_blocked = true;
        } else if !blocked {
            if trim {
                let c = &world.clients[cid as usize];
                if c.assessed_hours >= c.need_hours {
                    trim_package(world, cid);
                }
            }
            if offer(world, cid, &mut order, &mut ranked, true) {
                placed_any = true;
                if room.is_finite() {
                    let c = &world.clients[cid as usize];
                    room -= c.worker_hours()
                        * world.policy.package_rate(&world.providers[c.provider as usize], c);
                }
                continue;
            }
        }
        if last_resort && take_in_house(world, cid) {
            placed_any = true;
        }
    }
    if placed_any {
        let clients = &world.clients;
        queue.retain(|&id| clients[id as usize].status == ClientStatus::Waiting);
    }
    world.queue = queue;
    // Step-down: in-house packages go back to the market once a provider accepts them.
    if last_resort && !blocked && !world.in_house.is_empty() {
        let after = world.scenario.council.last_resort.step_down_after_weeks as i32;
        let mut in_house = std::mem::take(&mut world.in_house);
        in_house.retain(|&cid| {
            world.week - world.clients[cid as usize].waiting_since < after
                || !offer(world, cid, &mut order, &mut ranked, false)
        });
        world.in_house = in_house;
    }
    world.scratch.offered = ranked;
    world.scratch.brokerage = order;
}

/// Offers one client to providers in ranked order; the first to accept gets the package.
/// `new_start` counts the placement (a start of care, with its wait) in the week's counters.
fn offer(
    world: &mut World,
    cid: u32,
    order: &mut BrokerageOrder,
    ranked: &mut Vec<u32>,
    new_start: bool,
) -> bool {
    let max_offers = world.scenario.council.max_offers_per_client as usize;
    let patch = world.clients[cid as usize].patch as usize;
    order.first_k(world, patch, world.policy.round_robin_next, max_offers, ranked);
    world.policy.round_robin_next = world.policy.round_robin_next.wrapping_add(1);
    for &pid in ranked.iter() {
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
            c.start_care(ClientStatus::Active, pid, on_contract);
            let follower = std::mem::replace(&mut c.following_carer, NONE);
            if follower != NONE {
                follow(world, follower, pid, cid);
            }
            world.active_clients.push(cid);
            world.referrals.place(on_contract);
            if new_start {
                world.counters.placements += 1;
                world.counters.placement_wait_weeks +=
                    (world.week - world.clients[cid as usize].waiting_since) as f64;
            }
            return true;
        }
    }
    false
}

/// A closed provider's worker follows its client to the provider `pid` that took the package
/// (ODD §7.17): hired from the pool at once if still there (checks already done), and the
/// client's regular carer again if it now works for `pid`.
fn follow(world: &mut World, wid: u32, pid: u32, cid: u32) {
    let w = &world.workers[wid as usize];
    if w.status == WorkerStatus::Pool {
        if let Some(i) = world.pool.iter().position(|&x| x == wid) {
            world.pool.remove(i);
        }
        super::labour::hire(world, wid, pid);
        world.counters.workers_followed_clients += 1;
    }
    let w = &world.workers[wid as usize];
    if w.status == WorkerStatus::Employed && world.employers[wid as usize] == pid {
        world.clients[cid as usize].primary_carer = wid;
    }
}

/// The provider of last resort takes an urgent client if it has room. The council pays its
/// cost (no emergency premium: it is the council's own service).
fn take_in_house(world: &mut World, cid: u32) -> bool {
    let lr = &world.scenario.council.last_resort;
    let c = &world.clients[cid as usize];
    if !c.urgent || world.council.last_resort_hours + c.worker_hours() > lr.capacity_hours_per_week {
        return false;
    }
    world.council.last_resort_hours += c.worker_hours();
    world.counters.placements += 1;
    world.counters.placement_wait_weeks += (world.week - c.waiting_since) as f64;
    world.counters.last_resort_placements += 1;
    let c = &mut world.clients[cid as usize];
    c.start_care(ClientStatus::InHouse, super::NONE, false);
    c.urgent = false;
    // Entry to the in-house service, for the step-down.
    c.waiting_since = world.week;
    world.in_house.push(cid);
    true
}

/// Cuts a package's funded hours by `council.trim_share`, never below `trim_max_share` under
/// the assessed need.
fn trim_package(world: &mut World, cid: u32) {
    let (share, max) = (world.scenario.council.trim_share, world.scenario.council.trim_max_share);
    let c = &mut world.clients[cid as usize];
    let trimmed = (c.assessed_hours * (1.0 - share)).max(c.need_hours * (1.0 - max));
    if trimmed < c.assessed_hours {
        c.assessed_hours = trimmed;
        world.caseload_snapshot.valid = false;
        world.counters.packages_trimmed += 1;
        world.council.trimmed_any = true;
    }
}

/// Reviews of packages, every `council.review_every_weeks` from the client's arrival: while
/// a binding budget rationed by `trim` is over its pro-rata line, each package reviewed is
/// trimmed; in a week within budget, trimmed hours are restored to the assessed need.
pub fn reviews(world: &mut World) {
    if world.council.rationing != Rationing::Trim && !world.council.trimmed_any {
        return;
    }
    let trim = world.council.over_budget() && world.council.rationing == Rationing::Trim;
    let every = world.scenario.council.review_every_weeks as i32;
    for i in 0..world.active_clients.len() {
        let cid = world.active_clients[i];
        let c = &mut world.clients[cid as usize];
        let age = world.week - c.arrived_week;
        if age <= 0 || age % every != 0 {
            continue;
        }
        if trim {
            trim_package(world, cid);
        } else if c.assessed_hours < c.need_hours {
            c.assessed_hours = c.need_hours;
            world.caseload_snapshot.valid = false;
        }
    }
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
