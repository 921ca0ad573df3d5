//! Entry (docs/ODD.md §7.18): an entry attempt a week per unit of `run.scale`, each succeeding
//! with a probability that rises with the market's expected margin and falls with the share of
//! the market an entrant cannot reach; `new_provider` builds entrants and incubated providers
//! alike.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::model::clients::pick_weighted;
use crate::model::{PatchId, Pledges, Provider, Staff, World};
use crate::rng::Process;
use crate::scenario::{MAX_PATCHES, ProviderKind};

/// Weight of this week's placements in the running counts of [`Referrals`]: about a year.
const REFERRALS_WEIGHT: f64 = 1.0 / 52.0;

/// The council's placements with providers as a running average over about a year: all of
/// them, and those placed without a contract, which any approved provider (an entrant too) may
/// be offered (docs/ODD.md §7.18).
#[derive(Clone, Debug)]
pub struct Referrals {
    all: f64,
    open: f64,
    week_all: u32,
    week_open: u32,
}

impl Default for Referrals {
    /// A market where every placement is open, as before any contract is let.
    fn default() -> Self {
        Self { all: 1.0, open: 1.0, week_all: 0, week_open: 0 }
    }
}

impl Referrals {
    /// Counts one placement this week.
    pub fn place(&mut self, on_contract: bool) {
        self.week_all += 1;
        self.week_open += u32::from(!on_contract);
    }

    /// Folds this week's placements into the running counts (a week without placements says
    /// nothing and leaves them) and returns the share that was open.
    fn close_week(&mut self) -> f64 {
        if self.week_all > 0 {
            self.all += REFERRALS_WEIGHT * (f64::from(self.week_all) - self.all);
            self.open += REFERRALS_WEIGHT * (f64::from(self.week_open) - self.open);
        }
        self.week_all = 0;
        self.week_open = 0;
        self.open_share()
    }

    /// The share of placements made without a contract, 1 when all are.
    pub fn open_share(&self) -> f64 {
        if self.all > 0.0 { (self.open / self.all).clamp(0.0, 1.0) } else { 1.0 }
    }
}

/// The share of an entry attempt's chance that remains when a share `open` of the council's
/// placements is open to any approved provider and a share `self_funded` of the market's hours
/// is self-funded (open to all): 1 − weight · (1 − self_funded) · (1 − open). Exactly 1 when
/// every placement is open.
pub fn reachable_share(weight: f64, self_funded: f64, open: f64) -> f64 {
    1.0 - weight * (1.0 - self_funded) * (1.0 - open)
}

/// Entry: a new provider appears with a weekly probability that rises with the market's
/// expected margin (revenue-weighted mean of active providers' margins), scaled by the share of
/// the market an entrant can reach: self-funders, and council packages placed without a
/// contract (under a zonal or framework award, the lead or framework providers are offered new
/// packages first). A borough at scale k makes k attempts a week (the last with the fractional
/// part of k as its weight), so entry keeps pace with the market's size.
pub fn entry(world: &mut World) {
    let open = world.referrals.close_week();
    let s = &world.scenario.providers;
    let (mut num, mut den) = (0.0, 0.0);
    let (mut self_funded, mut council) = (0.0, 0.0);
    for p in world.providers.iter().filter(|p| p.active) {
        num += p.margin * p.revenue_week;
        den += p.revenue_week;
        self_funded += p.self_funder_total();
        council += p.council_worker_total();
    }
    let expected_margin = if den > 0.0 { num / den } else { 0.0 };
    let self_funded_share =
        if self_funded + council > 0.0 { self_funded / (self_funded + council) } else { 0.0 };
    let reach = reachable_share(s.entry_access_weight, self_funded_share, open);
    let prob =
        ((s.entry_base_per_week + s.entry_per_expected_margin * expected_margin.max(0.0)) * reach).min(1.0);
    let scale = world.scenario.run.scale;
    let mut attempt = 0u64;
    let mut going = None;
    while (attempt as f64) < scale {
        let weight = (scale - attempt as f64).min(1.0);
        let u = world.streams.uniform(Process::Entry, world.week as i64, attempt);
        if u < prob * weight {
            let terms = *going.get_or_insert_with(|| GoingTerms::of(world));
            enter(world, attempt, terms);
        }
        attempt += 1;
    }
}

/// What an entrant offers of the market's going terms (ODD §7.18): the headcount-weighted mean
/// of incumbents' wages (`None` with nobody employed) and the going contract mix. An entrant
/// has no staff, so both are the same for every provider entering in a week: they are worked
/// out once a week, not once an entrant (which made entry grow with the square of the
/// market's size).
#[derive(Clone, Copy)]
struct GoingTerms {
    wage: Option<f64>,
    mix: f64,
}

impl GoingTerms {
    fn of(world: &World) -> Self {
        let (mut sum, mut heads) = (0.0, 0.0);
        for p in world.providers.iter().filter(|p| p.active) {
            sum += p.wage * p.workers.len() as f64;
            heads += p.workers.len() as f64;
        }
        let wage = if heads > 0.0 { Some(sum / heads) } else { None };
        Self { wage, mix: going_contract_mix(world) }
    }
}

/// One entrant, drawn from the week's entry stream for `attempt` (the first attempt uses the
/// week's stream itself).
fn enter(world: &mut World, attempt: u64, going_terms: GoingTerms) {
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
    // An entrant must recruit its whole team: it offers the going wage, give or take the spread
    // of initial wage premiums.
    let going =
        going_terms.wage.unwrap_or(world.wages.national_living_wage * (1.0 + s.initial_wage_premium_mean));
    let noise = s.initial_wage_premium_sd * (rng.random::<f64>() - 0.5) * 12f64.sqrt();
    let wage = (going * (1.0 + noise)).max(world.wages.national_living_wage);
    let cash = s.entrant_cash_gbp;
    let overhead = kind.overhead_gbp_per_week * s.overhead_scale * world.wages.cost_index;
    let compliant = rng.random::<f64>() < s.nmw_travel_compliance_share;
    let p =
        new_provider(world, kind.kind, kind.local, base, wage, cash, overhead, compliant, going_terms.mix);
    world.providers.push(p);
    world.counters.entries += 1;
}

/// The going contract mix (ODD §7.18): the share of the market's employed care workers on
/// guaranteed hours, or the initial share in a market with nobody employed yet. A new
/// provider offers it until it has its own income history. (A new provider has no staff, so
/// the mix is the same for every provider created in a week: it is computed once.)
pub fn going_contract_mix(world: &World) -> f64 {
    let (mut guaranteed, mut heads) = (0usize, 0usize);
    for p in world.providers.iter().filter(|p| p.active) {
        guaranteed += p.guaranteed_staff(&world.workers) as usize;
        heads += p.workers.len();
    }
    if heads > 0 {
        guaranteed as f64 / heads as f64
    } else {
        world.scenario.providers.initial_guaranteed_share
    }
}

/// A provider with no clients or staff yet, offering the contract mix `going_mix`
/// ([`going_contract_mix`]).
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
    going_mix: f64,
) -> Provider {
    let s = &world.scenario.providers;
    let speed: f64 = world.scenario.geography.travel_modes.iter().map(|m| m.share * m.speed_kmh).sum();
    let mileage: f64 =
        world.scenario.geography.travel_modes.iter().map(|m| m.share * m.mileage_gbp_per_km).sum();
    // Management quality (ODD §7.19), from its own stream keyed by the new provider's id.
    let id = world.providers.len() as u64;
    let z: f64 = StandardNormal.sample(&mut world.streams.entity(Process::Management, world.week as i64, id));
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
        handed_back_week: None,
        understaffed_weeks: 0,
        quality: s.entrant_quality,
        management: s.management_quality_sd * z,
        rating: None,
        contract: None,
        workers: Staff::default(),
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
        travel_week: Default::default(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_market_leaves_entry_exactly_as_it_was() {
        for sf in [0.0, 0.17, 1.0] {
            assert_eq!(reachable_share(1.0, sf, 1.0), 1.0);
        }
        // A weight of 0 is the rule blind to access.
        assert_eq!(reachable_share(0.0, 0.2, 0.0), 1.0);
        // With every council placement under contract only the self-funded share is reachable.
        assert!((reachable_share(1.0, 0.2, 0.0) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn referrals_follow_the_share_placed_without_a_contract() {
        let mut r = Referrals::default();
        for _ in 0..20 {
            r.place(false);
            r.place(false);
            assert_eq!(r.close_week(), 1.0, "all open: exactly 1");
        }
        // A week with no placements changes nothing.
        assert_eq!(r.close_week(), 1.0);
        for _ in 0..2000 {
            r.place(true);
            r.place(false);
            r.close_week();
        }
        assert!((r.open_share() - 0.5).abs() < 1e-6, "half open: {}", r.open_share());
    }
}
