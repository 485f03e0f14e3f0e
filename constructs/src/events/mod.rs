//! EventBridge: a custom [`EventBus`] with its archive, [`Rule`]s, and [`EventPattern`]s
//! checked at synth so a rule that can never fire is an error, not a silent no-op.

mod bus;
mod pattern;
mod rule;

pub use bus::{ArchiveProps, EventBus, EventBusProps};
pub use pattern::EventPattern;
pub use rule::{RetryPolicy, Rule, RuleProps};
