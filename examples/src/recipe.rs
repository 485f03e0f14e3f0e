//! The recipe "Event Sourcing with EventBridge and DynamoDB" as one stack.
//!
//! - `EventStore`: DynamoDB, `AggregateId` / `EventSequence`, stream, type index, retained.
//! - `ReadModel`: the account summaries (`AccountId` / `ProjectionType`).
//! - `EventBus`: custom bus, archive of the domain's events kept 365 days.
//! - `Handlers`: command, projection and query functions (Python 3.12, from
//!   `examples/recipe/handlers/`), the projection rule, the dead-letter queue.
//! - `Monitoring`: the recipe's three alarms plus projection errors, the dead-letter queue
//!   and the outbox's delay, an encrypted topic, and an e-mail subscription when the
//!   `AlarmEmail` parameter is given at deploy time.
//!
//! Replaying the archive into the bus (the recipe's step 9) needs the archive ARN and the bus
//! ARN, both outputs:
//!
//! ```text
//! aws events start-replay --replay-name replay-$(date +%s) \
//!   --event-source-arn <EventArchiveArn> \
//!   --event-start-time 2024-01-15T10:00:00Z --event-end-time 2024-01-15T11:00:00Z \
//!   --destination Arn=<EventBusArn>
//! ```

use escdk_constructs::events::EventPattern;
use escdk_constructs::{
    ArchiveProps, CqrsLambdas, CqrsLambdasProps, EventBus, EventBusProps, EventStore,
    EventStoreProps, FunctionProps, Monitoring, MonitoringProps, ReadModel, ReadModelProps,
};
use escdk_synth::{Output, Scope, Stack};
use std::path::PathBuf;

/// Where the recipe's handlers live: one asset directory for the three functions, with the
/// event store's consistency rules in `event_store.py`.
pub fn handlers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recipe/handlers")
}

/// The recipe's constructs, as [`build`] returns them.
pub struct Recipe {
    pub store: EventStore,
    pub read_model: ReadModel,
    pub bus: EventBus,
    pub cqrs: CqrsLambdas,
    pub monitoring: Monitoring,
}

/// Adds the recipe's constructs under `scope` (the stack's root, or a child to put several
/// copies in one stack).
pub fn build(scope: &Scope) -> Recipe {
    let handlers = handlers_dir();
    let store = EventStore::new(scope, "EventStore", EventStoreProps::default());
    let read_model = ReadModel::new(scope, "ReadModel", ReadModelProps::default());
    let cqrs_props = CqrsLambdasProps::new(
        FunctionProps {
            description: Some("Command handler: appends events, then publishes them".into()),
            // The event store takes 10 writes a second: more writers only throttle.
            reserved_concurrency: Some(10),
            ..FunctionProps::new(&handlers, "command_handler.lambda_handler")
        },
        FunctionProps {
            description: Some("Projection handler: maintains the account summaries".into()),
            // The read model takes 5 writes a second; a throttled event is retried.
            reserved_concurrency: Some(5),
            ..FunctionProps::new(&handlers, "projection_handler.lambda_handler")
        },
        FunctionProps {
            description: Some("Query handler: current state, history and reconstruction".into()),
            ..FunctionProps::new(&handlers, "query_handler.lambda_handler")
        },
    );
    let bus = EventBus::new(
        scope,
        "EventBus",
        EventBusProps {
            description: Some("Event sourcing bus for financial transactions".into()),
            archive: Some(ArchiveProps {
                pattern: Some(EventPattern::new(
                    [cqrs_props.event_source.clone()],
                    Vec::<String>::new(),
                )),
                ..ArchiveProps::default()
            }),
            ..EventBusProps::default()
        },
    );
    let cqrs = CqrsLambdas::new(scope, "Handlers", &store, &read_model, &bus, cqrs_props);
    let monitoring = Monitoring::for_cqrs(
        scope,
        "Monitoring",
        &store,
        &cqrs,
        &bus,
        MonitoringProps::default(),
    );
    Recipe {
        store,
        read_model,
        bus,
        cqrs,
        monitoring,
    }
}

/// The recipe's stack.
pub fn stack(name: &str) -> Stack {
    let stack = Stack::new(name);
    stack.set_description("Event sourcing with EventBridge and DynamoDB: event store, read model, CQRS functions, archive and alarms");
    let root = stack.root();
    let parts = build(&root);
    crate::alarm_email_parameter(&stack, &parts.monitoring.topic);
    let Recipe {
        store,
        read_model,
        bus,
        cqrs,
        monitoring,
    } = parts;

    let outputs = [
        (
            "EventBusName",
            bus.name(),
            "EventBridge bus the command handler publishes to",
        ),
        (
            "EventBusArn",
            bus.arn(),
            "Bus ARN (the destination of a replay)",
        ),
        ("EventStoreTableName", store.name(), "Event store table"),
        ("ReadModelTableName", read_model.name(), "Read model table"),
        (
            "CommandHandlerFunctionName",
            cqrs.command.name(),
            "Invoke with a command",
        ),
        (
            "QueryHandlerFunctionName",
            cqrs.query.name(),
            "Invoke with a query",
        ),
        (
            "DeadLetterQueueUrl",
            cqrs.dead_letter_queue.url(),
            "Events that could not be projected",
        ),
        (
            "AlarmTopicArn",
            monitoring.topic.arn(),
            "Alarm notifications",
        ),
    ];
    for (name, value, description) in outputs {
        stack.add_output(name, Output::new(value).description(description));
    }
    if let Some(archive) = bus.archive_arn() {
        stack.add_output(
            "EventArchiveArn",
            Output::new(archive).description("Archive to replay events from"),
        );
    }
    stack
}
