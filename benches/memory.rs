//! Benchmark: peak resident memory (RSS) of `careshape compare scenarios/camden` with 8 and
//! with 64 replicates, and their ratio. Results stream to disk a block of replicates at a time
//! (docs/ARCHITECTURE.md, "Output"), so the ratio should stay near 1 (issue 14 asks for at most
//! 1.5×). Run it with `cargo bench --bench memory`.
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
    let peak = |replicates: u32| -> f64 {
        let out = Command::new(&exe).env(CHILD, replicates.to_string()).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "careshape compare failed: {}", String::from_utf8_lossy(&out.stderr));
        text.trim().parse::<f64>().unwrap_or_else(|_| panic!("not a size: {text}"))
    };
    println!(
        "peak RSS of `careshape compare scenarios/camden --replicates N` (8 scenarios, report included)"
    );
    let small = peak(8);
    println!("  N = 8:  {small:>7.1} MiB");
    let large = peak(64);
    println!("  N = 64: {large:>7.1} MiB");
    println!("  ratio 64 / 8: {:.2} (target ≤ 1.5)", large / small);
}

/// Runs the comparison with `replicates` replicates and prints its peak RSS in MiB.
fn measure(replicates: &str) {
    let out = tempfile::tempdir().expect("a temporary folder");
    let status = Command::new(env!("CARGO_BIN_EXE_careshape"))
        .args(["compare", "scenarios/camden", "--replicates", replicates, "--quiet", "--out"])
        .arg(out.path().join("run"))
        .status()
        .expect("careshape runs");
    assert!(status.success(), "careshape compare --replicates {replicates} failed");
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut u), 0);
        u
    };
    // ru_maxrss is in KiB on Linux.
    println!("{:.1}", usage.ru_maxrss as f64 / 1024.0);
}
