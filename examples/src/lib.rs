//! # escdk-examples
//!
//! The seed systems as stacks built from `escdk-constructs`. The repository's default app
//! (`cargo run -- synth`) is [`app`].

pub mod cqrs;
pub mod platform;
pub mod recipe;

use escdk_synth::App;

/// The default app: every example stack.
pub fn app() -> App {
    let mut app = App::new();
    app.add_stack(recipe::stack("EventSourcingRecipe"));
    app.add_stack(cqrs::stack("CqrsUsersOrders"));
    app.add_stack(platform::stack("EventStorePlatform"));
    app
}

/// The README's Rust examples compile as doctests, so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
