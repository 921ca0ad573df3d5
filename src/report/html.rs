//! `report.html`: one self-contained page (charts inlined as PNG data URIs, no script or style
//! from the network, a Content-Security-Policy that forbids any) that prints cleanly.
//! Opened with `?check` in the address, an inline script records console errors and broken
//! images into the page, for the headless-browser check of `.ci/browser-check.sh`.

use std::fmt::Write as _;

use base64::Engine as _;

use super::markdown::{self, escape};
use super::{Built, RunInfo, SameBudgetView};
use crate::analysis::compare::{ALPHA, Family, LEVEL};
use crate::output::comparison::{display, fmt_difference, fmt_estimate, sig};
use crate::scenario::diff::value_differences;

pub(crate) const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d8d8d8; --clear: #00594a; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { font-size: 1.08em; margin-top: 1.5em; }
h4 { font-size: 1em; margin-top: 1.2em; }
.lead { color: var(--muted); margin-top: 0; }
nav ol { columns: 2; padding-left: 1.4em; }
table { border-collapse: collapse; width: 100%; font-size: 0.86em; margin: 0.6em 0 1em; }
th, td { border-bottom: 1px solid var(--rule); padding: 5px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; }
.diff { display: block; color: var(--muted); font-size: 0.92em; }
.diff.clear { color: var(--clear); font-weight: bold; }
figure { margin: 1.2em 0 2em; page-break-inside: avoid; break-inside: avoid; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { margin-top: 0.4em; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; background: #f4f4f4; padding: 0 3px; }
.note { color: var(--muted); font-size: 0.9em; }
.quoted { font-size: 0.82em; }
blockquote { border-left: 4px solid var(--rule); margin: 0.8em 0; padding: 0.1em 1em; }
#careshape-check { display: none; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { page-break-after: avoid; break-after: avoid; }
  table { font-size: 8pt; }
  tr, figure, .scenario { page-break-inside: avoid; break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Collects console errors, failed loads and policy violations, and after `load` writes a JSON
/// verdict into `<pre id="careshape-check">`. Runs only when the address has `?check`.
const CHECK_SCRIPT: &str = r#"
(function () {
  if (!/[?&]check\b/.test(location.search)) return;
  var errors = [];
  var original = console.error;
  console.error = function () {
    errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) errors.push('failed to load ' + String(t.src || t.href).slice(0, 80));
    else errors.push('error: ' + e.message);
  }, true);
  window.addEventListener('unhandledrejection', function (e) { errors.push('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('blocked by the content security policy: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  window.addEventListener('load', function () {
    var imgs = Array.prototype.slice.call(document.images);
    var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0); });
    var result = {
      images: imgs.length,
      sizes: imgs.map(function (i) { return i.naturalWidth + 'x' + i.naturalHeight; }),
      broken: broken.map(function (i) { return i.alt; }),
      errors: errors
    };
    result.ok = imgs.length > 0 && broken.length === 0 && errors.length === 0;
    var pre = document.createElement('pre');
    pre.id = 'careshape-check';
    pre.textContent = 'CARESHAPE-CHECK ' + JSON.stringify(result);
    document.body.appendChild(pre);
  });
})();
"#;

/// The whole page.
/// The whole page; `same_budget` is the comparison of the same designs on the baseline's money,
/// if `compare --same-budget` wrote one (shown after the unconstrained view).
pub fn render(run: &RunInfo, built: &Built, same_budget: Option<&SameBudgetView>) -> String {
    let s = &built.samples;
    let baseline = &built.baseline;
    let n = s.replicates.len();
    let mut h = String::new();
    let title = format!("careshape: {} scenario(s) compared with {baseline}", s.scenarios.len());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<script>{CHECK_SCRIPT}</script>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        h,
        "<p class=\"lead\">{} scenario(s) × {n} paired replicate(s); {} weeks after the reform date, after {} weeks of \
         burn-in under the same rules in every scenario. Seed {}. careshape {}{}.</p>",
        s.scenarios.len(),
        run.weeks,
        run.burn_in_weeks,
        run.master_seed,
        escape(&run.careshape_version),
        run.git_commit
            .as_deref()
            .map(|c| format!(", commit <code>{}</code>", escape(&c[..c.len().min(12)])))
            .unwrap_or_default()
    );
    if let Some(sc) = run.scenario(baseline) {
        // Which market every difference is measured from (README, "Two baselines").
        let _ = writeln!(
            h,
            "<p class=\"lead\">Baseline: <strong>{}</strong>: {}</p>",
            escape(baseline),
            escape(sc.description())
        );
    }
    h.push_str("<nav><ol><li><a href=\"#headline\">Headline outcomes</a></li>");
    if same_budget.is_some() {
        h.push_str("<li><a href=\"#same-budget\">Same budget</a></li>");
    }
    if !built.value.is_empty() {
        h.push_str("<li><a href=\"#value\">Cost-effectiveness</a></li>");
    }
    if !built.mission.is_empty() {
        h.push_str("<li><a href=\"#mission\">Mission score</a></li>");
    }
    if super::appraisal::has_capacity(built) {
        h.push_str("<li><a href=\"#capacity\">Council and self-funded care</a></li>");
    }
    if built.posterior.is_some() {
        h.push_str("<li><a href=\"#posterior\">Parameter uncertainty</a></li>");
    }
    h.push_str(
        "<li><a href=\"#charts\">Charts</a></li>\
         <li><a href=\"#scenarios\">Scenarios</a></li><li><a href=\"#all\">Every outcome</a></li>\
         <li><a href=\"#method\">Method</a></li><li><a href=\"#validity\">Validity and limits</a></li>\
         <li><a href=\"#run\">Run details</a></li></ol></nav>\n",
    );
    headline_table(&mut h, built);
    if let Some(same) = same_budget {
        same_budget_table(&mut h, same);
    }
    super::appraisal::value_section(&mut h, run, built);
    super::appraisal::mission_section(&mut h, built);
    super::appraisal::capacity_section(&mut h, built);
    if let Some(p) = &built.posterior {
        super::posterior::section(&mut h, p, &built.baseline);
    }
    charts(&mut h, built);
    scenarios(&mut h, run, built);
    all_outcomes(&mut h, built);
    method(&mut h, run, built);
    validity(&mut h, run, built);
    run_details(&mut h, run);
    h.push_str("</body>\n</html>\n");
    h
}

/// The same designs with the baseline's spend as a binding budget from the reform date.
fn same_budget_table(h: &mut String, same: &SameBudgetView) {
    let b = &same.built;
    let _ = writeln!(h, "<h2 id=\"same-budget\">Same budget</h2>");
    let _ = writeln!(
        h,
        "<p>The same designs on the same replicates, each with <strong>{}</strong>'s own spend as a binding budget from \
         the reform date{}, rationed by each scenario's rule (by default new packages wait while spend runs ahead of \
         the budget): a design that costs more per hour buys fewer hours. Tables and a report of their own are in \
         <code>same-budget/</code>.</p>",
        escape(&b.baseline),
        match (same.annual_gbp, same.growth_percent) {
            (Some(a), Some(g)) =>
                format!(" (£{:.2}m a year at the reform date, {g:+.1}% a year after)", a / 1e6),
            _ => String::new(),
        }
    );
    headline_rows(h, b, &["delivered_hours", "clients_waiting"]);
}

fn headline_table(h: &mut String, b: &Built) {
    let s = &b.samples;
    let _ = writeln!(h, "<h2 id=\"headline\">Headline outcomes</h2>");
    let _ = writeln!(
        h,
        "<p>Mean after burn-in with its {:.0}% confidence interval over {} replicates. Below each mean: the paired \
         difference Δ to <strong>{}</strong> with its {:.0}% CI; <strong class=\"clear\">bold green</strong> when it is \
         clear of zero after Holm's adjustment (family-wise α = {ALPHA}).</p>",
        LEVEL * 100.0,
        s.replicates.len(),
        escape(&b.baseline),
        LEVEL * 100.0
    );
    headline_rows(h, b, &[]);
}

/// The headline outcomes (and `extra` outcomes first) as a table: mean and CI, and the paired
/// difference to the baseline.
fn headline_rows(h: &mut String, b: &Built, extra: &[&str]) {
    let s = &b.samples;
    h.push_str("<div class=\"table-wrap\"><table>\n<tr><th>outcome</th>");
    for sc in &s.scenarios {
        let _ = write!(h, "<th>{}</th>", escape(sc));
    }
    h.push_str("</tr>\n");
    let mut outcomes: Vec<&str> =
        extra.iter().copied().filter(|o| b.rows.iter().any(|r| r.outcome == *o)).collect();
    for r in b.rows.iter().filter(|r| r.family == Family::Headline) {
        if !outcomes.contains(&r.outcome.as_str()) {
            outcomes.push(&r.outcome);
        }
    }
    for o in outcomes {
        let (scale, label) = match o {
            "delivered_hours" => (1.0, "delivered hours (client-hours/week)".to_string()),
            "clients_waiting" => (1.0, "clients waiting".to_string()),
            _ => display(o),
        };
        let _ = write!(h, "<tr><th>{}</th>", escape(&label));
        for r in b.rows.iter().filter(|r| r.outcome == o) {
            let e = &r.estimate;
            let _ =
                write!(h, "<td class=\"num\">{}", escape(&fmt_estimate(e.mean, e.low(), e.high(), scale)));
            if let Some(d) = r.difference {
                let clear = r.clear_of_zero == Some(true);
                let _ = write!(
                    h,
                    "<span class=\"diff{}\">Δ {}{}</span>",
                    if clear { " clear" } else { "" },
                    escape(&fmt_difference(d.mean, d.low(), d.high(), scale)),
                    if clear { " ✓" } else { "" }
                );
            } else {
                h.push_str("<span class=\"diff\">baseline</span>");
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

fn charts(h: &mut String, b: &Built) {
    let _ = writeln!(h, "<h2 id=\"charts\">Charts</h2>");
    let _ = writeln!(
        h,
        "<p class=\"note\">Each chart is also in <code>charts/</code> as PNG (for documents) and SVG (for print and editing).</p>"
    );
    let engine = base64::engine::general_purpose::STANDARD;
    for (i, c) in b.charts.iter().enumerate() {
        let _ = writeln!(
            h,
            "<figure id=\"chart-{}\"><img src=\"data:image/png;base64,{}\" width=\"{}\" height=\"{}\" style=\"width: {:.1}%\" alt=\"{}\">\
             <figcaption><strong>Figure {}. {}.</strong> {} <span class=\"note\">(<code>charts/{}.svg</code>)</span></figcaption></figure>",
            escape(&c.stem),
            engine.encode(&c.png),
            c.width,
            c.height,
            // The same scale for every chart, so text is the same size in all of them.
            (c.width as f64 / 1800.0 * 100.0).min(100.0),
            escape(&c.title),
            i + 1,
            escape(&c.title),
            escape(&c.reading),
            escape(&c.stem)
        );
    }
}

fn scenarios(h: &mut String, run: &RunInfo, b: &Built) {
    let _ = writeln!(h, "<h2 id=\"scenarios\">Scenarios</h2>");
    let base = run.scenario(&b.baseline);
    for name in &b.samples.scenarios {
        let Some(sc) = run.scenario(name) else { continue };
        let _ = writeln!(h, "<div class=\"scenario\"><h3>{}</h3>", escape(name));
        let _ = writeln!(
            h,
            "<p>{}{}</p>",
            escape(sc.description()),
            sc.file
                .as_ref()
                .map(|f| format!(
                    " <span class=\"note\">(<code>{}</code>)</span>",
                    escape(&f.display().to_string())
                ))
                .unwrap_or_default()
        );
        if *name == b.baseline {
            h.push_str(
                "<p class=\"note\">The baseline: every other scenario is compared with it.</p></div>\n",
            );
            continue;
        }
        let diffs = base.map(|bs| value_differences(&bs.parameters, &sc.parameters)).unwrap_or_default();
        if diffs.is_empty() {
            let _ = writeln!(h, "<p class=\"note\">Same parameters as {}.</p></div>", escape(&b.baseline));
            continue;
        }
        let _ = writeln!(
            h,
            "<div class=\"table-wrap\"><table><tr><th>parameter</th><th>{}</th><th>this scenario</th><th>source of the default (CALIBRATION.md §2)</th></tr>",
            escape(&b.baseline)
        );
        for d in diffs {
            let (k, x, y) = (d.key, d.baseline, d.scenario);
            let source = markdown::parameter_source(&k).unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
                escape(&k),
                escape(&x),
                escape(&y),
                escape(&source)
            );
        }
        h.push_str("</table></div></div>\n");
    }
}

fn all_outcomes(h: &mut String, b: &Built) {
    let s = &b.samples;
    let _ = writeln!(h, "<h2 id=\"all\">Every outcome</h2>");
    let _ = writeln!(
        h,
        "<p>All summary metrics (units as in <code>summary.csv</code>; shares as fractions; definitions in docs/ODD.md). \
         Baseline column: mean; other columns: paired difference (95% CI); ✓ = clear of zero after Holm within its \
         family (headline or secondary outcomes).</p>"
    );
    h.push_str("<div class=\"table-wrap\"><table>\n<tr><th>outcome</th>");
    for sc in &s.scenarios {
        let _ = write!(h, "<th>{}</th>", escape(sc));
    }
    h.push_str("</tr>\n");
    for m in b.rows.iter().filter(|r| r.is_baseline) {
        let _ = write!(h, "<tr><td><code>{}</code></td>", escape(&m.outcome));
        for r in b.rows.iter().filter(|r| r.outcome == m.outcome) {
            let cell = match r.difference {
                None => sig(r.estimate.mean, 3),
                Some(d) => format!(
                    "{}{}",
                    fmt_difference(d.mean, d.low(), d.high(), 1.0),
                    if r.clear_of_zero == Some(true) { " ✓" } else { "" }
                ),
            };
            let _ = write!(h, "<td class=\"num\">{}</td>", escape(&cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

fn method(h: &mut String, run: &RunInfo, b: &Built) {
    let n = b.samples.replicates.len();
    let _ = writeln!(h, "<h2 id=\"method\">Method</h2>");
    let _ = writeln!(
        h,
        "<ul>\
         <li><strong>Replicates.</strong> Each scenario ran {n} replicate(s) of {} burn-in weeks plus {} weeks. A replicate's \
         outcome is its mean (or rate) over the weeks after burn-in (docs/ODD.md, \"Summary metrics\").</li>\
         <li><strong>Common random numbers.</strong> Replicate <em>i</em> of every scenario uses the same random streams \
         (arrivals, deaths, quits, …), keyed by seed, replicate, process, week and agent, never by scenario. Differences \
         between scenarios are therefore paired: most of the chance variation cancels.</li>\
         <li><strong>Confidence intervals.</strong> {:.0}% Student-t intervals over replicates for means, and for the paired \
         differences (the mean of the per-replicate differences ± t × its standard error).</li>\
         <li><strong>Multiple comparisons.</strong> Each difference also has a two-sided paired t-test; its p-values are \
         adjusted by Holm's step-down method within two families: the headline outcomes × scenarios, and the other \
         outcomes × scenarios. \"Clear of zero\" means a Holm-adjusted p-value below {ALPHA}. An unadjusted 95% CI can \
         exclude zero while the adjusted test does not.</li>\
         <li><strong>What the uncertainty covers.</strong> Only the model's chance variation. It does not cover uncertainty \
         in parameters or in the model's structure (see below).</li>",
        run.burn_in_weeks,
        run.weeks,
        LEVEL * 100.0
    );
    if let Some(a) = run.comparison.as_ref().and_then(|c| c.auto.as_ref()) {
        let _ = writeln!(
            h,
            "<li><strong>Replicates chosen automatically.</strong> Batches of {} replicates were added until every \
             headline difference's 95% CI half-width was within its tolerance, or {} replicates. {} Sequential stopping \
             of this kind slightly understates the width of the final intervals.</li>",
            a.batch,
            a.max_replicates,
            if a.reached {
                format!("Every headline outcome reached its tolerance at {n} replicates.")
            } else {
                format!("The cap was reached at {n} replicates before every outcome reached its tolerance.")
            }
        );
    }
    h.push_str("</ul>\n<p class=\"note\">Details: docs/COMPARISON.md.</p>\n");
    if let Some(a) = run.comparison.as_ref().and_then(|c| c.auto.as_ref()) {
        h.push_str("<table><tr><th>headline outcome</th><th>tolerance</th><th>widest 95% CI half-width</th><th>reached</th></tr>\n");
        for p in &a.precision {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td class=\"num\">{} (= {})</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&p.metric),
                escape(&p.tolerance),
                sig(p.tolerance_abs, 3),
                sig(p.widest_half_width, 3),
                if p.reached { "yes" } else { "no" }
            );
        }
        h.push_str("</table>\n");
    }
}

fn validity(h: &mut String, _run: &RunInfo, _b: &Built) {
    let _ = writeln!(h, "<h2 id=\"validity\">Validity and limits</h2>");
    h.push_str(
        "<p>The model's defaults are calibrated to the status quo in Camden by approximate Bayesian computation. What \
         follows is quoted from <code>docs/CALIBRATION.md</code> §4 (\"The fit and the held-out checks\") of this \
         version of careshape: how well the status quo matches its targets, which held-out checks it misses, and what \
         the misses say. Where a scenario changes a parameter, the table under <a href=\"#scenarios\">Scenarios</a> \
         quotes where the default value comes from (§2); every default and its source is in §2.</p>\n<blockquote>\n",
    );
    match markdown::section(markdown::CALIBRATION_MD, "## 4 ") {
        Some(s4) => h.push_str(&markdown::to_html(s4)),
        None => h.push_str("<p>(docs/CALIBRATION.md has no §4 in this build.)</p>"),
    }
    h.push_str("</blockquote>\n");
    h.push_str(
        "<p><strong>Read differences, not levels.</strong> Levels depend on every assumption; differences between \
         scenarios that share random numbers and assumptions are more robust, but not immune: a lever that acts through \
         a mechanism the model gets wrong (see the held-out misses above) will be misjudged.</p>\n",
    );
    h.push_str(
        "<p><strong>What the differences rest on.</strong> A Morris screening of behavioural and market parameters \
         found which assumptions move the mission-led and fair-rate-floor differences from the status quo most; the \
         same assumptions shape other designs that act through pay and the labour market. Quoted from \
         <code>docs/SENSITIVITY.md</code> (\"What the shipped screening found\"), which also gives the Sobol and \
         scenario-discovery studies:</p>\n<blockquote>\n",
    );
    match markdown::section(markdown::SENSITIVITY_MD, "## What the shipped screening found") {
        Some(s) => h.push_str(&markdown::to_html(s)),
        None => h.push_str("<p>(docs/SENSITIVITY.md has no screening section in this build.)</p>"),
    }
    h.push_str("</blockquote>\n");
}

fn run_details(h: &mut String, run: &RunInfo) {
    let _ = writeln!(h, "<h2 id=\"run\">Run details</h2>");
    h.push_str("<table>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), v);
    };
    row("careshape version", escape(&run.careshape_version));
    row(
        "git commit",
        run.git_commit.as_deref().map_or("unknown".into(), |c| format!("<code>{}</code>", escape(c))),
    );
    row("master seed", run.master_seed.to_string());
    row("replicates per scenario", run.replicates.to_string());
    if let Some(c) = &run.comparison {
        row("replicates chosen", escape(&c.replicates_mode));
        row("baseline", escape(&c.baseline));
    }
    row("weeks after the reform date", run.weeks.to_string());
    row("burn-in weeks", run.burn_in_weeks.to_string());
    row(
        "scenario files",
        run.scenarios
            .iter()
            .map(|s| {
                format!(
                    "{}: <code>{}</code>",
                    escape(&s.name),
                    escape(&s.file.as_ref().map_or("(none)".to_string(), |f| f.display().to_string()))
                )
            })
            .collect::<Vec<_>>()
            .join("<br>"),
    );
    h.push_str("</table>\n<p class=\"note\">Every resolved parameter and each file's SHA-256 are in <code>manifest.json</code>.</p>\n");
}
