//! Issue 21: the Camden Charter baseline (`scenarios/camden-charter/`) carries the Ethical Care
//! Charter's terms through the existing levers, and the minimum visit length lever (docs/ODD.md
//! §7.2) plans longer visits.

use std::path::Path;

use crate::common::{Checks, careshape_ok, load, paired, runs, summaries};

const SEED: u64 = 2114;
const REPLICATES: u32 = 20;

fn charter(name: &str) -> careshape::Scenario {
    load(Path::new("scenarios/camden-charter").join(format!("{name}.toml")))
}

#[test]
fn the_charter_folder_validates_and_every_design_extends_the_charter_baseline() {
    let out = careshape_ok(&["validate", "scenarios/camden-charter"]);
    let base = charter("status-quo");
    assert_eq!(base.name, "charter-status-quo");
    assert!(out.contains("charter-status-quo"), "{out}");
    for file in std::fs::read_dir("scenarios/camden-charter").unwrap() {
        let path = file.unwrap().path();
        let s = load(&path);
        // Every design keeps the Charter's terms, its burn-in and its visits.
        assert!(s.name.starts_with("charter-"), "{}: {}", path.display(), s.name);
        assert_eq!(s.burn_in, base.burn_in, "{}: burn-in differs from the baseline's", path.display());
        let sv = &s.commissioning.social_value;
        assert_eq!(
            (sv.london_living_wage, sv.paid_travel, sv.guaranteed_hours),
            (
                base.commissioning.social_value.london_living_wage,
                base.commissioning.social_value.paid_travel,
                base.commissioning.social_value.guaranteed_hours
            ),
            "{}: drops a Charter term",
            path.display()
        );
        assert_eq!(s.commissioning.min_visit_minutes, 30.0, "{}", path.display());
    }
}

/// The Charter baseline over 20 paired replicates with the inner-London reference: in every week
/// after burn-in at least 90% of employed workers are paid at least the London Living Wage and
/// every council hour is planned with a provider that pays travel time; its zero-hours share is
/// below the reference's (paired test); and with no visit under 30 minutes its workers travel a
/// smaller share of their time (fewer, longer visits for the same hours).
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn the_charter_baseline_pays_the_llw_and_travel_and_uses_fewer_zero_hours_contracts_than_the_reference() {
    let base = charter("status-quo");
    for r in runs(&base, SEED, 0..REPLICATES) {
        for w in r.weeks.iter().filter(|w| !w.burn_in) {
            assert!(
                w.share_paid_at_least_llw >= 0.9,
                "replicate {} week {}: {:.3} of workers at or above the LLW",
                r.replicate,
                w.week,
                w.share_paid_at_least_llw
            );
            assert_eq!(
                w.council_hours_travel_paid_share, 1.0,
                "replicate {} week {}: council hours with a provider not paying travel",
                r.replicate, w.week
            );
        }
    }
    let charter_runs = summaries(&base, SEED, REPLICATES);
    let reference = summaries(&crate::common::status_quo(), SEED, REPLICATES);
    let mut checks = Checks::default();
    checks.check(
        &paired(&charter_runs, &reference, "zero_hours_share", false),
        "zero-hours share, Charter less reference",
    );
    checks.check(
        &paired(&charter_runs, &reference, "travel_share", false),
        "travel share, Charter less reference",
    );
    checks.done();
}

/// The minimum visit length on its own (the reference with `min_visit_minutes = 30` from the
/// start of burn-in): fewer visits for the same hours means less travel per contact hour, paired
/// on the same clients.
#[test]
fn a_minimum_visit_length_merges_short_visits_and_cuts_travel_per_contact_hour() {
    let reference = crate::common::status_quo();
    let mut longer = reference.clone();
    longer.commissioning.min_visit_minutes = 30.0;
    longer.burn_in.commissioning.min_visit_minutes = 30.0;
    longer.run.weeks = 8;
    let mut short = reference.clone();
    short.run.weeks = 8;
    let (a, b) = (&runs(&longer, 7, 0..1)[0], &runs(&short, 7, 0..1)[0]);
    let km_per_hour = |r: &careshape::ReplicateResult| {
        let w = &r.weeks[0];
        w.travel_km / w.delivered_hours
    };
    assert!(
        km_per_hour(a) < km_per_hour(b),
        "km per delivered hour in the first week: {:.4} with a 30-minute minimum, {:.4} without",
        km_per_hour(a),
        km_per_hour(b)
    );
}
