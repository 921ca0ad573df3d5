//! Provider decisions (docs/ODD.md §7.10): wage review, contract-mix target, travel pay,
//! continuity rostering, hiring target and training; and low-emission travel terms.

use crate::model::labour::{JobTerms, QuitHazard};
use crate::model::{Pledges, Provider, World};
use crate::scenario::{ContractMix, ProviderParams};

/// Standard normal distribution function.
fn normal_cdf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// What a provider weighs in deciding its contract mix and travel pay (ODD §7.10).
struct Retention {
    quit: QuitHazard,
    /// What one leaver costs (£, at this year's prices).
    cost_per_leaver: f64,
    on_cost_rate: f64,
    outside_wage: f64,
    guaranteed_share_of_desired: f64,
}

impl Retention {
    /// The weekly quit hazard of a trained worker fully employed by `p` on these terms.
    fn hazard(&self, p: &Provider, zero_hours: bool, unpaid_travel: bool) -> f64 {
        let unpaid = if unpaid_travel { p.travel_share } else { 0.0 };
        self.quit.weekly(JobTerms {
            relative_pay: p.wage * (1.0 - unpaid) / self.outside_wage,
            zero_hours,
            unpaid_travel: unpaid,
            ..JobTerms::default()
        })
    }

    /// The share of posts `p` offers on guaranteed hours: a guaranteed contract saves the
    /// expected cost of the leavers it retains (the hazard gap of zero-hours over guaranteed
    /// hours, times the cost of a leaver) and costs the pay for guaranteed hours that earn
    /// nothing: the share of committed work that goes unpaid (the provider's measured income
    /// risk), of which the part it cannot redeploy counts. Posts differ (log-normally) in this
    /// saving-to-cost ratio; the provider guarantees those where it exceeds 1.
    fn guaranteed_share(&self, s: &ProviderParams, p: &Provider, hours_wanted: f64, risk: f64) -> f64 {
        let saving = (self.hazard(p, true, !p.pays_travel) - self.hazard(p, false, !p.pays_travel)).max(0.0)
            * self.cost_per_leaver;
        let guaranteed_hours = self.guaranteed_share_of_desired * hours_wanted;
        let idle = s.guarantee_idle_cost_share * risk * p.wage * (1.0 + self.on_cost_rate) * guaranteed_hours;
        share_where_saving_exceeds_cost(saving, idle, s.guarantee_choice_log_sd)
    }

    /// Whether paying travel time pays for itself in retention: the hazard gap of unpaid over
    /// paid travel times the cost of a leaver, against the travel time's pay.
    fn travel_pay_pays(&self, p: &Provider, hours_worked: f64) -> bool {
        let saving =
            (self.hazard(p, false, true) - self.hazard(p, false, false)).max(0.0) * self.cost_per_leaver;
        let cost = p.travel_share * hours_worked * p.wage * (1.0 + self.on_cost_rate);
        saving >= cost
    }
}

/// The share of posts whose saving exceeds their cost, when posts' log saving-to-cost ratios
/// are normal around ln(saving / cost) with sd `log_sd`.
fn share_where_saving_exceeds_cost(saving: f64, cost: f64, log_sd: f64) -> f64 {
    if saving <= 0.0 {
        return 0.0;
    }
    if cost <= 0.0 {
        return 1.0;
    }
    let z = (saving / cost).ln();
    if log_sd > 0.0 {
        normal_cdf(z / log_sd)
    } else if z > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// ODD §7.10: weekly decisions on wage, contract mix, travel pay, hiring target and training.
pub fn decisions(world: &mut World) {
    let s = &world.scenario.providers;
    let nlw = world.wages.national_living_wage;
    let training_norm = s.training_gbp_per_worker_week * world.wages.cost_index;
    let week = world.week;
    let mean_desired = world.scenario.workforce.desired_hours_mean;
    let workers = &world.workers;
    let policy = &world.policy;
    let llw = world.wages.london_living_wage;
    let sv = &policy.rules.social_value;
    let outcomes = &policy.rules.outcomes;
    let outcome_payment = policy.rules.payment == crate::scenario::PaymentBasis::Outcomes;
    let retention = Retention {
        quit: QuitHazard::new(&world.scenario.workforce),
        cost_per_leaver: s.turnover_cost_gbp_per_leaver * world.wages.cost_index,
        on_cost_rate: s.on_cost_rate,
        outside_wage: world.wages.outside_wage,
        guaranteed_share_of_desired: world.scenario.workforce.guaranteed_share_of_desired,
    };
    for (id, p) in world.providers.iter_mut().enumerate() {
        if !p.active {
            continue;
        }
        // Social-value terms in force: required of council providers, pledged in a tender,
        // or taken on as an incubated provider.
        let council_clients: u32 = p.council_clients.iter().sum();
        let mut terms = policy.terms_for(p, council_clients > 0);
        if p.incubated {
            terms = terms.union(Pledges {
                london_living_wage: true,
                local_hiring: policy.rules.incubator.estate_hiring_first,
                ..Pledges::default()
            });
        }
        p.terms = terms;
        let vacancy_rate =
            if p.hiring_target > 0 { p.vacancies() as f64 / p.hiring_target as f64 } else { 0.0 };
        p.vacancy_accumulated += vacancy_rate;
        p.heads_accumulated += p.workers.len() as f64;
        p.review_weeks += 1;
        // Wage review: when posts have stayed empty or staff keep leaving, raise pay in
        // proportion to the pressure (a full step at `vacancy_trigger` or `turnover_trigger`
        // or above), as far as the margin allows; wages are rigid downwards (no provider cuts
        // nominal pay).
        if (week + id as i32).rem_euclid(s.wage_review_every_weeks as i32) == 0 {
            let recent_vacancy = p.vacancy_accumulated / p.review_weeks.max(1) as f64;
            // Leavers per head per year over the review period.
            let recent_turnover = if p.heads_accumulated > 0.0 {
                p.leavers_since_review as f64 * 52.0 / p.heads_accumulated
            } else {
                0.0
            };
            let pressure = (recent_vacancy / s.vacancy_trigger)
                .max(if s.turnover_trigger > 0.0 { recent_turnover / s.turnover_trigger } else { 0.0 })
                .min(1.0);
            if s.wage_review_enabled && pressure > 0.0 && p.revenue_week > 0.0 {
                let pay_share = p.wage_bill_week * (1.0 + s.on_cost_rate) / p.revenue_week;
                // The largest rise that keeps the projected margin at the provider's floor.
                let affordable =
                    if pay_share > 0.0 { (p.margin - s.min_margin_after_raise) / pay_share } else { 0.0 };
                // The provider spends a share of that headroom on pay, in proportion to the
                // pressure of its vacancies, and never more than one step per review.
                let rise = (pressure * s.wage_headroom_share * affordable).min(s.wage_step);
                if rise > 0.0 {
                    p.wage *= 1.0 + rise;
                }
            }
            p.vacancy_accumulated = 0.0;
            p.heads_accumulated = 0.0;
            p.leavers_since_review = 0;
            p.review_weeks = 0;
        }
        // The legal floor binds on paid hours whatever the review says, and a London Living
        // Wage term binds the same way.
        if p.wage < nlw {
            p.wage = nlw;
        }
        if terms.london_living_wage && p.wage < llw {
            p.wage = llw;
        }
        // Hours its staff want a week (the mean; a new provider's from the population).
        let hours_wanted = if p.workers.is_empty() {
            mean_desired
        } else {
            p.staff_desired_hours(workers) / p.workers.len() as f64
        };
        // Contract mix: guaranteed hours where retention saves more than idle hours cost, given
        // the provider's income risk (kept as it is until a quarter of income has been seen).
        // By rule, the initial share stays as a house policy.
        if s.contract_mix == ContractMix::Rule {
            p.guaranteed_target = s.initial_guaranteed_share;
        } else if let Some(risk) = p.income_risk() {
            p.guaranteed_target = retention.guaranteed_share(s, p, hours_wanted, risk);
        }
        if terms.guaranteed_hours {
            p.guaranteed_target = p.guaranteed_target.max(sv.guaranteed_hours_min_share);
        }
        // Travel pay: started when it pays for itself in retention and the margin allows;
        // withdrawn when it no longer pays or the margin turns negative, unless a term requires it.
        if terms.paid_travel {
            p.pays_travel = true;
        } else if !p.pays_travel {
            p.pays_travel = p.margin >= s.travel_pay_min_margin && retention.travel_pay_pays(p, hours_wanted);
        } else if p.margin < 0.0 || !retention.travel_pay_pays(p, hours_wanted) {
            p.pays_travel = false;
        }
        // Continuity rostering: under outcome payment a provider keeps a named cover carer
        // for each client when the continuity bonus its clients' hours would earn covers the
        // coordination cost.
        p.named_cover = outcome_payment && council_clients > 0 && {
            outcomes.continuity_bonus_gbp_per_hour * p.council_worker_total() / council_clients as f64
                >= s.named_cover_gbp_per_client_week * world.wages.cost_index
        };
        // Hiring target: heads the committed caseload needs (at the hours its staff want),
        // and a recruitment pipeline of posts ahead of need, the same for every provider
        // (ODD §7.10, "Hiring target"); a proportional buffer is the alternative form.
        // Expected hours: packages turned down for lack of staff, as a running average
        // over about a month, so one unusual week does not trigger a hiring spree.
        p.declined_for_capacity += 0.25 * (p.declined_this_week - p.declined_for_capacity);
        p.declined_this_week = 0.0;
        let expected = p.committed_time + p.declined_for_capacity;
        let heads = (expected / hours_wanted * s.hiring_buffer + s.hiring_buffer_heads).ceil() as u32;
        p.hiring_target = heads.max(s.min_team);
        p.training_per_worker = if p.margin > 0.0 { training_norm } else { 0.5 * training_norm };
    }
}

/// Low-emission travel terms: a provider bound by them gives each of its workers who drives
/// an e-bike (the fastest zero-emission mode of the scenario), and pays for it weekly.
pub fn low_emission_travel(world: &mut World) {
    let modes = &world.scenario.geography.travel_modes;
    let Some(clean) = modes
        .iter()
        .enumerate()
        .filter(|(_, m)| m.co2_kg_per_km == 0.0)
        .max_by(|a, b| a.1.speed_kmh.total_cmp(&b.1.speed_kmh))
        .map(|(i, _)| i as u8)
    else {
        return;
    };
    for p in world.providers.iter().filter(|p| p.active && p.terms.low_emission_travel) {
        for &wid in &p.workers {
            let w = &mut world.workers[wid as usize];
            if modes[w.mode as usize].co2_kg_per_km > 0.0 {
                w.mode = clean;
                w.e_bike = true;
            }
        }
    }
}
