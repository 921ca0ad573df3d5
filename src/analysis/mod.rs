//! Summaries of replicates (one row per scenario × replicate, post-burn-in) and the statistics
//! used to report them (means with t-based 95% confidence intervals).

pub mod compare;
pub mod stats;

use crate::metrics::WeekRecord;

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
    /// 1 - (sum of a + sum of b) / sum of c.
    UnmetShare,
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
        "closure_rate_annual",
        "Provider exits per year / mean active providers",
        Rule::AnnualRate("provider_exits", "providers_active"),
    ),
    ("handback_packages_per_year", "Packages handed back per year", Rule::PerYear("handback_packages")),
    (
        "handback_contracts_per_year",
        "Framework contracts handed back per year",
        Rule::PerYear("handback_contracts"),
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
        "local_spend_share",
        "Share of council spend staying local",
        Rule::RatioOfSums("local_spend_gbp", "council_spend_gbp"),
    ),
];

/// Column names of the summary table's metrics, in order.
pub fn summary_names() -> Vec<&'static str> {
    SUMMARY.iter().map(|s| s.0).collect()
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
        _ => w.get(name).unwrap_or_else(|| panic!("summary rule names unknown metric {name}")),
    }
}

/// Summarises one replicate's post-burn-in weeks, in `summary_names()` order.
pub fn summarise(weeks: &[WeekRecord]) -> Vec<f64> {
    let post: Vec<&WeekRecord> = weeks.iter().filter(|w| !w.burn_in).collect();
    let n = post.len().max(1) as f64;
    let sum = |name: &str| post.iter().map(|w| get(w, name)).sum::<f64>();
    SUMMARY
        .iter()
        .map(|&(_, _, rule)| {
            let v = match rule {
                Rule::Mean(m) => sum(m) / n,
                Rule::PerYear(m) => sum(m) * 52.0 / n,
                Rule::AnnualRate(flow, stock) => (sum(flow) * 52.0 / n) / (sum(stock) / n),
                Rule::RatioOfSums(a, b) => sum(a) / sum(b),
                Rule::UnmetShare => {
                    (1.0 - (sum("delivered_hours") + sum("cancelled_hours")) / sum("assessed_hours")).max(0.0)
                }
            };
            if v.is_finite() { v } else { 0.0 }
        })
        .collect()
}

/// The mean of a summary metric by name over several replicates' summaries.
pub fn column(summaries: &[Vec<f64>], name: &str) -> Vec<f64> {
    let i = SUMMARY.iter().position(|s| s.0 == name).unwrap_or_else(|| panic!("no summary metric {name}"));
    summaries.iter().map(|s| s[i]).collect()
}
