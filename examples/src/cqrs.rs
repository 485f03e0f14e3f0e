//! The recipe "CQRS and Event Sourcing with EventBridge" (users and orders) as one stack.
//!
//! Commands append to the event store; its stream (new images) feeds the library's outbox
//! publisher, which puts every new event on the bus; rules route user events and order events to
//! their projections, which maintain the user-profiles and order-summaries read models; the
//! query handler reads those. `Monitoring` watches each of them and tells the `AlarmEmail`
//! address.
//!
//! Fixed from the recipe: the publisher can read the stream (the recipe's stream processor
//! could not), reads only inserts, publishes in order and retries until the records expire,
//! then describes what it could not publish in the dead-letter queue; commands use optimistic
//! concurrency (a conditional append at the version they decided on); projections apply each
//! event once and in order.

use escdk_constructs::dynamodb::{Attribute, Billing, GlobalSecondaryIndex, StreamView};
use escdk_constructs::events::EventPattern;
use escdk_constructs::sqs::{Queue, QueueProps};
use escdk_constructs::{
    ArchiveProps, EventBus, EventBusProps, EventStore, EventStoreProps, Function, FunctionProps,
    Monitoring, MonitoringProps, Outbox, OutboxProps, Projection, ProjectionProps, ReadModel,
    ReadModelProps,
};
use escdk_synth::{Output, Stack};
use std::path::PathBuf;

/// The `source` of every event the outbox publishes.
pub const EVENT_SOURCE: &str = "cqrs.users-orders";
/// The events of user aggregates.
pub const USER_EVENTS: [&str; 2] = ["UserCreated", "UserProfileUpdated"];
/// The events of order aggregates.
pub const ORDER_EVENTS: [&str; 2] = ["OrderCreated", "OrderStatusUpdated"];

/// The service's handlers: one asset directory for the four functions.
pub fn handlers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cqrs/handlers")
}

fn on_demand(partition_key: &str, indexes: Vec<GlobalSecondaryIndex>) -> ReadModelProps {
    ReadModelProps {
        partition_key: Attribute::string(partition_key),
        sort_key: None,
        global_secondary_indexes: indexes,
        billing: Billing::OnDemand,
        ..ReadModelProps::default()
    }
}

/// The users-and-orders stack.
pub fn stack(name: &str) -> Stack {
    let stack = Stack::new(name);
    stack.set_description("CQRS and event sourcing with EventBridge: users and orders");
    let handlers = handlers_dir();
    let function = |handler: &str, description: &str| FunctionProps {
        description: Some(description.into()),
        ..FunctionProps::new(&handlers, handler)
    };
    // A projection writes to its read model; a throttled event is retried by EventBridge.
    let projection = |handler: &str, description: &str| FunctionProps {
        reserved_concurrency: Some(5),
        ..function(handler, description)
    };
    let root = stack.root();

    let store = EventStore::new(
        &root,
        "EventStore",
        EventStoreProps {
            billing: Billing::OnDemand,
            stream: Some(StreamView::NewImage),
            ..EventStoreProps::default()
        },
    );
    let users = ReadModel::new(
        &root,
        "UserProfiles",
        on_demand(
            "UserId",
            vec![GlobalSecondaryIndex::new(
                "Email-index",
                Attribute::string("Email"),
                None,
            )],
        ),
    );
    let created_at = || Some(Attribute::string("CreatedAt"));
    let orders = ReadModel::new(
        &root,
        "OrderSummaries",
        on_demand(
            "OrderId",
            vec![
                GlobalSecondaryIndex::new(
                    "UserId-index",
                    Attribute::string("UserId"),
                    created_at(),
                ),
                GlobalSecondaryIndex::new(
                    "Status-index",
                    Attribute::string("Status"),
                    created_at(),
                ),
            ],
        ),
    );
    let bus = EventBus::new(
        &root,
        "EventBus",
        EventBusProps {
            description: Some("Users and orders events".into()),
            archive: Some(ArchiveProps {
                retention: escdk_synth::Duration::days(30),
                pattern: Some(EventPattern::new([EVENT_SOURCE], Vec::<String>::new())),
                ..ArchiveProps::default()
            }),
            ..EventBusProps::default()
        },
    );
    let dlq = Queue::new(&root, "DeadLetterQueue", QueueProps::default());

    let mut command_props = function(
        "command_handler.lambda_handler",
        "Commands: append events with optimistic concurrency",
    );
    command_props
        .environment
        .push(("EVENT_STORE_TABLE".into(), store.name().into()));
    // Writers to the shared tables get a bounded share of the account's executions.
    command_props.reserved_concurrency = Some(10);
    let command = Function::new(&root, "CommandHandler", command_props);
    store.grant_append(&command.role);

    let outbox = Outbox::new(
        &root,
        "Outbox",
        &store,
        &bus,
        &dlq,
        OutboxProps::new(EVENT_SOURCE),
    );

    let user_projection = Projection::new(
        &root,
        "UserProjection",
        &bus,
        &[&users],
        &dlq,
        ProjectionProps::new(
            projection(
                "user_projection.lambda_handler",
                "Maintains the user profiles",
            ),
            EventPattern::new([EVENT_SOURCE], USER_EVENTS),
        ),
    );
    let order_projection = Projection::new(
        &root,
        "OrderProjection",
        &bus,
        &[&orders],
        &dlq,
        ProjectionProps::new(
            projection(
                "order_projection.lambda_handler",
                "Maintains the order summaries",
            ),
            EventPattern::new([EVENT_SOURCE], ORDER_EVENTS),
        ),
    );

    let mut query_props = function(
        "query_handler.lambda_handler",
        "Queries on users and orders",
    );
    query_props
        .environment
        .push(("USER_PROFILES_TABLE".into(), users.name().into()));
    query_props
        .environment
        .push(("ORDER_SUMMARIES_TABLE".into(), orders.name().into()));
    let query = Function::new(&root, "QueryHandler", query_props);
    users.grant_read(&query.role);
    orders.grant_read(&query.role);

    let mut monitoring = Monitoring::new(&root, "Monitoring", MonitoringProps::default());
    let props = MonitoringProps::default();
    monitoring.watch_write_throttles("EventStoreWriteThrottles", &store.table);
    monitoring.watch_function_errors(
        "CommandHandlerErrors",
        &command,
        props.command_error_threshold,
        "Errors in the command handler: commands are failing (see its log group)",
    );
    for (name, projection) in [("User", &user_projection), ("Order", &order_projection)] {
        monitoring.watch_rule(
            &format!("{name}ProjectionRuleFailedInvocations"),
            &projection.rule,
            &bus,
        );
        monitoring.watch_function_errors(
            &format!("{name}ProjectionErrors"),
            &projection.function,
            props.projection_error_threshold,
            "Errors in a projection: events are being retried and may be dead-lettered (see its log group)",
        );
    }
    monitoring.watch_dead_letter_queue("DeadLetterQueueMessages", &dlq);
    monitoring.watch_outbox("OutboxIteratorAge", &outbox);
    crate::alarm_email_parameter(&stack, &monitoring.topic);

    let outputs = [
        (
            "CommandHandlerFunctionName",
            command.name(),
            "Invoke with a command",
        ),
        (
            "QueryHandlerFunctionName",
            query.name(),
            "Invoke with a query",
        ),
        ("EventStoreTableName", store.name(), "Event store table"),
        (
            "UserProfilesTableName",
            users.name(),
            "User profiles read model",
        ),
        (
            "OrderSummariesTableName",
            orders.name(),
            "Order summaries read model",
        ),
        ("EventBusName", bus.name(), "Bus the outbox publishes to"),
        (
            "EventBusArn",
            bus.arn(),
            "Bus ARN (the destination of a replay)",
        ),
        (
            "DeadLetterQueueUrl",
            dlq.url(),
            "Events that could not be published or projected",
        ),
        (
            "AlarmTopicArn",
            monitoring.topic.arn(),
            "Alarm notifications",
        ),
        (
            "OutboxFunctionName",
            outbox.function.name(),
            "Publishes the stored events to the bus",
        ),
        (
            "UserProjectionFunctionName",
            user_projection.function.name(),
            "User projection",
        ),
        (
            "OrderProjectionFunctionName",
            order_projection.function.name(),
            "Order projection",
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
