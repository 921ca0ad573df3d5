//! A comparison run with `--posterior` (docs/COMPARISON.md, "Parameter uncertainty"): the
//! variance split of each paired difference, rank probabilities over the parameter draws, their
//! tables (`posterior_variance`, `posterior_ranks`, `posterior_pairs`), and the report section.

use std::fmt::Write as _;
use std::path::Path;

use super::markdown::escape;
use crate::analysis::compare::Samples;
use crate::analysis::posterior::{Ranking, VarianceSplit, rankings, variance_splits};
use crate::output::Result;
use crate::output::comparison::sig;
use crate::posterior::PosteriorInfo;

/// What the report shows of a posterior comparison.
#[derive(Clone, Debug)]
pub struct PosteriorView {
    pub info: PosteriorInfo,
    pub splits: Vec<VarianceSplit>,
    pub rankings: Vec<Ranking>,
}

/// The analysis of a posterior comparison, its tables written into `dir`.
pub fn analyse(
    dir: &Path,
    info: &PosteriorInfo,
    samples: &Samples,
    b: usize,
    run_id: Option<&str>,
) -> Result<PosteriorView> {
    use crate::output::tables::write_frame;
    use polars::prelude::*;
    let splits = variance_splits(samples, b, info.draws);
    let ranks = rankings(samples, info.draws);
    let s = &splits;
    let mut df = DataFrame::new(
        s.len(),
        vec![
            Column::new("outcome".into(), s.iter().map(|x| x.outcome.as_str()).collect::<Vec<_>>()),
            Column::new("scenario".into(), s.iter().map(|x| x.scenario.as_str()).collect::<Vec<_>>()),
            Column::new("mean_difference".into(), s.iter().map(|x| x.mean_difference).collect::<Vec<_>>()),
            Column::new("ci95_low".into(), s.iter().map(|x| x.ci95_low).collect::<Vec<_>>()),
            Column::new("ci95_high".into(), s.iter().map(|x| x.ci95_high).collect::<Vec<_>>()),
            Column::new("variance_parameter".into(), s.iter().map(|x| x.parameter).collect::<Vec<_>>()),
            Column::new("variance_stochastic".into(), s.iter().map(|x| x.stochastic).collect::<Vec<_>>()),
            Column::new("parameter_share".into(), s.iter().map(|x| x.parameter_share).collect::<Vec<_>>()),
        ],
    )?;
    write_frame(dir, "posterior_variance", &mut df, run_id)?;
    let first: Vec<(&str, &str, f64, f64)> = ranks
        .iter()
        .flat_map(|r| r.first.iter().map(move |(s, p, m)| (r.outcome.as_str(), s.as_str(), *p, *m)))
        .collect();
    let mut df = DataFrame::new(
        first.len(),
        vec![
            Column::new("outcome".into(), first.iter().map(|x| x.0).collect::<Vec<_>>()),
            Column::new("scenario".into(), first.iter().map(|x| x.1).collect::<Vec<_>>()),
            Column::new("p_first".into(), first.iter().map(|x| x.2).collect::<Vec<_>>()),
            Column::new("mean_rank".into(), first.iter().map(|x| x.3).collect::<Vec<_>>()),
        ],
    )?;
    write_frame(dir, "posterior_ranks", &mut df, run_id)?;
    let pairs: Vec<(&str, &str, &str, f64)> = ranks
        .iter()
        .flat_map(|r| r.pairs.iter().map(move |(a, b, p)| (r.outcome.as_str(), a.as_str(), b.as_str(), *p)))
        .collect();
    let mut df = DataFrame::new(
        pairs.len(),
        vec![
            Column::new("outcome".into(), pairs.iter().map(|x| x.0).collect::<Vec<_>>()),
            Column::new("scenario".into(), pairs.iter().map(|x| x.1).collect::<Vec<_>>()),
            Column::new("versus".into(), pairs.iter().map(|x| x.2).collect::<Vec<_>>()),
            Column::new("p_better".into(), pairs.iter().map(|x| x.3).collect::<Vec<_>>()),
        ],
    )?;
    write_frame(dir, "posterior_pairs", &mut df, run_id)?;
    Ok(PosteriorView { info: info.clone(), splits, rankings: ranks })
}

/// A headline outcome's label (its metric name otherwise).
fn label(metric: &str) -> &str {
    crate::analysis::compare::headline(metric).map_or(metric, |h| h.label)
}

/// The report's "Parameter uncertainty" section.
pub fn section(h: &mut String, view: &PosteriorView, baseline: &str) {
    let i = &view.info;
    let _ = writeln!(
        h,
        "<h2 id=\"posterior\">Parameter uncertainty</h2>\n<p>Each replicate ran one of {} parameter draws from the \
         calibration's accepted set <code>{}</code> ({} parameter(s): {}), the same draw in every scenario of the \
         replicate, so differences stay paired (replicate r ran draw r mod {}). Replicates that share a draw are \
         not independent, so the intervals of the tables above, which treat replicates as independent, are too \
         narrow; <code>posterior_variance</code> has each difference's interval from the draws' means, which \
         covers parameter and Monte Carlo uncertainty. Below: how much of each paired difference's variance comes from the \
         parameters, and how often each design ranks first over the draws (each draw's mean over its replicates). \
         Tables: <code>posterior_variance</code>, <code>posterior_ranks</code>, <code>posterior_pairs</code>.</p>",
        i.draws,
        escape(&i.file),
        i.keys.len(),
        escape(&i.keys.join(", ")),
        i.draws
    );
    let _ = writeln!(
        h,
        "<h3>Share of each difference's variance from the parameters</h3>\n<div class=\"table-wrap\"><table><tr><th>outcome</th>"
    );
    let mut scenarios: Vec<&str> = view.splits.iter().map(|s| s.scenario.as_str()).collect();
    scenarios.dedup();
    scenarios.sort_unstable();
    scenarios.dedup();
    for s in &scenarios {
        let _ = write!(h, "<th>{} − {}</th>", escape(s), escape(baseline));
    }
    h.push_str("</tr>\n");
    let mut outcomes: Vec<&str> = view.splits.iter().map(|s| s.outcome.as_str()).collect();
    outcomes.dedup();
    for o in &outcomes {
        let _ = write!(h, "<tr><td>{}</td>", escape(label(o)));
        for s in &scenarios {
            match view.splits.iter().find(|x| x.outcome == *o && x.scenario == *s) {
                Some(x) if x.parameter_share.is_finite() => {
                    let _ = write!(h, "<td class=\"num\">{:.0}%</td>", 100.0 * x.parameter_share);
                }
                _ => h.push_str("<td class=\"num\">—</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</table></div>\n<h3>How sure is the ranking: share of draws in which each design ranks first</h3>\n",
    );
    h.push_str("<div class=\"table-wrap\"><table><tr><th>outcome</th>");
    let names: Vec<&str> =
        view.rankings.first().map(|r| r.first.iter().map(|(s, ..)| s.as_str()).collect()).unwrap_or_default();
    for s in &names {
        let _ = write!(h, "<th>{}</th>", escape(s));
    }
    h.push_str("</tr>\n");
    for r in &view.rankings {
        let _ = write!(h, "<tr><td>{}</td>", escape(label(&r.outcome)));
        for (_, p, m) in &r.first {
            let _ = write!(
                h,
                "<td class=\"num\">{:.0}% <span class=\"note\">(mean rank {})</span></td>",
                100.0 * p,
                sig(*m, 2)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n<p class=\"note\">Better means lower for unmet need, turnover, vacancies, zero-hours work, travel, exits, cost and spend, and higher for the wage and the mission score (a judgement; docs/COMPARISON.md).</p>\n");
}
