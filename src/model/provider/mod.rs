//! The supplier agent's decision rules, one module per submodel of docs/ODD.md §7: acceptance
//! (§7.8), decisions (§7.10), self-funders (§7.12), handbacks (§7.16), exit (§7.17), entry
//! (§7.18) and quality (§7.19). Every rule responds to the provider's own state; none sets an
//! outcome directly.

mod acceptance;
mod decisions;
mod entry;
mod exit;
mod handbacks;
mod quality;
mod self_funders;

pub use acceptance::{MarginalCost, accepts_package, covers_patch, km_per_hour_in_patch, mean_visit_hours};
pub use decisions::{decisions, low_emission_travel};
pub use entry::{Referrals, entry, going_contract_mix, new_provider};
pub use exit::{exits, fail};
pub use handbacks::handbacks;
pub use quality::quality;
pub(crate) use quality::quality_target;
pub use self_funders::self_funders;
