//! The comparison tables written by `careshape compare` and `careshape report`:
//! `comparison.parquet`, `comparison.csv` (one row per scenario × outcome) and `comparison.md`
//! (headline outcomes for people, then every outcome), plus reading back saved tables.

use std::fmt::Write as _;
use std::path::Path;

use crate::output::{OutputError, Result};
use polars::prelude::*;

use super::tables::write_frame;
use super::write_atomic;
use crate::analysis::compare::{ALPHA, ComparisonRow, Family, LEVEL, Samples, headline};

/// Reads `summary.parquet` of an output folder back into paired samples.
pub fn read_summary(dir: &Path) -> Result<Samples> {
    let df = read_parquet(&dir.join("summary.parquet"))?;
    let scenario = df.column("scenario")?.str()?.clone();
    let replicate = df.column("replicate")?.u32()?.clone();
    let metrics: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .filter(|c| c != "scenario" && c != "replicate")
        .collect();
    let cols: Vec<Vec<f64>> = metrics
        .iter()
        .map(|m| Ok(df.column(m)?.f64()?.to_vec().into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()))
        .collect::<PolarsResult<_>>()?;
    let rows: Vec<(String, u32, Vec<f64>)> = (0..df.height())
        .map(|i| {
            (
                scenario.get(i).unwrap_or_default().to_string(),
                replicate.get(i).unwrap_or_default(),
                cols.iter().map(|c| c[i]).collect(),
            )
        })
        .collect();
    Samples::from_rows(metrics, rows.iter().map(|(s, r, v)| (s.as_str(), *r, v.as_slice())))
        .map_err(|e| OutputError::Content(format!("{}: {e}", dir.join("summary.parquet").display())))
}

/// Reads a Parquet file written by careshape.
pub fn read_parquet(path: &Path) -> Result<DataFrame> {
    let f = std::fs::File::open(path).map_err(OutputError::io("cannot open", path))?;
    ParquetReader::new(f)
        .finish()
        .map_err(|e| OutputError::Read { path: path.to_path_buf(), source: Box::new(e.into()) })
}

/// The comparison table: one row per (outcome, scenario), in the order of `rows`.
pub fn comparison_frame(rows: &[ComparisonRow], baseline: &str) -> PolarsResult<DataFrame> {
    let d = |f: fn(&ComparisonRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let cols = vec![
        Column::new("scenario".into(), rows.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("outcome".into(), rows.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>()),
        Column::new("family".into(), rows.iter().map(|r| r.family.name()).collect::<Vec<_>>()),
        Column::new("baseline".into(), vec![baseline; rows.len()]),
        Column::new("replicates".into(), rows.iter().map(|r| r.estimate.n as u32).collect::<Vec<_>>()),
        Column::new("mean".into(), d(|r| Some(r.estimate.mean))),
        Column::new("ci95_low".into(), d(|r| finite(r.estimate.low()))),
        Column::new("ci95_high".into(), d(|r| finite(r.estimate.high()))),
        Column::new("baseline_mean".into(), d(|r| Some(r.baseline_mean))),
        Column::new("difference".into(), d(|r| r.difference.map(|e| e.mean))),
        Column::new("difference_ci95_low".into(), d(|r| r.difference.and_then(|e| finite(e.low())))),
        Column::new("difference_ci95_high".into(), d(|r| r.difference.and_then(|e| finite(e.high())))),
        Column::new("percent_change".into(), d(|r| r.percent_change)),
        Column::new("p_value".into(), d(|r| r.difference.and_then(|e| finite(e.p_value)))),
        Column::new("p_holm".into(), d(|r| r.p_holm)),
        Column::new("clear_of_zero".into(), rows.iter().map(|r| r.clear_of_zero).collect::<Vec<_>>()),
    ];
    DataFrame::new(rows.len(), cols)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Writes `comparison.parquet`, `comparison.csv` and `comparison.md`; the Parquet table
/// carries the run id of the tables compared.
pub fn write_comparison(
    dir: &Path,
    rows: &[ComparisonRow],
    baseline: &str,
    run_id: Option<&str>,
) -> Result<()> {
    if rows.is_empty() {
        return Err(OutputError::Content("nothing to compare".into()));
    }
    write_frame(dir, "comparison", &mut comparison_frame(rows, baseline)?, run_id)?;
    let md = comparison_markdown(rows, baseline);
    write_atomic(&dir.join("comparison.md"), |f| {
        use std::io::Write;
        f.write_all(md.as_bytes())?;
        Ok(())
    })
}

/// A number with `sig` significant digits, without exponent notation for everyday sizes.
pub fn sig(x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (sig as i32 - 1 - mag).clamp(0, 6) as usize;
    let s = format!("{x:.decimals$}");
    if s.starts_with("-0") && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// Display scale and label of an outcome (headline label, or the column name).
pub fn display(outcome: &str) -> (f64, String) {
    match headline(outcome) {
        Some(h) => (h.scale, h.label.to_string()),
        None => (1.0, format!("`{outcome}`")),
    }
}

/// Formats a row's mean and CI, e.g. `31.4 (30.4 to 32.4)`.
pub fn fmt_estimate(mean: f64, low: f64, high: f64, scale: f64) -> String {
    if low.is_finite() {
        format!("{} ({} to {})", sig(mean * scale, 3), sig(low * scale, 3), sig(high * scale, 3))
    } else {
        sig(mean * scale, 3)
    }
}

/// Formats a signed difference with its CI, e.g. `+1.2 (+0.4 to +2.0)`.
pub fn fmt_difference(mean: f64, low: f64, high: f64, scale: f64) -> String {
    let s = |x: f64| {
        let t = sig(x * scale, 2);
        if x * scale > 0.0 && t != "0" { format!("+{t}") } else { t }
    };
    if low.is_finite() { format!("{} ({} to {})", s(mean), s(low), s(high)) } else { s(mean) }
}

/// The Markdown comparison: a table per headline outcome, then every outcome's differences.
pub fn comparison_markdown(rows: &[ComparisonRow], baseline: &str) -> String {
    let n = rows.first().map_or(0, |r| r.estimate.n);
    let mut md = String::new();
    let _ = writeln!(md, "# Comparison with `{baseline}`\n");
    let _ = writeln!(
        md,
        "Means over {n} paired replicates with {:.0}% confidence intervals (Student t). Δ is the paired \
         difference to `{baseline}` (the same replicate seeds, so common random numbers), with its \
         {:.0}% CI. **Clear** means the difference is clear of zero after Holm's adjustment at a \
         family-wise level of {ALPHA} (headline outcomes form one family, the other outcomes another). \
         See docs/COMPARISON.md.\n",
        LEVEL * 100.0,
        LEVEL * 100.0
    );
    let mut outcomes: Vec<(&str, Family)> = Vec::new();
    for r in rows {
        if !outcomes.iter().any(|(o, _)| *o == r.outcome) {
            outcomes.push((&r.outcome, r.family));
        }
    }
    let _ = writeln!(md, "## Headline outcomes\n");
    for (o, _) in outcomes.iter().filter(|(_, f)| *f == Family::Headline) {
        let (scale, label) = display(o);
        let _ = writeln!(md, "### {label} (`{o}`)\n");
        let _ = writeln!(
            md,
            "| scenario | mean (95% CI) | Δ vs {baseline} (95% CI) | % change | clear after Holm |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|:---:|");
        for r in rows.iter().filter(|r| r.outcome == *o) {
            let e = &r.estimate;
            let (diff, pct, clear) = diff_cells(r, scale);
            let _ = writeln!(
                md,
                "| {} | {} | {diff} | {pct} | {clear} |",
                r.scenario,
                fmt_estimate(e.mean, e.low(), e.high(), scale)
            );
        }
        md.push('\n');
    }
    let _ = writeln!(md, "## Every outcome\n");
    let _ = writeln!(
        md,
        "Units as stored in `summary.csv` (shares as fractions). Δ (95% CI) against `{baseline}`; \
         `*` = clear of zero after Holm within the outcome's family.\n"
    );
    let scenarios: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for r in rows {
            if !v.contains(&r.scenario.as_str()) {
                v.push(&r.scenario);
            }
        }
        v
    };
    let _ = write!(md, "| outcome |");
    for s in &scenarios {
        let _ = write!(md, " {s} |");
    }
    let _ = write!(md, "\n|---|");
    for _ in &scenarios {
        md.push_str("---:|");
    }
    md.push('\n');
    for (o, _) in &outcomes {
        let _ = write!(md, "| `{o}` |");
        for s in &scenarios {
            let r = rows.iter().find(|r| r.outcome == *o && r.scenario == *s).expect("every cell");
            let cell = if r.is_baseline {
                sig(r.estimate.mean, 3)
            } else {
                let (diff, _, clear) = diff_cells(r, 1.0);
                if clear == "yes" { format!("{diff} *") } else { diff }
            };
            let _ = write!(md, " {cell} |");
        }
        md.push('\n');
    }
    md
}

fn diff_cells(r: &ComparisonRow, scale: f64) -> (String, String, &'static str) {
    match r.difference {
        None => ("(baseline)".into(), "".into(), ""),
        Some(d) => (
            fmt_difference(d.mean, d.low(), d.high(), scale),
            r.percent_change.map_or("–".into(), |p| format!("{p:+.1}%")),
            match r.clear_of_zero {
                Some(true) => "yes",
                Some(false) => "no",
                None => "–",
            },
        ),
    }
}

/// The cost-effectiveness table (`cost_effectiveness.parquet`/`.csv`): one row per effect ×
/// scenario (docs/COMPARISON.md, "Cost-effectiveness").
pub fn value_frame(
    rows: &[crate::analysis::value::ValueRow],
    baseline: &str,
    appraisal: &crate::scenario::Appraisal,
) -> PolarsResult<DataFrame> {
    use crate::analysis::value::{ValueRow, quadrant};
    let d = |f: &dyn Fn(&ValueRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let n = rows.len();
    let cols = vec![
        Column::new("effect".into(), rows.iter().map(|r| r.effect).collect::<Vec<_>>()),
        Column::new("scenario".into(), rows.iter().map(|r| r.scenario.as_str()).collect::<Vec<_>>()),
        Column::new("baseline".into(), vec![baseline; n]),
        Column::new("replicates".into(), rows.iter().map(|r| r.delta_cost.n as u32).collect::<Vec<_>>()),
        Column::new("delta_cost_pv_gbp".into(), d(&|r| Some(r.delta_cost.mean))),
        Column::new("delta_cost_ci95_low".into(), d(&|r| finite(r.delta_cost.low()))),
        Column::new("delta_cost_ci95_high".into(), d(&|r| finite(r.delta_cost.high()))),
        Column::new("delta_effect".into(), d(&|r| Some(r.delta_effect.mean))),
        Column::new("delta_effect_ci95_low".into(), d(&|r| finite(r.delta_effect.low()))),
        Column::new("delta_effect_ci95_high".into(), d(&|r| finite(r.delta_effect.high()))),
        Column::new("gbp_per_unit_vs_baseline".into(), d(&|r| finite(r.cost_per_unit))),
        Column::new(
            "quadrant".into(),
            rows.iter()
                .map(|r| {
                    if r.scenario == baseline {
                        "baseline"
                    } else {
                        quadrant(r.delta_effect.mean, r.delta_cost.mean)
                    }
                })
                .collect::<Vec<_>>(),
        ),
        Column::new("frontier".into(), rows.iter().map(|r| r.frontier.as_str()).collect::<Vec<_>>()),
        Column::new("icer_gbp_per_unit".into(), d(&|r| r.icer.and_then(finite))),
        Column::new("icer_versus".into(), rows.iter().map(|r| r.icer_versus.as_deref()).collect::<Vec<_>>()),
        Column::new("wtp_gbp_per_unit".into(), d(&|r| r.nmb.map(|_| appraisal.wtp_gbp_per_unmet_hour))),
        Column::new("nmb_gbp".into(), d(&|r| r.nmb.map(|e| e.mean))),
        Column::new("nmb_ci95_low".into(), d(&|r| r.nmb.and_then(|e| finite(e.low())))),
        Column::new("nmb_ci95_high".into(), d(&|r| r.nmb.and_then(|e| finite(e.high())))),
        Column::new("discount_rate_percent".into(), vec![appraisal.discount_rate_percent; n]),
    ];
    DataFrame::new(n, cols)
}

/// The mission table (`mission.parquet`/`.csv`): one row per scenario × component, then its
/// total (component `score`), with the weight sweep's share of first places on the total's row
/// (docs/COMPARISON.md, "Mission score").
pub fn mission_frame(
    rows: &[crate::analysis::mission::MissionRow],
    baseline: &str,
    weights: &crate::scenario::MissionWeights,
) -> PolarsResult<DataFrame> {
    use crate::scenario::MISSION_COMPONENTS;
    let w = weights.as_array();
    let total: f64 = w.iter().sum();
    let (mut scenario, mut component, mut weight, mut mean, mut low, mut high) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut diff, mut dlow, mut dhigh, mut first, mut rank, mut input) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let parts = r.components.iter().zip(&r.differences).enumerate().map(|(k, (e, d))| {
            let driven: Vec<&str> =
                r.input_driven.iter().filter(|x| x.0 == MISSION_COMPONENTS[k].0).map(|x| x.1).collect();
            (
                MISSION_COMPONENTS[k].0,
                w[k] / total,
                *e,
                *d,
                None,
                (!driven.is_empty()).then(|| driven.join("; ")),
            )
        });
        let whole = std::iter::once((
            "score",
            1.0,
            r.score,
            r.score_difference,
            Some((r.share_first, r.mean_rank)),
            None,
        ));
        for (c, wt, e, d, sweep, inp) in parts.chain(whole) {
            scenario.push(r.scenario.clone());
            component.push(c);
            weight.push(wt);
            mean.push(e.mean);
            low.push(finite(e.low()));
            high.push(finite(e.high()));
            diff.push(d.mean);
            dlow.push(finite(d.low()));
            dhigh.push(finite(d.high()));
            first.push(sweep.map(|s: (f64, f64)| s.0));
            rank.push(sweep.map(|s| s.1));
            input.push(inp);
        }
    }
    let n = scenario.len();
    let cols = vec![
        Column::new("scenario".into(), scenario),
        Column::new("component".into(), component),
        Column::new("baseline".into(), vec![baseline; n]),
        Column::new("weight".into(), weight),
        Column::new("mean".into(), mean),
        Column::new("ci95_low".into(), low),
        Column::new("ci95_high".into(), high),
        Column::new("difference".into(), diff),
        Column::new("difference_ci95_low".into(), dlow),
        Column::new("difference_ci95_high".into(), dhigh),
        Column::new("share_ranked_first".into(), first),
        Column::new("mean_rank".into(), rank),
        Column::new("set_by_design_input".into(), input),
    ];
    DataFrame::new(n, cols)
}
