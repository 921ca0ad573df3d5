//! Quality (docs/ODD.md §7.19): each provider's quality moves towards a target set by its
//! management, training, experience and reliability (faster under incubator support, §7.22).

use crate::model::{Provider, World};
use crate::scenario::ProviderParams;

/// The quality a provider tends to (0-1): the floor plus the weighted shares of full training,
/// experienced staff and hours delivered, shifted by its management quality.
pub(crate) fn quality_target(
    s: &ProviderParams,
    p: &Provider,
    training: f64,
    experienced: f64,
    fill: f64,
) -> f64 {
    (s.quality_floor
        + s.quality_weight_training * training
        + s.quality_weight_experience * experienced
        + s.quality_weight_reliability * fill
        + p.management)
        .clamp(0.0, 1.0)
}

/// Quality moves towards a target set by management, training, experience and reliability.
pub fn quality(world: &mut World) {
    let s = &world.scenario.providers;
    let competence = world.scenario.workforce.weeks_to_competence;
    let week = world.week;
    for p in world.providers.iter_mut().filter(|p| p.active) {
        let experienced = if p.workers.is_empty() {
            0.0
        } else {
            p.experienced_staff(&world.workers, week, competence) as f64 / p.workers.len() as f64
        };
        let norm = s.training_gbp_per_worker_week * world.wages.cost_index;
        let training = if norm > 0.0 { (p.training_per_worker / norm).min(1.0) } else { 1.0 };
        let target = quality_target(s, p, training, experienced, p.fill);
        // Incubator capability support speeds the climb (never a fall).
        let speed = if p.incubated && week < p.support_until && target > p.quality {
            world.policy.rules.incubator.quality_growth_multiplier
        } else {
            1.0
        };
        p.quality += (s.quality_adjustment_per_week * speed).min(1.0) * (target - p.quality);
    }
}
