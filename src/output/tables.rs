//! The outcome tables: weekly (scenario × replicate × week), summary (scenario × replicate,
//! post-burn-in), providers (provider × replicate) and patches (patch × replicate × week), each
//! as Parquet and CSV.
//!
//! Types: a count of things (clients, workers, providers, packages, events) is Int64; every
//! other metric (hours, money, shares, rates, means) is Float64; summary columns are means or
//! rates over weeks and stay Float64. Strings are written to Parquet with the Arrow type
//! `large_string` (polars' oldest compatibility level), which every common reader can filter
//! and sort, rather than `string_view`.

use std::path::Path;

use crate::output::Result;
use polars::prelude::*;

use super::write_atomic;
use crate::analysis::{summarise, summary_names};
use crate::engine::ReplicateResult;
use crate::metrics::WeekRecord;

/// The weekly metrics that count whole things (clients, workers, providers, packages, events,
/// and the 0/1 flag `budget_blocked`), by their definitions in docs/METRICS.md: written as
/// Int64. Every other weekly metric is Float64.
pub const COUNT_COLUMNS: &[&str] = &[
    "clients_active",
    "clients_waiting",
    "client_arrivals",
    "placements",
    "care_workers",
    "pool_size",
    "hires",
    "leavers",
    "redundancies",
    "moves_between_providers",
    "left_sector",
    "estate_residents_employed",
    "providers_active",
    "provider_entries",
    "provider_exits",
    "handback_packages",
    "handback_packages_at_a_loss",
    "handback_contracts",
    "rebrokered_after_exit",
    "budget_blocked",
    "deaths",
    "residential_moves",
    "deterioration_moves",
    "recoveries",
    "care_workers_guaranteed",
    "care_workers_at_least_llw",
    "leavers_guaranteed",
    "leavers_zero_hours",
    "leavers_at_least_llw",
    "leavers_below_llw",
    "outreach_recruits",
    "overflow_placements",
    "tupe_packages",
    "tupe_workers",
    "hospital_admissions",
    "incubated_providers_active",
    "contract_holders",
    "packages_trimmed",
    "clients_in_house",
    "last_resort_placements",
    "provider_failures",
    "provider_exits_incumbent",
    "clients_waiting_for_provider",
];

/// A metric column: Int64 when `name` is a count (its values must be whole numbers: anything
/// else is a recorder bug, reported rather than truncated), Float64 otherwise.
fn metric_column(name: &str, v: Vec<f64>, counts: &[&str]) -> PolarsResult<Column> {
    if !counts.contains(&name) {
        return Ok(Column::new(name.into(), v));
    }
    let ints = v
        .iter()
        .map(|&x| {
            if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
                Ok(x as i64)
            } else {
                Err(PolarsError::ComputeError(
                    format!("count column {name} holds {x}, not a whole number").into(),
                ))
            }
        })
        .collect::<PolarsResult<Vec<i64>>>()?;
    Ok(Column::new(name.into(), ints))
}

/// The weekly table: one row per (scenario, replicate, week), one column per metric.
pub fn weekly_frame(results: &[ReplicateResult]) -> PolarsResult<DataFrame> {
    let rows: usize = results.iter().map(|r| r.weeks.len()).sum();
    let mut scenario = Vec::with_capacity(rows);
    let mut replicate = Vec::with_capacity(rows);
    let mut week = Vec::with_capacity(rows);
    let mut burn_in = Vec::with_capacity(rows);
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(rows); WeekRecord::NAMES.len()];
    for r in results {
        for w in &r.weeks {
            scenario.push(r.scenario.as_str());
            replicate.push(r.replicate);
            week.push(w.week);
            burn_in.push(w.burn_in);
            for (col, v) in values.iter_mut().zip(w.values()) {
                col.push(v);
            }
        }
    }
    let mut cols = vec![
        Column::new("scenario".into(), scenario),
        Column::new("replicate".into(), replicate),
        Column::new("week".into(), week),
        Column::new("burn_in".into(), burn_in),
    ];
    for (name, v) in WeekRecord::NAMES.iter().zip(values) {
        cols.push(metric_column(name, v, COUNT_COLUMNS)?);
    }
    DataFrame::new(rows, cols)
}

/// The summary table: one row per (scenario, replicate), post-burn-in, computed in a fixed
/// order so that it is identical whatever the thread count.
pub fn summary_frame(results: &[ReplicateResult]) -> PolarsResult<DataFrame> {
    let names = summary_names();
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(results.len()); names.len()];
    for r in results {
        for (col, v) in values.iter_mut().zip(summarise(r).values()) {
            col.push(*v);
        }
    }
    let mut cols = vec![
        Column::new("scenario".into(), results.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("replicate".into(), results.iter().map(|r| r.replicate).collect::<Vec<_>>()),
    ];
    for (name, v) in names.iter().zip(values) {
        cols.push(Column::new((*name).into(), v));
    }
    DataFrame::new(results.len(), cols)
}

/// The providers table: one row per provider × replicate.
pub fn providers_frame(results: &[ReplicateResult]) -> PolarsResult<DataFrame> {
    let rows: Vec<(&ReplicateResult, &crate::engine::ProviderRecord)> =
        results.iter().flat_map(|r| r.providers.iter().map(move |p| (r, p))).collect();
    let n = rows.len();
    let cols = vec![
        Column::new("scenario".into(), rows.iter().map(|(r, _)| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("replicate".into(), rows.iter().map(|(r, _)| r.replicate).collect::<Vec<_>>()),
        Column::new("provider_id".into(), rows.iter().map(|(_, p)| p.id).collect::<Vec<_>>()),
        Column::new("kind".into(), rows.iter().map(|(_, p)| p.kind).collect::<Vec<_>>()),
        Column::new("local".into(), rows.iter().map(|(_, p)| p.local).collect::<Vec<_>>()),
        Column::new("entry_week".into(), rows.iter().map(|(_, p)| p.entry_week).collect::<Vec<_>>()),
        Column::new("exit_week".into(), rows.iter().map(|(_, p)| p.exit_week).collect::<Vec<_>>()),
        Column::new("exit_cause".into(), rows.iter().map(|(_, p)| p.exit_cause).collect::<Vec<_>>()),
        Column::new(
            "contact_hours_total".into(),
            rows.iter().map(|(_, p)| p.contact_hours_total).collect::<Vec<_>>(),
        ),
        Column::new("mean_quality".into(), rows.iter().map(|(_, p)| p.mean_quality).collect::<Vec<_>>()),
        Column::new("mean_margin".into(), rows.iter().map(|(_, p)| p.mean_margin).collect::<Vec<_>>()),
        Column::new(
            "final_wage_gbp_per_hour".into(),
            rows.iter().map(|(_, p)| p.final_wage_gbp_per_hour).collect::<Vec<_>>(),
        ),
        Column::new("handbacks".into(), rows.iter().map(|(_, p)| p.handbacks).collect::<Vec<_>>()),
        Column::new("contracts_won".into(), rows.iter().map(|(_, p)| p.contracts_won).collect::<Vec<_>>()),
        Column::new("incubated".into(), rows.iter().map(|(_, p)| p.incubated).collect::<Vec<_>>()),
    ];
    DataFrame::new(n, cols)
}

/// The patches table: one row per patch × replicate × week (who is left waiting where).
pub fn patches_frame(results: &[ReplicateResult], patch_names: &[String]) -> PolarsResult<DataFrame> {
    let rows: Vec<(&ReplicateResult, &crate::metrics::PatchRecord)> =
        results.iter().flat_map(|r| r.patches.iter().map(move |p| (r, p))).collect();
    let n = rows.len();
    let f = |g: fn(&crate::metrics::PatchRecord) -> f64| rows.iter().map(|(_, p)| g(p)).collect::<Vec<f64>>();
    let cols = vec![
        Column::new("scenario".into(), rows.iter().map(|(r, _)| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("replicate".into(), rows.iter().map(|(r, _)| r.replicate).collect::<Vec<_>>()),
        Column::new("week".into(), rows.iter().map(|(_, p)| p.week).collect::<Vec<_>>()),
        Column::new("burn_in".into(), rows.iter().map(|(_, p)| p.burn_in).collect::<Vec<_>>()),
        Column::new("patch".into(), rows.iter().map(|(_, p)| p.patch as u32).collect::<Vec<_>>()),
        Column::new(
            "patch_name".into(),
            rows.iter()
                .map(|(_, p)| patch_names.get(p.patch as usize).map_or("", |s| s.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new("assessed_hours".into(), f(|p| p.assessed_hours)),
        Column::new("delivered_hours".into(), f(|p| p.delivered_hours)),
        Column::new("unmet_hours".into(), f(|p| p.unmet_hours)),
        metric_column("clients_active", f(|p| p.clients_active), COUNT_COLUMNS)?,
        metric_column("clients_waiting", f(|p| p.clients_waiting), COUNT_COLUMNS)?,
        Column::new("travel_share".into(), f(|p| p.travel_share)),
    ];
    DataFrame::new(n, cols)
}

/// Writes a frame as `<stem>.parquet` and `<stem>.csv` in `dir`. Strings are `large_string` in
/// the Parquet file's Arrow schema (see the module's documentation).
pub fn write_frame(dir: &Path, stem: &str, df: &mut DataFrame) -> Result<()> {
    write_atomic(&dir.join(format!("{stem}.parquet")), |f| {
        // polars 0.55's ParquetWriter converts strings to `string_view` and records that in
        // the file's Arrow schema, which pyarrow cannot filter or sort. The pages of a string
        // column are the same for both types (UTF-8 byte arrays); the Arrow schema written here
        // is the one of polars' oldest compatibility level, so readers see `large_string`.
        let schema =
            polars_parquet::write::schema_to_metadata_key(&df.schema().to_arrow(CompatLevel::oldest()));
        ParquetWriter::new(f)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(polars::io::parquet::write::KeyValueMetadata::Static(vec![schema])))
            .finish(df)?;
        Ok(())
    })?;
    write_atomic(&dir.join(format!("{stem}.csv")), |f| {
        CsvWriter::new(f).include_header(true).finish(df)?;
        Ok(())
    })
}

/// Writes the weekly, summary, providers and patches tables. `patch_names` are the patches'
/// names (scenarios in one run share their geography's patch count; names from the first).
pub fn write_tables(dir: &Path, results: &[ReplicateResult], patch_names: &[String]) -> Result<()> {
    write_frame(dir, "weekly", &mut weekly_frame(results)?)?;
    write_frame(dir, "summary", &mut summary_frame(results)?)?;
    write_frame(dir, "providers", &mut providers_frame(results)?)?;
    write_frame(dir, "patches", &mut patches_frame(results, patch_names)?)?;
    Ok(())
}

/// The stress table: one row per policy × shock × outcome (see `analysis::stress`).
pub fn stress_frame(cells: &[crate::analysis::stress::StressCell]) -> PolarsResult<DataFrame> {
    let f = |g: fn(&crate::analysis::stress::StressCell) -> f64| cells.iter().map(g).collect::<Vec<f64>>();
    let cols = vec![
        Column::new("policy".into(), cells.iter().map(|c| c.policy.as_str()).collect::<Vec<_>>()),
        Column::new("shock".into(), cells.iter().map(|c| c.shock.as_str()).collect::<Vec<_>>()),
        Column::new("metric".into(), cells.iter().map(|c| c.metric).collect::<Vec<_>>()),
        Column::new("replicates".into(), cells.iter().map(|c| c.replicates as u32).collect::<Vec<_>>()),
        Column::new("mean".into(), f(|c| c.mean)),
        Column::new("ci95_half_width".into(), f(|c| c.ci95)),
        Column::new("baseline_mean".into(), f(|c| c.baseline_mean)),
        Column::new("difference".into(), f(|c| c.difference)),
        Column::new("difference_ci95_half_width".into(), f(|c| c.difference_ci95)),
    ];
    DataFrame::new(cells.len(), cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_count_column_is_a_weekly_metric() {
        for c in COUNT_COLUMNS {
            assert!(WeekRecord::NAMES.contains(c), "{c} is not a weekly metric");
        }
    }

    #[test]
    fn a_count_that_is_not_whole_is_an_error_not_a_truncation() {
        assert!(metric_column("deaths", vec![1.0, 2.5], COUNT_COLUMNS).is_err());
        assert_eq!(metric_column("deaths", vec![1.0, 2.0], COUNT_COLUMNS).unwrap().dtype(), &DataType::Int64);
        assert_eq!(metric_column("travel_km", vec![1.5], COUNT_COLUMNS).unwrap().dtype(), &DataType::Float64);
    }
}
