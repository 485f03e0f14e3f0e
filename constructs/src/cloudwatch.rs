//! CloudWatch: a small [`AlarmProps`] for threshold alarms on one metric.

use escdk_synth::cfn::cloudwatch::{alarm, CfnAlarm};
use escdk_synth::{Duration, Expr, Handle, Scope, Value};

/// A `Sum` over `period_seconds` compared with `GreaterThanThreshold`, with missing data
/// treated as not breaching (metrics like `FailedInvocations` are only sent when non-zero).
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmProps {
    pub description: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, Value<String>)>,
    pub threshold: f64,
    /// 10, 20 or 30 seconds, or a whole number of minutes.
    pub period: Duration,
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
    let period = props.period.to_seconds().unwrap_or(0);
    if period < 10
        || (period >= 60 && period % 60 != 0)
        || (period < 60 && ![10, 20, 30].contains(&period))
    {
        scope.prop_error(
            id,
            format!(
                "alarm period {} is not one CloudWatch accepts",
                props.period.human()
            ),
            "use 10, 20 or 30 seconds, or a whole number of minutes",
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
            period: Some(period.into()),
            evaluation_periods: Some(props.evaluation_periods.into()),
            threshold: Some(props.threshold.into()),
            comparison_operator: Some("GreaterThanThreshold".into()),
            treat_missing_data: Some("notBreaching".into()),
            alarm_actions: (!actions.is_empty()).then(|| actions.to_vec().into()),
            ..Default::default()
        },
    )
}
