//! Stock–flow accounting, checked every week of whole runs: money is conserved, the wage bill
//! is the sum of earnings, workers are conserved between providers, the pool and the flows
//! in and out of the sector, delivery never exceeds need or capacity, and no stock is negative.

use std::path::Path;

use careshape::Simulation;
use careshape::model::{ClientStatus, WorkerStatus};

const TOL: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * (1.0 + a.abs().max(b.abs()))
}

/// Runs and checks a scenario; returns the number of provider exits seen.
fn check_run(file: &str, replicate: u32, weeks: usize) -> u32 {
    let scenario = careshape::load_scenario(Path::new(file)).unwrap();
    let mut sim = Simulation::new(&scenario, 3, replicate);
    let mut in_sector = (sim.world.workers.iter().filter(|w| w.status != WorkerStatus::Left).count()) as i64;
    let mut exits_seen = 0;
    for _ in 0..weeks {
        let cash_before: Vec<f64> = sim.world.providers.iter().map(|p| p.cash).collect();
        let active_before: Vec<bool> = sim.world.providers.iter().map(|p| p.active).collect();
        sim.step();
        let w = &sim.world;
        let rec = sim.records.last().unwrap();
        let week = rec.week;

        // Money: each provider's cash moves by exactly revenue − costs; council spend is the
        // providers' council revenue (no grants in these scenarios).
        let mut council_revenue = 0.0;
        for (i, p) in w.providers.iter().enumerate() {
            if i >= cash_before.len() {
                assert!(close(p.cash, scenario.providers.entrant_cash_gbp), "week {week}: entrant {i} cash");
                continue;
            }
            let expected = if active_before[i] {
                cash_before[i] + p.accounts.revenue() - p.accounts.costs()
            } else {
                cash_before[i]
            };
            assert!(close(p.cash, expected), "week {week}: provider {i} cash {} ≠ {expected}", p.cash);
            council_revenue += p.accounts.council_revenue;
            for v in [
                p.accounts.wage_bill,
                p.accounts.on_costs,
                p.accounts.admin,
                p.accounts.overhead,
                p.accounts.mileage,
            ] {
                assert!(v >= 0.0, "week {week}: negative cost line at provider {i}");
            }
            if !p.active && p.exit_week == Some(week) {
                exits_seen += 1;
                continue;
            }
            if !p.active {
                continue;
            }
            // Wage bill = sum of the provider's workers' earnings.
            let earnings: f64 = p.workers.iter().map(|&x| w.workers[x as usize].earnings).sum();
            assert!(close(p.accounts.wage_bill, earnings), "week {week}: provider {i} wage bill");
            // Hours worked (contact + travel) never exceed the workforce's available hours,
            // and contact never exceeds the hours demanded.
            let worked: f64 = p
                .workers
                .iter()
                .map(|&x| w.workers[x as usize].contact_hours + w.workers[x as usize].travel_hours)
                .sum();
            let available: f64 = p.workers.iter().map(|&x| w.workers[x as usize].desired_hours).sum();
            assert!(
                worked <= available * (1.0 + 1e-9) + 1e-9,
                "week {week}: provider {i} works {worked} > {available}"
            );
            let demanded: f64 = p.council_worker_hours.iter().sum::<f64>() + p.self_funder_total();
            assert!(
                p.contact_hours_week <= demanded * (1.0 + 1e-9) + 1e-9,
                "week {week}: provider {i} contact > demand"
            );
            assert!(p.self_funder_hours.iter().all(|&h| h >= 0.0), "negative self-funder hours");
            assert!(p.wage >= w.wages.national_living_wage - 1e-9, "week {week}: wage below the legal floor");
        }
        assert!(
            close(rec.council_spend_gbp, council_revenue),
            "week {week}: council spend ≠ provider council revenue"
        );

        // Workers: every worker is employed, in the pool or gone, consistently with the lists.
        let employed: usize = w.providers.iter().filter(|p| p.active).map(|p| p.workers.len()).sum();
        let n_employed = w.workers.iter().filter(|x| x.status == WorkerStatus::Employed).count();
        let n_pool = w.workers.iter().filter(|x| x.status == WorkerStatus::Pool).count();
        assert_eq!(employed, n_employed, "week {week}: employed lists vs statuses");
        assert_eq!(w.pool.len(), n_pool, "week {week}: pool list vs statuses");
        for (pid, p) in w.providers.iter().enumerate().filter(|(_, p)| p.active) {
            for &x in &p.workers {
                assert_eq!(w.workers[x as usize].employer, pid as u32);
            }
        }
        // Flows: the sector gains the pool inflow and loses those who leave it.
        let now = (n_employed + n_pool) as i64;
        assert_eq!(
            now,
            in_sector + w.counters.pool_inflow as i64 - rec.left_sector as i64,
            "week {week}: worker flows"
        );
        in_sector = now;
        for x in &w.workers {
            assert!(
                x.contact_hours >= 0.0 && x.travel_hours >= 0.0 && x.earnings >= 0.0 && x.paid_hours >= 0.0
            );
        }

        // Clients: delivered ≤ assessed − cancelled; active clients are with an active provider.
        for &c in &w.active_clients {
            let c = &w.clients[c as usize];
            assert_eq!(c.status, ClientStatus::Active);
            assert!(w.providers[c.provider as usize].active);
            assert!(c.delivered_hours >= 0.0 && c.cancelled_hours >= 0.0);
            assert!(
                c.delivered_hours + c.cancelled_hours <= c.assessed_hours * (1.0 + 1e-9),
                "week {week}: delivered > assessed"
            );
        }
        for &c in &w.queue {
            assert_eq!(w.clients[c as usize].status, ClientStatus::Waiting);
        }
        assert!(rec.delivered_hours <= rec.assessed_hours);
        assert!(
            (0.0..=1.0).contains(&rec.unmet_need_share),
            "week {week}: unmet {} assessed {} delivered {} cancelled {}",
            rec.unmet_need_share,
            rec.assessed_hours,
            rec.delivered_hours,
            rec.cancelled_hours
        );
    }
    exits_seen
}

#[test]
fn status_quo_accounts_balance_every_week() {
    let exits: u32 = (0..2).map(|r| check_run("scenarios/camden/status-quo.toml", r, 312)).sum();
    // The exit path (clients re-brokered, workers to the pool) must have been exercised.
    assert!(exits > 0, "no provider exited: the exit path went unchecked");
}

#[test]
fn framework_on_planned_hours_accounts_balance_every_week() {
    for r in 0..2 {
        check_run("tests/data/framework-planned.toml", r, 312);
    }
}
