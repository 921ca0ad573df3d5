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
    ("weekly.csv", "8b5c69ec7cbd7259d398d0b273f2bc5022e2f3991c34e9aec992e656844accfd"),
    ("weekly.parquet", "3e129fa47a0027d4379627c4aff523479ac2b3d698888c88b91796a4e825c218"),
    ("summary.csv", "b38aa2ca51959249b00caa48ce33ef4ed7aefbd9ade8497ae3ad4c9b63bd0437"),
    ("summary.parquet", "37f0f39d6829f8c765e825de5589daee576a961055e930bfc396a825b5ceab7a"),
    ("providers.csv", "ad1efc3c96c2a9fd41349f8301b6fadf02af669ec56c306519e6022b792fdbe6"),
    ("providers.parquet", "ccded364529491d31788e7d3847b17ebc7b934489d9cd5b1d80b3a0fd092200c"),
    ("patches.csv", "51ac075a4ab9638f8e4b6c1621495a1bb7b0894ce8ddce7403caeff8ea8c5ec9"),
    ("patches.parquet", "7f77119f6655a749e6efc513b9c127c6584c9701211d14db7f5a7b145fdd202f"),
    ("stress.csv", "fdb18fdfe97396deb61b0c6b4812108e9e0d02a61969a40dc8f51789a4b3a102"),
    ("stress.parquet", "aad9aae97f7c4fcb0ab034eebafa5a6dc717af65f6072f11180d5e64e0401778"),
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
