//! The sensitivity page of a sweep (`report.html` in a sweep folder; docs/SENSITIVITY.md): the
//! design, the charts inline and, per policy difference and outcome, the parameters ranked by
//! their measure with bootstrap intervals. Self-contained like the comparison report.

use std::fmt::Write as _;

use base64::Engine as _;

use super::markdown::escape;
use crate::charts::Chart;
use crate::output::comparison::sig;
use crate::sweep::discovery::Discovery;
use crate::sweep::{SensitivityRow, SweepPlan};

/// The page.
pub fn render(sweep: &SweepPlan, rows: &[SensitivityRow], found: &[Discovery], charts: &[Chart]) -> String {
    let c = &sweep.config;
    let mut h = String::new();
    let title = format!("careshape sweep: {}", c.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        super::html::STYLE,
        escape(&title)
    );
    let _ = writeln!(
        h,
        "<p class=\"lead\">{}</p><p class=\"lead\">{} design point(s) × {} scenario(s) × {} replicate(s), seed {}; \
         every scenario at a point runs on the same random numbers, so each policy's difference from <strong>{}</strong> \
         is paired. careshape {}.</p>",
        escape(&c.description),
        sweep.unit_points.len(),
        sweep.names.len(),
        c.replicates,
        c.seed,
        escape(sweep.names()[0]),
        env!("CARGO_PKG_VERSION")
    );
    h.push_str("<h2>Parameters</h2>\n<table><tr><th>key</th><th>from</th><th>to</th></tr>\n");
    for p in &c.parameters {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&p.key),
            sig(p.min, 3),
            sig(p.max, 3)
        );
    }
    h.push_str("</table>\n");
    if !c.switches.is_empty() {
        h.push_str(
            "<h2>Structural switches</h2>\n<p>Alternative forms of the model, swept like parameters; a switch's \
             μ* is the outcome's mean absolute change on switching between two forms (for more forms, per unit of the form's index / (forms − 1)).</p>\n<table><tr><th>key</th><th>forms</th></tr>\n",
        );
        for sw in &c.switches {
            let forms: Vec<String> = (0..sw.values.len()).map(|i| escape(&sw.label(i))).collect();
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                escape(&sw.key),
                forms.join(", ")
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Charts</h2>\n");
    let engine = base64::engine::general_purpose::STANDARD;
    for (i, ch) in charts.iter().enumerate() {
        let _ = writeln!(
            h,
            "<figure><img src=\"data:image/png;base64,{}\" width=\"{}\" height=\"{}\" style=\"width: 100%\" alt=\"{}\">\
             <figcaption><strong>Figure {}. {}.</strong> {} <span class=\"note\">(<code>charts/{}.svg</code>)</span></figcaption></figure>",
            engine.encode(&ch.png),
            ch.width,
            ch.height,
            escape(&ch.title),
            i + 1,
            escape(&ch.title),
            escape(&ch.reading),
            escape(&ch.stem)
        );
    }
    h.push_str("<h2>Which parameters matter, difference by difference</h2>\n");
    let main = ["mu_star", "total", "prcc"]
        .into_iter()
        .find(|m| rows.iter().any(|r| r.measure == *m))
        .unwrap_or("mu_star");
    let mut keys: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.quantity == "difference" && r.measure == main)
        .map(|r| (r.scenario.as_str(), r.outcome.as_str()))
        .collect();
    keys.dedup();
    if keys.is_empty() {
        h.push_str("<p>This design has no sensitivity measures (a grid writes its points only).</p>\n");
    }
    for (s, o) in keys {
        let mut ranked: Vec<&SensitivityRow> = rows
            .iter()
            .filter(|r| r.quantity == "difference" && r.measure == main && r.scenario == s && r.outcome == o)
            .collect();
        ranked.sort_by(|a, b| b.estimate.abs().total_cmp(&a.estimate.abs()));
        let _ = writeln!(
            h,
            "<h3>{} − {}: <code>{}</code></h3>\n<table><tr><th>parameter</th><th>{}</th><th>95% interval</th></tr>",
            escape(s),
            escape(sweep.names()[0]),
            escape(o),
            match main {
                "mu_star" => "μ*",
                "total" => "total index",
                _ => "partial rank correlation",
            }
        );
        for r in ranked {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td></tr>",
                escape(&r.parameter),
                sig(r.estimate, 3),
                sig(r.low, 2),
                sig(r.high, 2)
            );
        }
        h.push_str("</table>\n");
    }
    discovery_section(&mut h, sweep, found);
    h.push_str(
        "<p class=\"note\">μ* is in the outcome's units over each parameter's full range; with few replicates per point the \
         smallest values are Monte Carlo noise, not effects. Every measure is in <code>sensitivity.csv</code>; how to read \
         them: docs/SENSITIVITY.md.</p>\n</body>\n</html>\n",
    );
    h
}

/// Per discovery: the condition, how often it holds, and the reported PRIM box: its coverage,
/// density and mass, and the factors it restricts with their limits against the sweep's range.
fn discovery_section(h: &mut String, sweep: &SweepPlan, found: &[Discovery]) {
    if found.is_empty() {
        return;
    }
    h.push_str(
        "<h2>Scenario discovery</h2>\n<p>Where in the space of uncertain factors each condition holds: PRIM \
         (Friedman and Fisher 1999) peels the factor space a face at a time towards the points where it holds. \
         <em>Coverage</em> is the share of those points inside the box, <em>density</em> the share of the box's points \
         where it holds. The box reported has the highest coverage at the density threshold; the whole trajectory \
         is in <code>discovery.csv</code>. A restriction's <em>qp</em> is the chance of a box this dense if the \
         restriction were lifted (one-sided binomial); restrictions with qp above 0.05 add little.</p>\n",
    );
    let factors = sweep.factors();
    let kp = sweep.config.parameters.len();
    for d in found {
        let b = d.prim.chosen_box();
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p><code>{}</code> holds at {:.0}% of the {} points. Reported box: coverage {:.2}, density {:.2}, \
             mass {:.2} ({} points, step {} of {}).</p>",
            escape(&d.name),
            escape(&d.condition),
            100.0 * d.holds_share,
            d.prim.trajectory[0].points,
            b.coverage,
            b.density,
            b.mass,
            b.points,
            d.prim.chosen,
            d.prim.trajectory.len() - 1
        );
        if b.restricted.is_empty() {
            h.push_str(
                "<p>The box restricts no factor: the condition holds about as often everywhere.</p>\n",
            );
            continue;
        }
        h.push_str("<table><tr><th>factor</th><th>box</th><th>sweep range</th><th>qp</th></tr>\n");
        for &(j, qp) in &d.qp {
            let full = d.prim.trajectory[0].limits[j];
            // A switch's limits in forms: the first form at or above the low limit, the last at
            // or below the high one.
            let show = |v: f64, low: bool| match j.checked_sub(kp) {
                Some(s) => {
                    escape(&sweep.config.switches[s].label(if low { v.ceil() } else { v.floor() } as usize))
                }
                None => sig(v, 3),
            };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td class=\"num\">{} to {}</td><td class=\"num\">{} to {}</td><td class=\"num\">{}</td></tr>",
                escape(factors[j]),
                show(b.limits[j].0, true),
                show(b.limits[j].1, false),
                show(full.0, true),
                show(full.1, false),
                if qp < 0.001 { "&lt; 0.001".to_string() } else { sig(qp, 2) }
            );
        }
        h.push_str("</table>\n");
    }
}
