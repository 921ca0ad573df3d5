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
    ("weekly.csv", "c474e99777bb36dd668c228e7da72d83df90d2b319d3aa979377f1b7ac19d7a0"),
    ("weekly.parquet", "07b4b507f6de597a8d4fa52ae525ee8dce44ba05c4ab210650afddb72f0c49cc"),
    ("summary.csv", "fd5907245c4d6921d4633d939ca90207aa341deb41ff89e8acbb23cc3fdf1b74"),
    ("summary.parquet", "54fc3616d1feb3e55073c0f5b8a6492c496a4b3b27be608537370df5db90e3e5"),
    ("providers.csv", "d19f4a650893e53b8e5ef0460dc653f216c92dfa7c61b8ee5f6e9137e473c6de"),
    ("providers.parquet", "41101e3878fd8f7ca742032bbabb6f59500c7b21770b6fcf9e83bd5cf4465b09"),
    ("patches.csv", "d2b50c3fc0255eea31d981fc322a43cf95d3dc380edfac268d0d3a23ef2af306"),
    ("patches.parquet", "b5152de36eb7241ca7d9e1bd6511b4902c687bf50233d49195041a1de04413c9"),
    ("provider_years.csv", "6ec150675c34413104ea295c0bfc0d35c55324e87ec624bd2b187fa94c430da0"),
    ("provider_years.parquet", "fd9c034ce0c9af36c36b4a882c2ae5867c5e3d330776dbd3fd3eba0bb70c2b79"),
    ("stress.csv", "508fa8d7628fab8efaa7da451a4c59e6fdb71ad606b296096c3abb3dacc11e1f"),
    ("stress.parquet", "3680598b5a2ff4e651a62cfc9e395fc1d9f77d11ec952acbfdd9b3828e2a0320"),
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
