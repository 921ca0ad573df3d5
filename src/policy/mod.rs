//! Commissioning levers as a value: how packages are awarded (docs/ODD.md §7.9), priced (§7.2)
//! and paid for (§7.15), and in what order brokers ring round (§7.7). The engine and the
//! submodels call `Policy`'s hooks; submodels that act on the world under a lever (tenders,
//! the incubator) live in `model`.

use crate::model::costs::{HourInputs, hour_cost};
use crate::model::wages::WageFloors;
use crate::model::{Client, Contract, PatchId, Pledges, Provider};
use crate::scenario::{
    Award, Commissioning, CostModelParams, PaymentBasis, RateFloor, Rating, SocialValueMode, WageFloorName,
};

/// The policy in force, with its running state (current spot rate, tender calendar).
#[derive(Clone, Debug)]
pub struct Policy {
    pub rules: Commissioning,
    /// The council's current spot rate (£/h), after fee uplifts.
    pub spot_rate: f64,
    /// Cumulative fee uplift since the start of burn-in under the burn-in policy: a policy's
    /// `rate_gbp_per_hour` is in prices of the first burn-in year and is scaled by this at the
    /// reform date, so the status quo continues without a jump.
    pub uplift_index: f64,
    pub round_robin_next: usize,
    pub next_tender_week: Option<i32>,
    /// The rate floor in force (£/h; 0 when there is none).
    pub floor: f64,
    /// Social-value items required of every provider paid for council packages.
    pub required: Pledges,
    /// Incubator spend so far (grants and support) and cohorts started.
    pub incubator_spent: f64,
    pub cohorts_started: u32,
}

/// What a package pays for a week.
#[derive(Clone, Copy, Debug, Default)]
pub struct Payment {
    pub gbp: f64,
    /// The part of `gbp` that is an outcome bonus (continuity), not paid at the rate.
    pub bonus: f64,
}

impl Policy {
    pub fn new(rules: Commissioning, uplift_index: f64, first_week: i32) -> Self {
        let next_tender_week = (rules.award != Award::Spot).then_some(first_week.max(0));
        let sv = &rules.social_value;
        let req = |m: SocialValueMode| m == SocialValueMode::Required;
        let required = Pledges {
            london_living_wage: req(sv.london_living_wage),
            paid_travel: req(sv.paid_travel),
            guaranteed_hours: req(sv.guaranteed_hours),
            local_hiring: req(sv.local_hiring),
            low_emission_travel: req(sv.low_emission_travel),
        };
        Self {
            spot_rate: rules.rate_gbp_per_hour * uplift_index,
            uplift_index,
            rules,
            round_robin_next: 0,
            next_tender_week,
            floor: 0.0,
            required,
            incubator_spent: 0.0,
            cohorts_started: 0,
        }
    }

    /// Sets the rate floor from this year's wage floors (at the reform date and each April).
    /// A fixed floor is nominal; an `indexed` floor is the one-line HCA arithmetic at the wage
    /// floor, overheads inflated with non-wage costs; a `cost_model` floor prices an hour at the
    /// wage floor with the full cost model and the year's statutory rates (docs/ODD.md §7.24).
    pub fn update_rate_floor(&mut self, wages: &WageFloors, cost_model: &CostModelParams) {
        let wage_of = |name: WageFloorName| match name {
            WageFloorName::NationalLivingWage => wages.national_living_wage,
            WageFloorName::LondonLivingWage => wages.london_living_wage,
        };
        self.floor = match self.rules.rate_floor {
            RateFloor::None => 0.0,
            RateFloor::Fixed { gbp_per_hour } => gbp_per_hour,
            RateFloor::Indexed { wage, on_cost_rate, travel_share, overhead_gbp_per_hour, margin } => {
                let w = wage_of(wage);
                (w * (1.0 + on_cost_rate) * (1.0 + travel_share) + overhead_gbp_per_hour * wages.cost_index)
                    / (1.0 - margin)
            }
            RateFloor::CostModel { wage } => {
                let x = HourInputs::standard(cost_model, wage_of(wage), wages.cost_index);
                hour_cost(cost_model, cost_model.statutory_for(wages.year()), &x).total()
            }
        };
    }

    /// Plans a care plan's visits under the council's minimum visit length (docs/ODD.md §7.2):
    /// with a minimum of *m* minutes a package of *h* hours a week has at most
    /// max(1, ⌊60·*h*/*m*⌋) visits, so the same hours come in fewer, longer visits. Plans with
    /// visits at least that long, and every plan when there is no minimum, are unchanged.
    pub fn plan_visits(&self, client: &mut Client) {
        let m = self.rules.min_visit_minutes;
        if m > 0.0 {
            let most = (60.0 * client.need_hours / m).floor().max(1.0);
            client.visits_per_week = client.visits_per_week.min(most);
        }
    }

    /// The hourly rate a package is paid: its provider's contract rate while on contract, else
    /// the rate of the contract it was placed under if that has ended (its call-off rate),
    /// else the spot rate; never below the rate floor.
    pub fn package_rate(&self, provider: &Provider, client: &Client) -> f64 {
        if !client.on_contract && client.call_off_rate > 0.0 {
            client.call_off_rate.max(self.floor)
        } else {
            self.rate_for(provider, client.on_contract)
        }
    }

    /// The hourly rate a new package with this provider would be paid (never below the rate
    /// floor).
    pub fn rate_for(&self, provider: &Provider, on_contract: bool) -> f64 {
        let rate = match (on_contract, provider.contract) {
            (true, Some(c)) => c.rate_gbp_per_hour,
            _ => self.spot_rate,
        };
        rate.max(self.floor)
    }

    /// Social-value terms binding on a provider: the required items if it holds council
    /// packages or a contract, plus what it pledged in a tender.
    pub fn terms_for(&self, provider: &Provider, holds_council_work: bool) -> Pledges {
        let pledged = provider.contract.map(|c| c.pledges).unwrap_or_default();
        if holds_council_work || provider.contract.is_some() { self.required.union(pledged) } else { pledged }
    }

    /// Ends contracts whose term is over: their packages stay with the provider at the ended
    /// contract's rate (call-offs keep their terms). Called every week before any tender.
    pub fn expire_contracts(week: i32, providers: &mut [Provider], clients: &mut [Client], active: &[u32]) {
        // (provider, rate) of the contracts ending this week: few, and most weeks none.
        let mut ended: Vec<(u32, f64)> = Vec::new();
        for (pid, p) in providers.iter_mut().enumerate() {
            if let Some(c) = p.contract.filter(|c| week >= c.end_week) {
                ended.push((pid as u32, c.rate_gbp_per_hour));
                p.contract = None;
            }
        }
        if !ended.is_empty() {
            for &cid in active {
                let c = &mut clients[cid as usize];
                if c.on_contract && providers[c.provider as usize].contract.is_none() {
                    let rate = ended.iter().find(|e| e.0 == c.provider).map(|e| e.1);
                    c.end_contract(rate);
                }
            }
        }
    }

    /// Payment for one week of a package: `delivered`, `cancelled` and `planned` are
    /// worker-hours (planned = assessed, before cancellations); `continuity_met` says whether
    /// the client saw few enough distinct carers for the outcome bonus.
    pub fn payment(
        &self,
        rate: f64,
        delivered: f64,
        cancelled: f64,
        planned: f64,
        actual_to_planned: f64,
        continuity_met: bool,
    ) -> Payment {
        match self.rules.payment {
            PaymentBasis::ActualMinutes => Payment { gbp: rate * delivered * actual_to_planned, bonus: 0.0 },
            PaymentBasis::PlannedHours => Payment { gbp: rate * (delivered + cancelled), bonus: 0.0 },
            PaymentBasis::Block => {
                let guaranteed = self.rules.block_share * planned;
                Payment { gbp: rate * delivered.max(guaranteed), bonus: 0.0 }
            }
            PaymentBasis::Outcomes => {
                let o = &self.rules.outcomes;
                let bonus = if continuity_met { o.continuity_bonus_gbp_per_hour * delivered } else { 0.0 };
                Payment { gbp: o.base_share * rate * (delivered + cancelled) + bonus, bonus }
            }
        }
    }

    /// Revenue per delivered worker-hour the provider can expect (for acceptance and bids);
    /// outcome bonuses are uncertain and not counted.
    pub fn expected_revenue_per_hour(&self, rate: f64, actual_to_planned: f64) -> f64 {
        match self.rules.payment {
            PaymentBasis::ActualMinutes => rate * actual_to_planned,
            PaymentBasis::PlannedHours | PaymentBasis::Block => rate,
            PaymentBasis::Outcomes => rate * self.rules.outcomes.base_share,
        }
    }

    /// Whether a provider may receive spot packages (the approved list).
    pub fn approved(&self, provider: &Provider) -> bool {
        provider.active
            && match provider.rating {
                Some(r) => r >= self.rules.approved_min_rating,
                None => self.rules.admit_unrated,
            }
    }

    /// April fee uplift; `nlw_rise` is the relative rise of the National Living Wage. Applies to
    /// the spot rate, to framework contract rates and to active packages' call-off rates.
    pub fn apply_fee_uplift(
        &mut self,
        nlw_rise: f64,
        providers: &mut [Provider],
        clients: &mut [Client],
        active: &[u32],
    ) {
        let factor = self.rules.fee_uplift.factor(nlw_rise);
        self.spot_rate *= factor;
        self.uplift_index *= factor;
        for p in providers.iter_mut() {
            if let Some(c) = p.contract.as_mut() {
                c.rate_gbp_per_hour *= factor;
            }
        }
        for &cid in active {
            let c = &mut clients[cid as usize];
            c.call_off_rate *= factor;
        }
    }

    /// Whether packages are awarded through a tender (framework or zonal).
    pub fn is_framework(&self) -> bool {
        self.rules.award != Award::Spot
    }

    pub fn is_zonal(&self) -> bool {
        self.rules.award == Award::Zonal
    }

    /// Whether a package in `patch` placed with this provider falls under its contract: any
    /// package for a framework place, packages in its lot for a zonal lead; never under spot
    /// purchase, where a contract counts for nothing.
    pub fn contract_covers(&self, provider: &Provider, patch: PatchId, week: i32) -> bool {
        self.is_framework()
            && holds_contract(provider, week)
            && provider.contract.is_some_and(|c| c.patch.is_none_or(|q| q == patch))
    }

    pub fn tender_due(&self, week: i32) -> bool {
        self.next_tender_week == Some(week)
    }

    pub fn rating_allows_bid(&self, rating: Option<Rating>) -> bool {
        rating.unwrap_or(Rating::RequiresImprovement) >= self.rules.tender.min_rating
    }
}

/// Whether a provider holds a live framework contract in a week.
pub fn holds_contract(p: &Provider, week: i32) -> bool {
    matches!(p.contract, Some(Contract { end_week, .. }) if week < end_week)
}
