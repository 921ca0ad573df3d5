//! Commissioning levers (MODEL.md §4): how packages are awarded, priced and paid for, and in
//! what order brokers ring round. The engine only calls `Policy`'s hooks, so a new lever is
//! added here (and in the scenario schema) without touching the engine.

pub mod tender;

use crate::model::{Provider, agents::Contract};
use crate::scenario::{Award, Commissioning, FeeUplift, PaymentBasis, Rating};

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
}

/// What a package pays for a week, and whether that revenue was known in advance.
#[derive(Clone, Copy, Debug, Default)]
pub struct Payment {
    pub gbp: f64,
    pub secure: bool,
}

impl Policy {
    pub fn new(rules: Commissioning, uplift_index: f64, first_week: i32) -> Self {
        let next_tender_week = (rules.award == Award::Framework).then_some(first_week.max(0));
        Self {
            spot_rate: rules.rate_gbp_per_hour * uplift_index,
            uplift_index,
            rules,
            round_robin_next: 0,
            next_tender_week,
        }
    }

    /// The hourly rate a package with this provider is paid.
    pub fn rate_for(&self, provider: &Provider, on_contract: bool) -> f64 {
        match (on_contract, provider.contract) {
            (true, Some(c)) => c.rate_gbp_per_hour,
            _ => self.spot_rate,
        }
    }

    /// Ends contracts whose term is over: their packages stay with the provider at the spot
    /// rate. Called every week before any tender.
    pub fn expire_contracts(
        week: i32,
        providers: &mut [Provider],
        clients: &mut [crate::model::Client],
        active: &[u32],
    ) {
        let mut any = false;
        for p in providers.iter_mut() {
            if p.contract.is_some_and(|c| week >= c.end_week) {
                p.contract = None;
                any = true;
            }
        }
        if any {
            for &cid in active {
                let c = &mut clients[cid as usize];
                if c.on_contract && providers[c.provider as usize].contract.is_none() {
                    c.on_contract = false;
                }
            }
        }
    }

    /// Payment for one week of a package: `delivered` and `cancelled` are worker-hours.
    pub fn payment(&self, rate: f64, delivered: f64, cancelled: f64, actual_to_planned: f64) -> Payment {
        match self.rules.payment {
            PaymentBasis::ActualMinutes => {
                Payment { gbp: rate * delivered * actual_to_planned, secure: false }
            }
            PaymentBasis::PlannedHours => Payment { gbp: rate * (delivered + cancelled), secure: true },
        }
    }

    /// Revenue per delivered worker-hour the provider can expect (for acceptance and bids).
    pub fn expected_revenue_per_hour(&self, rate: f64, actual_to_planned: f64) -> f64 {
        match self.rules.payment {
            PaymentBasis::ActualMinutes => rate * actual_to_planned,
            PaymentBasis::PlannedHours => rate,
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
    /// the spot rate and to framework contract rates.
    pub fn apply_fee_uplift(&mut self, nlw_rise: f64, providers: &mut [Provider]) {
        let factor = match self.rules.fee_uplift {
            FeeUplift::None => 1.0,
            FeeUplift::Fixed { percent } => 1.0 + percent / 100.0,
            FeeUplift::IndexedToWageFloor => 1.0 + nlw_rise,
        };
        self.spot_rate *= factor;
        self.uplift_index *= factor;
        for p in providers.iter_mut() {
            if let Some(c) = p.contract.as_mut() {
                c.rate_gbp_per_hour *= factor;
            }
        }
    }

    pub fn is_framework(&self) -> bool {
        self.rules.award == Award::Framework
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
