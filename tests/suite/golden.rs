//! Golden outputs: the SHA-256 of a short run's tables. A refactor must leave every byte of
//! them unchanged; a deliberate change of the model's behaviour updates the hashes below in the
//! same commit, whose message says why the outputs changed (docs/TESTING.md).
//!
//! Each Parquet table carries the run id in its metadata, which hashes the sources too, so it
//! changes with any edit; the test blanks it (64 hex digits, stored as plain bytes in the
//! footer) before hashing, after checking it is the manifest's.

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
    ("weekly.csv", "0843b1a558ab42835a190541bc9a237f3ec3253fd78e3a2d2c04badd6faae027"),
    ("weekly.parquet", "e4976ea8b07c714a791b5f9525f531bc61b2a2cedd60b8f0a6c9a58b7ae5a8b3"),
    ("summary.csv", "39d30a4b057017572682740753272268ef0a0bd0f2df0d39baa39cb6a25968d1"),
    ("summary.parquet", "70d1d697f5c7ad197a47c03eeb532beda6a1f12cac103f70a2a270e9e62b66d8"),
    ("providers.csv", "8026e9e5195b50ad914df627bb14b91bd67c6af444d2b322817c60d2c13c3d6b"),
    ("providers.parquet", "37cb243dd8035204dbcabae1c1c144fc91ef88484c43e0f154196141a914983d"),
    ("patches.csv", "8dd75b0ed6d08ad95daf747aaa9b20e2d3071cbcf9e03b93704dc1b40ee46cf6"),
    ("patches.parquet", "315251ae57ca1db210f40621092c63fd2cdcba1105a58502b615db55f8f5cdd7"),
    ("provider_years.csv", "143037f95e2eccf2ef4b27b594bfd5c04ec6ed45832873a9ec82f8363c662fe5"),
    ("provider_years.parquet", "24e6d4ae8beef6ff5a04635513b30473a3eafd33c02556b57d4f09d4f45a5d98"),
    ("stress.csv", "b5eccf880c7ded8f4153d6e34bc10c50b9ef178ed26b7927683ffa1bad9778c7"),
    ("stress.parquet", "98dd040cc4055d7d3b6e467fbe2f8979945c9ac2dee632ab1ca58882e4d4708f"),
];

#[test]
fn a_short_run_writes_the_golden_tables_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    run_short(dir.path());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    let run_id = manifest["run_id"].as_str().expect("the manifest has a run id").as_bytes().to_vec();
    assert_eq!(run_id.len(), 64);
    let mut report = String::new();
    let mut changed = 0;
    for (file, expected) in GOLDEN {
        let mut bytes = std::fs::read(dir.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        if file.ends_with(".parquet") {
            let at: Vec<usize> =
                bytes.windows(64).enumerate().filter(|(_, w)| *w == run_id).map(|(i, _)| i).collect();
            assert_eq!(at.len(), 1, "{file} carries the manifest's run id once");
            bytes[at[0]..at[0] + 64].fill(b'0');
        }
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if actual != *expected {
            changed += 1;
        }
        report.push_str(&format!("    (\"{file}\", \"{actual}\"),\n"));
    }
    assert!(changed == 0, "{changed} table(s) changed; the new hashes are:\n{report}");
}
