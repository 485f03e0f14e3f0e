//! # escdk-examples
//!
//! The seed systems as stacks built from `escdk-constructs`. The repository's default app
//! (`cargo run -- synth`) is [`app`].

pub mod cqrs;
pub mod platform;
pub mod recipe;

use escdk_constructs::sns::Topic;
use escdk_synth::{fns, App, Parameter, Stack, Tags};

/// The default app: every example stack, each tagged with its project (and the platform
/// with its environment), so every taggable resource carries the tags.
pub fn app() -> App {
    let mut app = App::new();
    // Three systems that share nothing: each is built only when a command needs it
    // (`synth EventSourcingRecipe` builds the recipe alone).
    app.on_demand(&["EventSourcingRecipe"], |app| {
        let recipe = app.add_stack(recipe::stack("EventSourcingRecipe"));
        Tags::of(&recipe.root()).add("project", "event-sourcing-recipe");
    });
    app.on_demand(&["CqrsUsersOrders"], |app| {
        let cqrs = app.add_stack(cqrs::stack("CqrsUsersOrders"));
        Tags::of(&cqrs.root()).add("project", "cqrs-users-orders");
    });
    // The platform: the Atlas activation stack, then its data and services stacks.
    let names = platform::stack_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    app.on_demand(&names, |app| {
        platform::add_to(app);
    });
    app
}

/// The `AlarmEmail` parameter (empty by default) and, when it is given at deploy time, an
/// e-mail subscription to `topic` (`<topic>/AlarmEmailSubscription`).
pub fn alarm_email_parameter(stack: &Stack, topic: &Topic) {
    let email = stack.add_parameter(
        "AlarmEmail",
        Parameter {
            description: Some(
                "E-mail address told when an alarm fires (empty: no subscription)".into(),
            ),
            default: Some("".into()),
            allowed_pattern: Some("^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$".into()),
            constraint_description: Some("an e-mail address, or empty".into()),
            ..Parameter::string()
        },
    );
    let has_email = stack.add_condition(
        "HasAlarmEmail",
        fns::not(fns::equals(email.reference(), "")),
    );
    topic.subscribe_email(
        "AlarmEmailSubscription",
        email.reference().into(),
        Some(&has_email),
    );
}

/// The README's Rust examples compile as doctests, so they cannot drift from the API.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
