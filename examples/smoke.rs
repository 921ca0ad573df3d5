use careshape::{Scenario, run_replicate};
fn main() {
    let s = Scenario::default();
    let t = std::time::Instant::now();
    let r = run_replicate(&s, 1, 0);
    eprintln!("elapsed {:?}", t.elapsed());
    for p in &r.providers {
        if p.exit_week.is_some() || p.entry_week > -52 {
            eprintln!(
                "{} {} entry {} exit {:?} hours {:.0} q {:.2} m {:.3}",
                p.id, p.kind, p.entry_week, p.exit_week, p.contact_hours_total, p.mean_quality, p.mean_margin
            );
        }
    }
    let cols = [
        "clients_active",
        "clients_waiting",
        "unmet_need_share",
        "care_workers",
        "pool_size",
        "turnover_annualised",
        "vacancy_rate",
        "zero_hours_share",
        "wage_gbp_per_hour",
        "effective_wage_gbp_per_hour",
        "travel_share",
        "providers_active",
        "provider_exits",
        "provider_entries",
        "handback_packages",
        "mean_margin",
        "cost_per_delivered_hour_gbp",
        "spot_rate_gbp_per_hour",
        "national_living_wage_gbp",
        "mean_quality",
        "continuity_carers_per_4_weeks",
        "self_funder_hours_delivered",
        "moves_between_providers",
        "hires",
        "left_sector",
    ];
    for c in cols {
        print!("{:>10.10} ", c);
    }
    println!();
    for chunk in r.weeks.chunks(26) {
        for c in cols {
            let v: f64 = chunk.iter().map(|w| w.get(c).unwrap()).sum::<f64>() / chunk.len() as f64;
            print!("{:>10.3} ", v);
        }
        println!(" wk{}", chunk[0].week);
    }
}
#[allow(dead_code)]
fn unused() {}
