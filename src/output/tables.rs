//! The outcome tables: weekly (scenario × replicate × week), summary (scenario × replicate,
//! post-burn-in), providers (provider × replicate), patches (patch × replicate × week) and
//! provider_years (provider × replicate × year of the run), each as Parquet and CSV.
//!
//! Types: a count of things (clients, workers, providers, packages, events) is Int64; every
//! other metric (hours, money, shares, rates, means) is Float64; summary columns are means or
//! rates over weeks and stay Float64. Strings are written to Parquet with the Arrow type
//! `large_string` (polars' oldest compatibility level), which every common reader can filter
//! and sort, rather than `string_view`.

use std::path::{Path, PathBuf};

use crate::output::Result;
use polars::prelude::*;

use super::write_atomic;
use crate::analysis::{ReplicateSummary, summary_names};
use crate::engine::ReplicateResult;
use crate::metrics::WeekRecord;
use crate::output::OutputError;
use crate::output::manifest::RUN_ID_KEY;

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
    "awaiting_start",
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
    "handback_contracts_first_year",
    "handback_contract_weeks",
    "contracts_awarded",
    "rebrokered_after_exit",
    "workers_followed_clients",
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
    "recruits",
    "pool_entrants",
    "international_recruits",
    "providers_paying_travel",
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

/// The summary table: one row per (scenario, replicate), post-burn-in, from the summaries a
/// run kept (`Study::summarise`), in their order.
pub fn summary_frame(summaries: &[ReplicateSummary]) -> PolarsResult<DataFrame> {
    let names = summary_names();
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(summaries.len()); names.len()];
    for r in summaries {
        for (col, v) in values.iter_mut().zip(r.summary.values()) {
            col.push(*v);
        }
    }
    let mut cols = vec![
        Column::new("scenario".into(), summaries.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("replicate".into(), summaries.iter().map(|r| r.replicate).collect::<Vec<_>>()),
    ];
    for (name, v) in names.iter().zip(values) {
        cols.push(Column::new((*name).into(), v));
    }
    DataFrame::new(summaries.len(), cols)
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

/// The provider × year table: one row per (scenario, replicate, provider, year of the run) in
/// which the provider traded, and the year of its exit (docs/ODD.md, "Outputs and metric
/// definitions"). The council hours by patch are one column per patch, named by
/// [`patch_hours_columns`].
pub fn provider_years_frame(results: &[ReplicateResult], patch_names: &[String]) -> PolarsResult<DataFrame> {
    use crate::engine::ProviderRecord;
    use crate::metrics::ProviderYearRecord;
    let rows: Vec<(&ReplicateResult, &ProviderRecord, &ProviderYearRecord)> = results
        .iter()
        .flat_map(|r| r.provider_years.iter().map(move |y| (r, &r.providers[y.provider as usize], y)))
        .collect();
    let n = rows.len();
    let f = |g: fn(&ProviderYearRecord) -> f64| rows.iter().map(|(_, _, y)| g(y)).collect::<Vec<f64>>();
    let mut cols = vec![
        Column::new("scenario".into(), rows.iter().map(|(r, _, _)| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("replicate".into(), rows.iter().map(|(r, _, _)| r.replicate).collect::<Vec<_>>()),
        Column::new("provider_id".into(), rows.iter().map(|(_, _, y)| y.provider).collect::<Vec<_>>()),
        Column::new("year".into(), rows.iter().map(|(_, _, y)| y.year).collect::<Vec<_>>()),
        Column::new("kind".into(), rows.iter().map(|(_, p, _)| p.kind).collect::<Vec<_>>()),
        Column::new("local".into(), rows.iter().map(|(_, p, _)| p.local).collect::<Vec<_>>()),
        Column::new("incubated".into(), rows.iter().map(|(_, p, _)| p.incubated).collect::<Vec<_>>()),
        Column::new(
            "base_patch".into(),
            rows.iter()
                .map(|(_, p, _)| patch_names.get(p.base_patch as usize).map_or("", |s| s.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new("entry_week".into(), rows.iter().map(|(_, p, _)| p.entry_week).collect::<Vec<_>>()),
        Column::new("weeks_traded".into(), rows.iter().map(|(_, _, y)| y.weeks_traded).collect::<Vec<_>>()),
        Column::new(
            "status".into(),
            rows.iter()
                .map(|(_, _, y)| if y.exit_week.is_some() { "exited" } else { "trading" })
                .collect::<Vec<_>>(),
        ),
        Column::new("exit_week".into(), rows.iter().map(|(_, _, y)| y.exit_week).collect::<Vec<_>>()),
        Column::new("exit_cause".into(), rows.iter().map(|(_, _, y)| y.exit_cause).collect::<Vec<_>>()),
        Column::new(
            "rating".into(),
            rows.iter().map(|(_, _, y)| y.rating.map(crate::scenario::Rating::name)).collect::<Vec<_>>(),
        ),
        Column::new(
            "contracts_held".into(),
            rows.iter().map(|(_, _, y)| y.contracts_held).collect::<Vec<_>>(),
        ),
        Column::new(
            "contracts_won_in_year".into(),
            rows.iter().map(|(_, _, y)| y.contracts_won_in_year).collect::<Vec<_>>(),
        ),
        Column::new("workers".into(), rows.iter().map(|(_, _, y)| y.workers).collect::<Vec<_>>()),
        Column::new(
            "wage_gbp_per_hour".into(),
            rows.iter().map(|(_, _, y)| y.wage_gbp_per_hour).collect::<Vec<_>>(),
        ),
        Column::new("mean_margin".into(), rows.iter().map(|(_, _, y)| y.mean_margin).collect::<Vec<_>>()),
        Column::new("revenue_gbp".into(), f(|y| y.revenue_gbp)),
        Column::new("costs_gbp".into(), f(|y| y.costs_gbp)),
        Column::new("council_hours".into(), f(|y| y.council_hours_total())),
        Column::new("self_funded_hours".into(), f(|y| y.self_funded_hours)),
    ];
    for (q, name) in patch_hours_columns(patch_names).into_iter().enumerate() {
        cols.push(Column::new(
            name.into(),
            rows.iter().map(|(_, _, y)| y.council_hours[q]).collect::<Vec<f64>>(),
        ));
    }
    DataFrame::new(n, cols)
}

/// The names of the provider × year table's council hours by patch, in patch order:
/// `council_hours_<patch>`, the patch's name (`patch_name` in the patches table) in snake case
/// (lower case, apostrophes dropped, every other run of characters that is not a letter or a
/// digit one `_`), or `council_hours_patch_<index>` (`patch` in the patches table) for a name
/// with no letter or digit or one that would repeat an earlier column's.
pub fn patch_hours_columns(patch_names: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(patch_names.len());
    for (q, patch) in patch_names.iter().enumerate() {
        let mut slug = String::new();
        for ch in patch.chars().filter(|c| !matches!(c, '\'' | '\u{2019}')) {
            if ch.is_alphanumeric() {
                slug.extend(ch.to_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('_') {
                slug.push('_');
            }
        }
        let slug = slug.trim_end_matches('_');
        let name = format!("council_hours_{slug}");
        let name =
            if slug.is_empty() || names.contains(&name) { format!("council_hours_patch_{q}") } else { name };
        names.push(name);
    }
    names
}

/// The Parquet options of every table: Zstd, and the file's key-value metadata: its Arrow
/// schema at polars' oldest compatibility level (strings as `large_string`, which every common
/// reader can filter and sort, where polars 0.55 would record `string_view`; the pages are the
/// same UTF-8 byte arrays) and the run id (`careshape:run_id`), if given.
pub(crate) fn parquet_writer<W: std::io::Write>(
    w: W,
    schema: &Schema,
    run_id: Option<&str>,
) -> ParquetWriter<W> {
    let mut metadata =
        vec![polars_parquet::write::schema_to_metadata_key(&schema.to_arrow(CompatLevel::oldest()))];
    if let Some(id) = run_id {
        metadata.push(polars_parquet::write::KeyValue::new(RUN_ID_KEY.to_string(), id.to_string()));
    }
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(polars::io::parquet::write::KeyValueMetadata::Static(metadata)))
}

/// Writes a frame as `<stem>.parquet` and `<stem>.csv` in `dir`, each atomically, tagged with
/// `run_id` (see [`parquet_writer`]).
pub fn write_frame(dir: &Path, stem: &str, df: &mut DataFrame, run_id: Option<&str>) -> Result<()> {
    write_atomic(&dir.join(format!("{stem}.parquet")), |f| {
        parquet_writer(f, df.schema(), run_id).finish(df)?;
        Ok(())
    })?;
    write_atomic(&dir.join(format!("{stem}.csv")), |f| {
        CsvWriter::new(f).include_header(true).finish(df)?;
        Ok(())
    })
}

/// The rows of one Parquet row group (and of one CSV write) as a run's tables stream to disk.
/// Fixed, not tied to the thread count or to how the run was split into blocks or batches, so
/// the bytes written are the same however the run was done; at most one group per table is
/// held in memory.
pub const ROWS_PER_GROUP: usize = 8_192;

/// One table being written as rows arrive: whole row groups of [`ROWS_PER_GROUP`] rows go to
/// its Parquet (and CSV) file, the rest waits for more rows or [`TableStream::finish`].
struct TableStream {
    parquet_path: PathBuf,
    csv_path: Option<PathBuf>,
    parquet: polars::io::parquet::write::BatchedWriter<std::fs::File>,
    csv: Option<polars::io::csv::write::BatchedWriter<std::fs::File>>,
    pending: DataFrame,
}

impl TableStream {
    /// Creates `<stem>.parquet` (and `<stem>.csv` with `csv`) in `dir`, for frames shaped as
    /// `empty`.
    fn create(dir: &Path, stem: &str, empty: DataFrame, run_id: Option<&str>, csv: bool) -> Result<Self> {
        let create =
            |path: &Path| std::fs::File::create(path).map_err(OutputError::io("cannot create", path));
        let parquet_path = dir.join(format!("{stem}.parquet"));
        let failed = |path: &Path| {
            let path = path.to_path_buf();
            move |e: PolarsError| OutputError::Write { path, source: Box::new(e.into()) }
        };
        let schema = empty.schema().clone();
        let parquet = parquet_writer(create(&parquet_path)?, &schema, run_id)
            .batched(&schema)
            .map_err(failed(&parquet_path))?;
        let (csv_path, csv) = if csv {
            let path = dir.join(format!("{stem}.csv"));
            let w = CsvWriter::new(create(&path)?)
                .include_header(true)
                .batched(&schema)
                .map_err(failed(&path))?;
            (Some(path), Some(w))
        } else {
            (None, None)
        };
        Ok(TableStream { parquet_path, csv_path, parquet, csv, pending: empty })
    }

    fn push(&mut self, df: &DataFrame) -> Result<()> {
        if let Err(e) = self.pending.vstack_mut(df) {
            return Err(self.failed(e));
        }
        while self.pending.height() >= ROWS_PER_GROUP {
            self.write_group(ROWS_PER_GROUP)?;
        }
        Ok(())
    }

    /// Writes the first `n` pending rows as one row group.
    fn write_group(&mut self, n: usize) -> Result<()> {
        let mut group = self.pending.slice(0, n);
        group.rechunk_mut();
        self.parquet.write_batch(&group).map_err(|e| self.failed(e))?;
        if let Some(csv) = &mut self.csv {
            csv.write_batch(&group).map_err(|e| OutputError::Write {
                path: self.csv_path.clone().unwrap_or_default(),
                source: Box::new(e.into()),
            })?;
        }
        self.pending = self.pending.slice(n as i64, usize::MAX);
        self.pending.rechunk_mut();
        Ok(())
    }

    fn failed(&self, e: PolarsError) -> OutputError {
        OutputError::Write { path: self.parquet_path.clone(), source: Box::new(e.into()) }
    }

    fn finish(mut self) -> Result<()> {
        if self.pending.height() > 0 {
            self.write_group(self.pending.height())?;
        }
        self.parquet.finish().map_err(|e| self.failed(e))?;
        if let Some(csv) = &mut self.csv {
            csv.finish().map_err(|e| OutputError::Write {
                path: self.csv_path.clone().unwrap_or_default(),
                source: Box::new(e.into()),
            })?;
        }
        Ok(())
    }
}

/// The five tables of a run, in [`TableWriter`]'s order.
pub(crate) const TABLES: [&str; 5] = ["weekly", "summary", "providers", "patches", "provider_years"];

/// Where a run's results go as they stream in (`Study::run_blocks`): a [`TableWriter`], or a
/// [`Spill`] when they arrive out of order.
pub trait TableSink: Send {
    /// Takes a block of results and their summaries (`Study::summarise`), in the same order.
    fn push(&mut self, results: &[ReplicateResult], summaries: &[ReplicateSummary]) -> Result<()>;
}

/// Writes the weekly, summary, providers, patches and provider_years tables of a run (Parquet
/// and CSV) as results arrive in (scenario, replicate) order, a row group at a time, so memory
/// stays flat in replicates. The bytes are those of writing every result at once.
pub struct TableWriter {
    streams: Vec<TableStream>,
    patch_names: Vec<String>,
}

impl TableWriter {
    /// Creates the five tables in `dir`, tagged with `run_id`. `patch_names` are the patches'
    /// names (scenarios in one run share their geography's patch count; names from the first).
    pub fn create(dir: &Path, patch_names: &[String], run_id: &str) -> Result<Self> {
        Self::open(dir, patch_names, Some(run_id), true)
    }

    fn open(dir: &Path, patch_names: &[String], run_id: Option<&str>, csv: bool) -> Result<Self> {
        let empty = frames(&[], &[], patch_names)?;
        let streams = TABLES
            .iter()
            .zip(empty)
            .map(|(stem, df)| TableStream::create(dir, stem, df, run_id, csv))
            .collect::<Result<Vec<_>>>()?;
        Ok(TableWriter { streams, patch_names: patch_names.to_vec() })
    }

    /// Takes rows of table `TABLES[table]` (a spilled block read back).
    pub(crate) fn push_frame(&mut self, table: usize, df: &DataFrame) -> Result<()> {
        self.streams[table].push(df)
    }

    /// Writes the last row groups and the files' footers.
    pub fn finish(self) -> Result<()> {
        self.streams.into_iter().try_for_each(TableStream::finish)
    }
}

impl TableSink for TableWriter {
    fn push(&mut self, results: &[ReplicateResult], summaries: &[ReplicateSummary]) -> Result<()> {
        for (table, df) in frames(results, summaries, &self.patch_names)?.iter().enumerate() {
            self.push_frame(table, df)?;
        }
        Ok(())
    }
}

/// The five frames of a block of results, in [`TABLES`] order.
pub(crate) fn frames(
    results: &[ReplicateResult],
    summaries: &[ReplicateSummary],
    patch_names: &[String],
) -> PolarsResult<[DataFrame; 5]> {
    Ok([
        weekly_frame(results)?,
        summary_frame(summaries)?,
        providers_frame(results)?,
        patches_frame(results, patch_names)?,
        provider_years_frame(results, patch_names)?,
    ])
}

/// Results that arrive in batches of replicates across every scenario (`--replicates auto`):
/// each scenario's rows are written to its own Parquet files under `<dir>/.spill/`, then read
/// back a row group at a time, scenario by scenario, into the run's [`TableWriter`]
/// ([`Spill::drain_into`]), so the tables are in (scenario, replicate) order, byte for byte
/// those of a fixed run, with memory flat in replicates.
pub struct Spill {
    dir: PathBuf,
    names: Vec<String>,
    patch_names: Vec<String>,
    writers: Vec<Option<TableWriter>>,
}

impl Spill {
    /// A spill for the scenarios `names` (in run order) under `<dir>/.spill/`.
    pub fn create(dir: &Path, names: &[&str], patch_names: &[String]) -> Result<Self> {
        let dir = dir.join(".spill");
        std::fs::create_dir_all(&dir).map_err(OutputError::io("cannot create", &dir))?;
        Ok(Spill {
            dir,
            names: names.iter().map(|s| s.to_string()).collect(),
            patch_names: patch_names.to_vec(),
            writers: names.iter().map(|_| None).collect(),
        })
    }

    fn folder(&self, scenario: usize) -> PathBuf {
        self.dir.join(scenario.to_string())
    }

    /// Writes every scenario's rows, in run order, into `out`, and removes the spill.
    pub fn drain_into(mut self, out: &mut TableWriter) -> Result<()> {
        for s in 0..self.names.len() {
            let Some(w) = self.writers[s].take() else { continue };
            w.finish()?;
            for (table, stem) in TABLES.iter().enumerate() {
                let path = self.folder(s).join(format!("{stem}.parquet"));
                read_groups(&path, None, &mut |df| out.push_frame(table, &df))?;
            }
            std::fs::remove_dir_all(self.folder(s))
                .map_err(OutputError::io("cannot remove", &self.folder(s)))?;
        }
        std::fs::remove_dir_all(&self.dir).map_err(OutputError::io("cannot remove", &self.dir))
    }
}

impl Spill {
    /// Takes rows of table `TABLES[table]` of scenario `scenario` (its index in the run's
    /// names), e.g. read back from a comparison shard's unit.
    pub(crate) fn push_frame(&mut self, scenario: usize, table: usize, df: &DataFrame) -> Result<()> {
        self.writer(scenario)?.push_frame(table, df)
    }

    /// Scenario `s`'s writer, made on first use.
    fn writer(&mut self, s: usize) -> Result<&mut TableWriter> {
        if self.writers[s].is_none() {
            let folder = self.folder(s);
            std::fs::create_dir_all(&folder).map_err(OutputError::io("cannot create", &folder))?;
            self.writers[s] = Some(TableWriter::open(&folder, &self.patch_names, None, false)?);
        }
        Ok(self.writers[s].as_mut().expect("just made"))
    }
}

impl TableSink for Spill {
    fn push(&mut self, results: &[ReplicateResult], summaries: &[ReplicateSummary]) -> Result<()> {
        // A block is in (scenario, replicate) order: one run of rows per scenario.
        let mut start = 0;
        while start < results.len() {
            let name = &results[start].scenario;
            let end = start + results[start..].iter().take_while(|r| &r.scenario == name).count();
            let s =
                self.names.iter().position(|n| n == name).ok_or_else(|| {
                    OutputError::Content(format!("scenario {name} is not one of the run's"))
                })?;
            self.writer(s)?.push(&results[start..end], &summaries[start..end])?;
            start = end;
        }
        Ok(())
    }
}

/// Reads a Parquet table a row group ([`ROWS_PER_GROUP`] rows) at a time, with only `columns`
/// if given, handing each piece to `each`: memory holds one piece, not the table.
pub fn read_groups(
    path: &Path,
    columns: Option<&[String]>,
    each: &mut dyn FnMut(DataFrame) -> Result<()>,
) -> Result<()> {
    let unreadable =
        |e: PolarsError| OutputError::Read { path: path.to_path_buf(), source: Box::new(e.into()) };
    let open = || std::fs::File::open(path).map_err(OutputError::io("cannot open", path));
    let rows = ParquetReader::new(open()?).num_rows().map_err(unreadable)?;
    for start in (0..rows).step_by(ROWS_PER_GROUP) {
        let df = ParquetReader::new(open()?)
            .with_columns(columns.map(|c| c.to_vec()))
            .with_slice(Some((start, ROWS_PER_GROUP)))
            .finish()
            .map_err(unreadable)?;
        each(df)?;
    }
    Ok(())
}

/// The run id a Parquet table carries (`careshape:run_id`), if any.
pub fn read_run_id(path: &Path) -> Result<Option<String>> {
    let f = std::fs::File::open(path).map_err(OutputError::io("cannot open", path))?;
    let mut reader = ParquetReader::new(f);
    let metadata = reader
        .get_metadata()
        .map_err(|e| OutputError::Read { path: path.to_path_buf(), source: Box::new(e.into()) })?;
    Ok(metadata
        .key_value_metadata()
        .iter()
        .flatten()
        .find(|kv| kv.key == RUN_ID_KEY)
        .and_then(|kv| kv.value.clone()))
}

/// Writes the weekly, summary, providers, patches and provider_years tables of results held in
/// memory (a library user's own run): the same bytes as a streamed run with the same `run_id`.
pub fn write_tables(
    dir: &Path,
    results: &[ReplicateResult],
    patch_names: &[String],
    run_id: &str,
) -> Result<()> {
    let summaries: Vec<ReplicateSummary> = results.iter().map(|r| ReplicateSummary::new(r, &[])).collect();
    let mut w = TableWriter::create(dir, patch_names, run_id)?;
    w.push(results, &summaries)?;
    w.finish()
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
    fn patch_hours_columns_are_snake_case_names_and_never_repeat() {
        let names: Vec<String> =
            ["Somers Town & Regent's Park", "Kentish Town", "kentish-town", "&&", "Café Row "]
                .iter()
                .map(|s| s.to_string())
                .collect();
        assert_eq!(
            patch_hours_columns(&names),
            [
                "council_hours_somers_town_regents_park",
                "council_hours_kentish_town",
                "council_hours_patch_2",
                "council_hours_patch_3",
                "council_hours_café_row",
            ]
        );
    }

    #[test]
    fn a_count_that_is_not_whole_is_an_error_not_a_truncation() {
        assert!(metric_column("deaths", vec![1.0, 2.5], COUNT_COLUMNS).is_err());
        assert_eq!(metric_column("deaths", vec![1.0, 2.0], COUNT_COLUMNS).unwrap().dtype(), &DataType::Int64);
        assert_eq!(metric_column("travel_km", vec![1.5], COUNT_COLUMNS).unwrap().dtype(), &DataType::Float64);
    }
}
