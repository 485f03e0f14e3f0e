//! What happens to data when a stack is deleted or a resource replaced, and how long logs
//! are kept.

use super::check::Subject;

/// A stateful resource is kept (or snapshotted) when its stack is deleted. An Aurora
/// instance holds no data (its cluster does) and may go.
pub fn retained(s: &Subject) -> Option<String> {
    if s.type_name() == "AWS::RDS::DBInstance" && s.is_set("DBClusterIdentifier") {
        return None;
    }
    match s.deletion_policy() {
        Some("Retain" | "RetainExceptOnCreate" | "Snapshot") => None,
        Some(other) => Some(format!("its DeletionPolicy is {other}")),
        None => Some("it has no DeletionPolicy, so deleting the stack deletes it".into()),
    }
}

/// A log group keeps its events for a bounded time.
pub fn log_retention(s: &Subject) -> Option<String> {
    (!s.is_set("RetentionInDays")).then(|| "it keeps events forever (no RetentionInDays)".into())
}
