//! Diagnostic for pattern 1: base vs +£3 rate, wage review on and off.
use careshape::analysis::{column, summarise};
use careshape::{Scenario, run_replicate};
use rayon::prelude::*;
fn main() {
    let base = careshape::load_scenario(std::path::Path::new("scenarios/camden/status-quo.toml")).unwrap();
    let extra: f64 = std::env::args().nth(1).map(|a| a.parse().unwrap()).unwrap_or(3.0);
    let reps = 12;
    let mut base = base;
    if let Ok(v) = std::env::var("HS") {
        base.providers.wage_headroom_share = v.parse().unwrap();
    }
    if let Ok(v) = std::env::var("STEP") {
        base.providers.wage_step = v.parse().unwrap();
    }
    if let Ok(v) = std::env::var("TT") {
        base.providers.turnover_trigger = v.parse().unwrap();
    }
    if let Ok(v) = std::env::var("MM") {
        base.providers.min_margin_after_raise = v.parse().unwrap();
    }
    let run = |s: &Scenario| -> Vec<Vec<f64>> {
        (0..reps)
            .into_par_iter()
            .map(|r| {
                let res = run_replicate(s, 1905, r);
                let mut v = summarise(&res);
                let post: Vec<_> = res.weeks.iter().filter(|w| !w.burn_in).collect();
                let n = post.len() as f64;
                for m in ["moves_between_providers", "leavers", "left_sector", "care_workers", "hires"] {
                    v.push(post.iter().map(|w| w.get(m).unwrap()).sum::<f64>() / n * 52.0);
                }
                v
            })
            .collect()
    };
    let metrics = [
        "effective_wage_gbp_per_hour",
        "turnover_annual",
        "unmet_need_share",
        "vacancy_rate",
        "travel_share",
        "closure_rate_annual",
        "providers_active",
        "mean_margin",
    ];
    for frozen in [false, true] {
        let mut b = base.clone();
        b.providers.wage_review_enabled = !frozen;
        let mut h = b.clone();
        h.commissioning.rate_gbp_per_hour += extra;
        let (sb, sh) = (run(&b), run(&h));
        println!("wage review frozen: {frozen}");
        let k = careshape::analysis::summary_names().len();
        let extra = ["moves/yr", "leavers/yr", "left_sector/yr", "workers*52", "hires/yr"];
        for (j, m) in metrics.iter().chain(extra.iter()).enumerate() {
            let (cb, ch): (Vec<f64>, Vec<f64>) = if j < metrics.len() {
                (column(&sb, m), column(&sh, m))
            } else {
                let i = k + j - metrics.len();
                (sb.iter().map(|v| v[i]).collect(), sh.iter().map(|v| v[i]).collect())
            };
            let d: Vec<f64> = ch.iter().zip(&cb).map(|(a, b)| a - b).collect();
            let mean = d.iter().sum::<f64>() / d.len() as f64;
            let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (d.len() - 1) as f64).sqrt();
            let mb = cb.iter().sum::<f64>() / cb.len() as f64;
            println!(
                "  {m:30} base {mb:10.4} diff {mean:+10.4} se {:8.4} t {:6.1}",
                sd / (d.len() as f64).sqrt(),
                mean / (sd / (d.len() as f64).sqrt())
            );
        }
    }
}
