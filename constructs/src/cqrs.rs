//! `CqrsLambdas`: the command, projection and query functions of an event-sourced service,
//! wired to its event store, read model and bus with least-privilege grants.
//!
//! - command: appends to the event store (conditional `PutItem`, plus reads to find the next
//!   sequence number); nothing else.
//! - publisher: the store's [`Outbox`], the only path from the store to the bus. Stream
//!   batches that still fail when their records expire are described in the dead-letter
//!   queue.
//! - projection: reads and writes the read model, reads an aggregate's events from the store
//!   to catch up after a lost or late delivery, and parks (sends to the dead-letter queue
//!   with the reason) an event it cannot apply; invoked by a rule that matches exactly the
//!   source and detail-types the command handler accepts (one list feeds both, so they
//!   cannot drift apart and leave a rule that never fires); deliveries that fail after
//!   retries land in an encrypted dead-letter queue, and so do failed asynchronous
//!   invocations.
//! - query: reads the event store (table and type index) and the read model.

use crate::event_store::{EventStore, TYPE_INDEX};
use crate::events::{EventBus, EventPattern, RetryPolicy, Rule};
use crate::lambda::{Function, FunctionProps};
use crate::outbox::{Outbox, OutboxProps};
use crate::projection::{Projection, ProjectionProps};
use crate::read_model::ReadModel;
use crate::sqs::{Queue, QueueProps};
use escdk_synth::{Duration, Json, Scope};

/// Properties of [`CqrsLambdas`].
#[derive(Debug, Clone, PartialEq)]
pub struct CqrsLambdasProps {
    pub command: FunctionProps,
    pub projection: FunctionProps,
    pub query: FunctionProps,
    /// The `source` the outbox publishes with and the rule matches.
    pub event_source: String,
    /// The detail-types (event types) routed to the projection.
    pub event_types: Vec<String>,
    /// How long failed events wait in the dead-letter queue: 1 minute to 14 days.
    pub dead_letter_retention: Duration,
    pub retry: RetryPolicy,
}

impl CqrsLambdasProps {
    /// The three functions from their asset directories, with the recipe's defaults.
    pub fn new(command: FunctionProps, projection: FunctionProps, query: FunctionProps) -> Self {
        CqrsLambdasProps {
            command,
            projection,
            query,
            event_source: "event-sourcing.financial".into(),
            event_types: vec![
                "AccountCreated".into(),
                "TransactionProcessed".into(),
                "AccountClosed".into(),
            ],
            dead_letter_retention: Duration::days(14),
            retry: RetryPolicy::default(),
        }
    }
}

/// The three functions, the outbox, the routing rule and the dead-letter queue.
#[derive(Debug, Clone)]
pub struct CqrsLambdas {
    pub command: Function,
    pub outbox: Outbox,
    pub projection: Function,
    pub query: Function,
    pub rule: Rule,
    pub dead_letter_queue: Queue,
}

fn with_env(mut props: FunctionProps, vars: Vec<(&str, Json)>) -> FunctionProps {
    for (k, v) in vars {
        props.environment.push((k.to_string(), v));
    }
    props
}

impl CqrsLambdas {
    pub fn new(
        scope: &Scope,
        id: &str,
        store: &EventStore,
        read_model: &ReadModel,
        bus: &EventBus,
        props: CqrsLambdasProps,
    ) -> CqrsLambdas {
        let scope = scope.child(id);
        for t in &props.event_types {
            // One comma-separated list feeds the handlers' EVENT_TYPES; the rule matches the
            // names exactly.
            if t.is_empty() || t.contains(',') || t.trim() != t {
                scope.prop_error(
                    "EventTypes",
                    format!("event type `{t}` cannot be listed: empty, or with a comma or surrounding spaces"),
                    "name event types without commas or surrounding spaces (e.g. `OrderCreated`)",
                );
            }
        }
        if props.event_types.is_empty() {
            scope.prop_error(
                "EventTypes",
                "no event types: the projection rule would match nothing",
                "list the event types the command handler accepts",
            );
        }
        let dlq = Queue::new(
            &scope,
            "DeadLetterQueue",
            QueueProps {
                retention_period: props.dead_letter_retention,
                ..QueueProps::default()
            },
        );
        let command = Function::new(
            &scope,
            "Command",
            with_env(
                props.command,
                vec![
                    ("EVENT_STORE_TABLE", store.name().into()),
                    ("EVENT_TYPES", props.event_types.join(",").into()),
                ],
            ),
        );
        store.grant_append(&command.role);
        let outbox = Outbox::new(
            &scope,
            "Outbox",
            store,
            bus,
            &dlq,
            OutboxProps::new(props.event_source.as_str()),
        );

        let pattern = EventPattern::new([props.event_source.clone()], props.event_types.clone());
        let projection = Projection::new(
            &scope,
            "Projection",
            bus,
            &[read_model],
            &dlq,
            ProjectionProps {
                retry: props.retry,
                ..ProjectionProps::new(
                    with_env(
                        props.projection,
                        vec![
                            ("EVENT_STORE_TABLE", store.name().into()),
                            ("PARKED_QUEUE_URL", dlq.url().into()),
                        ],
                    ),
                    pattern,
                )
            },
        );
        // Catching up from the store; parking sends to the dead-letter queue, which the
        // function's failure destination already grants.
        store.grant_read_aggregates(&projection.function.role);

        let query = Function::new(
            &scope,
            "Query",
            with_env(
                props.query,
                vec![
                    ("EVENT_STORE_TABLE", store.name().into()),
                    ("READ_MODEL_TABLE", read_model.name().into()),
                    ("EVENT_TYPE_INDEX", TYPE_INDEX.into()),
                    ("EVENT_TYPES", props.event_types.join(",").into()),
                ],
            ),
        );
        store.grant_read(&query.role);
        read_model.grant_read(&query.role);

        CqrsLambdas {
            command,
            outbox,
            projection: projection.function,
            query,
            rule: projection.rule,
            dead_letter_queue: dlq,
        }
    }
}
