//! Runs two shipped designs from Rust on paired replicates and prints headline outcomes with
//! their paired differences: what `careshape compare` does, as a library user would do it.
//!
//! ```sh
//! cargo run --release --example compare_designs                     # status quo vs fair rate floor
//! cargo run --release --example compare_designs -- mission-led 16   # another design, 16 replicates
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use careshape::analysis::compare::{LEVEL, mean_ci, paired_difference};
use careshape::{Study, Summary};

fn main() -> ExitCode {
    match compare_designs() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            // As the `careshape` binary: 2 for input the user can fix, 1 otherwise.
            ExitCode::from(if e.is_input() { 2 } else { 1 })
        }
    }
}

fn compare_designs() -> careshape::Result<()> {
    let mut args = std::env::args().skip(1);
    let design = args.next().unwrap_or_else(|| "fair-rate-floor".into());
    let replicates: u32 = match args.next() {
        Some(r) => r.parse().map_err(|e| {
            careshape::Error::Input(format!("the second argument is a number of replicates, not `{r}`: {e}"))
        })?,
        None => 8,
    };

    // Load and check the two scenarios as `careshape compare` would (same weeks, unique names).
    let files: Vec<PathBuf> =
        ["status-quo", design.as_str()].iter().map(|n| format!("scenarios/camden/{n}.toml").into()).collect();
    let study = Study::load(&files, None)?;

    // Replicate r of both scenarios shares its random numbers (common random numbers), so the
    // comparison is paired; the results do not depend on the number of threads.
    let results = study.run(1, 0..replicates, &|| {});
    let summaries = |name: &str| -> Vec<Summary> {
        results.iter().filter(|r| r.scenario == name).map(careshape::summarise).collect()
    };
    let (base, other) = (summaries("status-quo"), summaries(study.names()[1]));

    println!("{replicates} paired replicates; mean (status quo) and paired difference with 95% CI:");
    for metric in ["unmet_need_share", "turnover_annual", "cost_per_delivered_hour_gbp"] {
        let values = |xs: &[Summary]| -> Vec<f64> { xs.iter().filter_map(|s| s.get(metric)).collect() };
        let (b, d) = (values(&base), values(&other));
        let level = mean_ci(&b, LEVEL);
        let diff = paired_difference(&d, &b, LEVEL);
        println!(
            "  {metric:<30} {:>9.4}   {design} − status-quo {:+.4} ({:+.4} to {:+.4})",
            level.mean,
            diff.mean,
            diff.low(),
            diff.high()
        );
    }
    Ok(())
}
