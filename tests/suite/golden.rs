//! Golden outputs: the SHA-256 of a short run's tables. A refactor must leave every byte of
//! them unchanged; a deliberate change of the model's behaviour updates the hashes below in the
//! same commit, whose message says why the outputs changed (docs/TESTING.md).

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::common::{arg, careshape_ok};

/// Every shipped Camden design with the largest provider failing at week 52, 2 replicates,
/// 160 weeks after burn-in (past the first tender's re-let), seed 5.
fn run_short(out: &Path) {
    careshape_ok(&[
        "run",
        "scenarios/camden",
        "--shock",
        "scenarios/stress/largest-provider-fails.toml",
        "--replicates",
        "2",
        "--weeks",
        "160",
        "--seed",
        "5",
        "--quiet",
        "--out",
        arg(out),
    ]);
}

const GOLDEN: &[(&str, &str)] = &[
    ("weekly.csv", "6266c5528962c20f57f76db51bf9e3a76f3585e3e6318e6e28870ee9a870ae68"),
    ("weekly.parquet", "d34883a605f688c1fd8a1e4034a1e42ad76ac3f02eac536645361f5e704a7623"),
    ("summary.csv", "dc3ceaccf0451832f9185f438dff7e1dcf46fa1b02de0acb7f7d260ef6969053"),
    ("summary.parquet", "9199aeb9ad0a6d7924505d2b1e07a1d3f77bba95c4f6ab2e2eb0c51e05a40941"),
    ("providers.csv", "d44a044ff85978b971dd8aec30824e78e45c9ac4a2946dd4e8a9f64a2e08e03f"),
    ("providers.parquet", "b52c1c0fc822fb0a4600438017fa3a6e67e85a944fc812795955c51ab4a4e1e3"),
    ("patches.csv", "f62bc65f6c234b95d6899ef617aaca793d75f295e3eb43378c53a63aaf0ef911"),
    ("patches.parquet", "4083b3bbcf1a4a1818dbaf9d2560829fa802468521390164ee46f7aeb0d4d274"),
    ("stress.csv", "cc5190aeb642200fde83495bd3d09eaf83075ab62fc012f8ecbc6f479ba9fdc1"),
    ("stress.parquet", "17f9304b2e4d4a741c969a4c907e1fd2e435d09b5d5cdbfd78fc799300bc2c94"),
];

#[test]
fn a_short_run_writes_the_golden_tables_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    run_short(dir.path());
    let mut report = String::new();
    let mut changed = 0;
    for (file, expected) in GOLDEN {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if actual != *expected {
            changed += 1;
        }
        report.push_str(&format!("    (\"{file}\", \"{actual}\"),\n"));
    }
    assert!(changed == 0, "{changed} table(s) changed; the new hashes are:\n{report}");
}
