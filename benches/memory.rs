//! Benchmark: peak resident memory (RSS) of `careshape compare scenarios/camden` with 8 and
//! with 64 replicates, and of `careshape sweep` with 200 and with 2,000 replicates (100 and
//! 1,000 Latin-hypercube points × 2 scenarios), and their ratios. Results stream to disk a
//! block of replicates (a comparison) or a unit (a sweep point) at a time (ARCHITECTURE.md,
//! "Output"; docs/SCALING.md), so the ratios should stay near 1 (issues 14 and 24 ask for at
//! most 1.5×). Run it with `cargo bench --bench memory`.
//!
//! Each measurement runs in a fresh copy of this program, which starts careshape and reads
//! the peak RSS of its child from `getrusage(RUSAGE_CHILDREN)`: no other child can raise it.

use std::process::Command;

const CHILD: &str = "CARESHAPE_BENCH_RSS_REPLICATES";

fn main() {
    if let Ok(replicates) = std::env::var(CHILD) {
        return measure(&replicates);
    }
    let exe = std::env::current_exe().expect("own path");
    let peak = |job: String| -> f64 {
        let out = Command::new(&exe).env(CHILD, job).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "careshape compare failed: {}", String::from_utf8_lossy(&out.stderr));
        text.trim().parse::<f64>().unwrap_or_else(|_| panic!("not a size: {text}"))
    };
    println!(
        "peak RSS of `careshape compare scenarios/camden --replicates N` (8 scenarios, report included)"
    );
    let small = peak("compare:8".into());
    println!("  N = 8:  {small:>7.1} MiB");
    let large = peak("compare:64".into());
    println!("  N = 64: {large:>7.1} MiB");
    println!("  ratio 64 / 8: {:.2} (target ≤ 1.5)", large / small);
    println!(
        "peak RSS of `careshape sweep` of status quo vs mission-led, 13 weeks after burn-in, 1 replicate per point"
    );
    let small = peak("sweep:100".into());
    println!("  100 points (200 replicates):     {small:>7.1} MiB");
    let large = peak("sweep:1000".into());
    println!("  1,000 points (2,000 replicates): {large:>7.1} MiB");
    println!("  ratio 2,000 / 200: {:.2} (target ≤ 1.5)", large / small);
}

/// Runs `compare:<replicates>` (the Camden comparison) or `sweep:<points>` (a sweep) and
/// prints its peak RSS in MiB.
fn measure(job: &str) {
    let out = tempfile::tempdir().expect("a temporary folder");
    let (kind, n) = job.split_once(':').expect("kind:n");
    let mut command = Command::new(env!("CARGO_BIN_EXE_careshape"));
    if kind == "compare" {
        command.args(["compare", "scenarios/camden", "--replicates", n]);
    } else {
        let root = std::env::current_dir().expect("the crate's folder");
        let file = out.path().join("sweep.toml");
        std::fs::write(
            &file,
            format!(
                "baseline = \"{}\"\npolicies = [\"{}\"]\noutcomes = [\"unmet_need_share\", \"turnover_annual\"]\nreplicates = 1\nweeks = 13\n\n[design]\nkind = \"lhs\"\npoints = {n}\n\n[[parameters]]\nkey = \"workforce.quit_pay_elasticity\"\nmin = 0.5\nmax = 1.5\n\n[[parameters]]\nkey = \"workforce.absence_per_week\"\nmin = 0.02\nmax = 0.06\n",
                root.join("scenarios/camden/status-quo.toml").display(),
                root.join("scenarios/camden/mission-led.toml").display()
            ),
        )
        .expect("a sweep file");
        command.arg("sweep").arg(&file);
    }
    let status =
        command.args(["--quiet", "--out"]).arg(out.path().join("run")).status().expect("careshape runs");
    assert!(status.success(), "careshape {kind} ({n}) failed");
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut u), 0);
        u
    };
    // ru_maxrss is in KiB on Linux.
    println!("{:.1}", usage.ru_maxrss as f64 / 1024.0);
}
