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
    ("weekly.csv", "bbd66232a691855efefd9be68227caca872fe2544e734a706bed53f85b883cb9"),
    ("weekly.parquet", "367fd5c32cb597f0889dc4d4a44de3e34ebe9855cb1a828601a03a6b8e877060"),
    ("summary.csv", "0a466d2393d0cd7fa5e5e93db22f6889eb5f230bb8daa00cb4a558eb537781ca"),
    ("summary.parquet", "369c364d937f1862565850896881e296018d42eafd1b036b3a92f2c047e070e6"),
    ("providers.csv", "912dbd30a2efeee101457dcf4723fe99ea29072b3f0a7d2aa575220f271e50ce"),
    ("providers.parquet", "9db8d825f9673179852ade13d40b00631274a9fad0a690c561b3178897beaaca"),
    ("patches.csv", "3bedf67bd7737834859c3fe41dcc05f4359705a06c89ba02c5e2a36c5e12f218"),
    ("patches.parquet", "d7bfcd6480b9cbc8de1c123eb56a51ffc4e57b2557058117aff721eaaffeaa6a"),
    ("provider_years.csv", "4bdde39064551e74d15c92b6b71c52528e76969474004af95e2cf175a39ecc56"),
    ("provider_years.parquet", "80c645076ac7e69b54e3d055c8325112aeb2f0994f8fe5d20eb250154ab30792"),
    ("stress.csv", "f84b69e75673df01a85d1a683d472b6cb9058990cb10bd838932b2177cc84d3d"),
    ("stress.parquet", "1eb0d7ea4b06b63f3db1c649b73423a4256d52d32f2c147ba353628897ee5cc3"),
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
