//! Server access logs of a bucket: every request to it, written by S3's log delivery
//! (`logging.s3.amazonaws.com`) into a private, TLS-only bucket of their own that it may
//! write only for the logged bucket of this account, expiring on schedule.

use super::secure;
use crate::iam::{PolicyStatement, Principal};
use escdk_synth::cfn::s3::{bucket, CfnBucket, CfnBucketPolicy};
use escdk_synth::{fns, Duration, Expr, Handle, Scope};

/// The prefix the logs are written under.
pub const PREFIX: &str = "access-logs/";

/// The log bucket (`<scope>/AccessLogs`) and its policy, for the bucket `logged` (its ARN),
/// logs expiring after `expire_after`.
pub fn log_bucket(
    scope: &Scope,
    logged: Expr,
    expire_after: Duration,
) -> (Handle<CfnBucket>, Handle<CfnBucketPolicy>) {
    secure::log_bucket(scope, expire_after, "S3's log delivery", |bucket| {
        vec![PolicyStatement::allow(
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
        )]
    })
}

/// What the logged bucket says: its logs go to `log_bucket` under [`PREFIX`].
pub fn logging(log_bucket: &Handle<CfnBucket>) -> bucket::LoggingConfiguration {
    bucket::LoggingConfiguration {
        destination_bucket_name: Some(log_bucket.reference().into()),
        log_file_prefix: Some(PREFIX.into()),
        ..Default::default()
    }
}
