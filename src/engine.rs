//! The weekly schedule (docs/ODD.md §3), one replicate at a time, and batches of scenarios ×
//! replicates over rayon. Each replicate is a pure function of (scenario, master seed,
//! replicate), so results do not depend on the thread count.

use rayon::prelude::*;

use crate::metrics::{self, PatchRecord, ProviderYearRecord, WeekRecord};
use crate::model::{self, World, clients, council, delivery, finance, labour, provider, tender};
use crate::policy::Policy;
use crate::rng::Streams;
use crate::scenario::Scenario;

/// One replicate being stepped week by week.
pub struct Simulation {
    pub world: World,
    pub records: Vec<WeekRecord>,
    pub patch_records: Vec<PatchRecord>,
    pub provider_years: Vec<ProviderYearRecord>,
}

/// Everything a finished replicate hands to the output side.
#[derive(Clone, Debug)]
pub struct ReplicateResult {
    pub scenario: String,
    pub replicate: u32,
    pub weeks: Vec<WeekRecord>,
    pub providers: Vec<ProviderRecord>,
    pub patches: Vec<PatchRecord>,
    /// One row per provider × year of the run in which it traded (and the year of its exit),
    /// ordered by provider, then year.
    pub provider_years: Vec<ProviderYearRecord>,
    /// The scenario's mission-score weights (for the summary).
    pub mission: crate::scenario::MissionWeights,
    /// The scenario's discounting (for the summary's present values).
    pub appraisal: crate::scenario::Appraisal,
    /// The week of the scenario's first scheduled shock (None without shocks): the summary's
    /// after-shock outcomes are measured from it.
    pub shock_week: Option<i32>,
}

/// One provider's life in one replicate (for the providers table).
#[derive(Clone, Debug)]
pub struct ProviderRecord {
    pub id: u32,
    pub kind: &'static str,
    pub local: bool,
    pub base_patch: u8,
    pub entry_week: i32,
    pub exit_week: Option<i32>,
    pub exit_cause: Option<&'static str>,
    pub contact_hours_total: f64,
    pub mean_quality: f64,
    pub mean_margin: f64,
    pub final_wage_gbp_per_hour: f64,
    pub handbacks: u32,
    pub contracts_won: u32,
    pub incubated: bool,
}

impl Simulation {
    pub fn new(scenario: &Scenario, master_seed: u64, replicate: u32) -> Self {
        let world = World::new(scenario.at_scale(), Streams::new(master_seed, replicate as u64));
        let n = (scenario.run.weeks + scenario.run.burn_in_weeks) as usize;
        let patches = n * scenario.geography.patches.len();
        Self {
            world,
            records: Vec::with_capacity(n),
            patch_records: Vec::with_capacity(patches),
            provider_years: Vec::new(),
        }
    }

    /// Whether the run has reached its last week.
    pub fn finished(&self) -> bool {
        self.world.week >= self.world.scenario.run.weeks as i32
    }

    /// Simulates one week in the order of docs/ODD.md §3 and records it.
    pub fn step(&mut self) {
        let w = &mut self.world;
        w.counters = Default::default();
        // Every pass over the active clients takes them in order of id (docs/ODD.md §3).
        clients::order_active(w);
        if w.week.rem_euclid(clients::DROP_DEPARTED_EVERY_WEEKS) == 0 {
            clients::drop_departed(w);
            model::labour::drop_departed(w);
        }
        let year_start = metrics::is_year_start(w.week);
        for p in w.providers.iter_mut() {
            p.hires_week = 0;
            p.leavers_week = 0;
            if year_start {
                // A new year of the provider × year table (docs/ODD.md, "Outputs").
                p.year = model::YearTally { contracts_won_before: p.contracts_won, ..Default::default() };
            }
        }
        if w.week == 0 {
            // The reform date: the scenario's own policy switches on.
            w.policy = Policy::new(w.scenario.commissioning.clone(), w.policy.uplift_index, 0);
            w.policy.update_rate_floor(&w.wages, &w.scenario.cost_model);
            model::clients::replan_visits(w);
        }
        // 1. Exogenous events: April wage floors, cost inflation, fee uplift, budget year.
        if w.wages.is_uplift_week(w.week) {
            let rise = w.wages.advance_to(w.week);
            let inflation = 1.0 + w.scenario.wage_floor.cost_inflation;
            for p in w.providers.iter_mut() {
                p.overhead_per_week *= inflation;
            }
            w.policy.apply_fee_uplift(rise, &mut w.providers, &mut w.clients, &w.active_clients);
            w.policy.update_rate_floor(&w.wages, &w.scenario.cost_model);
            // Reservation wages move with the outside option.
            for worker in w.workers.iter_mut().filter(|x| x.status != model::WorkerStatus::Left) {
                worker.reservation_wage *= 1.0 + rise;
            }
            w.council.annual_budget *= w.scenario.council.budget_index.factor(rise);
            w.private_fee.reprice();
            council::new_financial_year(w);
        }
        council::budget_week(w);
        if w.week == 0 {
            // From the reform date the private fee follows providers' costs (ODD §7.12),
            // measured against today's (after an April uplift in this week).
            w.private_fee.anchor(w.wages.wage_index);
        }
        if w.week == 0 && w.scenario.council.reform_budget_gbp > 0.0 {
            // A budget set at the reform date binds from now (docs/ODD.md §7.7).
            let rule = w.scenario.council.rationing;
            w.council.set_reform_budget(w.scenario.council.reform_budget_gbp, rule);
        }
        // Scheduled shocks (after the April events, so a shock in an April week adds to them).
        model::shocks::apply(w);
        // 2. Client exits and arrivals; and 3., the caseloads brokerage starts from, counted
        // in the same pass over the active clients as their exits (arrivals join the queue).
        let count = delivery::CaseloadCount::open(w);
        clients::exits(w, |c, providers| count.add(c, providers));
        clients::arrivals(w);
        count.close(w);
        // 3. Commissioning: tenders on tender weeks, brokerage every week.
        Policy::expire_contracts(w.week, &mut w.providers, &mut w.clients, &w.active_clients);
        if w.policy.tender_due(w.week) {
            tender::run_tender(w);
        }
        council::reviews(w);
        council::broker(w);
        // 4. Provider decisions.
        provider::decisions(w);
        provider::low_emission_travel(w);
        labour::contract_mix(w);
        provider::self_funders(w);
        // 5. Labour market.
        labour::labour_market(w);
        // 6. Service delivery.
        delivery::caseloads_after_brokerage(w);
        let (packages, mut placed) = delivery::deliver(w);
        // 7. Finance (packages paid as delivered), handbacks, exit and entry.
        finance::settle(w, packages);
        provider::handbacks(w, &mut placed);
        provider::exits(w, &mut placed);
        w.scratch.active_providers = placed.into_buffer(w);
        provider::entry(w);
        w.counters.incubator_spend_gbp += model::incubator::step(w);
        // 8. Quality and inspections.
        provider::quality(w);
        council::inspections(w);
        // 9. Record.
        self.records.push(metrics::record(w, &mut self.patch_records));
        metrics::record_provider_years(w, &mut self.provider_years);
        w.week += 1;
    }

    /// Runs to the end and returns the result.
    pub fn run(mut self) -> ReplicateResult {
        while !self.finished() {
            self.step();
        }
        self.into_result()
    }

    pub fn into_result(mut self) -> ReplicateResult {
        metrics::close_provider_years(&self.world, &mut self.provider_years);
        // Rows were closed as years ended and providers exited: in provider, year order now.
        self.provider_years.sort_by_key(|y| (y.provider, y.year));
        let w = &self.world;
        let providers = w
            .providers
            .iter()
            .enumerate()
            .map(|(i, p)| ProviderRecord {
                id: i as u32,
                kind: p.kind.name(),
                local: p.local,
                base_patch: p.base_patch,
                entry_week: p.entry_week,
                exit_week: p.exit_week,
                exit_cause: p.exit_cause.map(model::ExitCause::name),
                contact_hours_total: p.lifetime_contact_hours,
                mean_quality: p.lifetime_quality / p.lifetime_weeks.max(1) as f64,
                mean_margin: p.lifetime_margin / p.lifetime_weeks.max(1) as f64,
                final_wage_gbp_per_hour: p.wage,
                handbacks: p.handbacks_total,
                contracts_won: p.contracts_won,
                incubated: p.incubated,
            })
            .collect();
        ReplicateResult {
            scenario: w.scenario.name.clone(),
            replicate: w.streams.replicate() as u32,
            weeks: self.records,
            providers,
            patches: self.patch_records,
            provider_years: self.provider_years,
            mission: w.scenario.mission,
            appraisal: w.scenario.appraisal,
            shock_week: w.scenario.first_shock_week(),
        }
    }
}

/// Runs one replicate of a scenario.
pub fn run_replicate(scenario: &Scenario, master_seed: u64, replicate: u32) -> ReplicateResult {
    Simulation::new(scenario, master_seed, replicate).run()
}

/// Runs every scenario × replicate in parallel on the current rayon pool; results come back
/// in (scenario, replicate) order whatever the scheduling. `progress` is called after each
/// finished replicate (from worker threads).
pub fn run_batch(
    scenarios: &[Scenario],
    master_seed: u64,
    replicates: u32,
    progress: &(dyn Fn() + Sync),
) -> Vec<ReplicateResult> {
    run_batch_range(scenarios, master_seed, 0..replicates, progress)
}

/// As [`run_batch`], for replicates `replicates.start..replicates.end` only: replicate `r` is
/// the same whichever batch runs it, so `--replicates auto` can add replicates in batches.
pub fn run_batch_range(
    scenarios: &[Scenario],
    master_seed: u64,
    replicates: std::ops::Range<u32>,
    progress: &(dyn Fn() + Sync),
) -> Vec<ReplicateResult> {
    run_jobs(scenarios, master_seed, &jobs(scenarios.len(), replicates), progress)
}

/// The (scenario index, replicate) jobs of a batch, in (scenario, replicate) order.
pub fn jobs(scenarios: usize, replicates: std::ops::Range<u32>) -> Vec<(usize, u32)> {
    (0..scenarios).flat_map(|s| replicates.clone().map(move |r| (s, r))).collect()
}

/// Runs `jobs` in parallel on the current rayon pool; results come back in the jobs' order.
/// `progress` is called after each finished replicate.
pub fn run_jobs(
    scenarios: &[Scenario],
    master_seed: u64,
    jobs: &[(usize, u32)],
    progress: &(dyn Fn() + Sync),
) -> Vec<ReplicateResult> {
    jobs.par_iter()
        .map(|&(s, r)| {
            let out = run_replicate(&scenarios[s], master_seed, r);
            progress();
            out
        })
        .collect()
}
