//! What every bucket of ours has, built one way: encryption with S3's keys, public access
//! blocked, ACLs off, and a policy that refuses requests without TLS 1.2 or newer.

use crate::iam::resource_policy::deny_insecure_transport;
use crate::iam::{PolicyStatement, Principal};
use escdk_synth::cfn::s3::{bucket, CfnBucket};
use escdk_synth::{fns, Expr};

/// A bucket encrypted with S3-managed keys (the only encryption ELB access logs accept),
/// public access blocked, and ACLs disabled; the caller sets the rest.
pub fn private_bucket() -> CfnBucket {
    CfnBucket {
        bucket_encryption: Some(bucket::BucketEncryption::new(vec![
            bucket::ServerSideEncryptionRule {
                server_side_encryption_by_default: Some(
                    bucket::ServerSideEncryptionByDefault::new("AES256"),
                ),
                ..Default::default()
            },
        ])),
        public_access_block_configuration: Some(bucket::PublicAccessBlockConfiguration {
            block_public_acls: Some(true.into()),
            block_public_policy: Some(true.into()),
            ignore_public_acls: Some(true.into()),
            restrict_public_buckets: Some(true.into()),
        }),
        ownership_controls: Some(bucket::OwnershipControls::new(vec![
            bucket::OwnershipControlsRule {
                object_ownership: Some("BucketOwnerEnforced".into()),
            },
        ])),
        ..Default::default()
    }
}

/// `<bucket ARN>/*`: the bucket's objects.
pub fn objects_arn(bucket_arn: Expr) -> Expr {
    fns::sub_with("${Arn}/*", [("Arn", bucket_arn)])
}

/// The statements denying, on the bucket and its objects, requests without TLS and
/// requests over TLS older than 1.2.
pub fn tls_only_statements(bucket_arn: Expr) -> Vec<PolicyStatement> {
    let resources = || [bucket_arn.clone(), objects_arn(bucket_arn.clone())];
    let old_tls = PolicyStatement::deny(["s3:*"], resources())
        .sid("DenyTlsBefore12")
        .principal(Principal::Anyone)
        .condition("NumericLessThan", "s3:TlsVersion", "1.2");
    vec![deny_insecure_transport("s3:*", resources()), old_tls]
}

/// A bucket of logs at `<scope>/AccessLogs` and its policy (`<scope>/AccessLogsPolicy`):
/// private, TLS-only, retained, its logs expiring after `expire_after`, written by whom
/// `writes` allows (the statements it gives for the bucket). `writer` (who writes the logs,
/// e.g. "Elastic Load Balancing") goes into the written reasons for what such a bucket does
/// not do: keep versions, or log the access to itself.
pub fn log_bucket(
    scope: &escdk_synth::Scope,
    expire_after: escdk_synth::Duration,
    writer: &str,
    writes: impl FnOnce(&escdk_synth::Handle<CfnBucket>) -> Vec<PolicyStatement>,
) -> (
    escdk_synth::Handle<CfnBucket>,
    escdk_synth::Handle<escdk_synth::cfn::s3::CfnBucketPolicy>,
) {
    let days = expire_after.days_in(scope, "ExpirationInDays", 1..=3650);
    let bucket = scope.add(
        "AccessLogs",
        CfnBucket {
            lifecycle_configuration: Some(bucket::LifecycleConfiguration::new(vec![
                bucket::Rule {
                    expiration_in_days: Some(days.into()),
                    ..bucket::Rule::new("Enabled")
                },
            ])),
            ..private_bucket()
        },
    );
    crate::removal::RemovalPolicy::RetainOnUpdateOrDelete.apply(scope.stack(), &bucket);
    escdk_synth::rules::suppress(
        &bucket,
        "ESCDK-S3-VERSIONING",
        &format!("access logs are written once by {writer} and expire on schedule: nothing here is overwritten, and versions would keep expired logs"),
    );
    escdk_synth::rules::suppress(
        &bucket,
        "CKV_AWS_18",
        &format!("this bucket is where access logs end: logging the access to it would take another bucket whose own access goes unlogged, and only {writer} writes here"),
    );
    let mut statements = tls_only_statements(bucket.attr_arn());
    statements.extend(writes(&bucket));
    let policy = scope.add(
        "AccessLogsPolicy",
        escdk_synth::cfn::s3::CfnBucketPolicy::new(
            bucket.reference(),
            crate::iam::PolicyDocument::new(statements).to_json(),
        ),
    );
    (bucket, policy)
}
