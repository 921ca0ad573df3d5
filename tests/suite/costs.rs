//! The cost model of an hour of care (docs/ODD.md §7.24) against a London council's Fair Cost
//! of Care exercise (docs/CALIBRATION.md §2, [C46]).

use careshape::model::costs::{HourInputs, hour_cost};
use careshape::scenario::CostModelParams;

/// Wandsworth's cost of care report for 18+ domiciliary care (April 2022 prices): the median
/// cost of a contact hour across 11 providers' returns, £23.48 [C46].
const WANDSWORTH_MEDIAN_2022: f64 = 23.48;

#[test]
fn an_hour_at_2022_wages_and_statutory_rates_costs_within_a_tenth_of_a_london_fair_cost_of_care_median() {
    let p = CostModelParams::default();
    // Inputs of 2022/23 from outside Wandsworth's report: a care worker's basic pay and travel
    // time per contact hour in Hammersmith & Fulham's exercise (£11.23, 14.6 minutes) [C47];
    // the model's business costs and consumables, in prices of the first burn-in year
    // (2025/26), deflated by three Aprils of `wage_floor.cost_inflation` (3%), as
    // `careshape hour-cost --year 2022` does.
    let deflator = 1.03f64.powi(-3);
    let mut x = HourInputs::standard(&p, 11.23, deflator);
    x.travel_hours = 14.6 / 60.0;
    let c = hour_cost(&p, p.statutory_for(2022), &x);
    let shown: Vec<String> = c.parts().iter().map(|(k, v)| format!("{k} £{v:.2}")).collect();
    let total = c.total();
    assert!(
        (total / WANDSWORTH_MEDIAN_2022 - 1.0).abs() <= 0.10,
        "£{total:.2} an hour against Wandsworth's median £{WANDSWORTH_MEDIAN_2022}: {}",
        shown.join(", ")
    );
    eprintln!("cost of an hour, 2022/23: £{total:.2} = {}", shown.join(" + "));
    // Each part is there and positive.
    assert!(c.parts().iter().all(|(_, v)| *v > 0.0), "{}", shown.join(", "));
}
