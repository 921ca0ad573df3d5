//! `careshape decompose`: a design's paired difference from a baseline split into the
//! contributions of the levers it changes, by Shapley values over lever subsets on common random
//! numbers (docs/SENSITIVITY.md, "Which lever does the work").
//!
//! A design changes several levers at once: the award, the price and rate floor, the payment
//! basis, each social-value item, the incubator. A *coalition* of levers is the baseline with
//! those levers set as in the design (their keys copied whole). Every coalition runs the same
//! replicates on the same seeds as the baseline and the design, so its worth, the paired
//! difference of an outcome from the baseline, is measured with common random numbers. A lever's
//! Shapley value is its mean marginal contribution over the orderings in which levers join; only
//! orderings through valid designs count (`analysis::shapley`), because some coalitions are not
//! designs (a social-value item scored in a tender needs the tender). The values add up to the
//! design's own paired difference.

use serde_json::Value;

use crate::analysis::shapley::{MAX_PLAYERS, ShapleyWeights};
use crate::analysis::stats::moments;
use crate::error::{Error, Result};
use crate::scenario::{Scenario, SocialValueMode};

/// A group of keys that make one lever: the subtrees of a scenario it sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeverGroup {
    pub name: &'static str,
    pub keys: &'static [&'static str],
}

/// The levers a design may change (docs/SENSITIVITY.md). Keys a design changes outside them
/// form one more lever, `other`.
pub const LEVERS: &[LeverGroup] = &[
    LeverGroup {
        name: "award",
        keys: &[
            "commissioning.award",
            "commissioning.tender",
            "commissioning.brokerage",
            "commissioning.approved_min_rating",
            "commissioning.admit_unrated",
        ],
    },
    LeverGroup {
        name: "price and rate floor",
        keys: &[
            "commissioning.price",
            "commissioning.rate_gbp_per_hour",
            "commissioning.fee_uplift",
            "commissioning.rate_floor",
        ],
    },
    LeverGroup {
        name: "payment basis",
        keys: &[
            "commissioning.payment",
            "commissioning.block_share",
            "commissioning.outcomes",
            "commissioning.min_visit_minutes",
        ],
    },
    LeverGroup {
        name: "social value: London Living Wage",
        keys: &["commissioning.social_value.london_living_wage"],
    },
    LeverGroup { name: "social value: paid travel", keys: &["commissioning.social_value.paid_travel"] },
    LeverGroup {
        name: "social value: guaranteed hours",
        keys: &[
            "commissioning.social_value.guaranteed_hours",
            "commissioning.social_value.guaranteed_hours_min_share",
        ],
    },
    LeverGroup {
        name: "social value: local hiring",
        keys: &["commissioning.social_value.local_hiring", "commissioning.social_value.local_hiring_share"],
    },
    LeverGroup {
        name: "social value: low-emission travel",
        keys: &[
            "commissioning.social_value.low_emission_travel",
            "commissioning.social_value.e_bike_gbp_per_worker_week",
        ],
    },
    LeverGroup { name: "incubator", keys: &["commissioning.incubator"] },
];

/// A lever the design changes: its name and the keys that differ from the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Lever {
    pub name: String,
    /// The subtrees copied from the design into a coalition.
    pub paths: Vec<String>,
    /// The changed keys (leaves), for the table.
    pub changed: Vec<String>,
}

/// Whether `key` lies at or below `path`.
fn under(key: &str, path: &str) -> bool {
    key == path || key.strip_prefix(path).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// A key path (`a.b[2].c`) as a JSON pointer (`/a/b/2/c`).
fn pointer(path: &str) -> String {
    let mut p = String::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((name, rest)) => {
                p.push('/');
                p.push_str(name);
                for index in rest.split('[') {
                    p.push('/');
                    p.push_str(index.trim_end_matches(']'));
                }
            }
            None => {
                p.push('/');
                p.push_str(part);
            }
        }
    }
    p
}

/// The nearest path at or above `path` present in both values (a key one side lacks is copied
/// with its parent).
fn common_path(a: &Value, b: &Value, path: &str) -> String {
    let mut p = path.to_string();
    loop {
        if a.pointer(&pointer(&p)).is_some() && b.pointer(&pointer(&p)).is_some() {
            return p;
        }
        match p.rfind(['.', '[']) {
            Some(i) => p.truncate(i),
            None => return p,
        }
    }
}

/// The levers `design` changes from `baseline`, in `LEVERS` order, then `other`.
pub fn levers(baseline: &Scenario, design: &Scenario) -> Vec<Lever> {
    let (a, b) = (to_value(baseline), to_value(design));
    let changed: Vec<String> =
        crate::scenario::diff::value_differences(&a, &b).into_iter().map(|d| d.key).collect();
    let mut out: Vec<Lever> = LEVERS
        .iter()
        .filter_map(|g| {
            let keys: Vec<String> =
                changed.iter().filter(|k| g.keys.iter().any(|p| under(k, p))).cloned().collect();
            (!keys.is_empty()).then(|| Lever {
                name: g.name.into(),
                paths: g.keys.iter().map(|k| k.to_string()).collect(),
                changed: keys,
            })
        })
        .collect();
    let other: Vec<String> = changed
        .iter()
        .filter(|k| !LEVERS.iter().any(|g| g.keys.iter().any(|p| under(k, p))))
        .cloned()
        .collect();
    if !other.is_empty() {
        let mut paths: Vec<String> = other.iter().map(|k| common_path(&a, &b, k)).collect();
        paths.dedup();
        out.push(Lever { name: "other".into(), paths, changed: other });
    }
    out
}

/// Sets `path` in `to` as it is in `from`: the value copied, inserted where `to` lacks the key,
/// or removed where `from` lacks it (a table one side leaves out, such as no shocks). False
/// when `to` has no parent object to hold it.
fn copy_path(from: &Value, to: &mut Value, path: &str) -> bool {
    let p = pointer(path);
    let (parent, key) = p.rsplit_once('/').expect("a pointer starts with /");
    match (from.pointer(&p).cloned(), to.pointer_mut(&p)) {
        (Some(src), Some(dst)) => {
            *dst = src;
            true
        }
        (None, None) => true,
        // One side lacks the key: insert it into, or remove it from, `to`'s parent object.
        (src, _) => match to.pointer_mut(parent).and_then(Value::as_object_mut) {
            Some(obj) => {
                match src {
                    Some(v) => obj.insert(key.to_string(), v),
                    None => obj.remove(key),
                };
                true
            }
            None => false,
        },
    }
}

fn to_value(s: &Scenario) -> Value {
    serde_json::to_value(s).expect("a scenario always serialises")
}

/// The scenario of a coalition: the baseline with the levers in `coalition` (a bit set over
/// `levers`) set as in `design`. A tender with no social-value item scored scores price and
/// quality only, in the design's ratio (its social-value weight would otherwise be invalid).
/// `None` if the result is not a valid design.
pub fn coalition(
    baseline: &Scenario,
    design: &Scenario,
    levers: &[Lever],
    coalition: u32,
) -> Option<Scenario> {
    let full = (1u32 << levers.len()) - 1;
    let from = to_value(design);
    let mut v = to_value(baseline);
    for (i, lever) in levers.iter().enumerate() {
        if coalition & (1 << i) == 0 {
            continue;
        }
        for path in &lever.paths {
            if !copy_path(&from, &mut v, path) {
                return None;
            }
        }
    }
    let mut s: Scenario = serde_json::from_value(v).ok()?;
    let c = &mut s.commissioning;
    let w = &mut c.tender.scoring;
    if w.social_value > 0.0 && !c.social_value.items().contains(&SocialValueMode::Scored) {
        let rest = w.price + w.quality;
        if rest > 0.0 {
            w.price /= rest;
            w.quality /= rest;
        } else {
            w.price = 1.0;
        }
        w.social_value = 0.0;
    }
    s.name = match coalition {
        0 => baseline.name.clone(),
        c if c == full => design.name.clone(),
        c => format!("{}+{}", baseline.name, coalition_label(levers, c)),
    };
    s.description = if coalition == full { design.description.clone() } else { baseline.description.clone() };
    crate::scenario::validate(&s).is_empty().then_some(s)
}

/// A coalition's levers, joined by " + " ("baseline" for none).
pub fn coalition_label(levers: &[Lever], coalition: u32) -> String {
    let names: Vec<&str> = levers
        .iter()
        .enumerate()
        .filter(|(i, _)| coalition & (1 << i) != 0)
        .map(|(_, l)| l.name.as_str())
        .collect();
    if names.is_empty() { "baseline".into() } else { names.join(" + ") }
}

/// One lever's contribution to one outcome's paired difference.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    pub outcome: String,
    /// A lever's name, or `total` (the design's own paired difference).
    pub lever: String,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// A finished decomposition.
#[derive(Clone, Debug)]
pub struct Decomposition {
    pub baseline: String,
    pub design: String,
    pub levers: Vec<Lever>,
    pub outcomes: Vec<String>,
    pub replicates: u32,
    /// Coalitions run (bit sets over `levers`) and, per outcome, the mean paired difference.
    pub coalitions: Vec<(u32, Vec<f64>)>,
    /// Coalitions that are not valid designs.
    pub infeasible: Vec<u32>,
    /// Feasible orderings of the levers.
    pub orderings: f64,
    /// Per outcome: each lever's contribution, then the total.
    pub contributions: Vec<Contribution>,
}

/// What a decomposition runs: the levers `design` changes from `baseline`, the Shapley weights
/// of their game, and every subset of levers built as a scenario (`None` where it is not a
/// valid design), each built once.
#[derive(Clone, Debug)]
pub struct Plan {
    pub baseline: String,
    pub design: String,
    pub levers: Vec<Lever>,
    pub weights: ShapleyWeights,
    /// Indexed by the subset's bit set.
    pub subsets: Vec<Option<Scenario>>,
}

impl Plan {
    /// The subsets that are not valid designs.
    pub fn infeasible(&self) -> Vec<u32> {
        (0..self.subsets.len() as u32).filter(|&c| self.subsets[c as usize].is_none()).collect()
    }
}

pub fn plan(baseline: &Scenario, design: &Scenario) -> Result<Plan> {
    let levers = levers(baseline, design);
    if levers.is_empty() {
        return Err(Error::Input(format!(
            "{} changes nothing from {}: there is no difference to decompose",
            design.name, baseline.name
        )));
    }
    if levers.len() > MAX_PLAYERS {
        return Err(Error::Input(format!(
            "{} changes {} levers; a decomposition handles at most {MAX_PLAYERS}",
            design.name,
            levers.len()
        )));
    }
    let n = 1u32 << levers.len();
    let subsets: Vec<Option<Scenario>> = (0..n).map(|c| coalition(baseline, design, &levers, c)).collect();
    // Every lever together must rebuild the design exactly, or the total would not be its
    // difference.
    let full = &subsets[(n - 1) as usize];
    let rest = full.as_ref().map(|f| crate::scenario::diff::differences(design, f)).unwrap_or_default();
    if full.is_none() || !rest.is_empty() {
        return Err(Error::Input(format!(
            "{}: its levers do not rebuild it from {} (still different: {}); please report this",
            design.name,
            baseline.name,
            rest.iter().map(|d| d.key.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let weights = ShapleyWeights::new(levers.len(), |c| subsets[c as usize].is_some()).ok_or_else(|| {
        Error::Input(format!(
            "{}: no order of adding its levers to {} passes through valid designs only",
            design.name, baseline.name
        ))
    })?;
    Ok(Plan { baseline: baseline.name.clone(), design: design.name.clone(), levers, weights, subsets })
}

/// Runs the decomposition: every coalition the Shapley values need, on replicates
/// `0..replicates` of `seed`, summarised as it finishes (memory holds one block of runs).
/// `progress` is called after each finished run.
pub fn decompose(
    plan: &Plan,
    outcomes: &[String],
    seed: u64,
    replicates: u32,
    progress: &(dyn Fn() + Sync),
) -> Result<Decomposition> {
    let metrics: Vec<usize> = outcomes
        .iter()
        .map(|o| {
            crate::analysis::summary_index(o).ok_or_else(|| {
                Error::Input(format!("`{o}` is not a summary metric (`careshape metrics` lists them)"))
            })
        })
        .collect::<Result<_>>()?;
    let (levers, weights) = (&plan.levers, &plan.weights);
    let needed = weights.coalitions();
    let scenarios: Vec<Scenario> = needed
        .iter()
        .map(|&c| plan.subsets[c as usize].clone().expect("needed coalitions are feasible"))
        .collect();
    // values[coalition index][replicate][outcome]
    let jobs = crate::engine::jobs(scenarios.len(), 0..replicates);
    let mut values = vec![vec![Vec::new(); replicates as usize]; scenarios.len()];
    let block = 8 * rayon::current_num_threads();
    for chunk in jobs.chunks(block) {
        let results = crate::engine::run_jobs(&scenarios, seed, chunk, progress);
        for (&(s, r), result) in chunk.iter().zip(&results) {
            let summary = crate::analysis::summarise(result);
            values[s][r as usize] = metrics.iter().map(|&m| summary.values()[m]).collect();
        }
    }
    let index = |c: u32| needed.binary_search(&c).expect("a needed coalition");
    let full = (1u32 << levers.len()) - 1;
    let mut contributions = Vec::new();
    for (o, outcome) in outcomes.iter().enumerate() {
        // Per replicate: each lever's value and the total, on that replicate's paired differences.
        let per_rep: Vec<(Vec<f64>, f64)> = (0..replicates as usize)
            .map(|r| {
                let base = values[index(0)][r][o];
                let worth = |c: u32| values[index(c)][r][o] - base;
                (weights.values(worth), worth(full))
            })
            .collect();
        let summarise = |lever: String, xs: Vec<f64>| {
            let m = moments(&xs);
            let h = m.ci_half_width(0.95);
            Contribution {
                outcome: outcome.clone(),
                lever,
                mean: m.mean,
                ci95_low: m.mean - h,
                ci95_high: m.mean + h,
            }
        };
        for (i, l) in levers.iter().enumerate() {
            contributions.push(summarise(l.name.clone(), per_rep.iter().map(|(phi, _)| phi[i]).collect()));
        }
        contributions.push(summarise("total".into(), per_rep.iter().map(|(_, t)| *t).collect()));
    }
    let coalitions = needed
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let means = (0..outcomes.len())
                .map(|o| {
                    let d: Vec<f64> =
                        (0..replicates as usize).map(|r| values[k][r][o] - values[index(0)][r][o]).collect();
                    moments(&d).mean
                })
                .collect();
            (c, means)
        })
        .collect();
    Ok(Decomposition {
        baseline: plan.baseline.clone(),
        design: plan.design.clone(),
        levers: levers.clone(),
        outcomes: outcomes.to_vec(),
        replicates,
        coalitions,
        infeasible: plan.infeasible(),
        orderings: weights.orderings,
        contributions,
    })
}

/// Writes `decomposition` (one row per outcome × lever, then the total, with the lever's
/// changed keys) and `coalitions` (one row per coalition run × outcome: its mean paired
/// difference from the baseline), Parquet and CSV, and the waterfall chart.
#[cfg(feature = "output")]
pub fn write(d: &Decomposition, dir: &std::path::Path) -> Result<Vec<crate::charts::Chart>> {
    use polars::prelude::*;
    std::fs::create_dir_all(dir).map_err(crate::error::OutputError::io("cannot create", dir))?;
    let keys = |lever: &str| {
        d.levers.iter().find(|l| l.name == lever).map_or(String::new(), |l| l.changed.join("; "))
    };
    let totals: Vec<f64> = d
        .contributions
        .iter()
        .map(|c| {
            d.contributions
                .iter()
                .find(|t| t.outcome == c.outcome && t.lever == "total")
                .map_or(f64::NAN, |t| t.mean)
        })
        .collect();
    let c = &d.contributions;
    let cols = vec![
        Column::new("scenario".into(), vec![d.design.as_str(); c.len()]),
        Column::new("baseline".into(), vec![d.baseline.as_str(); c.len()]),
        Column::new("outcome".into(), c.iter().map(|x| x.outcome.as_str()).collect::<Vec<_>>()),
        Column::new("lever".into(), c.iter().map(|x| x.lever.as_str()).collect::<Vec<_>>()),
        Column::new("contribution".into(), c.iter().map(|x| x.mean).collect::<Vec<_>>()),
        Column::new("ci95_low".into(), c.iter().map(|x| x.ci95_low).collect::<Vec<_>>()),
        Column::new("ci95_high".into(), c.iter().map(|x| x.ci95_high).collect::<Vec<_>>()),
        Column::new(
            "share_of_total".into(),
            c.iter()
                .zip(&totals)
                .map(|(x, t)| if *t != 0.0 { x.mean / t } else { f64::NAN })
                .collect::<Vec<_>>(),
        ),
        Column::new("keys".into(), c.iter().map(|x| keys(&x.lever)).collect::<Vec<_>>()),
    ];
    let mut df = DataFrame::new(c.len(), cols).map_err(crate::output::OutputError::from)?;
    crate::output::tables::write_frame(dir, "decomposition", &mut df, None)?;
    let (mut label, mut outcome, mut mean) = (Vec::new(), Vec::new(), Vec::new());
    for (coalition, means) in &d.coalitions {
        for (o, m) in d.outcomes.iter().zip(means) {
            label.push(coalition_label(&d.levers, *coalition));
            outcome.push(o.as_str());
            mean.push(*m);
        }
    }
    let n = label.len();
    let cols = vec![
        Column::new("coalition".into(), label),
        Column::new("outcome".into(), outcome),
        Column::new("mean_difference".into(), mean),
    ];
    let mut df = DataFrame::new(n, cols).map_err(crate::output::OutputError::from)?;
    crate::output::tables::write_frame(dir, "coalitions", &mut df, None)?;
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(crate::error::OutputError::io("cannot create", &charts))?;
    Ok(vec![crate::charts::waterfall::chart(d, &charts)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key one side leaves out of its serde form (no shocks serialise as nothing) is
    /// inserted or removed, so a design with shocks is rebuilt exactly from its levers.
    #[test]
    fn a_key_one_side_leaves_out_is_copied_or_removed() {
        let base = Scenario::default();
        let mut design = base.clone();
        design.name = "with-shock".into();
        design.shocks = vec![crate::scenario::Shock::WageFloorRise { week: 60, size: 0.05 }];
        let l = levers(&base, &design);
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].name, "other");
        let full = coalition(&base, &design, &l, 1).expect("valid");
        assert!(crate::scenario::diff::differences(&design, &full).is_empty());
        assert!(full.shocks == design.shocks);
        // And the other way: the baseline has the shock, the design does not.
        let l = levers(&design, &base);
        let full = coalition(&design, &base, &l, 1).expect("valid");
        assert!(full.shocks.is_empty());
    }

    #[test]
    fn key_paths_become_json_pointers_and_nest() {
        assert_eq!(pointer("commissioning.rate_floor"), "/commissioning/rate_floor");
        assert_eq!(pointer("geography.patches[2].area_km2"), "/geography/patches/2/area_km2");
        assert!(under("commissioning.tender.scoring.price", "commissioning.tender"));
        assert!(!under("commissioning.tenderx", "commissioning.tender"));
        assert!(under("geography.patches[1].x", "geography.patches"));
    }
}
