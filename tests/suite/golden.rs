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
    ("weekly.csv", "861ed20f9bb5a2360c6beb5735b220d55245c309bdf8039158b609b5cd72bde4"),
    ("weekly.parquet", "43f97a6668fc6127aa621cc00df4e41665a2a1b4fa4bf80e8b0d346a36a2eeb4"),
    ("summary.csv", "73ee17a37b3526e2e82eb433f7e221b08ebc2468ef3fc1cc0a8736dc13136ef1"),
    ("summary.parquet", "bf8441b81742358cb9a57b61fc593f806eadcef0d8e014a861fbcf00bedd6cc9"),
    ("providers.csv", "6ae8cc55a0e1e48f1871e9d04394314a81326966072aaf060c46fefd96dea0e7"),
    ("providers.parquet", "63ba3767ae685fb59ca73577c0072f02a51c7c6b8f418aeaf74b0289d0bd61ae"),
    ("patches.csv", "1ae635daa979e62737eb4a443e8c7889b785d329d3599902df54e9fbb0214ac1"),
    ("patches.parquet", "03bc03e839a56fd1ab100ec88669228ddc6b3f9ab5639b29621e7ac3527a4835"),
    ("provider_years.csv", "cacacb144a8026b8dabdb4545f0ff4019d886dd7f76def696830097c40260ace"),
    ("provider_years.parquet", "7fda1e322f6024c78f766f2c8b6c25c5934d25a2bd398bf4c8d16560a6f77c4d"),
    ("stress.csv", "2b414ff3526ebda5221f85f0c35b501de682cebd9da850d1753386c95d3a5af4"),
    ("stress.parquet", "42bb96c646181024649a9f1e922415a00fc44dc3a7e9d566f6a4424e8dd89aea"),
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
