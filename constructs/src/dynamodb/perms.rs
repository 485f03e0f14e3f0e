//! The IAM actions each DynamoDB grant gives, in one place.

/// Reading items and querying the table and its indexes (no `Scan`: a scan of an event
/// store reads the whole system of record; grant it explicitly if you need it).
pub const READ_DATA: &[&str] = &[
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
];

/// Writing, updating and deleting items.
pub const WRITE_DATA: &[&str] = &[
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
];

/// Appending to an event store: a conditional `PutItem`, plus `Query` on the table to read
/// the aggregate's last event. Events are immutable, so no `UpdateItem` and no
/// `DeleteItem`, and the indexes are not needed to append.
pub const APPEND: &[&str] = &["dynamodb:PutItem", "dynamodb:Query"];

/// Reading items by key and querying (the table and its indexes): what a query handler
/// needs, without the batch, describe and condition-check actions of [`READ_DATA`].
pub const READ_ITEMS: &[&str] = &["dynamodb:GetItem", "dynamodb:Query"];

/// Maintaining a projection: read an item, then write it conditionally (a put or an
/// update). No delete, no batch write: a projection changes one item per event.
pub const PROJECT: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
];

/// Reading items in key order from the table (not its indexes): an aggregate's events, as a
/// projection catching up reads them.
pub const QUERY_TABLE: &[&str] = &["dynamodb:Query"];

/// Reading the table's stream (what a stream consumer needs), on the stream's ARN.
pub const STREAM_READ: &[&str] = &[
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
];

/// `dynamodb:ListStreams` has no resource-level permission: granted on a stream ARN it grants
/// nothing, so it is granted on `*` on its own (Lambda checks it when it creates a stream
/// event source mapping). It lists stream ARNs, never data.
pub const STREAM_LIST: &str = "dynamodb:ListStreams";

/// On a table's customer managed key, to read it (items or stream records).
pub const KEY_READ: &[&str] = &["kms:Decrypt", "kms:DescribeKey"];

/// On a table's customer managed key, to write it (spelled out: no wildcard actions).
pub const KEY_WRITE: &[&str] = &[
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
];
