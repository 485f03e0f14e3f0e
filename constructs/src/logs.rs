//! CloudWatch Logs: a service's own log group that only its role writes to, and metric
//! filters that turn log lines into a metric an alarm can watch.

use crate::cloudwatch::Metric;
use crate::iam::{PolicyStatement, Role};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::logs::{metric_filter, CfnLogGroup, CfnMetricFilter};
use escdk_synth::{Duration, Handle, RetentionDays, Scope, Value};

/// The actions a writer of a log group needs.
pub const WRITE: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// A log group at `<scope>/<id>` keeping events `retention`, encrypted with the stack's
/// shared key ([`crate::kms::stack_key`]), kept or deleted with the stack as `removal` says,
/// that `writer` may write to.
pub fn log_group(
    scope: &Scope,
    id: &str,
    retention: RetentionDays,
    removal: RemovalPolicy,
    writer: &Role,
) -> Handle<CfnLogGroup> {
    let group = scope.add(
        id,
        CfnLogGroup {
            retention_in_days: retention.days().map(Into::into),
            kms_key_id: Some(crate::kms::stack_key(scope).attr_arn().into()),
            ..Default::default()
        },
    );
    removal.apply(scope.stack(), &group);
    writer.add_to_policy(PolicyStatement::allow(
        WRITE.iter().copied(),
        [group.attr_arn()],
    ));
    group
}

/// The seed's error pattern: any line with `ERROR`, `error` or `Error`.
pub const ERROR_PATTERN: &str = r#"?"ERROR" ?"error" ?"Error""#;

/// Counts the lines of `log_group_name` that match `pattern` (CloudWatch Logs' filter
/// syntax) as `namespace`/`metric_name`, 1 a line, 0 when none match; returns the filter
/// and the metric (Sum over 1 minute).
pub fn count_matching_lines(
    scope: &Scope,
    id: &str,
    log_group_name: impl Into<Value<String>>,
    pattern: &str,
    namespace: &str,
    metric_name: &str,
) -> (Handle<CfnMetricFilter>, Metric) {
    if pattern.trim().is_empty() {
        scope.prop_error(
            id,
            "an empty filter pattern matches every line",
            format!("give the pattern of an error line, e.g. {ERROR_PATTERN}"),
        );
    }
    let filter = scope.add(
        id,
        CfnMetricFilter::new(
            pattern,
            log_group_name,
            vec![metric_filter::MetricTransformation {
                default_value: Some(0.0.into()),
                ..metric_filter::MetricTransformation::new(metric_name, namespace, "1")
            }],
        ),
    );
    let metric = Metric::new(namespace, metric_name).period(Duration::minutes(1));
    (filter, metric)
}
