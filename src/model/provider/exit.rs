//! Exit (docs/ODD.md §7.17): insolvency after K weeks of negative cash, or withdrawal from the
//! borough after its running margin has stayed negative; a failure shock (§7.23) closes a
//! provider the same way.

use super::handbacks::return_clients;
use crate::model::{ActiveProviders, ExitCause, NONE, WorkerStatus, World};
use crate::rng::Process;
use crate::scenario::MAX_PATCHES;

/// ODD §7.17: a provider whose cash has stayed below zero for K weeks stops trading
/// (insolvency); one whose running margin has stayed below zero for `withdraw_after_loss_weeks`
/// leaves the borough (withdrawal), unless it is an entrant still ramping up its overhead. Its
/// clients return to brokerage (emergency re-brokerage) and its workers to the pool. `placed`:
/// each active client's provider, as handbacks left them (kept in step here).
pub fn exits(world: &mut World, placed: &mut ActiveProviders) {
    debug_assert!(placed.matches(world), "week {}", world.week);
    let s = &world.scenario.providers;
    let (k, withdraw, ramp, follow) = (
        s.exit_after_negative_cash_weeks,
        s.withdraw_after_loss_weeks,
        s.entrant_ramp_weeks,
        Some(s.workers_follow_clients_share),
    );
    // The providers closing this week that have clients, by id.
    let mut closing = std::mem::take(&mut world.scratch.closing);
    closing.clear();
    for pid in 0..world.providers.len() {
        let p = &mut world.providers[pid];
        if !p.active {
            continue;
        }
        p.negative_cash_weeks = if p.cash < 0.0 { p.negative_cash_weeks + 1 } else { 0 };
        p.loss_weeks = if p.margin < 0.0 { p.loss_weeks + 1 } else { 0 };
        let ramping = p.entrant && world.week - p.entry_week < ramp as i32;
        let cause = if p.negative_cash_weeks >= k {
            ExitCause::Insolvency
        } else if withdraw > 0 && p.loss_weeks >= withdraw && !ramping {
            ExitCause::Withdrawal
        } else {
            continue;
        };
        if stop_trading(world, placed, pid, cause, follow) {
            closing.push(pid as u32);
        }
    }
    // The clients of every provider that closed this week, in one pass over the active list
    // (which also closes the gaps handbacks left).
    if !closing.is_empty() {
        let n = return_clients(world, placed, false, &closing, |_| true);
        world.counters.rebrokered_after_failure += n;
    }
    world.scratch.closing = closing;
}

/// A provider stops trading now: it is marked inactive with its exit week and cause, its
/// contract lapses, its workers lose their jobs (to the pool, a share `follow` of them
/// following their clients; or out of care work if `follow` is `None`: redundancies either way,
/// not leavers) and its clients go to the front of the brokerage queue as urgent (emergency
/// re-brokerage).
pub fn close(world: &mut World, pid: usize, cause: ExitCause, follow: Option<f64>) {
    let mut placed = ActiveProviders::read(world);
    if stop_trading(world, &placed, pid, cause, follow) {
        let pid = pid as u32;
        let n = return_clients(world, &mut placed, false, &[pid], |_| true);
        world.counters.rebrokered_after_failure += n;
    }
}

/// [`close`] but for its clients: returns whether it had any (the caller returns them to the
/// queue). `placed` is each active client's provider, as the records hold them.
fn stop_trading(
    world: &mut World,
    placed: &ActiveProviders,
    pid: usize,
    cause: ExitCause,
    follow: Option<f64>,
) -> bool {
    let workers_to_pool = follow.is_some();
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
    let staff = p.workers.take();
    world.counters.redundancies += staff.len() as u32;
    for &w in &staff {
        let worker = &mut world.workers[w as usize];
        world.employers[w as usize] = NONE;
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
    // Its clients, if it has any: `council_clients` counts every package placed with it this
    // week (placements since caseloads included; handbacks only lower the true count), so
    // zero means none and the scan of all clients is skipped.
    let with_clients = world.providers[pid].council_clients.iter().any(|&n| n > 0);
    if with_clients && let Some(share) = follow.filter(|&s| s > 0.0) {
        mark_followers(world, placed, pid as u32, &staff, share);
    }
    with_clients
}

/// ODD §7.17: each of a closing provider's workers follows its regular clients with
/// probability `share` (its own stream, keyed by week and worker): the clients whose regular
/// carer it was remember it, and the provider that takes one on hires it if it is still free
/// (`council::offer`).
fn mark_followers(world: &mut World, placed: &ActiveProviders, pid: u32, staff: &[u32], share: f64) {
    let week = world.week as i64;
    let streams = world.streams;
    for i in 0..placed.len() {
        if placed.at(i) != pid {
            continue;
        }
        let c = &mut world.clients[world.active_clients[i] as usize];
        if c.primary_carer != NONE
            && staff.contains(&c.primary_carer)
            && streams.uniform(
                Process::FollowClients,
                week,
                world.workers[c.primary_carer as usize].id as u64,
            ) < share
        {
            c.following_carer = c.primary_carer;
        }
    }
}

/// A failure shock: the provider stops trading at the start of the week, before it delivers
/// anything, so this week it has no hours, revenue, costs or self-funders.
/// `follow` is as for [`close`]: the share of its workers who follow their clients, `None`
/// when its workers leave care work.
pub fn fail(world: &mut World, pid: usize, follow: Option<f64>) {
    close(world, pid, ExitCause::Failure, follow);
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
