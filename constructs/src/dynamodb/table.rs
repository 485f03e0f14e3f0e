//! The `Table` construct: a DynamoDB table with keys, indexes, stream, encryption, point-in-
//! time recovery and a removal policy, and the grants that let functions use it.

use super::attribute::Attribute;
use super::billing::Billing;
use super::perms;
use crate::cloudwatch::Metric;
use crate::iam::{Grant, Grantee, PolicyStatement};
use crate::removal::{check_protection, RemovalPolicy};
use escdk_synth::cfn::dynamodb::{table, CfnTable};
use escdk_synth::{fns, Expr, Handle, Scope};

/// What a table's stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamView {
    KeysOnly,
    NewImage,
    OldImage,
    NewAndOldImages,
}

impl StreamView {
    fn code(self) -> &'static str {
        match self {
            StreamView::KeysOnly => "KEYS_ONLY",
            StreamView::NewImage => "NEW_IMAGE",
            StreamView::OldImage => "OLD_IMAGE",
            StreamView::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }
}

/// Encryption at rest. DynamoDB always encrypts; this picks whose key.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum TableEncryption {
    /// The stack's shared customer managed key ([`crate::kms::stack_key`]): the default, so
    /// that who reads the table's data is decided by a key policy you control too.
    #[default]
    StackKey,
    /// The AWS managed key `aws/dynamodb` (KMS, visible in CloudTrail).
    AwsManaged,
    /// A customer managed KMS key, by ARN.
    CustomerManaged(Expr),
}

/// A global secondary index.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalSecondaryIndex {
    pub name: String,
    pub partition_key: Attribute,
    pub sort_key: Option<Attribute>,
    /// Capacity when the table is provisioned; ignored (and must be `None`) on demand.
    pub capacity: Option<(u32, u32)>,
}

impl GlobalSecondaryIndex {
    pub fn new(name: &str, partition_key: Attribute, sort_key: Option<Attribute>) -> Self {
        GlobalSecondaryIndex {
            name: name.to_string(),
            partition_key,
            sort_key,
            capacity: None,
        }
    }
}

/// Properties of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub struct TableProps {
    /// Leave unset to let CloudFormation name it (recommended: a named table cannot be
    /// replaced without a new name).
    pub table_name: Option<String>,
    pub partition_key: Attribute,
    pub sort_key: Option<Attribute>,
    pub billing: Billing,
    pub global_secondary_indexes: Vec<GlobalSecondaryIndex>,
    pub stream: Option<StreamView>,
    pub encryption: TableEncryption,
    pub point_in_time_recovery: bool,
    /// Follows the removal policy when unset: on only for [`RemovalPolicy::Retain`]
    /// (see [`crate::removal`]).
    pub deletion_protection: Option<bool>,
    pub removal_policy: RemovalPolicy,
    pub time_to_live_attribute: Option<String>,
}

impl TableProps {
    /// An on-demand, encrypted table with point-in-time recovery, kept on stack deletion.
    pub fn new(partition_key: Attribute, sort_key: Option<Attribute>) -> Self {
        TableProps {
            table_name: None,
            partition_key,
            sort_key,
            billing: Billing::OnDemand,
            global_secondary_indexes: Vec::new(),
            stream: None,
            encryption: TableEncryption::StackKey,
            point_in_time_recovery: true,
            deletion_protection: None,
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
            time_to_live_attribute: None,
        }
    }
}

/// A DynamoDB table.
#[derive(Debug, Clone)]
pub struct Table {
    pub handle: Handle<CfnTable>,
    stream: Option<StreamView>,
    has_indexes: bool,
    /// The customer managed key, when the table has one: grants include its actions.
    key: Option<Expr>,
}

fn valid_index_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

impl Table {
    pub fn new(scope: &Scope, id: &str, props: TableProps) -> Table {
        let scope = scope.child(id);
        let mut definitions: Vec<Attribute> = Vec::new();
        let mut define = |scope: &Scope, a: &Attribute| {
            if a.name.is_empty() || a.name.len() > 255 {
                scope.prop_error(
                    "AttributeDefinitions",
                    format!(
                        "key attribute name `{}` must be 1 to 255 characters",
                        a.name
                    ),
                    "rename the attribute",
                );
            }
            match definitions.iter().find(|d| d.name == a.name) {
                Some(d) if d.kind != a.kind => scope.prop_error(
                    "AttributeDefinitions",
                    format!(
                        "attribute `{}` is declared as both {} and {}",
                        a.name,
                        d.kind.code(),
                        a.kind.code()
                    ),
                    "give the attribute one type in every key and index",
                ),
                Some(_) => {}
                None => definitions.push(a.clone()),
            }
        };
        let key_schema = |pk: &Attribute, sk: &Option<Attribute>| {
            let mut keys = vec![table::KeySchemaItem::new(pk.name.as_str(), "HASH")];
            if let Some(sk) = sk {
                keys.push(table::KeySchemaItem::new(sk.name.as_str(), "RANGE"));
            }
            keys
        };
        define(&scope, &props.partition_key);
        if let Some(sk) = &props.sort_key {
            define(&scope, sk);
        }
        let provisioned = |(read, write): (u32, u32)| {
            table::ProvisionedThroughput::new(i64::from(read), i64::from(write))
        };
        if let Billing::Provisioned { read, write } = props.billing {
            if read == 0 || write == 0 {
                scope.prop_error(
"ProvisionedThroughput",
                    format!("provisioned capacity must be at least 1 read and 1 write unit (got {read}/{write})"),
                    "raise the capacity, or use Billing::OnDemand",
                );
            }
        }
        if props.global_secondary_indexes.len() > 20 {
            scope.prop_error(
                "GlobalSecondaryIndexes",
                format!(
                    "{} global secondary indexes; DynamoDB allows 20",
                    props.global_secondary_indexes.len()
                ),
                "remove indexes, or split the data over several tables",
            );
        }
        let mut gsis = Vec::new();
        for (i, gsi) in props.global_secondary_indexes.iter().enumerate() {
            if !valid_index_name(&gsi.name) {
                scope.prop_error(
                    "GlobalSecondaryIndexes",
                    format!(
                        "index name `{}` must be 3 to 255 letters, digits, `_`, `-` or `.`",
                        gsi.name
                    ),
                    "rename the index",
                );
            }
            if props.global_secondary_indexes[..i]
                .iter()
                .any(|o| o.name == gsi.name)
            {
                scope.prop_error(
                    "GlobalSecondaryIndexes",
                    format!("two indexes are named `{}`", gsi.name),
                    "give each index its own name",
                );
            }
            define(&scope, &gsi.partition_key);
            if let Some(sk) = &gsi.sort_key {
                define(&scope, sk);
            }
            let throughput = match (props.billing, gsi.capacity) {
                (Billing::OnDemand, Some(_)) => {
                    scope.prop_error(
                        "GlobalSecondaryIndexes",
                        format!(
                            "index `{}` has capacity but the table is on demand",
                            gsi.name
                        ),
                        "remove the index capacity, or make the table provisioned",
                    );
                    None
                }
                (Billing::OnDemand, None) => None,
                (Billing::Provisioned { read, write }, cap) => {
                    let (r, w) = cap.unwrap_or((read, write));
                    if r == 0 || w == 0 {
                        scope.prop_error(
"GlobalSecondaryIndexes",
                            format!("index `{}`: provisioned capacity must be at least 1 read and 1 write unit (got {r}/{w})", gsi.name),
                            "raise the index capacity, or use Billing::OnDemand",
                        );
                    }
                    Some(provisioned((r, w)))
                }
            };
            gsis.push(table::GlobalSecondaryIndex {
                provisioned_throughput: throughput,
                ..table::GlobalSecondaryIndex::new(
                    gsi.name.as_str(),
                    key_schema(&gsi.partition_key, &gsi.sort_key),
                    table::Projection {
                        projection_type: Some("ALL".into()),
                        ..Default::default()
                    },
                )
            });
        }
        let key = match &props.encryption {
            TableEncryption::StackKey => Some(crate::kms::stack_key(&scope).attr_arn()),
            TableEncryption::CustomerManaged(k) => Some(k.clone()),
            TableEncryption::AwsManaged => None,
        };
        let sse = table::SSESpecification {
            sse_type: Some("KMS".into()),
            kms_master_key_id: key.clone().map(Into::into),
            ..table::SSESpecification::new(true)
        };
        let cfn = CfnTable {
            table_name: props.table_name.as_deref().map(Into::into),
            attribute_definitions: Some(
                definitions
                    .iter()
                    .map(|a| table::AttributeDefinition::new(a.name.as_str(), a.kind.code()))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            billing_mode: Some(
                match props.billing {
                    Billing::OnDemand => "PAY_PER_REQUEST",
                    Billing::Provisioned { .. } => "PROVISIONED",
                }
                .into(),
            ),
            provisioned_throughput: match props.billing {
                Billing::Provisioned { read, write } => Some(provisioned((read, write))),
                Billing::OnDemand => None,
            },
            global_secondary_indexes: (!gsis.is_empty()).then(|| gsis.into()),
            stream_specification: props
                .stream
                .map(|v| table::StreamSpecification::new(v.code())),
            sse_specification: Some(sse),
            point_in_time_recovery_specification: Some(table::PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: Some(props.point_in_time_recovery.into()),
                ..Default::default()
            }),
            deletion_protection_enabled: check_protection(
                &scope,
                "DeletionProtectionEnabled",
                props.deletion_protection,
                props.removal_policy,
            )
            .then(|| true.into()),
            time_to_live_specification: props.time_to_live_attribute.as_deref().map(|a| {
                table::TimeToLiveSpecification {
                    attribute_name: Some(a.into()),
                    ..table::TimeToLiveSpecification::new(true)
                }
            }),
            ..CfnTable::new(key_schema(&props.partition_key, &props.sort_key))
        };
        let handle = scope.add("Resource", cfn);
        props.removal_policy.apply(scope.stack(), &handle);
        Table {
            handle,
            stream: props.stream,
            has_indexes: !props.global_secondary_indexes.is_empty(),
            key,
        }
    }

    /// The table name (`Ref`).
    pub fn name(&self) -> Expr {
        self.handle.reference()
    }

    /// `WriteThrottleEvents`: writes DynamoDB refused for want of capacity (Sum).
    pub fn metric_write_throttle_events(&self) -> Metric {
        Metric::new("AWS/DynamoDB", "WriteThrottleEvents").dimension("TableName", self.name())
    }

    /// The table ARN.
    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// The stream ARN, when the table has a stream.
    pub fn stream_arn(&self) -> Option<Expr> {
        self.stream.map(|_| self.handle.attr_stream_arn())
    }

    /// What the table's stream carries, when it has one.
    pub fn stream_view(&self) -> Option<StreamView> {
        self.stream
    }

    /// The table ARN, plus its indexes when it has any.
    fn arns(&self) -> Vec<Expr> {
        let mut arns = vec![self.arn()];
        if self.has_indexes {
            arns.push(fns::sub_with("${Table}/index/*", [("Table", self.arn())]));
        }
        arns
    }

    /// The key's actions for a grant, when the table has a customer managed key (without
    /// them every call on the table fails with AccessDenied at run time).
    fn key_statement(&self, actions: &[&str]) -> Option<PolicyStatement> {
        self.key
            .as_ref()
            .map(|k| PolicyStatement::allow(actions.iter().copied(), [k.clone()]))
    }

    /// `actions` on the table alone (not its indexes), with `key` on its customer managed key.
    fn grant_on_table(&self, grantee: &impl Grantee, actions: &[&str], key: &[&str]) -> Grant {
        let mut statements = vec![PolicyStatement::allow(
            actions.iter().copied(),
            [self.arn()],
        )];
        statements.extend(self.key_statement(key));
        Grant::add(grantee, statements)
    }

    fn grant(&self, grantee: &impl Grantee, actions: &[&[&str]], key: &[&str]) -> Grant {
        let actions = actions.iter().flat_map(|a| a.iter().copied());
        let mut statements = vec![PolicyStatement::allow(actions, self.arns())];
        statements.extend(self.key_statement(key));
        Grant::add(grantee, statements)
    }

    /// Read items and query the table and its indexes.
    pub fn grant_read_data(&self, grantee: &impl Grantee) -> Grant {
        self.grant(grantee, &[perms::READ_DATA], perms::KEY_READ)
    }

    /// Read and write items.
    pub fn grant_read_write_data(&self, grantee: &impl Grantee) -> Grant {
        self.grant(
            grantee,
            &[perms::READ_DATA, perms::WRITE_DATA],
            perms::KEY_WRITE,
        )
    }

    /// Get items and query the table and its indexes ([`perms::READ_ITEMS`]).
    pub fn grant_read_items(&self, grantee: &impl Grantee) -> Grant {
        self.grant(grantee, &[perms::READ_ITEMS], perms::KEY_READ)
    }

    /// Maintain a projection in this table ([`perms::PROJECT`], on the table only).
    pub fn grant_project(&self, grantee: &impl Grantee) -> Grant {
        self.grant_on_table(grantee, perms::PROJECT, perms::KEY_WRITE)
    }

    /// Appends to an event store: [`perms::APPEND`] on the table, not its indexes.
    pub fn grant_append(&self, grantee: &impl Grantee) -> Grant {
        self.grant_on_table(grantee, perms::APPEND, perms::KEY_WRITE)
    }

    /// Query the table by key ([`perms::QUERY_TABLE`]), not its indexes.
    pub fn grant_query_table(&self, grantee: &impl Grantee) -> Grant {
        self.grant_on_table(grantee, perms::QUERY_TABLE, perms::KEY_READ)
    }

    /// Read the table's stream. A table without a stream grants nothing (an empty grant).
    pub fn grant_stream_read(&self, grantee: &impl Grantee) -> Grant {
        let statements = self
            .stream_arn()
            .map(|stream| {
                let mut statements = vec![
                    PolicyStatement::allow(perms::STREAM_READ.iter().copied(), [stream]),
                    PolicyStatement::allow_any_resource(perms::STREAM_LIST),
                ];
                statements.extend(self.key_statement(perms::KEY_READ));
                statements
            })
            .unwrap_or_default();
        Grant::add(grantee, statements)
    }
}
