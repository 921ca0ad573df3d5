//! Times one replicate of the Camden status quo (seed 2024, replicate 0) on one core, `runs`
//! times (default 5), and prints the median, the fastest and every run in order, in ms.
//!
//! It uses only `load_scenario` and `run_replicate`, which every version of careshape has, so
//! it can be copied into an older checkout's `examples/` to time two versions side by side on
//! the same day (docs/PERFORMANCE.md, "Against the starting point, on the same day"):
//!
//! ```text
//! cargo run --release --example time_replicate -- 5
//! ```
use std::path::Path;

fn main() {
    let runs: usize = std::env::args().nth(1).map_or(5, |s| s.parse().expect("runs: a whole number"));
    let scenario =
        careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml")).expect("shipped scenario");
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = std::time::Instant::now();
        std::hint::black_box(careshape::run_replicate(&scenario, 2024, 0));
        ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let in_order: Vec<String> = ms.iter().map(|t| format!("{t:.1}")).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "median {:.1} ms, fastest {:.1} ms; runs in order: {}",
        ms[ms.len() / 2],
        ms[0],
        in_order.join(" ")
    );
}
