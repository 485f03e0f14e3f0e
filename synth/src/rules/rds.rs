//! Aurora and RDS: encrypted, private, backed up, protected, monitored, with IAM
//! authentication.

use super::check::Subject;
use crate::json::JsonValue as Value;

pub fn encrypted(s: &Subject) -> Option<String> {
    (s.prop("StorageEncrypted") != &Value::Bool(true))
        .then(|| "StorageEncrypted is not true".into())
}

pub fn private(s: &Subject) -> Option<String> {
    (s.prop("PubliclyAccessible") != &Value::Bool(false))
        .then(|| "PubliclyAccessible is not false (its default depends on the subnets)".into())
}

/// Backups kept at least a week.
pub fn backups(s: &Subject) -> Option<String> {
    match s.prop("BackupRetentionPeriod").as_i64() {
        Some(days) if days >= 7 => None,
        Some(days) => Some(format!("backups are kept {days} day(s)")),
        None => Some("BackupRetentionPeriod is not set (1 day by default)".into()),
    }
}

/// Deleting the stack cannot delete the cluster's data: deletion protection, or a deletion
/// policy that keeps or snapshots it.
pub fn protected(s: &Subject) -> Option<String> {
    if s.prop("DeletionProtection") == &Value::Bool(true)
        || matches!(
            s.deletion_policy(),
            Some("Snapshot" | "Retain" | "RetainExceptOnCreate")
        )
    {
        return None;
    }
    Some("neither DeletionProtection nor a DeletionPolicy keeps or snapshots it".into())
}

pub fn iam_authentication(s: &Subject) -> Option<String> {
    (s.prop("EnableIAMDatabaseAuthentication") != &Value::Bool(true))
        .then(|| "EnableIAMDatabaseAuthentication is not true".into())
}

pub fn enhanced_monitoring(s: &Subject) -> Option<String> {
    match s.prop("MonitoringInterval").as_i64() {
        Some(n) if n > 0 && s.is_set("MonitoringRoleArn") => None,
        _ => Some("MonitoringInterval is 0 or unset".into()),
    }
}
