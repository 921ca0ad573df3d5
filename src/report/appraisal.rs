//! The report's value sections: cost-effectiveness (with the frontier), the mission score
//! component by component with its weight sweep, and the shift of capacity between council and
//! self-funded care (docs/COMPARISON.md, "Cost-effectiveness", "Mission score").

use std::fmt::Write as _;

use super::markdown::escape;
use super::{Built, RunInfo};
use crate::analysis::compare::Estimate;
use crate::analysis::mission::SWEEP_DRAWS;
use crate::analysis::value::{EFFECTS, Frontier, quadrant};
use crate::output::comparison::{fmt_difference, sig};
use crate::scenario::MISSION_COMPONENTS;

fn diff(e: &Estimate, scale: f64) -> String {
    escape(&fmt_difference(e.mean, e.low(), e.high(), scale))
}

/// £ with a unit suffix chosen by size (£1.2m, −£35k, £180).
fn money(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "" };
    format!("{sign}£{}", compact(x.abs()))
}

/// A quantity with a suffix chosen by size: 1.23m, 45.6k, 789.
fn compact(a: f64) -> String {
    if a.abs() >= 1e6 {
        format!("{}m", sig(a / 1e6, 3))
    } else if a.abs() >= 1e4 {
        format!("{}k", sig(a / 1e3, 3))
    } else {
        sig(a, 3)
    }
}

/// A signed difference with its CI in compact form: +192k (+176k to +209k).
fn diff_compact(e: &Estimate) -> String {
    let s = |x: f64| if x > 0.0 { format!("+{}", compact(x)) } else { compact(x).replacen('-', "−", 1) };
    if e.low().is_finite() {
        escape(&format!("{} ({} to {})", s(e.mean), s(e.low()), s(e.high())))
    } else {
        escape(&s(e.mean))
    }
}

/// Cost-effectiveness: one table per effect, the primary one with net monetary benefit.
pub(super) fn value_section(h: &mut String, run: &RunInfo, b: &Built) {
    if b.value.is_empty() {
        return;
    }
    let a = &b.appraisal;
    let _ = writeln!(h, "<h2 id=\"value\">Cost-effectiveness</h2>");
    let _ = writeln!(
        h,
        "<p>What each design's extra public money buys, against <strong>{}</strong>, over the {} after the reform \
         date. <em>Net public cost</em> is council homecare spend (with outcome payments and emergency premiums), the \
         provider of last resort, the Mission Incubator and downstream costs to the council (residential moves) and the NHS \
         (emergency admissions): a design's savings show as lower downstream costs. Costs and outcomes are discounted to \
         the reform date at {}% a year (HM Treasury Green Book; <code>[appraisal] discount_rate_percent</code>). \
         Differences are paired over the same replicates, with 95% CIs.</p>",
        escape(&b.baseline),
        if run.weeks.is_multiple_of(52) {
            format!("{} years", run.weeks / 52)
        } else {
            format!("{} weeks", run.weeks)
        },
        sig(a.discount_rate_percent, 3)
    );
    h.push_str(
        "<p>Along the <strong>efficiency frontier</strong> (figure \"Cost-effectiveness\"), each design's incremental \
         cost-effectiveness ratio (ICER) is measured from the previous design on it; a design that another beats on both \
         cost and effect is <em>dominated</em>, and one that a mix of two frontier designs would beat is <em>extendedly \
         dominated</em>; neither gets an ICER. The ratio against the baseline is shown for every design, with the \
         quadrant it lies in, because a ratio alone hides whether the design costs more or less.</p>\n",
    );
    for e in EFFECTS.iter() {
        let rows: Vec<_> = b.value.iter().filter(|r| r.effect == e.key).collect();
        let primary = e.key == EFFECTS[0].key;
        let _ = writeln!(h, "<h3>£ per {}</h3>", escape(e.unit));
        h.push_str("<div class=\"table-wrap\"><table>\n<tr><th>design</th><th>Δ net public cost (present value)</th>");
        let _ = write!(
            h,
            "<th>Δ {} (present value)</th><th>£ per unit against the baseline</th><th>frontier</th><th>ICER on the frontier</th>",
            escape(e.unit)
        );
        if primary {
            let _ = write!(h, "<th>net monetary benefit at {} an hour</th>", money(a.wtp_gbp_per_unmet_hour));
        }
        h.push_str("</tr>\n");
        for r in rows {
            let is_base = r.scenario == b.baseline;
            let _ = write!(h, "<tr><th>{}</th>", escape(&r.scenario));
            if is_base {
                let _ = write!(h, "<td class=\"num\">baseline</td><td class=\"num\">baseline</td><td></td>");
            } else {
                let q = quadrant(r.delta_effect.mean, r.delta_cost.mean);
                let ratio = if r.delta_effect.mean > 0.0 && r.delta_cost.mean > 0.0 {
                    money(r.cost_per_unit)
                } else {
                    String::new()
                };
                let _ = write!(
                    h,
                    "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}<span class=\"diff\">{}</span></td>",
                    escape(&format!(
                        "{} ({} to {})",
                        money(r.delta_cost.mean),
                        money(r.delta_cost.low()),
                        money(r.delta_cost.high())
                    )),
                    diff_compact(&r.delta_effect),
                    escape(&ratio),
                    escape(q)
                );
            }
            let status = match r.frontier {
                Frontier::Efficient => "on the frontier".to_string(),
                other => other.as_str().to_string(),
            };
            let icer = match (&r.icer, &r.icer_versus) {
                (Some(i), Some(v)) => format!("{} per unit, from {}", money(*i), v),
                _ if r.frontier == Frontier::Efficient => "first on the frontier".to_string(),
                _ => "—".to_string(),
            };
            let _ = write!(h, "<td>{}</td><td class=\"num\">{}</td>", escape(&status), escape(&icer));
            if primary {
                match r.nmb {
                    Some(n) if !is_base => {
                        let _ = write!(
                            h,
                            "<td class=\"num\">{}</td>",
                            escape(&format!("{} ({} to {})", money(n.mean), money(n.low()), money(n.high())))
                        );
                    }
                    _ => h.push_str("<td class=\"num\">0</td>"),
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Every figure is arithmetic on the summary table's columns <code>net_public_cost_pv_gbp</code>, \
         <code>unmet_hours_pv</code>, <code>turnover_discounted</code> (× 100 × <code>discounted_years</code>: point-years, \
         so £ per unit is £ a year per point) and <code>estate_resident_years_pv</code>; the table is \
         <code>cost_effectiveness.csv</code>. Net monetary benefit = willingness to pay × Δ hours avoided − Δ cost, per \
         replicate; the willingness to pay is <code>[appraisal] wtp_gbp_per_unmet_hour</code> (assumed; docs/CALIBRATION.md [C55]).</p>"
    );
}

/// The mission score: each component next to the total, the weight sweep and input flags.
pub(super) fn mission_section(h: &mut String, b: &Built) {
    if b.mission.is_empty() {
        return;
    }
    let w = b.weights.as_array();
    let total: f64 = w.iter().sum();
    let shown: Vec<usize> = (0..w.len()).filter(|&k| w[k] > 0.0).collect();
    let _ = writeln!(h, "<h2 id=\"mission\">Mission score</h2>");
    let _ = writeln!(
        h,
        "<p>Each component is bounded: the relative change of its outcome since the burn-in year (the same market in \
         every scenario), signed so that + is better and capped at ±1 (±100%). The score is their weighted mean, from \
         −1 to 1 (0 = as in the burn-in year). Weights (<code>[mission]</code> or <code>--mission-weights</code>): {}. \
         Cells: the component's mean over replicates and, below it, its paired difference from <strong>{}</strong>. \
         <strong>†</strong> marks a component the design moves by an input of its own rather than through the market.</p>",
        shown
            .iter()
            .map(|&k| format!("{} {:.0}%", MISSION_COMPONENTS[k].2, 100.0 * w[k] / total))
            .collect::<Vec<_>>()
            .join(", "),
        escape(&b.baseline)
    );
    // The total and the sweep first, so they show without scrolling; the components after.
    let _ = write!(
        h,
        "<div class=\"table-wrap\"><table>\n<tr><th>design</th><th>score</th>\
         <th>ranked first, share of {SWEEP_DRAWS} weightings</th><th>mean rank</th>"
    );
    for &k in &shown {
        let _ = write!(h, "<th>{} ({:.0}%)</th>", escape(MISSION_COMPONENTS[k].2), 100.0 * w[k] / total);
    }
    h.push_str("</tr>\n");
    let mut notes: Vec<String> = Vec::new();
    for r in &b.mission {
        let is_base = r.scenario == b.baseline;
        let _ = write!(h, "<tr><th>{}</th>", escape(&r.scenario));
        let _ = write!(h, "<td class=\"num\"><strong>{}</strong>", sig(r.score.mean, 2));
        if !is_base {
            let _ = write!(h, "<span class=\"diff\">Δ {}</span>", diff(&r.score_difference, 1.0));
        }
        let _ = write!(
            h,
            "</td><td class=\"num\">{:.0}%</td><td class=\"num\">{}</td>",
            100.0 * r.share_first,
            sig(r.mean_rank, 2)
        );
        for &k in &shown {
            let inputs: Vec<&str> =
                r.input_driven.iter().filter(|x| x.0 == MISSION_COMPONENTS[k].0).map(|x| x.1).collect();
            let mark = if inputs.is_empty() { "" } else { " †" };
            if !inputs.is_empty() {
                notes.push(format!("{}, {}: {}", r.scenario, MISSION_COMPONENTS[k].2, inputs.join("; ")));
            }
            let c = &r.components[k];
            let _ = write!(h, "<td class=\"num\">{}{mark}", sig(c.mean, 2));
            if !is_base {
                let _ = write!(h, "<span class=\"diff\">Δ {}</span>", diff(&r.differences[k], 1.0));
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">Weight sweep: {SWEEP_DRAWS} weight vectors drawn uniformly from the simplex over the components \
         with a positive weight (a flat Dirichlet), each ranking the designs by their mean score; a design that ranks first \
         under most weightings does not depend on the weights chosen. Table: <code>mission.csv</code>.</p>"
    );
    if !notes.is_empty() {
        h.push_str("<p class=\"note\">† Set by the design's own inputs: ");
        h.push_str(&escape(&notes.join(". ")));
        h.push_str(".</p>\n");
    }
}

/// The capacity section's rows: (summary metric, label, display scale).
const CAPACITY_ROWS: &[(&str, &str, f64)] = &[
    ("delivered_hours", "council-funded hours delivered a week", 1.0),
    ("unmet_need_share", "council clients' unmet need (%)", 100.0),
    ("self_funder_hours_delivered", "self-funded hours delivered a week", 1.0),
    ("self_funder_unmet_share", "self-funded hours sought and not delivered (%)", 100.0),
    ("private_rate_gbp_per_hour", "self-funders' fee (£ an hour)", 1.0),
];

/// Whether the comparison has the capacity section's outcomes (runs before they existed do not).
pub(super) fn has_capacity(b: &Built) -> bool {
    CAPACITY_ROWS.iter().all(|(m, _, _)| b.rows.iter().any(|r| r.outcome == *m))
}

/// Council and self-funded care: whether a design moves capacity between them.
pub(super) fn capacity_section(h: &mut String, b: &Built) {
    if !has_capacity(b) {
        return;
    }
    let _ = writeln!(h, "<h2 id=\"capacity\">Council and self-funded care</h2>");
    let _ = writeln!(
        h,
        "<p>Providers serve both the council's clients and people who pay for themselves, from one workforce. A design that \
         pays providers more can pull capacity towards council packages, and its costs reach self-funders through the \
         private fee, which from the reform date follows providers' costs where they outgrow the wage floor \
         (<code>self_funders.cost_pass_through</code>, \
         docs/ODD.md §7.12). Mean with 95% CI; below it the paired difference from <strong>{}</strong>.</p>",
        escape(&b.baseline)
    );
    h.push_str("<div class=\"table-wrap\"><table>\n<tr><th>outcome</th>");
    for sc in &b.samples.scenarios {
        let _ = write!(h, "<th>{}</th>", escape(sc));
    }
    h.push_str("</tr>\n");
    for (metric, label, scale) in CAPACITY_ROWS {
        let _ = write!(h, "<tr><th>{}</th>", escape(label));
        for r in b.rows.iter().filter(|r| r.outcome == *metric) {
            let e = &r.estimate;
            let _ = write!(
                h,
                "<td class=\"num\">{}",
                escape(&crate::output::comparison::fmt_estimate(e.mean, e.low(), e.high(), *scale))
            );
            match r.difference {
                Some(d) => {
                    let _ = write!(h, "<span class=\"diff\">Δ {}</span>", diff(&d, *scale));
                }
                None => h.push_str("<span class=\"diff\">baseline</span>"),
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}
