//! The supplier agent's decision rules (MODEL.md §5.2, §5.3, §5.5): accepting packages,
//! wages, travel pay, contract mix, hiring, training, self-funder uptake, handbacks, exit and
//! entry. Every rule responds to the provider's own state; none sets an outcome directly.

use rand::RngExt;

use super::clients::pick_weighted;
use super::{ClientStatus, ExitCause, NONE, PatchId, Pledges, Provider, WorkerStatus, World};
use crate::rng::Process;
use crate::scenario::{MAX_PATCHES, ProviderKind};

/// Mean visit length (h) of the scenario's visit-length distribution.
pub fn mean_visit_hours(world: &World) -> f64 {
    let c = &world.scenario.clients;
    c.visit_length_hours.iter().zip(&c.visit_length_probabilities).map(|(l, p)| l * p).sum()
}

/// Travel km per worker-hour in a patch for a provider making `visits` worker-visits and
/// `hours` worker-hours a week there.
pub fn km_per_hour_in_patch(world: &World, p: &Provider, patch: usize, visits: f64, hours: f64) -> f64 {
    if hours <= 0.0 {
        return 0.0;
    }
    let g = &world.geography;
    let hop_from = nearest_other_patch_km(world, p, patch);
    let km_per_visit = g.km_per_visit(patch, visits) + g.hop_km_per_visit(hours, hop_from);
    km_per_visit * visits / hours
}

/// Distance to the nearest other patch where the provider works (or its base).
fn nearest_other_patch_km(world: &World, p: &Provider, patch: usize) -> f64 {
    let g = &world.geography;
    let mut best = if p.base_patch as usize == patch {
        f64::INFINITY
    } else {
        g.distance_km[p.base_patch as usize][patch]
    };
    for q in 0..g.n {
        if q != patch && (p.council_worker_hours[q] > 0.0 || p.self_funder_hours[q] > 0.0) {
            best = best.min(g.distance_km[q][patch]);
        }
    }
    if best.is_finite() { best } else { 0.0 }
}

/// Cost to the provider of one more worker-hour of care (wage with on-costs, paid travel,
/// mileage, admin), given the travel it brings.
pub fn marginal_cost_per_hour(world: &World, p: &Provider, km_per_hour: f64, visits_per_hour: f64) -> f64 {
    let s = &world.scenario.providers;
    let travel_hours = world.geography.travel_time_per_hour(km_per_hour, visits_per_hour, p.speed_kmh_mean);
    let paid = 1.0 + if p.pays_travel { travel_hours } else { 0.0 };
    p.wage * (1.0 + s.on_cost_rate) * paid + world.admin_per_hour() + p.mileage_gbp_per_km_mean * km_per_hour
}

/// §5.2: the provider accepts a package if it has (or expects to hire) the worker time and
/// the package's marginal margin, including the travel it adds given density, is ≥ 0; when
/// its capacity is already committed it prefers self-funded hours that pay more. Returns
/// whether the package is placed under the provider's framework contract.
pub fn accepts_package(world: &mut World, pid: u32, cid: u32) -> Option<bool> {
    let p = &world.providers[pid as usize];
    let c = &world.clients[cid as usize];
    if !p.active {
        return None;
    }
    let patch = c.patch as usize;
    let framework = world.policy.is_framework() && world.policy.contract_covers(p, c.patch, world.week);
    // A zonal lead must take packages in its patch while it has the capacity.
    let obliged = framework && world.policy.is_zonal();
    let visit_h = mean_visit_hours(world);
    let sf_visits = p.self_funder_hours[patch] / visit_h;
    let visits = p.council_worker_visits[patch] + sf_visits + c.worker_visits();
    let hours = p.council_worker_hours[patch] + p.self_funder_hours[patch] + c.worker_hours();
    let kmh = km_per_hour_in_patch(world, p, patch, visits, hours);
    let vph = c.visits_per_week / c.assessed_hours;
    let need = c.worker_hours() * (1.0 + world.geography.travel_time_per_hour(kmh, vph, p.speed_kmh_mean));
    let slack = world.scenario.providers.overbooking;
    let rate = world.policy.rate_for(p, framework);
    let revenue =
        world.policy.expected_revenue_per_hour(rate, world.scenario.clients.actual_to_planned_minutes);
    let margin = revenue - marginal_cost_per_hour(world, p, kmh, vph);
    if margin < 0.0 && !obliged {
        return None;
    }
    if p.committed_time + need > p.capacity_time * (1.0 + slack) {
        // A profitable package turned down for lack of staff: the provider recruits for it.
        world.providers[pid as usize].declined_this_week += need;
        return None;
    }
    // Weigh against self-funders when capacity is already committed.
    let private = world.private_rate() - marginal_cost_per_hour(world, p, kmh, vph);
    if !obliged && p.committed_time + need > p.capacity_time && private > margin {
        return None;
    }
    let wh = c.worker_hours();
    let wv = c.worker_visits();
    let p = &mut world.providers[pid as usize];
    p.committed_time += need;
    p.council_worker_hours[patch] += wh;
    p.council_worker_visits[patch] += wv;
    p.council_clients[patch] += 1;
    Some(framework)
}

/// §5.3: weekly decisions on wage, contract mix, travel pay, hiring target and training.
pub fn decisions(world: &mut World) {
    let s = &world.scenario.providers;
    let nlw = world.wages.national_living_wage;
    let training_norm = s.training_gbp_per_worker_week * world.wages.cost_index;
    let week = world.week;
    let mean_desired = world.scenario.workforce.desired_hours_mean;
    let workers = &world.workers;
    let policy = &world.policy;
    let llw = world.wages.london_living_wage;
    let sv = &policy.rules.social_value;
    let outcomes = &policy.rules.outcomes;
    let outcome_payment = policy.rules.payment == crate::scenario::PaymentBasis::Outcomes;
    for (id, p) in world.providers.iter_mut().enumerate() {
        if !p.active {
            continue;
        }
        // Social-value terms in force: required of council providers, pledged in a tender,
        // or taken on as an incubated provider.
        let council_clients: u32 = p.council_clients.iter().sum();
        let mut terms = policy.terms_for(p, council_clients > 0);
        if p.incubated {
            terms = terms.union(Pledges {
                london_living_wage: true,
                local_hiring: policy.rules.incubator.estate_hiring_first,
                ..Pledges::default()
            });
        }
        p.terms = terms;
        let vacancy_rate =
            if p.hiring_target > 0 { p.vacancies() as f64 / p.hiring_target as f64 } else { 0.0 };
        p.vacancy_accumulated += vacancy_rate;
        p.heads_accumulated += p.workers.len() as f64;
        p.review_weeks += 1;
        // Wage review: when posts have stayed empty or staff keep leaving, raise pay in
        // proportion to the pressure (a full step at `vacancy_trigger` or `turnover_trigger`
        // or above), as far as the margin allows; wages are rigid downwards (no provider cuts
        // nominal pay).
        if (week + id as i32).rem_euclid(s.wage_review_every_weeks as i32) == 0 {
            let recent_vacancy = p.vacancy_accumulated / p.review_weeks.max(1) as f64;
            // Leavers per head per year over the review period.
            let recent_turnover = if p.heads_accumulated > 0.0 {
                p.leavers_since_review as f64 * 52.0 / p.heads_accumulated
            } else {
                0.0
            };
            let pressure = (recent_vacancy / s.vacancy_trigger)
                .max(if s.turnover_trigger > 0.0 { recent_turnover / s.turnover_trigger } else { 0.0 })
                .min(1.0);
            if s.wage_review_enabled && pressure > 0.0 && p.revenue_week > 0.0 {
                let pay_share = p.wage_bill_week * (1.0 + s.on_cost_rate) / p.revenue_week;
                // The largest rise that keeps the projected margin at the provider's floor.
                let affordable =
                    if pay_share > 0.0 { (p.margin - s.min_margin_after_raise) / pay_share } else { 0.0 };
                // The provider spends a share of that headroom on pay, in proportion to the
                // pressure of its vacancies, and never more than one step per review.
                let rise = (pressure * s.wage_headroom_share * affordable).min(s.wage_step);
                if rise > 0.0 {
                    p.wage *= 1.0 + rise;
                }
            }
            p.vacancy_accumulated = 0.0;
            p.heads_accumulated = 0.0;
            p.leavers_since_review = 0;
            p.review_weeks = 0;
        }
        // The legal floor binds on paid hours whatever the review says, and a London Living
        // Wage term binds the same way.
        if p.wage < nlw {
            p.wage = nlw;
        }
        if terms.london_living_wage && p.wage < llw {
            p.wage = llw;
        }
        // Contract mix: guaranteed hours are offered for the share of income the provider can
        // count on, and as a recruitment tool when posts stay empty.
        p.guaranteed_target = (s.guaranteed_share_base
            + s.guaranteed_share_per_security * p.income_security
            + s.guaranteed_share_per_vacancy * vacancy_rate)
            .clamp(0.0, 1.0);
        if terms.guaranteed_hours {
            p.guaranteed_target = p.guaranteed_target.max(sv.guaranteed_hours_min_share);
        }
        // Travel pay: offered once income is secure enough and the margin allows; withdrawn
        // only when the margin turns negative.
        if !p.pays_travel {
            p.pays_travel =
                p.income_security >= s.travel_pay_security_threshold && p.margin >= s.travel_pay_min_margin;
        } else if p.margin < 0.0 && !terms.paid_travel {
            p.pays_travel = false;
        }
        if terms.paid_travel {
            p.pays_travel = true;
        }
        // Continuity rostering: under outcome payment a provider keeps a named cover carer
        // for each client when the continuity bonus its clients' hours would earn covers the
        // coordination cost.
        p.named_cover = outcome_payment && council_clients > 0 && {
            let hours: f64 = p.council_worker_hours.iter().sum();
            outcomes.continuity_bonus_gbp_per_hour * hours / council_clients as f64
                >= s.named_cover_gbp_per_client_week * world.wages.cost_index
        };
        // Hiring target: heads the committed caseload needs, with a buffer.
        let avail = if p.workers.is_empty() {
            mean_desired
        } else {
            p.workers.iter().map(|&w| workers[w as usize].desired_hours).sum::<f64>() / p.workers.len() as f64
        };
        // Expected hours: packages turned down for lack of staff, as a running average
        // over about a month, so one unusual week does not trigger a hiring spree.
        p.declined_for_capacity += 0.25 * (p.declined_this_week - p.declined_for_capacity);
        p.declined_this_week = 0.0;
        let expected = p.committed_time + p.declined_for_capacity;
        let heads = (expected / avail * s.hiring_buffer).ceil() as u32;
        p.hiring_target = heads.max(s.min_team);
        p.training_per_worker = if p.margin > 0.0 { training_norm } else { 0.5 * training_norm };
    }
}

/// Low-emission travel terms: a provider bound by them gives each of its workers who drives
/// an e-bike (the fastest zero-emission mode of the scenario), and pays for it weekly.
pub fn low_emission_travel(world: &mut World) {
    let modes = &world.scenario.geography.travel_modes;
    let Some(clean) = modes
        .iter()
        .enumerate()
        .filter(|(_, m)| m.co2_kg_per_km == 0.0)
        .max_by(|a, b| a.1.speed_kmh.total_cmp(&b.1.speed_kmh))
        .map(|(i, _)| i as u8)
    else {
        return;
    };
    for p in world.providers.iter().filter(|p| p.active && p.terms.low_emission_travel) {
        for &wid in &p.workers {
            let w = &mut world.workers[wid as usize];
            if modes[w.mode as usize].co2_kg_per_km > 0.0 {
                w.mode = clean;
                w.e_bike = true;
            }
        }
    }
}

/// Self-funded hours: providers with spare capacity and a positive private margin take on
/// unserved self-funded hours in the patches they serve; self-funders leave providers that
/// fail to deliver.
pub fn self_funders(world: &mut World) {
    let sf = world.scenario.self_funders.clone();
    let n = world.geography.n;
    let mut unserved = [0.0; MAX_PATCHES];
    for (q, u) in unserved.iter_mut().enumerate().take(n) {
        *u = sf.hours_per_week * world.geography.demand_share[q];
    }
    for p in world.providers.iter().filter(|p| p.active) {
        for (q, u) in unserved.iter_mut().enumerate().take(n) {
            *u -= p.self_funder_hours[q];
        }
    }
    let mut order = std::mem::take(&mut world.scratch.ranked);
    order.clear();
    for (i, p) in world.providers.iter().enumerate() {
        if p.active {
            order.push((world.streams.uniform(Process::SelfFunders, world.week as i64, i as u64), i as u32));
        }
    }
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    for &(_, pid) in &order {
        let p = &world.providers[pid as usize];
        if p.fill < 1.0 {
            let keep = p.fill;
            let p = &mut world.providers[pid as usize];
            for (q, u) in unserved.iter_mut().enumerate().take(n) {
                let lost = p.self_funder_hours[q] * (1.0 - keep);
                p.self_funder_hours[q] -= lost;
                *u += lost;
            }
            continue;
        }
        let kmh = p.km_per_hour_mean;
        let travel = p.travel_time_per_hour(&world.geography);
        let private_margin =
            world.private_rate() - marginal_cost_per_hour(world, p, kmh, p.visits_per_hour_mean);
        let spare_time = p.capacity_time - p.committed_time;
        if private_margin <= 0.0 || spare_time <= 0.0 {
            continue;
        }
        let spare_contact = spare_time / (1.0 + travel);
        // The patch with most unserved demand among those it works in (or its base).
        let mut best: Option<usize> = None;
        for q in 0..n {
            let works =
                p.council_worker_hours[q] > 0.0 || p.self_funder_hours[q] > 0.0 || q == p.base_patch as usize;
            if works && unserved[q] > 0.0 && best.is_none_or(|b| unserved[q] > unserved[b]) {
                best = Some(q);
            }
        }
        if let Some(q) = best {
            let add = (spare_contact * sf.uptake_of_spare_capacity).min(unserved[q]);
            let p = &mut world.providers[pid as usize];
            p.self_funder_hours[q] += add;
            p.committed_time += add * (1.0 + travel);
            unserved[q] -= add;
        }
    }
    world.scratch.ranked = order;
}

/// Takes the active client at `index` off its provider and puts it at the front of the
/// brokerage queue: care that stops must restart first.
fn return_to_queue(world: &mut World, index: usize) {
    let cid = world.active_clients.swap_remove(index);
    let c = &mut world.clients[cid as usize];
    c.status = ClientStatus::Waiting;
    c.provider = NONE;
    c.on_contract = false;
    c.waiting_since = world.week;
    c.negative_margin_weeks = 0;
    c.urgent = true;
    world.queue.insert(0, cid);
}

/// Returns all active clients matching `pred` to the queue; returns how many.
fn return_clients(world: &mut World, pred: impl Fn(&super::Client) -> bool) -> u32 {
    let mut n = 0;
    let mut i = 0;
    while i < world.active_clients.len() {
        if pred(&world.clients[world.active_clients[i] as usize]) {
            return_to_queue(world, i);
            n += 1;
        } else {
            i += 1;
        }
    }
    n
}

/// §5.5 handbacks: a tendered contract whose council margin has stayed negative for K weeks
/// is handed back whole after the contract's notice period (served at a loss while the margin
/// stays negative); single packages whose margin has stayed negative for K weeks return to
/// brokerage. Called after finance has updated the margins.
pub fn handbacks(world: &mut World) {
    let k = world.scenario.providers.handback_after_negative_weeks;
    let notice = world.scenario.providers.contract_notice_weeks;
    for pid in 0..world.providers.len() {
        let p = &mut world.providers[pid];
        if p.active && p.contract.is_some() && p.negative_contract_margin_weeks >= k + notice {
            p.contract = None;
            p.negative_contract_margin_weeks = 0;
            p.handbacks_total += 1;
            world.counters.handback_contracts += 1;
            let pid = pid as u32;
            return_clients(world, |c| c.provider == pid && c.on_contract);
        }
    }
    for &cid in &world.active_clients {
        let c = &world.clients[cid as usize];
        if c.negative_margin_weeks >= k {
            world.providers[c.provider as usize].handbacks_total += 1;
        }
    }
    let n = return_clients(world, |c| c.negative_margin_weeks >= k);
    world.counters.handback_packages += n;
    world.counters.handback_packages_at_a_loss += n;
    // Packages the provider cannot staff, taken from the end of the active list (a fixed,
    // seeded-free order) until committed time fits capacity.
    let threshold = world.scenario.providers.understaffing_handback_fill;
    for pid in 0..world.providers.len() {
        let p = &mut world.providers[pid];
        if !p.active {
            continue;
        }
        p.understaffed_weeks = if p.fill < threshold { p.understaffed_weeks + 1 } else { 0 };
        if p.understaffed_weeks < k {
            continue;
        }
        p.understaffed_weeks = 0;
        let mut excess = p.committed_time - p.capacity_time;
        let travel = 1.0 + p.travel_time_per_hour(&world.geography);
        let mut i = world.active_clients.len();
        while i > 0 && excess > 0.0 {
            i -= 1;
            let c = &world.clients[world.active_clients[i] as usize];
            if c.provider == pid as u32 {
                excess -= c.worker_hours() * travel;
                world.providers[pid].handbacks_total += 1;
                world.counters.handback_packages += 1;
                return_to_queue(world, i);
            }
        }
    }
}

/// §5.5 exit: a provider whose cash has stayed below zero for K weeks stops trading. Its
/// clients return to brokerage (emergency re-brokerage) and its workers to the pool.
pub fn exits(world: &mut World) {
    let k = world.scenario.providers.exit_after_negative_cash_weeks;
    for pid in 0..world.providers.len() {
        let p = &mut world.providers[pid];
        if !p.active {
            continue;
        }
        p.negative_cash_weeks = if p.cash < 0.0 { p.negative_cash_weeks + 1 } else { 0 };
        if p.negative_cash_weeks < k {
            continue;
        }
        close(world, pid, ExitCause::Insolvency, true);
    }
}

/// A provider stops trading now: it is marked inactive with its exit week and cause, its
/// contract lapses, its workers lose their jobs (to the pool, or out of care work if
/// `workers_to_pool` is false: redundancies either way, not leavers) and its clients go to
/// the front of the brokerage queue as urgent (emergency re-brokerage).
pub fn close(world: &mut World, pid: usize, cause: ExitCause, workers_to_pool: bool) {
    let p = &mut world.providers[pid];
    p.active = false;
    p.exit_week = Some(world.week);
    p.exit_cause = Some(cause);
    p.contract = None;
    world.counters.exits += 1;
    if p.entry_week < 0 && world.week >= 0 {
        world.counters.incumbent_exits += 1;
    }
    // Staff lost in a closure are redundancies, not leavers: turnover follows Skills for
    // Care, whose figures come from providers still trading (a closed service reports
    // no leavers).
    let staff = std::mem::take(&mut p.workers);
    world.counters.redundancies += staff.len() as u32;
    for &w in &staff {
        let worker = &mut world.workers[w as usize];
        worker.employer = NONE;
        worker.left_employer = pid as u32;
        worker.left_week = world.week;
        if workers_to_pool {
            worker.status = WorkerStatus::Pool;
            world.pool.push(w);
        } else {
            worker.status = WorkerStatus::Left;
            world.counters.left_sector += 1;
        }
    }
    let pid = pid as u32;
    let n = return_clients(world, |c| c.provider == pid);
    world.counters.rebrokered_after_failure += n;
}

/// A failure shock: the provider stops trading at the start of the week, before it delivers
/// anything, so this week it has no hours, revenue, costs or self-funders.
pub fn fail(world: &mut World, pid: usize, workers_to_pool: bool) {
    close(world, pid, ExitCause::Failure, workers_to_pool);
    world.counters.failures += 1;
    let p = &mut world.providers[pid];
    p.self_funder_hours = [0.0; MAX_PATCHES];
    p.contact_hours_week = 0.0;
    p.revenue_week = 0.0;
    p.council_revenue_week = 0.0;
    p.cost_week = 0.0;
    p.wage_bill_week = 0.0;
    p.accounts = Default::default();
}

/// Entry: a new provider appears with a weekly probability that rises with the market's
/// expected margin (revenue-weighted mean of active providers' margins).
pub fn entry(world: &mut World) {
    let s = &world.scenario.providers;
    let (mut num, mut den) = (0.0, 0.0);
    for p in world.providers.iter().filter(|p| p.active) {
        num += p.margin * p.revenue_week;
        den += p.revenue_week;
    }
    let expected_margin = if den > 0.0 { num / den } else { 0.0 };
    let prob = (s.entry_base_per_week + s.entry_per_expected_margin * expected_margin.max(0.0)).min(1.0);
    let u = world.streams.uniform(Process::Entry, world.week as i64, 0);
    if u >= prob {
        return;
    }
    let mut rng = world.streams.weekly(Process::Entry, world.week as i64);
    let kind_idx = pick_weighted(&mut rng, &s.kinds.iter().map(|k| k.share).collect::<Vec<_>>());
    let kind = s.kinds[kind_idx].clone();
    let n = world.geography.n;
    let base = pick_weighted(&mut rng, &world.geography.demand_share[..n]) as PatchId;
    // An entrant must recruit its whole team: it offers the going wage (the headcount-weighted
    // mean of incumbents' wages), give or take the spread of initial wage premiums.
    let (mut sum, mut heads) = (0.0, 0.0);
    for p in world.providers.iter().filter(|p| p.active) {
        sum += p.wage * p.workers.len() as f64;
        heads += p.workers.len() as f64;
    }
    let going = if heads > 0.0 {
        sum / heads
    } else {
        world.wages.national_living_wage * (1.0 + s.initial_wage_premium_mean)
    };
    let noise = s.initial_wage_premium_sd * (rng.random::<f64>() - 0.5) * 12f64.sqrt();
    let wage = (going * (1.0 + noise)).max(world.wages.national_living_wage);
    let cash = s.entrant_cash_gbp;
    let overhead = kind.overhead_gbp_per_week * world.wages.cost_index;
    let compliant = rng.random::<f64>() < s.nmw_travel_compliance_share;
    let p = new_provider(world, kind.kind, kind.local, base, wage, cash, overhead, compliant);
    world.providers.push(p);
    world.counters.entries += 1;
}

/// A provider with no clients or staff yet.
#[allow(clippy::too_many_arguments)]
pub fn new_provider(
    world: &World,
    kind: ProviderKind,
    local: bool,
    base: PatchId,
    wage: f64,
    cash: f64,
    overhead: f64,
    nmw_compliant: bool,
) -> Provider {
    let s = &world.scenario.providers;
    let speed: f64 = world.scenario.geography.travel_modes.iter().map(|m| m.share * m.speed_kmh).sum();
    let mileage: f64 =
        world.scenario.geography.travel_modes.iter().map(|m| m.share * m.mileage_gbp_per_km).sum();
    Provider {
        kind,
        local,
        nmw_compliant,
        active: true,
        entry_week: world.week,
        entrant: true,
        exit_week: None,
        exit_cause: None,
        base_patch: base,
        wage,
        pays_travel: false,
        guaranteed_target: s.guaranteed_share_base,
        hiring_target: s.min_team,
        training_per_worker: s.training_gbp_per_worker_week,
        markup: s.markup_initial,
        overhead_per_week: overhead,
        cash,
        negative_cash_weeks: 0,
        negative_contract_margin_weeks: 0,
        understaffed_weeks: 0,
        quality: s.quality_floor + 0.5 * (s.quality_weight_training + s.quality_weight_reliability),
        rating: None,
        contract: None,
        workers: Vec::new(),
        self_funder_hours: [0.0; MAX_PATCHES],
        income_security: 0.0,
        margin: 0.0,
        vacancy_accumulated: 0.0,
        review_weeks: 0,
        leavers_since_review: 0,
        heads_accumulated: 0.0,
        council_worker_hours: [0.0; MAX_PATCHES],
        council_worker_visits: [0.0; MAX_PATCHES],
        council_clients: [0; MAX_PATCHES],
        km_per_hour: [0.0; MAX_PATCHES],
        km_per_hour_mean: 0.0,
        visits_per_hour_mean: 0.0,
        committed_time: 0.0,
        capacity_time: 0.0,
        fill: 1.0,
        travel_share: 0.0,
        speed_kmh_mean: speed,
        mileage_gbp_per_km_mean: mileage,
        wage_bill_week: 0.0,
        accounts: Default::default(),
        hires_week: 0,
        declined_for_capacity: 0.0,
        declined_this_week: 0.0,
        leavers_week: 0,
        revenue_week: 0.0,
        council_revenue_week: 0.0,
        cost_week: 0.0,
        contact_hours_week: 0.0,
        handbacks_total: 0,
        contracts_won: 0,
        incubated: false,
        guarantee_until: i32::MIN,
        support_until: i32::MIN,
        named_cover: false,
        outcome_bonus_pending: 0.0,
        pending_grant: 0.0,
        terms: Pledges::default(),
        lifetime_contact_hours: 0.0,
        lifetime_weeks: 0,
        lifetime_quality: 0.0,
        lifetime_margin: 0.0,
    }
}

/// Quality moves towards a target set by training, experience and reliability.
pub fn quality(world: &mut World) {
    let s = &world.scenario.providers;
    let competence = world.scenario.workforce.weeks_to_competence;
    let week = world.week;
    for p in world.providers.iter_mut().filter(|p| p.active) {
        let experienced = p.staff_share(&world.workers, |w| (week - w.hired_week) as f64 >= competence);
        let norm = s.training_gbp_per_worker_week * world.wages.cost_index;
        let training = if norm > 0.0 { (p.training_per_worker / norm).min(1.0) } else { 1.0 };
        let target = s.quality_floor
            + s.quality_weight_training * training
            + s.quality_weight_experience * experienced
            + s.quality_weight_reliability * p.fill;
        // Incubator capability support speeds the climb (never a fall).
        let speed = if p.incubated && week < p.support_until && target > p.quality {
            world.policy.rules.incubator.quality_growth_multiplier
        } else {
            1.0
        };
        p.quality += (s.quality_adjustment_per_week * speed).min(1.0) * (target - p.quality);
    }
}
