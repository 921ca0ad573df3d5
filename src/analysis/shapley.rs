//! Shapley values of a game whose coalitions may be infeasible (docs/SENSITIVITY.md, "Which
//! lever does the work").
//!
//! The players are the levers a design changes; a coalition is the baseline with those levers
//! set as in the design; its worth is the outcome's paired difference from the baseline. Some
//! coalitions are not designs at all: a social-value item scored in a tender needs the tender.
//! The Shapley value averages each player's marginal contribution over the orderings in which
//! players join one at a time; here only the orderings in which every coalition on the way is
//! feasible count (Faigle and Kern 1992, the Shapley value under precedence constraints). With
//! every coalition feasible it is the ordinary Shapley value; either way the values add up to
//! the grand coalition's worth (efficiency).
//!
//! The weights are counted, not enumerated: f(S), the feasible orderings from ∅ to S, and
//! g(S), those from S to the grand coalition N. The marginal S → S ∪ {i} then carries weight
//! f(S) · g(S ∪ {i}) / f(N). Coalitions are bit sets over at most [`MAX_PLAYERS`] players.

/// Most players a game may have (2^12 coalitions).
pub const MAX_PLAYERS: usize = 12;

/// The weights of a game's marginal contributions.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapleyWeights {
    pub players: usize,
    /// `(coalition, player, weight)`: the marginal contribution of `player` joining
    /// `coalition` counts with `weight`. Weights of one player sum to 1.
    pub terms: Vec<(u32, usize, f64)>,
    /// Feasible orderings of all players.
    pub orderings: f64,
}

impl ShapleyWeights {
    /// The weights for `players` players, `feasible(S)` saying whether coalition S (a bit set)
    /// is one. `None` when no ordering reaches the grand coalition through feasible
    /// coalitions (the empty and the grand coalition must be feasible themselves).
    pub fn new(players: usize, feasible: impl Fn(u32) -> bool) -> Option<ShapleyWeights> {
        assert!(players <= MAX_PLAYERS, "at most {MAX_PLAYERS} players");
        let n = 1usize << players;
        let full = (n - 1) as u32;
        let ok: Vec<bool> = (0..n as u32).map(&feasible).collect();
        // f[S]: feasible orderings from ∅ to S; in increasing order of S every subset comes first.
        let mut f = vec![0.0f64; n];
        f[0] = if ok[0] { 1.0 } else { 0.0 };
        for s in 1..n {
            if ok[s] {
                f[s] = (0..players).filter(|&i| s & (1 << i) != 0).map(|i| f[s & !(1 << i)]).sum();
            }
        }
        // g[S]: feasible orderings from S to N; in decreasing order every superset comes first.
        let mut g = vec![0.0f64; n];
        g[full as usize] = if ok[full as usize] { 1.0 } else { 0.0 };
        for s in (0..n - 1).rev() {
            if ok[s] {
                g[s] = (0..players).filter(|&i| s & (1 << i) == 0).map(|i| g[s | (1 << i)]).sum();
            }
        }
        let orderings = f[full as usize];
        if orderings == 0.0 {
            return None;
        }
        let mut terms = Vec::new();
        for s in 0..n {
            if f[s] == 0.0 {
                continue;
            }
            for i in (0..players).filter(|&i| s & (1 << i) == 0) {
                let w = f[s] * g[s | (1 << i)] / orderings;
                if w > 0.0 {
                    terms.push((s as u32, i, w));
                }
            }
        }
        Some(ShapleyWeights { players, terms, orderings })
    }

    /// The coalitions whose worth the values need.
    pub fn coalitions(&self) -> Vec<u32> {
        let mut c: Vec<u32> = self.terms.iter().flat_map(|&(s, i, _)| [s, s | (1 << i)]).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Each player's Shapley value given the worth of every coalition `coalitions` lists.
    pub fn values(&self, worth: impl Fn(u32) -> f64) -> Vec<f64> {
        let mut phi = vec![0.0; self.players];
        for &(s, i, w) in &self.terms {
            phi[i] += w * (worth(s | (1 << i)) - worth(s));
        }
        phi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every coalition feasible the weights are the textbook ones, |S|! (n − |S| − 1)! / n!,
    /// and a three-player game's values match a hand calculation.
    #[test]
    fn with_every_coalition_feasible_it_is_the_ordinary_shapley_value() {
        let w = ShapleyWeights::new(3, |_| true).unwrap();
        assert_eq!(w.orderings, 6.0);
        for &(s, _, wt) in &w.terms {
            let k = s.count_ones();
            let expected = [2.0, 1.0, 2.0][k as usize] / 6.0;
            assert!((wt - expected).abs() < 1e-12);
        }
        // v(S) = |S|² : symmetric players, each gets v(N) / 3 = 3.
        let phi = w.values(|s| f64::from(s.count_ones()).powi(2));
        assert!(phi.iter().all(|p| (p - 3.0).abs() < 1e-12), "{phi:?}");
        // A glove game: player 0 holds a left glove, 1 and 2 right gloves; a pair is worth 1.
        let phi = w.values(|s| f64::from(u8::from(s & 1 != 0 && s & 6 != 0)));
        assert!((phi[0] - 2.0 / 3.0).abs() < 1e-12 && (phi[1] - 1.0 / 6.0).abs() < 1e-12, "{phi:?}");
    }

    /// Player 1 may only join after player 0 (a scored item needs the tender). The values still
    /// add up to v(N), an additive game still pays each player its own worth, and an
    /// interaction goes to the player who joins last in every feasible ordering.
    #[test]
    fn under_a_precedence_constraint_values_add_up_and_follow_the_feasible_orderings() {
        let feasible = |s: u32| s & 2 == 0 || s & 1 != 0;
        let w = ShapleyWeights::new(3, feasible).unwrap();
        assert_eq!(w.orderings, 3.0); // 0 1 2, 0 2 1, 2 0 1
        assert!(w.coalitions().iter().all(|&s| feasible(s)));
        let own = [1.0, 2.0, 4.0];
        let additive = |s: u32| (0..3).filter(|i| s & (1 << i) != 0).map(|i| own[i]).sum::<f64>();
        let phi = w.values(additive);
        for i in 0..3 {
            assert!((phi[i] - own[i]).abs() < 1e-12, "{phi:?}");
        }
        // Worth only in the pair {0, 1}: player 1 always joins after 0 and takes it all.
        let phi = w.values(|s| f64::from(u8::from(s & 3 == 3)));
        assert!((phi[1] - 1.0).abs() < 1e-12 && phi[0].abs() < 1e-12 && phi[2].abs() < 1e-12, "{phi:?}");
        assert!((phi.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_game_no_feasible_ordering_completes_has_no_values() {
        assert!(ShapleyWeights::new(2, |s| s != 3).is_none());
        assert!(ShapleyWeights::new(2, |s| s != 1 && s != 2).is_none());
    }
}
