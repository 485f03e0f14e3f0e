//! `EventStore` on DynamoDB: the system of record of an event-sourced service.
//!
//! One item per event: partition key `AggregateId` (S), sort key `EventSequence` (N), so an
//! aggregate's events are read in order with one query and a conditional put on
//! (`AggregateId`, `EventSequence`) makes appends race-free. A global secondary index
//! `EventType-Timestamp-index` serves queries by event type and time. The stream carries
//! new and old images to consumers. Point-in-time recovery and retention on deletion and
//! replacement (except when its own create rolls back) are on by default: turn them off
//! explicitly. Deletion protection comes with `RemovalPolicy::Retain`.

use crate::cloudwatch::Metric;
use crate::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, StreamView, Table, TableEncryption, TableProps,
};
use crate::iam::{Grant, Grantee};
use crate::removal::RemovalPolicy;
use escdk_synth::{Expr, Scope};

/// Partition key of the event store.
pub const AGGREGATE_ID: &str = "AggregateId";
/// Sort key: the event's position in its aggregate, from 1.
pub const EVENT_SEQUENCE: &str = "EventSequence";
/// Index by event type and time.
pub const TYPE_INDEX: &str = "EventType-Timestamp-index";

/// Properties of an [`EventStore`]. Defaults follow the recipe.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStoreProps {
    pub table_name: Option<String>,
    /// Provisioned 10/10 by default, as in the recipe.
    pub billing: Billing,
    /// Capacity of the type index when provisioned: 5/5 by default.
    pub index_capacity: (u32, u32),
    /// `NEW_AND_OLD_IMAGES` by default; `None` turns the stream off.
    pub stream: Option<StreamView>,
    pub encryption: TableEncryption,
    pub point_in_time_recovery: bool,
    /// Follows the removal policy when unset: on only for [`RemovalPolicy::Retain`]
    /// (see [`crate::removal`]).
    pub deletion_protection: Option<bool>,
    pub removal_policy: RemovalPolicy,
}

impl Default for EventStoreProps {
    fn default() -> Self {
        EventStoreProps {
            table_name: None,
            billing: Billing::Provisioned {
                read: 10,
                write: 10,
            },
            index_capacity: (5, 5),
            stream: Some(StreamView::NewAndOldImages),
            encryption: TableEncryption::StackKey,
            point_in_time_recovery: true,
            deletion_protection: None,
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
        }
    }
}

/// An append-only event store on DynamoDB.
#[derive(Debug, Clone)]
pub struct EventStore {
    pub table: Table,
}

impl EventStore {
    pub fn new(scope: &Scope, id: &str, props: EventStoreProps) -> EventStore {
        let scope = scope.child(id);
        let index = GlobalSecondaryIndex {
            capacity: matches!(props.billing, Billing::Provisioned { .. })
                .then_some(props.index_capacity),
            ..GlobalSecondaryIndex::new(
                TYPE_INDEX,
                Attribute::string("EventType"),
                Some(Attribute::string("Timestamp")),
            )
        };
        let table = Table::new(
            &scope,
            "Table",
            TableProps {
                table_name: props.table_name,
                billing: props.billing,
                global_secondary_indexes: vec![index],
                stream: props.stream,
                encryption: props.encryption,
                point_in_time_recovery: props.point_in_time_recovery,
                deletion_protection: props.deletion_protection,
                removal_policy: props.removal_policy,
                ..TableProps::new(
                    Attribute::string(AGGREGATE_ID),
                    Some(Attribute::number(EVENT_SEQUENCE)),
                )
            },
        );
        EventStore { table }
    }

    pub fn name(&self) -> Expr {
        self.table.name()
    }

    pub fn arn(&self) -> Expr {
        self.table.arn()
    }

    /// Appends DynamoDB refused for want of capacity (Sum).
    pub fn metric_write_throttle_events(&self) -> Metric {
        self.table.metric_write_throttle_events()
    }

    /// Append events: `PutItem` (the handler makes it conditional) and `Query` on the table
    /// to read an aggregate's last event. No update or delete: events are
    /// immutable.
    pub fn grant_append(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_append(grantee)
    }

    /// Read events: items by key, queries on the table and the type index.
    pub fn grant_read(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_read_items(grantee)
    }

    /// Read an aggregate's events in order (a `Query` on the table, not the type index): what
    /// a projection needs to catch up from the store.
    pub fn grant_read_aggregates(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_query_table(grantee)
    }

    /// Read the change stream.
    pub fn grant_stream_read(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_stream_read(grantee)
    }
}
