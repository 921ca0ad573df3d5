//! The scenario file schema. Each struct is one TOML table; every field has a default (the
//! Camden status quo, sources in docs/CALIBRATION.md) and unknown keys are rejected.
//!
//! No field here is an outcome of the model: wages, contract mix, travel, turnover, exits and
//! unmet need all emerge from the agents' rules. Fields set *behaviour* (how fast a provider
//! reviews wages) or *environment* (how many people need care), never a result.

use serde::{Deserialize, Serialize};

/// The largest number of patches a scenario may define (patch arrays are fixed-size).
pub const MAX_PATCHES: usize = 16;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used in tables and folder names.
    pub name: String,
    /// One line saying what the scenario represents.
    pub description: String,
    /// A scenario file this one builds on (path relative to this file): its values apply
    /// first and this file's keys override them (tables merge key by key; arrays replace).
    /// `name` and `description` are never inherited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    pub run: RunSettings,
    pub calendar: Calendar,
    pub wage_floor: WageFloor,
    pub geography: Geography,
    pub clients: ClientParams,
    pub self_funders: SelfFunderParams,
    pub workforce: WorkforceParams,
    pub providers: ProviderParams,
    pub council: CouncilParams,
    /// The policy in force from week 0 (the reform date).
    pub commissioning: Commissioning,
    /// The policy during burn-in. Every scenario burns in under the status quo, so this is
    /// normally left at its default; a file that changes it no longer shares the baseline's
    /// starting state.
    pub burn_in: BurnIn,
    /// Weights of the composite mission score (outcome reporting only; never read by agents).
    pub mission: MissionWeights,
    /// Scheduled shocks (`[[shocks]]`): events that hit the market at a model week ≥ 0. A
    /// shock file (`careshape run --shock`) adds its shocks to these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<Shock>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: "status-quo".into(),
            description: "Spot purchase at a council-set rate from an approved list, paid on \
                          actual minutes"
                .into(),
            extends: None,
            run: RunSettings::default(),
            calendar: Calendar::default(),
            wage_floor: WageFloor::default(),
            geography: Geography::default(),
            clients: ClientParams::default(),
            self_funders: SelfFunderParams::default(),
            workforce: WorkforceParams::default(),
            providers: ProviderParams::default(),
            council: CouncilParams::default(),
            commissioning: Commissioning::default(),
            burn_in: BurnIn::default(),
            mission: MissionWeights::default(),
            shocks: Vec::new(),
        }
    }
}

/// Run length; the CLI may override `weeks`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RunSettings {
    /// Weeks simulated after burn-in (the policy period).
    pub weeks: u32,
    /// Weeks of burn-in under the status quo before the reform (written, flagged, excluded
    /// from summaries).
    pub burn_in_weeks: u32,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self { weeks: 260, burn_in_weeks: 52 }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BurnIn {
    pub commissioning: Commissioning,
}

/// Where week 0 sits in the calendar, so that April uplifts fall on the right weeks.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Calendar {
    /// Calendar year of the reform date (week 0).
    pub reform_year: i32,
    /// Week of the year (1–52) of the reform date. Default 40: the Camden contract starts in
    /// October 2026.
    pub reform_week_of_year: u32,
    /// Week of the year in which wage floors and fee uplifts take effect (1 April ≈ week 14).
    pub uplift_week_of_year: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Self { reform_year: 2026, reform_week_of_year: 40, uplift_week_of_year: 14 }
    }
}

/// One year's value of a wage floor (in force from that year's April).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct YearValue {
    pub year: i32,
    pub gbp_per_hour: f64,
}

/// The statutory and voluntary wage floors, and general cost inflation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WageFloor {
    /// National Living Wage (legal minimum for paid hours), by year from April.
    pub national_living_wage: Vec<YearValue>,
    /// London Living Wage (voluntary unless a contract requires it), by year.
    pub london_living_wage: Vec<YearValue>,
    /// Annual uplift of both floors in years beyond the data (assumed).
    pub annual_uplift_beyond_data: f64,
    /// Annual inflation of providers' non-wage costs (overheads), applied each April.
    pub cost_inflation: f64,
    /// The outside option of care workers (retail, hospitality) as a premium over the NLW.
    pub outside_wage_premium_over_nlw: f64,
}

impl Default for WageFloor {
    fn default() -> Self {
        let yv = |year, gbp_per_hour| YearValue { year, gbp_per_hour };
        Self {
            national_living_wage: vec![yv(2023, 10.42), yv(2024, 11.44), yv(2025, 12.21)],
            london_living_wage: vec![yv(2023, 13.15), yv(2024, 13.85), yv(2025, 14.80)],
            annual_uplift_beyond_data: 0.04,
            cost_inflation: 0.03,
            outside_wage_premium_over_nlw: 0.04,
        }
    }
}

/// A travel mode of care workers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TravelMode {
    pub name: String,
    /// Door-to-door speed between visits, including waiting and parking.
    pub speed_kmh: f64,
    pub co2_kg_per_km: f64,
    /// Share of care workers using this mode (shares sum to 1).
    pub share: f64,
    /// Mileage paid by the employer per km (car only, usually).
    pub mileage_gbp_per_km: f64,
}

/// A neighbourhood of the borough.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    pub name: String,
    pub centroid_km: [f64; 2],
    pub area_km2: f64,
    /// Share of the borough's care demand (council and self-funded) living here.
    pub demand_share: f64,
    /// Share of households here that live on council estates.
    pub estate_share: f64,
    /// Share of in-borough care workers living here.
    pub labour_share: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Geography {
    pub patches: Vec<Patch>,
    pub travel_modes: Vec<TravelMode>,
    /// Share of care workers who live outside the borough.
    pub outside_borough_worker_share: f64,
    /// Factor on the BHH tour length because timed visits (mornings, meals, bedtime) cannot be
    /// ordered freely.
    pub time_window_factor: f64,
    /// Visit runs per day (morning, lunch, tea, bed): the visits of one run form one tour.
    pub runs_per_day: f64,
    /// Below this many worker-hours a week in a patch, a provider has no dedicated round there
    /// and its workers hop in from another patch.
    pub min_round_hours: f64,
    /// Time per visit spent getting in and out (parking, stairs, door entry, call logging),
    /// on top of the journey itself (minutes).
    pub access_minutes_per_visit: f64,
}

impl Default for Geography {
    fn default() -> Self {
        // Six patches for Camden (assumed; the borough is 21.8 km²), north to south.
        let p = |name: &str, x, y, area, demand, estate, labour| Patch {
            name: name.into(),
            centroid_km: [x, y],
            area_km2: area,
            demand_share: demand,
            estate_share: estate,
            labour_share: labour,
        };
        let mode = |name: &str, speed, co2, share, mileage| TravelMode {
            name: name.into(),
            speed_kmh: speed,
            co2_kg_per_km: co2,
            share,
            mileage_gbp_per_km: mileage,
        };
        Self {
            patches: vec![
                p("Highgate & Hampstead", 1.5, 6.0, 5.2, 0.12, 0.15, 0.10),
                p("Gospel Oak & Kentish Town", 3.5, 4.5, 3.4, 0.20, 0.40, 0.22),
                p("West Hampstead & Kilburn", 0.5, 3.5, 3.6, 0.16, 0.30, 0.18),
                p("Camden Town & Primrose Hill", 3.0, 2.8, 3.0, 0.17, 0.35, 0.16),
                p("Somers Town & Regent's Park", 4.0, 1.5, 3.2, 0.20, 0.50, 0.22),
                p("Holborn & Bloomsbury", 4.5, 0.2, 3.4, 0.15, 0.30, 0.12),
            ],
            travel_modes: vec![
                mode("walk", 4.5, 0.0, 0.40, 0.0),
                mode("cycle", 11.0, 0.0, 0.05, 0.0),
                mode("public_transport", 9.0, 0.035, 0.40, 0.0),
                mode("car", 14.0, 0.17, 0.15, 0.28),
            ],
            outside_borough_worker_share: 0.55,
            time_window_factor: 1.6,
            runs_per_day: 4.0,
            min_round_hours: 30.0,
            access_minutes_per_visit: 4.0,
        }
    }
}

/// People drawing on council-funded care.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ClientParams {
    /// Clients receiving care at the start of burn-in.
    pub initial_clients: u32,
    /// New council-funded packages per week (Poisson; exogenous, never tuned to a caseload).
    pub arrivals_per_week: f64,
    /// Mean assessed contact hours per week (lognormal).
    pub assessed_hours_mean: f64,
    /// Coefficient of variation of assessed hours.
    pub assessed_hours_cv: f64,
    /// Visit lengths in hours and their probabilities.
    pub visit_length_hours: Vec<f64>,
    pub visit_length_probabilities: Vec<f64>,
    /// Share of packages needing two carers at each visit.
    pub double_handed_share: f64,
    /// Weekly hazards of leaving care.
    pub death_per_week: f64,
    pub residential_care_per_week: f64,
    pub recovery_per_week: f64,
    /// Relative rise of the residential-care hazard per unit of unmet-need share in the
    /// client's last 4 weeks (deterioration, MODEL.md §5.8).
    pub deterioration_per_unmet_share: f64,
    /// Relative rise of the residential-care hazard per week spent waiting.
    pub deterioration_per_week_waiting: f64,
    /// Share of visits cancelled at short notice (hospital stays, family cover).
    pub short_notice_cancellation_share: f64,
    /// Time in the home recorded by call monitoring as a share of the planned visit time.
    pub actual_to_planned_minutes: f64,
    /// Days a week a regular carer works; visits on other days go to cover carers.
    pub carer_days_per_week: f64,
}

impl Default for ClientParams {
    fn default() -> Self {
        Self {
            initial_clients: 2000,
            arrivals_per_week: 15.0,
            assessed_hours_mean: 11.0,
            assessed_hours_cv: 0.6,
            visit_length_hours: vec![0.25, 0.5, 0.75, 1.0],
            visit_length_probabilities: vec![0.07, 0.50, 0.20, 0.23],
            double_handed_share: 0.24,
            death_per_week: 0.0040,
            residential_care_per_week: 0.0018,
            recovery_per_week: 0.0017,
            deterioration_per_unmet_share: 2.0,
            deterioration_per_week_waiting: 0.05,
            short_notice_cancellation_share: 0.04,
            actual_to_planned_minutes: 0.93,
            carer_days_per_week: 5.0,
        }
    }
}

/// Privately paid homecare, which providers may serve instead of council packages.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SelfFunderParams {
    /// Self-funded contact hours demanded per week across the borough (split by patch demand).
    pub hours_per_week: f64,
    /// Hourly fee paid by self-funders.
    pub private_rate_gbp_per_hour: f64,
    /// Share of a provider's spare capacity it offers to self-funders each week.
    pub uptake_of_spare_capacity: f64,
}

impl Default for SelfFunderParams {
    fn default() -> Self {
        Self { hours_per_week: 5000.0, private_rate_gbp_per_hour: 31.0, uptake_of_spare_capacity: 0.25 }
    }
}

/// Care workers and the finite labour pool.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WorkforceParams {
    /// People between care jobs or newly entering care work at the start.
    pub pool_initial: u32,
    /// New entrants to care work per week (incl. international recruitment).
    pub pool_inflow_per_week: f64,
    /// Elasticity of new entrants to the wage: inflow = pool_inflow_per_week ×
    /// (market wage net of unpaid travel / outside wage)^elasticity.
    pub inflow_wage_elasticity: f64,
    /// Local outreach: estate residents newly recruited into care work per week per vacancy
    /// by a provider with a local-hiring term whose estate share is below its target.
    pub estate_outreach_per_vacancy_week: f64,
    /// Weekly chance that someone in the pool leaves the sector.
    pub pool_outflow_per_week: f64,
    /// How far below the outside wage (in logs) the typical reservation wage for care work
    /// lies: many care workers value the work itself.
    pub intrinsic_motivation_log: f64,
    /// Sd of the log reservation wage.
    pub reservation_wage_log_sd: f64,
    /// Hours a week a worker wants (mean and sd, normal, clamped to 8–48).
    pub desired_hours_mean: f64,
    pub desired_hours_sd: f64,
    /// Guaranteed hours as a share of desired hours on a guaranteed-hours contract.
    pub guaranteed_share_of_desired: f64,
    /// Weekly chance that a worker is absent (sick, on leave) and delivers nothing.
    pub absence_per_week: f64,
    /// Quit hazard per week: base + wage_gap·(relative shortfall of effective wage below the
    /// outside option) + insecurity·(zero-hours) + underemployment·(hours shortfall share)
    /// + travel_burden·(unpaid travel share).
    pub quit_base_per_week: f64,
    pub quit_wage_gap: f64,
    pub quit_insecurity: f64,
    pub quit_underemployment: f64,
    pub quit_travel_burden: f64,
    /// Share of quitters who stay in care work (go to the pool) rather than leave the sector.
    pub quitters_to_pool_share: f64,
    /// Weekly chance that an employed worker looks at other providers' vacancies.
    pub on_the_job_search_per_week: f64,
    /// Utility gain (£/h equivalent) needed to move employer.
    pub switch_threshold_gbp: f64,
    /// Value to a worker (£/h equivalent) of a guaranteed-hours contract.
    pub value_of_guaranteed_hours_gbp: f64,
    /// Cost to a worker (£/h equivalent) per km between home and the provider's patches.
    pub distance_cost_gbp_per_km: f64,
    /// Vacancies a job seeker learns of in a week (search frictions): they choose the best of
    /// this many providers with open posts, drawn at random.
    pub vacancies_seen_per_search: u32,
    /// Sd of workers' idiosyncratic taste for an employer (£/h equivalent).
    pub employer_taste_sd_gbp: f64,
    /// Weeks a worker's tenure must reach to count as trained (affects quality).
    pub weeks_to_competence: f64,
}

impl Default for WorkforceParams {
    fn default() -> Self {
        Self {
            pool_initial: 60,
            pool_inflow_per_week: 8.431680,
            inflow_wage_elasticity: 2.0,
            estate_outreach_per_vacancy_week: 0.05,
            pool_outflow_per_week: 0.04,
            intrinsic_motivation_log: 0.15,
            reservation_wage_log_sd: 0.06,
            desired_hours_mean: 32.0,
            desired_hours_sd: 8.0,
            guaranteed_share_of_desired: 0.8,
            absence_per_week: 0.04,
            quit_base_per_week: 0.000372,
            quit_wage_gap: 0.038548,
            quit_insecurity: 0.0015,
            quit_underemployment: 0.004,
            quit_travel_burden: 0.004,
            quitters_to_pool_share: 0.5,
            on_the_job_search_per_week: 0.01,
            switch_threshold_gbp: 0.40,
            value_of_guaranteed_hours_gbp: 0.60,
            distance_cost_gbp_per_km: 0.05,
            vacancies_seen_per_search: 3,
            employer_taste_sd_gbp: 0.40,
            weeks_to_competence: 26.0,
        }
    }
}

/// The kinds of provider, with their cost structures.
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
    /// Guaranteed-hours share the provider offers with fully insecure income.
    pub guaranteed_share_base: f64,
    /// Added guaranteed-hours share per unit of income security (secure revenue share).
    pub guaranteed_share_per_security: f64,
    /// Added guaranteed-hours share per unit of vacancy rate (used as a recruitment tool).
    pub guaranteed_share_per_vacancy: f64,
    /// Income security above which the provider pays travel time (if its margin allows).
    pub travel_pay_security_threshold: f64,
    /// Margin needed to start paying travel time voluntarily.
    pub travel_pay_min_margin: f64,
    /// Hiring target as a multiple of the heads its committed hours need.
    pub hiring_buffer: f64,
    /// Package acceptance: committed worker time may exceed current capacity by this share,
    /// counting on hires.
    pub overbooking: f64,
    /// Training spend per worker per week when the margin is positive (halved otherwise).
    pub training_gbp_per_worker_week: f64,
    /// Weekly speed at which quality moves towards its target.
    pub quality_adjustment_per_week: f64,
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
    /// Weekly chance of an entry attempt at zero expected margin, and its rise per unit of
    /// expected margin.
    pub entry_base_per_week: f64,
    pub entry_per_expected_margin: f64,
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
            nmw_travel_compliance_share: 0.8,
            initial_wage_premium_mean: 0.08,
            initial_wage_premium_sd: 0.07,
            initial_cash_weeks: 6.0,
            initial_cash_log_sd: 0.6,
            wage_review_every_weeks: 13,
            wage_step: 0.1,
            wage_headroom_share: 0.358391,
            named_cover_gbp_per_client_week: 4.0,
            vacancy_trigger: 0.094733,
            turnover_trigger: 0.3,
            min_margin_after_raise: 0.077243,
            wage_review_enabled: true,
            guaranteed_share_base: 0.555549,
            guaranteed_share_per_security: 0.4,
            guaranteed_share_per_vacancy: 0.5,
            travel_pay_security_threshold: 0.6,
            travel_pay_min_margin: 0.04,
            hiring_buffer: 1.234402,
            overbooking: 0.201984,
            training_gbp_per_worker_week: 8.0,
            quality_adjustment_per_week: 0.03,
            quality_floor: 0.2,
            quality_weight_training: 0.25,
            quality_weight_experience: 0.35,
            quality_weight_reliability: 0.2,
            min_team: 2,
            handback_after_negative_weeks: 8,
            contract_notice_weeks: 13,
            understaffing_handback_fill: 0.747837,
            exit_after_negative_cash_weeks: 8,
            entry_base_per_week: 0.04,
            entry_per_expected_margin: 1.0,
            entrant_overhead_share: 0.35,
            entrant_ramp_weeks: 52,
            entrant_cash_gbp: 40_000.0,
            markup_initial: 0.08,
            markup_step: 0.01,
            markup_min: -0.10,
            markup_max: 0.30,
            markup_per_non_price_weight: 0.15,
            bid_cost_forecast_error_sd: 0.08,
        }
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
    pub fn score(self) -> f64 {
        match self {
            Self::Inadequate => 0.0,
            Self::RequiresImprovement => 1.0 / 3.0,
            Self::Good => 2.0 / 3.0,
            Self::Outstanding => 1.0,
        }
    }
}

/// The commissioner.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CouncilParams {
    /// Annual homecare budget.
    pub annual_budget_gbp: f64,
    /// Whether the budget binds; if so, new packages wait while spend runs ahead of it.
    pub budget_binding: bool,
    /// Weekly chance that a provider is inspected.
    pub inspection_per_week: f64,
    /// Sd of inspectors' noise around true quality.
    pub inspection_noise_sd: f64,
    /// Quality thresholds for Requires improvement, Good, Outstanding.
    pub rating_thresholds: [f64; 3],
    /// Mean weeks from a request for care to the earliest start (assessment, matching,
    /// set-up); handed-back packages are re-brokered at once.
    pub start_of_care_weeks: f64,
    /// Providers a broker contacts per waiting client per week, at most.
    pub max_offers_per_client: u32,
    /// Downstream costs of unmet need and failure (MODEL.md §5.8).
    pub downstream: Downstream,
    /// How a binding budget is rationed (MODEL.md §5.6): `waits` (new packages wait while
    /// spend runs ahead of the pro-rata budget) or `trim` (packages keep starting, but
    /// assessed hours are trimmed at placement and at review while spend runs ahead).
    pub rationing: Rationing,
    /// `trim`: share of a package's hours cut at each review (or at placement) while over
    /// budget, down to at most `trim_max_share` below the assessed need.
    pub trim_share: f64,
    pub trim_max_share: f64,
    /// Weeks between reviews of a package (from the client's arrival). At a review in a week
    /// within budget, trimmed hours are restored to the assessed need.
    pub review_every_weeks: u32,
    /// An optional provider of last resort (council in-house or contingency capacity).
    pub last_resort: LastResort,
}

/// How a binding budget is rationed (MODEL.md §5.6). Either way the rationed hours stay in
/// the assessed need, so a cut shows up as unmet need.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rationing {
    /// No new package starts while spend runs ahead of the pro-rata budget.
    #[default]
    Waits,
    /// Packages keep starting, but hours are trimmed at placement and at review.
    Trim,
}

/// The council's provider of last resort: in-house or contingency capacity (e.g. an agency
/// call-off) that takes urgent clients (returned by a handback or a failure) whom no provider
/// takes in the week they are re-brokered, delivers their assessed hours in full at its own
/// cost, and steps them down to the market when a provider accepts them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LastResort {
    pub enabled: bool,
    /// Worker-hours a week it can deliver.
    pub capacity_hours_per_week: f64,
    /// Its cost per worker-hour, in prices of the first burn-in year (moved by the wage
    /// index: it is mostly pay).
    pub cost_gbp_per_hour: f64,
    /// Weeks a client stays before brokers offer the package to the market again.
    pub step_down_after_weeks: u32,
}

impl Default for LastResort {
    fn default() -> Self {
        Self {
            enabled: false,
            capacity_hours_per_week: 400.0,
            cost_gbp_per_hour: 38.0,
            step_down_after_weeks: 4,
        }
    }
}

/// What a budget cut is a share of.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum BudgetBasis {
    /// The annual budget in force.
    #[default]
    Budget,
    /// The council's homecare spend over the last 13 weeks, annualised (the run rate): a cut
    /// that binds whatever the policy spends.
    Spend,
}

/// A scheduled shock (MODEL.md §3 step 1). `week` is a model week ≥ 0 (after the reform
/// date); a shock happens at the start of that week, after the April events. `size` is a
/// relative change (0.10 = 10%).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Shock {
    /// The National and London Living Wage jump by `size` on top of their April path (and
    /// the outside wage with them); an indexed fee uplift or rate floor follows at once.
    WageFloorRise { week: u32, size: f64 },
    /// New council packages arrive at (1 + `size`) × the usual rate for `weeks` weeks (0: to
    /// the end of the run).
    DemandSurge {
        week: u32,
        size: f64,
        #[serde(default)]
        weeks: u32,
    },
    /// The annual budget becomes (1 − `size`) × the budget or the spend run rate (`of`), and
    /// binds from `week`, rationed by `rationing` (default: `council.rationing`).
    BudgetCut {
        week: u32,
        size: f64,
        #[serde(default)]
        of: BudgetBasis,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rationing: Option<Rationing>,
    },
    /// New entrants to care work (pool inflow, incl. international recruitment) fall by
    /// `size` for `weeks` weeks (0: to the end of the run).
    LabourSupplyDrop {
        week: u32,
        size: f64,
        #[serde(default)]
        weeks: u32,
    },
    /// A provider stops trading at once: provider id `provider`, or (if omitted) the one
    /// that delivered most contact hours last week. Its clients return to brokerage as
    /// urgent; its workers go to the pool (`workers_to_pool`, default true) or leave care.
    ProviderFailure {
        week: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<u32>,
        #[serde(default = "yes")]
        workers_to_pool: bool,
    },
    /// Providers' non-wage costs (overheads, admin, training, recruitment) jump by `size`.
    CostInflation { week: u32, size: f64 },
}

fn yes() -> bool {
    true
}

impl Shock {
    /// The model week the shock happens.
    pub fn week(&self) -> u32 {
        match *self {
            Self::WageFloorRise { week, .. }
            | Self::DemandSurge { week, .. }
            | Self::BudgetCut { week, .. }
            | Self::LabourSupplyDrop { week, .. }
            | Self::ProviderFailure { week, .. }
            | Self::CostInflation { week, .. } => week,
        }
    }

    /// The kind's name as written in files.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::WageFloorRise { .. } => "wage_floor_rise",
            Self::DemandSurge { .. } => "demand_surge",
            Self::BudgetCut { .. } => "budget_cut",
            Self::LabourSupplyDrop { .. } => "labour_supply_drop",
            Self::ProviderFailure { .. } => "provider_failure",
            Self::CostInflation { .. } => "cost_inflation",
        }
    }
}

/// The ledger of costs that unmet need and market failure push elsewhere (MODEL.md §5.8).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Downstream {
    /// Weekly hazard of an emergency hospital admission for a person drawing on homecare with
    /// all needs met; it rises with unmet need and waiting as the residential hazard does.
    pub hospital_admission_per_week: f64,
    /// NHS cost of one emergency admission.
    pub hospital_admission_nhs_gbp: f64,
    /// Council cost of a move to residential care caused by deterioration: the weekly cost
    /// of a care-home place above a homecare package, over the weeks counted.
    pub residential_excess_gbp_per_week: f64,
    pub residential_weeks_costed: f64,
    /// Premium on the hourly rate the council pays to place a package urgently after a
    /// handback or a provider's exit, for `emergency_weeks` weeks.
    pub emergency_premium: f64,
    pub emergency_weeks: u32,
}

impl Default for Downstream {
    fn default() -> Self {
        Self {
            hospital_admission_per_week: 0.004,
            hospital_admission_nhs_gbp: 3_700.0,
            residential_excess_gbp_per_week: 700.0,
            residential_weeks_costed: 52.0,
            emergency_premium: 0.15,
            emergency_weeks: 4,
        }
    }
}

impl Default for CouncilParams {
    fn default() -> Self {
        Self {
            annual_budget_gbp: 36.0e6,
            budget_binding: false,
            inspection_per_week: 1.0 / 104.0,
            inspection_noise_sd: 0.08,
            rating_thresholds: [0.4, 0.6, 0.92],
            start_of_care_weeks: 1.7,
            max_offers_per_client: 8,
            downstream: Downstream::default(),
            rationing: Rationing::Waits,
            trim_share: 0.1,
            trim_max_share: 0.3,
            review_every_weeks: 26,
            last_resort: LastResort::default(),
        }
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

/// A floor under the rate the council pays (MODEL.md §4 `rate_floor`).
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
}

/// Which wage floor a rate floor or a requirement refers to.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WageFloorName {
    NationalLivingWage,
    LondonLivingWage,
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

/// Social-value requirements or scoring credits (MODEL.md §4).
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

/// The Mission Incubator: cohorts of new local providers with start-up support (MODEL.md §4).
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
        }
    }
}

/// Weights of the composite mission score: each component is scaled so that the status quo
/// scores 1 on it (a scenario's value divided by the baseline's, inverted for bads).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MissionWeights {
    pub unmet_need: f64,
    pub turnover: f64,
    pub local_spend: f64,
    pub estate_employment: f64,
    pub co2: f64,
    pub continuity: f64,
}

impl Default for MissionWeights {
    fn default() -> Self {
        Self {
            unmet_need: 0.25,
            turnover: 0.2,
            local_spend: 0.15,
            estate_employment: 0.15,
            co2: 0.1,
            continuity: 0.15,
        }
    }
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
        }
    }
}

/// The commissioning policy: composable levers (MODEL.md §4).
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
        }
    }
}
