//! `[commissioning]` (and `[burn_in.commissioning]`): the composable commissioning levers (award,
//! price and payment bases, tenders, rate floor, social value, incubator), with their range checks.

use serde::{Deserialize, Serialize};

use crate::scenario::validate::Checker;

use super::{MAX_PROVIDERS, Rating};

/// The commissioning policy: composable levers (docs/ODD.md §7.2 rates, §7.9 tenders, §7.15 payment
/// bases, §7.22 incubator).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Commissioning {
    pub award: Award,
    pub brokerage: Brokerage,
    pub price: PriceBasis,
    /// The council's hourly rate (spot rate; framework rate under `fixed_rate`).
    pub rate_gbp_per_hour: f64,
    pub fee_uplift: FeeUplift,
    pub payment: PaymentBasis,
    /// Lowest inspection rating admitted to the approved list.
    pub approved_min_rating: Rating,
    /// Whether providers not yet inspected are admitted to the approved list.
    pub admit_unrated: bool,
    pub tender: TenderParams,
    pub rate_floor: RateFloor,
    /// Share of planned hours paid whatever is delivered (`payment = "block"`).
    pub block_share: f64,
    pub outcomes: OutcomeTerms,
    pub social_value: SocialValue,
    pub incubator: Incubator,
    /// Shortest visit the council commissions (minutes; 0 = no minimum): a care plan with
    /// shorter visits is planned as fewer, longer ones for the same hours (the Ethical Care
    /// Charter's "no 15-minute visits", docs/ODD.md §7.2).
    pub min_visit_minutes: f64,
}

impl Default for Commissioning {
    fn default() -> Self {
        Self {
            award: Award::Spot,
            brokerage: Brokerage::RoundRobin,
            price: PriceBasis::FixedRate,
            rate_gbp_per_hour: 26.0,
            fee_uplift: FeeUplift::Fixed { percent: 4.0 },
            payment: PaymentBasis::ActualMinutes,
            approved_min_rating: Rating::RequiresImprovement,
            admit_unrated: true,
            tender: TenderParams::default(),
            rate_floor: RateFloor::None,
            block_share: 0.9,
            outcomes: OutcomeTerms::default(),
            social_value: SocialValue::default(),
            incubator: Incubator::default(),
            min_visit_minutes: 0.0,
        }
    }
}

impl Commissioning {
    /// Range checks of a commissioning policy at key `at` (`commissioning` or
    /// `burn_in.commissioning`), including the consistency of tender scoring, social value and
    /// award; `actual_to_planned` is `clients.actual_to_planned_minutes`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker, at: &str, actual_to_planned: f64) {
        c.positive(&format!("{at}.rate_gbp_per_hour"), self.rate_gbp_per_hour);
        // A tender that pays bids needs a rate that pays for hours: bidders divide their cost
        // by what a pound of the rate brings in an hour, and with nothing every bid (and so the
        // contract rate) is infinite.
        if self.award != Award::Spot && self.price == PriceBasis::Bid {
            let nothing = match self.payment {
                PaymentBasis::ActualMinutes if actual_to_planned == 0.0 => {
                    Some("payment = \"actual_minutes\" with clients.actual_to_planned_minutes = 0")
                }
                PaymentBasis::Outcomes if self.outcomes.base_share == 0.0 => {
                    Some("payment = \"outcomes\" with outcomes.base_share = 0")
                }
                _ => None,
            };
            if let Some(why) = nothing {
                c.fail(
                    format!("{at}.price"),
                    format!(
                        "expected a payment that pays for hours at the bid rate: under {why} a rate pays \
                         nothing, so no bid can cover its costs (use price = \"fixed_rate\", or a \
                         positive share)"
                    ),
                );
            }
        }
        if let FeeUplift::Fixed { percent } = self.fee_uplift
            && !(0.0..=100.0).contains(&percent)
        {
            c.fail(format!("{at}.fee_uplift"), format!("expected a percent from 0 to 100, found {percent}"));
        }
        let t = &self.tender;
        if t.every_weeks == 0 {
            c.fail(format!("{at}.tender.every_weeks"), "expected at least 1 week");
        }
        if t.term_weeks == 0 {
            c.fail(format!("{at}.tender.term_weeks"), "expected at least 1 week");
        }
        if t.winners == 0 {
            c.fail(format!("{at}.tender.winners"), "expected at least 1 winner");
        }
        let w = t.scoring;
        for (k, v) in [("price", w.price), ("quality", w.quality), ("social_value", w.social_value)] {
            c.share(&format!("{at}.tender.scoring.{k}"), v);
        }
        c.sums_to_one(&format!("{at}.tender.scoring"), &[w.price, w.quality, w.social_value]);
        let sv = &self.social_value;
        if w.social_value > 0.0 && !sv.any_scored() {
            c.fail(
                format!("{at}.tender.scoring.social_value"),
                "a social-value weight needs at least one item in [commissioning.social_value] set to \"scored\"",
            );
        }
        if sv.any_scored() && w.social_value == 0.0 {
            c.fail(
                format!("{at}.social_value"),
                "items set to \"scored\" need a positive tender.scoring.social_value weight",
            );
        }
        if sv.any_scored() && self.award == Award::Spot {
            c.fail(
                format!("{at}.social_value"),
                "scored items need a tender: award \"framework\" or \"zonal\"",
            );
        }
        c.share(&format!("{at}.social_value.guaranteed_hours_min_share"), sv.guaranteed_hours_min_share);
        c.share(&format!("{at}.social_value.local_hiring_share"), sv.local_hiring_share);
        c.non_negative(
            &format!("{at}.social_value.e_bike_gbp_per_worker_week"),
            sv.e_bike_gbp_per_worker_week,
        );
        c.non_negative(&format!("{at}.tender.price_cap_gbp_per_hour"), t.price_cap_gbp_per_hour);
        if !(1..=2).contains(&t.leads_per_patch) {
            c.fail(format!("{at}.tender.leads_per_patch"), "expected 1 or 2 lead providers per patch");
        }
        self.rate_floor.check(c, at);
        if !(0.0..=240.0).contains(&self.min_visit_minutes) {
            c.fail(
                format!("{at}.min_visit_minutes"),
                format!("expected 0 (no minimum) to 240 minutes, found {}", self.min_visit_minutes),
            );
        }
        c.share(&format!("{at}.block_share"), self.block_share);
        self.outcomes.check(c, at);
        self.incubator.check(c, at);
    }
}

/// How packages are awarded.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Award {
    /// Any provider on the approved list; brokers ring round.
    Spot,
    /// A tender picks K providers for a term; spot purchase for overflow.
    Framework,
    /// A tender picks `leads_per_patch` lead providers per patch who must take packages there
    /// up to their capacity; overflow goes to the approved list (the reserve) and is counted.
    Zonal,
}

/// The order in which brokers offer a package to providers.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Brokerage {
    CheapestFirst,
    QualityFirst,
    Proximity,
    RoundRobin,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PriceBasis {
    /// The council sets the rate.
    FixedRate,
    /// Framework winners are paid their own bid for the term.
    Bid,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeUplift {
    None,
    /// A fixed annual percentage each April.
    Fixed {
        percent: f64,
    },
    /// Indexed to the National Living Wage's rise each April.
    IndexedToWageFloor,
}

impl FeeUplift {
    /// The factor a rate (or a budget, `council.budget_index`) is multiplied by in an April
    /// whose National Living Wage rose by `nlw_rise`.
    pub fn factor(&self, nlw_rise: f64) -> f64 {
        match *self {
            FeeUplift::None => 1.0,
            FeeUplift::Fixed { percent } => 1.0 + percent / 100.0,
            FeeUplift::IndexedToWageFloor => 1.0 + nlw_rise,
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PaymentBasis {
    /// Electronic call monitoring: paid for minutes in the home; travel and cancellations unpaid.
    ActualMinutes,
    /// Paid for the planned visit time, including short-notice cancellations.
    PlannedHours,
    /// A guaranteed share (`block_share`) of each package's planned hours is paid whatever is
    /// delivered; delivery above it is paid as delivered.
    Block,
    /// Planned hours at a base share of the rate, plus a bonus per delivered hour for
    /// continuity of carer and a bonus per client who regains independence (`[outcomes]`).
    Outcomes,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TenderParams {
    /// Weeks between tenders (the first is at week 0).
    pub every_weeks: u32,
    /// Length of a contract term.
    pub term_weeks: u32,
    /// Number of framework winners.
    pub winners: u32,
    pub scoring: ScoringWeights,
    /// Highest admissible bid (£/h); 0 means no cap.
    pub price_cap_gbp_per_hour: f64,
    /// Lowest inspection rating allowed to bid.
    pub min_rating: Rating,
    /// Zonal award: lead providers per patch (1–2).
    pub leads_per_patch: u32,
    /// TUPE: when a lot changes hands, the outgoing provider's packages there move to the new
    /// lead, and the workers who were their regular carers move with them.
    pub tupe: bool,
    /// A provider that handed back a contract since the last tender may not bid in the next
    /// one (docs/ODD.md §7.9; the discretionary exclusion for early termination of a prior
    /// public contract, Public Contracts Regulations 2015 reg. 57(8)(g)).
    pub exclude_after_handback: bool,
}

impl Default for TenderParams {
    fn default() -> Self {
        Self {
            every_weeks: 156,
            term_weeks: 156,
            winners: 8,
            scoring: ScoringWeights::default(),
            price_cap_gbp_per_hour: 0.0,
            min_rating: Rating::RequiresImprovement,
            leads_per_patch: 1,
            tupe: false,
            exclude_after_handback: true,
        }
    }
}

/// Scoring weights of a tender (sum to 1).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringWeights {
    pub price: f64,
    pub quality: f64,
    pub social_value: f64,
}

impl Default for ScoringWeights {
    fn default() -> Self {
        Self { price: 0.6, quality: 0.4, social_value: 0.0 }
    }
}

/// A floor under the rate the council pays (docs/ODD.md §7.2 `rate_floor`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RateFloor {
    None,
    /// A fixed nominal floor (£/h).
    Fixed {
        gbp_per_hour: f64,
    },
    /// Indexed each April to a wage floor through a transparent cost model (the Homecare
    /// Association's minimum price): wage × (1 + on-costs) × (1 + travel share) + overhead +
    /// margin, with the margin a share of the total.
    Indexed {
        wage: WageFloorName,
        on_cost_rate: f64,
        travel_share: f64,
        overhead_gbp_per_hour: f64,
        margin: f64,
    },
    /// Indexed each April to a wage floor through the full cost model of an hour of care
    /// (`[cost_model]`, docs/ODD.md §7.24): the year's statutory rates, the model's travel,
    /// mileage, training, sickness and business costs, and its margin.
    CostModel {
        wage: WageFloorName,
    },
}

impl RateFloor {
    /// Range checks of `rate_floor` under the commissioning policy at key `at`.
    fn check(&self, c: &mut Checker, at: &str) {
        match *self {
            RateFloor::None | RateFloor::CostModel { .. } => {}
            RateFloor::Fixed { gbp_per_hour } => {
                c.positive(&format!("{at}.rate_floor.gbp_per_hour"), gbp_per_hour)
            }
            RateFloor::Indexed { on_cost_rate, travel_share, overhead_gbp_per_hour, margin, .. } => {
                c.non_negative(&format!("{at}.rate_floor.on_cost_rate"), on_cost_rate);
                c.share(&format!("{at}.rate_floor.travel_share"), travel_share);
                c.non_negative(&format!("{at}.rate_floor.overhead_gbp_per_hour"), overhead_gbp_per_hour);
                if !(0.0..0.5).contains(&margin) {
                    c.fail(
                        format!("{at}.rate_floor.margin"),
                        format!("expected a margin from 0 to 0.5, found {margin}"),
                    );
                }
            }
        }
    }
}

/// Which wage floor a rate floor or a requirement refers to.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WageFloorName {
    NationalLivingWage,
    LondonLivingWage,
}

/// Outcome-based payment terms (used when `payment = "outcomes"`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeTerms {
    /// Share of the rate paid as base on planned hours.
    pub base_share: f64,
    /// Bonus per delivered hour for a client who saw at most `continuity_max_carers` distinct
    /// carers in the last 4 weeks.
    pub continuity_bonus_gbp_per_hour: f64,
    pub continuity_max_carers: u32,
    /// Bonus paid to the provider when one of its clients regains independence.
    pub recovery_bonus_gbp: f64,
}

impl Default for OutcomeTerms {
    fn default() -> Self {
        Self {
            base_share: 0.92,
            continuity_bonus_gbp_per_hour: 3.0,
            continuity_max_carers: 3,
            recovery_bonus_gbp: 1_500.0,
        }
    }
}

impl OutcomeTerms {
    /// Range checks of `outcomes` under the commissioning policy at key `at`.
    fn check(&self, c: &mut Checker, at: &str) {
        c.share(&format!("{at}.outcomes.base_share"), self.base_share);
        c.non_negative(
            &format!("{at}.outcomes.continuity_bonus_gbp_per_hour"),
            self.continuity_bonus_gbp_per_hour,
        );
        c.non_negative(&format!("{at}.outcomes.recovery_bonus_gbp"), self.recovery_bonus_gbp);
        if self.continuity_max_carers == 0 {
            c.fail(format!("{at}.outcomes.continuity_max_carers"), "expected at least 1 carer");
        }
    }
}

/// How a social-value item enters commissioning.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum SocialValueMode {
    #[default]
    None,
    /// A condition of every council package (contract holders and the approved list).
    Required,
    /// Scored in tenders on current practice; what a winner scored on becomes a term of its
    /// contract.
    Scored,
}

/// Social-value requirements or scoring credits (docs/ODD.md §7.9 scoring, §7.10 terms).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SocialValue {
    /// Pay at least the London Living Wage.
    pub london_living_wage: SocialValueMode,
    /// Pay travel time between visits.
    pub paid_travel: SocialValueMode,
    /// Offer guaranteed-hours contracts to at least `guaranteed_hours_min_share` of staff.
    pub guaranteed_hours: SocialValueMode,
    pub guaranteed_hours_min_share: f64,
    /// Recruit estate residents first, towards `local_hiring_share` of the workforce.
    pub local_hiring: SocialValueMode,
    pub local_hiring_share: f64,
    /// Low-emission travel: car users are given e-bikes (the provider pays for them).
    pub low_emission_travel: SocialValueMode,
    pub e_bike_gbp_per_worker_week: f64,
}

impl Default for SocialValue {
    fn default() -> Self {
        Self {
            london_living_wage: SocialValueMode::None,
            paid_travel: SocialValueMode::None,
            guaranteed_hours: SocialValueMode::None,
            guaranteed_hours_min_share: 0.8,
            local_hiring: SocialValueMode::None,
            local_hiring_share: 0.3,
            low_emission_travel: SocialValueMode::None,
            e_bike_gbp_per_worker_week: 8.0,
        }
    }
}

impl SocialValue {
    /// The items and their modes, in a fixed order.
    pub fn items(&self) -> [SocialValueMode; 5] {
        [
            self.london_living_wage,
            self.paid_travel,
            self.guaranteed_hours,
            self.local_hiring,
            self.low_emission_travel,
        ]
    }
    pub fn any_scored(&self) -> bool {
        self.items().contains(&SocialValueMode::Scored)
    }
}

/// The Mission Incubator: cohorts of new local providers with start-up support (docs/ODD.md §7.22).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Incubator {
    pub enabled: bool,
    /// First cohort's week (after the reform date), and weeks between cohorts.
    pub first_cohort_week: u32,
    pub cohort_every_weeks: u32,
    /// New providers per cohort, alternating co-op and micro-provider kinds.
    pub cohort_size: u32,
    /// Number of cohorts at most.
    pub cohorts: u32,
    /// Start-up grant per new provider (cash at entry, from the incubator budget).
    pub startup_grant_gbp: f64,
    /// Weeks from entry during which brokers offer the provider packages first, up to
    /// `guaranteed_worker_hours_per_week`.
    pub guaranteed_package_weeks: u32,
    pub guaranteed_worker_hours_per_week: f64,
    /// Capability support: multiplier on the speed of quality growth while supported, and
    /// its cost per provider-week.
    pub quality_growth_multiplier: f64,
    pub support_gbp_per_provider_week: f64,
    /// Weeks of capability support after entry.
    pub support_weeks: u32,
    /// Total incubator budget (grants and support); nothing is spent beyond it.
    pub budget_gbp: f64,
    /// Incubated providers recruit estate residents first.
    pub estate_hiring_first: bool,
    /// Under estate-first hiring, the estate residents' share of its staff an incubated provider
    /// recruits towards by outreach, at least (docs/ODD.md §7.22).
    pub estate_hiring_min_share: f64,
}

impl Default for Incubator {
    fn default() -> Self {
        Self {
            enabled: false,
            first_cohort_week: 13,
            cohort_every_weeks: 52,
            cohort_size: 3,
            cohorts: 3,
            startup_grant_gbp: 40_000.0,
            guaranteed_package_weeks: 104,
            guaranteed_worker_hours_per_week: 400.0,
            quality_growth_multiplier: 2.0,
            support_gbp_per_provider_week: 300.0,
            support_weeks: 104,
            budget_gbp: 900_000.0,
            estate_hiring_first: true,
            estate_hiring_min_share: 0.5,
        }
    }
}

impl Incubator {
    /// Range checks of `incubator` under the commissioning policy at key `at` (only if enabled).
    fn check(&self, c: &mut Checker, at: &str) {
        if self.enabled {
            if self.cohort_every_weeks == 0 {
                c.fail(format!("{at}.incubator.cohort_every_weeks"), "expected at least 1 week");
            }
            c.non_negative(&format!("{at}.incubator.startup_grant_gbp"), self.startup_grant_gbp);
            c.share(&format!("{at}.incubator.estate_hiring_min_share"), self.estate_hiring_min_share);
            c.non_negative(
                &format!("{at}.incubator.guaranteed_worker_hours_per_week"),
                self.guaranteed_worker_hours_per_week,
            );
            c.count_at_most(
                &format!("{at}.incubator.cohort_size"),
                u64::from(self.cohort_size) * u64::from(self.cohorts),
                MAX_PROVIDERS.into(),
                "incubated providers (cohort_size × cohorts)",
            );
            if !(self.quality_growth_multiplier >= 1.0 && self.quality_growth_multiplier.is_finite()) {
                c.fail(
                    format!("{at}.incubator.quality_growth_multiplier"),
                    "expected at least 1 (support never slows growth)",
                );
            }
            c.non_negative(
                &format!("{at}.incubator.support_gbp_per_provider_week"),
                self.support_gbp_per_provider_week,
            );
            c.non_negative(&format!("{at}.incubator.budget_gbp"), self.budget_gbp);
        }
    }
}
