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
    ("weekly.csv", "55693ceb211c368b8eba886fa50cf0ae3c39473d930b7c0ab39de879c6126fbf"),
    ("weekly.parquet", "871292dac4a83ea45a0db204ba5511cf6cbfc60f5a2d771ea9a2872b71c6c9fe"),
    ("summary.csv", "ee0fc0489e68df756e4dd0f4a1e3367adffdefff94b840ca036b6c4570eea8ad"),
    ("summary.parquet", "e219d8d3d6bbb0e48be02cba2cb399da2a4b43d013c3b54faa814ad3982a7f16"),
    ("providers.csv", "81eb16d4b969e5528b7166b2ac361cbc6768e24013bf908dd8a52244085c41ef"),
    ("providers.parquet", "38704d832a25267f64089479aa115232683a2ae2106970aaf08d2fa5e7997a2a"),
    ("patches.csv", "7f858b22fc52ce7292154b90dbb351967035d40f59bdf0fb5f0cb34950b3c1d6"),
    ("patches.parquet", "fd3a07c084cee5610837dd0fecc8e2b08ccbdfba01be103e52600d4733412869"),
    ("provider_years.csv", "280535c2a75d176a24e941abebf4e312249855cffb2b1eb4208b653366444e5e"),
    ("provider_years.parquet", "75ff53544032da5e76a255581e3dd8b203242f6d25ec649c061a5e5fce00ff10"),
    ("stress.csv", "7b22a0a9cb96d0cea10b272da08efad3b36d4ea5d5ae41c8fda2fcad14f055e1"),
    ("stress.parquet", "8b0d6348f67674ad0bd575a15f705e7754c0f827609b276bbc4ab91105df303e"),
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
