//! Scenario discovery over a sweep's points (docs/SENSITIVITY.md, "Scenario discovery"): each
//! `[[discovery]]` of a sweep file names a condition on the points' levels and paired
//! differences (e.g. mission-led no longer scores higher on the mission than the fair rate
//! floor), and PRIM (`analysis::discovery`) finds the box of the sweep's factors where it holds.

use serde::{Deserialize, Serialize};

use super::{PointResult, SweepPlan};
use crate::analysis::discovery::{Prim, PrimOptions, prim, quasi_p};

/// A `[[discovery]]` of a sweep file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiscoverySpec {
    /// A short name for tables and charts.
    pub name: String,
    /// `<term> <op> <term>`: a term is `level.<scenario>.<outcome>`,
    /// `difference.<policy>.<outcome>` (the policy's mean paired difference from the baseline)
    /// or a number; `<op>` is one of `<`, `<=`, `>`, `>=`.
    pub condition: String,
    /// Share of the box's points each peel removes (default 0.05).
    #[serde(default)]
    pub peel_alpha: Option<f64>,
    /// Smallest share of the points a box may hold (default 0.05).
    #[serde(default)]
    pub mass_min: Option<f64>,
    /// Density the reported box must reach (default 0.8).
    #[serde(default)]
    pub threshold: Option<f64>,
}

impl DiscoverySpec {
    /// PRIM's settings: the spec's, else EMA Workbench's defaults.
    pub fn options(&self) -> PrimOptions {
        let d = PrimOptions::default();
        PrimOptions {
            peel_alpha: self.peel_alpha.unwrap_or(d.peel_alpha),
            mass_min: self.mass_min.unwrap_or(d.mass_min),
            threshold: self.threshold.unwrap_or(d.threshold),
        }
    }

    /// Problems with the settings (each must lie in (0, 1); a peel in (0, 0.5)).
    pub fn check_options(&self) -> Vec<String> {
        let o = self.options();
        let mut out = Vec::new();
        if !(o.peel_alpha > 0.0 && o.peel_alpha < 0.5) {
            out.push(format!("peel_alpha must lie in (0, 0.5), found {}", o.peel_alpha));
        }
        for (name, v) in [("mass_min", o.mass_min), ("threshold", o.threshold)] {
            if !(v > 0.0 && v < 1.0) {
                out.push(format!("{name} must lie in (0, 1), found {v}"));
            }
        }
        out
    }
}

/// One side of a condition.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Term {
    /// A scenario's mean level of an outcome (scenario index, baseline 0).
    Level {
        scenario: usize,
        outcome: usize,
    },
    /// A policy's mean paired difference from the baseline (policy index, first policy 0).
    Difference {
        policy: usize,
        outcome: usize,
    },
    Number(f64),
}

impl Term {
    fn parse(text: &str, names: &[&str], outcomes: &[String]) -> Result<Term, String> {
        if let Ok(x) = text.parse::<f64>()
            && x.is_finite()
        {
            return Ok(Term::Number(x));
        }
        let parse_err = || {
            format!(
                "`{text}`: expected a number, `level.<scenario>.<outcome>` or `difference.<policy>.<outcome>`"
            )
        };
        let (kind, rest) = text.split_once('.').ok_or_else(parse_err)?;
        let (scenario, outcome) = rest.rsplit_once('.').ok_or_else(parse_err)?;
        let o = outcomes.iter().position(|x| x == outcome).ok_or_else(|| {
            format!("`{text}`: `{outcome}` is not one of the sweep's outcomes ({})", outcomes.join(", "))
        })?;
        let s = names.iter().position(|x| *x == scenario).ok_or_else(|| {
            format!("`{text}`: no scenario `{scenario}` in the sweep ({})", names.join(", "))
        })?;
        match kind {
            "level" => Ok(Term::Level { scenario: s, outcome: o }),
            "difference" if s == 0 => {
                Err(format!("`{text}`: `{scenario}` is the baseline; its difference from itself is 0"))
            }
            "difference" => Ok(Term::Difference { policy: s - 1, outcome: o }),
            _ => Err(parse_err()),
        }
    }

    fn value(&self, p: &PointResult) -> f64 {
        match *self {
            Term::Level { scenario, outcome } => p.levels[scenario][outcome],
            Term::Difference { policy, outcome } => p.differences[policy][outcome],
            Term::Number(x) => x,
        }
    }
}

/// A parsed condition: `left op right`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Condition {
    left: Term,
    op: Op,
    right: Term,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Condition {
    /// Parses `text` against the sweep's scenario names (baseline first) and outcomes.
    pub fn parse(text: &str, names: &[&str], outcomes: &[String]) -> Result<Condition, String> {
        // Two-character operators first, so `<=` is not read as `<`.
        for (token, op) in [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)] {
            if let Some((l, r)) = text.split_once(token) {
                if l.contains(['<', '>', '=']) || r.contains(['<', '>', '=']) {
                    return Err(format!(
                        "`{text}`: expected one comparison, with <, <=, > or >= written without spaces inside"
                    ));
                }
                let left = Term::parse(l.trim(), names, outcomes)?;
                let right = Term::parse(r.trim(), names, outcomes)?;
                if matches!((left, right), (Term::Number(_), Term::Number(_))) {
                    return Err(format!("`{text}`: compares two numbers"));
                }
                return Ok(Condition { left, op, right });
            }
        }
        Err(format!("`{text}`: expected `<term> <op> <term>` with <, <=, > or >="))
    }

    /// Whether the condition holds at a point (a missing value, NaN, never satisfies it).
    pub fn holds(&self, p: &PointResult) -> bool {
        let (a, b) = (self.left.value(p), self.right.value(p));
        match self.op {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// What PRIM found for one `[[discovery]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Discovery {
    pub name: String,
    pub condition: String,
    /// Share of the points where the condition holds.
    pub holds_share: f64,
    pub prim: Prim,
    /// The quasi-p-value of each restriction of the reported box (factor index, qp).
    pub qp: Vec<(usize, f64)>,
}

impl Discovery {
    /// The reported box's restrictions with a quasi-p-value at or below `alpha`: those that
    /// make the box denser than lifting them would.
    pub fn significant(&self, alpha: f64) -> Vec<usize> {
        self.qp.iter().filter(|(_, p)| *p <= alpha).map(|(j, _)| *j).collect()
    }
}

/// PRIM for every `[[discovery]]` of the sweep, on its points' factor values (a switch by its
/// form's index).
pub fn discover(plan: &SweepPlan, points: &[PointResult]) -> Vec<Discovery> {
    let names = plan.names();
    let x: Vec<Vec<f64>> = points.iter().map(|p| p.values.clone()).collect();
    plan.config
        .discovery
        .iter()
        .map(|d| {
            let c = Condition::parse(&d.condition, &names, &plan.config.outcomes).expect("checked at load");
            let y: Vec<bool> = points.iter().map(|p| c.holds(p)).collect();
            let hits = y.iter().filter(|&&b| b).count();
            let prim = prim(&x, &y, d.options());
            let qp = quasi_p(&x, &y, prim.chosen_box());
            Discovery {
                name: d.name.clone(),
                condition: d.condition.clone(),
                holds_share: if y.is_empty() { 0.0 } else { hits as f64 / y.len() as f64 },
                prim,
                qp,
            }
        })
        .collect()
}

/// The `discovery` table: one row per discovery × step of the peeling trajectory × factor,
/// with the box's coverage, density, mass and points, and the factor's limits (a switch's in
/// form indices), whether the box restricts it, and on the reported box's restricted rows the
/// restriction's quasi-p-value.
#[cfg(feature = "output")]
pub fn write_table(plan: &SweepPlan, dir: &std::path::Path, found: &[Discovery]) -> crate::error::Result<()> {
    use polars::prelude::*;
    let factors = plan.factors();
    let mut name = Vec::new();
    let mut step = Vec::new();
    let mut chosen = Vec::new();
    let (mut coverage, mut density, mut mass, mut npoints) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut factor, mut low, mut high, mut restricted) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut qp = Vec::new();
    for d in found {
        for (i, b) in d.prim.trajectory.iter().enumerate() {
            for (j, f) in factors.iter().enumerate() {
                name.push(d.name.clone());
                step.push(i as u32);
                chosen.push(i == d.prim.chosen);
                coverage.push(b.coverage);
                density.push(b.density);
                mass.push(b.mass);
                npoints.push(b.points as u32);
                factor.push(f.to_string());
                low.push(b.limits[j].0);
                high.push(b.limits[j].1);
                restricted.push(b.restricted.contains(&j));
                let chosen_qp = d.qp.iter().find(|(k, _)| *k == j).map(|(_, p)| *p);
                qp.push(if i == d.prim.chosen { chosen_qp } else { None });
            }
        }
    }
    let n = name.len();
    let cols = vec![
        Column::new("discovery".into(), name),
        Column::new("step".into(), step),
        Column::new("chosen".into(), chosen),
        Column::new("coverage".into(), coverage),
        Column::new("density".into(), density),
        Column::new("mass".into(), mass),
        Column::new("points".into(), npoints),
        Column::new("factor".into(), factor),
        Column::new("low".into(), low),
        Column::new("high".into(), high),
        Column::new("restricted".into(), restricted),
        Column::new("qp".into(), qp),
    ];
    let mut df = DataFrame::new(n, cols).map_err(crate::output::OutputError::from)?;
    crate::output::tables::write_frame(dir, "discovery", &mut df, None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(levels: Vec<Vec<f64>>, differences: Vec<Vec<f64>>) -> PointResult {
        PointResult { point: 0, values: vec![], levels, differences }
    }

    #[test]
    fn conditions_parse_and_hold_as_written() {
        let names = ["status-quo", "mission-led", "fair-rate-floor"];
        let outcomes = vec!["unmet_need_share".to_string(), "mission_score".to_string()];
        let p = point(
            vec![vec![0.05, 0.0], vec![0.03, 0.2], vec![0.02, 0.1]],
            vec![vec![-0.02, 0.2], vec![-0.03, 0.1]],
        );
        let holds = |t: &str| Condition::parse(t, &names, &outcomes).unwrap().holds(&p);
        assert!(holds("difference.mission-led.mission_score > difference.fair-rate-floor.mission_score"));
        assert!(!holds("difference.mission-led.mission_score <= difference.fair-rate-floor.mission_score"));
        assert!(holds("difference.mission-led.unmet_need_share >= -0.02"));
        assert!(!holds("difference.mission-led.unmet_need_share > -0.02"));
        assert!(holds("level.status-quo.unmet_need_share < 0.06"));
        assert!(holds("0.04 < level.status-quo.unmet_need_share"));
        for (bad, says) in [
            ("difference.status-quo.unmet_need_share > 0", "is the baseline"),
            ("difference.mission-led.turnover_annual > 0", "not one of the sweep's outcomes"),
            ("difference.nobody.unmet_need_share > 0", "no scenario `nobody`"),
            ("level.mission-led.unmet_need_share", "expected `<term> <op> <term>`"),
            ("1 < 2", "two numbers"),
            ("0 < level.status-quo.unmet_need_share < 1", "one comparison"),
            ("level.status-quo.unmet_need_share < = 0.5", "one comparison"),
            ("level.status-quo.unmet_need_share < =0.5", "one comparison"),
            ("level.status-quo.unmet_need_share > 0 <= 1", "one comparison"),
            ("delta.mission-led.unmet_need_share > 0", "expected a number"),
        ] {
            let e = Condition::parse(bad, &names, &outcomes).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
