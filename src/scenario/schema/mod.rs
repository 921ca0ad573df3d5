//! The scenario file schema. Each struct is one TOML table; every field has a default (the
//! Camden status quo, sources in docs/CALIBRATION.md) and unknown keys are rejected.
//!
//! No field here is an outcome of the model: wages, contract mix, travel, turnover, exits and
//! unmet need all emerge from the agents' rules. Fields set *behaviour* (how fast a provider
//! reviews wages) or *environment* (how many people need care), never a result.
//!
//! This module owns the top level (`Scenario`, `[run]`, `[burn_in]`); every other table has its
//! own file, with its range checks beside its struct (called in order by `validate`).

use serde::{Deserialize, Serialize};

use super::validate::Checker;

mod calendar;
mod clients;
mod commissioning;
mod cost_model;
mod council;
mod geography;
mod mission;
mod providers;
mod self_funders;
mod shocks;
mod wage_floor;
mod workforce;

pub use calendar::Calendar;
pub use clients::{ClientParams, MIN_VISIT_HOURS};
pub use commissioning::{
    Award, Brokerage, Commissioning, FeeUplift, Incubator, OutcomeTerms, PaymentBasis, PriceBasis, RateFloor,
    ScoringWeights, SocialValue, SocialValueMode, TenderParams, WageFloorName,
};
pub use cost_model::{CostModelParams, StatutoryRates};
pub use council::{CouncilParams, Downstream, LastResort, Rationing};
pub use geography::{Geography, MAX_PATCHES, Patch, TravelMode};
pub use mission::{Appraisal, MISSION_COMPONENTS, MissionWeights};
pub use providers::{
    ContractMix, KindParams, MAX_HIRING_BUFFER, MAX_MIN_TEAM, ProviderKind, ProviderParams, Rating,
};
pub use self_funders::{MAX_SELF_FUNDED_HOURS, SelfFunderParams};
pub use shocks::{BudgetBasis, Shock};
pub use wage_floor::{WageFloor, YearValue};
pub use workforce::WorkforceParams;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used in tables and folder names.
    pub name: String,
    /// One line saying what the scenario represents.
    pub description: String,
    /// A scenario file this one builds on (path relative to this file): its values apply
    /// first and this file's keys override them (tables merge key by key; arrays replace).
    /// `name` and `description` are never inherited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    pub run: RunSettings,
    pub calendar: Calendar,
    pub wage_floor: WageFloor,
    pub geography: Geography,
    pub clients: ClientParams,
    pub self_funders: SelfFunderParams,
    pub workforce: WorkforceParams,
    pub providers: ProviderParams,
    /// The cost model of an hour of care (indexed rate floors, bidders' estimates).
    pub cost_model: CostModelParams,
    pub council: CouncilParams,
    /// The policy in force from week 0 (the reform date).
    pub commissioning: Commissioning,
    /// The policy during burn-in. Every scenario burns in under the status quo, so this is
    /// normally left at its default; a file that changes it no longer shares the baseline's
    /// starting state.
    pub burn_in: BurnIn,
    /// Weights of the composite mission score (outcome reporting only; never read by agents).
    pub mission: MissionWeights,
    /// Discounting and willingness to pay of the cost-effectiveness section (reporting only).
    pub appraisal: Appraisal,
    /// Scheduled shocks (`[[shocks]]`): events that hit the market at a model week ≥ 0. A
    /// shock file (`careshape run --shock`) adds its shocks to these.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<Shock>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: "status-quo".into(),
            description: "Spot purchase at a council-set rate from an approved list, paid on \
                          actual minutes"
                .into(),
            extends: None,
            run: RunSettings::default(),
            calendar: Calendar::default(),
            wage_floor: WageFloor::default(),
            geography: Geography::default(),
            clients: ClientParams::default(),
            self_funders: SelfFunderParams::default(),
            workforce: WorkforceParams::default(),
            providers: ProviderParams::default(),
            cost_model: CostModelParams::default(),
            council: CouncilParams::default(),
            commissioning: Commissioning::default(),
            burn_in: BurnIn::default(),
            mission: MissionWeights::default(),
            appraisal: Appraisal::default(),
            shocks: Vec::new(),
        }
    }
}

/// Run length; the CLI may override `weeks`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RunSettings {
    /// Weeks simulated after burn-in (the policy period).
    pub weeks: u32,
    /// Weeks of burn-in under the status quo before the reform (written, flagged, excluded
    /// from summaries).
    pub burn_in_weeks: u32,
    /// Size of the borough as a multiple of the scenario as written (docs/ODD.md §2.1, "Size"):
    /// clients, arrivals, the labour pool and its inflow, providers and their entry, self-funded
    /// hours, the council's budget, the provider of last resort and framework places all
    /// multiply by it; patches, rates and behaviour stay as they are. 1 is the scenario itself.
    pub scale: f64,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self { weeks: 260, burn_in_weeks: 52, scale: 1.0 }
    }
}

/// Largest `run.scale`: 100 times the scenario as written (the run-size limit,
/// `MAX_AGENT_WEEKS`, usually binds first).
pub const MAX_SCALE: f64 = 100.0;

/// Longest policy period (`run.weeks`, or `--weeks`): 2,600 weeks, 50 years.
pub const MAX_WEEKS: u32 = 2_600;
/// Longest burn-in (`run.burn_in_weeks`): 520 weeks, 10 years; the burn-in must also start
/// within the wage-floor data (see `max_burn_in_weeks`).
pub const MAX_BURN_IN_WEEKS: u32 = 520;
/// Most clients at the start (`clients.initial_clients`): 100,000 (Camden has about 2,000).
pub const MAX_INITIAL_CLIENTS: u32 = 100_000;
/// Most new clients a week on average (`clients.arrivals_per_week`): 10,000.
pub const MAX_ARRIVALS_PER_WEEK: f64 = 10_000.0;
/// Most workers in the initial labour pool (`workforce.pool_initial`): 100,000.
pub const MAX_POOL_WORKERS: u32 = 100_000;
/// Most workers joining the pool a week on average (`workforce.pool_inflow_per_week`): 10,000.
pub const MAX_POOL_INFLOW_PER_WEEK: f64 = 10_000.0;
/// Most initial providers (`providers.initial_count`), and most incubated providers
/// (`cohort_size` × `cohorts`): 10,000 (England has about 10,000 homecare providers).
pub const MAX_PROVIDERS: u32 = 10_000;
/// Largest size of any number of a scenario, either way: 10^12 (a trillion; the largest default
/// is the £36m budget). Sums and products over a run then stay finite.
pub const MAX_MAGNITUDE: f64 = 1e12;
/// Largest standard deviation or coefficient of variation (log-normal and normal draws):
/// exp(10 · z) stays finite for any draw z a run will see.
pub const MAX_DISPERSION: f64 = 10.0;
/// Calendar years (`calendar.reform_year`, the wage-floor series) lie from 1900 to 2200.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;
/// Largest annual growth rate (`wage_floor.annual_uplift_beyond_data`, `cost_inflation`): 1,
/// a doubling a year.
pub const MAX_ANNUAL_GROWTH: f64 = 1.0;
/// Largest estimated size of one replicate, in agent-weeks: (initial clients + expected
/// arrivals over the run + initial pool workers + expected pool inflow over the run + initial
/// providers) × (weeks + burn-in weeks). 500 million is about 170 times the Camden status quo
/// (about 2.9 million).
pub const MAX_AGENT_WEEKS: u64 = 500_000_000;

impl RunSettings {
    /// Whether `scale` lies in (0, `MAX_SCALE`] (false for NaN).
    fn scale_in_range(&self) -> bool {
        self.scale > 0.0 && self.scale <= MAX_SCALE
    }

    /// Range checks of `[run]`.
    pub(in crate::scenario) fn check(&self, c: &mut Checker) {
        if self.weeks == 0 {
            c.fail("run.weeks", "expected at least 1 week");
        }
        if self.weeks > MAX_WEEKS {
            c.fail(
                "run.weeks",
                format!("expected at most {MAX_WEEKS} weeks (50 years), found {}", self.weeks),
            );
        }
        if !self.scale_in_range() {
            c.fail(
                "run.scale",
                format!("expected a multiple above 0 and at most {MAX_SCALE}, found {}", self.scale),
            );
        }
        if self.burn_in_weeks > MAX_BURN_IN_WEEKS {
            c.fail(
                "run.burn_in_weeks",
                format!(
                    "expected at most {MAX_BURN_IN_WEEKS} weeks (10 years), found {}",
                    self.burn_in_weeks
                ),
            );
        }
    }
}

impl Scenario {
    /// The estimated size of one replicate in agent-weeks (see `MAX_AGENT_WEEKS`), in `u64`
    /// so that no value of the counts overflows.
    pub fn agent_weeks(&self) -> u64 {
        let weeks = u64::from(self.run.weeks) + u64::from(self.run.burn_in_weeks);
        // `as` saturates (and maps NaN to 0): a non-finite rate is reported by its own check.
        let arrivals = (self.clients.arrivals_per_week.max(0.0) * weeks as f64).ceil() as u64;
        // Workers who join the pool over the run are agents too (at the base rates, local and
        // international; the wage response is capped at the largest base rate, docs/ODD.md §7.13).
        let rate = self.workforce.pool_inflow_per_week.max(0.0)
            + self.workforce.international_inflow_per_week.max(0.0);
        let inflow = (rate * weeks as f64).ceil() as u64;
        let agents = u64::from(self.clients.initial_clients)
            .saturating_add(arrivals)
            .saturating_add(u64::from(self.workforce.pool_initial))
            .saturating_add(inflow)
            .saturating_add(u64::from(self.providers.initial_count));
        // A scale outside its range is reported by its own check.
        let scale = if self.run.scale_in_range() { self.run.scale } else { 1.0 };
        ((agents as f64 * scale).ceil() as u64).saturating_mul(weeks)
    }

    /// The scenario at its `run.scale`: every market-size quantity multiplied by the scale
    /// (counts rounded to the nearest whole number, at least 1 where the scenario has any).
    /// The model runs on this; at scale 1 it is the scenario unchanged.
    pub fn at_scale(&self) -> Scenario {
        let k = self.run.scale;
        let mut s = self.clone();
        if k == 1.0 {
            return s;
        }
        let count = |n: u32| if n == 0 { 0 } else { ((f64::from(n) * k).round() as u32).max(1) };
        s.clients.initial_clients = count(s.clients.initial_clients);
        s.clients.arrivals_per_week *= k;
        s.workforce.pool_initial = count(s.workforce.pool_initial);
        s.workforce.pool_inflow_per_week *= k;
        s.workforce.international_inflow_per_week *= k;
        s.providers.initial_count = count(s.providers.initial_count);
        s.self_funders.hours_per_week *= k;
        s.council.annual_budget_gbp *= k;
        s.council.last_resort.capacity_hours_per_week *= k;
        for rules in [&mut s.commissioning, &mut s.burn_in.commissioning] {
            rules.tender.winners = count(rules.tender.winners);
        }
        s
    }

    /// The week of the first scheduled shock, if any (after-shock outcomes are measured from
    /// it: docs/ODD.md §7.23).
    pub fn first_shock_week(&self) -> Option<i32> {
        self.shocks.iter().map(|s| s.week() as i32).min()
    }

    /// The problem with the estimated size of a run, if it is over `MAX_AGENT_WEEKS`;
    /// `weeks_key` names where the run length came from (`run.weeks` or `--weeks`).
    pub fn size_problem(&self, weeks_key: &str) -> Option<String> {
        let n = self.agent_weeks();
        (n > MAX_AGENT_WEEKS).then(|| {
            format!(
                "expected a run of at most {MAX_AGENT_WEEKS} agent-weeks ((initial clients + expected \
                 arrivals + initial pool workers + expected pool inflow + initial providers) × (weeks + \
                 burn-in weeks)), found {n}: shorten {weeks_key} or run.burn_in_weeks, or lower \
                 clients.initial_clients, clients.arrivals_per_week, workforce.pool_initial, \
                 workforce.pool_inflow_per_week, workforce.international_inflow_per_week or \
                 providers.initial_count"
            )
        })
    }

    /// The longest burn-in that starts within the wage-floor data: the burn-in's first week
    /// must fall in or after the April uplift week of the later of the first years of the
    /// National and London Living Wage series (earlier years would be extrapolated backwards).
    /// `None` if the calendar or the series are invalid (reported by their own checks).
    pub fn max_burn_in_weeks(&self) -> Option<(i64, i32)> {
        let cal = &self.calendar;
        if !(1..=52).contains(&cal.reform_week_of_year) || !(1..=52).contains(&cal.uplift_week_of_year) {
            return None;
        }
        let first = |s: &[YearValue]| s.first().map(|v| v.year);
        let first_year =
            first(&self.wage_floor.national_living_wage)?.max(first(&self.wage_floor.london_living_wage)?);
        let max = (i64::from(cal.reform_year) - i64::from(first_year)) * 52
            + i64::from(cal.reform_week_of_year)
            - i64::from(cal.uplift_week_of_year);
        Some((max, first_year))
    }

    /// Limits of the whole run: the burn-in within the wage-floor data, and its size.
    pub(in crate::scenario) fn check_run_size(&self, c: &mut Checker) {
        if let Some((max, first_year)) = self.max_burn_in_weeks()
            && i64::from(self.run.burn_in_weeks) > max
        {
            c.fail(
                "run.burn_in_weeks",
                format!(
                    "expected at most {} weeks, so that the burn-in starts within the wage-floor data \
                     (wage_floor.national_living_wage and london_living_wage cover April {first_year} \
                     onwards; the reform is week {} of {}), found {}",
                    max.max(0),
                    self.calendar.reform_week_of_year,
                    self.calendar.reform_year,
                    self.run.burn_in_weeks
                ),
            );
        }
        if let Some(msg) = self.size_problem("run.weeks") {
            c.fail("run.weeks", msg);
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BurnIn {
    pub commissioning: Commissioning,
}
