//! A sweep folder on disk: its manifest (`sweep.json`) and its units, one per design point,
//! each a Parquet file of a Hive-partitioned dataset (`units/point=<i>/part-0.parquet`) that
//! polars, pandas/pyarrow, DuckDB and R arrow read as one table (docs/SCALING.md). A unit is
//! written atomically when its point finishes, so an interrupted or killed sweep keeps every
//! finished point and a rerun of the same command runs only the rest; a sharded run
//! (`--shard I/N`) runs its slice of the points, and [`merge`] puts shard folders together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{PointResult, SensitivityRow, Sweep, SweepFile, SweepPlan, sensitivity, write_tables};
use crate::error::{Error, OutputError, Result};
use crate::shard::Shard;

/// The unit dataset's folder in a sweep folder.
pub const UNITS: &str = "units";

/// What identifies the work of a sweep folder (a rerun must match it to reuse the points), and
/// what `careshape report` needs to redo its analysis: the sweep file as read, and the names of
/// its scenarios.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SweepManifest {
    /// `SweepPlan::work_sha256`.
    pub work_sha256: String,
    pub careshape_version: String,
    pub source_sha256: String,
    pub points: usize,
    /// The sweep file, as given on the command line.
    pub sweep_file: String,
    /// Scenario names, baseline first.
    pub scenarios: Vec<String>,
    pub config: SweepFile,
    /// The slice of the points this folder holds (`--shard I/N`); absent for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

impl SweepManifest {
    pub fn of(plan: &SweepPlan, shard: Option<Shard>) -> Self {
        SweepManifest {
            work_sha256: plan.work_sha256.clone(),
            careshape_version: env!("CARGO_PKG_VERSION").into(),
            source_sha256: env!("CARESHAPE_SOURCE_SHA256").into(),
            points: plan.unit_points.len(),
            sweep_file: plan.file.display().to_string(),
            scenarios: plan.names.clone(),
            config: plan.config.clone(),
            shard,
        }
    }

    /// Reads `sweep.json` of a sweep folder.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("sweep.json");
        let text = std::fs::read_to_string(&path).map_err(OutputError::io("cannot read", &path))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::Input(format!(
                "{}: not a sweep manifest of careshape {} ({e}); rerun the sweep into a new folder",
                path.display(),
                env!("CARGO_PKG_VERSION")
            ))
        })
    }

    /// The plan this manifest records (its design regenerated from the sweep file as read).
    pub fn plan(&self) -> SweepPlan {
        SweepPlan::new(
            PathBuf::from(&self.sweep_file),
            self.config.clone(),
            self.scenarios.clone(),
            self.work_sha256.clone(),
        )
    }

    /// Whether the points of a folder with this manifest can be reused by `other`'s run: the
    /// same scenarios, design, factors, outcomes and replicates, and the same build (the sweep
    /// file's path, name, description and discovery conditions may differ).
    fn same_work(&self, other: &SweepManifest) -> bool {
        self.work_sha256 == other.work_sha256
            && self.careshape_version == other.careshape_version
            && self.source_sha256 == other.source_sha256
            && self.points == other.points
    }

    /// Why the points of a folder with this manifest (`dir`) cannot be mixed with `other`'s, if
    /// they cannot.
    fn refusal(&self, other: &SweepManifest, dir: &Path) -> Option<String> {
        if self.work_sha256 != other.work_sha256 || self.points != other.points {
            return Some(
                "a different sweep (its scenarios, design, parameters, switches, outcomes or replicates changed)"
                    .into(),
            );
        }
        if !self.same_work(other) {
            return Some(format!(
                "a different build of careshape (to redo only the analysis of its finished points with this build: careshape report {})",
                dir.display()
            ));
        }
        None
    }
}

fn describe(shard: Option<Shard>) -> String {
    shard.map_or("the whole sweep".into(), |s| format!("shard {s}"))
}

/// Opens (or resumes) a sweep's output folder for `shard` (`None`: the whole sweep): writes
/// `sweep.json` in a new folder, or checks that an existing one holds the same work, from the
/// same build, and the same shard. Returns the points already finished there (a unit that
/// cannot be read is removed, to be run again). The caller holds the folder's lock.
pub fn open_folder(plan: &SweepPlan, dir: &Path, shard: Option<Shard>) -> Result<Vec<PointResult>> {
    let manifest = SweepManifest::of(plan, shard);
    let path = dir.join("sweep.json");
    std::fs::create_dir_all(dir.join(UNITS)).map_err(OutputError::io("cannot create", dir))?;
    let found = if path.is_file() { Some(SweepManifest::read(dir)?) } else { None };
    remove_temporaries(&dir.join(UNITS));
    if let Some(found) = &found {
        if let Some(why) = found.refusal(&manifest, dir) {
            return Err(Error::Input(format!(
                "{}: this folder holds points of {why}; results of the two must not be mixed: choose another --out, or delete the folder to start again",
                dir.display()
            )));
        }
        if found.shard != shard {
            return Err(Error::Input(format!(
                "{}: this folder holds {} of this sweep, not {}: give each shard its own folder (then `careshape merge` them)",
                dir.display(),
                describe(found.shard),
                describe(shard)
            )));
        }
    }
    // A new folder, or the same work: record the sweep file as read now (its analysis settings
    // may have changed), for `careshape report`.
    if found.as_ref() != Some(&manifest) {
        write_manifest(dir, &manifest)?;
    }
    // A unit that cannot be read (cut short by a crash of the machine) is removed and rerun.
    let mut done = Vec::new();
    for i in unit_points(dir)?.into_iter().filter(|&i| i < plan.unit_points.len()) {
        match read_point(plan, dir, i) {
            Ok(p) => done.extend(p),
            Err(_) => {
                let path = unit_path(dir, i);
                std::fs::remove_file(&path)
                    .map_err(OutputError::io("cannot remove the unreadable unit", &path))?;
            }
        }
    }
    Ok(done)
}

fn write_manifest(dir: &Path, manifest: &SweepManifest) -> Result<()> {
    let text = serde_json::to_string_pretty(manifest).expect("serialisable");
    crate::output::write_atomic(&dir.join("sweep.json"), |f| {
        use std::io::Write;
        f.write_all(text.as_bytes())?;
        Ok(())
    })?;
    Ok(())
}

/// Where a point's unit is written: `units/point=<i>/part-0.parquet`. The point is not
/// zero-padded: DuckDB infers an integer partition key only from a plain number.
pub fn unit_path(dir: &Path, point: usize) -> PathBuf {
    dir.join(UNITS).join(format!("point={point}")).join("part-0.parquet")
}

/// Removes what a killed writer left in a unit dataset: temporary files (`write_atomic`'s) in
/// its partition folders, and temporary partition folders.
pub(crate) fn remove_temporaries(units: &Path) {
    let temporary = |e: &std::fs::DirEntry| {
        e.file_name().to_str().is_some_and(|n| n.starts_with(crate::output::folder::TEMPORARY))
    };
    let Ok(entries) = std::fs::read_dir(units) else { return };
    for e in entries.flatten() {
        if temporary(&e) {
            let _ = std::fs::remove_dir_all(e.path()).or_else(|_| std::fs::remove_file(e.path()));
        } else if let Ok(inner) = std::fs::read_dir(e.path()) {
            for f in inner.flatten().filter(temporary) {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}

/// The points whose units a folder holds, in order. Temporary files of a killed writer are
/// not units (they are never renamed into `part-0.parquet`).
fn unit_points(dir: &Path) -> Result<Vec<usize>> {
    let units = dir.join(UNITS);
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&units) else { return Ok(found) };
    for e in entries {
        let e = e.map_err(OutputError::io("cannot read", &units))?;
        let name = e.file_name();
        let Some(point) = name.to_str().and_then(|n| n.strip_prefix("point=")).and_then(|n| n.parse().ok())
        else {
            continue;
        };
        if e.path().join("part-0.parquet").is_file() {
            found.push(point);
        }
    }
    found.sort_unstable();
    Ok(found)
}

/// A point's unit: one row per scenario × outcome × replicate, with the point's factor values
/// (a parameter's value, a switch's form) on every row; the point itself is the partition key.
fn unit_frame(plan: &SweepPlan, point: usize, runs: &[Vec<Vec<f64>>]) -> PolarsResult<DataFrame> {
    let c = &plan.config;
    let kp = c.parameters.len();
    let values = plan.values(point);
    let (mut scenario, mut replicate, mut outcome, mut value) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (name, s) in plan.names.iter().zip(runs) {
        for (o, reps) in c.outcomes.iter().zip(s) {
            for (r, v) in reps.iter().enumerate() {
                scenario.push(name.as_str());
                replicate.push(r as u32);
                outcome.push(o.as_str());
                value.push(*v);
            }
        }
    }
    let n = value.len();
    let mut cols = Vec::new();
    for (p, v) in c.parameters.iter().zip(&values) {
        cols.push(Column::new(p.key.as_str().into(), vec![*v; n]));
    }
    for (sw, v) in c.switches.iter().zip(&values[kp..]) {
        cols.push(Column::new(sw.key.as_str().into(), vec![sw.label(*v as usize); n]));
    }
    cols.extend([
        Column::new("scenario".into(), scenario),
        Column::new("replicate".into(), replicate),
        Column::new("outcome".into(), outcome),
        Column::new("value".into(), value),
    ]);
    DataFrame::new(n, cols)
}

/// Writes a point's unit atomically (tagged with the sweep's work hash).
fn write_unit(plan: &SweepPlan, dir: &Path, point: usize, runs: &[Vec<Vec<f64>>]) -> Result<()> {
    let mut df = unit_frame(plan, point, runs).map_err(OutputError::from)?;
    let path = unit_path(dir, point);
    crate::output::write_atomic(&path, |f| {
        crate::output::tables::parquet_writer(f, &df.schema().clone(), Some(&plan.work_sha256))
            .finish(&mut df)?;
        Ok(())
    })?;
    Ok(())
}

/// A point's results read from its unit in `dir` (`None` if it is not finished there).
pub fn read_point(plan: &SweepPlan, dir: &Path, point: usize) -> Result<Option<PointResult>> {
    let path = unit_path(dir, point);
    if !path.is_file() {
        return Ok(None);
    }
    let bad = |why: String| {
        Error::Input(format!(
            "{}: unreadable unit ({why}); delete its folder to rerun the point",
            path.display()
        ))
    };
    let file = std::fs::File::open(&path).map_err(OutputError::io("cannot open", &path))?;
    let df = ParquetReader::new(file).finish().map_err(|e| bad(e.to_string()))?;
    let c = &plan.config;
    let (s, o, reps) = (plan.names.len(), c.outcomes.len(), c.replicates as usize);
    if df.height() != s * o * reps {
        return Err(bad(format!("{} rows, expected {}", df.height(), s * o * reps)));
    }
    let col = |name: &str| df.column(name).map_err(|e| bad(e.to_string()));
    let str_col = |name: &str| -> Result<Vec<String>> {
        Ok(col(name)?
            .str()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect())
    };
    let scenario = str_col("scenario")?;
    let outcome = str_col("outcome")?;
    let replicate: Vec<u32> = col("replicate")?
        .u32()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(|v| v.unwrap_or(u32::MAX))
        .collect();
    let value: Vec<f64> =
        col("value")?.f64().map_err(|e| bad(e.to_string()))?.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let mut runs = vec![vec![vec![f64::NAN; reps]; o]; s];
    for i in 0..df.height() {
        let si = plan.names.iter().position(|n| *n == scenario[i]);
        let oi = c.outcomes.iter().position(|n| *n == outcome[i]);
        match (si, oi, replicate[i] as usize) {
            (Some(si), Some(oi), r) if r < reps => runs[si][oi][r] = value[i],
            _ => return Err(bad(format!("row {i} names no scenario, outcome and replicate of this sweep"))),
        }
    }
    // The factor values as recorded (checked against the design by `rebuild`).
    let mut values = Vec::new();
    for p in &c.parameters {
        values.push(col(&p.key)?.f64().map_err(|e| bad(e.to_string()))?.get(0).unwrap_or(f64::NAN));
    }
    for sw in &c.switches {
        let label = str_col(&sw.key)?.into_iter().next().unwrap_or_default();
        let index = (0..sw.values.len()).find(|&i| sw.label(i) == label);
        values.push(index.map_or(f64::NAN, |i| i as f64));
    }
    Ok(Some(PointResult::from_runs(point, values, &runs)))
}

/// The finished points of a sweep folder, in design order.
fn read_points(plan: &SweepPlan, dir: &Path) -> Result<Vec<PointResult>> {
    let n = plan.unit_points.len();
    let mut done = Vec::new();
    for i in unit_points(dir)?.into_iter().filter(|&i| i < n) {
        done.extend(read_point(plan, dir, i)?);
    }
    Ok(done)
}

/// Redoes the analysis of a finished sweep folder from its manifest and units alone (no
/// scenario is run): the sensitivity measures, the tables, the charts and `report.html`. The
/// design is regenerated from the sweep file recorded in the manifest and must give every
/// point's recorded values, so a folder whose design this build would draw differently is
/// refused rather than analysed on the wrong coordinates.
pub fn rebuild(dir: &Path) -> Result<(SweepPlan, Vec<PointResult>, Vec<SensitivityRow>)> {
    let m = SweepManifest::read(dir)?;
    if let Some(shard) = m.shard {
        return Err(Error::Input(format!(
            "{}: this folder holds shard {shard} of a sweep; merge every shard's folder first: careshape merge <SHARD_FOLDERS>... --out <FOLDER>",
            dir.display()
        )));
    }
    let plan = m.plan();
    let points = read_points(&plan, dir)?;
    let n = plan.unit_points.len();
    if points.is_empty() && dir.join("points").is_dir() {
        return Err(Error::Input(format!(
            "{}: its points are in points/*.json, the form of careshape before per-unit Parquet (units/); this build cannot read them: rerun the sweep into a new folder",
            dir.display()
        )));
    }
    if points.len() < n {
        return Err(Error::Input(format!(
            "{}: the sweep is unfinished ({} of {n} points); finish it with `careshape sweep {} --out {}`",
            dir.display(),
            points.len(),
            m.sweep_file,
            dir.display()
        )));
    }
    analyse(&plan, dir, points)
}

fn analyse(
    plan: &SweepPlan,
    dir: &Path,
    points: Vec<PointResult>,
) -> Result<(SweepPlan, Vec<PointResult>, Vec<SensitivityRow>)> {
    if let Some(p) = points.iter().find(|p| p.values != plan.values(p.point)) {
        return Err(Error::Input(format!(
            "{}: point {} was computed at other factor values than this build's design gives; rerun the sweep into a new folder",
            dir.display(),
            p.point
        )));
    }
    let rows = sensitivity(plan, &points);
    write_tables(plan, dir, &points, &rows)?;
    Ok((plan.clone(), points, rows))
}

/// Runs `shard`'s points of `sweep` (`None`: every point) not yet in `dir`, in parallel, each
/// unit written as it finishes, so an interrupted run keeps its finished points. `tick` is
/// called once per point run. Returns the number of points run now.
pub fn run_units(sweep: &Sweep, dir: &Path, shard: Option<Shard>, tick: &(dyn Fn() + Sync)) -> Result<usize> {
    let plan = &sweep.plan;
    // One process at a time in a folder: a second (a requeued task, a duplicate pod) would
    // take the first's temporary files for a killed writer's.
    std::fs::create_dir_all(dir).map_err(OutputError::io("cannot create", dir))?;
    let _lock = crate::output::FolderLock::acquire(dir)?;
    let done = open_folder(plan, dir, shard)?;
    let have: std::collections::HashSet<usize> = done.iter().map(|p| p.point).collect();
    let todo: Vec<usize> =
        shard.unwrap_or(Shard::WHOLE).units(plan.unit_points.len()).filter(|i| !have.contains(i)).collect();
    // Units are written by one thread outside the rayon pool. Written from a pool worker,
    // polars' own pool would make that worker wait by running other points, each of which
    // writes and waits in turn: a stack as deep as the sweep is long (it overflowed at 1,000
    // points).
    let (send, receive) = std::sync::mpsc::sync_channel::<(usize, Vec<Vec<Vec<f64>>>)>(64);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<()> {
            for (i, runs) in receive {
                write_unit(plan, dir, i, &runs)?;
                tick();
            }
            Ok(())
        });
        let ran = todo.par_iter().try_for_each_with(send, |send, &i| {
            let runs = sweep.evaluate(i)?;
            // A closed channel means the writer failed: its error is reported below.
            send.send((i, runs)).map_err(|_| Error::Input("the unit writer stopped".into()))
        });
        let wrote = writer.join().expect("the unit writer does not panic");
        wrote.and(ran)
    })?;
    Ok(todo.len())
}

/// The points of `shard` not yet finished in `dir` (what [`run_units`] would run).
pub fn unfinished(plan: &SweepPlan, dir: &Path, shard: Option<Shard>) -> usize {
    shard
        .unwrap_or(Shard::WHOLE)
        .units(plan.unit_points.len())
        .filter(|&i| !unit_path(dir, i).is_file())
        .count()
}

/// Runs every point of `sweep` not yet in `dir` ([`run_units`]), then writes the tables:
/// `sweep_points` (one row per point × quantity × scenario × outcome) and `sensitivity` (Morris
/// or Sobol measures, or partial rank correlations, with their bootstrap intervals), the charts
/// and the page. Returns every point's results and the sensitivity rows.
pub fn run(
    sweep: &Sweep,
    dir: &Path,
    tick: &(dyn Fn() + Sync),
) -> Result<(Vec<PointResult>, Vec<SensitivityRow>)> {
    run_units(sweep, dir, None, tick)?;
    let points = read_points(&sweep.plan, dir)?;
    let (_, points, rows) = analyse(&sweep.plan, dir, points)?;
    Ok((points, rows))
}

/// Merges sweep folders (the shards of one sweep, or any folders holding its points) into
/// `out`: checks that their manifests record the same work from the same build, and that every
/// point of the design is in exactly one of them; copies the units into `out`'s dataset; and
/// writes the analysis as a whole run would (the same bytes). `out` may be new or hold part of
/// the same sweep's merge already; it must not be one of `dirs`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(SweepPlan, Vec<PointResult>, Vec<SensitivityRow>)> {
    let manifests = dirs.iter().map(|d| SweepManifest::read(d)).collect::<Result<Vec<_>>>()?;
    let first = &manifests[0];
    for (d, m) in dirs.iter().zip(&manifests).skip(1) {
        if let Some(why) = m.refusal(first, d) {
            return Err(Error::Input(format!(
                "{}: its points are of {why} than {}'s; they must not be merged",
                d.display(),
                dirs[0].display()
            )));
        }
    }
    let plan = first.plan();
    let n = plan.unit_points.len();
    let mut owner: BTreeMap<usize, usize> = BTreeMap::new();
    for (k, d) in dirs.iter().enumerate() {
        for p in unit_points(d)? {
            if p >= n {
                return Err(Error::Input(format!(
                    "{}: holds point {p}, outside the design's {n} points",
                    d.display()
                )));
            }
            if let Some(&j) = owner.get(&p) {
                return Err(Error::Input(format!(
                    "point {p} is in both {} and {}: each point must come from exactly one folder (was a shard's folder given twice?)",
                    dirs[j].display(),
                    d.display()
                )));
            }
            owner.insert(p, k);
        }
    }
    if owner.len() < n {
        let missing: Vec<usize> = (0..n).filter(|p| !owner.contains_key(p)).collect();
        let shards: Vec<String> = manifests
            .iter()
            .zip(dirs)
            .filter_map(|(m, d)| {
                let s = m.shard?;
                let lacking = s.units(n).filter(|p| !owner.contains_key(p)).count();
                (lacking > 0).then(|| format!("{} (shard {s}) lacks {lacking}", d.display()))
            })
            .collect();
        let mut counts: Vec<u32> = manifests.iter().filter_map(|m| m.shard.map(|s| s.count)).collect();
        counts.dedup();
        let absent: Vec<String> = match counts.as_slice() {
            [count] => (0..*count)
                .filter(|i| !manifests.iter().any(|m| m.shard.is_some_and(|s| s.index == *i)))
                .map(|i| format!("{i}/{count}"))
                .collect(),
            _ => Vec::new(),
        };
        let shown: Vec<String> = missing.iter().take(8).map(|p| p.to_string()).collect();
        return Err(Error::Input(format!(
            "{} of {n} points are missing (points {}{}){}{}: rerun the unfinished shards (a rerun skips finished points), then merge again",
            missing.len(),
            shown.join(", "),
            if missing.len() > 8 { ", …" } else { "" },
            if shards.is_empty() { String::new() } else { format!("; {}", shards.join("; ")) },
            if absent.is_empty() {
                String::new()
            } else {
                format!("; no folder holds shard {}", absent.join(", "))
            },
        )));
    }
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    if canonical(out).is_some() && dirs.iter().any(|d| canonical(d) == canonical(out)) {
        return Err(Error::Input(format!(
            "{}: the merged folder must not be one of the folders merged; choose another --out",
            out.display()
        )));
    }
    let whole = SweepManifest { shard: None, ..first.clone() };
    if out.join("sweep.json").is_file() {
        let found = SweepManifest::read(out)?;
        if let Some(why) = found.refusal(&whole, out).or_else(|| found.shard.map(|s| format!("shard {s}"))) {
            return Err(Error::Input(format!(
                "{}: this folder holds points of {why}; choose another --out",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out.join(UNITS)).map_err(OutputError::io("cannot create", out))?;
    let _lock = crate::output::FolderLock::acquire(out)?;
    remove_temporaries(&out.join(UNITS));
    write_manifest(out, &whole)?;
    owner.par_iter().try_for_each(|(&p, &k)| copy_unit(&unit_path(&dirs[k], p), &unit_path(out, p)))?;
    let points = read_points(&plan, out)?;
    analyse(&plan, out, points)
}

/// Copies a unit file atomically (unless the same bytes are already there).
fn copy_unit(from: &Path, to: &Path) -> Result<()> {
    let bytes = std::fs::read(from).map_err(OutputError::io("cannot read", from))?;
    if std::fs::read(to).is_ok_and(|b| b == bytes) {
        return Ok(());
    }
    crate::output::write_atomic(to, |f| {
        use std::io::Write;
        f.write_all(&bytes)?;
        Ok(())
    })?;
    Ok(())
}
