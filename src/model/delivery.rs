//! Service delivery (docs/ODD.md §3 step 6, §7.14): each provider turns its workers' time into
//! contact hours net of travel. Travel per visit follows BHH density in each patch; a shortfall
//! of worker time is shared pro rata by all the provider's packages (council and self-funded),
//! and guaranteed-hours staff are rostered before zero-hours staff.

use super::finance::{PackagePayments, PackageTotals};
use super::prefetch::{prefetch_ahead, reads_ahead};
use super::provider::{MarginalCost, km_per_hour_in_patch, mean_visit_hours};
use super::{ActiveProviders, Client, NONE, Provider, StaffTally, Travel, World};
use crate::rng::{Process, WeekKeys};
use crate::scenario::MAX_PATCHES;

/// What `caseloads` counted, kept for `caseloads_after_brokerage`: how many active clients and
/// providers it counted, and the council sums that brokerage has changed since, as they were
/// before each change (`valid` until a tender or a package review changes a package already
/// counted). Only the changed sums are kept, not every provider's: at London scale a copy of
/// every provider's sums, taken and put back each week, cost more than the count it saved.
#[derive(Default)]
pub struct CaseloadSnapshot {
    changed: Vec<SumsBefore>,
    clients: usize,
    providers: usize,
    pub valid: bool,
}

/// A provider's council worker-hours, worker-visits and clients in one patch, before a change.
#[derive(Clone, Copy)]
struct SumsBefore {
    provider: u32,
    patch: u8,
    clients: u32,
    hours: f64,
    visits: f64,
}

impl CaseloadSnapshot {
    /// Provider `pid`'s sums in `patch` are about to change (a package placed by brokerage):
    /// keeps them as they are, to be put back before the recount.
    pub fn before_change(&mut self, pid: u32, p: &Provider, patch: usize) {
        if self.valid {
            self.changed.push(SumsBefore {
                provider: pid,
                patch: patch as u8,
                clients: p.council_clients[patch],
                hours: p.council_worker_hours[patch],
                visits: p.council_worker_visits[patch],
            });
        }
    }
}

#[cfg(debug_assertions)]
type CouncilSums = ([f64; MAX_PATCHES], [f64; MAX_PATCHES], [u32; MAX_PATCHES]);

#[cfg(debug_assertions)]
fn council_sums(p: &Provider) -> CouncilSums {
    (p.council_worker_hours, p.council_worker_visits, p.council_clients)
}

/// Recomputes every provider's committed caseload from its active clients (net of this week's
/// short-notice cancellations), its travel per hour and its committed worker time; and marks
/// the sums as the start for `caseloads_after_brokerage`.
pub fn caseloads(world: &mut World) {
    zero_council_sums(world);
    add_clients(world, 0);
    snapshot_and_finish(world);
}

fn zero_council_sums(world: &mut World) {
    for p in world.providers.iter_mut() {
        p.council_worker_hours = [0.0; MAX_PATCHES];
        p.council_worker_visits = [0.0; MAX_PATCHES];
        p.council_clients = [0; MAX_PATCHES];
    }
}

/// Marks the sums counted over the whole active list as the start for
/// `caseloads_after_brokerage`, then works out each provider's travel and committed time.
fn snapshot_and_finish(world: &mut World) {
    let snapshot = &mut world.caseload_snapshot;
    snapshot.changed.clear();
    snapshot.clients = world.active_clients.len();
    snapshot.providers = world.providers.len();
    snapshot.valid = true;
    provider_caseloads(world);
}

/// The week's caseload count taken in `clients::exits`' pass over the active list (docs/ODD.md
/// §3 steps 2–3): every provider's council sums start from zero, each active client who stays
/// is added as `caseloads` adds it, in the same order, and [`CaseloadCount::close`] finishes
/// as `caseloads` does, so the numbers are the same to the last bit.
pub struct CaseloadCount {
    keys: WeekKeys,
    cancel: f64,
}

impl CaseloadCount {
    pub fn open(world: &mut World) -> Self {
        zero_council_sums(world);
        Self::this_week(world)
    }

    /// The week's cancellation draws, for adding packages to the sums as they stand.
    fn this_week(world: &World) -> Self {
        Self {
            keys: world.streams.week_keys(Process::Cancellations, world.week as i64),
            cancel: world.scenario.clients.short_notice_cancellation_share,
        }
    }

    /// Adds active client `c`'s package to its provider's council hours, visits and clients,
    /// net of this week's short-notice cancellations (kept in `c.cancelled_hours`).
    #[inline(always)]
    pub fn add(&self, c: &mut Client, providers: &mut [Provider]) {
        // Stochastic rounding: the expected share of visits cancelled is `cancel`.
        let u = self.keys.uniform(c.id as u64);
        // (Truncation is `floor` here: the argument is never negative. Through i64, which
        // x86-64 converts in one instruction, u64 in several.)
        let cancelled_visits = ((c.visits_per_week * self.cancel + u) as i64 as f64).min(c.visits_per_week);
        let kept = 1.0 - cancelled_visits / c.visits_per_week;
        c.cancelled_hours = c.assessed_hours * (1.0 - kept);
        let p = &mut providers[c.provider as usize];
        let patch = c.patch as usize;
        p.council_worker_hours[patch] += c.worker_hours() * kept;
        p.council_worker_visits[patch] += c.worker_visits() * kept;
        p.council_clients[patch] += 1;
    }

    /// Once every active client has been added (the active list as it then stands), the
    /// providers' travel per hour and committed time; the sums are marked as the start for
    /// `caseloads_after_brokerage`.
    pub fn close(self, world: &mut World) {
        snapshot_and_finish(world);
    }
}

/// Caseloads again after brokerage, when only packages placed since `caseloads` differ: the
/// sums as counted then (those brokerage changed put back as they were, the latest change
/// first, so each ends as it was before its first change), plus the new packages in the order
/// they were placed (the same additions in the same order as a full recount, so the same
/// numbers to the last bit). A tender or a package review changes packages already counted;
/// they mark the sums stale, and then everything is recounted.
pub fn caseloads_after_brokerage(world: &mut World) {
    let snapshot = &world.caseload_snapshot;
    // (Brokerage only appends to the active list; a shorter list would mean it did more.)
    if !snapshot.valid
        || snapshot.providers != world.providers.len()
        || snapshot.clients > world.active_clients.len()
    {
        return caseloads(world);
    }
    for b in snapshot.changed.iter().rev() {
        let (p, q) = (&mut world.providers[b.provider as usize], b.patch as usize);
        p.council_worker_hours[q] = b.hours;
        p.council_worker_visits[q] = b.visits;
        p.council_clients[q] = b.clients;
    }
    add_clients(world, snapshot.clients);
    #[cfg(debug_assertions)]
    {
        let incremental: Vec<_> = world.providers.iter().map(council_sums).collect();
        caseloads(world);
        let full = world.providers.iter().map(council_sums);
        assert!(
            full.eq(incremental),
            "week {}: packages counted before brokerage changed without marking the caseload sums stale",
            world.week
        );
    }
    world.caseload_snapshot.valid = false;
    provider_caseloads(world);
}

/// Adds the packages of active clients from position `from` of the active list to their
/// providers' council hours, visits and clients (net of this week's cancellations).
fn add_clients(world: &mut World, from: usize) {
    let count = CaseloadCount::this_week(world);
    let ahead = reads_ahead(&world.clients);
    for (i, &cid) in world.active_clients.iter().enumerate().skip(from) {
        if ahead {
            prefetch_ahead::<_, 1>(&world.clients, &world.active_clients, i);
        }
        count.add(&mut world.clients[cid as usize], &mut world.providers);
    }
}

/// Each provider's travel per hour in each patch, and its committed worker time, from its
/// council and self-funded hours.
fn provider_caseloads(world: &mut World) {
    let visit_h = mean_visit_hours(world);
    let n = world.geography.n;
    for pid in 0..world.providers.len() {
        if !world.providers[pid].active {
            continue;
        }
        let (mut km, mut hours, mut visits) = (0.0, 0.0, 0.0);
        let mut per_patch = [0.0; MAX_PATCHES];
        {
            let p = &world.providers[pid];
            for (q, slot) in per_patch.iter_mut().enumerate().take(n) {
                let h = p.council_worker_hours[q] + p.self_funder_hours[q];
                let v = p.council_worker_visits[q] + p.self_funder_hours[q] / visit_h;
                *slot = km_per_hour_in_patch(world, p, q, v, h);
                km += *slot * h;
                hours += h;
                visits += v;
            }
        }
        let p = &mut world.providers[pid];
        p.km_per_hour = per_patch;
        p.km_per_hour_mean = if hours > 0.0 { km / hours } else { 0.0 };
        p.visits_per_hour_mean = if hours > 0.0 { visits / hours } else { 0.0 };
        p.committed_time = hours * (1.0 + p.travel_time_per_hour(&world.geography));
    }
}

/// Allocates each provider's demanded hours to its workers, pays them, and records delivered
/// hours per client, continuity of carers and each client's recent unmet need; the council
/// pays for each package as it is recorded, and the week's totals are returned for
/// `finance::settle`, with each active client's provider for handbacks and exits.
pub fn deliver(world: &mut World) -> (PackageTotals, ActiveProviders) {
    let g_share = world.scenario.workforce.guaranteed_share_of_desired;
    let nlw = world.wages.national_living_wage;
    let absence = world.scenario.workforce.absence_per_week;
    let week = world.week as i64;
    let world_week = world.week;
    let competence = world.scenario.workforce.weeks_to_competence;
    let modes = &world.scenario.geography.travel_modes;
    let absence_keys = world.streams.week_keys(Process::Absence, week);
    let mut mode_travel = std::mem::take(&mut world.scratch.mode_travel);
    for p in world.providers.iter_mut() {
        if !p.active {
            continue;
        }
        let demand = p.council_worker_total() + p.self_funder_total();
        let (kmh, vph) = (p.km_per_hour_mean, p.visits_per_hour_mean);
        let geo = &world.geography;
        // Travel time per contact hour depends on the worker only through their travel mode.
        mode_travel.clear();
        mode_travel.extend(modes.iter().map(|m| geo.travel_time_per_hour(kmh, vph, m.speed_kmh)));
        // Contact capacity of each worker: available time net of travel at their own speed
        // (kept in `contact_hours` until the hours are shared out below).
        let (mut cap_g, mut cap_z, mut time, mut speed_sum, mut mileage_sum) = (0.0, 0.0, 0.0, 0.0, 0.0);
        // Counted for decisions, conversions, entry and quality while the staff stay as they
        // are (`Staff`): no other pass over them need read these fields.
        let (mut guaranteed, mut experienced) = (0, 0);
        for &wid in &p.workers {
            let w = &mut world.workers[wid as usize];
            let m = &modes[w.mode as usize];
            time += w.desired_hours;
            guaranteed += u32::from(w.guaranteed);
            experienced += u32::from(f64::from(world_week - w.hired_week) >= competence);
            speed_sum += m.speed_kmh;
            mileage_sum += m.mileage_gbp_per_km;
            // Sickness and other absence: the worker delivers nothing this week.
            w.absent = absence_keys.uniform(w.id as u64) < absence;
            if w.absent {
                w.contact_hours = 0.0;
                continue;
            }
            let c = w.desired_hours / (1.0 + mode_travel[w.mode as usize]);
            w.contact_hours = c;
            if w.guaranteed { cap_g += c } else { cap_z += c }
        }
        if !p.workers.is_empty() {
            p.speed_kmh_mean = speed_sum / p.workers.len() as f64;
            p.mileage_gbp_per_km_mean = mileage_sum / p.workers.len() as f64;
        }
        p.capacity_time = time;
        p.workers.set_tally(StaffTally { week: world_week, desired_hours: time, guaranteed, experienced });
        let capacity = cap_g + cap_z;
        p.fill = if demand > 0.0 { (capacity / demand).min(1.0) } else { 1.0 };
        // Guaranteed staff first (their hours are paid anyway), then zero-hours staff.
        let (use_g, use_z) = if demand <= cap_g {
            (if cap_g > 0.0 { demand / cap_g } else { 0.0 }, 0.0)
        } else {
            (1.0, if cap_z > 0.0 { ((demand - cap_g) / cap_z).min(1.0) } else { 0.0 })
        };
        let (mut contact, mut travel, mut bill) = (0.0, 0.0, 0.0);
        // Travel driven, its mileage and its emissions (for finance and the outcome tables).
        let (mut km, mut mileage, mut co2, mut e_bikes) = (0.0, 0.0, 0.0, 0);
        for &wid in &p.workers {
            let w = &mut world.workers[wid as usize];
            let m = &modes[w.mode as usize];
            let travel_per_hour = mode_travel[w.mode as usize];
            let share = if w.absent {
                0.0
            } else if w.guaranteed {
                use_g
            } else {
                use_z
            };
            let c = w.contact_hours * share;
            w.contact_hours = c;
            w.travel_hours = c * travel_per_hour;
            let worked_paid = c + if p.pays_travel { w.travel_hours } else { 0.0 };
            w.paid_hours = worked_paid.max(w.guaranteed_hours(g_share));
            w.earnings = w.paid_hours * p.wage;
            // Travel between visits is working time for the minimum wage: a compliant
            // provider tops pay up so that pay per hour worked reaches the NLW.
            let floor = nlw * (w.contact_hours + w.travel_hours);
            if p.nmw_compliant && w.earnings < floor {
                w.earnings = floor;
                w.paid_hours = floor / p.wage;
            }
            contact += c;
            travel += w.travel_hours;
            bill += w.earnings;
            let k = c * kmh;
            km += k;
            mileage += k * m.mileage_gbp_per_km;
            co2 += k * m.co2_kg_per_km;
            e_bikes += u32::from(w.e_bike);
        }
        p.contact_hours_week = contact;
        p.wage_bill_week = bill;
        p.travel_share = if contact + travel > 0.0 { travel / (contact + travel) } else { 0.0 };
        p.travel_week = Travel { km, mileage_gbp: mileage, co2_kg: co2, e_bikes };
    }
    world.scratch.mode_travel = mode_travel;

    // Clients: delivered hours, unmet need, continuity; and each package's payment, in the
    // same pass (finance, docs/ODD.md §3 step 7).
    let week = world.week;
    let days = world.scenario.clients.carer_days_per_week;
    let slot = 2 * (week.rem_euclid(4) as usize);
    let continuity_keys = world.streams.week_keys(Process::Continuity, week as i64);
    let cost =
        MarginalCost::new(world.scenario.providers.on_cost_rate, world.admin_per_hour(), &world.geography);
    let mut payments = PackagePayments::open(
        &world.policy,
        &world.scenario,
        cost,
        week,
        std::mem::take(&mut world.loss_making),
        &mut world.providers,
    );
    let mut placed = ActiveProviders::filled_by_delivery(
        std::mem::take(&mut world.scratch.active_providers),
        world.active_clients.len(),
    );
    let ahead = reads_ahead(&world.clients);
    for (i, &cid) in world.active_clients.iter().enumerate() {
        if ahead {
            prefetch_ahead::<_, 2>(&world.clients, &world.active_clients, i);
        }
        let c = &mut world.clients[cid as usize];
        placed.push(c.provider);
        let pid = c.provider as usize;
        let p = &world.providers[pid];
        let planned = c.assessed_hours - c.cancelled_hours;
        c.delivered_hours = planned * p.fill;
        // Against the assessed need: hours trimmed by budget rationing are unmet.
        let unmet = 1.0 - (c.delivered_hours + c.cancelled_hours) / c.need_hours;
        c.recent_unmet = 0.75 * c.recent_unmet + 0.25 * unmet;
        // Continuity: a regular carer while they stay with the provider; visits on more days
        // than a carer works go to cover carers, the same one again with a chance equal to
        // the provider's rostering quality.
        if p.workers.is_empty() {
            c.record_carers(slot, NONE, NONE);
        } else {
            let key = (c.id as u64) << 2;
            let pick = |salt: u64| {
                let u = continuity_keys.uniform(key | salt);
                // (The same index through i64/u32, cheaper conversions than usize's.)
                p.workers[((u * p.workers.len() as u32 as f64) as i64 as usize).min(p.workers.len() - 1)]
            };
            if c.primary_carer == NONE || world.employers[c.primary_carer as usize] != c.provider {
                c.primary_carer = pick(0);
            }
            let care_days = c.visits_per_week.min(7.0);
            let cover = if care_days > days {
                // Last week's cover carer.
                let last = c.recent_carers()[(slot + 7) % 8];
                // A named cover carer (outcome-paid rostering) always returns when still employed.
                let keep = p.named_cover || continuity_keys.uniform(key | 2) < p.quality;
                if keep && last != NONE && world.employers[last as usize] == c.provider {
                    last
                } else {
                    pick(1)
                }
            } else {
                NONE
            };
            c.record_carers(slot, c.primary_carer, cover);
        }
        payments.pay(cid, c, &mut world.providers[pid]);
    }
    for &cid in &world.queue {
        let c = &mut world.clients[cid as usize];
        c.delivered_hours = 0.0;
        c.cancelled_hours = 0.0;
        c.recent_unmet = 0.75 * c.recent_unmet + 0.25;
    }
    // The provider of last resort delivers the funded hours in full (contingency staff).
    for &cid in &world.in_house {
        let c = &mut world.clients[cid as usize];
        c.delivered_hours = c.assessed_hours;
        c.cancelled_hours = 0.0;
        c.recent_unmet = 0.75 * c.recent_unmet + 0.25 * (1.0 - c.assessed_hours / c.need_hours);
        c.clear_carers();
    }
    (payments.close(), placed)
}
