//! Shards: a deterministic slice of a job's units (a sweep's design points, a comparison's
//! replicates), so a study can run as an ordinary job array on a cluster and be merged after
//! (docs/SCALING.md).
//!
//! Shard `I/N` takes the units `u` with `u mod N = I`. A unit's results depend only on its index
//! (its design point or replicate, and the master seed), never on `N`, so the merged results
//! are the same bytes however the work was split. Taking every N-th unit, rather than a
//! contiguous block, spreads the cost of each part of a design (a Morris trajectory, a Sobol
//! matrix) over the shards.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (`0 ≤ index < count`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole job, as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether unit `unit` is this shard's.
    pub fn contains(&self, unit: usize) -> bool {
        unit % self.count as usize == self.index as usize
    }

    /// This shard's units among `0..units`, in order.
    pub fn units(&self, units: usize) -> impl Iterator<Item = usize> + '_ {
        (self.index as usize..units).step_by(self.count as usize)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N`, with `0 ≤ I < N`: the form a Slurm array task (`$SLURM_ARRAY_TASK_ID/N`) or a
    /// Kubernetes indexed job (`$JOB_COMPLETION_INDEX/N`) passes.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected a shard as I/N with 0 ≤ I < N (e.g. 0/4), found `{s}`");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_units_and_parse_only_i_of_n() {
        let n = 3;
        let mut seen = vec![0; 10];
        for i in 0..n {
            let s: Shard = format!("{i}/{n}").parse().unwrap();
            assert_eq!(s.to_string(), format!("{i}/{n}"));
            for u in s.units(10) {
                assert!(s.contains(u));
                seen[u] += 1;
            }
        }
        assert_eq!(seen, vec![1; 10], "every unit in exactly one shard");
        for bad in ["3/3", "1/0", "x/2", "2", "-1/2", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(Shard::WHOLE.units(4).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }
}
