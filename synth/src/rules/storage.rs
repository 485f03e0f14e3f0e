//! Buckets and registries.

use super::check::Subject;
use crate::json::JsonValue as Value;

pub fn bucket_versioning(s: &Subject) -> Option<String> {
    (s.prop("VersioningConfiguration.Status") != "Enabled")
        .then(|| "versioning is not enabled".into())
}

pub fn bucket_public_access_blocked(s: &Subject) -> Option<String> {
    let open: Vec<&str> = [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ]
    .into_iter()
    .filter(|k| s.prop(&format!("PublicAccessBlockConfiguration.{k}")) != &Value::Bool(true))
    .collect();
    (!open.is_empty()).then(|| format!("{} not true", open.join(", ")))
}

pub fn ecr_scan_on_push(s: &Subject) -> Option<String> {
    (s.prop("ImageScanningConfiguration.ScanOnPush") != &Value::Bool(true))
        .then(|| "ScanOnPush is not true".into())
}

pub fn ecr_immutable_tags(s: &Subject) -> Option<String> {
    (!matches!(
        s.prop("ImageTagMutability").as_str(),
        Some("IMMUTABLE" | "IMMUTABLE_WITH_EXCLUSION")
    ))
    .then(|| "tags can be moved to other images".into())
}
