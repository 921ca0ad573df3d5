//! `[providers]`: supplier agents' decision-rule parameters, the provider kinds and the
//! inspection ratings; with their range checks.

use serde::{Deserialize, Serialize};

use super::MAX_PROVIDERS;
use crate::scenario::validate::Checker;

/// Largest hiring target as a multiple of the heads committed hours need (`providers.hiring_buffer`).
pub const MAX_HIRING_BUFFER: f64 = 10.0;
/// Largest smallest team (`providers.min_team`): every initial provider is staffed to at least it.
pub const MAX_MIN_TEAM: u32 = 100;

/// Supplier agents: their decision rules' parameters (never their outcomes).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderParams {
    pub initial_count: u32,
    pub kinds: Vec<KindParams>,
    /// Sd of the log caseload size of initial providers, beyond their kind's weight.
    pub size_log_sd: f64,
    /// Patches an initial provider serves (its home patch and neighbours), at most.
    pub initial_patches_max: u32,
    /// Employer on-costs (NI, pension, holiday pay) as a share of gross pay.
    pub on_cost_rate: f64,
    /// Variable admin cost per contact hour (call monitoring, insurance, supervision).
    pub admin_gbp_per_contact_hour: f64,
    /// One-off cost of recruiting and inducting a worker.
    pub recruitment_gbp_per_hire: f64,
    /// What a leaver costs the provider in all (recruitment, training, agency cover, a new
    /// worker's time to full efficiency), as it weighs retention in its contract-mix and
    /// travel-pay decisions (docs/ODD.md §7.10); at prices of the first burn-in year.
    pub turnover_cost_gbp_per_leaver: f64,
    /// Share of providers that pay at least the NLW for all working time, travel included.
    pub nmw_travel_compliance_share: f64,
    /// Initial wage premium over the NLW (mean, sd).
    pub initial_wage_premium_mean: f64,
    pub initial_wage_premium_sd: f64,
    /// Initial cash reserve in weeks of costs (lognormal mean; sd of log).
    pub initial_cash_weeks: f64,
    pub initial_cash_log_sd: f64,
    /// Weeks between a provider's wage reviews.
    pub wage_review_every_weeks: u32,
    /// Largest wage rise per review.
    pub wage_step: f64,
    /// Share of the margin headroom (margin above `min_margin_after_raise`, as a wage rise)
    /// a provider spends on pay per review under full pressure (vacancies at `vacancy_trigger`
    /// or turnover at `turnover_trigger` or above).
    pub wage_headroom_share: f64,
    /// Vacancy rate over the review period at which the provider takes a full wage step; below
    /// it the rise is proportional to the vacancy rate.
    pub vacancy_trigger: f64,
    /// Annual staff turnover over the review period at which the provider takes a full wage
    /// step for retention; below it the rise is proportional (the larger of the vacancy and
    /// the turnover pressure counts). 0 switches the retention motive off.
    pub turnover_trigger: f64,
    /// Operating margin the provider must keep after a wage rise.
    pub min_margin_after_raise: f64,
    /// If false, wage review is frozen: wages only follow the legal floor (for mediation tests).
    pub wage_review_enabled: bool,
    /// Weekly coordination cost per client of rostering a named cover carer (continuity).
    pub named_cover_gbp_per_client_week: f64,
    /// Share of staff on guaranteed-hours contracts in the initial market (before providers
    /// have income history to decide the mix by).
    pub initial_guaranteed_share: f64,
    /// Contract mix (docs/ODD.md §7.10): the share of the expected cost of idle guaranteed
    /// hours (income shortfalls below the hours guaranteed) that the provider cannot redeploy
    /// and so counts against the retention saving of a guaranteed contract.
    pub guarantee_idle_cost_share: f64,
    /// Sd across posts of the log ratio of a guaranteed contract's saving to its cost: the
    /// guaranteed share is the share of posts where the saving exceeds the cost.
    pub guarantee_choice_log_sd: f64,
    /// How a provider sets its contract mix (docs/ODD.md §7.10): `choice` (the default) weighs
    /// the retention saving of guaranteed hours against their idle cost; `rule` keeps
    /// `initial_guaranteed_share` as a fixed house policy. A structural alternative for
    /// sensitivity studies (docs/SENSITIVITY.md).
    pub contract_mix: ContractMix,
    /// Margin needed to start paying travel time voluntarily.
    pub travel_pay_min_margin: f64,
    /// Hiring target as a multiple of the heads its committed hours need (1 = no proportional
    /// buffer).
    pub hiring_buffer: f64,
    /// Posts a provider recruits for ahead of the heads its committed hours need, whatever its
    /// size: its rolling recruitment pipeline (docs/ODD.md §7.10, "Hiring target").
    pub hiring_buffer_heads: f64,
    /// Package acceptance: committed worker time may exceed current capacity by this share,
    /// counting on hires.
    pub overbooking: f64,
    /// Training spend per worker per week when the margin is positive (halved otherwise).
    pub training_gbp_per_worker_week: f64,
    /// Weekly speed at which quality moves towards its target.
    pub quality_adjustment_per_week: f64,
    /// Sd across providers of management quality, a persistent shift of each provider's quality
    /// target (docs/ODD.md §7.19).
    pub management_quality_sd: f64,
    /// Quality target = floor + training·(training spend / its norm, capped at 1)
    /// + experience·(share of workers past competence) + reliability·(share of hours delivered).
    pub quality_floor: f64,
    pub quality_weight_training: f64,
    pub quality_weight_experience: f64,
    pub quality_weight_reliability: f64,
    /// Smallest team a provider keeps recruiting for, even without clients.
    pub min_team: u32,
    /// Weeks a package's margin must stay negative before it is handed back.
    pub handback_after_negative_weeks: u32,
    /// Notice a provider must serve on a tendered contract after deciding to hand it back
    /// (weeks of continued delivery at the contract's terms).
    pub contract_notice_weeks: u32,
    /// A provider delivering less than this share of its hours for `handback_after_negative_weeks`
    /// weeks hands back packages it cannot staff until its committed time fits its capacity.
    pub understaffing_handback_fill: f64,
    /// Weeks cash must stay below zero before the provider exits.
    pub exit_after_negative_cash_weeks: u32,
    /// Weeks a provider's running margin (a quarter's average) must stay below zero before it
    /// withdraws from the borough (docs/ODD.md §7.17); 0 = never withdraws. Entrants do not
    /// withdraw while their overhead is still ramping up.
    pub withdraw_after_loss_weeks: u32,
    /// Radius (km, centroid to centroid) of a provider's service area around its base patch:
    /// brokers refer packages only to providers covering the client's patch (docs/ODD.md §7.7).
    pub service_radius_km: f64,
    /// Multiplies every kind's `overhead_gbp_per_week`: the kinds' overheads relative to one
    /// another are assumed, their level is fitted to the closure rate (docs/CALIBRATION.md §4).
    pub overhead_scale: f64,
    /// Quality (0-1) of a new provider before it has a record of its own (docs/ODD.md §7.18).
    pub entrant_quality: f64,
    /// Weekly chance of an entry attempt at zero expected margin, and its rise per unit of
    /// expected margin.
    pub entry_base_per_week: f64,
    pub entry_per_expected_margin: f64,
    /// How far entry answers the share of the market an entrant cannot reach: council packages
    /// placed under a contract (docs/ODD.md §7.18). 1 = in full, 0 = entry is blind to it.
    pub entry_access_weight: f64,
    /// An entrant's overhead starts at this share of its kind's (an owner-manager does the
    /// coordinating) and rises linearly to the full overhead over `entrant_ramp_weeks`.
    pub entrant_overhead_share: f64,
    pub entrant_ramp_weeks: u32,
    /// Start-up cash of an entrant.
    pub entrant_cash_gbp: f64,
    /// Bid markup: initial, step after a win or loss, bounds.
    pub markup_initial: f64,
    pub markup_step: f64,
    pub markup_min: f64,
    pub markup_max: f64,
    /// Added markup per unit of non-price weight in a tender's scoring: bidders shade their
    /// price up when price counts for less (a 1% higher bid costs `price weight` × 1% of score).
    pub markup_per_non_price_weight: f64,
    /// Sd of the relative error in a bidder's forecast of its unit cost in a lot.
    pub bid_cost_forecast_error_sd: f64,
    /// Share (0-1) of the care workers of a provider closing by insolvency or withdrawal who
    /// follow their regular clients to the providers that take them on (docs/ODD.md §7.17); the
    /// rest go to the pool. 0 as shipped (the calibration was fitted without it); a failure
    /// shock has its own share.
    pub workers_follow_clients_share: f64,
    /// Share (0-1) of the winner's-curse correction bidders apply (docs/ODD.md §7.9): a bidder
    /// raises its cost estimate by the bias expected of a winner's estimate, given the number
    /// of bidders and winners and `bid_cost_forecast_error_sd`. 0 is naive bidding.
    pub winners_curse_correction: f64,
}

impl Default for ProviderParams {
    fn default() -> Self {
        let k = |kind, share, overhead, size_weight, local| KindParams {
            kind,
            share,
            overhead_gbp_per_week: overhead,
            size_weight,
            local,
        };
        Self {
            initial_count: 40,
            kinds: vec![
                k(ProviderKind::NationalChain, 0.20, 1000.0, 3.0, false),
                k(ProviderKind::LocalSme, 0.60, 450.0, 1.0, true),
                k(ProviderKind::CoopSocial, 0.05, 400.0, 0.8, true),
                k(ProviderKind::Micro, 0.15, 200.0, 0.25, true),
            ],
            size_log_sd: 0.6,
            initial_patches_max: 3,
            on_cost_rate: 0.22,
            admin_gbp_per_contact_hour: 4.5,
            recruitment_gbp_per_hire: 600.0,
            turnover_cost_gbp_per_leaver: 7870.0,
            nmw_travel_compliance_share: 0.8,
            initial_wage_premium_mean: 0.08,
            initial_wage_premium_sd: 0.07,
            initial_cash_weeks: 6.0,
            initial_cash_log_sd: 0.6,
            wage_review_every_weeks: 13,
            wage_step: 0.1,
            wage_headroom_share: 0.79969,
            named_cover_gbp_per_client_week: 4.0,
            vacancy_trigger: 0.16,
            turnover_trigger: 0.3,
            min_margin_after_raise: 0.067593,
            wage_review_enabled: true,
            initial_guaranteed_share: 0.6,
            guarantee_idle_cost_share: 0.089199,
            guarantee_choice_log_sd: 1.0,
            contract_mix: ContractMix::Choice,
            travel_pay_min_margin: 0.04,
            hiring_buffer: 1.0,
            hiring_buffer_heads: 3.3557,
            overbooking: 0.2,
            training_gbp_per_worker_week: 8.0,
            quality_adjustment_per_week: 0.03,
            management_quality_sd: 0.03,
            quality_floor: 0.2,
            quality_weight_training: 0.25,
            quality_weight_experience: 0.35,
            quality_weight_reliability: 0.2,
            min_team: 2,
            handback_after_negative_weeks: 8,
            contract_notice_weeks: 13,
            understaffing_handback_fill: 0.78,
            exit_after_negative_cash_weeks: 8,
            withdraw_after_loss_weeks: 0,
            service_radius_km: 2.5,
            overhead_scale: 0.34564,
            entrant_quality: 0.425,
            entry_base_per_week: 0.045802,
            entry_per_expected_margin: 1.0,
            entry_access_weight: 1.0,
            entrant_overhead_share: 0.35,
            entrant_ramp_weeks: 52,
            entrant_cash_gbp: 40_000.0,
            markup_initial: 0.08,
            markup_step: 0.01,
            markup_min: -0.10,
            markup_max: 0.30,
            markup_per_non_price_weight: 0.15,
            bid_cost_forecast_error_sd: 0.08,
            winners_curse_correction: 1.0,
            workers_follow_clients_share: 0.0,
        }
    }
}

impl ProviderParams {
    /// Range checks of `[providers]`, including the provider kinds.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        if self.kinds.is_empty() {
            c.fail("providers.kinds", "expected at least one provider kind");
        } else {
            c.sums_to_one("providers.kinds", &self.kinds.iter().map(|k| k.share).collect::<Vec<_>>());
        }
        for (i, k) in self.kinds.iter().enumerate() {
            c.share(&format!("providers.kinds[{i}].share"), k.share);
            c.non_negative(&format!("providers.kinds[{i}].overhead_gbp_per_week"), k.overhead_gbp_per_week);
            c.positive(&format!("providers.kinds[{i}].size_weight"), k.size_weight);
        }
        if self.initial_count == 0 {
            c.fail("providers.initial_count", "expected at least one provider");
        }
        c.count_at_most(
            "providers.initial_count",
            self.initial_count.into(),
            MAX_PROVIDERS.into(),
            "providers",
        );
        for (k, v) in [
            ("providers.initial_wage_premium_mean", self.initial_wage_premium_mean),
            ("providers.min_margin_after_raise", self.min_margin_after_raise),
            ("providers.travel_pay_min_margin", self.travel_pay_min_margin),
            ("providers.markup_initial", self.markup_initial),
            ("providers.markup_min", self.markup_min),
            ("providers.markup_max", self.markup_max),
        ] {
            c.between(k, v, -1.0, 1.0, "a share of pay, cost or price");
        }
        if self.initial_patches_max == 0 {
            c.fail("providers.initial_patches_max", "expected at least 1");
        }
        c.dispersion("providers.size_log_sd", self.size_log_sd);
        c.non_negative("providers.on_cost_rate", self.on_cost_rate);
        c.non_negative("providers.admin_gbp_per_contact_hour", self.admin_gbp_per_contact_hour);
        c.non_negative("providers.recruitment_gbp_per_hire", self.recruitment_gbp_per_hire);
        c.non_negative("providers.turnover_cost_gbp_per_leaver", self.turnover_cost_gbp_per_leaver);
        c.dispersion("providers.initial_wage_premium_sd", self.initial_wage_premium_sd);
        c.positive("providers.initial_cash_weeks", self.initial_cash_weeks);
        c.dispersion("providers.initial_cash_log_sd", self.initial_cash_log_sd);
        if self.wage_review_every_weeks == 0 {
            c.fail("providers.wage_review_every_weeks", "expected at least 1 week");
        }
        c.non_negative("providers.wage_step", self.wage_step);
        c.share("providers.wage_headroom_share", self.wage_headroom_share);
        c.share("providers.vacancy_trigger", self.vacancy_trigger);
        c.non_negative("providers.turnover_trigger", self.turnover_trigger);
        for (k, v) in [
            ("providers.initial_guaranteed_share", self.initial_guaranteed_share),
            ("providers.guarantee_idle_cost_share", self.guarantee_idle_cost_share),
            ("providers.overbooking", self.overbooking),
            ("providers.understaffing_handback_fill", self.understaffing_handback_fill),
            ("providers.entrant_overhead_share", self.entrant_overhead_share),
            ("providers.nmw_travel_compliance_share", self.nmw_travel_compliance_share),
            ("providers.quality_adjustment_per_week", self.quality_adjustment_per_week),
            ("providers.entry_base_per_week", self.entry_base_per_week),
            ("providers.entry_access_weight", self.entry_access_weight),
            ("providers.quality_floor", self.quality_floor),
            ("providers.quality_weight_training", self.quality_weight_training),
            ("providers.quality_weight_experience", self.quality_weight_experience),
            ("providers.quality_weight_reliability", self.quality_weight_reliability),
            ("providers.winners_curse_correction", self.winners_curse_correction),
            ("providers.workers_follow_clients_share", self.workers_follow_clients_share),
        ] {
            c.share(k, v);
        }
        c.dispersion("providers.guarantee_choice_log_sd", self.guarantee_choice_log_sd);
        c.dispersion("providers.management_quality_sd", self.management_quality_sd);
        // At most 10: a provider's vacancies (and the estate residents its outreach draws) are
        // its hiring target less its staff, so a vast multiple would be a vast draw of workers.
        if !(1.0..=MAX_HIRING_BUFFER).contains(&self.hiring_buffer) {
            c.fail(
                "providers.hiring_buffer",
                format!("expected a multiple from 1 to {MAX_HIRING_BUFFER}, found {}", self.hiring_buffer),
            );
        }
        if !(0.0..=MAX_MIN_TEAM as f64).contains(&self.hiring_buffer_heads) {
            c.fail(
                "providers.hiring_buffer_heads",
                format!(
                    "expected a number of posts from 0 to {MAX_MIN_TEAM}, found {}",
                    self.hiring_buffer_heads
                ),
            );
        }
        // Each initial provider is staffed to at least `min_team` workers.
        c.count_at_most("providers.min_team", self.min_team.into(), MAX_MIN_TEAM.into(), "workers");
        c.non_negative("providers.training_gbp_per_worker_week", self.training_gbp_per_worker_week);
        if self.handback_after_negative_weeks == 0 {
            c.fail("providers.handback_after_negative_weeks", "expected at least 1 week");
        }
        if self.exit_after_negative_cash_weeks == 0 {
            c.fail("providers.exit_after_negative_cash_weeks", "expected at least 1 week");
        }
        let qmax = self.quality_floor
            + self.quality_weight_training
            + self.quality_weight_experience
            + self.quality_weight_reliability;
        if qmax > 1.0 + 1e-9 {
            c.fail(
                "providers.quality_floor",
                format!("expected quality floor plus weights ≤ 1, found {qmax}"),
            );
        }
        c.non_negative("providers.entry_per_expected_margin", self.entry_per_expected_margin);
        c.non_negative("providers.service_radius_km", self.service_radius_km);
        c.non_negative("providers.overhead_scale", self.overhead_scale);
        c.share("providers.entrant_quality", self.entrant_quality);
        c.positive("providers.entrant_cash_gbp", self.entrant_cash_gbp);
        // The markups' order, once each is finite (a non-finite one is reported above).
        let markups_finite =
            [self.markup_initial, self.markup_min, self.markup_max].iter().all(|v| v.is_finite());
        if markups_finite && self.markup_min > self.markup_max {
            c.fail("providers.markup_min", "expected markup_min ≤ markup_max");
        }
        if markups_finite && (self.markup_initial < self.markup_min || self.markup_initial > self.markup_max)
        {
            c.fail("providers.markup_initial", "expected a value between markup_min and markup_max");
        }
        c.non_negative("providers.markup_step", self.markup_step);
        c.non_negative("providers.markup_per_non_price_weight", self.markup_per_non_price_weight);
        c.dispersion("providers.bid_cost_forecast_error_sd", self.bid_cost_forecast_error_sd);
    }
}

/// Cost structure and start-up of one kind of provider.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KindParams {
    pub kind: ProviderKind,
    /// Share of initial providers of this kind, and of entrants.
    pub share: f64,
    /// Fixed overhead (registered manager, coordinators, office) per week.
    pub overhead_gbp_per_week: f64,
    /// Relative size weight: initial caseloads are drawn in proportion to it.
    pub size_weight: f64,
    /// Whether the provider is based in the borough (its spend counts as local).
    pub local: bool,
}

/// The kinds of provider, with their cost structures.
/// How providers set their share of guaranteed-hours posts (docs/ODD.md §7.10).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ContractMix {
    /// Guaranteed hours where the retention they buy is worth their idle cost.
    #[default]
    Choice,
    /// A fixed share, `initial_guaranteed_share`, whatever the provider's income risk.
    Rule,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    NationalChain,
    LocalSme,
    CoopSocial,
    Micro,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 4] = [Self::NationalChain, Self::LocalSme, Self::CoopSocial, Self::Micro];

    pub fn name(self) -> &'static str {
        match self {
            Self::NationalChain => "national_chain",
            Self::LocalSme => "local_sme",
            Self::CoopSocial => "coop_social",
            Self::Micro => "micro",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Inspection ratings (CQC-style), ordered from worst to best.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Inadequate,
    RequiresImprovement,
    Good,
    Outstanding,
}

impl Rating {
    /// The rating's name in output tables (as in scenario files).
    pub fn name(self) -> &'static str {
        match self {
            Self::Inadequate => "inadequate",
            Self::RequiresImprovement => "requires_improvement",
            Self::Good => "good",
            Self::Outstanding => "outstanding",
        }
    }

    pub fn score(self) -> f64 {
        match self {
            Self::Inadequate => 0.0,
            Self::RequiresImprovement => 1.0 / 3.0,
            Self::Good => 2.0 / 3.0,
            Self::Outstanding => 1.0,
        }
    }
}
