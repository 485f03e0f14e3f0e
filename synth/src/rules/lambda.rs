//! Functions: failures of asynchronous invocations kept, and concurrency bounded where a
//! function writes to a store others share.

use super::check::{refers_to, Subject};
use crate::json::JsonValue as Value;

/// Whether something invokes the function asynchronously: an EventBridge rule target or an
/// SNS subscription.
fn invoked_asynchronously(s: &Subject) -> bool {
    s.referrers().any(|(_, r)| match r["Type"].as_str() {
        Some("AWS::Events::Rule") => r["Properties"]["Targets"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| refers_to(&t["Arn"], s.logical_id)),
        Some("AWS::SNS::Subscription") => refers_to(&r["Properties"]["Endpoint"], s.logical_id),
        _ => false,
    })
}

/// Whether an `EventInvokeConfig` of the function sends failures somewhere.
fn has_failure_destination(s: &Subject) -> bool {
    s.referrers().any(|(_, r)| {
        r["Type"] == "AWS::Lambda::EventInvokeConfig"
            && refers_to(&r["Properties"]["FunctionName"], s.logical_id)
            && r["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] != Value::Null
    })
}

/// A function invoked asynchronously has a dead-letter queue or an on-failure destination,
/// so an event it fails on is kept, not dropped after Lambda's retries.
pub fn async_failures_kept(s: &Subject) -> Option<String> {
    if !invoked_asynchronously(s)
        || s.is_set("DeadLetterConfig.TargetArn")
        || has_failure_destination(s)
    {
        return None;
    }
    Some("it is invoked asynchronously and has neither a DeadLetterConfig nor an OnFailure destination".into())
}

/// Whether CloudFormation invokes the function for a custom resource (its `ServiceToken`).
fn serves_custom_resources(s: &Subject) -> bool {
    s.referrers().any(|(_, r)| {
        let t = r["Type"].as_str().unwrap_or_default();
        (t.starts_with("Custom::") || t == "AWS::CloudFormation::CustomResource")
            && refers_to(&r["Properties"]["ServiceToken"], s.logical_id)
    })
}

/// Whether an event source mapping polls for the function.
fn polled_by_a_mapping(s: &Subject) -> bool {
    s.referrers().any(|(_, r)| {
        r["Type"] == "AWS::Lambda::EventSourceMapping"
            && refers_to(&r["Properties"]["FunctionName"], s.logical_id)
    })
}

/// Why a function with no `DeadLetterConfig` keeps what it fails on anyway (or has nothing
/// to keep), for CKV_AWS_116, which reads only `DeadLetterConfig`.
pub fn failures_kept_without_a_dead_letter_queue(s: &Subject) -> Option<String> {
    if s.is_set("DeadLetterConfig.TargetArn") {
        return None;
    }
    if has_failure_destination(s) {
        return Some("events it fails on go to its EventInvokeConfig's OnFailure destination, which keeps them with the error; CKV_AWS_116 reads only DeadLetterConfig".into());
    }
    if invoked_asynchronously(s) {
        return None;
    }
    let mut callers = Vec::new();
    if serves_custom_resources(s) {
        callers.push("CloudFormation invokes it for custom resources and fails the stack operation on its error, which the stack's events keep");
    }
    if polled_by_a_mapping(s) {
        callers.push("an event source mapping invokes it synchronously, keeping a failed batch in the stream or its own OnFailure destination");
    }
    let callers = if callers.is_empty() {
        "it is called synchronously and its caller gets its errors".to_string()
    } else {
        callers.join("; ")
    };
    Some(format!(
        "no rule or topic invokes it asynchronously: {callers}; a dead-letter queue would receive nothing"
    ))
}

/// Why a function needs no reserved concurrency, for CKV_AWS_115, which asks it of every
/// function.
pub fn needs_no_reserved_concurrency(s: &Subject) -> Option<String> {
    (!writes_to_a_table(s) && !s.is_set("ReservedConcurrentExecutions")).then(|| {
        "it writes to no table: escdk reserves concurrency for writers to a shared store only, as each reservation leaves the account's pool for good".into()
    })
}

/// Actions that write to a DynamoDB table.
const TABLE_WRITES: &[&str] = &[
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:TransactWriteItems",
];

/// Whether the function's role may write to a table.
fn writes_to_a_table(s: &Subject) -> bool {
    let Some(role) = s.prop("Role")["Fn::GetAtt"][0].as_str() else {
        return false;
    };
    let policies = &s.template["Resources"][role]["Properties"]["Policies"];
    policies.as_array().into_iter().flatten().any(|p| {
        p["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|st| {
                st["Effect"] == "Allow"
                    && st["Action"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .chain(std::iter::once(&st["Action"]))
                        .filter_map(Value::as_str)
                        .any(|a| TABLE_WRITES.contains(&a))
            })
    })
}

/// A function that writes to a table has reserved concurrency, so a burst cannot take the
/// account's whole concurrency or throttle the table for every other writer.
pub fn bounded_writer(s: &Subject) -> Option<String> {
    (writes_to_a_table(s) && !s.is_set("ReservedConcurrentExecutions"))
        .then(|| "it writes to a DynamoDB table and has no ReservedConcurrentExecutions".into())
}
