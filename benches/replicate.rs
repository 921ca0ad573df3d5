//! Benchmark: one replicate (52 burn-in + 260 weeks) of the Camden status quo, of the same
//! borough at 30× (`run.scale`, docs/ODD.md §2.1) and of a long-queue market (Camden with a
//! fifth of the labour inflow, so clients queue for care), each reported as client-weeks
//! (active + waiting) simulated per second (criterion's throughput line, in elements/s). Run it
//! with `cargo bench --bench replicate`; docs/PERFORMANCE.md has the figures.

use std::path::Path;

use careshape::{Scenario, run_replicate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn camden() -> Scenario {
    careshape::load_scenario(Path::new("scenarios/camden/status-quo.toml")).expect("shipped scenario")
}

fn bench(c: &mut Criterion, name: &str, scenario: &Scenario, samples: usize) {
    let probe = run_replicate(scenario, 1, 0);
    let client_weeks: f64 = probe.weeks.iter().map(|w| w.clients_active + w.clients_waiting).sum();
    let mut group = c.benchmark_group("replicate");
    group.throughput(Throughput::Elements(client_weeks as u64));
    group.sample_size(samples);
    group.bench_function(name, |b| b.iter(|| run_replicate(scenario, 1, 0)));
    group.finish();
}

fn replicate(c: &mut Criterion) {
    bench(c, "status_quo_312_weeks", &camden(), 20);
    let mut long_queue = camden();
    long_queue.workforce.pool_inflow_per_week *= 0.2;
    bench(c, "long_queue_312_weeks", &long_queue, 20);
    let mut london = camden();
    london.run.scale = 30.0;
    bench(c, "status_quo_30x_312_weeks", &london, 10);
}

criterion_group!(benches, replicate);
criterion_main!(benches);
