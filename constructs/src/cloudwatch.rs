//! CloudWatch: a small [`AlarmProps`] for threshold alarms on one metric.

use escdk_synth::cfn::cloudwatch::{alarm, CfnAlarm};
use escdk_synth::{Expr, Handle, Scope, Value};

/// A `Sum` over `period_seconds` compared with `GreaterThanThreshold`, with missing data
/// treated as not breaching (metrics like `FailedInvocations` are only sent when non-zero).
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmProps {
    pub description: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, Value<String>)>,
    pub threshold: f64,
    pub period_seconds: u32,
    pub evaluation_periods: u32,
}

/// Creates the alarm, notifying `actions` (topic ARNs) when it fires.
pub fn threshold_alarm(
    scope: &Scope,
    id: &str,
    props: AlarmProps,
    actions: &[Expr],
) -> Handle<CfnAlarm> {
    if props.evaluation_periods == 0 {
        scope.prop_error(
            id,
            "an alarm needs at least one evaluation period",
            "set evaluation_periods to 1 or more",
        );
    }
    if props.period_seconds < 10
        || (props.period_seconds >= 60 && props.period_seconds % 60 != 0)
        || (props.period_seconds < 60 && ![10, 20, 30].contains(&props.period_seconds))
    {
        scope.prop_error(
            id,
            format!(
                "alarm period {}s is not one CloudWatch accepts",
                props.period_seconds
            ),
            "use 10, 20, 30, or a multiple of 60 seconds",
        );
    }
    scope.add(
        id,
        CfnAlarm {
            alarm_description: Some(props.description.into()),
            namespace: Some(props.namespace.into()),
            metric_name: Some(props.metric.into()),
            dimensions: Some(
                props
                    .dimensions
                    .into_iter()
                    .map(|(name, value)| alarm::Dimension::new(name, value))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            statistic: Some("Sum".into()),
            period: Some(props.period_seconds.into()),
            evaluation_periods: Some(props.evaluation_periods.into()),
            threshold: Some(props.threshold.into()),
            comparison_operator: Some("GreaterThanThreshold".into()),
            treat_missing_data: Some("notBreaching".into()),
            alarm_actions: (!actions.is_empty()).then(|| actions.to_vec().into()),
            ..Default::default()
        },
    )
}
