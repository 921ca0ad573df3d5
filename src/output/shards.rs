//! A comparison split by replicate (`careshape compare --shard I/N`, docs/SCALING.md): each
//! shard folder holds `shard.json` (the run's manifest and id, and which shard it is) and one
//! unit per finished replicate, `units/unit=<r>/`, holding that replicate's rows of the
//! five run tables (`weekly.parquet`, `summary.parquet`, …) for every scenario. A unit is
//! written into a temporary folder that is renamed into place when complete, so a killed shard
//! keeps every finished replicate and a rerun of the same command runs only the rest.
//! [`merge`] reads each unit once, spills its rows by scenario, and drains the spills into the
//! run tables a single `compare` writes, in (scenario, replicate) order: the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::tables::{Spill, TABLES, TableWriter, frames, parquet_writer};
use super::{OutputError, Result};
use crate::shard::Shard;
use crate::study::Study;

/// What a compare shard's folder records about its run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CompareShard {
    /// `Study::run_id`: the same for every shard of one comparison (it covers the scenarios,
    /// the seed, the replicates, posterior draws and the build).
    pub run_id: String,
    pub shard: Shard,
    pub replicates: u32,
    pub baseline: String,
    /// Scenario names, in run order.
    pub scenarios: Vec<String>,
    pub patch_names: Vec<String>,
    /// The run's `manifest.json` without its execution details, for the merged folder.
    pub manifest: serde_json::Value,
}

impl CompareShard {
    /// Reads `shard.json` of a compare shard folder.
    pub fn read(dir: &Path) -> crate::Result<Self> {
        let path = dir.join("shard.json");
        let text = std::fs::read_to_string(&path).map_err(OutputError::io("cannot read", &path))?;
        serde_json::from_str(&text).map_err(|e| {
            crate::Error::Input(format!(
                "{}: not a compare shard manifest of careshape {} ({e}); rerun the shard into a new folder",
                path.display(),
                env!("CARGO_PKG_VERSION")
            ))
        })
    }
}

/// Where replicate `r`'s unit lives in a shard folder.
pub fn unit_dir(dir: &Path, replicate: u32) -> PathBuf {
    dir.join("units").join(format!("unit={replicate}"))
}

/// The replicates whose units a folder holds, in order.
fn unit_replicates(dir: &Path) -> Result<Vec<u32>> {
    let units = dir.join("units");
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&units) else { return Ok(found) };
    for e in entries {
        let e = e.map_err(OutputError::io("cannot read", &units))?;
        let r = e.file_name().to_str().and_then(|n| n.strip_prefix("unit=")).and_then(|n| n.parse().ok());
        // A unit folder is renamed into place whole; checking its files as well costs little.
        if let Some(r) = r
            && TABLES.iter().all(|t| e.path().join(format!("{t}.parquet")).is_file())
        {
            found.push(r);
        }
    }
    found.sort_unstable();
    Ok(found)
}

/// Runs `shard`'s replicates of a comparison of `study` (replicates `0..replicates`) not yet
/// in `dir`, writing each replicate's unit when it finishes. `shard.json` is written in a new
/// folder; an existing folder must hold the same run and shard. Returns the replicates run now.
#[allow(clippy::too_many_arguments)]
pub fn run(
    study: &Study,
    seed: u64,
    replicates: u32,
    baseline: &str,
    manifest: serde_json::Value,
    shard: Shard,
    dir: &Path,
    progress: &(dyn Fn() + Sync),
) -> crate::Result<usize> {
    let record = CompareShard {
        run_id: study.run_id(seed, replicates),
        shard,
        replicates,
        baseline: baseline.to_string(),
        scenarios: study.names().iter().map(|s| s.to_string()).collect(),
        patch_names: study.patch_names(),
        manifest,
    };
    std::fs::create_dir_all(dir.join("units")).map_err(OutputError::io("cannot create", dir))?;
    // One process at a time in a folder: a second (a requeued task, a duplicate pod) would take
    // the first's temporary unit folders for a killed writer's.
    let _lock = super::FolderLock::acquire(dir)?;
    if dir.join("shard.json").is_file() {
        let found = CompareShard::read(dir)?;
        if found.run_id != record.run_id {
            return Err(crate::Error::Input(format!(
                "{}: this folder holds replicates of another comparison (other scenarios, seed, replicates or build); results of the two must not be mixed: choose another --out",
                dir.display()
            )));
        }
        if found.shard != shard {
            return Err(crate::Error::Input(format!(
                "{}: this folder holds shard {} of this comparison, not shard {shard}: give each shard its own folder (then `careshape merge` them)",
                dir.display(),
                found.shard
            )));
        }
    } else if std::fs::read_dir(dir)
        .map_err(OutputError::io("cannot read", dir))?
        .flatten()
        .any(|e| e.file_name() != "units" && !e.file_name().to_string_lossy().starts_with('.'))
    {
        return Err(crate::Error::Input(format!(
            "{}: the folder holds other files; a compare shard needs a new or empty folder",
            dir.display()
        )));
    }
    let text = serde_json::to_string_pretty(&record).expect("serialisable");
    super::write_atomic(&dir.join("shard.json"), |f| {
        use std::io::Write;
        f.write_all(text.as_bytes())?;
        Ok(())
    })?;
    crate::sweep::remove_temporaries(&dir.join("units"));
    let done = unit_replicates(dir)?;
    let todo: Vec<u32> = shard
        .units(replicates as usize)
        .map(|r| r as u32)
        .filter(|r| done.binary_search(r).is_err())
        .collect();
    let patch_names = study.patch_names();
    study.run_replicates(
        seed,
        &todo,
        &mut |r, results| {
            let summaries: Vec<_> = results.iter().map(|x| study.summarise(x)).collect();
            write_unit(dir, r, &frames(results, &summaries, &patch_names)?, &record.run_id)?;
            Ok(())
        },
        progress,
    )?;
    Ok(todo.len())
}

/// Writes a replicate's five frames into a temporary folder and renames it into place.
fn write_unit(dir: &Path, replicate: u32, frames: &[DataFrame; 5], run_id: &str) -> Result<()> {
    let units = dir.join("units");
    let mut builder = tempfile::Builder::new();
    builder.prefix(super::folder::TEMPORARY);
    // Temporary folders are private (0700); a finished unit is as readable as any table.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o755));
    }
    let tmp =
        builder.tempdir_in(&units).map_err(OutputError::io("cannot create a temporary folder in", &units))?;
    for (stem, df) in TABLES.iter().zip(frames) {
        let path = tmp.path().join(format!("{stem}.parquet"));
        let f = std::fs::File::create(&path).map_err(OutputError::io("cannot create", &path))?;
        let mut df = df.clone();
        let written = parquet_writer(f, &df.schema().clone(), Some(run_id)).finish(&mut df);
        written.map_err(|e| OutputError::Write { path: path.clone(), source: Box::new(e.into()) })?;
        // Synced before the rename, as `write_atomic` does.
        std::fs::File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(OutputError::io("cannot sync", &path))?;
    }
    let target = unit_dir(dir, replicate);
    // The folder is locked, and finished units are not run again: a folder already there is
    // an incomplete one (some of its files removed by hand), replaced whole.
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .map_err(OutputError::io("cannot replace the incomplete unit", &target))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        OutputError::io("cannot rename into", &target)(e)
    })?;
    Ok(())
}

/// Merges compare shard folders into the run folder `out` (its staging path): checks that they
/// are shards of one run and that every replicate is there exactly once, then writes the five
/// run tables in (scenario, replicate) order and `manifest.json`. Returns the shard record (its
/// baseline, replicates).
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    execution: super::manifest::Execution,
) -> crate::Result<CompareShard> {
    let records = dirs.iter().map(|d| CompareShard::read(d)).collect::<crate::Result<Vec<_>>>()?;
    let first = &records[0];
    for (d, r) in dirs.iter().zip(&records).skip(1) {
        if r.run_id != first.run_id {
            return Err(crate::Error::Input(format!(
                "{}: its replicates are of another comparison (other scenarios, seed, replicates or build) than {}'s; they must not be merged",
                d.display(),
                dirs[0].display()
            )));
        }
    }
    let n = first.replicates;
    let mut owner: BTreeMap<u32, usize> = BTreeMap::new();
    for (k, d) in dirs.iter().enumerate() {
        for r in unit_replicates(d)? {
            if r >= n {
                return Err(crate::Error::Input(format!(
                    "{}: holds replicate {r}, beyond the run's {n}",
                    d.display()
                )));
            }
            if let Some(&j) = owner.get(&r) {
                return Err(crate::Error::Input(format!(
                    "replicate {r} is in both {} and {}: each replicate must come from exactly one folder (was a shard's folder given twice?)",
                    dirs[j].display(),
                    d.display()
                )));
            }
            owner.insert(r, k);
        }
    }
    if owner.len() < n as usize {
        let missing: Vec<String> =
            (0..n).filter(|r| !owner.contains_key(r)).take(8).map(|r| r.to_string()).collect();
        let count = first.shard.count;
        let absent: Vec<String> = (0..count)
            .filter(|i| !records.iter().any(|r| r.shard.index == *i && r.shard.count == count))
            .map(|i| format!("{i}/{count}"))
            .collect();
        return Err(crate::Error::Input(format!(
            "{} of {n} replicates are missing (replicates {}{}){}: rerun the unfinished shards (a rerun skips finished replicates), then merge again",
            n as usize - owner.len(),
            missing.join(", "),
            if n as usize - owner.len() > 8 { ", …" } else { "" },
            if absent.is_empty() {
                String::new()
            } else {
                format!("; no folder holds shard {}", absent.join(", "))
            }
        )));
    }
    // Each unit file is read once and its rows go to their scenario's spill; the spills are
    // then drained scenario by scenario into the tables, in (scenario, replicate) order.
    let names: Vec<&str> = first.scenarios.iter().map(String::as_str).collect();
    let mut spill = Spill::create(out, &names, &first.patch_names)?;
    for (&r, &k) in &owner {
        for (t, stem) in TABLES.iter().enumerate() {
            let path = unit_dir(&dirs[k], r).join(format!("{stem}.parquet"));
            let unreadable =
                |e: PolarsError| OutputError::Read { path: path.clone(), source: Box::new(e.into()) };
            let file = std::fs::File::open(&path).map_err(OutputError::io("cannot open", &path))?;
            let df = ParquetReader::new(file).finish().map_err(unreadable)?;
            let scenario = df.column("scenario").and_then(|c| c.str().cloned()).map_err(unreadable)?;
            for (s, name) in names.iter().enumerate() {
                let mine = df.filter(&scenario.equal(*name)).map_err(unreadable)?;
                spill.push_frame(s, t, &mine)?;
            }
        }
    }
    let mut tables = TableWriter::create(out, &first.patch_names, &first.run_id)?;
    spill.drain_into(&mut tables)?;
    tables.finish()?;
    let mut manifest = first.manifest.clone();
    manifest["execution"] = serde_json::to_value(&execution).expect("serialisable");
    super::write_atomic(&out.join("manifest.json"), |f| {
        serde_json::to_writer_pretty(&mut *f, &manifest)?;
        use std::io::Write;
        writeln!(f)?;
        Ok(())
    })?;
    Ok(first.clone())
}
