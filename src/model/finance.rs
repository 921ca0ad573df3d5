//! Finance (docs/ODD.md §3 step 7, §7.15): council payments by payment basis, self-funder fees,
//! costs, cash, margins and income risk; and each package's margin for handback decisions.

use super::provider::MarginalCost;
use super::{Client, Provider, World};
use crate::policy::Policy;
use crate::scenario::{PaymentBasis, Scenario};

/// Weight of this week in the providers' running averages (≈ a quarter's memory).
const EWMA_WEIGHT: f64 = 1.0 / 13.0;

/// What the self-funders' fee follows after the reform date (docs/ODD.md §7.12).
#[derive(Clone, Copy, Debug, Default)]
pub struct PrivateFee {
    /// The market's variable cost of a contact hour: a running mean (weight `EWMA_WEIGHT`).
    pub unit_cost: f64,
    /// `unit_cost` and the wage-floor index at the reform date (0 until then): every
    /// scenario of a comparison shares them, since burn-in is common.
    pub anchor_cost: f64,
    pub anchor_wage_index: f64,
    /// Set at the reform date until the anchor is taken (the next week with hours if the
    /// running mean had none yet).
    anchor_pending: bool,
    /// The cost index in force since the last April: the wage-floor index at the reform date
    /// × `unit_cost / anchor_cost` then.
    pub cost_index: f64,
}

impl PrivateFee {
    /// Takes in one week's market variable cost per contact hour (NaN or ≤ 0: no hours, ignored).
    pub fn observe(&mut self, unit_cost: f64) {
        if !(unit_cost > 0.0 && unit_cost.is_finite()) {
            return;
        }
        if self.unit_cost <= 0.0 {
            self.unit_cost = unit_cost;
        } else {
            self.unit_cost += EWMA_WEIGHT * (unit_cost - self.unit_cost);
        }
        if self.anchor_pending {
            self.anchor_cost = self.unit_cost;
            self.anchor_pending = false;
        }
    }

    /// The reform date: from now on the fee follows costs relative to today's.
    pub fn anchor(&mut self, wage_index: f64) {
        self.anchor_wage_index = wage_index;
        self.cost_index = wage_index;
        if self.unit_cost > 0.0 {
            self.anchor_cost = self.unit_cost;
        } else {
            self.anchor_pending = true;
        }
    }

    /// Whether the fee follows costs yet (from the reform date).
    pub fn anchored(&self) -> bool {
        self.anchor_cost > 0.0
    }

    /// The April repricing after the reform date: the cost index moves with the running mean.
    pub fn reprice(&mut self) {
        if self.anchored() {
            self.cost_index = self.anchor_wage_index * self.unit_cost / self.anchor_cost;
        }
    }
}

/// One provider's money this week, kept for the recorder and the accounting tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accounts {
    pub council_revenue: f64,
    pub self_funder_revenue: f64,
    /// Incubator start-up grants received this week.
    pub grants: f64,
    /// What the week's committed work would have earned, delivered and paid in full: council
    /// packages' assessed hours at their rate, self-funded hours at the private rate.
    pub committed_value: f64,
    pub wage_bill: f64,
    pub on_costs: f64,
    pub admin: f64,
    pub mileage: f64,
    pub overhead: f64,
    pub training: f64,
    pub recruitment: f64,
    /// Social-value costs not in pay: e-bikes, named-cover rostering.
    pub social_value: f64,
    pub travel_km: f64,
    pub co2_kg: f64,
}

impl Accounts {
    pub fn revenue(&self) -> f64 {
        self.council_revenue + self.self_funder_revenue + self.grants
    }
    pub fn costs(&self) -> f64 {
        self.wage_bill
            + self.on_costs
            + self.admin
            + self.mileage
            + self.overhead
            + self.training
            + self.recruitment
            + self.social_value
    }
}

/// Share of its full overhead an entrant of this age (weeks) carries.
pub fn startup_overhead_factor(s: &crate::scenario::ProviderParams, age_weeks: i32) -> f64 {
    if s.entrant_ramp_weeks == 0 || age_weeks >= s.entrant_ramp_weeks as i32 {
        return 1.0;
    }
    let t = age_weeks.max(0) as f64 / s.entrant_ramp_weeks as f64;
    s.entrant_overhead_share + (1.0 - s.entrant_overhead_share) * t
}

/// The council's payment for each active package this week, and each package's margin for
/// handbacks (docs/ODD.md §7.15–7.16). Delivery hands each package here as soon as its week is
/// recorded, in its one pass over the active clients (docs/ODD.md §3 steps 6–7), so the
/// client records are read once for both; `settle` then closes the providers' accounts.
pub struct PackagePayments<'a> {
    policy: &'a Policy,
    cost: MarginalCost<'a>,
    week: i32,
    actual_to_planned: f64,
    premium: f64,
    max_carers: u32,
    outcome_payment: bool,
    handback_weeks: u32,
    totals: PackageTotals,
}

/// What the week's package payments leave for `settle`.
pub struct PackageTotals {
    /// Packages whose margin has been negative for the handback period, in the order paid
    /// (the active list's).
    loss_making: Vec<u32>,
    /// The emergency premium paid on urgent placements, and the continuity bonuses.
    emergency: f64,
    outcome_bonus: f64,
}

impl<'a> PackagePayments<'a> {
    /// Starts the week's accounts: every provider's are cleared. `loss_making` is a buffer
    /// to reuse (its contents are dropped).
    pub fn open(
        policy: &'a Policy,
        scenario: &Scenario,
        cost: MarginalCost<'a>,
        week: i32,
        mut loss_making: Vec<u32>,
        providers: &mut [Provider],
    ) -> Self {
        for p in providers.iter_mut() {
            p.accounts = Accounts::default();
        }
        loss_making.clear();
        Self {
            policy,
            cost,
            week,
            actual_to_planned: scenario.clients.actual_to_planned_minutes,
            premium: scenario.council.downstream.emergency_premium,
            max_carers: policy.rules.outcomes.continuity_max_carers,
            outcome_payment: policy.rules.payment == PaymentBasis::Outcomes,
            handback_weeks: scenario.providers.handback_after_negative_weeks,
            totals: PackageTotals { loss_making, emergency: 0.0, outcome_bonus: 0.0 },
        }
    }

    /// Pays for active client `cid`'s package this week (its delivered hours and carers already
    /// recorded) and updates its margin count.
    #[inline]
    pub fn pay(&mut self, cid: u32, c: &mut Client, p: &mut Provider) {
        let factor = if c.double_handed { 2.0 } else { 1.0 };
        let base_rate = self.policy.package_rate(p, c);
        // An urgent placement after a handback or an exit costs a premium for a few weeks.
        let urgent = self.week < c.premium_until;
        let rate = if urgent { base_rate * (1.0 + self.premium) } else { base_rate };
        // Only outcome payment looks at continuity.
        let continuity_met = self.outcome_payment && c.distinct_recent_carers() <= self.max_carers;
        let pay = self.policy.payment(
            rate,
            c.delivered_hours * factor,
            c.cancelled_hours * factor,
            c.assessed_hours * factor,
            self.actual_to_planned,
            continuity_met,
        );
        if urgent {
            // The premium is on the rate; an outcome bonus is paid on top, not at the premium.
            let at_rate = pay.gbp - pay.bonus;
            self.totals.emergency += at_rate - at_rate / (1.0 + self.premium);
        }
        self.totals.outcome_bonus += pay.bonus;
        // What the package would have paid had every assessed hour been delivered and paid at
        // the rate (the provider's benchmark for the income it did not get).
        let committed_value = base_rate * c.assessed_hours * factor;
        // (Visits per hour matter to the cost only through paid travel time.)
        let vph = if p.pays_travel { c.visits_per_week / c.assessed_hours } else { 0.0 };
        let cost = c.delivered_hours * factor * self.cost.marginal(p, p.km_per_hour[c.patch as usize], vph);
        p.accounts.council_revenue += pay.gbp;
        p.accounts.committed_value += committed_value;
        // A package its provider could not staff at all has no margin to judge.
        if c.delivered_hours > 0.0 {
            c.negative_margin_weeks = if pay.gbp < cost { c.negative_margin_weeks + 1 } else { 0 };
        }
        if u32::from(c.negative_margin_weeks) >= self.handback_weeks {
            self.totals.loss_making.push(cid);
        }
    }

    /// The week's totals, once every active package is paid.
    pub fn close(self) -> PackageTotals {
        self.totals
    }
}

/// Weekly finance of every active provider, once its packages are paid (`packages`). Money is
/// conserved: each provider's cash changes by exactly its revenue minus its costs, and council
/// spend equals the providers' council revenue.
pub fn settle(world: &mut World, packages: PackageTotals) {
    let s = &world.scenario.providers;
    let private_rate = world.private_rate();
    let admin_per_hour = world.admin_per_hour();
    let recruitment = s.recruitment_gbp_per_hire * world.wages.cost_index;
    let e_bike_cost = world.policy.rules.social_value.e_bike_gbp_per_worker_week * world.wages.cost_index;
    let named_cover_cost = s.named_cover_gbp_per_client_week * world.wages.cost_index;
    let PackageTotals { loss_making, emergency, mut outcome_bonus } = packages;
    world.loss_making = loss_making;
    let mut council_spend = 0.0;
    let (mut variable_cost, mut contact_hours) = (0.0, 0.0);
    for p in world.providers.iter_mut() {
        if !p.active {
            continue;
        }
        let sf_committed = p.self_funder_total();
        let sf_delivered = sf_committed * p.fill;
        let e_bikes = if p.terms.low_emission_travel { f64::from(p.travel_week.e_bikes) } else { 0.0 };
        let council_clients: u32 = p.council_clients.iter().sum();
        let a = &mut p.accounts;
        a.self_funder_revenue = private_rate * sf_delivered;
        // Recovery bonuses earned this week are council payments too.
        a.council_revenue += p.outcome_bonus_pending;
        outcome_bonus += p.outcome_bonus_pending;
        p.outcome_bonus_pending = 0.0;
        a.grants = p.pending_grant;
        p.pending_grant = 0.0;
        a.social_value = e_bikes * e_bike_cost
            + if p.named_cover { council_clients as f64 * named_cover_cost } else { 0.0 };
        a.travel_km = p.travel_week.km;
        a.co2_kg = p.travel_week.co2_kg;
        a.mileage = p.travel_week.mileage_gbp;
        a.wage_bill = p.wage_bill_week;
        a.on_costs = p.wage_bill_week * s.on_cost_rate;
        a.admin = p.contact_hours_week * admin_per_hour;
        a.overhead = p.overhead_per_week
            * if p.entrant {
                startup_overhead_factor(&world.scenario.providers, world.week - p.entry_week)
            } else {
                1.0
            };
        a.training = p.training_per_worker * p.workers.len() as f64;
        a.recruitment = p.hires_week as f64 * recruitment;
        variable_cost += a.wage_bill + a.on_costs + a.admin + a.mileage + a.social_value;
        contact_hours += p.contact_hours_week;
        let revenue = a.revenue();
        let costs = a.costs();
        p.cash += revenue - costs;
        p.revenue_week = revenue;
        p.council_revenue_week = a.council_revenue;
        p.cost_week = costs;
        council_spend += a.council_revenue;
        let week_margin = if revenue > 0.0 { ((revenue - costs) / revenue).max(-1.0) } else { -1.0 };
        p.margin += EWMA_WEIGHT * (week_margin - p.margin);
        // Income risk (ODD §7.10): the share of the week's committed work that went unpaid,
        // as a running average (the first week's share as its start); weeks with nothing
        // committed say nothing about it.
        a.committed_value += private_rate * sf_committed;
        if a.committed_value > 0.0 {
            let unpaid = (1.0 - (a.council_revenue + a.self_funder_revenue) / a.committed_value).max(0.0);
            p.unpaid_share = if p.income_weeks == 0 {
                unpaid
            } else {
                p.unpaid_share + EWMA_WEIGHT * (unpaid - p.unpaid_share)
            };
            p.income_weeks = p.income_weeks.saturating_add(1);
        }
        // Margin of the council work under a framework contract: council revenue against
        // its share of all costs (by contact hours).
        if p.contract.is_some() {
            let total_hours = p.contact_hours_week.max(1e-9);
            let council_share = ((total_hours - sf_delivered) / total_hours).clamp(0.0, 1.0);
            let m = a.council_revenue - costs * council_share;
            p.negative_contract_margin_weeks = if m < 0.0 { p.negative_contract_margin_weeks + 1 } else { 0 };
        }
        p.lifetime_contact_hours += p.contact_hours_week;
        p.lifetime_weeks += 1;
        p.lifetime_quality += p.quality;
        p.lifetime_margin += week_margin;
        // The provider × year table (docs/ODD.md, "Outputs and metric definitions"): every
        // package is delivered at the provider's fill, so its council carer-hours in a patch
        // are the patch's committed council worker-hours × fill.
        let fill = p.fill;
        let y = &mut p.year;
        y.weeks += 1;
        for (h, &committed) in y.council_hours.iter_mut().zip(&p.council_worker_hours) {
            *h += committed * fill;
        }
        y.self_funded_hours += sf_delivered;
        y.margin_sum += week_margin;
        y.revenue_gbp += revenue;
        y.costs_gbp += costs;
        y.workers = p.workers.len() as u32;
        y.wage_gbp_per_hour = p.wage;
    }
    world.counters.council_spend += council_spend;
    world.private_fee.observe(variable_cost / contact_hours);
    world.counters.emergency_premium_gbp += emergency;
    world.counters.outcome_payments_gbp += outcome_bonus;
    // The provider of last resort: the council pays its cost for the hours it delivered.
    let lr = &world.scenario.council.last_resort;
    let lr_rate = lr.cost_gbp_per_hour * world.wages.wage_index;
    let last_resort: f64 = world
        .in_house
        .iter()
        .map(|&cid| {
            let c = &world.clients[cid as usize];
            c.delivered_hours * if c.double_handed { 2.0 } else { 1.0 } * lr_rate
        })
        .sum();
    world.counters.last_resort_spend_gbp += last_resort;
    world.council.record_spend(council_spend + last_resort);
}
