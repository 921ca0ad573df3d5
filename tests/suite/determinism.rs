//! Same seed → byte-identical tables, whatever the thread count (docs/ODD.md, Reproducibility).

use std::path::Path;

use crate::common::{arg, careshape_ok};

/// Two scenarios, each also with a shock on top (the stress table must be as reproducible as
/// the rest), 3 replicates of 60 weeks, through `careshape run`.
fn run_to(dir: &Path, threads: usize, seed: u64) {
    careshape_ok(&[
        "run",
        "scenarios/camden/status-quo.toml",
        "tests/data/framework-planned.toml",
        "--shock",
        "scenarios/stress/largest-provider-fails.toml",
        "--replicates",
        "3",
        "--weeks",
        "60",
        "--seed",
        &seed.to_string(),
        "--threads",
        &threads.to_string(),
        "--quiet",
        "--out",
        arg(dir),
    ]);
}

const TABLES: &[&str] = &[
    "weekly.csv",
    "weekly.parquet",
    "summary.csv",
    "summary.parquet",
    "providers.csv",
    "providers.parquet",
    "provider_years.csv",
    "provider_years.parquet",
    "stress.csv",
    "stress.parquet",
];

fn read(dir: &Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

#[test]
fn same_seed_gives_identical_tables_across_runs_and_thread_counts() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    run_to(a.path(), 2, 11);
    run_to(b.path(), 2, 11);
    run_to(c.path(), 1, 11);
    for f in TABLES {
        let x = read(a.path(), f);
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == read(b.path(), f), "{f} differs between two identical runs");
        assert!(x == read(c.path(), f), "{f} differs between --threads 2 and --threads 1");
    }
    // The manifest differs only in its execution section (threads, wall time).
    let strip = |d: &Path| {
        let mut m: serde_json::Value = serde_json::from_slice(&read(d, "manifest.json")).unwrap();
        m.as_object_mut().unwrap().remove("execution");
        m
    };
    assert_eq!(strip(a.path()), strip(c.path()));
}

#[test]
fn a_different_seed_gives_different_results() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_to(a.path(), 2, 11);
    run_to(b.path(), 2, 12);
    assert_ne!(read(a.path(), "summary.csv"), read(b.path(), "summary.csv"));
}

#[test]
fn scenarios_share_arrivals_common_random_numbers() {
    // Arrivals are keyed by replicate and week, never by scenario: two policies see the same
    // people ask for care.
    let base = careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml")).unwrap();
    let other = careshape::load_scenario(Path::new("tests/data/framework-planned.toml")).unwrap();
    let mut a = careshape::Simulation::new(&base, 5, 2);
    let mut b = careshape::Simulation::new(&other, 5, 2);
    for _ in 0..80 {
        a.step();
        b.step();
        assert_eq!(a.records.last().unwrap().client_arrivals, b.records.last().unwrap().client_arrivals);
    }
}
