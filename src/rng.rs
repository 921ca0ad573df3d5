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
    /// Calibration designs and ABC-SMC proposals (not model dynamics).
    Calibration = 16,
}

/// The root of all streams of one replicate.
#[derive(Clone, Copy, Debug)]
pub struct Streams {
    master_seed: u64,
    replicate: u64,
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
        Self { master_seed, replicate }
    }

    pub fn replicate(&self) -> u64 {
        self.replicate
    }

    fn key(&self, process: Process, week: i64, entity: u64) -> u64 {
        let mut h = mix(self.master_seed);
        h = mix(h ^ self.replicate.wrapping_mul(0xA076_1D64_78BD_642F));
        h = mix(h ^ (process as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB));
        h = mix(h ^ (week as u64).wrapping_mul(0x8EBC_6AF0_9C88_C6E3));
        mix(h ^ entity.wrapping_mul(0x5899_65CC_7537_4CC3))
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
        let k = mix(self.key(process, week, entity));
        (k >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
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
