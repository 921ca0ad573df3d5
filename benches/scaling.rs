//! Benchmark: how the cost of a replicate grows with the size of the borough. Prints the
//! scaling table of the status quo at `run.scale` 1×, 4×, 16× and 30× (Camden's patches, every
//! market-size quantity multiplied: docs/ODD.md §2.1, "Size"), and of a long-queue market (the
//! same borough with a fifth of the labour inflow, so thousands of clients wait), with the
//! fitted cost exponent, client-weeks per second and the peak memory of one replicate. Run it
//! with `cargo bench --bench scaling` (`-- --quick` runs each size once).
//!
//! On a shared machine a single run at 30× can be a fifth slower than the next, which moves the
//! exponent by ±0.05 (docs/PERFORMANCE.md). So the sizes run in rounds, each round every size
//! once (the small ones a few times), five rounds, and the exponent is fitted both to each
//! size's median and to its fastest run, the one least slowed by other work.
//!
//! Each size runs in a fresh copy of this program, so its peak RSS (`getrusage`) is its own.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use careshape::{Scenario, Simulation};

const CHILD: &str = "CARESHAPE_BENCH_SCALE";
const SCALES: [f64; 4] = [1.0, 4.0, 16.0, 30.0];
/// Rounds over the sizes (one with `--quick`).
const ROUNDS: usize = 5;

/// The scenario of a variant at a scale.
fn scenario(variant: &str, scale: f64) -> Scenario {
    let mut s =
        careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml")).expect("shipped scenario");
    s.run.scale = scale;
    if variant == "long-queue" {
        s.workforce.pool_inflow_per_week *= 0.2;
    }
    s
}

struct Measure {
    seconds: f64,
    fastest: f64,
    client_weeks: f64,
    waiting: f64,
    peak_mib: f64,
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 1 } else { ROUNDS };
    let exe = std::env::current_exe().expect("own path");
    for variant in ["status-quo", "long-queue"] {
        // Round by round, every size once, so that a slow spell of the machine falls on all
        // sizes alike rather than on one of them.
        let mut by_round: Vec<Vec<Measure>> = SCALES.iter().map(|_| Vec::new()).collect();
        for _ in 0..rounds {
            for (k, scale) in SCALES.into_iter().enumerate() {
                // (Camden, a thirtieth of a second, three times in a row.)
                let runs = if quick || scale > 1.0 { 1 } else { 3 };
                let out = Command::new(&exe)
                    .env(CHILD, format!("{variant} {scale} {runs}"))
                    .output()
                    .expect("runs");
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                let text = String::from_utf8_lossy(&out.stdout);
                let v: Vec<f64> = text.split_whitespace().map(|x| x.parse().expect("a number")).collect();
                by_round[k].push(Measure {
                    seconds: v[0],
                    fastest: v[1],
                    client_weeks: v[2],
                    waiting: v[3],
                    peak_mib: v[4],
                });
            }
        }
        println!(
            "{variant}: one replicate (52 + 260 weeks), one core; {rounds} rounds over the sizes, median and fastest"
        );
        println!(
            "  {:>5}  {:>9}  {:>9}  {:>12}  {:>10}  {:>14}  {:>9}",
            "scale", "seconds", "fastest", "client-weeks", "waiting", "client-weeks/s", "peak MiB"
        );
        let mut points = Vec::new();
        for (scale, rounds) in SCALES.into_iter().zip(by_round) {
            let mut medians: Vec<f64> = rounds.iter().map(|m| m.seconds).collect();
            medians.sort_by(f64::total_cmp);
            let m = Measure {
                seconds: medians[medians.len() / 2],
                fastest: rounds.iter().map(|m| m.fastest).fold(f64::INFINITY, f64::min),
                client_weeks: rounds[0].client_weeks,
                waiting: rounds[0].waiting,
                peak_mib: rounds.iter().map(|m| m.peak_mib).fold(0.0, f64::max),
            };
            println!(
                "  {scale:>4}×  {:>9.3}  {:>9.3}  {:>12.0}  {:>10.0}  {:>14.3e}  {:>9.1}",
                m.seconds,
                m.fastest,
                m.client_weeks,
                m.waiting,
                m.client_weeks / m.seconds,
                m.peak_mib
            );
            points.push((scale, m));
        }
        // Least-squares slope of log time on log scale (of the medians, and of the fastest
        // runs), and between neighbouring sizes (medians).
        let slope_of = |seconds: &dyn Fn(&Measure) -> f64| {
            let xy: Vec<(f64, f64)> = points.iter().map(|(s, m)| (s.ln(), seconds(m).ln())).collect();
            let n = xy.len() as f64;
            let (mx, my) = (xy.iter().map(|p| p.0).sum::<f64>() / n, xy.iter().map(|p| p.1).sum::<f64>() / n);
            let slope = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>()
                / xy.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>();
            (slope, xy)
        };
        let (slope, xy) = slope_of(&|m| m.seconds);
        let (slope_fastest, _) = slope_of(&|m| m.fastest);
        let steps: Vec<String> = xy
            .windows(2)
            .zip(points.windows(2))
            .map(|(w, p)| format!("{}×→{}×: {:.2}", p[0].0, p[1].0, (w[1].1 - w[0].1) / (w[1].0 - w[0].0)))
            .collect();
        // Cost per client-week (active or waiting), against the largest size's.
        let per_cw: Vec<f64> = points.iter().map(|(_, m)| m.seconds / m.client_weeks * 1e9).collect();
        println!(
            "  cost exponent over 1×–30× (target ≤ 1.05): {slope:.3} of the medians, {slope_fastest:.3} of the fastest runs"
        );
        println!("  between sizes (medians): {}", steps.join(", "));
        println!(
            "  ns per client-week (medians): {}\n",
            per_cw.iter().map(|x| format!("{x:.0}")).collect::<Vec<_>>().join(" / ")
        );
    }
}

/// Runs `runs` replicates of a variant at a scale; prints the median and fastest seconds, the
/// client-weeks (active + waiting) and mean clients waiting of the first, and the peak RSS in
/// MiB.
fn child(spec: &str) {
    let mut parts = spec.split_whitespace();
    let variant = parts.next().expect("variant");
    let scale: f64 = parts.next().and_then(|x| x.parse().ok()).expect("scale");
    let runs: u32 = parts.next().and_then(|x| x.parse().ok()).expect("runs");
    let s = scenario(variant, scale);
    let mut times = Vec::new();
    let (mut client_weeks, mut waiting) = (0.0, 0.0);
    for r in 0..runs {
        let start = Instant::now();
        let result = Simulation::new(&s, 1, 0).run();
        times.push(start.elapsed().as_secs_f64());
        if r == 0 {
            client_weeks = result.weeks.iter().map(|w| w.clients_active + w.clients_waiting).sum();
            waiting = result.weeks.iter().map(|w| w.clients_waiting).sum::<f64>() / result.weeks.len() as f64;
        }
    }
    times.sort_by(f64::total_cmp);
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut u), 0);
        u
    };
    println!(
        "{} {} {client_weeks} {waiting} {}",
        times[times.len() / 2],
        times[0],
        usage.ru_maxrss as f64 / 1024.0
    );
}
