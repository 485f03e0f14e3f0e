//! `ReadModel` on DynamoDB: a projection's table, keys and indexes as props.
//!
//! The defaults are the recipe's account summaries: partition key `AccountId`, sort key
//! `ProjectionType`, provisioned 5/5. Read models can be rebuilt by replaying events, but
//! they are still kept on stack deletion unless the removal policy says otherwise.

use crate::dynamodb::{
    Attribute, Billing, GlobalSecondaryIndex, Table, TableEncryption, TableProps,
};
use crate::iam::{Grant, Grantee};
use crate::removal::RemovalPolicy;
use escdk_synth::{Expr, Scope};

/// Properties of a [`ReadModel`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReadModelProps {
    pub table_name: Option<String>,
    pub partition_key: Attribute,
    pub sort_key: Option<Attribute>,
    pub global_secondary_indexes: Vec<GlobalSecondaryIndex>,
    pub billing: Billing,
    pub encryption: TableEncryption,
    pub point_in_time_recovery: bool,
    pub removal_policy: RemovalPolicy,
}

impl Default for ReadModelProps {
    fn default() -> Self {
        ReadModelProps {
            table_name: None,
            partition_key: Attribute::string("AccountId"),
            sort_key: Some(Attribute::string("ProjectionType")),
            global_secondary_indexes: Vec::new(),
            billing: Billing::Provisioned { read: 5, write: 5 },
            encryption: TableEncryption::StackKey,
            point_in_time_recovery: true,
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
        }
    }
}

/// A read model table.
#[derive(Debug, Clone)]
pub struct ReadModel {
    pub table: Table,
}

impl ReadModel {
    pub fn new(scope: &Scope, id: &str, props: ReadModelProps) -> ReadModel {
        let scope = scope.child(id);
        let table = Table::new(
            &scope,
            "Table",
            TableProps {
                table_name: props.table_name,
                billing: props.billing,
                global_secondary_indexes: props.global_secondary_indexes,
                encryption: props.encryption,
                point_in_time_recovery: props.point_in_time_recovery,
                removal_policy: props.removal_policy,
                ..TableProps::new(props.partition_key, props.sort_key)
            },
        );
        ReadModel { table }
    }

    pub fn name(&self) -> Expr {
        self.table.name()
    }

    pub fn arn(&self) -> Expr {
        self.table.arn()
    }

    /// Maintain the projection: read an item and write it conditionally (a projection
    /// handler's calls; no delete, no batch write).
    pub fn grant_project(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_project(grantee)
    }

    /// Read and write any item (batch writes and deletes included): for a handler that
    /// rebuilds the model, not for a projection applying events.
    pub fn grant_read_write(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_read_write_data(grantee)
    }

    /// Query the projection: items by key, and queries on the table and its indexes.
    pub fn grant_read(&self, grantee: &impl Grantee) -> Grant {
        self.table.grant_read_items(grantee)
    }
}
