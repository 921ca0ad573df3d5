//! Issue 24, scale-out: `--shard I/N` runs a deterministic slice of a sweep's points or a
//! comparison's replicates, each finished unit written atomically into a Hive-partitioned
//! Parquet dataset; `careshape merge` puts the shards together and writes the analysis a
//! single run writes, byte for byte, even after a shard was killed and rerun
//! (docs/SCALING.md).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{arg, assert_input_error, careshape_ok};

/// A sweep of 18 Latin-hypercube points: the status quo against a £3 higher rate.
fn sweep_file(dir: &Path) -> PathBuf {
    let root = std::env::current_dir().unwrap();
    let text = format!(
        r#"name = "shards"
baseline = "{}"
policies = ["{}"]
outcomes = ["unmet_need_share", "turnover_annual"]
replicates = 2
seed = 11
weeks = 26

[design]
kind = "lhs"
points = 18

[[parameters]]
key = "workforce.quit_pay_elasticity"
min = 0.5
max = 1.5

[[switches]]
key = "providers.contract_mix"
values = ["choice", "rule"]
"#,
        root.join("scenarios/camden/status-quo.toml").display(),
        root.join("tests/data/higher-rate.toml").display()
    );
    let path = dir.join("shards.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The analysis tables of a sweep folder, as bytes.
fn sweep_tables(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["sweep_points.csv", "sweep_points.parquet", "sensitivity.csv", "sensitivity.parquet"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))))
        .collect()
}

fn units_in(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("units"))
        .map(|d| d.flatten().filter(|e| e.path().join("part-0.parquet").is_file()).count())
        .unwrap_or(0)
}

/// Runs `args` and SIGKILLs the process once `dir` holds at least one unit; returns how many
/// units it had finished.
fn kill_after_first_unit(args: &[&str], dir: &Path) -> usize {
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_careshape")).args(args).spawn().expect("the binary runs");
    let started = Instant::now();
    while units_in(dir) == 0 {
        assert!(child.try_wait().unwrap().is_none(), "the shard finished before it could be killed");
        assert!(started.elapsed() < Duration::from_secs(120), "no unit written in 120 s");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL on Unix: no clean-up runs
    child.wait().unwrap();
    units_in(dir)
}

#[test]
fn a_sweep_split_into_shards_merges_to_the_same_bytes_even_after_a_shard_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let file = sweep_file(dir.path());
    let out = |name: &str| dir.path().join(name);
    // The whole sweep in one process.
    careshape_ok(&["sweep", arg(&file), "--out", arg(&out("whole")), "--quiet"]);
    let whole = sweep_tables(&out("whole"));
    assert_eq!(units_in(&out("whole")), 18);
    // Three shards, merged.
    for i in 0..3 {
        let shard = format!("{i}/3");
        careshape_ok(&[
            "sweep",
            arg(&file),
            "--shard",
            &shard,
            "--out",
            arg(&out(&format!("s{i}"))),
            "--quiet",
        ]);
        assert_eq!(units_in(&out(&format!("s{i}"))), 6, "shard {i}/3 holds every third point");
        assert!(!out(&format!("s{i}")).join("sensitivity.csv").exists(), "a shard writes no analysis");
    }
    let shards: Vec<PathBuf> = (0..3).map(|i| out(&format!("s{i}"))).collect();
    let mut merge: Vec<&str> = vec!["merge"];
    merge.extend(shards.iter().map(|p| arg(p)));
    let merged = out("merged");
    careshape_ok(&[merge.as_slice(), &["--out", arg(&merged), "--quiet"]].concat());
    assert_eq!(sweep_tables(&out("merged")), whole, "three shards merged = one process");
    for p in 0..18 {
        assert_eq!(
            std::fs::read(careshape::sweep::unit_path(&out("merged"), p)).unwrap(),
            std::fs::read(careshape::sweep::unit_path(&out("whole"), p)).unwrap(),
            "unit {p}"
        );
    }
    // Shard 1 killed (SIGKILL) part-way on one thread, then rerun by the same command.
    let k1 = out("k1");
    let killed = ["sweep", arg(&file), "--shard", "1/3", "--out", arg(&k1), "--threads", "1", "--quiet"];
    let finished = kill_after_first_unit(&killed, &k1);
    assert!((1..6).contains(&finished), "killed after {finished} of 6 units");
    // Merging now names what is missing and how to finish it.
    let m = out("m");
    let partial = ["merge", arg(&shards[0]), arg(&k1), arg(&shards[2]), "--out", arg(&m), "--quiet"];
    assert_input_error(&partial, &["points are missing", "shard 1/3", "rerun the unfinished shards"]);
    careshape_ok(&killed);
    assert_eq!(units_in(&k1), 6);
    let after = out("after-kill");
    careshape_ok(&["merge", arg(&shards[0]), arg(&k1), arg(&shards[2]), "--out", arg(&after), "--quiet"]);
    assert_eq!(sweep_tables(&out("after-kill")), whole, "killed and rerun = one process");
    // A unit cut short (as by a crash of the machine) is removed and run again by a rerun.
    let cut = careshape::sweep::unit_path(&k1, 4);
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    careshape_ok(&killed);
    assert_eq!(std::fs::read(&cut).unwrap(), bytes, "the cut unit is run again, to the same bytes");
    // One process per folder: while another holds the folder, a run stops at once.
    {
        let _held = careshape::output::FolderLock::acquire(&k1).unwrap();
        let (code, _, err) = crate::common::careshape(&killed);
        assert_ne!(code, 0);
        assert!(err.contains("another careshape process is writing this folder"), "{err}");
    }
    // Refusals: a missing shard, a shard given twice, a shard folder reused for another shard,
    // a report on a shard folder, and a merge into one of its inputs.
    assert_input_error(
        &["merge", arg(&shards[0]), arg(&shards[2]), "--out", arg(&m), "--quiet"],
        &["6 of 18 points are missing", "no folder holds shard 1/3"],
    );
    assert_input_error(
        &[
            "merge",
            arg(&shards[0]),
            arg(&shards[0]),
            arg(&shards[1]),
            arg(&shards[2]),
            "--out",
            arg(&m),
            "--quiet",
        ],
        &["is in both"],
    );
    assert_input_error(
        &["sweep", arg(&file), "--shard", "2/3", "--out", arg(&shards[1]), "--quiet"],
        &["holds shard 1/3 of this sweep, not shard 2/3"],
    );
    assert_input_error(&["report", arg(&shards[1]), "--quiet"], &["shard 1/3", "careshape merge"]);
    assert_input_error(
        &[&merge[..], &["--out", arg(&shards[0]), "--quiet"]].concat(),
        &["must not be one of the folders merged"],
    );
    assert_input_error(&["sweep", arg(&file), "--shard", "3/3", "--quiet"], &["0 ≤ I < N"]);
}

/// A comparison split by replicate: three shards merged give the run tables and the
/// comparison of one process, byte for byte; a shard that lost a replicate reruns only it.
#[test]
fn a_comparison_split_by_replicate_merges_to_the_same_tables() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::env::current_dir().unwrap();
    let (sq, hr) = (root.join("scenarios/camden/status-quo.toml"), root.join("tests/data/higher-rate.toml"));
    let out = |name: &str| dir.path().join(name);
    let common =
        ["compare", arg(&sq), arg(&hr), "--replicates", "5", "--weeks", "12", "--seed", "3", "--quiet"];
    let whole = out("whole");
    careshape_ok(&[&common[..], &["--out", arg(&whole), "--no-report"]].concat());
    let shards: Vec<PathBuf> = (0..3).map(|i| out(&format!("s{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        careshape_ok(&[&common[..], &["--shard", &format!("{i}/3"), "--out", arg(s)]].concat());
    }
    // Shard 1 loses replicate 4 (as if killed before writing it); its rerun runs only that one.
    let lost = shards[1].join("units/unit=4");
    let kept = std::fs::read(shards[1].join("units/unit=1/summary.parquet")).unwrap();
    std::fs::remove_dir_all(&lost).unwrap();
    let merged = out("merged");
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().map(|p| arg(p)));
    assert_input_error(
        &[&merge[..], &["--out", arg(&merged), "--quiet"]].concat(),
        &["1 of 5 replicates are missing (replicates 4)"],
    );
    careshape_ok(&[&common[..], &["--shard", "1/3", "--out", arg(&shards[1])]].concat());
    assert!(lost.join("weekly.parquet").is_file());
    assert_eq!(std::fs::read(shards[1].join("units/unit=1/summary.parquet")).unwrap(), kept);
    careshape_ok(&[&merge[..], &["--out", arg(&merged), "--quiet"]].concat());
    for table in ["weekly", "summary", "providers", "patches", "provider_years", "comparison"] {
        for ext in ["csv", "parquet"] {
            let f = format!("{table}.{ext}");
            assert_eq!(
                std::fs::read(merged.join(&f)).unwrap(),
                std::fs::read(whole.join(&f)).unwrap(),
                "{f}: merged shards differ from one process"
            );
        }
    }
    assert!(merged.join("report.html").is_file() && merged.join("charts").is_dir());
    // Refusals: auto replicates, a missing --out, another run's shard, another shard's folder.
    assert_input_error(
        &["compare", arg(&sq), "--replicates", "auto", "--shard", "0/2", "--out", arg(&out("x"))],
        &["fixed --replicates"],
    );
    assert_input_error(&["compare", arg(&sq), "--shard", "0/2", "--quiet"], &["--shard needs --out"]);
    let other =
        ["compare", arg(&sq), arg(&hr), "--replicates", "5", "--weeks", "12", "--seed", "4", "--quiet"];
    assert_input_error(
        &[&other[..], &["--shard", "0/3", "--out", arg(&shards[0])]].concat(),
        &["another comparison"],
    );
    assert_input_error(
        &[&common[..], &["--shard", "2/3", "--out", arg(&shards[0])]].concat(),
        &["holds shard 0/3"],
    );
}
