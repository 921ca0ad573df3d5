//! Summaries of replicates (one row per scenario × replicate, post-burn-in) and the statistics
//! used to report them (means with t-based 95% confidence intervals).

pub mod budget;
pub mod compare;
pub mod discovery;
pub mod mission;
pub mod posterior;
pub mod sensitivity;
pub mod shapley;
pub mod stats;
pub mod stress;
pub mod value;

use crate::engine::ReplicateResult;
use crate::metrics::WeekRecord;
use crate::scenario::{Appraisal, MissionWeights};

/// How a summary metric is computed from the post-burn-in weeks of one replicate.
#[derive(Clone, Copy)]
enum Rule {
    /// Mean of a weekly metric.
    Mean(&'static str),
    /// Sum of a weekly flow, per 52 weeks.
    PerYear(&'static str),
    /// Sum of a weekly flow per 52 weeks, divided by the mean of a stock.
    AnnualRate(&'static str, &'static str),
    /// Sum of one metric over the sum of another.
    RatioOfSums(&'static str, &'static str),
    /// The first annual rate less the second (each as `AnnualRate`).
    AnnualRateGap((&'static str, &'static str), (&'static str, &'static str)),
    /// 1 - (sum of a + sum of b) / sum of c.
    UnmetShare,
    /// Mean of a weekly metric over weeks [from, to) after the reform date.
    MeanInWeeks(&'static str, i32, i32),
    /// The composite mission score (see `mission_score`).
    Mission,
    /// One bounded mission-score component, by its index in `MISSION_COMPONENTS`.
    MissionComponent(usize),
    /// Present value at the reform date: the sum over weeks of the weekly metric times the
    /// week's discount factor (`Appraisal::discount`), divided by the second field.
    Discounted(&'static str, f64),
    /// Discount-weighted annual rate: 52 × Σ d·flow / Σ d·stock.
    DiscountedRate(&'static str, &'static str),
    /// Σ d / 52: the discounted length of the period in years.
    DiscountedYears,
    /// The week after-shock outcomes are measured from (see `shock_window`).
    ShockWeek,
    /// Mean of a weekly metric over the 13 weeks before the shock week.
    PreShock(&'static str),
    /// Largest weekly value in the year after the shock (weeks [s, s + 52)).
    PeakAfterShock(&'static str),
    /// Weeks from the shock until the metric is back near its pre-shock level (`weeks_to_recover`).
    RecoverAfterShock(&'static str),
    /// Sum of a weekly flow over the year after the shock.
    SumAfterShock(&'static str),
    /// Mean of a weekly metric over the year after the shock.
    MeanAfterShock(&'static str),
}

/// The summary table's metrics: (column name, definition, rule). Order is table order.
const SUMMARY: &[(&str, &str, Rule)] = &[
    (
        "unmet_need_share",
        "1 - (delivered + cancelled) / assessed client-hours over the period",
        Rule::UnmetShare,
    ),
    ("clients_waiting", "Mean clients waiting for a package", Rule::Mean("clients_waiting")),
    (
        "mean_wait_weeks",
        "Mean time waited so far by waiting clients (weeks), averaged over weeks",
        Rule::Mean("mean_wait_weeks"),
    ),
    (
        "wait_to_start_weeks",
        "Mean weeks from request (or handback) to the start of care, over packages placed",
        Rule::RatioOfSums("placement_wait_weeks", "placements"),
    ),
    ("clients_active", "Mean clients receiving a package", Rule::Mean("clients_active")),
    ("delivered_hours", "Mean client-hours delivered per week", Rule::Mean("delivered_hours")),
    ("care_workers", "Mean care workers employed", Rule::Mean("care_workers")),
    (
        "turnover_annual",
        "Leavers per year (incl. moves between providers) / mean headcount",
        Rule::AnnualRate("leavers", "care_workers"),
    ),
    ("vacancy_rate", "Mean vacancy rate", Rule::Mean("vacancy_rate")),
    ("zero_hours_share", "Mean share of workers on zero-hours contracts", Rule::Mean("zero_hours_share")),
    ("wage_gbp_per_hour", "Mean posted wage (GBP/h)", Rule::Mean("wage_gbp_per_hour")),
    (
        "effective_wage_gbp_per_hour",
        "Mean effective wage incl. unpaid travel (GBP/h)",
        Rule::Mean("effective_wage_gbp_per_hour"),
    ),
    (
        "share_paid_at_least_llw",
        "Mean share of workers paid at least the London Living Wage",
        Rule::Mean("share_paid_at_least_llw"),
    ),
    (
        "share_effective_below_nlw",
        "Mean share of workers whose effective wage is below the NLW",
        Rule::Mean("share_effective_below_nlw"),
    ),
    (
        "estate_residents_employed",
        "Mean estate residents employed in homecare",
        Rule::Mean("estate_residents_employed"),
    ),
    ("travel_share", "Travel time / (travel + contact time), mean over weeks", Rule::Mean("travel_share")),
    ("travel_km_per_year", "Kilometres between visits per year", Rule::PerYear("travel_km")),
    ("co2_kg_per_year", "CO2 from travel between visits per year (kg)", Rule::PerYear("co2_kg")),
    (
        "continuity_carers_per_4_weeks",
        "Mean distinct carers per client per 4 weeks",
        Rule::Mean("continuity_carers_per_4_weeks"),
    ),
    ("providers_active", "Mean providers trading", Rule::Mean("providers_active")),
    ("entries_per_year", "Provider entries per year", Rule::PerYear("provider_entries")),
    ("exits_per_year", "Provider exits per year", Rule::PerYear("provider_exits")),
    (
        "incumbent_exits_per_year",
        "Exits per year of providers already trading at the reform date: the same cohort in every \
         scenario of a paired comparison, so differences in entry do not dilute it",
        Rule::PerYear("provider_exits_incumbent"),
    ),
    (
        "closure_rate_annual",
        "Provider exits per year / mean active providers",
        Rule::AnnualRate("provider_exits", "providers_active"),
    ),
    ("handback_packages_per_year", "Packages handed back per year", Rule::PerYear("handback_packages")),
    (
        "loss_handbacks_per_year",
        "Packages handed back per year because they lost money for K weeks (the rest of handback_packages_per_year could not be staffed)",
        Rule::PerYear("handback_packages_at_a_loss"),
    ),
    (
        "handback_contracts_per_year",
        "Framework contracts handed back per year",
        Rule::PerYear("handback_contracts"),
    ),
    (
        "contracts_awarded_per_year",
        "Contracts (framework places or zonal lots) awarded in tenders per year",
        Rule::PerYear("contracts_awarded"),
    ),
    (
        "contract_handback_first_year_share",
        "Contracts handed back within 52 weeks of their award / contracts awarded (0 without tenders)",
        Rule::RatioOfSums("handback_contracts_first_year", "contracts_awarded"),
    ),
    (
        "contract_weeks_to_handback",
        "Mean weeks from a contract's award to its handback, over contracts handed back (0 if none)",
        Rule::RatioOfSums("handback_contract_weeks", "handback_contracts"),
    ),
    ("hhi", "Mean Herfindahl-Hirschman index of contact hours", Rule::Mean("hhi")),
    (
        "hours_share_national_chain",
        "Mean share of hours by national chains",
        Rule::Mean("hours_share_national_chain"),
    ),
    ("hours_share_local_sme", "Mean share of hours by local SMEs", Rule::Mean("hours_share_local_sme")),
    (
        "hours_share_coop_social",
        "Mean share of hours by co-ops and social enterprises",
        Rule::Mean("hours_share_coop_social"),
    ),
    ("hours_share_micro", "Mean share of hours by micro-providers", Rule::Mean("hours_share_micro")),
    ("mean_quality", "Mean provider quality (hours-weighted)", Rule::Mean("mean_quality")),
    ("mean_margin", "Mean provider margin (revenue-weighted)", Rule::Mean("mean_margin")),
    (
        "council_spend_gbp_per_year",
        "Council spend on homecare per year (GBP)",
        Rule::PerYear("council_spend_gbp"),
    ),
    (
        "cost_per_delivered_hour_gbp",
        "Council spend / carer-hours delivered to council clients (GBP)",
        Rule::RatioOfSums("council_spend_gbp", "council_worker_hours_delivered"),
    ),
    (
        "cost_to_rate_ratio",
        "Council spend / (carer-hours delivered × the spot rate in force): an hour's cost relative to the rate",
        Rule::RatioOfSums("council_spend_gbp", "rate_weighted_hours"),
    ),
    (
        "budget_variance_gbp_per_year",
        "Council spend minus budget per year (GBP)",
        Rule::PerYear("budget_variance_gbp"),
    ),
    ("deaths_per_year", "Client deaths per year", Rule::PerYear("deaths")),
    ("residential_moves_per_year", "Moves to residential care per year", Rule::PerYear("residential_moves")),
    (
        "deterioration_moves_per_year",
        "Residential moves attributable to unmet need and waiting per year",
        Rule::PerYear("deterioration_moves"),
    ),
    ("recoveries_per_year", "Clients regaining independence per year", Rule::PerYear("recoveries")),
    (
        "recovery_rate_annual",
        "Clients regaining independence per year / mean clients receiving care",
        Rule::AnnualRate("recoveries", "clients_active"),
    ),
    (
        "local_spend_share",
        "Share of council spend staying local",
        Rule::RatioOfSums("local_spend_gbp", "council_spend_gbp"),
    ),
    (
        "turnover_guaranteed_annual",
        "Turnover of guaranteed-hours workers (leavers per year / mean headcount)",
        Rule::AnnualRate("leavers_guaranteed", "care_workers_guaranteed"),
    ),
    (
        "turnover_zero_hours_annual",
        "Turnover of zero-hours workers (leavers per year / mean headcount)",
        Rule::AnnualRate("leavers_zero_hours", "care_workers_zero_hours"),
    ),
    (
        "turnover_gap_zero_hours",
        "Turnover of zero-hours workers less turnover of guaranteed-hours workers (annual; 0.058 is 5.8 points)",
        Rule::AnnualRateGap(
            ("leavers_zero_hours", "care_workers_zero_hours"),
            ("leavers_guaranteed", "care_workers_guaranteed"),
        ),
    ),
    (
        "annual_earnings_per_worker_gbp",
        "Gross pay per care worker per year: wage bill per year / mean headcount (GBP)",
        Rule::AnnualRate("wage_bill_gbp", "care_workers"),
    ),
    (
        "recruits_per_year",
        "Workers hired from outside the borough's providers per year (the pool or local outreach)",
        Rule::PerYear("recruits"),
    ),
    (
        "entrants_per_year",
        "New entrants to care work per year (into the labour pool, from the borough's labour market and from abroad)",
        Rule::PerYear("pool_entrants"),
    ),
    (
        "international_recruits_per_year",
        "International recruits entering the labour pool per year",
        Rule::PerYear("international_recruits"),
    ),
    (
        "turnover_at_least_llw_annual",
        "Turnover of workers paid at least the London Living Wage",
        Rule::AnnualRate("leavers_at_least_llw", "care_workers_at_least_llw"),
    ),
    (
        "turnover_below_llw_annual",
        "Turnover of workers paid below the London Living Wage",
        Rule::AnnualRate("leavers_below_llw", "care_workers_below_llw"),
    ),
    (
        "effective_wage_guaranteed_gbp_per_hour",
        "Mean effective wage of guaranteed-hours workers (GBP/h)",
        Rule::Mean("effective_wage_guaranteed_gbp_per_hour"),
    ),
    (
        "effective_wage_zero_hours_gbp_per_hour",
        "Mean effective wage of zero-hours workers (GBP/h)",
        Rule::Mean("effective_wage_zero_hours_gbp_per_hour"),
    ),
    (
        "hospital_admissions_per_year",
        "Emergency hospital admissions of people drawing on homecare per year",
        Rule::PerYear("hospital_admissions"),
    ),
    (
        "downstream_cost_council_gbp_per_year",
        "Council cost of residential moves caused by deterioration per year (GBP)",
        Rule::PerYear("downstream_council_gbp"),
    ),
    (
        "downstream_cost_nhs_gbp_per_year",
        "NHS cost of emergency admissions per year (GBP)",
        Rule::PerYear("downstream_nhs_gbp"),
    ),
    (
        "downstream_cost_gbp_per_year",
        "Downstream costs, council and NHS, per year (GBP)",
        Rule::PerYear("downstream_gbp"),
    ),
    (
        "emergency_premium_gbp_per_year",
        "Premium paid on urgent placements after handbacks and exits per year (GBP)",
        Rule::PerYear("emergency_premium_gbp"),
    ),
    (
        "outcome_payments_gbp_per_year",
        "Outcome bonuses (continuity, recovery) per year (GBP, part of council spend)",
        Rule::PerYear("outcome_payments_gbp"),
    ),
    (
        "incubator_spend_gbp_per_year",
        "Mission Incubator grants and support per year (GBP)",
        Rule::PerYear("incubator_spend_gbp"),
    ),
    (
        "total_public_cost_gbp_per_year",
        "Net public cost per year (GBP): council homecare spend (incl. outcome payments and emergency premiums) + the provider of last resort + incubator + downstream costs (council and NHS); savings show as lower downstream costs",
        Rule::PerYear("total_public_cost_gbp"),
    ),
    (
        "net_public_cost_pv_gbp",
        "Present value at the reform date of the net public cost (total_public_cost_gbp) over the period, year k discounted by (1 + appraisal.discount_rate_percent/100)^-k (GBP)",
        Rule::Discounted("total_public_cost_gbp", 1.0),
    ),
    (
        "unmet_hours_pv",
        "Present value of unmet client-hours (unmet_hours) over the period, discounted as net_public_cost_pv_gbp",
        Rule::Discounted("unmet_hours", 1.0),
    ),
    (
        "estate_resident_years_pv",
        "Present value of estate residents' years of employment in homecare (estate_residents_employed / 52 a week), discounted as net_public_cost_pv_gbp",
        Rule::Discounted("estate_residents_employed", 52.0),
    ),
    (
        "turnover_discounted",
        "Discount-weighted annual turnover: 52 x sum(d x leavers) / sum(d x care_workers), d the week's discount factor",
        Rule::DiscountedRate("leavers", "care_workers"),
    ),
    (
        "discounted_years",
        "Discounted length of the period in years: sum of the weekly discount factors / 52 (divides a present value into an equivalent annual value)",
        Rule::DiscountedYears,
    ),
    (
        "overflow_placements_per_year",
        "Zonal award: packages placed with the reserve list per year",
        Rule::PerYear("overflow_placements"),
    ),
    ("tupe_workers_per_year", "Workers transferred under TUPE per year", Rule::PerYear("tupe_workers")),
    (
        "outreach_recruits_per_year",
        "Estate residents recruited by outreach per year",
        Rule::PerYear("outreach_recruits"),
    ),
    (
        "incubated_providers_active",
        "Mean incubated providers trading",
        Rule::Mean("incubated_providers_active"),
    ),
    (
        "estate_residents_employed_year_1",
        "Mean estate residents employed in homecare in year 1 after the reform",
        Rule::MeanInWeeks("estate_residents_employed", 0, 52),
    ),
    (
        "estate_residents_employed_years_3_5",
        "Mean estate residents employed in homecare in years 3-5 after the reform",
        Rule::MeanInWeeks("estate_residents_employed", 104, 260),
    ),
    (
        "hours_share_coop_micro_year_1",
        "Share of hours by co-ops and micro-providers in year 1",
        Rule::MeanInWeeks("hours_share_coop_micro", 0, 52),
    ),
    (
        "hours_share_coop_micro_years_3_5",
        "Share of hours by co-ops and micro-providers in years 3-5",
        Rule::MeanInWeeks("hours_share_coop_micro", 104, 260),
    ),
    (
        "mission_score",
        "Composite mission score: the [mission]-weighted mean of the mission_* components, from -1 to 1; 0 = as in the burn-in year, higher is better",
        Rule::Mission,
    ),
    (
        "mission_unmet_need",
        "Mission component: fall in the unmet-need share since the burn-in year, relative to it, capped to [-1, 1]",
        Rule::MissionComponent(0),
    ),
    (
        "mission_turnover",
        "Mission component: fall in annualised turnover since the burn-in year, relative, capped to [-1, 1]",
        Rule::MissionComponent(1),
    ),
    (
        "mission_local_spend",
        "Mission component: rise in the share of council spend with locally based providers since the burn-in year, relative, capped to [-1, 1]",
        Rule::MissionComponent(2),
    ),
    (
        "mission_estate_employment",
        "Mission component: rise in estate residents employed in homecare since the burn-in year, relative, capped to [-1, 1]",
        Rule::MissionComponent(3),
    ),
    (
        "mission_co2",
        "Mission component: fall in weekly CO2 from travel since the burn-in year, relative, capped to [-1, 1]",
        Rule::MissionComponent(4),
    ),
    (
        "mission_continuity",
        "Mission component: fall in distinct carers per client per 4 weeks since the burn-in year, relative, capped to [-1, 1]",
        Rule::MissionComponent(5),
    ),
    (
        "mission_public_cost",
        "Mission component: fall in weekly net public cost since the burn-in year, relative, capped to [-1, 1] (weight 0 unless [mission] public_cost is set)",
        Rule::MissionComponent(6),
    ),
    (
        "unmet_hours_per_year",
        "Assessed client-hours neither delivered nor cancelled per year (active, waiting and in-house clients)",
        Rule::PerYear("unmet_hours"),
    ),
    (
        "self_funder_hours_delivered",
        "Mean self-funded client-hours delivered per week",
        Rule::Mean("self_funder_hours_delivered"),
    ),
    (
        "private_rate_gbp_per_hour",
        "Mean self-funders' hourly fee (GBP/h)",
        Rule::Mean("private_rate_gbp_per_hour"),
    ),
    (
        "self_funder_unmet_share",
        "Self-funded client-hours sought and not delivered / sought, over the period",
        Rule::RatioOfSums("self_funder_hours_unmet", "self_funder_hours_sought"),
    ),
    (
        "last_resort_spend_gbp_per_year",
        "Cost of the council's provider of last resort per year (GBP)",
        Rule::PerYear("last_resort_spend_gbp"),
    ),
    (
        "shock_week",
        "Week after-shock outcomes are measured from: the scenario's first shock, or 0 (the reform date) without shocks",
        Rule::ShockWeek,
    ),
    (
        "waiting_pre_shock",
        "Mean clients waiting over the 13 weeks before the shock week",
        Rule::PreShock("clients_waiting"),
    ),
    (
        "peak_waiting_after_shock",
        "Most clients waiting in a week of the year after the shock week",
        Rule::PeakAfterShock("clients_waiting"),
    ),
    (
        "weeks_to_recover_waiting",
        "Weeks from the shock until the 4-week mean of clients waiting is back within the recovery band of its pre-shock mean (0 if it never left the band in the year after; weeks to the end of the run if it never came back)",
        Rule::RecoverAfterShock("clients_waiting"),
    ),
    (
        "unmet_need_share_pre_shock",
        "Mean weekly unmet-need share over the 13 weeks before the shock week",
        Rule::PreShock("unmet_need_share"),
    ),
    (
        "peak_unmet_need_share_after_shock",
        "Largest weekly unmet-need share in the year after the shock week",
        Rule::PeakAfterShock("unmet_need_share"),
    ),
    (
        "weeks_to_recover_unmet_need",
        "Weeks from the shock until the 4-week mean unmet-need share is back within the recovery band (as weeks_to_recover_waiting)",
        Rule::RecoverAfterShock("unmet_need_share"),
    ),
    (
        "unmet_hours_year_after_shock",
        "Client-hours of assessed need not met in the year after the shock week",
        Rule::SumAfterShock("unmet_hours"),
    ),
    (
        "emergency_premium_gbp_year_after_shock",
        "Emergency re-brokerage premium paid in the year after the shock week (GBP)",
        Rule::SumAfterShock("emergency_premium_gbp"),
    ),
    (
        "handbacks_year_after_shock",
        "Packages handed back in the year after the shock week",
        Rule::SumAfterShock("handback_packages"),
    ),
    (
        "loss_handbacks_year_after_shock",
        "Packages handed back in the year after the shock week because they lost money for K weeks",
        Rule::SumAfterShock("handback_packages_at_a_loss"),
    ),
    (
        "contract_handbacks_year_after_shock",
        "Tendered contracts handed back in the year after the shock week",
        Rule::SumAfterShock("handback_contracts"),
    ),
    (
        "returned_packages_year_after_shock",
        "Packages returned to the council in the year after the shock week: handed back, or returned by a provider's exit",
        Rule::SumAfterShock("returned_packages"),
    ),
    (
        "exits_year_after_shock",
        "Provider exits (insolvency, withdrawal and failure) in the year after the shock week",
        Rule::SumAfterShock("provider_exits"),
    ),
    (
        "last_resort_spend_gbp_year_after_shock",
        "Cost of the provider of last resort in the year after the shock week (GBP)",
        Rule::SumAfterShock("last_resort_spend_gbp"),
    ),
    (
        "council_spend_gbp_year_after_shock",
        "Council spend on homecare (providers and last resort) in the year after the shock week (GBP)",
        Rule::SumAfterShock("council_spend_total_gbp"),
    ),
    (
        "mean_margin_year_after_shock",
        "Mean provider margin (revenue-weighted) in the year after the shock week",
        Rule::MeanAfterShock("mean_margin"),
    ),
    (
        "vacancy_rate_year_after_shock",
        "Mean vacancy rate in the year after the shock week",
        Rule::MeanAfterShock("vacancy_rate"),
    ),
    (
        "unmet_need_share_year_after_shock",
        "Mean weekly unmet-need share in the year after the shock week",
        Rule::MeanAfterShock("unmet_need_share"),
    ),
];

/// Weeks after a shock over which its outcomes are measured.
pub const SHOCK_WINDOW_WEEKS: i32 = 52;
/// Weeks before a shock that give the pre-shock level.
pub const PRE_SHOCK_WEEKS: i32 = 13;
/// Recovery band: within this share of the pre-shock mean, or one pre-shock standard
/// deviation if that is wider (so weekly noise alone does not count as a shock).
pub const RECOVERY_BAND: f64 = 0.10;

/// The weekly values of a metric with their weeks.
fn series<'a>(weeks: &'a [WeekRecord], name: &'a str) -> impl Iterator<Item = (i32, f64)> + 'a {
    weeks.iter().map(move |w| (w.week, get(w, name)))
}

/// Mean and sample sd of a metric over weeks [from, to).
fn window_moments(weeks: &[WeekRecord], name: &str, from: i32, to: i32) -> (f64, f64) {
    let xs: Vec<f64> = series(weeks, name).filter(|(t, _)| (from..to).contains(t)).map(|(_, v)| v).collect();
    let m = stats::moments(&xs);
    (if m.n > 0 { m.mean } else { 0.0 }, if m.n > 1 { m.sd } else { 0.0 })
}

/// Weeks from the shock week `s` until a metric (where more is worse) recovers: the 4-week
/// moving mean must first rise above the band over the pre-shock mean within the year after
/// `s` (else 0: it never left), and the answer is the first later week when it is back within
/// the band, minus `s`; if it never comes back, the weeks from `s` to the end of the run.
pub fn weeks_to_recover(weeks: &[WeekRecord], name: &str, s: i32) -> f64 {
    let (pre, sd) = window_moments(weeks, name, s - PRE_SHOCK_WEEKS, s);
    let limit = pre + (RECOVERY_BAND * pre.abs()).max(sd);
    let values: Vec<(i32, f64)> = series(weeks, name).collect();
    let last = values.last().map_or(s, |v| v.0);
    let mut left_at = None;
    for i in 0..values.len() {
        let (t, _) = values[i];
        if t < s {
            continue;
        }
        let lo = i.saturating_sub(3);
        let ma = values[lo..=i].iter().map(|v| v.1).sum::<f64>() / (i - lo + 1) as f64;
        match left_at {
            None if t >= s + SHOCK_WINDOW_WEEKS => return 0.0,
            None if ma > limit => left_at = Some(t),
            Some(_) if ma <= limit => return (t - s) as f64,
            _ => {}
        }
    }
    if left_at.is_some() { (last - s + 1) as f64 } else { 0.0 }
}

/// Column names of the summary table's metrics, in order.
pub fn summary_names() -> Vec<&'static str> {
    SUMMARY.iter().map(|s| s.0).collect()
}

/// The metric reference (docs/METRICS.md): every weekly and summary column with its
/// definition, generated from the code so that the two cannot drift apart.
pub fn metrics_markdown() -> String {
    let mut out = String::from(
        "# Metrics\n\nGenerated from the code by `careshape metrics` (a test checks this file is up to date).\n\
         Definitions of the headline outcomes, and which weeks each table covers, are in\n\
         [ODD.md](ODD.md#outputs-and-metric-definitions).\n\n\
         ## Weekly table (`weekly.*`, one row per scenario × replicate × week)\n\n\
         Columns `scenario`, `replicate`, `week`, `burn_in`, then:\n\n| Column | Definition |\n|---|---|\n",
    );
    for (name, def) in WeekRecord::NAMES.iter().zip(WeekRecord::DEFINITIONS) {
        out.push_str(&format!("| `{name}` | {def} |\n"));
    }
    out.push_str(
        "\n## Summary table (`summary.*`, one row per scenario × replicate, weeks after burn-in)\n\n\
         \"Mean\" is the mean of weekly values; \"per year\" is the sum × 52 / weeks. A value that is\n\
         not finite (0/0) is written as 0. Columns `scenario`, `replicate`, then:\n\n\
         | Column | Definition |\n|---|---|\n",
    );
    for (name, def, _) in SUMMARY {
        out.push_str(&format!("| `{name}` | {def} |\n"));
    }
    out
}

/// Definitions of the summary metrics, in order.
pub fn summary_definitions() -> Vec<(&'static str, &'static str)> {
    SUMMARY.iter().map(|s| (s.0, s.1)).collect()
}

fn get(w: &WeekRecord, name: &str) -> f64 {
    match name {
        // Derived so that the local share is a ratio of sums, not a mean of weekly ratios.
        "local_spend_gbp" => w.local_spend_share * w.council_spend_gbp,
        "rate_weighted_hours" => w.spot_rate_gbp_per_hour * w.council_worker_hours_delivered,
        "care_workers_zero_hours" => w.care_workers - w.care_workers_guaranteed,
        "care_workers_below_llw" => w.care_workers - w.care_workers_at_least_llw,
        "downstream_gbp" => w.downstream_council_gbp + w.downstream_nhs_gbp,
        "total_public_cost_gbp" => total_public_cost(w),
        "hours_share_coop_micro" => w.hours_share_coop_social + w.hours_share_micro,
        "council_spend_total_gbp" => w.council_spend_gbp + w.last_resort_spend_gbp,
        "returned_packages" => w.handback_packages + w.rebrokered_after_exit,
        _ => w.get(name).unwrap_or_else(|| panic!("summary rule names unknown metric {name}")),
    }
}

/// The weekly net public cost: council homecare spend, the provider of last resort, the
/// incubator and downstream costs (council and NHS).
fn total_public_cost(w: &WeekRecord) -> f64 {
    w.council_spend_gbp
        + w.last_resort_spend_gbp
        + w.incubator_spend_gbp
        + w.downstream_council_gbp
        + w.downstream_nhs_gbp
}

/// The weekly outcome behind each mission component (`MISSION_COMPONENTS` order) and whether
/// more of it is better.
/// A weekly outcome read from a week's record.
type Outcome = fn(&WeekRecord) -> f64;

const MISSION_OUTCOMES: [(Outcome, bool); 7] = [
    (|w| w.unmet_need_share, false),
    (|w| w.turnover_annualised, false),
    (|w| w.local_spend_share, true),
    (|w| w.estate_residents_employed, true),
    (|w| w.co2_kg, false),
    (|w| w.continuity_carers_per_4_weeks, false),
    (total_public_cost, false),
];

/// The bounded mission-score components of a replicate (docs/ODD.md, "Outcome definitions, as implemented"), in
/// `MISSION_COMPONENTS` order. Each compares the outcome's mean after the reform date with its
/// mean over the burn-in year, which every scenario of a comparison shares: the relative
/// change, signed so that + is better, capped to [−1, 1]. It is linear in the outcome, so an
/// outcome near zero (unmet need) cannot dominate the score as a before/after ratio would; a
/// component whose burn-in mean is not positive scores 0.
pub fn mission_components(weeks: &[WeekRecord]) -> [f64; 7] {
    let (mut before, mut after) = ([0.0; 7], [0.0; 7]);
    let (mut n_before, mut n_after) = (0usize, 0usize);
    for w in weeks {
        let (sums, n) = if w.burn_in { (&mut before, &mut n_before) } else { (&mut after, &mut n_after) };
        *n += 1;
        for (s, (f, _)) in sums.iter_mut().zip(MISSION_OUTCOMES.iter()) {
            *s += f(w);
        }
    }
    let mut out = [0.0; 7];
    for (k, (_, more_is_better)) in MISSION_OUTCOMES.iter().enumerate() {
        let b = before[k] / n_before.max(1) as f64;
        let a = after[k] / n_after.max(1) as f64;
        if b > 0.0 && b.is_finite() && a.is_finite() {
            let change = if *more_is_better { (a - b) / b } else { (b - a) / b };
            out[k] = change.clamp(-1.0, 1.0);
        }
    }
    out
}

/// The composite mission score: the weighted mean of the components (0 if every weight is 0).
pub fn mission_score_of(components: &[f64; 7], weights: &MissionWeights) -> f64 {
    let w = weights.as_array();
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    components.iter().zip(w).map(|(c, w)| c * w).sum::<f64>() / total
}

/// The composite mission score of a replicate's weeks (`mission_components`, weighted).
pub fn mission_score(weeks: &[WeekRecord], weights: &MissionWeights) -> f64 {
    mission_score_of(&mission_components(weeks), weights)
}

/// One replicate's summary: every summary metric (docs/METRICS.md), looked up by name.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary(Vec<f64>);

impl Summary {
    /// The value of a summary metric, or `None` if `metric` is not one (`careshape metrics`
    /// lists them).
    pub fn get(&self, metric: &str) -> Option<f64> {
        summary_index(metric).map(|i| self.0[i])
    }

    /// Every value, in `summary_names()` order (the summary table's column order).
    pub fn values(&self) -> &[f64] {
        &self.0
    }

    /// A summary from its values in `summary_names()` order (unit tests of code that reads
    /// summaries).
    #[cfg(test)]
    pub(crate) fn from_values(values: Vec<f64>) -> Self {
        assert_eq!(values.len(), SUMMARY.len());
        Summary(values)
    }

    /// (metric, value) pairs in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        SUMMARY.iter().map(|s| s.0).zip(self.0.iter().copied())
    }
}

/// What a run keeps of one replicate once its weekly records are written: its summary and, for
/// the stress table, its after-shock outcomes measured from other scenarios' shock weeks.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicateSummary {
    pub scenario: String,
    pub replicate: u32,
    /// The week of the scenario's first scheduled shock (`None` without shocks).
    pub shock_week: Option<i32>,
    /// [`summarise`] of the replicate.
    pub summary: Summary,
    /// [`summarise_from`] the replicate at each week asked for (a policy's run summarised at
    /// its shocked twins' shock weeks, so that the stress table pairs them over the same weeks).
    pub from_weeks: Vec<(i32, Summary)>,
}

impl ReplicateSummary {
    /// Summarises `result`, and again from each of `weeks`.
    pub fn new(result: &ReplicateResult, weeks: &[i32]) -> Self {
        ReplicateSummary {
            scenario: result.scenario.clone(),
            replicate: result.replicate,
            shock_week: result.shock_week,
            summary: summarise(result),
            from_weeks: weeks.iter().map(|&w| (w, summarise_from(result, w))).collect(),
        }
    }

    /// The replicate summarised from `week`, if it was asked for.
    pub fn from_week(&self, week: i32) -> Option<&Summary> {
        if self.shock_week == Some(week) {
            return Some(&self.summary);
        }
        self.from_weeks.iter().find(|(w, _)| *w == week).map(|(_, s)| s)
    }
}

/// The position of a summary metric among `summary_names()`.
pub fn summary_index(metric: &str) -> Option<usize> {
    SUMMARY.iter().position(|s| s.0 == metric)
}

/// Summarises one replicate (its post-burn-in weeks). After-shock outcomes are measured from
/// the scenario's first shock week, or from week 0 without shocks.
pub fn summarise(result: &ReplicateResult) -> Summary {
    summarise_from(result, result.shock_week.unwrap_or(0))
}

/// As `summarise`, with after-shock outcomes measured from week `shock`: a baseline run is
/// summarised at its shocked twin's week so that the two are compared over the same weeks.
pub fn summarise_from(result: &ReplicateResult, shock: i32) -> Summary {
    let weeks = &result.weeks;
    let post: Vec<&WeekRecord> = weeks.iter().filter(|w| !w.burn_in).collect();
    let n = post.len().max(1) as f64;
    let sum = |name: &str| post.iter().map(|w| get(w, name)).sum::<f64>();
    let appraisal: &Appraisal = &result.appraisal;
    let dsum = |name: &str| post.iter().map(|w| appraisal.discount(w.week) * get(w, name)).sum::<f64>();
    let mission = mission_components(weeks);
    let values = SUMMARY
        .iter()
        .map(|&(_, _, rule)| {
            let v = match rule {
                Rule::Mean(m) => sum(m) / n,
                Rule::PerYear(m) => sum(m) * 52.0 / n,
                Rule::AnnualRate(flow, stock) => (sum(flow) * 52.0 / n) / (sum(stock) / n),
                Rule::RatioOfSums(a, b) => sum(a) / sum(b),
                Rule::AnnualRateGap((f1, s1), (f2, s2)) => {
                    sum(f1) * 52.0 / sum(s1) - sum(f2) * 52.0 / sum(s2)
                }
                Rule::UnmetShare => {
                    (1.0 - (sum("delivered_hours") + sum("cancelled_hours")) / sum("assessed_hours")).max(0.0)
                }
                Rule::MeanInWeeks(m, from, to) => {
                    let window: Vec<f64> =
                        post.iter().filter(|w| (from..to).contains(&w.week)).map(|w| get(w, m)).collect();
                    window.iter().sum::<f64>() / window.len().max(1) as f64
                }
                Rule::Mission => mission_score_of(&mission, &result.mission),
                Rule::MissionComponent(k) => mission[k],
                Rule::Discounted(m, per) => dsum(m) / per,
                Rule::DiscountedRate(flow, stock) => 52.0 * dsum(flow) / dsum(stock),
                Rule::DiscountedYears => post.iter().map(|w| appraisal.discount(w.week)).sum::<f64>() / 52.0,
                Rule::ShockWeek => shock as f64,
                Rule::PreShock(m) => window_moments(weeks, m, shock - PRE_SHOCK_WEEKS, shock).0,
                Rule::PeakAfterShock(m) => series(weeks, m)
                    .filter(|(t, _)| (shock..shock + SHOCK_WINDOW_WEEKS).contains(t))
                    .map(|(_, v)| v)
                    .fold(0.0, f64::max),
                Rule::RecoverAfterShock(m) => weeks_to_recover(weeks, m, shock),
                Rule::SumAfterShock(m) => series(weeks, m)
                    .filter(|(t, _)| (shock..shock + SHOCK_WINDOW_WEEKS).contains(t))
                    .map(|(_, v)| v)
                    .sum(),
                Rule::MeanAfterShock(m) => window_moments(weeks, m, shock, shock + SHOCK_WINDOW_WEEKS).0,
            };
            if v.is_finite() { v } else { 0.0 }
        })
        .collect();
    Summary(values)
}

/// One summary metric's values over several replicates' summaries, or an input error naming
/// the metric if it is not a summary metric.
pub fn column(summaries: &[Summary], metric: &str) -> crate::error::Result<Vec<f64>> {
    let i = summary_index(metric).ok_or_else(|| {
        crate::error::Error::Input(format!(
            "`{metric}` is not a summary metric (`careshape metrics` lists them)"
        ))
    })?;
    Ok(summaries.iter().map(|s| s.0[i]).collect())
}
