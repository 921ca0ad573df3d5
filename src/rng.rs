//! Seeded random streams for common random numbers (docs/ODD.md, "Reproducibility").
//!
//! Every draw in the model comes from a stream keyed by (master seed, replicate, process and,
//! where needed, week and entity id). The scenario is never part of the key, so two scenarios
//! run with the same seed see the same arrivals, the same quit draws for the same worker in the
//! same week, and so on: their comparison is paired.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The random generator behind every stream: small state, fast, statistically strong.
pub type Stream = Pcg64Mcg;

/// The stochastic processes of the model. Each has its own family of streams, so adding draws
/// to one process never shifts the numbers another process sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum Process {
    InitialState = 1,
    ClientArrivals = 2,
    ClientExit = 3,
    WorkerQuit = 6,
    PoolFlows = 7,
    JobSearch = 8,
    JobTaste = 9,
    Continuity = 10,
    Cancellations = 11,
    Inspection = 12,
    Entry = 13,
    Tender = 14,
    SelfFunders = 15,
    Absence = 17,
    Incubator = 18,
    Hospital = 19,
    Outreach = 20,
    /// Draws that only shocks make (extra arrivals in a demand surge, which new pool entrants
    /// a labour-supply drop keeps out), so a shock never shifts the numbers other processes see.
    Shock = 21,
    /// International recruits (their own inflow, ODD §7.13).
    International = 22,
    /// A provider's management quality, drawn once when it is created (ODD §7.19).
    Management = 23,
    /// Which of a closing provider's workers follow their clients (ODD §7.17).
    FollowClients = 24,
    /// Calibration designs and ABC-SMC proposals (not model dynamics).
    Calibration = 16,
    /// Draws of the analysis, not the model: the report's mission-weight sweep.
    Analysis = 25,
    /// Which accepted parameter point each draw of `compare --posterior` takes.
    Posterior = 26,
}

/// The root of all streams of one replicate.
#[derive(Clone, Copy, Debug)]
pub struct Streams {
    replicate: u64,
    /// The (master seed, replicate) part of every key, mixed once.
    prefix: u64,
}

/// The keys of one process in one week, with the (seed, replicate, process, week) prefix
/// mixed once: a draw per entity then costs one mixing round instead of five. Its draws are
/// exactly those of [`Streams::uniform`] with the same key.
#[derive(Clone, Copy, Debug)]
pub struct WeekKeys {
    prefix: u64,
}

impl WeekKeys {
    /// The same number as `Streams::uniform(process, week, entity)`.
    #[inline]
    pub fn uniform(&self, entity: u64) -> f64 {
        to_unit(self.key(entity))
    }

    /// The keyed 64 bits behind [`WeekKeys::uniform`] (whose number is their top 53 bits,
    /// scaled): in the same order as the numbers, and distinct for distinct entities (the
    /// key is a bijection of the entity), so sorting by them never meets a tie.
    #[inline]
    pub fn bits(&self, entity: u64) -> u64 {
        self.key(entity)
    }

    /// A standard normal number for one entity: the normal quantile of one keyed uniform
    /// number in the open interval (0, 1) ([`to_open_unit`]).
    #[inline]
    pub fn normal(&self, entity: u64) -> f64 {
        normal_quantile(to_open_unit(self.key(entity)))
    }

    /// The uniforms of a batch of entities, `out[k] = self.uniform(entities[k])`: the same
    /// numbers, in one loop that the compiler turns into vector instructions where the
    /// processor multiplies 64-bit lanes (AVX-512), several times cheaper a draw than one at a
    /// time. Worth it where the draws are most of a pass's work (client exits); where each draw
    /// overlaps with other work it was slower (docs/PERFORMANCE.md, "Built for the machine at
    /// hand; job tastes bounded; exit draws in batches").
    #[inline]
    pub fn uniforms(&self, entities: &[u64; BATCH]) -> [f64; BATCH] {
        let mut out = [0.0; BATCH];
        for (u, &e) in out.iter_mut().zip(entities) {
            *u = self.uniform(e);
        }
        out
    }

    /// The same standard normal number as [`WeekKeys::normal`], known at first only to within
    /// the bounds of its cell in a table of normal quantiles: the quantile itself is worked out
    /// only if asked for ([`BoundedNormal::value`]).
    #[inline]
    pub fn bounded_normal(&self, entity: u64) -> BoundedNormal {
        BoundedNormal::of(to_open_unit(self.key(entity)))
    }

    /// One SplitMix64 round over the mixed prefix and the entity: the mix is a bijection with
    /// full avalanche, as in SplitMix64 itself (a Weyl sequence through the same finaliser).
    #[inline]
    fn key(&self, entity: u64) -> u64 {
        mix(self.prefix ^ entity.wrapping_mul(ENTITY))
    }
}

/// Entities a batch of [`WeekKeys::uniforms`] draws for.
pub const BATCH: usize = 16;

/// Equal cells of (0, 1) in the table behind [`BoundedNormal`].
const NORMAL_CELLS: usize = 256;

/// Added below and above the normal quantiles at a cell's edges: `normal_quantile` is not
/// exactly monotone to the last bit (its central and tail formulas meet with an error of about
/// 1e-16), and this margin is far wider than that.
const NORMAL_EDGE_MARGIN: f64 = 1e-9;

/// For each cell of (0, 1), the normal quantiles at its lower and upper edges, less and more
/// `NORMAL_EDGE_MARGIN`; the outermost edges are infinite.
static NORMAL_CELL_BOUNDS: std::sync::LazyLock<[(f64, f64); NORMAL_CELLS]> = std::sync::LazyLock::new(|| {
    let edge = |i: usize| match i {
        0 => f64::NEG_INFINITY,
        NORMAL_CELLS => f64::INFINITY,
        _ => normal_quantile(i as f64 / NORMAL_CELLS as f64),
    };
    std::array::from_fn(|i| (edge(i) - NORMAL_EDGE_MARGIN, edge(i + 1) + NORMAL_EDGE_MARGIN))
});

/// A standard normal number `normal_quantile(p)` with bounds `lo ≤ value ≤ hi` known without
/// working it out (the edges of `p`'s cell in a table): a comparison that the bounds decide
/// needs no quantile. The bounds are 0.01 apart in the middle cells and 0.02 on average over
/// the inner cells (0.24 next to the outer ones); in the outer two cells (`p` below 1/256 or
/// above 255/256) they are infinite.
#[derive(Clone, Copy, Debug)]
pub struct BoundedNormal {
    p: f64,
    pub lo: f64,
    pub hi: f64,
}

impl BoundedNormal {
    /// The normal quantile at `p` in (0, 1), with its cell's bounds.
    #[inline]
    pub fn of(p: f64) -> Self {
        // (`p × 256` is exact: a power of two.)
        let (lo, hi) = NORMAL_CELL_BOUNDS[((p * NORMAL_CELLS as f64) as usize).min(NORMAL_CELLS - 1)];
        Self { p, lo, hi }
    }

    /// The number itself: `normal_quantile(p)`.
    #[inline]
    pub fn value(&self) -> f64 {
        normal_quantile(self.p)
    }
}

/// The quantile of the standard normal distribution at `p` in (0, 1): Wichura's algorithm
/// AS 241 (PPND16, Applied Statistics 37(3), 1988, 477–484), accurate to about 1 part in
/// 10¹⁶; its constants are written as published, with more digits than an f64 holds. For `p`
/// in [0.075, 0.925] (85% of draws) it is a ratio of two polynomials; only the tails take a
/// logarithm and a square root.
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    fn ratio(num: &[f64; 8], den: &[f64; 8], x: f64) -> f64 {
        let poly = |c: &[f64; 8]| c.iter().rev().fold(0.0, |acc, &k| acc * x + k);
        poly(num) / poly(den)
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        return q * ratio(&A, &B, 0.180_625 - q * q);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let z = if r <= 5.0 { ratio(&C, &D, r - 1.6) } else { ratio(&E, &F, r - 5.0) };
    if q < 0.0 { -z } else { z }
}

const REPLICATE: u64 = 0xA076_1D64_78BD_642F;
const PROCESS: u64 = 0xE703_7ED1_A0B4_28DB;
const WEEK: u64 = 0x8EBC_6AF0_9C88_C6E3;
const ENTITY: u64 = 0x5899_65CC_7537_4CC3;

/// The top 53 bits of a mixed key as a uniform number in [0, 1).
#[inline]
fn to_unit(k: u64) -> f64 {
    // (Through i64, exactly the same number: x86-64 converts signed integers in one
    // instruction, unsigned ones in several.)
    (k >> 11) as i64 as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The top 53 bits of a mixed key as a number in the open interval (0, 1): the middle of its
/// 2⁻⁵³ interval. Above ½ an f64 has no such middles, and the sum rounds to an end of the
/// interval; the topmost key would round to 1, and takes the largest number below 1 instead.
#[inline]
fn to_open_unit(k: u64) -> f64 {
    (to_unit(k) + 0.5 / (1u64 << 53) as f64).min(1.0 - f64::EPSILON / 2.0)
}

/// SplitMix64 finaliser: a bijective mix with full avalanche, used to combine key parts.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Streams {
    pub fn new(master_seed: u64, replicate: u64) -> Self {
        Self { replicate, prefix: mix(mix(master_seed) ^ replicate.wrapping_mul(REPLICATE)) }
    }

    pub fn replicate(&self) -> u64 {
        self.replicate
    }

    fn key(&self, process: Process, week: i64, entity: u64) -> u64 {
        self.week_keys(process, week).key(entity)
    }

    /// The keys of one process in one week, for loops that draw once per entity.
    #[inline]
    pub fn week_keys(&self, process: Process, week: i64) -> WeekKeys {
        let h = mix(self.prefix ^ (process as u64).wrapping_mul(PROCESS));
        WeekKeys { prefix: mix(h ^ (week as u64).wrapping_mul(WEEK)) }
    }

    /// A stream for one process in one week (e.g. the week's arrivals).
    pub fn weekly(&self, process: Process, week: i64) -> Stream {
        self.entity(process, week, u64::MAX)
    }

    /// A stream for one process, week and entity (e.g. worker 17's quit draw in week 40).
    pub fn entity(&self, process: Process, week: i64, entity: u64) -> Stream {
        let k = self.key(process, week, entity);
        Stream::seed_from_u64(k)
    }

    /// A uniform number in [0, 1) for one process, week and entity, without building a
    /// generator: the cheapest way to draw one Bernoulli event per agent per week.
    #[inline]
    pub fn uniform(&self, process: Process, week: i64, entity: u64) -> f64 {
        to_unit(self.key(process, week, entity))
    }
}

/// A tiny linear congruential generator for unit tests that need many arbitrary cases cheaply
/// (not for the model: its draws come from `Streams`).
#[cfg(test)]
pub(crate) struct TestLcg(pub u64);

#[cfg(test)]
impl TestLcg {
    fn step(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0
    }
    /// A number in 0..n (the state's high bits).
    pub fn below(&mut self, n: u64) -> u64 {
        (self.step() >> 33) % n
    }
    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        to_unit(self.step())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_every_key_part() {
        let s = Streams::new(7, 0);
        let base = s.entity(Process::WorkerQuit, 3, 11).next_u64();
        assert_ne!(base, Streams::new(8, 0).entity(Process::WorkerQuit, 3, 11).next_u64());
        assert_ne!(base, Streams::new(7, 1).entity(Process::WorkerQuit, 3, 11).next_u64());
        assert_ne!(base, s.entity(Process::JobSearch, 3, 11).next_u64());
        assert_ne!(base, s.entity(Process::WorkerQuit, 4, 11).next_u64());
        assert_ne!(base, s.entity(Process::WorkerQuit, 3, 12).next_u64());
        assert_eq!(base, s.entity(Process::WorkerQuit, 3, 11).next_u64());
    }

    /// The keys are a fixed function of their parts: a change to the mixing would silently
    /// change every published number, so the first draws are pinned here.
    #[test]
    fn keys_are_pinned_and_week_keys_agree() {
        let s = Streams::new(20_261_125, 3);
        let u = s.uniform(Process::WorkerQuit, 40, 17);
        // The value of the five-round key (seed, replicate, process, week, entity).
        let reference = {
            let mut h = mix(20_261_125);
            h = mix(h ^ 3u64.wrapping_mul(REPLICATE));
            h = mix(h ^ (Process::WorkerQuit as u64).wrapping_mul(PROCESS));
            h = mix(h ^ 40u64.wrapping_mul(WEEK));
            to_unit(mix(h ^ 17u64.wrapping_mul(ENTITY)))
        };
        assert_eq!(u, reference);
        let keys = s.week_keys(Process::WorkerQuit, 40);
        for e in [0, 1, 17, u64::MAX] {
            assert_eq!(keys.uniform(e), s.uniform(Process::WorkerQuit, 40, e));
        }
        assert_ne!(keys.uniform(17), s.week_keys(Process::WorkerQuit, 41).uniform(17));
        let batch: [u64; BATCH] =
            std::array::from_fn(|k| (k as u64).wrapping_mul(0x9E37_79B9) ^ (k as u64) << 60);
        for (u, e) in keys.uniforms(&batch).into_iter().zip(batch) {
            assert_eq!(u.to_bits(), keys.uniform(e).to_bits());
        }
    }

    /// One mixing round per draw still gives independent-looking numbers where the model
    /// relies on them: consecutive entities (ids in order of arrival), and an entity's second
    /// draw (`entity ^ 1 << 40`, as the labour market keys it) against its first. Over 2²⁰
    /// entities: each decile within 4.5 standard errors of a tenth, and correlations within
    /// 4.5 standard errors of 0.
    #[test]
    fn one_round_keys_are_uniform_and_uncorrelated() {
        let keys = Streams::new(20_261_125, 5).week_keys(Process::ClientExit, 12);
        let n = 1usize << 20;
        let mut deciles = [0usize; 10];
        let (mut lag, mut second, mut sum, mut sq) = (0.0, 0.0, 0.0, 0.0);
        let mut last = keys.uniform(0);
        for e in 0..n as u64 {
            let u = keys.uniform(e);
            deciles[(u * 10.0) as usize] += 1;
            sum += u;
            sq += u * u;
            if e > 0 {
                lag += (u - 0.5) * (last - 0.5);
            }
            second += (u - 0.5) * (keys.uniform(e ^ (1 << 40)) - 0.5);
            last = u;
        }
        let nf = n as f64;
        let sd_decile = (nf * 0.1 * 0.9).sqrt();
        for (d, &k) in deciles.iter().enumerate() {
            assert!((k as f64 - nf / 10.0).abs() < 4.5 * sd_decile, "decile {d}: {k}");
        }
        let var = sq / nf - (sum / nf).powi(2);
        assert!((var - 1.0 / 12.0).abs() < 0.001, "variance {var}");
        // Each product of two independent centred uniforms has sd 1/12.
        let se = (1.0 / 12.0) / nf.sqrt();
        for (what, c) in [("consecutive entities", lag / nf), ("second draw", second / nf)] {
            assert!(c.abs() < 4.5 * se, "{what}: mean product {c}, se {se}");
        }
    }

    /// AS 241 agrees with quantiles computed to 60 digits (mpmath: the root of ncdf(z) = p)
    /// to 1e-14 over the range of the keyed normals, inverts statrs's distribution function across (0, 1)
    /// to its own accuracy (about 1e-10), is odd about ½, and keyed normals have mean 0 and
    /// variance 1.
    #[test]
    #[allow(clippy::excessive_precision)]
    fn normal_quantile_inverts_the_normal_cdf() {
        let reference = [
            // The smallest `p` a keyed normal uses, 2⁻⁵⁴ (AS 241 loses accuracy only far
            // beyond, near 1e-300).
            (1.0 / (1u64 << 54) as f64, -8.292_361_075_813_595_538_2),
            (1e-20, -9.262_340_089_798_407_573_7),
            (1e-5, -4.264_890_793_922_824_628_5),
            (0.0005, -3.290_526_731_491_894_793_2),
            (0.02, -2.053_748_910_631_823_052_9),
            (0.075, -1.439_531_470_938_455_915_3),
            (0.1, -1.281_551_565_544_600_467),
            (0.3, -0.524_400_512_708_040_784_04),
            (0.7, 0.524_400_512_708_040_784_04),
            (0.925, 1.439_531_470_938_455_915_3),
            (0.99, 2.326_347_874_040_841_100_9),
            (0.9, 1.281_551_565_544_600_467),
        ];
        for (p, z) in reference {
            let got = normal_quantile(p);
            assert!(((got - z) / z).abs() < 1e-14, "p {p}: {got}, expected {z}");
        }
        use statrs::function::erf::erfc;
        let cdf = |z: f64| 0.5 * erfc(-z / std::f64::consts::SQRT_2);
        for i in 1..2000 {
            let p = f64::from(i) / 2000.0;
            let z = normal_quantile(p);
            assert!(((cdf(z) - p) / p).abs() < 1e-9, "p {p}: z {z}, cdf {}", cdf(z));
            assert!((z + normal_quantile(1.0 - p)).abs() < 1e-12, "p {p}");
        }
        assert_eq!(normal_quantile(0.5), 0.0);
        let keys = Streams::new(1, 0).week_keys(Process::JobTaste, 0);
        let n = 200_000;
        let (mut sum, mut sq) = (0.0, 0.0);
        for e in 0..n {
            let z = keys.normal(e);
            sum += z;
            sq += z * z;
        }
        let mean = sum / n as f64;
        let var = sq / n as f64 - mean * mean;
        assert!(mean.abs() < 0.012 && (var - 1.0).abs() < 0.015, "mean {mean}, variance {var}");
    }

    /// A bounded normal's bounds hold its number, at and beside every cell edge and at random,
    /// and its number is the keyed normal's; the inner cells are narrow.
    #[test]
    fn bounded_normals_lie_within_their_bounds() {
        let check = |p: f64| {
            let b = BoundedNormal::of(p);
            let z = normal_quantile(p);
            assert!(b.lo <= z && z <= b.hi, "p {p}: {z} outside [{}, {}]", b.lo, b.hi);
            assert_eq!(b.value().to_bits(), z.to_bits());
        };
        for i in 1..NORMAL_CELLS {
            let edge = i as f64 / NORMAL_CELLS as f64;
            for p in [edge, edge.next_down(), edge.next_up()] {
                check(p);
            }
        }
        for p in [to_open_unit(0), to_open_unit(u64::MAX), 0.075, 0.925, 0.5] {
            check(p);
        }
        let mut lcg = TestLcg(7);
        for _ in 0..200_000 {
            check(to_open_unit(lcg.step()));
        }
        let inner = &NORMAL_CELL_BOUNDS[1..NORMAL_CELLS - 1];
        let mean_width = inner.iter().map(|(lo, hi)| hi - lo).sum::<f64>() / inner.len() as f64;
        let middle = NORMAL_CELL_BOUNDS[NORMAL_CELLS / 2];
        assert!(mean_width < 0.025 && middle.1 - middle.0 < 0.011, "{mean_width}, {middle:?}");
        let keys = Streams::new(3, 1).week_keys(Process::JobTaste, 0);
        for e in 0..1000 {
            assert_eq!(keys.bounded_normal(e).value().to_bits(), keys.normal(e).to_bits());
        }
    }

    /// The uniform behind a keyed normal is never 0 or 1, so the normal is always finite, at
    /// the smallest and largest keys as between.
    #[test]
    fn keyed_normals_come_from_the_open_unit_interval() {
        for k in [0, 1, 1 << 11, u64::MAX >> 1, u64::MAX - (1 << 11), u64::MAX] {
            let u = to_open_unit(k);
            assert!(u > 0.0 && u < 1.0, "key {k}: {u}");
            assert!(normal_quantile(u).is_finite(), "key {k}: {}", normal_quantile(u));
        }
        assert_eq!(to_open_unit(0), 0.5 / (1u64 << 53) as f64);
        assert_eq!(to_open_unit(u64::MAX), 1.0 - f64::EPSILON / 2.0);
    }

    #[test]
    fn keyed_bits_order_like_their_numbers_and_never_tie() {
        let keys = Streams::new(5, 1).week_keys(Process::JobSearch, 3);
        let mut v: Vec<(u64, f64)> = (0..50_000).map(|e| (keys.bits(e), keys.uniform(e))).collect();
        v.sort_unstable_by_key(|x| x.0);
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0), "two entities share their bits");
        assert!(v.windows(2).all(|w| w[0].1 <= w[1].1), "the bits are not in the order of the numbers");
    }

    #[test]
    fn uniform_is_in_unit_interval_and_roughly_uniform() {
        let s = Streams::new(1, 2);
        let n = 100_000;
        let mut sum = 0.0;
        for i in 0..n {
            let u = s.uniform(Process::ClientExit, 5, i);
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        let mean = sum / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
    }
}
