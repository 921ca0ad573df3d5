//! Golden outputs: the SHA-256 of a short run's tables. A refactor must leave every byte of
//! them unchanged; a deliberate change of the model's behaviour updates the hashes below in the
//! same commit, whose message says why the outputs changed (docs/TESTING.md).

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
    ("weekly.csv", "0a86189de87cd842490650d5169264ec9085062feb7ba7240b352270c38de30a"),
    ("weekly.parquet", "eac302fbff0591511d4e2efafd8aeb95406c5ae3f72de5f0564a50fc8e904ddb"),
    ("summary.csv", "dc3ceaccf0451832f9185f438dff7e1dcf46fa1b02de0acb7f7d260ef6969053"),
    ("summary.parquet", "8df5ce1f75877262bf4a29900e90baa77e5bcffc4a54195fdaa9c34f149fec71"),
    ("providers.csv", "d44a044ff85978b971dd8aec30824e78e45c9ac4a2946dd4e8a9f64a2e08e03f"),
    ("providers.parquet", "9ba18717a0a16d5329f26d04ab3420a8fac61e49b2729be13677f6e96e61b1ec"),
    ("patches.csv", "3626e4d35365a86f46f9a62e831c3bef1f9d65f1e71941640708b3ab5725d8fc"),
    ("patches.parquet", "c898db34a56b516a3d34c10145e030561745a8f6092e6217a261ddafe4f35863"),
    ("stress.csv", "cc5190aeb642200fde83495bd3d09eaf83075ab62fc012f8ecbc6f479ba9fdc1"),
    ("stress.parquet", "d39312ef7fb43c69c88174ddfefde7bfb1612db2e1001466d7aede99086261ab"),
];

#[test]
fn a_short_run_writes_the_golden_tables_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    run_short(dir.path());
    let mut report = String::new();
    let mut changed = 0;
    for (file, expected) in GOLDEN {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if actual != *expected {
            changed += 1;
        }
        report.push_str(&format!("    (\"{file}\", \"{actual}\"),\n"));
    }
    assert!(changed == 0, "{changed} table(s) changed; the new hashes are:\n{report}");
}
