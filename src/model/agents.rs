//! The agents' state: plain structs stored in dense Vecs and referred to by integer ids.

use super::geography::PatchId;
use crate::scenario::{MAX_PATCHES, ProviderKind, Rating};

/// Marks "no id" (no provider, no carer).
pub const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientStatus {
    Waiting,
    Active,
    /// Served by the council's provider of last resort (not a market provider).
    InHouse,
    Left,
}

/// A person drawing on council-funded care.
///
/// Laid out in two cache lines (docs/ODD.md §2.2): the first holds what most weekly passes
/// over the clients read (exits, caseloads, handbacks, the recorder), the second what only
/// delivery, payment and brokerage read, so those passes touch one line per client, not two.
/// (At 30× Camden that cut simulated cache misses by a sixth, but not the wall time on the
/// development machine, whose prefetcher streams the records: docs/PERFORMANCE.md.)
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Client {
    // The first cache line.
    /// The client's id, in order of arrival and fixed for the run: its random draws are keyed
    /// by it. Its place in `World::clients` (the index the queue and the active list hold) can
    /// move down when clients who have left are dropped (docs/ODD.md §3).
    pub id: u32,
    pub provider: u32,
    pub patch: PatchId,
    pub status: ClientStatus,
    pub double_handed: bool,
    /// Whether the package was placed under a framework contract (paid the contract rate).
    pub on_contract: bool,
    /// Returned to brokerage by a handback or a provider's exit: placed urgently, at a premium.
    pub urgent: bool,
    /// The number of distinct carers in `recent_carers` (kept with the ring, so it is counted
    /// once when the ring changes; at most 8).
    pub(super) distinct_carers: u8,
    /// Consecutive weeks the package's margin has been negative for its provider (it grows by
    /// at most one a week, and no run is longer than `u16::MAX` weeks).
    pub negative_margin_weeks: u16,
    /// Contact hours per week of the package as funded (client-hours; a double-handed hour
    /// needs two workers): the assessed need, less any hours trimmed by budget rationing.
    pub assessed_hours: f64,
    /// Contact hours per week of the assessed need (never trimmed): unmet need is measured
    /// against it.
    pub need_hours: f64,
    pub visits_per_week: f64,
    /// Unmet-need share of the client's last weeks (EWMA), for deterioration.
    pub recent_unmet: f64,
    /// Delivered and cancelled client-hours this week.
    pub delivered_hours: f64,
    pub cancelled_hours: f64,
    // The second cache line.
    /// A package placed under a framework contract that has since ended keeps that contract's
    /// rate (£/h, uplifted each April as contract rates are), as a call-off contract keeps its
    /// terms beyond its framework (docs/ODD.md §7.2); 0 otherwise.
    pub call_off_rate: f64,
    /// The regular carer, and the carers seen over the last 4 weeks (ring, two per week; places
    /// in `World::workers`).
    pub primary_carer: u32,
    pub(super) recent_carers: [u32; 8],
    /// The council pays the emergency premium on this package until this week.
    pub premium_until: i32,
    /// After its provider closed: its regular carer there, who follows it to the provider that
    /// takes the package if still free (docs/ODD.md §7.17); `NONE` otherwise.
    pub following_carer: u32,
    pub arrived_week: i32,
    pub waiting_since: i32,
    /// First week a package can start: assessment, matching and set-up take time.
    pub ready_week: i32,
}

// Two cache lines a client, and a margin count that cannot overflow in the longest run.
const _: () = assert!(std::mem::size_of::<Client>() == 128);
const _: () = assert!(crate::scenario::MAX_SPAN_WEEKS < u16::MAX as u32);
// A provider's package-week fields in its first two cache lines and its accounts' first line,
// and each by-patch array starting a line.
const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(Provider, quality) + 8 <= 64 && offset_of!(Provider, workers) == 0);
    assert!(offset_of!(Provider, kind) < 128 && offset_of!(Provider, accounts) == 128);
    assert!(
        offset_of!(Provider, km_per_hour) % 64 == 0 && offset_of!(Provider, council_worker_hours) % 64 == 0
    );
    assert!(
        offset_of!(Provider, council_worker_visits) % 64 == 0
            && offset_of!(Provider, council_clients) % 64 == 0
    );
};

impl Client {
    /// Worker-hours a week the package needs.
    pub fn worker_hours(&self) -> f64 {
        if self.double_handed { 2.0 * self.assessed_hours } else { self.assessed_hours }
    }
    pub fn worker_visits(&self) -> f64 {
        if self.double_handed { 2.0 * self.visits_per_week } else { self.visits_per_week }
    }
    /// Care starts with a provider (or the council's own service, `provider` = NONE): the
    /// package's margin count and its record of carers start afresh.
    pub fn start_care(&mut self, status: ClientStatus, provider: u32, on_contract: bool) {
        self.status = status;
        self.provider = provider;
        self.on_contract = on_contract;
        self.negative_margin_weeks = 0;
        self.call_off_rate = 0.0;
        self.primary_carer = NONE;
        self.clear_carers();
    }
    /// Its provider's contract no longer covers the package: paid from now on at `rate` (the
    /// ended contract's, a call-off keeping its terms) if there is one, else at the spot rate.
    pub fn end_contract(&mut self, rate: Option<f64>) {
        self.on_contract = false;
        self.call_off_rate = rate.unwrap_or(0.0);
    }
    /// Distinct carers seen over the last 4 weeks.
    pub fn distinct_recent_carers(&self) -> u32 {
        u32::from(self.distinct_carers)
    }
    /// The carers seen over the last 4 weeks: a ring of two slots a week (regular, cover),
    /// `NONE` where nobody came.
    pub fn recent_carers(&self) -> &[u32; 8] {
        &self.recent_carers
    }
    /// Records a week's regular and cover carer in the ring's slots `slot` and `slot + 1`.
    #[inline]
    pub fn record_carers(&mut self, slot: usize, regular: u32, cover: u32) {
        // The same carers as in these slots four weeks ago (a regular carer who stays, the same
        // cover or none): the ring, and so its count, is unchanged.
        if self.recent_carers[slot] == regular && self.recent_carers[slot + 1] == cover {
            debug_assert_eq!(self.distinct_carers, count_distinct(&self.recent_carers));
            return;
        }
        self.recent_carers[slot] = regular;
        self.recent_carers[slot + 1] = cover;
        self.distinct_carers = count_distinct(&self.recent_carers);
    }
    /// Forgets the carers seen (care starts afresh, or the council's own service took over).
    pub fn clear_carers(&mut self) {
        self.recent_carers = [NONE; 8];
        self.distinct_carers = 0;
    }
}

/// The distinct carers in a ring, `NONE` not counted: each slot counts if it holds a carer not
/// in an earlier slot. With AVX-512's conflict detection (built for a processor that has it,
/// `.cargo/config.toml`) that is three vector instructions; otherwise
/// [`count_distinct_scalar`]. The same count either way (debug builds check it).
#[inline]
fn count_distinct(r: &[u32; 8]) -> u8 {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx512cd", target_feature = "avx512vl"))]
    // SAFETY: the load reads the ring's 32 bytes, in bounds (unaligned loads are allowed);
    // the instructions need AVX-512 CD and VL, which this code is compiled only for (the
    // `cfg` above: the whole binary assumes them).
    unsafe {
        use std::arch::x86_64::*;
        let ring = _mm256_loadu_si256(r.as_ptr().cast());
        // For each slot, the earlier slots that hold the same number.
        let earlier = _mm256_conflict_epi32(ring);
        let first = _mm256_testn_epi32_mask(earlier, earlier);
        let carer = _mm256_cmpneq_epi32_mask(ring, _mm256_set1_epi32(NONE as i32));
        let n = (first & carer).count_ones() as u8;
        debug_assert_eq!(n, count_distinct_scalar(r));
        n
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx512cd", target_feature = "avx512vl")))]
    count_distinct_scalar(r)
}

/// [`count_distinct`] without vector instructions, branch-free. (Out of line: `record_carers`,
/// inlined, calls it only when the ring changes.)
#[inline(never)]
fn count_distinct_scalar(r: &[u32; 8]) -> u8 {
    let mut n = 0;
    for i in 0..r.len() {
        let mut seen = r[i] == NONE;
        for j in 0..i {
            seen |= r[j] == r[i];
        }
        n += u8::from(!seen);
    }
    n
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerStatus {
    Employed,
    /// Between care jobs or newly arrived in care work, looking for a post.
    Pool,
    /// Offered a post and accepted it, awaiting pre-employment checks before a first shift
    /// (`employer` is the provider, `hired_week` the week of the first shift).
    Starting,
    /// Left the sector.
    Left,
}

/// A care worker (employed, in the pool, or gone). Its employer is kept apart from this
/// record, in `World::employers` (by the same place).
#[derive(Clone, Debug)]
pub struct CareWorker {
    /// The worker's id, in order of arrival and fixed for the run: its random draws are keyed
    /// by it. Its place in `World::workers` (the index providers' staff lists, the pool and
    /// clients' carers hold) moves every 13 weeks, when workers who have left are dropped and
    /// the others laid out by employer (docs/ODD.md §3).
    pub id: u32,
    pub home: PatchId,
    pub estate_resident: bool,
    pub status: WorkerStatus,
    /// Guaranteed-hours contract (else zero-hours).
    pub guaranteed: bool,
    pub desired_hours: f64,
    /// Lowest hourly utility at which the worker takes a care job.
    pub reservation_wage: f64,
    /// Index into the scenario's travel modes.
    pub mode: u8,
    pub hired_week: i32,
    /// The employer the worker last left, and when (no rehiring by it in the same week).
    pub left_employer: u32,
    pub left_week: i32,
    /// Absent (sick or on leave) this week.
    pub absent: bool,
    /// Rides an e-bike provided by an employer under low-emission terms.
    pub e_bike: bool,
    // This week's work and pay.
    pub contact_hours: f64,
    pub travel_hours: f64,
    pub paid_hours: f64,
    pub earnings: f64,
}

impl CareWorker {
    pub fn guaranteed_hours(&self, share_of_desired: f64) -> f64 {
        if self.guaranteed { self.desired_hours * share_of_desired } else { 0.0 }
    }
    pub fn effective_wage(&self) -> Option<f64> {
        let t = self.contact_hours + self.travel_hours;
        (t > 0.0).then(|| self.earnings / t)
    }
}

/// A provider's staff: places in `World::workers`, in the order the staff list keeps (a
/// newcomer last, a leaver's place taken by the last), with what delivery counted of them
/// this week, kept only while the list is unchanged (docs/ODD.md §3 step 6).
///
/// Provider decisions, contract conversions, entry's going contract mix and quality each need
/// one sum over the staff. Delivery's pass over the staff reads those fields anyway, so it
/// counts them ([`StaffTally`]); the others use its counts when no one has joined or left
/// since, which is nearly always (staff change in the labour market, before delivery), and
/// sum afresh otherwise. The list can only change through the methods below, and each one
/// that changes who is on it, or their order, forgets the tally. Reading it is reading a slice.
#[derive(Clone, Debug)]
pub struct Staff {
    places: Vec<u32>,
    /// `week == NO_TALLY`: none (an `Option` would take a provider's first cache line
    /// beyond 64 bytes).
    tally: StaffTally,
}

/// Marks a staff list without a tally.
const NO_TALLY: i32 = i32::MIN;

impl Default for Staff {
    fn default() -> Self {
        Self {
            places: Vec::new(),
            tally: StaffTally { week: NO_TALLY, desired_hours: 0.0, guaranteed: 0, experienced: 0 },
        }
    }
}

/// Delivery's counts over a provider's staff, in staff order (docs/ODD.md §3 step 6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StaffTally {
    /// The week delivery counted them in (`experienced` holds for that week only).
    pub week: i32,
    /// The hours a week they want, summed in staff order.
    pub desired_hours: f64,
    /// On guaranteed-hours contracts.
    pub guaranteed: u32,
    /// Hired at least the weeks to competence before `week`.
    pub experienced: u32,
}

impl Staff {
    pub fn push(&mut self, place: u32) {
        self.places.push(place);
        self.forget();
    }
    /// Takes the worker at `i` off the list; the last one takes their place.
    pub fn swap_remove(&mut self, i: usize) -> u32 {
        self.forget();
        self.places.swap_remove(i)
    }
    /// Takes everyone off the list (a closure), handing back the places.
    pub fn take(&mut self) -> Vec<u32> {
        self.forget();
        std::mem::take(&mut self.places)
    }
    fn forget(&mut self) {
        self.tally.week = NO_TALLY;
    }
    /// The places, to move them with the records (the workers laid out afresh): the same
    /// workers in the same order, so the tally stands.
    pub fn places_mut(&mut self) -> &mut [u32] {
        &mut self.places
    }
    /// Delivery's counts, if no one has joined or left since they were taken.
    pub fn tally(&self) -> Option<&StaffTally> {
        (self.tally.week != NO_TALLY).then_some(&self.tally)
    }
    /// Keeps delivery's counts (taken in `tally.week`, never `i32::MIN`).
    pub fn set_tally(&mut self, tally: StaffTally) {
        debug_assert_ne!(tally.week, NO_TALLY);
        self.tally = tally;
    }
    /// `n` more of the staff are now on guaranteed hours (contract conversions).
    pub fn converted(&mut self, n: u32) {
        if self.tally.week != NO_TALLY {
            self.tally.guaranteed += n;
        }
    }
}

impl std::ops::Deref for Staff {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.places
    }
}

impl<'a> IntoIterator for &'a Staff {
    type Item = &'a u32;
    type IntoIter = std::slice::Iter<'a, u32>;
    fn into_iter(self) -> Self::IntoIter {
        self.places.iter()
    }
}

/// Why a provider stopped trading in the borough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCause {
    /// Cash reserve below zero for the scenario's number of weeks (docs/ODD.md §7.17).
    Insolvency,
    /// Stopped trading at once in a scheduled provider-failure shock.
    Failure,
    /// Left the borough because its running margin stayed negative (docs/ODD.md §7.17).
    Withdrawal,
}

impl ExitCause {
    pub fn name(self) -> &'static str {
        match self {
            Self::Insolvency => "insolvency",
            Self::Failure => "failure",
            Self::Withdrawal => "withdrawal",
        }
    }
}

/// Social-value commitments: what a provider must do as a condition of council work
/// (required items) or of its contract (items it scored on in a tender).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pledges {
    pub london_living_wage: bool,
    pub paid_travel: bool,
    pub guaranteed_hours: bool,
    pub local_hiring: bool,
    pub low_emission_travel: bool,
}

impl Pledges {
    pub fn union(self, o: Pledges) -> Pledges {
        Pledges {
            london_living_wage: self.london_living_wage || o.london_living_wage,
            paid_travel: self.paid_travel || o.paid_travel,
            guaranteed_hours: self.guaranteed_hours || o.guaranteed_hours,
            local_hiring: self.local_hiring || o.local_hiring,
            low_emission_travel: self.low_emission_travel || o.low_emission_travel,
        }
    }
    pub fn count(self) -> u32 {
        [
            self.london_living_wage,
            self.paid_travel,
            self.guaranteed_hours,
            self.local_hiring,
            self.low_emission_travel,
        ]
        .iter()
        .filter(|&&b| b)
        .count() as u32
    }
}

/// A contract won in a tender: a framework place, or a zonal lot (one patch).
#[derive(Clone, Copy, Debug)]
pub struct Contract {
    pub rate_gbp_per_hour: f64,
    pub start_week: i32,
    pub end_week: i32,
    /// The patch of a zonal lot (None for a framework place).
    pub patch: Option<PatchId>,
    /// Social-value items the provider scored on, now terms of the contract.
    pub pledges: Pledges,
}

/// A provider's travel in a week: km driven between visits, the mileage paid for them, their
/// emissions, and the workers on e-bikes (sums over its workers in staff order).
#[derive(Clone, Copy, Debug, Default)]
pub struct Travel {
    pub km: f64,
    pub mileage_gbp: f64,
    pub co2_kg: f64,
    pub e_bikes: u32,
}

/// A supplier agent.
///
/// Laid out by hand (docs/ODD.md §2.2): the fields that delivery, payment and the caseload
/// count read for each package sit together at the front, in a few cache lines, so that at
/// London scale, where the providers no longer fit in a core's cache, a package's week costs
/// a few provider lines, not one per field.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Provider {
    // The first cache line: what delivery and payment read of the provider for every one of
    // its packages (docs/ODD.md §2.2).
    /// Its staff (places in `World::workers`).
    pub workers: Staff,
    /// Share of demanded hours delivered this week.
    pub fill: f64,
    pub quality: f64,
    // The second: more of the same, and what every pass over the providers asks first.
    pub wage: f64,
    /// Mean travel speed and mileage rate of its workers.
    pub speed_kmh_mean: f64,
    pub mileage_gbp_per_km_mean: f64,
    pub contract: Option<Contract>,
    pub pays_travel: bool,
    /// Rosters a named cover carer for each client (a continuity decision, ODD §7.10).
    pub named_cover: bool,
    pub active: bool,
    /// Whether it pays at least the NLW for all working time including travel (a trait drawn
    /// at creation; enforcement is weak, so some providers do not).
    pub nmw_compliant: bool,
    pub local: bool,
    /// Entered during the run (its overhead ramps up), as opposed to the initial market.
    pub entrant: bool,
    /// Started by the Mission Incubator; brokers offer it packages first until
    /// `guarantee_until`, and it gets capability support until `support_until`.
    pub incubated: bool,
    pub base_patch: PatchId,
    pub kind: ProviderKind,
    // Then two lines of this week's revenue and cost lines (payment adds to the first of them
    // for every package), cash and revenue.
    pub accounts: super::finance::Accounts,
    /// Cash reserve (settled with the accounts each week).
    pub cash: f64,
    /// This week's revenue (settled with the accounts).
    pub revenue_week: f64,
    // By patch: what delivery and the caseload count read for a package in its patch.
    /// Travel km per worker-hour of contact, by patch (overall: `km_per_hour_mean`).
    pub km_per_hour: [f64; MAX_PATCHES],
    pub council_worker_hours: [f64; MAX_PATCHES],
    pub council_worker_visits: [f64; MAX_PATCHES],
    pub council_clients: [u32; MAX_PATCHES],
    // The rest, read once a week or less.
    pub entry_week: i32,
    pub exit_week: Option<i32>,
    pub exit_cause: Option<ExitCause>,
    pub guaranteed_target: f64,
    pub hiring_target: u32,
    /// Recruits who have accepted a post and await pre-employment checks.
    pub starting: u32,
    pub training_per_worker: f64,
    pub markup: f64,
    // State.
    pub overhead_per_week: f64,
    pub negative_cash_weeks: u32,
    /// Consecutive weeks its running margin has been below zero (withdrawal, ODD §7.17).
    pub loss_weeks: u32,
    pub negative_contract_margin_weeks: u32,
    /// The week it last handed back a contract (ODD §7.16), if ever: it may be barred from the
    /// next tender (§7.9).
    pub handed_back_week: Option<i32>,
    /// Consecutive weeks the provider has delivered less than its understaffing threshold.
    pub understaffed_weeks: u32,
    /// Management quality: a persistent shift of the provider's quality target, drawn once when
    /// it is created (docs/ODD.md §7.19).
    pub management: f64,
    pub rating: Option<Rating>,
    /// Self-funded contact hours per week held, by patch.
    pub self_funder_hours: [f64; MAX_PATCHES],
    // Running measures the provider decides on.
    /// Income risk (docs/ODD.md §7.10, contract mix): the share of its committed work that went
    /// unpaid (income below what the committed hours would earn in full), as a running average
    /// (EWMA, weight 1/13), and the weeks observed.
    pub unpaid_share: f64,
    pub income_weeks: u32,
    /// Operating margin, EWMA.
    pub margin: f64,
    /// Vacancy rate accumulated since the last wage review, and weeks accumulated.
    pub vacancy_accumulated: f64,
    pub review_weeks: u32,
    /// Leavers since the last wage review, and weekly headcounts summed over the same weeks.
    pub leavers_since_review: u32,
    pub heads_accumulated: f64,
    /// Travel km per worker-hour of contact, overall.
    pub km_per_hour_mean: f64,
    /// Worker-visits per worker-hour of contact (for access time per visit).
    pub visits_per_hour_mean: f64,
    /// Worker time (h) the committed caseload needs, and the workforce's available time.
    pub committed_time: f64,
    pub capacity_time: f64,
    pub travel_share: f64,
    pub wage_bill_week: f64,
    /// This week's travel by its workers, summed in delivery.
    pub travel_week: Travel,
    pub hires_week: u32,
    /// Worker time (h/week) of packages offered but declined for lack of staff, as a running
    /// average: demand the provider expects and recruits for (ODD §7.10, hiring target).
    pub declined_for_capacity: f64,
    pub declined_this_week: f64,
    pub leavers_week: u32,
    pub council_revenue_week: f64,
    pub cost_week: f64,
    pub contact_hours_week: f64,
    pub handbacks_total: u32,
    /// Contracts won in tenders over its life.
    pub contracts_won: u32,
    pub guarantee_until: i32,
    pub support_until: i32,
    /// Outcome payments earned this week outside the package payments (recovery bonuses).
    pub outcome_bonus_pending: f64,
    /// Incubator start-up grant to be paid in this week's finance.
    pub pending_grant: f64,
    /// Social-value terms in force this week (required or pledged).
    pub terms: Pledges,
    // Lifetime totals for the providers table.
    pub lifetime_contact_hours: f64,
    pub lifetime_weeks: u32,
    pub lifetime_quality: f64,
    pub lifetime_margin: f64,
    /// This year's totals so far, for the provider × year table.
    pub year: YearTally,
}

/// One provider's totals over the weeks it has traded in the current year of the run, for the
/// provider × year table (docs/ODD.md, "Outputs and metric definitions"): added to by
/// `finance::settle` each week it trades, started afresh by the engine at each year's first
/// week, and read by `metrics::record_provider_years` at the year's end or at the provider's
/// exit. Fixed-size, so the weekly loop allocates nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct YearTally {
    /// Weeks traded (settled while active) this year.
    pub weeks: u32,
    /// Carer-hours delivered to council clients, by the client's patch (a double-handed
    /// client-hour is two carer-hours, as in the weekly `council_worker_hours_delivered`).
    pub council_hours: [f64; MAX_PATCHES],
    /// Self-funded contact hours delivered (as in the weekly `self_funder_hours_delivered`).
    pub self_funded_hours: f64,
    /// Sum of the weekly operating margins (`week_margin` of ODD §7.15).
    pub margin_sum: f64,
    pub revenue_gbp: f64,
    pub costs_gbp: f64,
    /// Headcount and wage in the last week traded.
    pub workers: u32,
    pub wage_gbp_per_hour: f64,
    /// `contracts_won` when the year began.
    pub contracts_won_before: u32,
}

impl Provider {
    /// Travel time (h) per contact hour at the provider's mean speed.
    pub fn travel_time_per_hour(&self, g: &super::Geography) -> f64 {
        g.travel_time_per_hour(self.km_per_hour_mean, self.visits_per_hour_mean, self.speed_kmh_mean)
    }
    pub fn headcount(&self) -> u32 {
        self.workers.len() as u32
    }
    /// The hours a week its staff want, summed in staff order (`0` with no staff): delivery's
    /// sum while no one has joined or left since ([`Staff`]).
    pub fn staff_desired_hours(&self, workers: &[CareWorker]) -> f64 {
        let fresh = || self.workers.iter().map(|&w| workers[w as usize].desired_hours).sum::<f64>();
        match self.workers.tally() {
            Some(t) => {
                debug_assert_eq!(t.desired_hours.to_bits(), fresh().to_bits(), "a stale staff tally");
                t.desired_hours
            }
            None => fresh(),
        }
    }
    /// Its staff on guaranteed-hours contracts ([`Staff`]).
    pub fn guaranteed_staff(&self, workers: &[CareWorker]) -> u32 {
        let fresh = || self.workers.iter().filter(|&&w| workers[w as usize].guaranteed).count() as u32;
        match self.workers.tally() {
            Some(t) => {
                debug_assert_eq!(t.guaranteed, fresh(), "a stale staff tally");
                t.guaranteed
            }
            None => fresh(),
        }
    }
    /// The share of its staff on guaranteed-hours contracts (0 with no staff; [`Staff`]).
    pub fn guaranteed_share(&self, workers: &[CareWorker]) -> f64 {
        self.share_of_staff(|| self.guaranteed_staff(workers) as usize)
    }
    /// Its staff hired at least `competence` weeks before `week` ([`Staff`]).
    pub fn experienced_staff(&self, workers: &[CareWorker], week: i32, competence: f64) -> u32 {
        let fresh = || {
            let experienced = |w: u32| f64::from(week - workers[w as usize].hired_week) >= competence;
            self.workers.iter().filter(|&&w| experienced(w)).count() as u32
        };
        match self.workers.tally() {
            Some(t) if t.week == week => {
                debug_assert_eq!(t.experienced, fresh(), "a stale staff tally");
                t.experienced
            }
            _ => fresh(),
        }
    }
    /// Share of the provider's staff for whom `pred` holds (0 with no staff).
    pub fn staff_share(&self, workers: &[CareWorker], pred: impl Fn(&CareWorker) -> bool) -> f64 {
        self.share_of_staff(|| self.workers.iter().filter(|&&w| pred(&workers[w as usize])).count())
    }
    /// `count()` of the staff over the headcount; 0 with no staff (and `count` not asked).
    fn share_of_staff(&self, count: impl FnOnce() -> usize) -> f64 {
        if self.workers.is_empty() {
            return 0.0;
        }
        count() as f64 / self.workers.len() as f64
    }
    /// Posts not filled by someone at work: the vacancies of the outcome tables (a post whose
    /// recruit awaits pre-employment checks is still vacant).
    pub fn vacancies(&self) -> u32 {
        self.hiring_target.saturating_sub(self.headcount())
    }
    /// Posts the provider is still recruiting for: vacancies less those with a recruit awaiting
    /// pre-employment checks.
    pub fn open_posts(&self) -> u32 {
        self.vacancies().saturating_sub(self.starting)
    }
    /// Income risk: the expected share of committed work that goes unpaid, once a quarter of
    /// it has been observed (`None` before).
    pub fn income_risk(&self) -> Option<f64> {
        (self.income_weeks >= 13).then_some(self.unpaid_share)
    }
    /// Whether it has council or self-funded clients in `patch` this week.
    pub fn works_in(&self, patch: usize) -> bool {
        self.council_worker_hours[patch] > 0.0 || self.self_funder_hours[patch] > 0.0
    }
    pub fn self_funder_total(&self) -> f64 {
        self.self_funder_hours.iter().sum()
    }
    /// Council worker-hours committed this week, all patches.
    pub fn council_worker_total(&self) -> f64 {
        self.council_worker_hours.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The count of distinct carers (with vector instructions where the build has them) equals
    /// the scalar count over every ring of up to three carers and nobody, and over random
    /// rings.
    #[test]
    fn distinct_carers_count_as_the_scalar_count() {
        let carers = [NONE, 0, 7, u32::MAX - 1];
        for mut k in 0..4usize.pow(8) {
            let r: [u32; 8] = std::array::from_fn(|_| {
                let c = carers[k % 4];
                k /= 4;
                c
            });
            assert_eq!(count_distinct(&r), count_distinct_scalar(&r), "{r:?}");
        }
        let mut rng = crate::rng::TestLcg(3);
        for _ in 0..100_000 {
            let r: [u32; 8] =
                std::array::from_fn(|_| if rng.below(5) == 0 { NONE } else { rng.below(12) as u32 });
            assert_eq!(count_distinct(&r), count_distinct_scalar(&r), "{r:?}");
        }
    }

    /// The kept count of distinct carers equals a recount after every week, over random weeks
    /// drawn from a few carers (so that slots often repeat one another) and nobody.
    #[test]
    fn the_distinct_carer_count_follows_the_ring() {
        let mut c = crate::model::clients::draw_client(
            &mut crate::rng::Streams::new(1, 1).weekly(crate::rng::Process::ClientArrivals, 0),
            &crate::scenario::ClientParams::default(),
            &[1.0],
            0,
        );
        let mut rng = crate::rng::TestLcg(11);
        let mut counts = [0u32; 9];
        for week in 0..20_000usize {
            let carer = |k: u64| if k == 0 { NONE } else { k as u32 };
            let (regular, cover) = (carer(rng.below(4)), carer(rng.below(6)));
            c.record_carers(2 * (week % 4), regular, cover);
            let n = count_distinct(c.recent_carers());
            assert_eq!(c.distinct_recent_carers(), u32::from(n), "week {week}: {:?}", c.recent_carers());
            counts[n as usize] += 1;
            if rng.below(500) == 0 {
                c.clear_carers();
            }
        }
        // Every count from 1 to 5 (the most that five carers allow) occurs.
        assert!(counts[1..6].iter().all(|&k| k > 0), "{counts:?}");
    }

    /// A staff tally is kept while the same workers stay in the same order (their places
    /// moved with the records, contracts converted) and forgotten by every change of who is
    /// on the list or of their order.
    #[test]
    fn a_staff_tally_lasts_only_while_the_staff_stay_as_they_were() {
        let tally = StaffTally { week: 3, desired_hours: 96.0, guaranteed: 1, experienced: 2 };
        let staffed = || {
            let mut s = Staff::default();
            [7, 4, 9].into_iter().for_each(|w| s.push(w));
            assert_eq!(s.tally(), None, "a tally before delivery counted");
            s.set_tally(tally);
            s
        };
        let mut s = staffed();
        s.places_mut().iter_mut().for_each(|w| *w += 10);
        s.converted(2);
        assert_eq!(&s[..], [17, 14, 19]);
        assert_eq!(s.tally(), Some(&StaffTally { guaranteed: 3, ..tally }));
        let mut s = staffed();
        s.push(1);
        assert_eq!(s.tally(), None, "a newcomer");
        let mut s = staffed();
        assert_eq!(s.swap_remove(0), 7);
        assert_eq!(&s[..], [9, 4]);
        assert_eq!(s.tally(), None, "a leaver");
        let mut s = staffed();
        assert_eq!(s.take(), [7, 4, 9]);
        assert!(s.is_empty());
        assert_eq!(s.tally(), None, "a closure");
        let mut none = Staff::default();
        none.converted(1);
        assert_eq!(none.tally(), None, "a conversion makes no tally");
    }
}
