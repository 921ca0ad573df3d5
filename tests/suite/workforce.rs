//! The workforce (docs/ODD.md §7.13): a labour supply that answers pay but is finite. Paying
//! more draws more people into care work and fills more posts, yet vacancies never vanish:
//! search frictions (a recruit from outside care work starts only after weeks of
//! pre-employment checks) and a reservoir of people willing to do the work that refills at a
//! finite rate keep some posts empty, with no floor on vacancies written in the code. Statistical
//! tests over 30 paired replicates (docs/TESTING.md).

use careshape::analysis::stats::moments;

use crate::common::{assert_passes, col, paired, shipped, status_quo, summaries};

const SEED: u64 = 31;
const REPLICATES: u32 = 30;

/// The lower end of a mean's 95% interval over replicates (normal approximation).
fn lower_bound(xs: &[f64]) -> f64 {
    let m = moments(xs);
    m.mean - 1.96 * m.sd / (m.n as f64).sqrt()
}

/// "Recruits" here are new entrants to care work (`entrants_per_year`): the labour supply's
/// answer to pay. Hires from outside the borough's providers (`recruits_per_year`) are printed:
/// they can fall when pay rises, because fewer staff leave and so fewer posts open.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn paying_three_pounds_more_raises_entrants_and_lowers_vacancies_but_not_below_two_percent() {
    let base = status_quo();
    let mut richer = base.clone();
    richer.name = "rate +£3/h".into();
    richer.commissioning.rate_gbp_per_hour += 3.0;
    let (b, r) = (summaries(&base, SEED, REPLICATES), summaries(&richer, SEED, REPLICATES));
    for (metric, increase) in [
        ("wage_gbp_per_hour", true),
        ("entrants_per_year", true),
        ("recruits_per_year", true),
        ("vacancy_rate", false),
        ("turnover_annual", false),
    ] {
        let t = paired(&r, &b, metric, increase);
        eprintln!("rate +£3/h, {metric}: {:+.4} (se {:.4})", t.mean_difference, t.standard_error);
    }
    assert_passes(&paired(&r, &b, "entrants_per_year", true), "new entrants to care work per year");
    assert_passes(&paired(&r, &b, "vacancy_rate", false), "vacancy rate");
    let vacancies = col(&r, "vacancy_rate");
    assert!(
        lower_bound(&vacancies) >= 0.02,
        "vacancies should stay above 2% when pay rises: mean {:.4}",
        moments(&vacancies).mean
    );
}

#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
/// The workforce issue's check, read as the calibration regression reads its targets: the mean
/// over 30 replicates. It holds only at the edge: at the refit (seed 31) the mean is 2.02% with a
/// 95% interval of 1.95-2.08%, so the data do not show mission-led's rate to be above 2%, only
/// not below it; the time to start (fitted, 3.5 weeks) is what sets it (next test).
fn mission_led_keeps_vacancies_at_or_above_two_percent() {
    let led = summaries(&shipped("mission-led"), SEED, REPLICATES);
    let vacancies = col(&led, "vacancy_rate");
    let m = moments(&vacancies);
    eprintln!(
        "mission-led vacancy rate: {:.4} (95% interval {:.4}-{:.4})",
        m.mean,
        lower_bound(&vacancies),
        m.mean + m.ci_half_width(0.95)
    );
    assert!(m.mean >= 0.02, "mission-led vacancies: mean {:.4} over {REPLICATES} replicates", m.mean);
}

/// The mechanism behind the previous test: posts a recruit has accepted stay vacant while the
/// recruit's checks run, so without a time to start a well-paying market fills its posts
/// within the week.
#[test]
#[ignore = "statistical suite: cargo test -- --include-ignored"]
fn the_time_to_start_is_what_keeps_mission_led_posts_open() {
    let led = shipped("mission-led");
    let mut instant = led.clone();
    instant.name = "mission-led, no time to start".into();
    instant.workforce.weeks_to_start = 0.0;
    let (l, i) = (summaries(&led, SEED, 10), summaries(&instant, SEED, 10));
    let t = paired(&i, &l, "vacancy_rate", false);
    eprintln!("no time to start, vacancy rate: {:+.4} (se {:.4})", t.mean_difference, t.standard_error);
    assert_passes(&t, "mission-led's vacancy rate without a time to start");
    assert!(
        moments(&col(&i, "vacancy_rate")).mean < 0.02,
        "without a time to start, mission-led's vacancies should fall below 2%"
    );
}
