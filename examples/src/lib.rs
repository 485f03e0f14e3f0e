//! # escdk-examples
//!
//! The seed systems as stacks built from `escdk-constructs`. The repository's default app
//! (`cargo run -- synth`) is [`app`].

pub mod cqrs;
pub mod platform;
pub mod recipe;

use escdk_synth::{App, Tags};

/// The default app: every example stack, each tagged with its project (and the platform
/// with its environment), so every taggable resource carries the tags.
pub fn app() -> App {
    let mut app = App::new();
    let recipe = app.add_stack(recipe::stack("EventSourcingRecipe"));
    Tags::of(&recipe.root()).add("project", "event-sourcing-recipe");
    let cqrs = app.add_stack(cqrs::stack("CqrsUsersOrders"));
    Tags::of(&cqrs.root()).add("project", "cqrs-users-orders");
    // The platform: the Atlas activation stack, then its data and services stacks.
    platform::add_to(&mut app);
    app
}

/// The README's Rust examples compile as doctests, so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
