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
    ("weekly.csv", "3f25832e7cc089ca967375fedcc87292e76536f295310c113ad3f93af925a237"),
    ("weekly.parquet", "92b3f5cad83cb85b81382d4fba4cea640b5d809d0bbfacb3964424f180d69122"),
    ("summary.csv", "60da71b90ffa947629d68ce564f63863991c972e104483c20a87875152f8e26f"),
    ("summary.parquet", "db94ef47eb915fc87c3a77305560bf0728619ed87e09d8f5fb50ae901e17bed8"),
    ("providers.csv", "e55b7765e49967b936478a097d265d8255a204c275bdcaf895f39a9f45f28a49"),
    ("providers.parquet", "38dd71223cb036fd0085c8694467b73251e4ddf336eeb67ab02eb5f1620e118e"),
    ("patches.csv", "55193c4f0ea2973c7c3529a500024abc679ad21ab1b905683c8b16682f626839"),
    ("patches.parquet", "9b5072b3e57fef21a5fcfe84eba2bbe549fc39c05110d2fb92692d19579fa4ab"),
    ("provider_years.csv", "ae480753333dcfd1ee4de29ffe4423fd3d3f2b38fa955da41ef5f19e493ddb25"),
    ("provider_years.parquet", "843e3e57e148317c2fefa5763075b2e6846aa7976f3961620b37c203a30b92e7"),
    ("stress.csv", "0fe448ee8adeb7689b4130deacd442f21e716074b9fddb8994d1608de6ebfd16"),
    ("stress.parquet", "2bd439c920178132e36f723ec5c33b2b5a2d56912de209b1cf64f6d8cf2ca2b6"),
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
