//! The recorder: what is measured each week. It observes the world and never steers it. Each
//! metric is one column of the weekly table; definitions are in docs/ODD.md, "Outputs and metric
//! definitions".

use crate::model::prefetch::{prefetch_ahead, reads_ahead};
use crate::model::{ClientStatus, OUTSIDE, Provider, World};
use crate::scenario::{MAX_PATCHES, ProviderKind, Rating};

macro_rules! metrics {
    ($( $field:ident : $doc:literal ),* $(,)?) => {
        /// One week of one replicate: every weekly metric.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct WeekRecord {
            /// Model week (negative during burn-in).
            pub week: i32,
            pub burn_in: bool,
            $( #[doc = $doc] pub $field: f64, )*
        }

        impl WeekRecord {
            /// Metric names (column names), in table order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
            /// One-line definitions, in the same order.
            pub const DEFINITIONS: &'static [&'static str] = &[$($doc),*];

            /// The metric values in `NAMES` order.
            pub fn values(&self) -> [f64; Self::NAMES.len()] {
                [$(self.$field),*]
            }

            /// A metric by name.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($field) => Some(self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

metrics! {
    clients_active: "Clients receiving a package at the end of the week",
    clients_waiting: "Clients assessed and waiting for a package (brokerage queue)",
    client_arrivals: "New council-funded packages requested this week",
    placements: "Packages placed with a provider this week",
    assessed_hours: "Assessed client-hours per week (the need, before any budget trim) of active, waiting and in-house clients",
    delivered_hours: "Client-hours delivered this week",
    cancelled_hours: "Client-hours cancelled at short notice by clients (not unmet need)",
    unmet_need_share: "1 - (delivered + cancelled) / assessed client-hours, active, waiting and in-house",
    mean_wait_weeks: "Mean time waited so far by clients now waiting (weeks)",
    placement_wait_weeks: "Weeks waited, summed over clients whose care started this week (divide by placements)",
    care_workers: "Care workers employed by providers in the borough (headcount)",
    pool_size: "People between care jobs or newly arrived, looking for a post",
    awaiting_start: "Recruits who have accepted a post and await pre-employment checks before a first shift (their posts count as vacant, ODD §7.13)",
    hires: "Workers hired this week (from the pool or other providers)",
    recruits: "Workers hired this week from outside the borough's providers (the pool or local outreach): hires less moves between providers",
    pool_entrants: "People entering the labour pool this week from the borough's labour market or from abroad",
    international_recruits: "Of pool_entrants, international recruits (overseas visas while open, then in-country switching)",
    labour_reservoir: "People in the borough willing to do care work who have not yet entered it (the finite reservoir, ODD §7.13)",
    providers_paying_travel: "Providers paying travel time (chosen or required)",
    council_hours_travel_paid_share: "Share of council-funded worker-hours this week planned with providers that pay travel time",
    leavers: "Workers leaving an employer that is still trading this week, incl. moves to another provider (Skills for Care definition)",
    redundancies: "Workers who lost their job because their employer closed this week (not counted as leavers)",
    moves_between_providers: "Leavers who moved directly to another provider",
    left_sector: "People leaving care work this week (from a job or from the pool)",
    turnover_annualised: "52 * leavers / headcount (Skills for Care definition)",
    vacancy_rate: "Unfilled posts (hiring target - headcount, floored at 0; a post whose recruit awaits pre-employment checks is unfilled) / hiring target",
    zero_hours_share: "Share of employed care workers on zero-hours contracts",
    wage_gbp_per_hour: "Mean posted hourly wage over employed workers (GBP)",
    effective_wage_gbp_per_hour: "Earnings / (contact + travel hours): pay per hour worked incl. unpaid travel (GBP)",
    share_paid_at_least_llw: "Share of employed workers whose posted wage is at least the London Living Wage",
    share_effective_below_nlw: "Share of working care workers whose effective wage is below the National Living Wage",
    estate_residents_employed: "Estate residents employed in homecare in the borough (all providers)",
    travel_share: "Travel time / (travel + contact time) of care workers",
    travel_km: "Kilometres travelled between visits this week",
    co2_kg: "CO2 from travel between visits this week (kg)",
    continuity_carers_per_4_weeks: "Distinct carers per active client over the last 4 weeks",
    providers_active: "Providers trading in the borough",
    provider_entries: "Providers entering this week",
    provider_exits: "Providers ceasing to trade this week (by insolvency or withdrawal, ODD §7.17, or a failure shock, §7.23)",
    handback_packages: "Packages handed back by providers this week",
    handback_packages_at_a_loss: "Of the packages handed back this week, those that had lost money for K weeks (the rest could not be staffed)",
    handback_contracts: "Framework contracts handed back this week",
    handback_contracts_first_year: "Of the contracts handed back this week, those handed back within 52 weeks of their award",
    handback_contract_weeks: "Weeks from award to handback, summed over the contracts handed back this week",
    contracts_awarded: "Contracts (framework places or zonal lots) awarded in a tender this week",
    rebrokered_after_exit: "Clients returned to brokerage by a provider's exit this week",
    workers_followed_clients: "Care workers of a closed provider hired by the provider that took on their regular client this week",
    hhi: "Herfindahl-Hirschman index of providers' contact hours (0-10000)",
    hours_share_national_chain: "Share of contact hours delivered by national chains",
    hours_share_local_sme: "Share of contact hours delivered by local SMEs",
    hours_share_coop_social: "Share of contact hours delivered by co-ops and social enterprises",
    hours_share_micro: "Share of contact hours delivered by micro-providers",
    mean_quality: "Mean provider quality (0-1), weighted by contact hours",
    mean_margin: "Mean operating margin of providers (running average), weighted by revenue",
    council_spend_gbp: "Council payments to providers this week (GBP)",
    council_worker_hours_delivered: "Carer-hours delivered to council clients (double-handed count twice)",
    cost_per_delivered_hour_gbp: "Council spend / carer-hours delivered to council clients (GBP)",
    spot_rate_gbp_per_hour: "The council's spot rate in force (GBP/h)",
    private_rate_gbp_per_hour: "The self-funders' hourly fee in force (GBP/h; moves each April with the wage floor and providers' costs)",
    national_living_wage_gbp_per_hour: "National Living Wage in force (GBP/h)",
    london_living_wage_gbp_per_hour: "London Living Wage in force (GBP/h)",
    budget_variance_gbp: "Council spend (incl. the provider of last resort) - annual budget in force / 52 this week (GBP; positive = overspend)",
    budget_blocked: "1 if a binding budget stopped new placements this week",
    deaths: "Clients who died this week",
    residential_moves: "Clients moving to residential care this week",
    deterioration_moves: "Residential moves attributable to unmet need and waiting (hazard above base)",
    recoveries: "Clients regaining independence this week",
    provider_revenue_gbp: "Providers' revenue this week, council and self-funded (GBP)",
    provider_costs_gbp: "Providers' costs this week (GBP)",
    provider_cash_gbp: "Cash reserves of active providers at the end of the week (GBP)",
    wage_bill_gbp: "Gross pay of care workers this week (GBP)",
    self_funder_hours_sought: "Self-funded client-hours a week sought from the borough's providers (self_funders.hours_per_week)",
    self_funder_hours_held: "Self-funded client-hours a week placed with providers (their self-funded caseloads)",
    self_funder_hours_delivered: "Self-funded client-hours delivered this week",
    self_funder_hours_unmet: "Self-funded client-hours sought and not delivered this week (no provider with room, or missed visits)",
    local_spend_share: "Share of council spend staying local: spend with in-borough providers plus wages of borough residents at other providers",
    care_workers_guaranteed: "Care workers on guaranteed-hours contracts (headcount)",
    care_workers_at_least_llw: "Care workers whose posted wage is at least the London Living Wage (headcount)",
    leavers_guaranteed: "Leavers (quits and moves) from guaranteed-hours contracts this week",
    leavers_zero_hours: "Leavers (quits and moves) from zero-hours contracts this week",
    leavers_at_least_llw: "Leavers (quits and moves) paid at least the London Living Wage this week",
    leavers_below_llw: "Leavers (quits and moves) paid below the London Living Wage this week",
    effective_wage_guaranteed_gbp_per_hour: "Effective wage of guaranteed-hours workers (GBP)",
    effective_wage_zero_hours_gbp_per_hour: "Effective wage of zero-hours workers (GBP)",
    outreach_recruits: "Estate residents brought into care work by providers' local outreach this week",
    overflow_placements: "Zonal award: packages placed with a reserve provider instead of the patch's lead",
    tupe_packages: "Packages moved to a new zonal lead at a re-tender",
    tupe_workers: "Workers moved with their clients under TUPE at a re-tender",
    hospital_admissions: "Emergency hospital admissions of people drawing on homecare this week",
    downstream_council_gbp: "Council cost of residential moves caused by deterioration this week (GBP)",
    downstream_nhs_gbp: "NHS cost of emergency admissions this week (GBP)",
    emergency_premium_gbp: "Premium the council paid on urgent placements after handbacks and exits (GBP)",
    outcome_payments_gbp: "Outcome bonuses paid for continuity and recovery this week (GBP, part of council spend)",
    incubator_spend_gbp: "Mission Incubator grants and capability support this week (GBP)",
    incubated_providers_active: "Providers started by the Mission Incubator still trading",
    contract_holders: "Providers holding a tendered contract (framework place or zonal lot)",
    unmet_hours: "Assessed client-hours neither delivered nor cancelled this week, active, waiting and in-house clients (needs the council has a duty to meet and does not)",
    trimmed_hours: "Assessed client-hours a week cut from packages by budget rationing (trim rule; part of unmet need)",
    packages_trimmed: "Packages whose hours were trimmed by budget rationing this week",
    clients_in_house: "Clients served by the council's provider of last resort",
    last_resort_placements: "Urgent clients taken on by the provider of last resort this week",
    last_resort_spend_gbp: "Cost of the provider of last resort this week (GBP; counts against the budget, not in council_spend_gbp)",
    provider_failures: "Providers stopped by a failure shock this week (also in provider_exits)",
    provider_exits_incumbent: "Exits this week of providers already trading at the reform date (week 0; also in provider_exits)",
    annual_budget_gbp: "Annual homecare budget in force (GBP)",
    clients_waiting_for_provider: "Clients waiting whose start-of-care week has come (waiting for a provider or the budget, not for set-up)",
}

/// Measures the world at the end of a week, and each patch (one record per patch appended to
/// `patches`). Each helper fills its group of columns; only cost per delivered hour needs a
/// value from another group (the clients' worker-hours). One pass over the clients serves the
/// week's and the patches' client columns.
pub fn record(world: &World, patches: &mut Vec<PatchRecord>) -> WeekRecord {
    let mut r = WeekRecord { week: world.week, burn_in: world.is_burn_in(), ..Default::default() };
    let n = world.geography.n;
    let start = patches.len();
    for q in 0..n {
        patches.push(PatchRecord {
            week: world.week,
            burn_in: world.is_burn_in(),
            patch: q as u8,
            ..Default::default()
        });
    }
    let rows = &mut patches[start..];
    let cancelled = record_clients(world, &mut r, rows);
    record_patch_travel(world, rows, &cancelled);
    let sums = sum_providers(world, &mut r);
    record_workforce(world, &sums, &mut r);
    record_market(world, &sums, &mut r);
    let council_worker_hours_delivered = r.council_worker_hours_delivered;
    record_council(world, council_worker_hours_delivered, &mut r);
    record_mission(world, &sums, &mut r);
    r
}

/// Clients: hours assessed, delivered and cancelled over active, waiting and in-house clients
/// (summed in that order), waiting, placements, continuity and the week's client outcomes;
/// and each patch's hours and clients, active and waiting (summed in that order), returning
/// each patch's cancelled hours.
fn record_clients(world: &World, r: &mut WeekRecord, rows: &mut [PatchRecord]) -> [f64; MAX_PATCHES] {
    let c = &world.counters;
    let mut waited = 0.0;
    let mut cancelled = [0.0; MAX_PATCHES];
    let ahead = reads_ahead(&world.clients);
    for (i, &id) in world.active_clients.iter().enumerate() {
        if ahead {
            prefetch_ahead::<_, 1>(&world.clients, &world.active_clients, i);
        }
        let cl = &world.clients[id as usize];
        let row = &mut rows[cl.patch as usize];
        row.assessed_hours += cl.need_hours;
        row.delivered_hours += cl.delivered_hours;
        cancelled[cl.patch as usize] += cl.cancelled_hours;
        row.clients_active += 1.0;
        r.assessed_hours += cl.need_hours;
        r.trimmed_hours += cl.need_hours - cl.assessed_hours;
        r.delivered_hours += cl.delivered_hours;
        r.cancelled_hours += cl.cancelled_hours;
        let f = if cl.double_handed { 2.0 } else { 1.0 };
        r.council_worker_hours_delivered += cl.delivered_hours * f;
        r.continuity_carers_per_4_weeks += cl.distinct_recent_carers() as f64;
    }
    for &id in &world.queue {
        let cl = &world.clients[id as usize];
        debug_assert_eq!(cl.status, ClientStatus::Waiting);
        let row = &mut rows[cl.patch as usize];
        row.assessed_hours += cl.need_hours;
        row.delivered_hours += cl.delivered_hours;
        cancelled[cl.patch as usize] += cl.cancelled_hours;
        row.clients_waiting += 1.0;
        r.assessed_hours += cl.need_hours;
        r.trimmed_hours += cl.need_hours - cl.assessed_hours;
        // Clients handed back or re-brokered after this week's delivery were still served
        // this week (and paid for); long-waiting clients have zero here.
        r.delivered_hours += cl.delivered_hours;
        r.cancelled_hours += cl.cancelled_hours;
        r.council_worker_hours_delivered += cl.delivered_hours * if cl.double_handed { 2.0 } else { 1.0 };
        waited += (world.week - cl.waiting_since) as f64;
        r.clients_waiting_for_provider += f64::from(u8::from(cl.ready_week <= world.week));
    }
    for &id in &world.in_house {
        let cl = &world.clients[id as usize];
        r.assessed_hours += cl.need_hours;
        r.trimmed_hours += cl.need_hours - cl.assessed_hours;
        r.delivered_hours += cl.delivered_hours;
    }
    r.unmet_hours = (r.assessed_hours - r.delivered_hours - r.cancelled_hours).max(0.0);
    r.clients_in_house = world.in_house.len() as f64;
    r.clients_active = world.active_clients.len() as f64;
    r.clients_waiting = world.queue.len() as f64;
    r.client_arrivals = c.arrivals as f64;
    r.placements = c.placements as f64;
    r.placement_wait_weeks = c.placement_wait_weeks;
    // Clamped at 0: with every hour delivered, rounding can leave −1e-16.
    r.unmet_need_share =
        ratio_or(1.0 - (r.delivered_hours + r.cancelled_hours) / r.assessed_hours, 0.0).max(0.0);
    r.mean_wait_weeks = ratio_or(waited / r.clients_waiting, 0.0);
    r.continuity_carers_per_4_weeks = ratio_or(r.continuity_carers_per_4_weeks / r.clients_active, 0.0);
    r.deaths = c.deaths as f64;
    r.residential_moves = c.residential_moves as f64;
    r.deterioration_moves = c.deterioration_moves as f64;
    r.recoveries = c.recoveries as f64;
    r.hospital_admissions = c.hospital_admissions as f64;
    cancelled
}

/// Sums over providers' workers and accounts, taken in one pass in provider order.
struct ProviderSums {
    heads: f64,
    zero_h: f64,
    wage_sum: f64,
    llw: f64,
    estate: f64,
    earnings: f64,
    worked: f64,
    contact: f64,
    travel: f64,
    below_nlw: f64,
    working: f64,
    target: f64,
    vacancies: f64,
    leavers: f64,
    kind_hours: [f64; 4],
    quality_w: f64,
    margin_w: f64,
    revenue: f64,
    local_spend: f64,
    g_earn: f64,
    g_worked: f64,
    z_earn: f64,
    z_worked: f64,
    /// Council worker-hours planned this week with active providers, and with those of them
    /// paying travel time.
    council_hours: f64,
    council_hours_travel_paid: f64,
}

/// The one pass over providers: fills the columns that are plain sums over providers
/// (active, incubated and contract-holding providers, costs, cash, wage bill, travel km, CO2,
/// self-funded hours, guaranteed-hours workers) and returns the sums the other groups divide.
fn sum_providers(world: &World, r: &mut WeekRecord) -> ProviderSums {
    // Headcounts are counted in integers (the same numbers as sums of ones in f64, which are
    // exact below 2^53), leaving the registers to the sums of hours and pay.
    let (mut heads, mut llw, mut estate, mut below_nlw, mut working, mut guaranteed) =
        (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    let mut wage_sum = 0.0;
    let (mut earnings, mut worked, mut contact, mut travel) = (0.0, 0.0, 0.0, 0.0);
    let (mut target, mut vacancies, mut leavers) = (0.0, 0.0, 0.0);
    let mut kind_hours = [0.0; 4];
    let (mut quality_w, mut margin_w, mut revenue) = (0.0, 0.0, 0.0);
    let mut local_spend = 0.0;
    let (mut g_earn, mut g_worked, mut z_earn, mut z_worked) = (0.0, 0.0, 0.0, 0.0);
    let (mut council_hours, mut council_hours_travel_paid) = (0.0, 0.0);
    let nlw = world.wages.national_living_wage;
    let llw_level = world.wages.london_living_wage;
    for p in &world.providers {
        leavers += p.leavers_week as f64;
        // A provider that exited this week still delivered, was paid and paid out this week:
        // it counts in the money and hours, not in the workforce (its staff are in the pool).
        if !trading_this_week(p, world.week) {
            continue;
        }
        if p.active {
            r.providers_active += 1.0;
            r.incubated_providers_active += f64::from(u8::from(p.incubated));
            r.contract_holders += f64::from(u8::from(crate::policy::holds_contract(p, world.week)));
            r.providers_paying_travel += f64::from(u8::from(p.pays_travel));
            target += p.hiring_target as f64;
            vacancies += p.vacancies() as f64;
            let h: f64 = p.council_worker_hours.iter().sum();
            council_hours += h;
            if p.pays_travel {
                council_hours_travel_paid += h;
            }
        }
        let mut resident_pay = 0.0;
        heads += p.workers.len() as u32;
        if p.wage >= llw_level - 1e-9 {
            llw += p.workers.len() as u32;
        }
        for &wid in &p.workers {
            let w = &world.workers[wid as usize];
            if w.guaranteed {
                guaranteed += 1;
                g_earn += w.earnings;
                g_worked += w.contact_hours + w.travel_hours;
            } else {
                z_earn += w.earnings;
                z_worked += w.contact_hours + w.travel_hours;
            }
            wage_sum += p.wage;
            estate += u32::from(w.estate_resident);
            earnings += w.earnings;
            worked += w.contact_hours + w.travel_hours;
            contact += w.contact_hours;
            travel += w.travel_hours;
            if let Some(e) = w.effective_wage() {
                working += 1;
                below_nlw += u32::from(e < nlw - 1e-9);
            }
            if w.home != OUTSIDE {
                resident_pay += w.earnings;
            }
        }
        kind_hours[p.kind.index()] += p.contact_hours_week;
        quality_w += p.quality * p.contact_hours_week;
        margin_w += p.margin * p.revenue_week;
        revenue += p.revenue_week;
        r.provider_costs_gbp += p.cost_week;
        r.provider_cash_gbp += p.cash;
        r.wage_bill_gbp += p.wage_bill_week;
        r.travel_km += p.accounts.travel_km;
        r.co2_kg += p.accounts.co2_kg;
        r.self_funder_hours_held += p.self_funder_total();
        r.self_funder_hours_delivered += p.self_funder_total() * p.fill;
        let council = p.accounts.council_revenue;
        local_spend += if p.local {
            council
        } else if p.revenue_week > 0.0 {
            // Council money flows into resident wages in proportion to its share of revenue.
            resident_pay * council / p.revenue_week
        } else {
            0.0
        };
    }
    r.care_workers_guaranteed = f64::from(guaranteed);
    ProviderSums {
        heads: f64::from(heads),
        zero_h: f64::from(heads - guaranteed),
        wage_sum,
        llw: f64::from(llw),
        estate: f64::from(estate),
        earnings,
        worked,
        contact,
        travel,
        below_nlw: f64::from(below_nlw),
        working: f64::from(working),
        target,
        vacancies,
        leavers,
        kind_hours,
        quality_w,
        margin_w,
        revenue,
        local_spend,
        g_earn,
        g_worked,
        z_earn,
        z_worked,
        council_hours,
        council_hours_travel_paid,
    }
}

/// Workforce: headcount, pool, flows, turnover, vacancies, contracts, pay and travel share.
fn record_workforce(world: &World, s: &ProviderSums, r: &mut WeekRecord) {
    let c = &world.counters;
    r.care_workers = s.heads;
    r.pool_size = world.pool.len() as f64;
    r.awaiting_start = world.starters.len() as f64;
    r.hires = c.hires as f64;
    r.recruits = (c.hires - c.moves_between_providers) as f64;
    r.pool_entrants = c.pool_inflow as f64;
    r.international_recruits = c.international_recruits as f64;
    r.labour_reservoir = world.labour_reservoir;
    r.self_funder_hours_sought = world.scenario.self_funders.hours_per_week;
    r.self_funder_hours_unmet = (r.self_funder_hours_sought - r.self_funder_hours_delivered).max(0.0);
    r.council_hours_travel_paid_share = ratio_or(s.council_hours_travel_paid / s.council_hours, 0.0);
    r.leavers = s.leavers;
    r.moves_between_providers = c.moves_between_providers as f64;
    r.redundancies = c.redundancies as f64;
    r.left_sector = c.left_sector as f64;
    r.turnover_annualised = ratio_or(52.0 * s.leavers / s.heads, 0.0);
    r.vacancy_rate = ratio_or(s.vacancies / s.target, 0.0);
    r.zero_hours_share = ratio_or(s.zero_h / s.heads, 0.0);
    r.wage_gbp_per_hour = ratio_or(s.wage_sum / s.heads, 0.0);
    r.effective_wage_gbp_per_hour = ratio_or(s.earnings / s.worked, 0.0);
    r.share_paid_at_least_llw = ratio_or(s.llw / s.heads, 0.0);
    r.share_effective_below_nlw = ratio_or(s.below_nlw / s.working, 0.0);
    r.estate_residents_employed = s.estate;
    r.travel_share = ratio_or(s.travel / (s.travel + s.contact), 0.0);
    r.care_workers_at_least_llw = s.llw;
    r.leavers_guaranteed = c.leavers_guaranteed as f64;
    r.leavers_zero_hours = (c.quits + c.moves_between_providers) as f64 - r.leavers_guaranteed;
    r.leavers_at_least_llw = c.leavers_at_least_llw as f64;
    r.leavers_below_llw = (c.quits + c.moves_between_providers) as f64 - r.leavers_at_least_llw;
    r.effective_wage_guaranteed_gbp_per_hour = ratio_or(s.g_earn / s.g_worked, 0.0);
    r.effective_wage_zero_hours_gbp_per_hour = ratio_or(s.z_earn / s.z_worked, 0.0);
    r.outreach_recruits = c.outreach_recruits as f64;
}

/// Providers and market: entries, exits, handbacks, concentration, shares of hours by kind,
/// hours-weighted quality, revenue-weighted margin, revenue, tenders' transfers.
fn record_market(world: &World, s: &ProviderSums, r: &mut WeekRecord) {
    let c = &world.counters;
    r.provider_entries = c.entries as f64;
    r.provider_exits = c.exits as f64;
    r.handback_packages = c.handback_packages as f64;
    r.handback_packages_at_a_loss = c.handback_packages_at_a_loss as f64;
    r.handback_contracts = c.handback_contracts as f64;
    r.handback_contracts_first_year = c.handback_contracts_first_year as f64;
    r.handback_contract_weeks = c.handback_contract_weeks as f64;
    r.contracts_awarded = c.contracts_awarded as f64;
    r.rebrokered_after_exit = c.rebrokered_after_failure as f64;
    r.workers_followed_clients = c.workers_followed_clients as f64;
    let kind_hours = &s.kind_hours;
    let total_hours: f64 = kind_hours.iter().sum();
    r.hhi = if total_hours > 0.0 {
        world
            .providers
            .iter()
            .filter(|p| trading_this_week(p, world.week))
            .map(|p| (100.0 * p.contact_hours_week / total_hours).powi(2))
            .sum()
    } else {
        0.0
    };
    let share = |k: ProviderKind| ratio_or(kind_hours[k.index()] / total_hours, 0.0);
    r.hours_share_national_chain = share(ProviderKind::NationalChain);
    r.hours_share_local_sme = share(ProviderKind::LocalSme);
    r.hours_share_coop_social = share(ProviderKind::CoopSocial);
    r.hours_share_micro = share(ProviderKind::Micro);
    r.mean_quality = ratio_or(s.quality_w / total_hours, 0.0);
    r.mean_margin = ratio_or(s.margin_w / s.revenue, 0.0);
    r.provider_revenue_gbp = s.revenue;
    r.provider_failures = c.failures as f64;
    r.provider_exits_incumbent = c.incumbent_exits as f64;
    r.overflow_placements = c.overflow_placements as f64;
    r.tupe_packages = c.tupe_packages as f64;
    r.tupe_workers = c.tupe_workers as f64;
}

/// Council and money: spend, cost per delivered worker-hour (over the council worker-hours
/// delivered, summed by `record_clients`), rates and wage floors, budget, rationing, the
/// provider of last resort, downstream costs, premiums, outcome payments and the incubator.
fn record_council(world: &World, council_worker_hours_delivered: f64, r: &mut WeekRecord) {
    let c = &world.counters;
    r.council_spend_gbp = c.council_spend;
    r.cost_per_delivered_hour_gbp = ratio_or(c.council_spend / council_worker_hours_delivered, 0.0);
    r.spot_rate_gbp_per_hour = world.policy.spot_rate;
    r.private_rate_gbp_per_hour = world.private_rate();
    r.national_living_wage_gbp_per_hour = world.wages.national_living_wage;
    r.london_living_wage_gbp_per_hour = world.wages.london_living_wage;
    r.budget_variance_gbp = c.council_spend + c.last_resort_spend_gbp - world.council.annual_budget / 52.0;
    r.annual_budget_gbp = world.council.annual_budget;
    r.packages_trimmed = c.packages_trimmed as f64;
    r.last_resort_placements = c.last_resort_placements as f64;
    r.last_resort_spend_gbp = c.last_resort_spend_gbp;
    r.budget_blocked = f64::from(u8::from(c.budget_blocked));
    r.downstream_council_gbp = c.downstream_council_gbp;
    r.downstream_nhs_gbp = c.downstream_nhs_gbp;
    r.emergency_premium_gbp = c.emergency_premium_gbp;
    r.outcome_payments_gbp = c.outcome_payments_gbp;
    r.incubator_spend_gbp = c.incubator_spend_gbp;
}

/// Mission: the share of council spend that stays local (travel km and CO2 are summed with the
/// providers).
fn record_mission(world: &World, s: &ProviderSums, r: &mut WeekRecord) {
    r.local_spend_share = ratio_or(s.local_spend / world.counters.council_spend, 0.0);
}

/// One patch in one week: who is left waiting where.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatchRecord {
    pub week: i32,
    pub burn_in: bool,
    pub patch: u8,
    pub assessed_hours: f64,
    pub delivered_hours: f64,
    pub unmet_hours: f64,
    pub clients_active: f64,
    pub clients_waiting: f64,
    pub travel_share: f64,
}

/// Each patch's unmet hours (from the client columns and `cancelled`) and travel share.
fn record_patch_travel(world: &World, rows: &mut [PatchRecord], cancelled: &[f64; MAX_PATCHES]) {
    let n = world.geography.n;
    // Travel in each patch: council and self-funded hours delivered there, at the provider's
    // travel time per hour in that patch.
    let (mut travel, mut contact) = ([0.0; MAX_PATCHES], [0.0; MAX_PATCHES]);
    for p in world.providers.iter().filter(|p| trading_this_week(p, world.week)) {
        for q in 0..n {
            let h = (p.council_worker_hours[q] + p.self_funder_hours[q]) * p.fill;
            if h > 0.0 {
                contact[q] += h;
                travel[q] += h * world.geography.travel_time_per_hour(
                    p.km_per_hour[q],
                    p.visits_per_hour_mean,
                    p.speed_kmh_mean,
                );
            }
        }
    }
    for (q, r) in rows.iter_mut().enumerate() {
        r.unmet_hours = (r.assessed_hours - r.delivered_hours - cancelled[q]).max(0.0);
        r.travel_share = ratio_or(travel[q] / (travel[q] + contact[q]), 0.0);
    }
}

/// Weeks in a year of the run: year `y` is weeks `52y..52y + 51`, so burn-in weeks (negative)
/// fall in negative years.
pub const WEEKS_PER_YEAR: i32 = 52;

/// The year of the run a week falls in (docs/ODD.md, "Outputs and metric definitions").
pub fn run_year(week: i32) -> i32 {
    week.div_euclid(WEEKS_PER_YEAR)
}

/// Whether `week` is the first week of a year of the run.
pub fn is_year_start(week: i32) -> bool {
    week.rem_euclid(WEEKS_PER_YEAR) == 0
}

/// One provider's year of the run (a row of the provider × year table; docs/ODD.md, "Outputs
/// and metric definitions"), from its `YearTally` at the year's end or at its exit.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderYearRecord {
    pub provider: u32,
    pub year: i32,
    /// Weeks it traded in the year (0 only in the year of a failure at a year's first week).
    pub weeks_traded: u32,
    /// Carer-hours delivered to council clients, by patch (double-handed hours count twice).
    pub council_hours: [f64; MAX_PATCHES],
    pub self_funded_hours: f64,
    /// Mean weekly operating margin over the weeks traded (None without a week traded).
    pub mean_margin: Option<f64>,
    pub revenue_gbp: f64,
    pub costs_gbp: f64,
    /// Headcount and wage in the last week traded (None without a week traded).
    pub workers: Option<u32>,
    pub wage_gbp_per_hour: Option<f64>,
    /// Inspection rating at the year's end or exit (None if never inspected).
    pub rating: Option<Rating>,
    /// Live contracts held at the year's end (0 or 1: a provider holds at most one; none after
    /// an exit).
    pub contracts_held: u32,
    pub contracts_won_in_year: u32,
    /// The week and cause of its exit, in the year it exited.
    pub exit_week: Option<i32>,
    pub exit_cause: Option<&'static str>,
}

impl ProviderYearRecord {
    /// Carer-hours delivered to council clients in every patch.
    pub fn council_hours_total(&self) -> f64 {
        self.council_hours.iter().sum()
    }
}

/// At the end of a week, the provider × year rows it closes: the year of each provider that
/// exited this week and, in the last week of a year or of the run, the year of every provider
/// still trading that traded in it. A pass over the providers only in those weeks.
pub fn record_provider_years(world: &World, out: &mut Vec<ProviderYearRecord>) {
    let week = world.week;
    let year_end = closes_a_year(world, week);
    if !year_end && world.counters.exits == 0 {
        return;
    }
    for (id, p) in world.providers.iter().enumerate() {
        let exited = p.exit_week == Some(week);
        if exited || (year_end && p.active && p.year.weeks > 0) {
            out.push(provider_year(p, id, week));
        }
    }
}

/// The unfinished year of every provider still trading, for a run stopped before its last
/// week (`Simulation::into_result`); nothing when the last week stepped closed a year.
pub fn close_provider_years(world: &World, out: &mut Vec<ProviderYearRecord>) {
    let last = world.week - 1;
    if closes_a_year(world, last) {
        return;
    }
    for (id, p) in world.providers.iter().enumerate() {
        if p.active && p.year.weeks > 0 {
            out.push(provider_year(p, id, last));
        }
    }
}

/// Whether `week` is the last of a year of the run or the run's last week: the weeks
/// `record_provider_years` closes every trading provider's year in.
fn closes_a_year(world: &World, week: i32) -> bool {
    is_year_start(week + 1) || week + 1 >= world.scenario.run.weeks as i32
}

fn provider_year(p: &Provider, id: usize, week: i32) -> ProviderYearRecord {
    let y = &p.year;
    let traded = y.weeks > 0;
    ProviderYearRecord {
        provider: id as u32,
        year: run_year(week),
        weeks_traded: y.weeks,
        council_hours: y.council_hours,
        self_funded_hours: y.self_funded_hours,
        mean_margin: traded.then(|| y.margin_sum / y.weeks as f64),
        revenue_gbp: y.revenue_gbp,
        costs_gbp: y.costs_gbp,
        workers: traded.then_some(y.workers),
        wage_gbp_per_hour: traded.then_some(y.wage_gbp_per_hour),
        rating: p.rating,
        contracts_held: u32::from(crate::policy::holds_contract(p, week)),
        contracts_won_in_year: p.contracts_won - y.contracts_won_before,
        exit_week: p.exit_week,
        exit_cause: p.exit_cause.map(crate::model::ExitCause::name),
    }
}

/// Active, or exited during this week (after delivering and being paid for it).
fn trading_this_week(p: &crate::model::Provider, week: i32) -> bool {
    p.active || p.exit_week == Some(week)
}

/// `x` if finite, else `fallback` (0/0 when a denominator is empty).
fn ratio_or(x: f64, fallback: f64) -> f64 {
    if x.is_finite() { x } else { fallback }
}
