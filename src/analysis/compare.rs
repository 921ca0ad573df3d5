//! Paired comparison of scenarios against a baseline: means with 95% confidence intervals,
//! paired differences (common random numbers) with their intervals, Holm's adjustment for
//! multiple comparisons, and the precision rule of `--replicates auto` (docs/COMPARISON.md).

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::stats::moments;
use crate::Error;

/// The confidence level of every interval in a comparison.
pub const LEVEL: f64 = 0.95;
/// Family-wise error rate of the Holm adjustment.
pub const ALPHA: f64 = 0.05;

/// How precise the paired difference to the baseline must be before `--replicates auto` stops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// The 95% CI half-width must be at most this, in the metric's own units (for outcomes
    /// near zero, such as exits or unmet need, where a relative rule would never stop).
    Absolute(f64),
    /// The half-width must be at most this fraction of the baseline's mean.
    Relative(f64),
}

impl Tolerance {
    /// The tolerance in the metric's units, given the baseline's mean.
    pub fn absolute(&self, baseline_mean: f64) -> f64 {
        match *self {
            Tolerance::Absolute(a) => a,
            Tolerance::Relative(r) => r * baseline_mean.abs(),
        }
    }

    /// Parses `0.005` (absolute) or `2%` (relative).
    pub fn parse(text: &str) -> crate::Result<Self> {
        let t = text.trim();
        let (num, rel) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (t, false),
        };
        let v: f64 =
            num.parse().map_err(|_| Error::Input(format!("`{text}` is not a number or a percentage")))?;
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::Input(format!("`{text}`: a tolerance must be positive")));
        }
        Ok(if rel { Tolerance::Relative(v / 100.0) } else { Tolerance::Absolute(v) })
    }
}

impl std::fmt::Display for Tolerance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tolerance::Absolute(a) => write!(f, "{a}"),
            Tolerance::Relative(r) => write!(f, "{}%", r * 100.0),
        }
    }
}

/// A headline outcome: a summary metric that the terminal table, the difference chart and the
/// `--replicates auto` rule use. Outcomes whose metric is missing from a run are skipped.
#[derive(Clone, Copy, Debug)]
pub struct Headline {
    /// Summary column (`analysis::SUMMARY`).
    pub metric: &'static str,
    /// Short label for tables and chart panels, with its unit.
    pub label: &'static str,
    /// Factor from the stored unit to the displayed one (e.g. 100 for shares shown in %).
    pub scale: f64,
    /// Default precision target of `--replicates auto` for the paired difference.
    pub tolerance: Tolerance,
}

/// The headline outcomes, in display order. Extend this list when a summary metric is added
/// that a reader of a comparison should see first; missing metrics are skipped.
pub const HEADLINES: &[Headline] = &[
    Headline {
        metric: "unmet_need_share",
        label: "unmet need (%)",
        scale: 100.0,
        tolerance: Tolerance::Absolute(0.005),
    },
    Headline {
        metric: "turnover_annual",
        label: "turnover (%/year)",
        scale: 100.0,
        tolerance: Tolerance::Relative(0.05),
    },
    Headline {
        metric: "vacancy_rate",
        label: "vacancy rate (%)",
        scale: 100.0,
        tolerance: Tolerance::Absolute(0.01),
    },
    Headline {
        metric: "effective_wage_gbp_per_hour",
        label: "effective wage (£/h)",
        scale: 1.0,
        tolerance: Tolerance::Relative(0.01),
    },
    Headline {
        metric: "zero_hours_share",
        label: "zero-hours share (%)",
        scale: 100.0,
        tolerance: Tolerance::Absolute(0.01),
    },
    Headline {
        metric: "travel_share",
        label: "travel share (%)",
        scale: 100.0,
        tolerance: Tolerance::Absolute(0.005),
    },
    Headline {
        metric: "exits_per_year",
        label: "provider exits (/year)",
        scale: 1.0,
        tolerance: Tolerance::Absolute(1.0),
    },
    Headline {
        metric: "cost_per_delivered_hour_gbp",
        label: "cost per hour (£)",
        scale: 1.0,
        tolerance: Tolerance::Relative(0.01),
    },
    Headline {
        metric: "council_spend_gbp_per_year",
        label: "council spend (£m/year)",
        scale: 1e-6,
        tolerance: Tolerance::Relative(0.01),
    },
    Headline {
        metric: "mission_score",
        label: "mission score",
        scale: 1.0,
        tolerance: Tolerance::Absolute(0.02),
    },
    Headline {
        metric: "downstream_cost_gbp_per_year",
        label: "downstream cost (£m/year)",
        scale: 1e-6,
        tolerance: Tolerance::Relative(0.02),
    },
];

/// The headline outcomes present among `metrics`, in `HEADLINES` order.
pub fn headlines_present<S: AsRef<str>>(metrics: &[S]) -> Vec<Headline> {
    HEADLINES.iter().filter(|h| metrics.iter().any(|m| m.as_ref() == h.metric)).copied().collect()
}

/// The headline entry for a metric, if it is one.
pub fn headline(metric: &str) -> Option<&'static Headline> {
    HEADLINES.iter().find(|h| h.metric == metric)
}

/// The baseline's index among `scenarios`: `requested` if given, else `status-quo` if present,
/// else the first whose name ends in `-status-quo` (a folder's own status quo, such as
/// `charter-status-quo`), else the first. An unknown name is an error that lists the scenarios.
pub fn choose_baseline<S: AsRef<str>>(scenarios: &[S], requested: Option<&str>) -> crate::Result<usize> {
    let names: Vec<&str> = scenarios.iter().map(|s| s.as_ref()).collect();
    match requested {
        Some(b) => names.iter().position(|n| *n == b).ok_or_else(|| {
            Error::Input(format!(
                "--baseline `{b}` is not one of the scenarios compared: {}",
                names.join(", ")
            ))
        }),
        None => Ok(names
            .iter()
            .position(|n| *n == "status-quo")
            .or_else(|| names.iter().position(|n| n.ends_with("-status-quo")))
            .unwrap_or(0)),
    }
}

/// A mean with its two-sided confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub n: usize,
    pub mean: f64,
    /// Half-width of the interval (NaN with fewer than 2 replicates).
    pub half_width: f64,
    /// Two-sided p-value for "the mean is 0" (meaningful for differences).
    pub p_value: f64,
}

impl Estimate {
    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }
    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }
}

/// Mean and t-based `level` interval of a sample, with the two-sided t-test of mean 0.
pub fn mean_ci(xs: &[f64], level: f64) -> Estimate {
    let m = moments(xs);
    let se = m.standard_error();
    let p_value = if m.n < 2 {
        f64::NAN
    } else if se > 0.0 {
        let t = StudentsT::new(0.0, 1.0, (m.n - 1) as f64).expect("n ≥ 2");
        (2.0 * (1.0 - t.cdf(m.mean.abs() / se))).min(1.0)
    } else if m.mean != 0.0 {
        0.0
    } else {
        1.0
    };
    Estimate { n: m.n, mean: m.mean, half_width: m.ci_half_width(level), p_value }
}

/// The paired difference `treatment − baseline` (replicate i against replicate i, which share
/// their random numbers) with its t-based interval and two-sided p-value.
pub fn paired_difference(treatment: &[f64], baseline: &[f64], level: f64) -> Estimate {
    mean_ci(&super::stats::paired_differences(treatment, baseline), level)
}

/// Welch's interval for the difference of two independent means: what the comparison would
/// report if the replicates were not paired. Used to show what common random numbers buy.
pub fn unpaired_difference(treatment: &[f64], baseline: &[f64], level: f64) -> Estimate {
    let (a, b) = (moments(treatment), moments(baseline));
    let (va, vb) = (a.sd.powi(2) / a.n as f64, b.sd.powi(2) / b.n as f64);
    let se = (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va.powi(2) / (a.n as f64 - 1.0) + vb.powi(2) / (b.n as f64 - 1.0));
    let mean = a.mean - b.mean;
    let (half_width, p_value) = if se > 0.0 && df.is_finite() {
        let t = StudentsT::new(0.0, 1.0, df).expect("df > 0");
        (t.inverse_cdf(0.5 + level / 2.0) * se, (2.0 * (1.0 - t.cdf(mean.abs() / se))).min(1.0))
    } else {
        (f64::NAN, f64::NAN)
    };
    Estimate { n: a.n.min(b.n), mean, half_width, p_value }
}

/// Holm's step-down adjustment: adjusted p-values in the input order. A hypothesis is rejected
/// at family-wise level α when its adjusted p-value is below α. NaN p-values are left out of
/// the family and stay NaN.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let m = order.len();
    let mut out = vec![f64::NAN; p.len()];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        out[i] = running;
    }
    out
}

/// Summary metrics of several scenarios over the same replicates, ready to pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    /// Summary metric names (columns).
    pub metrics: Vec<String>,
    /// Scenario names, in run order.
    pub scenarios: Vec<String>,
    /// Replicate indices, ascending, common to every scenario.
    pub replicates: Vec<u32>,
    /// `values[scenario][metric][replicate]`.
    pub values: Vec<Vec<Vec<f64>>>,
}

impl Samples {
    /// Builds samples from rows of (scenario, replicate, metric values in `metrics` order).
    /// Scenarios keep their first-seen order. Every scenario must have the same replicates.
    pub fn from_rows<'a>(
        metrics: Vec<String>,
        rows: impl IntoIterator<Item = (&'a str, u32, &'a [f64])>,
    ) -> crate::Result<Self> {
        let mut scenarios: Vec<String> = Vec::new();
        let mut by: Vec<Vec<(u32, &[f64])>> = Vec::new();
        for (s, r, v) in rows {
            if v.len() != metrics.len() {
                return Err(Error::Input(format!(
                    "row of {s} has {} values for {} metrics",
                    v.len(),
                    metrics.len()
                )));
            }
            let i = match scenarios.iter().position(|x| x == s) {
                Some(i) => i,
                None => {
                    scenarios.push(s.to_string());
                    by.push(Vec::new());
                    scenarios.len() - 1
                }
            };
            by[i].push((r, v));
        }
        if scenarios.is_empty() {
            return Err(Error::Input("the summary table has no rows".into()));
        }
        for rows in &mut by {
            rows.sort_by_key(|(r, _)| *r);
        }
        let replicates: Vec<u32> = by[0].iter().map(|(r, _)| *r).collect();
        for (s, rows) in scenarios.iter().zip(&by) {
            let reps: Vec<u32> = rows.iter().map(|(r, _)| *r).collect();
            if reps != replicates {
                return Err(Error::Input(format!(
                    "scenario {s} has replicates {reps:?} but {} has {replicates:?}: a comparison pairs replicates",
                    scenarios[0]
                )));
            }
            if reps.windows(2).any(|w| w[0] == w[1]) {
                return Err(Error::Input(format!("scenario {s} has a replicate twice")));
            }
        }
        let values = by
            .iter()
            .map(|rows| (0..metrics.len()).map(|m| rows.iter().map(|(_, v)| v[m]).collect()).collect())
            .collect();
        Ok(Self { metrics, scenarios, replicates, values })
    }

    /// Builds samples of every summary metric from (scenario, replicate, summary) rows.
    pub fn from_summaries<'a>(
        rows: impl IntoIterator<Item = (&'a str, u32, &'a super::Summary)>,
    ) -> crate::Result<Self> {
        let metrics = super::summary_names().iter().map(|s| s.to_string()).collect();
        Self::from_rows(metrics, rows.into_iter().map(|(s, r, v)| (s, r, v.values())))
    }

    pub fn metric_index(&self, metric: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == metric)
    }

    pub fn scenario_index(&self, name: &str) -> Option<usize> {
        self.scenarios.iter().position(|s| s == name)
    }

    /// One scenario's replicate values of one metric.
    pub fn sample(&self, scenario: usize, metric: usize) -> &[f64] {
        &self.values[scenario][metric]
    }
}

/// Which multiple-comparison family a row belongs to (Holm is applied within each family).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Headline outcomes × non-baseline scenarios: the confirmatory comparisons.
    Headline,
    /// Every other summary metric × non-baseline scenarios: exploratory.
    Secondary,
}

impl Family {
    pub fn name(&self) -> &'static str {
        match self {
            Family::Headline => "headline",
            Family::Secondary => "secondary",
        }
    }
}

/// One scenario × outcome of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonRow {
    pub scenario: String,
    pub outcome: String,
    pub family: Family,
    pub is_baseline: bool,
    /// The scenario's mean with its 95% CI over replicates.
    pub estimate: Estimate,
    pub baseline_mean: f64,
    /// Paired difference to the baseline (None for the baseline itself).
    pub difference: Option<Estimate>,
    /// 100 × difference / baseline mean (None for the baseline or a zero baseline).
    pub percent_change: Option<f64>,
    /// Holm-adjusted p-value within the row's family.
    pub p_holm: Option<f64>,
    /// The difference is clear of zero after Holm's adjustment at `ALPHA`.
    pub clear_of_zero: Option<bool>,
}

/// Compares every scenario with the baseline on every metric of `samples`. Rows are ordered by
/// outcome (headlines first, in `HEADLINES` order, then the other metrics in table order), then
/// by scenario in run order.
pub fn compare(samples: &Samples, baseline: usize) -> Vec<ComparisonRow> {
    let heads = headlines_present(&samples.metrics);
    let mut outcomes: Vec<(usize, Family)> =
        heads.iter().map(|h| (samples.metric_index(h.metric).expect("present"), Family::Headline)).collect();
    for m in 0..samples.metrics.len() {
        if !outcomes.iter().any(|(i, _)| *i == m) {
            outcomes.push((m, Family::Secondary));
        }
    }
    let mut rows = Vec::new();
    for &(m, family) in &outcomes {
        let base = samples.sample(baseline, m);
        let baseline_mean = mean_ci(base, LEVEL).mean;
        for s in 0..samples.scenarios.len() {
            let x = samples.sample(s, m);
            let is_baseline = s == baseline;
            let difference = (!is_baseline).then(|| paired_difference(x, base, LEVEL));
            let percent_change =
                difference.filter(|_| baseline_mean != 0.0).map(|d| 100.0 * d.mean / baseline_mean.abs());
            rows.push(ComparisonRow {
                scenario: samples.scenarios[s].clone(),
                outcome: samples.metrics[m].clone(),
                family,
                is_baseline,
                estimate: mean_ci(x, LEVEL),
                baseline_mean,
                difference,
                percent_change,
                p_holm: None,
                clear_of_zero: None,
            });
        }
    }
    for family in [Family::Headline, Family::Secondary] {
        let idx: Vec<usize> =
            (0..rows.len()).filter(|&i| rows[i].family == family && rows[i].difference.is_some()).collect();
        let p: Vec<f64> = idx.iter().map(|&i| rows[i].difference.expect("some").p_value).collect();
        for (&i, adj) in idx.iter().zip(holm(&p)) {
            if !adj.is_nan() {
                rows[i].p_holm = Some(adj);
                rows[i].clear_of_zero = Some(adj < ALPHA);
            }
        }
    }
    rows
}

/// Whether one headline outcome's paired differences are precise enough.
#[derive(Clone, Debug, PartialEq)]
pub struct Precision {
    pub metric: String,
    pub tolerance: Tolerance,
    /// The tolerance in the metric's units (relative ones scaled by the baseline's mean).
    pub tolerance_abs: f64,
    /// The widest 95% CI half-width of the paired difference over non-baseline scenarios.
    pub widest_half_width: f64,
    pub reached: bool,
}

/// The precision of each headline outcome's paired differences, for `--replicates auto`.
/// `tolerances` overrides the defaults of `HEADLINES` by metric name.
pub fn precision(samples: &Samples, baseline: usize, tolerances: &[(String, Tolerance)]) -> Vec<Precision> {
    headlines_present(&samples.metrics)
        .iter()
        .map(|h| {
            let m = samples.metric_index(h.metric).expect("present");
            let tolerance =
                tolerances.iter().find(|(name, _)| name == h.metric).map_or(h.tolerance, |(_, t)| *t);
            let base = samples.sample(baseline, m);
            let tolerance_abs = tolerance.absolute(mean_ci(base, LEVEL).mean);
            let widest = (0..samples.scenarios.len())
                .filter(|&s| s != baseline)
                .map(|s| paired_difference(samples.sample(s, m), base, LEVEL).half_width)
                .fold(0.0f64, |a, b| if b.is_nan() || a.is_nan() { f64::NAN } else { a.max(b) });
            Precision {
                metric: h.metric.to_string(),
                tolerance,
                tolerance_abs,
                widest_half_width: widest,
                reached: widest <= tolerance_abs,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_is_the_status_quo_then_a_folders_own_status_quo_then_the_first() {
        assert_eq!(choose_baseline(&["a", "status-quo", "charter-status-quo"], None).unwrap(), 1);
        assert_eq!(choose_baseline(&["charter-mission-led", "charter-status-quo"], None).unwrap(), 1);
        assert_eq!(choose_baseline(&["b", "a"], None).unwrap(), 0);
        assert_eq!(choose_baseline(&["b", "a"], Some("a")).unwrap(), 1);
        assert!(choose_baseline(&["b", "a"], Some("c")).is_err());
    }

    #[test]
    fn tolerance_parses_absolute_and_percent() {
        assert_eq!(Tolerance::parse("0.005").unwrap(), Tolerance::Absolute(0.005));
        assert_eq!(Tolerance::parse("2%").unwrap(), Tolerance::Relative(0.02));
        assert!(Tolerance::parse("-1").is_err());
        assert!(Tolerance::parse("abc").is_err());
        assert_eq!(Tolerance::Relative(0.02).absolute(-50.0), 1.0);
    }
}
