//! Benchmark: one status-quo replicate (52 burn-in + 260 weeks), reported as client-weeks
//! simulated per second (criterion's throughput line, in elements/s).

use std::path::Path;

use careshape::run_replicate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn replicate(c: &mut Criterion) {
    let scenario =
        careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml")).expect("shipped scenario");
    let probe = run_replicate(&scenario, 1, 0);
    let client_weeks: f64 = probe.weeks.iter().map(|w| w.clients_active + w.clients_waiting).sum();
    let mut group = c.benchmark_group("replicate");
    group.throughput(Throughput::Elements(client_weeks as u64));
    group.sample_size(20);
    group.bench_function("status_quo_312_weeks", |b| b.iter(|| run_replicate(&scenario, 1, 0)));
    group.finish();
}

criterion_group!(benches, replicate);
criterion_main!(benches);
