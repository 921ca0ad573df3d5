//! Handbacks (docs/ODD.md §7.16): contracts and packages at a loss for K weeks, and packages
//! a provider cannot staff, return to brokerage (as do an exiting provider's clients).

use crate::model::{Client, ClientStatus, NONE, World};

/// ODD §7.16: a tendered contract whose council margin has stayed negative for K weeks
/// is handed back whole after the contract's notice period (served at a loss while the margin
/// stays negative); single packages whose margin has stayed negative for K weeks return to
/// brokerage. Called after finance has updated the margins.
pub fn handbacks(world: &mut World) {
    let k = world.scenario.providers.handback_after_negative_weeks;
    let notice = world.scenario.providers.contract_notice_weeks;
    for pid in 0..world.providers.len() {
        let p = &mut world.providers[pid];
        if p.active && p.contract.is_some() && p.negative_contract_margin_weeks >= k + notice {
            let held = world.week - p.contract.take().map_or(world.week, |c| c.start_week);
            p.negative_contract_margin_weeks = 0;
            p.handed_back_week = Some(world.week);
            p.handbacks_total += 1;
            let n = &mut world.counters;
            n.handback_contracts += 1;
            n.handback_contract_weeks += held.max(0) as u32;
            if held < 52 {
                n.handback_contracts_first_year += 1;
            }
            let pid = pid as u32;
            return_clients(world, |c| c.provider == pid && c.on_contract);
        }
    }
    // Finance counted the packages that reached K weeks at a loss; without any, no scan.
    if world.loss_making_packages > 0 {
        for &cid in &world.active_clients {
            let c = &world.clients[cid as usize];
            if c.negative_margin_weeks >= k {
                world.providers[c.provider as usize].handbacks_total += 1;
            }
        }
        let n = return_clients(world, |c| c.negative_margin_weeks >= k);
        world.counters.handback_packages += n;
        world.counters.handback_packages_at_a_loss += n;
    }
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

/// Takes the active client at `index` off its provider and puts it at the front of the
/// brokerage queue: care that stops must restart first.
fn return_to_queue(world: &mut World, index: usize) {
    let cid = world.active_clients.swap_remove(index);
    let c = &mut world.clients[cid as usize];
    c.status = ClientStatus::Waiting;
    c.provider = NONE;
    c.on_contract = false;
    c.call_off_rate = 0.0;
    c.waiting_since = world.week;
    c.negative_margin_weeks = 0;
    c.urgent = true;
    world.queue.push_front(cid);
}

/// Returns all active clients matching `pred` to the queue; returns how many.
pub(super) fn return_clients(world: &mut World, pred: impl Fn(&Client) -> bool) -> u32 {
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
