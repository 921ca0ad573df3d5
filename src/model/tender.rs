//! Tenders (docs/ODD.md §7.9): providers bid their estimated unit cost times a learned markup;
//! bids are scored on price, quality and social value; the best hold a contract for the term.
//! Under `framework` the lots are K framework places; under `zonal` they are patches, each let
//! to `leads_per_patch` lead providers. The estimate uses the provider's own wage and a noisy
//! forecast of its travel and volume in the lot, so winners tend to be those who
//! under-estimated (the winner's curse).

use rand_distr::{Distribution, Normal};
use statrs::distribution::ContinuousCDF;

use super::agents::Contract;
use super::costs::{HourInputs, hour_cost};
use super::provider::km_per_hour_in_patch;
use super::{ClientStatus, NONE, PatchId, Pledges, Provider, World};
use crate::rng::Process;
use crate::scenario::{PriceBasis, Rating, SocialValue, SocialValueMode};

/// The expected relative error of a winning cost estimate: the mean of the `winners` lowest
/// of `bidders` draws from N(0, 1) (Blom's approximation to the expected order statistics,
/// Φ⁻¹((i − 0.375) / (n + 0.25))); 0 when every bidder wins. Negative: winners are those who
/// under-estimated (ODD §7.9, winner's curse).
pub(crate) fn winners_estimate_bias(winners: usize, bidders: usize) -> f64 {
    if winners == 0 || winners >= bidders {
        return 0.0;
    }
    let z = statrs::distribution::Normal::standard();
    let n = bidders as f64 + 0.25;
    (1..=winners).map(|i| z.inverse_cdf((i as f64 - 0.375) / n)).sum::<f64>() / winners as f64
}

/// One provider's bid for one lot.
#[derive(Clone, Copy, Debug)]
struct Bid {
    score: f64,
    price: f64,
    provider: u32,
    pledges: Pledges,
}

/// The items a provider can claim in a scored tender: what it already does, plus the pay
/// commitments (London Living Wage, paid travel) it prices into its bid, or, at a fixed rate,
/// can afford while keeping its minimum margin.
fn pledges_for(
    world: &World,
    p: &Provider,
    sv: &SocialValue,
    unit_cost: f64,
    llw_cost: f64,
    travel_cost: f64,
    price: Option<f64>,
) -> Pledges {
    let scored = |m: SocialValueMode| m == SocialValueMode::Scored;
    let guaranteed = p.guaranteed_share(&world.workers);
    let estate = p.staff_share(&world.workers, |w| w.estate_resident);
    let modes = &world.scenario.geography.travel_modes;
    let clean = p.staff_share(&world.workers, |w| modes[w.mode as usize].co2_kg_per_km == 0.0);
    let min_margin = world.scenario.providers.min_margin_after_raise;
    let affordable = |extra: f64| match price {
        None => true,
        Some(rate) => (rate - unit_cost - extra) / rate >= min_margin,
    };
    let llw = world.wages.london_living_wage;
    Pledges {
        london_living_wage: scored(sv.london_living_wage) && (p.wage >= llw || affordable(llw_cost)),
        paid_travel: scored(sv.paid_travel) && (p.pays_travel || affordable(travel_cost)),
        guaranteed_hours: scored(sv.guaranteed_hours) && guaranteed >= sv.guaranteed_hours_min_share,
        local_hiring: scored(sv.local_hiring) && estate >= sv.local_hiring_share,
        low_emission_travel: scored(sv.low_emission_travel) && clean >= 0.9,
    }
}

/// Runs a tender in the current week and schedules the next one.
pub fn run_tender(world: &mut World) {
    let week = world.week;
    // Lots may change hands (and packages with them): caseloads are recounted after brokerage.
    world.caseload_snapshot.valid = false;
    let rules = world.policy.rules.tender.clone();
    let sv = world.policy.rules.social_value;
    let price_basis = world.policy.rules.price;
    let s = world.scenario.providers.clone();
    let atp = world.scenario.clients.actual_to_planned_minutes;
    let zonal = world.policy.is_zonal();
    let n_patches = world.geography.n;
    // The lots: worker-hours (and visits) now in care or waiting, in the whole borough for a
    // framework place, in one patch for a zonal lot, shared by the lot's winners.
    let mut patch_hours = [0.0; crate::scenario::MAX_PATCHES];
    let mut patch_visits = [0.0; crate::scenario::MAX_PATCHES];
    for &c in world.active_clients.iter().chain(world.queue.iter()) {
        let c = &world.clients[c as usize];
        patch_hours[c.patch as usize] += c.worker_hours();
        patch_visits[c.patch as usize] += c.worker_visits();
    }
    let lots: Vec<(Option<PatchId>, usize)> = if zonal {
        (0..n_patches).map(|q| (Some(q as PatchId), rules.leads_per_patch as usize)).collect()
    } else {
        vec![(None, rules.winners as usize)]
    };
    let market_kmh = {
        let (mut k, mut h) = (0.0, 0.0);
        for p in world.providers.iter().filter(|p| p.active) {
            k += p.km_per_hour_mean * p.contact_hours_week;
            h += p.contact_hours_week;
        }
        if h > 0.0 { k / h } else { 1.0 }
    };
    let cm = &world.scenario.cost_model;
    let rates = cm.statutory_for(world.wages.year());
    let error = Normal::new(0.0, s.bid_cost_forecast_error_sd.max(1e-12)).expect("validated");
    let previous: Vec<Option<Contract>> = world.providers.iter().map(|p| p.contract).collect();
    let mut won = vec![false; world.providers.len()];
    let mut winners_of: Vec<Vec<u32>> = vec![Vec::new(); lots.len()];
    let mut bids: Vec<Bid> = Vec::new();
    for (lot_index, &(patch, winners)) in lots.iter().enumerate() {
        bids.clear();
        let (lot_hours, lot_visits) = match patch {
            Some(q) => (patch_hours[q as usize], patch_visits[q as usize]),
            None => (patch_hours.iter().sum::<f64>(), patch_visits.iter().sum::<f64>()),
        };
        let share = 1.0 / winners as f64;
        // One lot per provider under zonal award (so leads are spread over patches); a provider
        // that handed back a contract since the last tender may be barred from this one.
        let barred_since = week - rules.every_weeks as i32;
        let may_bid = |pid: usize, p: &Provider| {
            p.active
                && !won[pid]
                && world.policy.rating_allows_bid(p.rating)
                && !(rules.exclude_after_handback && p.handed_back_week.is_some_and(|w| w >= barred_since))
        };
        // Bidders expect as many rivals as are eligible, and correct their estimate for the
        // bias of a winning one (ODD §7.9): in proportion to the price's weight in the score,
        // since winning says less about a cost estimate the less price counts.
        let bidders = world.providers.iter().enumerate().filter(|&(pid, p)| may_bid(pid, p)).count();
        let curse = 1.0
            + s.winners_curse_correction
                * rules.scoring.price
                * s.bid_cost_forecast_error_sd
                * winners_estimate_bias(winners, bidders);
        for (pid, p) in world.providers.iter().enumerate() {
            if !may_bid(pid, p) {
                continue;
            }
            let key = ((lot_index as u64) << 32) | pid as u64;
            let mut rng = world.streams.entity(Process::Tender, week as i64, key);
            // Forecast travel in the lot: for a zonal lot, the density of its share of the
            // patch; for a framework place, own experience if any, else the market's.
            let vph = if p.contact_hours_week > 0.0 { p.visits_per_hour_mean } else { 1.5 };
            let kmh = match patch {
                Some(q) => km_per_hour_in_patch(world, p, q as usize, lot_visits * share, lot_hours * share),
                None if p.contact_hours_week > 0.0 => p.km_per_hour_mean,
                None => market_kmh,
            };
            let travel_time = world.geography.travel_time_per_hour(kmh, vph, p.speed_kmh_mean);
            let travel_paid = if p.pays_travel { travel_time } else { 0.0 };
            let volume = p.contact_hours_week + lot_hours * share;
            // Its own cost of an hour under the cost model (ODD §7.24): its wage, travel and
            // mileage, its admin and its overhead spread over the forecast volume.
            let cost_at = |wage: f64, travel_hours: f64| {
                let x = HourInputs {
                    wage,
                    travel_hours,
                    km: kmh,
                    mileage_gbp_per_km: p.mileage_gbp_per_km_mean,
                    consumables_gbp: cm.consumables_gbp_per_hour * world.wages.cost_index,
                    business_gbp: world.admin_per_hour() + p.overhead_per_week / volume.max(1.0),
                    margin: 0.0,
                };
                hour_cost(cm, rates, &x).total()
            };
            let unit_cost = cost_at(p.wage, travel_paid);
            let llw = world.wages.london_living_wage;
            let llw_cost = cost_at(p.wage.max(llw), travel_paid) - unit_cost;
            let travel_cost = cost_at(p.wage, travel_time) - unit_cost;
            // Revenue per hour is less than the rate under actual-minutes payment.
            let per_rate = world.policy.expected_revenue_per_hour(1.0, atp);
            let noise = (1.0 + error.sample(&mut rng)).max(0.5);
            let fixed = match price_basis {
                PriceBasis::FixedRate => Some(world.policy.spot_rate.max(world.policy.floor) * per_rate),
                PriceBasis::Bid => None,
            };
            let pledges = if sv.any_scored() {
                pledges_for(world, p, &sv, unit_cost, llw_cost, travel_cost, fixed)
            } else {
                Pledges::default()
            };
            let mut cost = unit_cost;
            if pledges.london_living_wage && p.wage < llw {
                cost += llw_cost;
            }
            if pledges.paid_travel && !p.pays_travel {
                cost += travel_cost;
            }
            let estimate = cost / per_rate * noise / curse.max(0.5);
            let price = match price_basis {
                PriceBasis::FixedRate => world.policy.spot_rate,
                PriceBasis::Bid => {
                    let shading = s.markup_per_non_price_weight * (1.0 - rules.scoring.price);
                    let b = (estimate * (1.0 + p.markup + shading)).max(world.policy.floor);
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
            bids.push(Bid { score: 0.0, price, provider: pid as u32, pledges });
        }
        let min_price = bids.iter().map(|b| b.price).fold(f64::INFINITY, f64::min);
        let scored_items = sv.items().iter().filter(|&&m| m == SocialValueMode::Scored).count().max(1);
        for b in bids.iter_mut() {
            let p = &world.providers[b.provider as usize];
            let price = min_price / b.price;
            let quality = p.rating.unwrap_or(Rating::RequiresImprovement).score();
            let social = b.pledges.count() as f64 / scored_items as f64;
            // Equal scores (e.g. every bid at a fixed rate) are ranked by lot, not by provider id.
            let tie = world.streams.uniform(
                Process::Tender,
                week as i64,
                (1 << 40) | ((lot_index as u64) << 32) | b.provider as u64,
            );
            let w = rules.scoring;
            b.score = w.price * price + w.quality * quality + w.social_value * social + 1e-9 * tie;
        }
        bids.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.provider.cmp(&b.provider)));
        for b in bids.iter().take(winners) {
            won[b.provider as usize] = true;
            winners_of[lot_index].push(b.provider);
            let p = &mut world.providers[b.provider as usize];
            let rate = match price_basis {
                PriceBasis::Bid => b.price,
                PriceBasis::FixedRate => world.policy.spot_rate,
            };
            p.contract = Some(Contract {
                rate_gbp_per_hour: rate,
                start_week: week,
                end_week: week + rules.term_weeks as i32,
                patch,
                pledges: b.pledges,
            });
            p.contracts_won += 1;
            p.negative_contract_margin_weeks = 0;
            world.counters.contracts_awarded += 1;
        }
    }
    // Markups learn from the result: up after a win, down after a loss.
    for (pid, p) in world.providers.iter_mut().enumerate() {
        if !p.active {
            continue;
        }
        if won[pid] {
            p.markup = (p.markup + s.markup_step).min(s.markup_max);
        } else {
            if previous[pid].is_some() {
                p.contract = None;
            }
            p.markup = (p.markup - s.markup_step).max(s.markup_min);
        }
    }
    if zonal {
        transfer_lots(world, &previous, &lots, &winners_of, rules.tupe);
    }
    // Packages placed under a contract that no longer covers them keep its rate (a call-off
    // keeps its terms beyond its framework, ODD §7.2).
    for &cid in &world.active_clients {
        let c = &mut world.clients[cid as usize];
        if c.on_contract
            && !world.policy.contract_covers(&world.providers[c.provider as usize], c.patch, week)
        {
            c.end_contract(previous[c.provider as usize].map(|k| k.rate_gbp_per_hour));
        }
    }
    world.policy.next_tender_week = Some(week + rules.every_weeks as i32);
}

/// When a zonal lot changes hands, the outgoing lead's packages in the patch move to the new
/// lead (the first winner of the lot); under TUPE the workers who were those clients' regular
/// carers move with them.
fn transfer_lots(
    world: &mut World,
    previous: &[Option<Contract>],
    lots: &[(Option<PatchId>, usize)],
    winners_of: &[Vec<u32>],
    tupe: bool,
) {
    for (lot_index, &(patch, _)) in lots.iter().enumerate() {
        let Some(q) = patch else { continue };
        let Some(&new_lead) = winners_of[lot_index].first() else { continue };
        for (old, prev) in previous.iter().enumerate() {
            let old = old as u32;
            if prev.is_none_or(|c| c.patch != Some(q)) || winners_of[lot_index].contains(&old) {
                continue;
            }
            if !world.providers[old as usize].active {
                continue;
            }
            for i in 0..world.active_clients.len() {
                let cid = world.active_clients[i];
                let c = &world.clients[cid as usize];
                if c.provider != old || c.patch != q || !c.on_contract || c.status != ClientStatus::Active {
                    continue;
                }
                let carer = c.primary_carer;
                let c = &mut world.clients[cid as usize];
                c.provider = new_lead;
                c.on_contract = true;
                c.negative_margin_weeks = 0;
                world.counters.tupe_packages += 1;
                if tupe && carer != NONE && world.employers[carer as usize] == old {
                    let staff = &mut world.providers[old as usize].workers;
                    if let Some(pos) = staff.iter().position(|&w| w == carer) {
                        staff.swap_remove(pos);
                        world.providers[new_lead as usize].workers.push(carer);
                        world.employers[carer as usize] = new_lead;
                        world.counters.tupe_workers += 1;
                    }
                } else {
                    world.clients[cid as usize].primary_carer = NONE;
                }
            }
        }
    }
}
