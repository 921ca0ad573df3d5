//! Entry (docs/ODD.md §7.18): an entry attempt a week per unit of `run.scale`, each succeeding
//! with a probability that rises with the market's expected margin; `new_provider` builds
//! entrants and incubated providers alike.

use rand::RngExt;

use crate::model::clients::pick_weighted;
use crate::model::{PatchId, Pledges, Provider, World};
use crate::rng::Process;
use crate::scenario::{MAX_PATCHES, ProviderKind};

/// Entry: a new provider appears with a weekly probability that rises with the market's
/// expected margin (revenue-weighted mean of active providers' margins). A borough at scale
/// k makes k attempts a week (the last with the fractional part of k as its weight), so entry
/// keeps pace with the market's size.
pub fn entry(world: &mut World) {
    let s = &world.scenario.providers;
    let (mut num, mut den) = (0.0, 0.0);
    for p in world.providers.iter().filter(|p| p.active) {
        num += p.margin * p.revenue_week;
        den += p.revenue_week;
    }
    let expected_margin = if den > 0.0 { num / den } else { 0.0 };
    let prob = (s.entry_base_per_week + s.entry_per_expected_margin * expected_margin.max(0.0)).min(1.0);
    let scale = world.scenario.run.scale;
    let mut attempt = 0u64;
    while (attempt as f64) < scale {
        let weight = (scale - attempt as f64).min(1.0);
        let u = world.streams.uniform(Process::Entry, world.week as i64, attempt);
        if u < prob * weight {
            enter(world, attempt);
        }
        attempt += 1;
    }
}

/// One entrant, drawn from the week's entry stream for `attempt` (the first attempt uses the
/// week's stream itself).
fn enter(world: &mut World, attempt: u64) {
    let s = &world.scenario.providers;
    let mut rng = if attempt == 0 {
        world.streams.weekly(Process::Entry, world.week as i64)
    } else {
        world.streams.entity(Process::Entry, world.week as i64, attempt)
    };
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
    let overhead = kind.overhead_gbp_per_week * s.overhead_scale * world.wages.cost_index;
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
    // Until it has its own income history it offers the going contract mix: the share of the
    // market's employed care workers on guaranteed hours (ODD §7.18), or the initial share in a
    // market with nobody employed yet.
    let (mut guaranteed, mut heads) = (0usize, 0usize);
    for p in world.providers.iter().filter(|p| p.active) {
        guaranteed += p.workers.iter().filter(|&&w| world.workers[w as usize].guaranteed).count();
        heads += p.workers.len();
    }
    let going_mix = if heads > 0 { guaranteed as f64 / heads as f64 } else { s.initial_guaranteed_share };
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
        guaranteed_target: going_mix,
        hiring_target: s.min_team,
        starting: 0,
        training_per_worker: s.training_gbp_per_worker_week,
        markup: s.markup_initial,
        overhead_per_week: overhead,
        cash,
        negative_cash_weeks: 0,
        loss_weeks: 0,
        negative_contract_margin_weeks: 0,
        understaffed_weeks: 0,
        quality: s.entrant_quality,
        rating: None,
        contract: None,
        workers: Vec::new(),
        self_funder_hours: [0.0; MAX_PATCHES],
        unpaid_share: 0.0,
        income_weeks: 0,
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
        year: Default::default(),
    }
}
