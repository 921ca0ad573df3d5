//! The cost of an hour of care (docs/ODD.md §7.24): pay for contact, travel, training and other
//! paid time; holiday and sick pay; employer National Insurance and pension at the year's
//! statutory rates; mileage; consumables; business costs and a margin. Indexed rate floors
//! (§7.2) price an hour with it, and bidders estimate their own cost with it (§7.9).

use crate::scenario::{CostModelParams, StatutoryRates};

/// What varies between uses of the model: whose wage, travel and business costs.
#[derive(Clone, Copy, Debug)]
pub struct HourInputs {
    /// Hourly wage (£).
    pub wage: f64,
    /// Paid travel time per contact hour (hours; 0 where travel is unpaid).
    pub travel_hours: f64,
    /// Kilometres per contact hour, and the mileage paid per kilometre (£).
    pub km: f64,
    pub mileage_gbp_per_km: f64,
    /// Consumables and business costs per contact hour (£, in the year's prices).
    pub consumables_gbp: f64,
    pub business_gbp: f64,
    /// Surplus as a share of the price (0 for a bidder's cost, before its markup).
    pub margin: f64,
}

impl HourInputs {
    /// The model's own assumptions at `wage`, with non-wage costs at `cost_index` × their
    /// prices of the first burn-in year: what a council prices an hour at.
    pub fn standard(p: &CostModelParams, wage: f64, cost_index: f64) -> Self {
        HourInputs {
            wage,
            travel_hours: p.travel_hours_per_contact_hour,
            km: p.km_per_contact_hour,
            mileage_gbp_per_km: p.mileage_gbp_per_km,
            consumables_gbp: p.consumables_gbp_per_hour * cost_index,
            business_gbp: p.business_gbp_per_hour * cost_index,
            margin: p.margin,
        }
    }
}

/// One contact hour's cost, part by part (£).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HourCost {
    pub contact_pay: f64,
    pub travel_pay: f64,
    pub training_pay: f64,
    pub non_contact_pay: f64,
    pub holiday_pay: f64,
    pub sick_pay: f64,
    pub employer_ni: f64,
    pub employer_pension: f64,
    pub mileage: f64,
    pub consumables: f64,
    pub business: f64,
    pub margin: f64,
}

impl HourCost {
    /// The parts' names and values, in order (for tables and tests).
    pub fn parts(&self) -> [(&'static str, f64); 12] {
        [
            ("contact pay", self.contact_pay),
            ("travel time pay", self.travel_pay),
            ("training time pay", self.training_pay),
            ("other paid non-contact time", self.non_contact_pay),
            ("holiday pay", self.holiday_pay),
            ("sick pay (SSP)", self.sick_pay),
            ("employer National Insurance", self.employer_ni),
            ("employer pension", self.employer_pension),
            ("mileage", self.mileage),
            ("consumables", self.consumables),
            ("business costs", self.business),
            ("margin", self.margin),
        ]
    }

    /// Care-worker costs: pay, holiday, sickness, NI and pension, mileage.
    pub fn care_worker(&self) -> f64 {
        self.contact_pay
            + self.travel_pay
            + self.training_pay
            + self.non_contact_pay
            + self.holiday_pay
            + self.sick_pay
            + self.employer_ni
            + self.employer_pension
            + self.mileage
    }

    /// The price of the hour: every part, margin included.
    pub fn total(&self) -> f64 {
        self.parts().iter().map(|p| p.1).sum()
    }
}

/// The cost of a contact hour under the cost model and `rates` (ODD §7.24).
pub fn hour_cost(p: &CostModelParams, rates: &StatutoryRates, x: &HourInputs) -> HourCost {
    let contact_per_year = p.contact_hours_per_worker_week * 52.0 / (1.0 + p.holiday_share);
    let contact_pay = x.wage;
    let travel_pay = x.wage * x.travel_hours;
    let training_pay = x.wage * p.training_hours_per_worker_year / contact_per_year.max(1.0);
    let non_contact_pay = x.wage * p.non_contact_paid_share;
    let worked = contact_pay + travel_pay + training_pay + non_contact_pay;
    let holiday_pay = worked * p.holiday_share;
    // Sick time is paid at SSP: a week's SSP for each week lost, over a week's contact hours.
    let sick_pay = p.sickness_absence_share * rates.ssp_gbp_per_week / p.contact_hours_per_worker_week;
    let pay = worked + holiday_pay + sick_pay;
    // NI and pension on a year's earnings above their thresholds, per contact hour.
    let earnings = pay * contact_per_year;
    let employer_ni =
        rates.employer_ni_rate * (earnings - rates.ni_threshold_gbp).max(0.0) / contact_per_year;
    let qualifying = earnings.min(rates.pension_upper_gbp) - rates.pension_lower_gbp;
    let employer_pension = rates.pension_rate * qualifying.max(0.0) / contact_per_year;
    let mileage = x.km * x.mileage_gbp_per_km;
    let cost = pay + employer_ni + employer_pension + mileage + x.consumables_gbp + x.business_gbp;
    let margin = cost * x.margin / (1.0 - x.margin);
    HourCost {
        contact_pay,
        travel_pay,
        training_pay,
        non_contact_pay,
        holiday_pay,
        sick_pay,
        employer_ni,
        employer_pension,
        mileage,
        consumables: x.consumables_gbp,
        business: x.business_gbp,
        margin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_sum_to_the_total_and_the_margin_is_its_share_of_the_price() {
        let p = CostModelParams::default();
        let c = hour_cost(&p, p.statutory_for(2026), &HourInputs::standard(&p, 14.80, 1.0));
        let total = c.total();
        assert!((c.margin / total - p.margin).abs() < 1e-12);
        assert!((c.parts().iter().map(|x| x.1).sum::<f64>() - total).abs() < 1e-12);
        assert!(c.care_worker() < total);
    }

    #[test]
    fn the_april_2025_national_insurance_rise_raises_the_cost_of_an_hour() {
        let p = CostModelParams::default();
        let x = HourInputs::standard(&p, 13.85, 1.0);
        let (before, after) =
            (hour_cost(&p, p.statutory_for(2024), &x), hour_cost(&p, p.statutory_for(2025), &x));
        // A lower threshold and a higher rate: more NI per hour at the same wage.
        assert!(after.employer_ni > before.employer_ni * 1.3, "{before:?} {after:?}");
        assert_eq!(after.contact_pay, before.contact_pay);
    }

    #[test]
    fn statutory_rates_are_those_of_the_latest_year_at_or_before() {
        let p = CostModelParams::default();
        assert_eq!(p.statutory_for(2023).year, 2023);
        assert_eq!(p.statutory_for(2040).year, 2026);
        assert_eq!(p.statutory_for(2010).year, 2022);
    }
}
