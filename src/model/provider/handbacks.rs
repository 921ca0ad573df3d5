//! Handbacks (docs/ODD.md §7.16): contracts and packages at a loss for K weeks, and packages
//! a provider cannot staff, return to brokerage (as do an exiting provider's clients).

use crate::model::{ActiveProviders, Client, ClientStatus, NONE, World};

/// ODD §7.16: a tendered contract whose council margin has stayed negative for K weeks
/// is handed back whole after the contract's notice period (served at a loss while the margin
/// stays negative); single packages whose margin has stayed negative for K weeks return to
/// brokerage. Called after finance has updated the margins, with each active client's
/// provider as delivery found them (kept in step here).
pub fn handbacks(world: &mut World, placed: &mut ActiveProviders) {
    debug_assert!(placed.matches(world), "week {}", world.week);
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
            return_clients(world, placed, false, &[pid], |c| c.on_contract);
        }
    }
    // Finance listed the packages that reached K weeks at a loss, in the order of the active
    // list; those still on it (a contract handed back above took its own) return to the
    // queue in that order.
    if !world.loss_making.is_empty() {
        let mut listed = std::mem::take(&mut world.loss_making);
        let clients = &world.clients;
        listed.retain(|&cid| {
            let c = &clients[cid as usize];
            c.status == ClientStatus::Active && u32::from(c.negative_margin_weeks) >= k
        });
        let n = return_listed(world, placed, &listed);
        world.counters.handback_packages += n;
        world.counters.handback_packages_at_a_loss += n;
        listed.clear();
        world.loss_making = listed;
    }
    // Packages a provider cannot staff: each understaffed provider's excess committed time,
    // then one pass from the end of the active list (clients in order of id, docs/ODD.md §3,
    // placements of the week after them), handing back each provider's newest packages until
    // its committed time fits its capacity.
    let threshold = world.scenario.providers.understaffing_handback_fill;
    let mut excess = std::mem::take(&mut world.scratch.excess);
    let mut short = std::mem::take(&mut world.scratch.short);
    excess.clear();
    short.clear();
    for (pid, p) in world.providers.iter_mut().enumerate() {
        let mut e = (0.0, 0.0);
        if p.active {
            p.understaffed_weeks = if p.fill < threshold { p.understaffed_weeks + 1 } else { 0 };
            if p.understaffed_weeks >= k {
                p.understaffed_weeks = 0;
                e = (p.committed_time - p.capacity_time, 1.0 + p.travel_time_per_hour(&world.geography));
                if e.0 > 0.0 {
                    short.push(pid as u32);
                }
            }
        }
        excess.push(e);
    }
    // The places handed back from are left as gaps, closed by exits' pass over the list (or
    // at the end of the week's removals). The list is searched a block at a time for the
    // short providers' packages.
    let mut left_short = short.len();
    let mut end = placed.len();
    while end > 0 && left_short > 0 {
        let first = end.saturating_sub(ActiveProviders::BLOCK);
        if placed.may_hold(first..end, &short) {
            for i in (first..end).rev() {
                let (left, travel) = &mut excess[placed.at(i) as usize];
                if *left > 0.0 {
                    let cid = world.active_clients[i];
                    *left -= world.clients[cid as usize].worker_hours() * *travel;
                    left_short -= usize::from(*left <= 0.0);
                    world.counters.handback_packages += 1;
                    return_to_queue(world, cid, true);
                    placed.take_out(world, i);
                    if left_short == 0 {
                        break;
                    }
                }
            }
        }
        end = first;
    }
    world.scratch.short = short;
    world.scratch.excess = excess;
}

/// Takes active client `cid` off its provider and puts it at the front of the brokerage queue
/// (care that stops must restart first); the caller removes it from the active list. A
/// package `handed_back` counts in its provider's handbacks.
fn return_to_queue(world: &mut World, cid: u32, handed_back: bool) {
    let c = &mut world.clients[cid as usize];
    if handed_back {
        world.providers[c.provider as usize].handbacks_total += 1;
    }
    c.status = ClientStatus::Waiting;
    c.provider = NONE;
    c.on_contract = false;
    c.call_off_rate = 0.0;
    c.waiting_since = world.week;
    c.negative_margin_weeks = 0;
    c.urgent = true;
    world.queue.push_front(cid);
}

/// Returns the active clients `listed` (on the active list, in its order) to the queue as
/// handbacks, in that order; returns how many. Only the active list's ids are read: the
/// listed clients are found by walking both lists together.
fn return_listed(world: &mut World, placed: &mut ActiveProviders, listed: &[u32]) -> u32 {
    let Some(&head) = listed.first() else { return 0 };
    let Some(start) = world.active_clients.iter().position(|&cid| cid == head) else {
        panic!("week {}: a package listed for handback is not on the active list", world.week);
    };
    let mut next = 0;
    let n = placed.remove_from_active(world, start, |world, cid, _| {
        let listed_next = listed.get(next) == Some(&cid);
        if listed_next {
            return_to_queue(world, cid, true);
            next += 1;
        }
        listed_next
    });
    assert_eq!(
        next,
        listed.len(),
        "week {}: packages listed for handback are not on the active list in order",
        world.week
    );
    n
}

/// Returns to the queue the active clients of the providers `of` (ids, ascending) for which
/// `and` holds, in the order of the active list (which keeps its order); returns how many.
/// Packages `handed_back` count in their providers' handbacks.
pub(super) fn return_clients(
    world: &mut World,
    placed: &mut ActiveProviders,
    handed_back: bool,
    of: &[u32],
    and: impl Fn(&Client) -> bool,
) -> u32 {
    placed.remove_clients_of(world, of, |world, cid, _| {
        let returns = and(&world.clients[cid as usize]);
        if returns {
            return_to_queue(world, cid, handed_back);
        }
        returns
    })
}
