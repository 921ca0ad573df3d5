//! Framework tenders (MODEL.md §5.1): providers bid their estimated unit cost times a learned
//! markup; bids are scored on price and quality; the top K hold a contract for the term.
//! The estimate uses the provider's own wage and a noisy forecast of its travel and volume in
//! the lot, so winners tend to be those who under-estimated (the winner's curse).

use rand_distr::{Distribution, Normal};

use crate::model::World;
use crate::model::agents::Contract;
use crate::rng::Process;
use crate::scenario::{PriceBasis, Rating};

/// Runs a tender in the current week and schedules the next one.
pub fn run_tender(world: &mut World) {
    let week = world.week;
    let rules = world.policy.rules.tender.clone();
    let price_basis = world.policy.rules.price;
    let s = world.scenario.providers.clone();
    let atp = world.scenario.clients.actual_to_planned_minutes;
    // The lot: council worker-hours now in care or waiting, shared by the winners.
    let total: f64 = world
        .active_clients
        .iter()
        .chain(world.queue.iter())
        .map(|&c| world.clients[c as usize].worker_hours())
        .sum();
    let lot_per_winner = total / rules.winners as f64;
    let market_kmh = {
        let (mut k, mut h) = (0.0, 0.0);
        for p in world.providers.iter().filter(|p| p.active) {
            k += p.km_per_hour_mean * p.contact_hours_week;
            h += p.contact_hours_week;
        }
        if h > 0.0 { k / h } else { 1.0 }
    };
    let error = Normal::new(0.0, s.bid_cost_forecast_error_sd.max(1e-12)).expect("validated");
    let mut bids: Vec<(f64, f64, u32)> = Vec::new(); // (score placeholder, bid, provider)
    for (pid, p) in world.providers.iter().enumerate() {
        if !p.active || !world.policy.rating_allows_bid(p.rating) {
            continue;
        }
        let mut rng = world.streams.entity(Process::Tender, week as i64, pid as u64);
        // Forecast travel in the lot: own experience if any, else the market's, with error.
        let kmh = if p.contact_hours_week > 0.0 { p.km_per_hour_mean } else { market_kmh };
        let vph = if p.contact_hours_week > 0.0 { p.visits_per_hour_mean } else { 1.5 };
        let travel_paid = if p.pays_travel {
            world.geography.travel_time_per_hour(kmh, vph, p.speed_kmh_mean)
        } else {
            0.0
        };
        let volume = p.contact_hours_week + lot_per_winner;
        let unit_cost = p.wage * (1.0 + s.on_cost_rate) * (1.0 + travel_paid)
            + world.admin_per_hour()
            + p.mileage_gbp_per_km_mean * kmh
            + p.overhead_per_week / volume.max(1.0);
        // Revenue per hour is less than the rate under actual-minutes payment.
        let per_rate = world.policy.expected_revenue_per_hour(1.0, atp);
        let estimate = unit_cost / per_rate * (1.0 + error.sample(&mut rng)).max(0.5);
        let bid = match price_basis {
            PriceBasis::FixedRate => world.policy.spot_rate,
            PriceBasis::Bid => {
                let b = estimate * (1.0 + p.markup);
                let cap = rules.price_cap_gbp_per_hour;
                if cap > 0.0 && b > cap {
                    if estimate * (1.0 + s.markup_min) > cap {
                        continue; // cannot bid under the cap without an unacceptable loss
                    }
                    cap
                } else {
                    b
                }
            }
        };
        bids.push((0.0, bid, pid as u32));
    }
    let min_bid = bids.iter().map(|b| b.1).fold(f64::INFINITY, f64::min);
    for b in bids.iter_mut() {
        let p = &world.providers[b.2 as usize];
        let price = min_bid / b.1;
        let quality = p.rating.unwrap_or(Rating::RequiresImprovement).score();
        // Equal scores (e.g. every bid at a fixed rate) are ranked by lot, not by provider id.
        let tie = world.streams.uniform(Process::Tender, week as i64, (1 << 40) | b.2 as u64);
        b.0 = rules.scoring.price * price + rules.scoring.quality * quality + 1e-9 * tie;
    }
    bids.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    let winners = rules.winners as usize;
    for p in world.providers.iter_mut() {
        p.contract = None;
    }
    for (rank, &(_, bid, pid)) in bids.iter().enumerate() {
        let p = &mut world.providers[pid as usize];
        if rank < winners {
            let rate = match price_basis {
                PriceBasis::Bid => bid,
                PriceBasis::FixedRate => world.policy.spot_rate,
            };
            p.contract = Some(Contract {
                rate_gbp_per_hour: rate,
                start_week: week,
                end_week: week + rules.term_weeks as i32,
            });
            p.negative_contract_margin_weeks = 0;
            p.markup = (p.markup + s.markup_step).min(s.markup_max);
        } else {
            p.markup = (p.markup - s.markup_step).max(s.markup_min);
        }
    }
    // Packages placed under a contract that has now ended are paid the spot rate.
    for &cid in &world.active_clients {
        let c = &mut world.clients[cid as usize];
        if c.on_contract && world.providers[c.provider as usize].contract.is_none() {
            c.on_contract = false;
        }
    }
    world.policy.next_tender_week = Some(week + rules.every_weeks as i32);
}
