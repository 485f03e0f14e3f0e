//! `Monitoring`: the recipe's three alarms, notifying an encrypted SNS topic with e-mail
//! subscriptions.
//!
//! The recipe's third alarm watched `FailedInvocations` with only an `EventBusName`
//! dimension; EventBridge publishes that metric per rule (`EventBusName` + `RuleName` on a
//! custom bus), so that alarm could never fire. Here it watches the projection rule.

use crate::cloudwatch::{AlarmOptions, Metric};
use crate::cqrs::CqrsLambdas;
use crate::event_store::EventStore;
use crate::events::EventBus;
use crate::sns::{Topic, TopicProps};
use escdk_synth::cfn::cloudwatch::CfnAlarm;
use escdk_synth::{Duration, Handle, Scope};

/// Thresholds (the recipe's by default) and who is told.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringProps {
    pub emails: Vec<String>,
    pub write_throttle_threshold: f64,
    pub command_error_threshold: f64,
    pub failed_invocation_threshold: f64,
    pub period: Duration,
    pub evaluation_periods: u32,
}

impl Default for MonitoringProps {
    fn default() -> Self {
        MonitoringProps {
            emails: Vec::new(),
            write_throttle_threshold: 5.0,
            command_error_threshold: 10.0,
            failed_invocation_threshold: 5.0,
            period: Duration::minutes(5),
            evaluation_periods: 2,
        }
    }
}

/// The alarm topic and the alarms.
#[derive(Debug, Clone)]
pub struct Monitoring {
    pub topic: Topic,
    pub alarms: Vec<Handle<CfnAlarm>>,
}

impl Monitoring {
    pub fn new(
        scope: &Scope,
        id: &str,
        store: &EventStore,
        cqrs: &CqrsLambdas,
        bus: &EventBus,
        props: MonitoringProps,
    ) -> Monitoring {
        let scope = scope.child(id);
        let topic = Topic::new(
            &scope,
            "AlarmTopic",
            TopicProps {
                emails: props.emails.clone(),
                ..TopicProps::new("cloudwatch.amazonaws.com")
            },
        );
        let actions = [topic.arn()];
        let alarm = |id: &str, metric: Metric, description: &str, threshold: f64| {
            metric.period(props.period).alarm(
                &scope,
                id,
                AlarmOptions {
                    evaluation_periods: props.evaluation_periods,
                    ..AlarmOptions::new(description, threshold)
                }
                .notify(&actions),
            )
        };
        let alarms = vec![
            alarm(
                "EventStoreWriteThrottles",
                store.metric_write_throttle_events(),
                "DynamoDB write throttles on the event store",
                props.write_throttle_threshold,
            ),
            alarm(
                "CommandHandlerErrors",
                cqrs.command.metric_errors(),
                "Errors in the command handler",
                props.command_error_threshold,
            ),
            alarm(
                "ProjectionRuleFailedInvocations",
                cqrs.rule.metric_failed_invocations(bus),
                "Events the projection rule failed to deliver",
                props.failed_invocation_threshold,
            ),
        ];
        Monitoring { topic, alarms }
    }
}
