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
    ("weekly.csv", "91c5e9ce39087510dd1854bf834d887fa74c47d1c11a5322b226897909b8cc40"),
    ("weekly.parquet", "47ba1d9c19c4277866e8ca3e4d72228b1451b5fff5fa8d390d76247f001910b8"),
    ("summary.csv", "0c321b9902276b5d61adc392c4addd03eaf497642a4a235391a73770066e113b"),
    ("summary.parquet", "9d2bdcdc5aa8c28969a51117b866da74862cb8c4c57e52589d72752ed5b527e7"),
    ("providers.csv", "810a87ba1a8e4150e3b14388c437c351d83ec3c1a4aed6d01b2587108303b122"),
    ("providers.parquet", "cdd3ef171cadd4e4cd18c971405451dfd726ce5b8a80e21d6537c0039e971263"),
    ("patches.csv", "7f858b22fc52ce7292154b90dbb351967035d40f59bdf0fb5f0cb34950b3c1d6"),
    ("patches.parquet", "fd3a07c084cee5610837dd0fecc8e2b08ccbdfba01be103e52600d4733412869"),
    ("provider_years.csv", "9440d2fda5cfb9a227af008a12808b59a79dfef5e7a984af8c8dd0b96cf42319"),
    ("provider_years.parquet", "8d87d42eb8d4a05210bc53e4e38a62adad26e4ae928465a8ec786bd32029879c"),
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
