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
    ("weekly.csv", "a44a4edc2cd79b8c68ae93658fa4976e805426f50946b59eedfe071508d96875"),
    ("weekly.parquet", "41649debe026d4d179f5a4c0d92dc78a305566d2bab861dfd371edcfc31b7707"),
    ("summary.csv", "142449b5be33a3105ed3fc9c86fc9a5787d9f54775b5ea489d1dd1149495cd1c"),
    ("summary.parquet", "68e3e81bb652dd382b0cedc14d834c80cff473729d689043e9d360f2e162ec20"),
    ("providers.csv", "3a110ed9a45944fc6abb581cf379f058a43a93699a6393a489ac59dbd90acda0"),
    ("providers.parquet", "1eef1a5fbbf9029347f997228a248e6b5b6162c47fcff96a4ca812d71993e550"),
    ("patches.csv", "92c28e8d7ebab125d2f67e5e522ef9ebab272566aecc67d29f74b889ba87dfea"),
    ("patches.parquet", "85c03da453cf969a73e043c1c68a733e128ba8726bdf0cb32e53df82933024d9"),
    ("provider_years.csv", "993a29357cfde7accbe125346f0b4b36d03d0d736510a16c2dcab1bb365066a6"),
    ("provider_years.parquet", "1d37c0fc2f54bec3742c303e15bfa9b6b28c219037e7a14344a876b197291d20"),
    ("stress.csv", "bfb12b8ac9e1dc1c4def9f4049fdb53a94f6889ef9565c233e39bd64a1a21bda"),
    ("stress.parquet", "e40aad628d030a76ddf3b5376cf8c4cd4554236f6b89a414640594a3205a51f0"),
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
