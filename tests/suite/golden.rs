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
    ("weekly.csv", "250a8c31f3fea62e56243dfc893a149607d9a2ae2a3459891c8e51900db61e5b"),
    ("weekly.parquet", "59f8160f9ef18f1554ad8fbde94b7aa4dcc859054509888217b9874ac382ff0d"),
    ("summary.csv", "abab1d219b54c8291c49cc2942fa44cc33ad3621949b2c47351d89429d7cacb0"),
    ("summary.parquet", "44180dd43a64be655d77282c6c586a3b4e15188b86cbd35ef056703847a31808"),
    ("providers.csv", "ed9d9427c0bc2c7521f381a7f5523ccf9efd761b9d94734f258ab8a6a3db339b"),
    ("providers.parquet", "cffc4b35ab3579f745018abfc7b59fe5b0da92169a941b6305acb9f69f5d63cd"),
    ("patches.csv", "56656e05b2ece89cc1294bac72cfa82f3609cc56f5e00bb3c9028716f393de2d"),
    ("patches.parquet", "015ac0670c1b3c2e6db0818a55ca0fe824d0528abe50a75cff21243f7848a605"),
    ("provider_years.csv", "8149c47f4c5a70bb5df8df4266a8a2089b37096bd85e9290979ad53e00c5be04"),
    ("provider_years.parquet", "dcd0ec849e4f8380b3a24e90e57f5d9dd6a31424cb7d1949e8f4f1007adb1694"),
    ("stress.csv", "52180b007c34153a699646dda3cdcf5096679a81612743083c036cdb2f361f93"),
    ("stress.parquet", "60b551a8d9d0d236dfc4b4f5e413b39459f02b7092f7f3bb14ae6dec23fb4c70"),
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
