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
    ("weekly.csv", "d6ca28045c3645065704df6348f8f05645ccce65e3f135da9eca6abc3f26d1d2"),
    ("weekly.parquet", "2a3a8beecc041a900de71577d163fc92748da4a47d616ba03e16821e7234c936"),
    ("summary.csv", "a8bd11beb03be2a3c2f11688431a057d14da95b43e07a0c568fa90ce015f67a4"),
    ("summary.parquet", "8880332f9e0c6c30eed7908631b6872ad7649be4e6eff45aff562acddebab648"),
    ("providers.csv", "db6bbcbc3f2726292192bb11ba2e6ad0ca57b8876c1688159883a4d18c905c47"),
    ("providers.parquet", "37bb76a938b9512101cf7ada1a9ca2ff2584052034025d013491a0180288a2bc"),
    ("patches.csv", "626d6b655660cd6f489080b767037f469157f9bdf58b2858b84f03344f07f7d6"),
    ("patches.parquet", "2df69cb37344b8960d2e08d3f867dd20346003f46b53a19bab5f7f572063d7de"),
    ("provider_years.csv", "f6bc337a1cc6e9c45bdae359288a373c489b676546b933ecdeb9720dfcd1c884"),
    ("provider_years.parquet", "604c105071ff59cd0c09867969e594491a4375ff017044dc06988fe304bce59c"),
    ("stress.csv", "e079dc2080cc545f7ec88c582a2a320df3664bfa04ec3b494aaec76796b8bc28"),
    ("stress.parquet", "2a6a890d0110849a06b95b5db129a90b6aefc068b2061a5f90706f9c5aaa3951"),
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
