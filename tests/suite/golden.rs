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
    ("weekly.csv", "1d664b88949001207ee56d4d2df5e4e6f5881ad1746074b7d2bc86bf74aabb14"),
    ("weekly.parquet", "2188adf06066be35d83b3dbeea67ee7945d152b99c5e22f5dda3acfafb97fb20"),
    ("summary.csv", "dc3ceaccf0451832f9185f438dff7e1dcf46fa1b02de0acb7f7d260ef6969053"),
    ("summary.parquet", "8b42704fb757cc571920d5d82ac5ce0fbf1c3ba6a9ba434010b52c2636c308b7"),
    ("providers.csv", "d44a044ff85978b971dd8aec30824e78e45c9ac4a2946dd4e8a9f64a2e08e03f"),
    ("providers.parquet", "bc6c51ae1c1a1f03732f3325770122c6e1a85f40be301abed6887ca0a94261b0"),
    ("patches.csv", "3626e4d35365a86f46f9a62e831c3bef1f9d65f1e71941640708b3ab5725d8fc"),
    ("patches.parquet", "d8fd84eea5a5451585524b99b895c9ffc7fdeddab12e615ddaf7113044f42956"),
    ("stress.csv", "cc5190aeb642200fde83495bd3d09eaf83075ab62fc012f8ecbc6f479ba9fdc1"),
    ("stress.parquet", "921b6996e87a43b509c25c84c6474300a96569e3abce3ab0b1f28dc9d57e18a9"),
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
