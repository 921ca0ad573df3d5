//! The provider × year table (docs/ODD.md, "Outputs and metric definitions"): its hours, money
//! and margins add up to the weekly and providers tables, every exit is in it once, in the
//! year of its exit week, and it reads back from Parquet and CSV as written.

use std::collections::BTreeMap;
use std::path::Path;

use careshape::ReplicateResult;
use careshape::metrics::{ProviderYearRecord, run_year};
use polars::prelude::*;

/// The status quo over five years after burn-in, with the largest provider failing at week 52
/// (the first week of year 1, so it trades no week of the year it exits in), 2 replicates.
fn runs() -> Vec<ReplicateResult> {
    let mut s = crate::common::status_quo();
    s.run.weeks = 260;
    let shock = careshape::scenario::shocks::load_shock_file(Path::new(
        "scenarios/stress/largest-provider-fails.toml",
    ))
    .unwrap();
    s.shocks.extend(shock.shocks);
    crate::common::runs_uncached(&s, 3, 0..2)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// Each provider's rows, in year order.
fn by_provider(r: &ReplicateResult) -> BTreeMap<u32, Vec<&ProviderYearRecord>> {
    let mut m: BTreeMap<u32, Vec<&ProviderYearRecord>> = BTreeMap::new();
    for y in &r.provider_years {
        m.entry(y.provider).or_default().push(y);
    }
    m
}

/// Year by year, the providers' council carer-hours and self-funded hours are the weekly
/// table's `council_worker_hours_delivered` and `self_funder_hours_delivered` (a double-handed
/// client-hour is two carer-hours in both), and their revenue and costs are the weekly
/// `provider_revenue_gbp` and `provider_costs_gbp`. Over its life, a provider's hours are its
/// `contact_hours_total` and its weeks and mean margin those of the providers table.
#[test]
fn provider_years_add_up_to_the_weekly_and_providers_tables() {
    for r in runs() {
        let mut weekly: BTreeMap<i32, [f64; 4]> = BTreeMap::new();
        for w in &r.weeks {
            let t = weekly.entry(run_year(w.week)).or_default();
            t[0] += w.council_worker_hours_delivered;
            t[1] += w.self_funder_hours_delivered;
            t[2] += w.provider_revenue_gbp;
            t[3] += w.provider_costs_gbp;
        }
        let mut years: BTreeMap<i32, [f64; 4]> = BTreeMap::new();
        for y in &r.provider_years {
            let t = years.entry(y.year).or_default();
            t[0] += y.council_hours_total();
            t[1] += y.self_funded_hours;
            t[2] += y.revenue_gbp;
            t[3] += y.costs_gbp;
        }
        assert_eq!(weekly.keys().collect::<Vec<_>>(), years.keys().collect::<Vec<_>>());
        assert_eq!(years.keys().copied().collect::<Vec<_>>(), vec![-1, 0, 1, 2, 3, 4]);
        for (year, w) in &weekly {
            let y = years[year];
            for (i, what) in ["council hours", "self-funded hours", "revenue", "costs"].iter().enumerate() {
                assert!(
                    close(w[i], y[i]),
                    "replicate {}, year {year}: {what} {} ≠ weekly {}",
                    r.replicate,
                    y[i],
                    w[i]
                );
            }
            assert!(w[0] > 0.0 && w[1] > 0.0, "year {year}: no hours");
        }
        for (id, rows) in by_provider(&r) {
            let p = &r.providers[id as usize];
            let hours: f64 = rows.iter().map(|y| y.council_hours_total() + y.self_funded_hours).sum();
            assert!(
                close(hours, p.contact_hours_total),
                "provider {id}: {hours} ≠ {}",
                p.contact_hours_total
            );
            let weeks: u32 = rows.iter().map(|y| y.weeks_traded).sum();
            let margin: f64 = rows.iter().map(|y| y.mean_margin.unwrap_or(0.0) * y.weeks_traded as f64).sum();
            assert!(close(margin / weeks.max(1) as f64, p.mean_margin), "provider {id}: mean margin");
            let won: u32 = rows.iter().map(|y| y.contracts_won_in_year).sum();
            assert_eq!(won, p.contracts_won, "provider {id}: contracts won");
            for y in &rows {
                assert!(y.council_hours.iter().all(|&h| h >= 0.0) && y.self_funded_hours >= 0.0);
                assert_eq!(y.mean_margin.is_some(), y.weeks_traded > 0);
                assert_eq!(y.workers.is_some(), y.weeks_traded > 0);
                assert!(y.contracts_held <= 1);
            }
        }
    }
}

/// Every exit of the providers table is one row of the provider × year table, the provider's
/// last, with status exited, in the year of its exit week, with its week and cause; a provider
/// still trading at the end has a row for the run's last year and none exited. Rows are for
/// years with a week traded, but for the year of a failure at a year's first week.
#[test]
fn every_exit_is_one_row_in_the_year_it_happened() {
    let mut failures_at_year_start = 0;
    let mut exits = 0;
    for r in runs() {
        let last_year = run_year(r.weeks.last().unwrap().week);
        let rows = by_provider(&r);
        for (id, p) in r.providers.iter().enumerate() {
            let Some(rows) = rows.get(&(id as u32)) else {
                // Only an entrant of the last week never traded.
                assert!(
                    p.exit_week.is_none() && p.entry_week == r.weeks.last().unwrap().week,
                    "provider {id}"
                );
                continue;
            };
            let years: Vec<i32> = rows.iter().map(|y| y.year).collect();
            let first = run_year(p.entry_week.max(r.weeks[0].week));
            assert!(years[0] == first || years[0] == first + 1, "provider {id}: first year {years:?}");
            assert!(years.windows(2).all(|w| w[1] == w[0] + 1), "provider {id}: years {years:?}");
            let exited: Vec<_> = rows.iter().filter(|y| y.exit_week.is_some()).collect();
            match p.exit_week {
                Some(week) => {
                    exits += 1;
                    assert_eq!(exited.len(), 1, "provider {id}: exit rows {exited:?}");
                    let row = exited[0];
                    assert!(
                        std::ptr::eq(*row, *rows.last().unwrap()),
                        "provider {id}: the exit is its last row"
                    );
                    assert_eq!(
                        (row.year, row.exit_week, row.exit_cause),
                        (run_year(week), Some(week), p.exit_cause)
                    );
                    assert_eq!(row.contracts_held, 0, "provider {id}: a contract after its exit");
                    if row.weeks_traded == 0 {
                        assert_eq!(row.exit_cause, Some("failure"), "provider {id}");
                        assert_eq!(week.rem_euclid(52), 0, "provider {id}");
                        failures_at_year_start += 1;
                    }
                }
                None => {
                    assert!(exited.is_empty(), "provider {id}");
                    assert_eq!(*years.last().unwrap(), last_year, "provider {id}");
                }
            }
            assert!(rows.iter().all(|y| y.weeks_traded > 0 || y.exit_week.is_some()), "provider {id}");
        }
    }
    assert!(exits > 2, "{exits} exits: the exit rows went unchecked");
    assert_eq!(failures_at_year_start, 2, "the failure at week 52, in each replicate");
}

/// The table written by `output::tables` reads back the same from Parquet and CSV: one row per
/// record, the council hours by patch named after the patches and summing to `council_hours`,
/// statuses and ratings by name.
#[test]
fn the_provider_years_table_round_trips_through_parquet_and_csv() {
    let results = runs();
    let dir = tempfile::tempdir().unwrap();
    let patch_names: Vec<String> =
        crate::common::status_quo().geography.patches.iter().map(|p| p.name.clone()).collect();
    careshape::output::tables::write_tables(dir.path(), &results, &patch_names, &"0".repeat(64)).unwrap();
    let parquet =
        careshape::output::comparison::read_parquet(&dir.path().join("provider_years.parquet")).unwrap();
    let n: usize = results.iter().map(|r| r.provider_years.len()).sum();
    assert_eq!(parquet.height(), n);
    let patch_columns = careshape::output::tables::patch_hours_columns(&patch_names);
    assert_eq!(patch_columns[0], "council_hours_highgate_hampstead");
    assert_eq!(patch_columns[4], "council_hours_somers_town_regents_park");
    let f = |c: &str| parquet.column(c).unwrap().f64().unwrap().into_no_null_iter().collect::<Vec<f64>>();
    let total = f("council_hours");
    let mut by_patch = vec![0.0; n];
    for c in &patch_columns {
        for (s, v) in by_patch.iter_mut().zip(f(c)) {
            *s += v;
        }
    }
    assert!(total.iter().zip(&by_patch).all(|(a, b)| close(*a, *b)), "council hours by patch");
    assert!(total.iter().sum::<f64>() > 0.0);
    let strings = |c: &str| {
        let ca = parquet.column(c).unwrap().str().unwrap().clone();
        (0..ca.len()).map(|i| ca.get(i).map(str::to_string)).collect::<Vec<_>>()
    };
    for s in strings("status") {
        assert!(matches!(s.as_deref(), Some("trading" | "exited")), "{s:?}");
    }
    for s in strings("rating").into_iter().flatten() {
        assert!(["inadequate", "requires_improvement", "good", "outstanding"].contains(&s.as_str()), "{s}");
    }
    assert!(strings("base_patch").iter().all(|s| s.as_ref().is_some_and(|s| patch_names.contains(s))));
    for c in parquet.get_column_names() {
        assert!(c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'), "{c}");
    }

    let csv = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(dir.path().join("provider_years.csv")))
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(csv.get_column_names(), parquet.get_column_names());
    for c in parquet.columns() {
        let back = csv.column(c.name()).unwrap().cast(c.dtype()).unwrap();
        assert!(back.equals_missing(c), "{}: the CSV differs from the Parquet", c.name());
    }
}
