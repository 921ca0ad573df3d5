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
    ("weekly.csv", "cadee59d1f90aba5b3386730b3fed0d99ea33e92f9a2661d6d3dc652116c0957"),
    ("weekly.parquet", "c3b1b72ad22c11bbead088fba2654bd5ce5686807e9fb425600f54da7751eea9"),
    ("summary.csv", "b9a745c9e89bc34dade86d332eaddcf6406a14651d5ddc2a5cf93ae8c862deff"),
    ("summary.parquet", "7259ec4481b2dc6e94c7e5949fa25d1c586b4a4817237b4b3a25e4020fdf0b8d"),
    ("providers.csv", "dc1cecfce1196bc63b117379002cd4079d5a7d0fa70f04507e100698e998d77f"),
    ("providers.parquet", "574e3ec4d3244bb21bb30fba863f3809638af1f47eef18d5073863777b02ec9a"),
    ("patches.csv", "5f4aeddfa592c834182429561f79a721903375d5397cf1eea5e5e5edd63ae8ef"),
    ("patches.parquet", "3c45d3bd64dac97fb10a52e7b24d0e223e726f4f5cfde156768f6b4f8d87a3a5"),
    ("stress.csv", "ca77d58027880c9f3931b6ff340b8a62d4d4116ac6d68f491fb38aa2d18a0e21"),
    ("stress.parquet", "2454ed2fcc46a0b16496d9875e17bf5ff936bea8068ae31ac098106b2ad264ad"),
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
