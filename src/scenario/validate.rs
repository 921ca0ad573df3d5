//! Range checks on a parsed scenario: shares in [0, 1], positive rates, weights summing to 1.
//! Returns every problem at once (key path, what was expected), so a user fixes a file in one go.

use super::schema::*;

struct Checker {
    problems: Vec<(String, String)>,
}

impl Checker {
    fn fail(&mut self, key: impl Into<String>, msg: impl Into<String>) {
        self.problems.push((key.into(), msg.into()));
    }
    fn share(&mut self, key: &str, v: f64) {
        if !(0.0..=1.0).contains(&v) || v.is_nan() {
            self.fail(key, format!("expected a share between 0 and 1, found {v}"));
        }
    }
    fn positive(&mut self, key: &str, v: f64) {
        if !(v > 0.0 && v.is_finite()) {
            self.fail(key, format!("expected a positive number, found {v}"));
        }
    }
    fn non_negative(&mut self, key: &str, v: f64) {
        if !(v >= 0.0 && v.is_finite()) {
            self.fail(key, format!("expected a number ≥ 0, found {v}"));
        }
    }
    fn sums_to_one(&mut self, key: &str, values: &[f64]) {
        let s: f64 = values.iter().sum();
        if (s - 1.0).abs() > 1e-6 {
            self.fail(key, format!("expected shares summing to 1, found a sum of {s:.6}"));
        }
    }
}

/// Every range problem of a scenario as (key path, what was expected).
pub fn validate(s: &Scenario) -> Vec<(String, String)> {
    let mut c = Checker { problems: Vec::new() };

    if s.run.weeks == 0 {
        c.fail("run.weeks", "expected at least 1 week");
    }
    if s.run.weeks > 5200 {
        c.fail("run.weeks", "expected at most 5200 weeks (100 years)");
    }
    if s.run.burn_in_weeks > 5200 {
        c.fail("run.burn_in_weeks", "expected at most 5200 weeks (100 years)");
    }
    if !(1..=52).contains(&s.calendar.reform_week_of_year) {
        c.fail("calendar.reform_week_of_year", "expected a week of the year from 1 to 52");
    }
    if !(1..=52).contains(&s.calendar.uplift_week_of_year) {
        c.fail("calendar.uplift_week_of_year", "expected a week of the year from 1 to 52");
    }

    for (name, series) in [
        ("wage_floor.national_living_wage", &s.wage_floor.national_living_wage),
        ("wage_floor.london_living_wage", &s.wage_floor.london_living_wage),
    ] {
        if series.is_empty() {
            c.fail(name, "expected at least one {year, gbp_per_hour} entry");
        }
        for (i, yv) in series.iter().enumerate() {
            c.positive(&format!("{name}[{i}].gbp_per_hour"), yv.gbp_per_hour);
            if i > 0 && yv.year <= series[i - 1].year {
                c.fail(format!("{name}[{i}].year"), "expected years in increasing order");
            }
        }
    }
    c.non_negative("wage_floor.annual_uplift_beyond_data", s.wage_floor.annual_uplift_beyond_data);
    c.non_negative("wage_floor.cost_inflation", s.wage_floor.cost_inflation);
    c.non_negative("wage_floor.outside_wage_premium_over_nlw", s.wage_floor.outside_wage_premium_over_nlw);

    let g = &s.geography;
    if g.patches.is_empty() || g.patches.len() > MAX_PATCHES {
        c.fail(
            "geography.patches",
            format!("expected 1 to {MAX_PATCHES} patches, found {}", g.patches.len()),
        );
    }
    for (i, p) in g.patches.iter().enumerate() {
        let k = |f: &str| format!("geography.patches[{i}].{f}");
        c.positive(&k("area_km2"), p.area_km2);
        c.share(&k("demand_share"), p.demand_share);
        c.share(&k("estate_share"), p.estate_share);
        c.share(&k("labour_share"), p.labour_share);
    }
    if !g.patches.is_empty() {
        c.sums_to_one("geography.patches", &g.patches.iter().map(|p| p.demand_share).collect::<Vec<_>>());
        let labour: Vec<f64> = g.patches.iter().map(|p| p.labour_share).collect();
        if (labour.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
            c.fail("geography.patches", "expected labour_share over the patches to sum to 1");
        }
    }
    if g.travel_modes.is_empty() {
        c.fail("geography.travel_modes", "expected at least one travel mode");
    } else {
        c.sums_to_one("geography.travel_modes", &g.travel_modes.iter().map(|m| m.share).collect::<Vec<_>>());
    }
    for (i, m) in g.travel_modes.iter().enumerate() {
        c.positive(&format!("geography.travel_modes[{i}].speed_kmh"), m.speed_kmh);
        c.non_negative(&format!("geography.travel_modes[{i}].co2_kg_per_km"), m.co2_kg_per_km);
        c.share(&format!("geography.travel_modes[{i}].share"), m.share);
        c.non_negative(&format!("geography.travel_modes[{i}].mileage_gbp_per_km"), m.mileage_gbp_per_km);
    }
    c.share("geography.outside_borough_worker_share", g.outside_borough_worker_share);
    c.positive("geography.time_window_factor", g.time_window_factor);
    c.positive("geography.runs_per_day", g.runs_per_day);
    c.non_negative("geography.min_round_hours", g.min_round_hours);
    c.non_negative("geography.access_minutes_per_visit", g.access_minutes_per_visit);

    let cl = &s.clients;
    c.non_negative("clients.arrivals_per_week", cl.arrivals_per_week);
    c.positive("clients.assessed_hours_mean", cl.assessed_hours_mean);
    c.non_negative("clients.assessed_hours_cv", cl.assessed_hours_cv);
    if cl.visit_length_hours.is_empty() || cl.visit_length_hours.len() != cl.visit_length_probabilities.len()
    {
        c.fail("clients.visit_length_hours", "expected as many visit lengths as probabilities, at least one");
    } else {
        c.sums_to_one("clients.visit_length_probabilities", &cl.visit_length_probabilities);
        for (i, v) in cl.visit_length_hours.iter().enumerate() {
            c.positive(&format!("clients.visit_length_hours[{i}]"), *v);
        }
    }
    c.share("clients.double_handed_share", cl.double_handed_share);
    c.share("clients.death_per_week", cl.death_per_week);
    c.share("clients.residential_care_per_week", cl.residential_care_per_week);
    c.share("clients.recovery_per_week", cl.recovery_per_week);
    c.non_negative("clients.deterioration_per_unmet_share", cl.deterioration_per_unmet_share);
    c.non_negative("clients.deterioration_per_week_waiting", cl.deterioration_per_week_waiting);
    c.share("clients.short_notice_cancellation_share", cl.short_notice_cancellation_share);
    c.share("clients.actual_to_planned_minutes", cl.actual_to_planned_minutes);
    if !(1.0..=7.0).contains(&cl.carer_days_per_week) {
        c.fail("clients.carer_days_per_week", "expected between 1 and 7 days");
    }

    let sf = &s.self_funders;
    c.non_negative("self_funders.hours_per_week", sf.hours_per_week);
    c.positive("self_funders.private_rate_gbp_per_hour", sf.private_rate_gbp_per_hour);
    c.share("self_funders.uptake_of_spare_capacity", sf.uptake_of_spare_capacity);

    let w = &s.workforce;
    c.non_negative("workforce.pool_inflow_per_week", w.pool_inflow_per_week);
    c.share("workforce.pool_outflow_per_week", w.pool_outflow_per_week);
    c.non_negative("workforce.inflow_wage_elasticity", w.inflow_wage_elasticity);
    c.non_negative("workforce.reservation_wage_log_sd", w.reservation_wage_log_sd);
    c.positive("workforce.desired_hours_mean", w.desired_hours_mean);
    c.non_negative("workforce.desired_hours_sd", w.desired_hours_sd);
    c.share("workforce.guaranteed_share_of_desired", w.guaranteed_share_of_desired);
    for (k, v) in [
        ("workforce.absence_per_week", w.absence_per_week),
        ("workforce.quit_base_per_week", w.quit_base_per_week),
        ("workforce.quit_insecurity", w.quit_insecurity),
        ("workforce.quit_underemployment", w.quit_underemployment),
        ("workforce.quit_travel_burden", w.quit_travel_burden),
        ("workforce.quitters_to_pool_share", w.quitters_to_pool_share),
        ("workforce.on_the_job_search_per_week", w.on_the_job_search_per_week),
    ] {
        c.share(k, v);
    }
    c.non_negative("workforce.quit_wage_gap", w.quit_wage_gap);
    c.non_negative("workforce.switch_threshold_gbp", w.switch_threshold_gbp);
    c.non_negative("workforce.value_of_guaranteed_hours_gbp", w.value_of_guaranteed_hours_gbp);
    c.non_negative("workforce.distance_cost_gbp_per_km", w.distance_cost_gbp_per_km);
    c.non_negative("workforce.employer_taste_sd_gbp", w.employer_taste_sd_gbp);
    if w.vacancies_seen_per_search == 0 {
        c.fail("workforce.vacancies_seen_per_search", "expected at least 1");
    }
    c.positive("workforce.weeks_to_competence", w.weeks_to_competence);

    let p = &s.providers;
    if p.kinds.is_empty() {
        c.fail("providers.kinds", "expected at least one provider kind");
    } else {
        c.sums_to_one("providers.kinds", &p.kinds.iter().map(|k| k.share).collect::<Vec<_>>());
    }
    for (i, k) in p.kinds.iter().enumerate() {
        c.share(&format!("providers.kinds[{i}].share"), k.share);
        c.non_negative(&format!("providers.kinds[{i}].overhead_gbp_per_week"), k.overhead_gbp_per_week);
        c.positive(&format!("providers.kinds[{i}].size_weight"), k.size_weight);
    }
    if p.initial_count == 0 {
        c.fail("providers.initial_count", "expected at least one provider");
    }
    if p.initial_patches_max == 0 {
        c.fail("providers.initial_patches_max", "expected at least 1");
    }
    c.non_negative("providers.size_log_sd", p.size_log_sd);
    c.non_negative("providers.on_cost_rate", p.on_cost_rate);
    c.non_negative("providers.admin_gbp_per_contact_hour", p.admin_gbp_per_contact_hour);
    c.non_negative("providers.recruitment_gbp_per_hire", p.recruitment_gbp_per_hire);
    c.non_negative("providers.initial_wage_premium_sd", p.initial_wage_premium_sd);
    c.positive("providers.initial_cash_weeks", p.initial_cash_weeks);
    c.non_negative("providers.initial_cash_log_sd", p.initial_cash_log_sd);
    if p.wage_review_every_weeks == 0 {
        c.fail("providers.wage_review_every_weeks", "expected at least 1 week");
    }
    c.non_negative("providers.wage_step", p.wage_step);
    c.share("providers.wage_headroom_share", p.wage_headroom_share);
    c.share("providers.vacancy_trigger", p.vacancy_trigger);
    c.non_negative("providers.turnover_trigger", p.turnover_trigger);
    for (k, v) in [
        ("providers.guaranteed_share_base", p.guaranteed_share_base),
        ("providers.travel_pay_security_threshold", p.travel_pay_security_threshold),
        ("providers.overbooking", p.overbooking),
        ("providers.understaffing_handback_fill", p.understaffing_handback_fill),
        ("providers.entrant_overhead_share", p.entrant_overhead_share),
        ("providers.nmw_travel_compliance_share", p.nmw_travel_compliance_share),
        ("providers.quality_adjustment_per_week", p.quality_adjustment_per_week),
        ("providers.entry_base_per_week", p.entry_base_per_week),
        ("providers.quality_floor", p.quality_floor),
        ("providers.quality_weight_training", p.quality_weight_training),
        ("providers.quality_weight_experience", p.quality_weight_experience),
        ("providers.quality_weight_reliability", p.quality_weight_reliability),
    ] {
        c.share(k, v);
    }
    c.non_negative("providers.guaranteed_share_per_security", p.guaranteed_share_per_security);
    c.non_negative("providers.guaranteed_share_per_vacancy", p.guaranteed_share_per_vacancy);
    if p.hiring_buffer < 1.0 {
        c.fail("providers.hiring_buffer", format!("expected a multiple ≥ 1, found {}", p.hiring_buffer));
    }
    c.non_negative("providers.training_gbp_per_worker_week", p.training_gbp_per_worker_week);
    if p.handback_after_negative_weeks == 0 {
        c.fail("providers.handback_after_negative_weeks", "expected at least 1 week");
    }
    if p.exit_after_negative_cash_weeks == 0 {
        c.fail("providers.exit_after_negative_cash_weeks", "expected at least 1 week");
    }
    let qmax = p.quality_floor
        + p.quality_weight_training
        + p.quality_weight_experience
        + p.quality_weight_reliability;
    if qmax > 1.0 + 1e-9 {
        c.fail("providers.quality_floor", format!("expected quality floor plus weights ≤ 1, found {qmax}"));
    }
    c.non_negative("providers.entry_per_expected_margin", p.entry_per_expected_margin);
    c.positive("providers.entrant_cash_gbp", p.entrant_cash_gbp);
    if p.markup_min > p.markup_max {
        c.fail("providers.markup_min", "expected markup_min ≤ markup_max");
    }
    if p.markup_initial < p.markup_min || p.markup_initial > p.markup_max {
        c.fail("providers.markup_initial", "expected a value between markup_min and markup_max");
    }
    c.non_negative("providers.markup_step", p.markup_step);
    c.non_negative("providers.markup_per_non_price_weight", p.markup_per_non_price_weight);
    c.non_negative("providers.bid_cost_forecast_error_sd", p.bid_cost_forecast_error_sd);

    let co = &s.council;
    c.positive("council.annual_budget_gbp", co.annual_budget_gbp);
    c.share("council.inspection_per_week", co.inspection_per_week);
    c.non_negative("council.inspection_noise_sd", co.inspection_noise_sd);
    let t = co.rating_thresholds;
    if !(t[0] < t[1] && t[1] < t[2]) {
        c.fail("council.rating_thresholds", "expected three increasing quality thresholds");
    }
    c.non_negative("council.start_of_care_weeks", co.start_of_care_weeks);
    if co.max_offers_per_client == 0 {
        c.fail("council.max_offers_per_client", "expected at least 1");
    }

    let d = &co.downstream;
    c.share("council.downstream.hospital_admission_per_week", d.hospital_admission_per_week);
    c.non_negative("council.downstream.hospital_admission_nhs_gbp", d.hospital_admission_nhs_gbp);
    c.non_negative("council.downstream.residential_excess_gbp_per_week", d.residential_excess_gbp_per_week);
    c.non_negative("council.downstream.residential_weeks_costed", d.residential_weeks_costed);
    c.non_negative("council.downstream.emergency_premium", d.emergency_premium);
    c.share("council.trim_share", co.trim_share);
    c.share("council.trim_max_share", co.trim_max_share);
    if co.review_every_weeks == 0 {
        c.fail("council.review_every_weeks", "expected at least 1 week");
    }
    let lr = &co.last_resort;
    c.non_negative("council.last_resort.capacity_hours_per_week", lr.capacity_hours_per_week);
    c.non_negative("council.last_resort.cost_gbp_per_hour", lr.cost_gbp_per_hour);
    check_shocks(&mut c, &s.shocks, s.run.weeks);
    let m = &s.mission;
    for (k, v) in [
        ("unmet_need", m.unmet_need),
        ("turnover", m.turnover),
        ("local_spend", m.local_spend),
        ("estate_employment", m.estate_employment),
        ("co2", m.co2),
        ("continuity", m.continuity),
    ] {
        c.share(&format!("mission.{k}"), v);
    }

    commissioning(&mut c, "commissioning", &s.commissioning);
    commissioning(&mut c, "burn_in.commissioning", &s.burn_in.commissioning);
    c.problems
}

/// Scheduled shocks: a week within the run, sizes in range.
pub(crate) fn shocks_problems(shocks: &[Shock], run_weeks: u32) -> Vec<(String, String)> {
    let mut c = Checker { problems: Vec::new() };
    check_shocks(&mut c, shocks, run_weeks);
    c.problems
}

fn check_shocks(c: &mut Checker, shocks: &[Shock], run_weeks: u32) {
    for (i, s) in shocks.iter().enumerate() {
        let k = |f: &str| format!("shocks[{i}].{f}");
        if s.week() >= run_weeks {
            c.fail(
                k("week"),
                format!(
                    "expected a model week from 0 to {} (run.weeks − 1), found {}",
                    run_weeks.saturating_sub(1),
                    s.week()
                ),
            );
        }
        match *s {
            Shock::WageFloorRise { size, .. } | Shock::CostInflation { size, .. } => {
                if !(size > -1.0 && size <= 10.0) {
                    c.fail(
                        k("size"),
                        format!("expected a relative change above −1 and at most 10, found {size}"),
                    );
                }
            }
            Shock::DemandSurge { size, .. } => c.non_negative(&k("size"), size),
            Shock::BudgetCut { size, .. } => {
                if !(0.0..1.0).contains(&size) {
                    c.fail(k("size"), format!("expected a cut from 0 to below 1, found {size}"));
                }
            }
            Shock::LabourSupplyDrop { size, .. } => c.share(&k("size"), size),
            Shock::ProviderFailure { .. } => {}
        }
    }
}

fn commissioning(c: &mut Checker, at: &str, p: &Commissioning) {
    c.positive(&format!("{at}.rate_gbp_per_hour"), p.rate_gbp_per_hour);
    if let FeeUplift::Fixed { percent } = p.fee_uplift
        && !(0.0..=100.0).contains(&percent)
    {
        c.fail(format!("{at}.fee_uplift"), format!("expected a percent from 0 to 100, found {percent}"));
    }
    let t = &p.tender;
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
    let sv = &p.social_value;
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
    if sv.any_scored() && p.award == Award::Spot {
        c.fail(format!("{at}.social_value"), "scored items need a tender: award \"framework\" or \"zonal\"");
    }
    c.share(&format!("{at}.social_value.guaranteed_hours_min_share"), sv.guaranteed_hours_min_share);
    c.share(&format!("{at}.social_value.local_hiring_share"), sv.local_hiring_share);
    c.non_negative(&format!("{at}.social_value.e_bike_gbp_per_worker_week"), sv.e_bike_gbp_per_worker_week);
    c.non_negative(&format!("{at}.tender.price_cap_gbp_per_hour"), t.price_cap_gbp_per_hour);
    if !(1..=2).contains(&t.leads_per_patch) {
        c.fail(format!("{at}.tender.leads_per_patch"), "expected 1 or 2 lead providers per patch");
    }
    match p.rate_floor {
        RateFloor::None => {}
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
    c.share(&format!("{at}.block_share"), p.block_share);
    let o = &p.outcomes;
    c.share(&format!("{at}.outcomes.base_share"), o.base_share);
    c.non_negative(&format!("{at}.outcomes.continuity_bonus_gbp_per_hour"), o.continuity_bonus_gbp_per_hour);
    c.non_negative(&format!("{at}.outcomes.recovery_bonus_gbp"), o.recovery_bonus_gbp);
    if o.continuity_max_carers == 0 {
        c.fail(format!("{at}.outcomes.continuity_max_carers"), "expected at least 1 carer");
    }
    let i = &p.incubator;
    if i.enabled {
        if i.cohort_every_weeks == 0 {
            c.fail(format!("{at}.incubator.cohort_every_weeks"), "expected at least 1 week");
        }
        c.non_negative(&format!("{at}.incubator.startup_grant_gbp"), i.startup_grant_gbp);
        c.non_negative(
            &format!("{at}.incubator.guaranteed_worker_hours_per_week"),
            i.guaranteed_worker_hours_per_week,
        );
        if i.quality_growth_multiplier < 1.0 {
            c.fail(
                format!("{at}.incubator.quality_growth_multiplier"),
                "expected at least 1 (support never slows growth)",
            );
        }
        c.non_negative(
            &format!("{at}.incubator.support_gbp_per_provider_week"),
            i.support_gbp_per_provider_week,
        );
        c.non_negative(&format!("{at}.incubator.budget_gbp"), i.budget_gbp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Scenario::default()), Vec::<(String, String)>::new());
    }

    #[test]
    fn out_of_range_values_are_all_reported() {
        let mut s = Scenario::default();
        s.clients.double_handed_share = 1.5;
        s.commissioning.rate_gbp_per_hour = -1.0;
        s.commissioning.tender.scoring.price = 0.9;
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.0).collect();
        assert!(keys.contains(&"clients.double_handed_share".to_string()));
        assert!(keys.contains(&"commissioning.rate_gbp_per_hour".to_string()));
        assert!(keys.contains(&"commissioning.tender.scoring".to_string()));
    }
}
