//! `Outbox`: the one way events leave a DynamoDB [`EventStore`] for a bus.
//!
//! A command handler that appends and then calls `PutEvents` loses the event whenever the
//! second call fails (the recipe answered `published: false` and never published it).
//! Here the store's stream is the outbox: a function shipped with the library
//! (`constructs/assets/event_store_publisher`) reads the stream's inserts and publishes each
//! event, with `source` the outbox's and `detail-type` the event's `EventType`. So every
//! stored event reaches the bus at least once, and nothing reaches it that was not stored.
//!
//! - No record skipped: the publisher reports the first refused record and every later one
//!   as batch item failures, so Lambda retries from there. Delivery is at least once and
//!   EventBridge keeps no order: consumers apply events by sequence number (as
//!   [`crate::Projection`]s built on the recipe's handlers do).
//! - Retries: until the records expire from the stream (24 hours), by default; the batch
//!   description then goes to the failure queue, and [`Outbox::metric_iterator_age`] shows
//!   the delay long before that.
//! - Grants: the stream's read actions and `events:PutEvents` on the bus, nothing else.
//!
//! ```
//! use escdk_constructs::sqs::{Queue, QueueProps};
//! use escdk_constructs::{EventBus, EventBusProps, EventStore, EventStoreProps, Outbox, OutboxProps};
//! use escdk_synth::Stack;
//!
//! let stack = Stack::new("Orders");
//! let root = stack.root();
//! let store = EventStore::new(&root, "EventStore", EventStoreProps::default());
//! let bus = EventBus::new(&root, "Bus", EventBusProps::default());
//! let failures = Queue::new(&root, "PublishFailures", QueueProps::default());
//! Outbox::new(&root, "Outbox", &store, &bus, &failures, OutboxProps::new("shop.orders"));
//! assert!(stack.synth().is_ok());
//! ```

use crate::cloudwatch::{Metric, Statistic};
use crate::dynamodb::StreamView;
use crate::event_store::EventStore;
use crate::events::EventBus;
use crate::lambda::{Function, FunctionProps, StreamSourceProps};
use crate::sqs::Queue;
use escdk_synth::cfn::lambda::CfnEventSourceMapping;
use escdk_synth::{Handle, Scope};
use std::path::PathBuf;

/// EventBridge's limit on an entry's `Source`.
const MAX_SOURCE_LENGTH: usize = 256;

/// Where the publisher's code lives (shipped with the library).
pub fn publisher_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/event_store_publisher")
}

/// Properties of an [`Outbox`].
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxProps {
    /// The `source` of every event published (the projections' rules match it).
    pub event_source: String,
    /// How the stream is read. By default: from the oldest record, 100 records per
    /// invocation, inserts only, and retried until the records expire (`-1`).
    pub stream: StreamSourceProps,
}

impl OutboxProps {
    pub fn new(event_source: impl Into<String>) -> Self {
        OutboxProps {
            event_source: event_source.into(),
            stream: StreamSourceProps {
                maximum_retry_attempts: -1,
                ..StreamSourceProps::default()
            },
        }
    }
}

/// The publisher function and its stream mapping.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub function: Function,
    /// `None` when the store has no stream (an error at synth).
    pub mapping: Option<Handle<CfnEventSourceMapping>>,
}

impl Outbox {
    /// Publishes `store`'s new events to `bus`; batches that still fail when their records
    /// expire are described in `on_failure`.
    pub fn new(
        scope: &Scope,
        id: &str,
        store: &EventStore,
        bus: &EventBus,
        on_failure: &Queue,
        props: OutboxProps,
    ) -> Outbox {
        let scope = scope.child(id);
        check_source(&scope, &props.event_source);
        if matches!(
            store.table.stream_view(),
            Some(StreamView::KeysOnly | StreamView::OldImage)
        ) {
            scope.error(
                format!(
                    "the stream of `{}` carries no new images: the outbox cannot read the events",
                    store.table.handle.path()
                ),
                "give the event store a stream with new images (StreamView::NewImage or NewAndOldImages)",
            );
        }
        let mut function_props = FunctionProps {
            description: Some("Publishes the event store's new events to the bus".into()),
            ..FunctionProps::new(publisher_dir(), "event_store_publisher.lambda_handler")
        };
        function_props.environment.extend([
            ("EVENT_BUS_NAME".to_string(), bus.name().into()),
            (
                "EVENT_SOURCE".to_string(),
                props.event_source.as_str().into(),
            ),
        ]);
        let function = Function::new(&scope, "Publisher", function_props);
        bus.grant_put_events(&function.role);
        let mapping = function.add_dynamodb_stream_source(
            &scope,
            "Stream",
            &store.table,
            Some(on_failure),
            props.stream,
        );
        Outbox { function, mapping }
    }

    /// `IteratorAge`: how far behind the stream the publisher is (Maximum). Events are on
    /// the bus this much later than in the store.
    pub fn metric_iterator_age(&self) -> Metric {
        Metric::new("AWS/Lambda", "IteratorAge")
            .dimension("FunctionName", self.function.name())
            .statistic(Statistic::Maximum)
    }
}

/// A `source` EventBridge accepts from `PutEvents`.
pub(crate) fn check_source(scope: &Scope, source: &str) {
    let fix = "name the source after the domain, e.g. `shop.orders`";
    if source.is_empty() {
        scope.prop_error("EventSource", "the event source is empty", fix);
    } else if source.len() > MAX_SOURCE_LENGTH {
        scope.prop_error(
            "EventSource",
            format!(
                "the event source is {} characters; EventBridge takes at most {MAX_SOURCE_LENGTH}",
                source.len()
            ),
            fix,
        );
    } else if source.starts_with("aws.") {
        scope.prop_error(
            "EventSource",
            format!("`{source}`: sources starting with `aws.` are AWS's; PutEvents refuses them"),
            fix,
        );
    }
}
