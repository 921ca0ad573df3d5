//! Stock–flow accounting, checked every week of whole runs: money is conserved, the wage bill
//! is the sum of earnings, workers are conserved between providers, the pool and the flows
//! in and out of the sector, delivery never exceeds need or capacity, and no stock is negative.
//!
//! The checks are a [`Ledger`] that steps a simulation and returns the first violation of the
//! week as an error, so that other tests (the property tests of `properties`) can run them on
//! any scenario and tell a broken invariant from a panic.

use std::path::Path;

use careshape::Simulation;
use careshape::model::{ClientStatus, WorkerStatus};

const TOL: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * (1.0 + a.abs().max(b.abs()))
}

/// `ensure!(condition, "format", args…)`: returns the formatted violation as an error.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($msg)+));
        }
    };
}

/// The invariants of docs/TESTING.md §3, checked after every week of one simulation. It keeps
/// what it needs from the week before (each provider's cash and whether it was trading, the
/// workers in the sector).
pub(crate) struct Ledger {
    in_sector: i64,
    /// Provider exits seen so far (the exit path must be exercised by some run).
    pub exits_seen: u32,
}

impl Ledger {
    /// A ledger for a simulation that has not been stepped yet.
    pub fn new(sim: &Simulation) -> Self {
        let in_sector = sim.world.workers.iter().filter(|w| w.status != WorkerStatus::Left).count() as i64;
        Ledger { in_sector, exits_seen: 0 }
    }

    /// Steps the simulation one week and checks that week; the error names the week and what
    /// broke.
    pub fn step(&mut self, sim: &mut Simulation) -> Result<(), String> {
        let cash_before: Vec<f64> = sim.world.providers.iter().map(|p| p.cash).collect();
        let active_before: Vec<bool> = sim.world.providers.iter().map(|p| p.active).collect();
        sim.step();
        self.check_week(sim, &cash_before, &active_before)
    }

    fn check_week(
        &mut self,
        sim: &Simulation,
        cash_before: &[f64],
        active_before: &[bool],
    ) -> Result<(), String> {
        let w = &sim.world;
        let scenario = &w.scenario;
        let rec = sim.records.last().ok_or("no week recorded")?;
        let week = rec.week;

        // Money: each provider's cash moves by exactly revenue − costs; council spend is the
        // providers' council revenue (incubator grants are revenue, but not council spend).
        let mut council_revenue = 0.0;
        for (i, p) in w.providers.iter().enumerate() {
            if i >= cash_before.len() {
                // An entrant of this week: start-up cash, or none for an incubated provider
                // (its grant is paid in its first week's finance).
                let cash = if p.incubated { 0.0 } else { scenario.providers.entrant_cash_gbp };
                ensure!(close(p.cash, cash), "week {week}: entrant {i} holds {} ≠ {cash}", p.cash);
                continue;
            }
            let expected = if active_before[i] {
                cash_before[i] + p.accounts.revenue() - p.accounts.costs()
            } else {
                cash_before[i]
            };
            ensure!(close(p.cash, expected), "week {week}: provider {i} cash {} ≠ {expected}", p.cash);
            council_revenue += p.accounts.council_revenue;
            let a = &p.accounts;
            for (line, v) in [
                ("wage bill", a.wage_bill),
                ("on-costs", a.on_costs),
                ("admin", a.admin),
                ("overhead", a.overhead),
                ("mileage", a.mileage),
            ] {
                ensure!(v >= 0.0, "week {week}: provider {i}: negative {line} {v}");
            }
            if !p.active && p.exit_week == Some(week) {
                self.exits_seen += 1;
                continue;
            }
            if !p.active {
                continue;
            }
            // Wage bill = sum of the provider's workers' earnings.
            let earnings: f64 = p.workers.iter().map(|&x| w.workers[x as usize].earnings).sum();
            ensure!(
                close(p.accounts.wage_bill, earnings),
                "week {week}: provider {i} wage bill {} ≠ earnings {earnings}",
                p.accounts.wage_bill
            );
            // Hours worked (contact + travel) never exceed the workforce's available hours,
            // and contact never exceeds the hours demanded.
            let worked: f64 = p
                .workers
                .iter()
                .map(|&x| w.workers[x as usize].contact_hours + w.workers[x as usize].travel_hours)
                .sum();
            let available: f64 = p.workers.iter().map(|&x| w.workers[x as usize].desired_hours).sum();
            ensure!(
                worked <= available * (1.0 + 1e-9) + 1e-9,
                "week {week}: provider {i} works {worked} > {available}"
            );
            let demanded: f64 = p.council_worker_hours.iter().sum::<f64>() + p.self_funder_total();
            ensure!(
                p.contact_hours_week <= demanded * (1.0 + 1e-9) + 1e-9,
                "week {week}: provider {i} contact {} > demand {demanded}",
                p.contact_hours_week
            );
            ensure!(
                p.self_funder_hours.iter().all(|&h| h >= 0.0),
                "week {week}: provider {i}: negative self-funder hours"
            );
            ensure!(
                p.wage >= w.wages.national_living_wage - 1e-9,
                "week {week}: provider {i} pays {} below the legal floor {}",
                p.wage,
                w.wages.national_living_wage
            );
        }
        ensure!(
            close(rec.council_spend_gbp, council_revenue),
            "week {week}: council spend {} ≠ provider council revenue {council_revenue}",
            rec.council_spend_gbp
        );

        // Workers: every worker is employed, in the pool or gone, consistently with the lists.
        let employed: usize = w.providers.iter().filter(|p| p.active).map(|p| p.workers.len()).sum();
        let n_employed = w.workers.iter().filter(|x| x.status == WorkerStatus::Employed).count();
        let n_pool = w.workers.iter().filter(|x| x.status == WorkerStatus::Pool).count();
        ensure!(employed == n_employed, "week {week}: {employed} on employers' lists, {n_employed} employed");
        ensure!(
            w.pool.len() == n_pool,
            "week {week}: {} on the pool list, {n_pool} in the pool",
            w.pool.len()
        );
        for (pid, p) in w.providers.iter().enumerate().filter(|(_, p)| p.active) {
            for &x in &p.workers {
                let employer = w.employers[x as usize];
                ensure!(
                    employer == pid as u32,
                    "week {week}: worker {x} on provider {pid}'s list has employer {employer}"
                );
            }
        }
        // Recruits awaiting pre-employment checks: on the starters' list exactly when starting,
        // counted by their employer, and due to start after this week.
        let n_starting = w.workers.iter().filter(|x| x.status == WorkerStatus::Starting).count();
        ensure!(
            w.starters.len() == n_starting,
            "week {week}: {} on the starters' list, {n_starting} starting",
            w.starters.len()
        );
        for &x in &w.starters {
            let r = &w.workers[x as usize];
            ensure!(r.status == WorkerStatus::Starting, "week {week}: starter {x} is {:?}", r.status);
            ensure!(r.hired_week > week, "week {week}: starter {x} was due in week {}", r.hired_week);
        }
        for (pid, p) in w.providers.iter().enumerate().filter(|(_, p)| p.active) {
            let n = w.starters.iter().filter(|&&x| w.employers[x as usize] == pid as u32).count();
            ensure!(
                p.starting as usize == n,
                "week {week}: provider {pid} counts {} starters, {n} are its",
                p.starting
            );
        }
        // Flows: the sector gains the pool inflow and the estate residents recruited by local
        // outreach (into a job or its checks), and loses those who leave it.
        let now = (n_employed + n_pool + n_starting) as i64;
        let (inflow, outreach) = (w.counters.pool_inflow, w.counters.outreach_recruits);
        let expected = self.in_sector + i64::from(inflow) + i64::from(outreach) - rec.left_sector as i64;
        ensure!(
            now == expected,
            "week {week}: worker flows: {now} in the sector, expected {} + {inflow} inflow + {outreach} \
             outreach − {} left = {expected}",
            self.in_sector,
            rec.left_sector
        );
        self.in_sector = now;
        // The labour reservoir is a stock: never negative, never above its full size.
        let full = w.labour_reservoir_full();
        ensure!(
            (0.0..=full + 1e-9).contains(&w.labour_reservoir),
            "week {week}: labour reservoir {} outside [0, {full}]",
            w.labour_reservoir
        );
        for (i, x) in w.workers.iter().enumerate() {
            ensure!(
                x.contact_hours >= 0.0 && x.travel_hours >= 0.0 && x.earnings >= 0.0 && x.paid_hours >= 0.0,
                "week {week}: worker {i}: negative hours or earnings"
            );
        }

        // Clients: delivered ≤ assessed − cancelled; active clients are with an active provider.
        for &c in &w.active_clients {
            let client = &w.clients[c as usize];
            ensure!(
                client.status == ClientStatus::Active,
                "week {week}: client {c} on the active list is {:?}",
                client.status
            );
            ensure!(
                w.providers[client.provider as usize].active,
                "week {week}: client {c} is with provider {}, which is not trading",
                client.provider
            );
            ensure!(
                client.delivered_hours >= 0.0 && client.cancelled_hours >= 0.0,
                "week {week}: client {c}: negative delivered or cancelled hours"
            );
            ensure!(
                client.delivered_hours + client.cancelled_hours <= client.assessed_hours * (1.0 + 1e-9),
                "week {week}: client {c}: delivered {} + cancelled {} > assessed {}",
                client.delivered_hours,
                client.cancelled_hours,
                client.assessed_hours
            );
        }
        for &c in &w.queue {
            let status = w.clients[c as usize].status;
            ensure!(status == ClientStatus::Waiting, "week {week}: client {c} in the queue is {status:?}");
        }
        // Each client still in the borough is on exactly one list (active, queue, council
        // service), each under its own id, and no client who has left is on any.
        let mut listed = vec![0u8; w.clients.len()];
        for &c in w.active_clients.iter().chain(&w.queue).chain(&w.in_house) {
            listed[c as usize] += 1;
        }
        for (i, (c, &n)) in w.clients.iter().zip(&listed).enumerate() {
            let expected = u8::from(c.status != ClientStatus::Left);
            ensure!(n == expected, "week {week}: client {} ({:?}) is on {n} lists", c.id, c.status);
            ensure!(i == 0 || w.clients[i - 1].id < c.id, "week {week}: clients out of order of id at {i}");
        }
        // Each worker sits in one place under its own id (places move when the workers are laid
        // out by employer, ids never).
        let mut seen = vec![false; w.workers.iter().map(|x| x.id as usize + 1).max().unwrap_or(0)];
        for x in &w.workers {
            ensure!(
                !std::mem::replace(&mut seen[x.id as usize], true),
                "week {week}: worker {} sits twice",
                x.id
            );
        }
        ensure!(
            rec.delivered_hours <= rec.assessed_hours,
            "week {week}: delivered {} > assessed {}",
            rec.delivered_hours,
            rec.assessed_hours
        );
        ensure!(
            (0.0..=1.0).contains(&rec.unmet_need_share),
            "week {week}: unmet {} assessed {} delivered {} cancelled {}",
            rec.unmet_need_share,
            rec.assessed_hours,
            rec.delivered_hours,
            rec.cancelled_hours
        );
        Ok(())
    }
}

/// Runs and checks a scenario; returns the number of provider exits seen.
fn check_run(file: &str, replicate: u32, weeks: usize) -> u32 {
    let scenario = careshape::load_scenario(Path::new(file)).unwrap();
    let mut sim = Simulation::new(&scenario, 3, replicate);
    let mut ledger = Ledger::new(&sim);
    for _ in 0..weeks {
        ledger.step(&mut sim).unwrap_or_else(|e| panic!("{file}, replicate {replicate}: {e}"));
    }
    ledger.exits_seen
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

/// Found by the mutation test: a valid but large `inflow_wage_elasticity` in a market paying
/// above the outside wage made the pool inflow (pool_inflow_per_week × (w̄ / outside)^elasticity)
/// astronomical, and the run allocated workers until memory ran out (or panicked on an
/// infinite Poisson rate). The inflow is now at most the people left in the finite labour
/// reservoir (docs/ODD.md §7.13), and never more than the largest base rate a scenario may set.
/// (An elasticity of 10⁶ is within the limits: 1.01^10⁶ is already infinite.)
#[test]
fn a_huge_inflow_elasticity_drains_the_reservoir_and_no_more() {
    let mut s = crate::common::status_quo();
    s.run.burn_in_weeks = 1;
    s.run.weeks = 3;
    s.workforce.inflow_wage_elasticity = 1e6;
    s.wage_floor.outside_wage_premium_over_nlw = 0.0;
    s.providers.initial_wage_premium_mean = 0.9;
    s.providers.nmw_travel_compliance_share = 1.0;
    // A reservoir larger than the cap (so that both bounds are exercised), and no
    // international inflow to blur the count.
    s.workforce.pool_inflow_per_week = 400.0;
    s.workforce.international_inflow_per_week = 0.0;
    assert_eq!(careshape::scenario::validate(&s), Vec::<(String, String)>::new());
    let mut sim = Simulation::new(&s, 3, 0);
    let mut ledger = Ledger::new(&sim);
    let mut weekly = Vec::new();
    while !sim.finished() {
        let before = sim.world.labour_reservoir;
        ledger.step(&mut sim).unwrap();
        let n = sim.world.counters.pool_inflow;
        assert!(f64::from(n) <= before.floor(), "{n} entrants from a reservoir of {before}");
        weekly.push((n, before));
    }
    // Week 1: the reservoir (≈ 20,800) holds more than the cap, so the draw is Poisson(10,000).
    assert!((9_000..=11_000).contains(&weekly[0].0), "first week's inflow {:?}", weekly[0]);
    // Later weeks drain what is left: everyone in it (less what the cap holds back).
    assert!(weekly[1].0 < weekly[0].0, "the reservoir drains: {weekly:?}");
}

/// The workforce outcomes beside the hourly wage are what their definitions say, computed from
/// the weekly table: the zero-hours turnover gap is the difference of the two turnover
/// columns, annual earnings are the wage bill per year over mean headcount, recruits are hires
/// less moves between providers, and entrants the pool's inflow.
#[test]
fn workforce_summary_outcomes_follow_from_the_weekly_table() {
    let mut s = crate::common::status_quo();
    s.run.weeks = 52;
    s.run.burn_in_weeks = 13;
    let r = careshape::run_replicate(&s, 5, 0);
    let sum = careshape::summarise(&r);
    let post: Vec<_> = r.weeks.iter().filter(|w| !w.burn_in).collect();
    let n = post.len() as f64;
    let total = |f: &dyn Fn(&careshape::metrics::WeekRecord) -> f64| post.iter().map(|w| f(w)).sum::<f64>();
    let get = |m: &str| sum.get(m).unwrap();
    assert!(close(
        get("turnover_gap_zero_hours"),
        get("turnover_zero_hours_annual") - get("turnover_guaranteed_annual")
    ));
    let earnings = total(&|w| w.wage_bill_gbp) * 52.0 / n / (total(&|w| w.care_workers) / n);
    assert!(close(get("annual_earnings_per_worker_gbp"), earnings));
    assert!(get("annual_earnings_per_worker_gbp") > 0.0);
    for w in &post {
        assert_eq!(w.recruits, w.hires - w.moves_between_providers, "week {}", w.week);
    }
    assert!(close(get("recruits_per_year"), total(&|w| w.recruits) * 52.0 / n));
    assert!(close(get("entrants_per_year"), total(&|w| w.pool_entrants) * 52.0 / n));
    assert!(get("entrants_per_year") > 0.0);
}

/// A package placed under a framework contract keeps that contract's rate when its provider
/// loses its place at the re-let (docs/ODD.md §7.2, its call-off rate), and is paid it.
#[test]
fn a_framework_package_keeps_its_contract_rate_when_the_framework_is_re_let() {
    let mut s = crate::common::shipped("quality-tender");
    s.run.weeks = 158;
    let mut sim = Simulation::new(&s, 3, 0);
    while sim.world.week < 156 {
        sim.step();
    }
    // Before the re-let: each on-contract package (by client id: a client's place in
    // `World::clients` may move), its provider and the contract rate.
    let w = &sim.world;
    let before: Vec<(u32, u32, f64)> = w
        .active_clients
        .iter()
        .map(|&i| &w.clients[i as usize])
        .filter(|c| c.on_contract)
        .map(|c| {
            let contract = w.providers[c.provider as usize].contract.expect("a package on contract has one");
            (c.id, c.provider, contract.rate_gbp_per_hour)
        })
        .collect();
    assert!(!before.is_empty());
    sim.step();
    let w = &sim.world;
    let mut kept = 0;
    for (id, provider, rate) in before {
        let Some(c) = w.active_clients.iter().map(|&i| &w.clients[i as usize]).find(|c| c.id == id) else {
            continue;
        };
        if c.provider != provider || c.on_contract {
            continue;
        }
        // Off contract after the re-let, with the same provider: its old contract's rate.
        assert!((c.call_off_rate - rate).abs() < 1e-9, "client {id}: {} against {rate}", c.call_off_rate);
        let p = &w.providers[provider as usize];
        assert_eq!(w.policy.package_rate(p, c), rate.max(w.policy.floor));
        kept += 1;
    }
    assert!(kept > 0, "no package lost its contract at the re-let: the path went unchecked");
}
