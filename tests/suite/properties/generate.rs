//! Random valid scenarios: the shipped status quo with every parameter redrawn within the range
//! its table's `check` documents (src/scenario/schema/*.rs, docs/ODD.md §2.1 Limits), and with
//! every lever and enum drawn too. Where a range is open (a non-negative cost, a positive
//! speed) the draw is from a wide practical range around the default; agent counts and run
//! lengths are drawn small so that each run is short. Each bounded range's ends are drawn on
//! purpose now and then (a share of 0 or 1, the least count), because bugs live there.
//!
//! Joint conditions are met by construction: shares that sum to 1, increasing rating
//! thresholds and wage-floor years, markup_min ≤ markup_initial ≤ markup_max, quality floor plus
//! weights ≤ 1, social-value items scored only in a tender with a positive social-value weight,
//! a burn-in within the wage-floor data, and shocks within the run.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use careshape::Scenario;
use careshape::scenario::{
    Award, Brokerage, BudgetBasis, Commissioning, FeeUplift, KindParams, MAX_PATCHES, Patch, PaymentBasis,
    PriceBasis, ProviderKind, RateFloor, Rating, Rationing, Shock, SocialValueMode, TravelMode,
    WageFloorName, YearValue,
};

/// Draws values from proptest strategies with one deterministic runner.
pub struct Draw<'a>(pub &'a mut TestRunner);

/// How often a bounded range gives one of its ends.
const EDGE: f64 = 0.06;

impl Draw<'_> {
    fn value<S: Strategy>(&mut self, s: S) -> S::Value {
        s.new_tree(self.0).expect("a value").current()
    }
    fn unit(&mut self) -> f64 {
        self.value(0.0..1.0f64)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// In [lo, hi]: either end with probability `EDGE` each, else uniform.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        let u = self.unit();
        if u < EDGE {
            lo
        } else if u < 2.0 * EDGE {
            hi
        } else {
            self.value(lo..=hi)
        }
    }
    /// In (0, hi]: never 0, the top end now and then.
    fn positive(&mut self, hi: f64) -> f64 {
        if self.chance(EDGE) { hi } else { self.value(1e-3 * hi..=hi) }
    }
    fn share(&mut self) -> f64 {
        self.range(0.0, 1.0)
    }
    /// A weekly hazard: mostly small, with the ends of [0, 1] now and then.
    fn hazard(&mut self, typical: f64) -> f64 {
        let u = self.unit();
        if u < EDGE {
            0.0
        } else if u < EDGE + 0.02 {
            1.0
        } else {
            self.value(0.0..=typical)
        }
    }
    fn count(&mut self, lo: u32, hi: u32) -> u32 {
        if self.chance(EDGE) { lo } else { self.value(lo..=hi) }
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.value(0..xs.len())].clone()
    }
    /// `n` shares summing to 1 (some of them 0 now and then).
    fn shares(&mut self, n: usize) -> Vec<f64> {
        let mut w: Vec<f64> =
            (0..n).map(|_| if self.chance(0.1) { 0.0 } else { self.value(0.01..1.0f64) }).collect();
        if w.iter().all(|&x| x == 0.0) {
            w[0] = 1.0;
        }
        let total: f64 = w.iter().sum();
        w.iter_mut().for_each(|x| *x /= total);
        w
    }
    /// `n` strictly increasing values in [lo, hi].
    fn increasing(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        loop {
            let mut v: Vec<f64> = (0..n).map(|_| self.range(lo, hi)).collect();
            v.sort_by(f64::total_cmp);
            if v.windows(2).all(|w| w[0] < w[1]) {
                return v;
            }
        }
    }
}

/// A random valid scenario (short, small), based on `base` (the shipped status quo).
pub fn scenario(d: &mut Draw, base: &Scenario, case: u64) -> Scenario {
    let mut s = base.clone();
    s.name = format!("generated-{case}");
    s.description = "a generated scenario (tests/suite/properties.rs)".into();
    s.extends = None;

    // [run] and [calendar]: a short run, a burn-in within the wage-floor data.
    s.run.weeks = d.count(30, 60);
    s.run.burn_in_weeks = d.count(0, 12);
    let first_year = d.count(2015, 2025) as i32;
    s.calendar.reform_year = first_year + d.count(2, 6) as i32;
    s.calendar.reform_week_of_year = d.count(1, 52);
    s.calendar.uplift_week_of_year = d.count(1, 52);

    // [wage_floor]: series from the first year, in increasing years.
    let series = |d: &mut Draw, level: f64| -> Vec<YearValue> {
        let n = d.count(1, 4);
        let mut gbp = level * d.value(0.7..1.3f64);
        let mut year = first_year;
        (0..n)
            .map(|_| {
                let v = YearValue { year, gbp_per_hour: gbp };
                gbp *= 1.0 + d.value(0.0..0.1f64);
                year += d.count(1, 2) as i32;
                v
            })
            .collect()
    };
    s.wage_floor.national_living_wage = series(d, 10.0);
    s.wage_floor.london_living_wage = series(d, 12.5);
    s.wage_floor.annual_uplift_beyond_data = d.range(0.0, 0.15);
    s.wage_floor.cost_inflation = d.range(0.0, 0.15);
    s.wage_floor.outside_wage_premium_over_nlw = d.range(0.0, 0.5);

    // [geography]: 1–16 patches, 1–5 travel modes.
    let g = &mut s.geography;
    let n = d.count(1, MAX_PATCHES as u32) as usize;
    let demand = d.shares(n);
    let labour = d.shares(n);
    g.patches = (0..n)
        .map(|i| Patch {
            name: format!("patch {i}"),
            centroid_km: [d.range(-100.0, 100.0), d.range(-100.0, 100.0)],
            area_km2: d.positive(50.0),
            demand_share: demand[i],
            estate_share: d.share(),
            labour_share: labour[i],
        })
        .collect();
    let m = d.count(1, 5) as usize;
    let mode_shares = d.shares(m);
    g.travel_modes = (0..m)
        .map(|i| TravelMode {
            name: format!("mode {i}"),
            speed_kmh: d.positive(60.0),
            co2_kg_per_km: d.range(0.0, 0.3),
            share: mode_shares[i],
            mileage_gbp_per_km: d.range(0.0, 1.0),
        })
        .collect();
    g.outside_borough_worker_share = d.share();
    g.time_window_factor = d.positive(4.0);
    g.runs_per_day = d.positive(8.0);
    g.min_round_hours = d.range(0.0, 100.0);
    g.access_minutes_per_visit = d.range(0.0, 30.0);

    // [clients]: a small caseload.
    let c = &mut s.clients;
    c.initial_clients = d.count(0, 400);
    c.arrivals_per_week = d.range(0.0, 8.0);
    c.assessed_hours_mean = d.positive(40.0);
    c.assessed_hours_cv = d.range(0.0, 2.0);
    let k = d.count(1, 5) as usize;
    c.visit_length_hours = (0..k).map(|_| d.range(0.05, 24.0)).collect();
    c.visit_length_probabilities = d.shares(k);
    c.double_handed_share = d.share();
    c.death_per_week = d.hazard(0.02);
    c.residential_care_per_week = d.hazard(0.01);
    c.recovery_per_week = d.hazard(0.01);
    c.deterioration_per_unmet_share = d.range(0.0, 10.0);
    c.deterioration_per_week_waiting = d.range(0.0, 1.0);
    c.short_notice_cancellation_share = d.share();
    c.actual_to_planned_minutes = d.share();
    c.carer_days_per_week = d.range(1.0, 7.0);

    let sf = &mut s.self_funders;
    sf.hours_per_week = d.range(0.0, 2000.0);
    sf.private_rate_gbp_per_hour = d.positive(60.0);
    sf.client_hours = d.range(1.0, 30.0);
    sf.ending_per_week = d.share();
    sf.leaving_per_shortfall = d.share();

    // [workforce]: a small pool.
    let w = &mut s.workforce;
    w.pool_initial = d.count(0, 150);
    w.pool_inflow_per_week = d.range(0.0, 8.0);
    w.inflow_wage_elasticity = d.range(0.0, 5.0);
    w.estate_outreach_per_vacancy_week = d.share();
    w.pool_outflow_per_week = d.hazard(0.2);
    w.intrinsic_motivation_log = d.range(-2.0, 2.0);
    w.reservation_wage_log_sd = d.range(0.0, 0.5);
    w.desired_hours_mean = d.positive(168.0);
    w.desired_hours_sd = d.range(0.0, 20.0);
    w.guaranteed_share_of_desired = d.share();
    w.absence_per_week = d.hazard(0.2);
    w.quit_base_per_week = d.hazard(0.01);
    w.quit_pay_elasticity = d.range(0.0, 5.0);
    w.quit_zero_hours_log_odds = d.range(-2.0, 3.0);
    w.quit_underemployment_log_odds = d.range(-2.0, 3.0);
    w.quit_unpaid_travel_log_odds = d.range(-2.0, 3.0);
    w.quit_untrained_log_odds = d.range(-2.0, 3.0);
    w.supply_ceiling_multiple = d.range(1.01, 20.0);
    w.reservoir_renewal_per_week = d.share();
    w.international_inflow_per_week = d.range(0.0, 4.0);
    w.overseas_route_closed_year = 2020 + d.count(0, 10) as i32;
    w.overseas_route_closed_week = d.count(1, 52);
    w.in_country_switching_share = d.share();
    w.in_country_switching_ends_year = 2020 + d.count(0, 12) as i32;
    w.in_country_switching_ends_week = d.count(1, 52);
    w.quitters_to_pool_share = d.share();
    w.on_the_job_search_per_week = d.hazard(0.2);
    w.switch_threshold_gbp = d.range(0.0, 3.0);
    w.value_of_guaranteed_hours_gbp = d.range(0.0, 3.0);
    w.distance_cost_gbp_per_km = d.range(0.0, 1.0);
    w.vacancies_seen_per_search = d.count(1, 10);
    w.employer_taste_sd_gbp = d.range(0.0, 2.0);
    w.weeks_to_competence = d.positive(104.0);

    // [providers]
    let p = &mut s.providers;
    p.initial_count = d.count(1, 20);
    let nk = d.count(1, 5) as usize;
    let kind_shares = d.shares(nk);
    p.kinds = (0..nk)
        .map(|i| KindParams {
            // Up to five kinds from four: a kind may be listed twice.
            kind: d.pick(&ProviderKind::ALL),
            share: kind_shares[i],
            overhead_gbp_per_week: d.range(0.0, 3000.0),
            size_weight: d.positive(5.0),
            local: d.chance(0.5),
        })
        .collect();
    p.size_log_sd = d.range(0.0, 2.0);
    p.initial_patches_max = d.count(1, 20);
    p.on_cost_rate = d.range(0.0, 0.6);
    p.admin_gbp_per_contact_hour = d.range(0.0, 15.0);
    p.recruitment_gbp_per_hire = d.range(0.0, 3000.0);
    p.turnover_cost_gbp_per_leaver = d.range(0.0, 20000.0);
    p.nmw_travel_compliance_share = d.share();
    p.initial_wage_premium_mean = d.range(-1.0, 1.0);
    p.initial_wage_premium_sd = d.range(0.0, 0.5);
    p.initial_cash_weeks = d.positive(52.0);
    p.initial_cash_log_sd = d.range(0.0, 2.0);
    p.wage_review_every_weeks = d.count(1, 52);
    p.wage_step = d.range(0.0, 0.5);
    p.wage_headroom_share = d.share();
    p.vacancy_trigger = d.share();
    p.turnover_trigger = d.range(0.0, 2.0);
    p.min_margin_after_raise = d.range(-1.0, 1.0);
    p.wage_review_enabled = d.chance(0.85);
    p.named_cover_gbp_per_client_week = d.range(0.0, 20.0);
    p.initial_guaranteed_share = d.share();
    p.guarantee_idle_cost_share = d.share();
    p.guarantee_choice_log_sd = d.range(0.0, 3.0);
    p.travel_pay_min_margin = d.range(-1.0, 1.0);
    p.hiring_buffer = d.range(1.0, 3.0);
    p.hiring_buffer_heads = d.range(0.0, 20.0);
    p.overbooking = d.share();
    p.training_gbp_per_worker_week = d.range(0.0, 40.0);
    p.quality_adjustment_per_week = d.share();
    p.management_quality_sd = d.range(0.0, 1.0);
    // Quality floor plus its three weights at most 1.
    let q = d.shares(4);
    let total = d.share();
    p.quality_floor = q[0] * total;
    p.quality_weight_training = q[1] * total;
    p.quality_weight_experience = q[2] * total;
    p.quality_weight_reliability = q[3] * total;
    p.min_team = d.count(0, 6);
    p.handback_after_negative_weeks = d.count(1, 26);
    p.contract_notice_weeks = d.count(0, 26);
    p.understaffing_handback_fill = d.share();
    p.exit_after_negative_cash_weeks = d.count(1, 26);
    p.withdraw_after_loss_weeks = d.count(0, 104);
    p.service_radius_km = d.range(0.0, 10.0);
    p.overhead_scale = d.range(0.0, 2.0);
    p.entrant_quality = d.share();
    p.entry_access_weight = d.share();
    p.entry_base_per_week = d.hazard(0.2);
    p.entry_per_expected_margin = d.range(0.0, 5.0);
    p.entrant_overhead_share = d.share();
    p.entrant_ramp_weeks = d.count(0, 104);
    p.entrant_cash_gbp = d.positive(200_000.0);
    let mut markups = [d.range(-1.0, 1.0), d.range(-1.0, 1.0), d.range(-1.0, 1.0)];
    markups.sort_by(f64::total_cmp);
    [p.markup_min, p.markup_initial, p.markup_max] = markups;
    p.markup_step = d.range(0.0, 0.2);
    p.markup_per_non_price_weight = d.range(0.0, 1.0);
    p.bid_cost_forecast_error_sd = d.range(0.0, 0.5);
    p.winners_curse_correction = d.share();
    p.workers_follow_clients_share = d.share();

    // [cost_model]: its parts anywhere in range, and statutory rates of one to three years.
    let cm = &mut s.cost_model;
    cm.contact_hours_per_worker_week = d.range(0.5, 80.0);
    cm.holiday_share = d.share();
    cm.training_hours_per_worker_year = d.range(0.0, 200.0);
    cm.non_contact_paid_share = d.share();
    cm.sickness_absence_share = d.share();
    cm.consumables_gbp_per_hour = d.range(0.0, 5.0);
    cm.travel_hours_per_contact_hour = d.range(0.0, 2.0);
    cm.km_per_contact_hour = d.range(0.0, 30.0);
    cm.mileage_gbp_per_km = d.range(0.0, 1.0);
    cm.business_gbp_per_hour = d.range(0.0, 20.0);
    cm.margin = d.value(0.0..0.5f64);
    let years = d.count(1, 3);
    let first = d.count(2015, 2030) as i32;
    cm.statutory = (0..years as i32)
        .map(|i| {
            let lower = d.range(0.0, 20_000.0);
            careshape::scenario::StatutoryRates {
                year: first + i,
                employer_ni_rate: d.share(),
                ni_threshold_gbp: d.range(0.0, 20_000.0),
                pension_rate: d.share(),
                pension_lower_gbp: lower,
                pension_upper_gbp: lower + d.range(0.0, 60_000.0),
                ssp_gbp_per_week: d.range(0.0, 300.0),
            }
        })
        .collect();

    // [council]
    let co = &mut s.council;
    co.annual_budget_gbp = d.value(1e5..1e8f64);
    co.budget_binding = d.chance(0.4);
    co.inspection_per_week = d.hazard(0.1);
    co.inspection_noise_sd = d.range(0.0, 0.5);
    let t = d.increasing(3, 0.0, 1.0);
    co.rating_thresholds = [t[0], t[1], t[2]];
    co.start_of_care_weeks = d.range(0.0, 8.0);
    co.max_offers_per_client = d.count(1, 20);
    co.downstream.hospital_admission_per_week = d.hazard(0.02);
    co.downstream.hospital_admission_nhs_gbp = d.range(0.0, 10_000.0);
    co.downstream.residential_excess_gbp_per_week = d.range(0.0, 2000.0);
    co.downstream.residential_weeks_costed = d.range(0.0, 104.0);
    co.downstream.emergency_premium = d.range(0.0, 2.0);
    co.downstream.emergency_weeks = d.count(0, 12);
    co.rationing = d.pick(&[Rationing::Waits, Rationing::Trim]);
    co.trim_share = d.share();
    co.trim_max_share = d.share();
    co.review_every_weeks = d.count(1, 52);
    co.budget_index = match d.count(0, 2) {
        0 => FeeUplift::None,
        1 => FeeUplift::Fixed { percent: d.range(-50.0, 100.0) },
        _ => FeeUplift::IndexedToWageFloor,
    };
    co.reform_budget_gbp = if d.chance(0.3) { d.value(1e5..1e8f64) } else { 0.0 };
    co.last_resort.enabled = d.chance(0.4);
    co.last_resort.capacity_hours_per_week = d.range(0.0, 1000.0);
    co.last_resort.cost_gbp_per_hour = d.range(0.0, 80.0);
    co.last_resort.step_down_after_weeks = d.count(0, 12);

    // [commissioning], and now and then a burn-in policy of its own.
    let atp = s.clients.actual_to_planned_minutes;
    s.commissioning = commissioning(d, s.run.weeks, atp);
    if d.chance(0.2) {
        s.burn_in.commissioning = commissioning(d, s.run.weeks, atp);
    }

    let mi = &mut s.mission;
    for v in [
        &mut mi.unmet_need,
        &mut mi.turnover,
        &mut mi.local_spend,
        &mut mi.estate_employment,
        &mut mi.co2,
        &mut mi.continuity,
    ] {
        *v = d.share();
    }

    // [[shocks]]: none to three, within the run.
    let n_shocks = d.count(0, 3);
    s.shocks = (0..n_shocks).map(|_| shock(d, s.run.weeks, s.providers.initial_count)).collect();
    s
}

fn rating(d: &mut Draw) -> Rating {
    d.pick(&[Rating::Inadequate, Rating::RequiresImprovement, Rating::Good, Rating::Outstanding])
}

/// A commissioning policy; `atp` is `clients.actual_to_planned_minutes`.
fn commissioning(d: &mut Draw, weeks: u32, atp: f64) -> Commissioning {
    let mut c = Commissioning {
        award: d.pick(&[Award::Spot, Award::Framework, Award::Zonal]),
        brokerage: d.pick(&[
            Brokerage::CheapestFirst,
            Brokerage::QualityFirst,
            Brokerage::Proximity,
            Brokerage::RoundRobin,
        ]),
        price: d.pick(&[PriceBasis::FixedRate, PriceBasis::Bid]),
        rate_gbp_per_hour: d.positive(60.0),
        payment: d.pick(&[
            PaymentBasis::ActualMinutes,
            PaymentBasis::PlannedHours,
            PaymentBasis::Block,
            PaymentBasis::Outcomes,
        ]),
        approved_min_rating: rating(d),
        admit_unrated: d.chance(0.7),
        block_share: d.share(),
        min_visit_minutes: if d.chance(0.3) { d.range(0.0, 240.0) } else { 0.0 },
        ..Commissioning::default()
    };
    c.fee_uplift = match d.count(0, 2) {
        0 => FeeUplift::None,
        1 => FeeUplift::Fixed { percent: d.range(0.0, 100.0) },
        _ => FeeUplift::IndexedToWageFloor,
    };
    let wage = |d: &mut Draw| d.pick(&[WageFloorName::NationalLivingWage, WageFloorName::LondonLivingWage]);
    c.rate_floor = match d.count(0, 3) {
        0 => RateFloor::None,
        1 => RateFloor::Fixed { gbp_per_hour: d.positive(60.0) },
        2 => RateFloor::CostModel { wage: wage(d) },
        _ => RateFloor::Indexed {
            wage: wage(d),
            on_cost_rate: d.range(0.0, 0.6),
            travel_share: d.share(),
            overhead_gbp_per_hour: d.range(0.0, 10.0),
            // [0, 0.5): the top end excluded.
            margin: d.value(0.0..0.5f64),
        },
    };
    let t = &mut c.tender;
    t.every_weeks = d.count(1, weeks + 10);
    t.term_weeks = d.count(1, weeks + 10);
    t.winners = d.count(1, 12);
    t.price_cap_gbp_per_hour = if d.chance(0.5) { 0.0 } else { d.range(0.0, 60.0) };
    t.min_rating = rating(d);
    t.leads_per_patch = d.count(1, 2);
    t.tupe = d.chance(0.5);
    let o = &mut c.outcomes;
    o.base_share = d.share();
    o.continuity_bonus_gbp_per_hour = d.range(0.0, 10.0);
    o.continuity_max_carers = d.count(1, 8);
    o.recovery_bonus_gbp = d.range(0.0, 5000.0);
    // A tender paying bids needs a rate that pays for hours (docs/ODD.md §2.1, Limits).
    let pays_nothing = match c.payment {
        PaymentBasis::ActualMinutes => atp == 0.0,
        PaymentBasis::Outcomes => o.base_share == 0.0,
        _ => false,
    };
    if pays_nothing && c.award != Award::Spot {
        c.price = PriceBasis::FixedRate;
    }

    // Social value: an item may be scored only in a tender, with a positive scoring weight.
    let tender = c.award != Award::Spot;
    let modes: &[SocialValueMode] = if tender {
        &[SocialValueMode::None, SocialValueMode::Required, SocialValueMode::Scored]
    } else {
        &[SocialValueMode::None, SocialValueMode::Required]
    };
    let sv = &mut c.social_value;
    sv.london_living_wage = d.pick(modes);
    sv.paid_travel = d.pick(modes);
    sv.guaranteed_hours = d.pick(modes);
    sv.local_hiring = d.pick(modes);
    sv.low_emission_travel = d.pick(modes);
    sv.guaranteed_hours_min_share = d.share();
    sv.local_hiring_share = d.share();
    sv.e_bike_gbp_per_worker_week = d.range(0.0, 20.0);
    let weights = if sv.any_scored() {
        // A positive social-value weight: the three weights, the last kept above 0.
        let mut w = d.shares(3);
        if w[2] == 0.0 {
            w = vec![w[0] * 0.5, w[1] * 0.5, 0.5];
        }
        w
    } else {
        let w = d.shares(2);
        vec![w[0], w[1], 0.0]
    };
    c.tender.scoring.price = weights[0];
    c.tender.scoring.quality = weights[1];
    c.tender.scoring.social_value = weights[2];

    let i = &mut c.incubator;
    i.enabled = d.chance(0.3);
    i.first_cohort_week = d.count(0, weeks);
    i.cohort_every_weeks = d.count(1, 52);
    i.cohort_size = d.count(0, 5);
    i.cohorts = d.count(0, 4);
    i.startup_grant_gbp = d.range(0.0, 100_000.0);
    i.guaranteed_package_weeks = d.count(0, 104);
    i.guaranteed_worker_hours_per_week = d.range(0.0, 1000.0);
    i.quality_growth_multiplier = d.range(1.0, 5.0);
    i.support_gbp_per_provider_week = d.range(0.0, 1000.0);
    i.support_weeks = d.count(0, 104);
    i.budget_gbp = d.range(0.0, 2_000_000.0);
    i.estate_hiring_first = d.chance(0.5);
    c
}

fn shock(d: &mut Draw, weeks: u32, providers: u32) -> Shock {
    let week = d.count(0, weeks - 1);
    let duration = |d: &mut Draw| d.count(0, weeks);
    // (−1, 10]: −1 excluded.
    let change = |d: &mut Draw| if d.chance(EDGE) { 10.0 } else { d.value(-0.99..=1.0f64) };
    match d.count(0, 5) {
        0 => Shock::WageFloorRise { week, size: change(d) },
        1 => Shock::DemandSurge { week, size: d.range(0.0, 10.0), weeks: duration(d) },
        2 => Shock::BudgetCut {
            week,
            // [0, 1): 1 excluded.
            size: if d.chance(EDGE) { 0.0 } else { d.value(0.0..1.0f64) },
            of: d.pick(&[BudgetBasis::Budget, BudgetBasis::Spend]),
            rationing: d.pick(&[None, Some(Rationing::Waits), Some(Rationing::Trim)]),
        },
        3 => Shock::LabourSupplyDrop { week, size: d.share(), weeks: duration(d) },
        4 => Shock::ProviderFailure {
            week,
            // Any id: the largest provider, one that exists, or one that does not.
            provider: if d.chance(0.5) { None } else { Some(d.count(0, providers + 5)) },
            workers_to_pool: d.chance(0.5),
            workers_follow_clients_share: d.share(),
        },
        _ => Shock::CostInflation { week, size: change(d) },
    }
}
