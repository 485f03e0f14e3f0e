//! Server access logs of a bucket: every request to it, written by S3's log delivery
//! (`logging.s3.amazonaws.com`) into a private, TLS-only bucket of their own that it may
//! write only for the logged bucket of this account, expiring on schedule.

use super::secure;
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::s3::{bucket, CfnBucket, CfnBucketPolicy};
use escdk_synth::{fns, rules, Duration, Expr, Handle, Scope};

/// The prefix the logs are written under.
pub const PREFIX: &str = "access-logs/";

/// The log bucket (`<scope>/AccessLogs`) and its policy, for the bucket `logged` (its ARN),
/// logs expiring after `expire_after`.
pub fn log_bucket(
    scope: &Scope,
    logged: Expr,
    expire_after: Duration,
) -> (Handle<CfnBucket>, Handle<CfnBucketPolicy>) {
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
            ..secure::private_bucket()
        },
    );
    RemovalPolicy::RetainOnUpdateOrDelete.apply(scope.stack(), &bucket);
    rules::suppress(
        &bucket,
        "ESCDK-S3-VERSIONING",
        "access logs are written once by S3's log delivery and expire on schedule: nothing here is overwritten, and versions would keep expired logs",
    );
    rules::suppress(
        &bucket,
        "CKV_AWS_18",
        "this bucket is where access logs end: logging the access to it would take another bucket whose own access goes unlogged, and only S3's log delivery writes here",
    );
    let mut statements = secure::tls_only_statements(bucket.attr_arn());
    statements.push(
        PolicyStatement::allow(
            ["s3:PutObject"],
            [fns::sub_with(
                format!("${{Arn}}/{PREFIX}*"),
                [("Arn", bucket.attr_arn())],
            )],
        )
        .sid("LogDeliveryWrite")
        .principal(Principal::service("logging.s3.amazonaws.com"))
        .condition("ArnLike", "aws:SourceArn", logged)
        .condition(
            "StringEquals",
            "aws:SourceAccount",
            fns::sub("${AWS::AccountId}"),
        ),
    );
    let policy = scope.add(
        "AccessLogsPolicy",
        CfnBucketPolicy::new(
            bucket.reference(),
            PolicyDocument::new(statements).to_json(),
        ),
    );
    (bucket, policy)
}

/// What the logged bucket says: its logs go to `log_bucket` under [`PREFIX`].
pub fn logging(log_bucket: &Handle<CfnBucket>) -> bucket::LoggingConfiguration {
    bucket::LoggingConfiguration {
        destination_bucket_name: Some(log_bucket.reference().into()),
        log_file_prefix: Some(PREFIX.into()),
        ..Default::default()
    }
}
