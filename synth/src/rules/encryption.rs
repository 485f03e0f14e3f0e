//! Encryption at rest (customer-managed keys where they protect what matters) and in transit
//! (resource policies that refuse requests without TLS).

use super::check::{refers_to, Subject};

/// A DynamoDB table encrypted with a customer-managed key.
pub fn table_cmk(s: &Subject) -> Option<String> {
    if s.prop("SSESpecification.SSEEnabled") == &crate::json::JsonValue::Bool(true)
        && s.is_set("SSESpecification.KMSMasterKeyId")
    {
        return None;
    }
    Some("the table is encrypted with an AWS owned or AWS managed key".into())
}

/// A log group encrypted with a customer-managed key.
pub fn log_group_cmk(s: &Subject) -> Option<String> {
    (!s.is_set("KmsKeyId")).then(|| "the log group has no KmsKeyId".into())
}

/// A secret encrypted with a customer-managed key.
pub fn secret_cmk(s: &Subject) -> Option<String> {
    (!s.is_set("KmsKeyId")).then(|| "the secret uses the aws/secretsmanager key".into())
}

/// A queue encrypted at rest, by SQS's keys or a KMS key.
pub fn queue_encrypted(s: &Subject) -> Option<String> {
    (s.prop("SqsManagedSseEnabled") != &crate::json::JsonValue::Bool(true)
        && !s.is_set("KmsMasterKeyId"))
    .then(|| "neither SqsManagedSseEnabled nor KmsMasterKeyId is set".into())
}

/// A topic encrypted with a KMS key.
pub fn topic_encrypted(s: &Subject) -> Option<String> {
    (!s.is_set("KmsMasterKeyId")).then(|| "the topic has no KmsMasterKeyId".into())
}

/// The policy types that guard each resource type, and where the guarded resource is named.
const POLICIES: &[(&str, &str)] = &[
    ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy"),
    ("AWS::SNS::Topic", "AWS::SNS::TopicPolicy"),
    ("AWS::S3::Bucket", "AWS::S3::BucketPolicy"),
];

/// A queue, topic or bucket whose policy denies requests without TLS.
pub fn tls_only(s: &Subject) -> Option<String> {
    let policy_type = POLICIES
        .iter()
        .find(|(t, _)| *t == s.type_name())
        .map(|(_, p)| *p)?;
    let guarded = s.referrers().any(|(_, r)| {
        r["Type"] == policy_type
            && r["Properties"]["PolicyDocument"]["Statement"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|st| {
                    st["Effect"] == "Deny"
                        && st["Condition"]["Bool"]["aws:SecureTransport"] == "false"
                        && refers_to(st, s.logical_id)
                })
    });
    (!guarded).then(|| format!("no {policy_type} denies requests with aws:SecureTransport false"))
}
