//! `Monitoring`: alarms composed from the handles a stack already has (a table, a function,
//! a queue, a rule, an outbox), all notifying one encrypted SNS topic.
//!
//! [`Monitoring::new`] makes the topic; each `watch_*` adds one alarm with a description
//! that says what to do. [`Monitoring::for_cqrs`] watches everything a [`CqrsLambdas`]
//! service has: the recipe's three alarms, plus the dead-letter queue, projection errors
//! and the outbox's delay.
//!
//! - The recipe's failed-invocations alarm watched `FailedInvocations` with only an
//!   `EventBusName` dimension; EventBridge publishes that metric per rule (`EventBusName` +
//!   `RuleName` on a custom bus), so it could never fire. Here it watches the rule.
//! - EventBridge invokes Lambda asynchronously: a projection that fails never shows in the
//!   rule's `FailedInvocations`. Its function's `Errors` and the dead-letter queue do.
//!
//! ```
//! use escdk_constructs::sqs::{Queue, QueueProps};
//! use escdk_constructs::{Monitoring, MonitoringProps};
//! use escdk_synth::Stack;
//!
//! let stack = Stack::new("Orders");
//! let root = stack.root();
//! let failures = Queue::new(&root, "Failures", QueueProps::default());
//! let mut monitoring = Monitoring::new(&root, "Monitoring", MonitoringProps::default());
//! monitoring.watch_dead_letter_queue("FailuresWaiting", &failures);
//! assert_eq!(monitoring.alarms.len(), 1);
//! assert!(stack.synth().is_ok());
//! ```

use crate::cloudwatch::{AlarmOptions, Metric};
use crate::cqrs::CqrsLambdas;
use crate::dynamodb::Table;
use crate::event_store::EventStore;
use crate::events::{EventBus, Rule};
use crate::lambda::Function;
use crate::outbox::Outbox;
use crate::sns::{Topic, TopicProps};
use crate::sqs::Queue;
use escdk_synth::cfn::cloudwatch::CfnAlarm;
use escdk_synth::{Duration, Handle, Scope};

/// Thresholds (the recipe's by default) and who is told.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringProps {
    pub emails: Vec<String>,
    pub write_throttle_threshold: f64,
    pub command_error_threshold: f64,
    pub failed_invocation_threshold: f64,
    /// Projection errors per period above which the alarm fires (0: any error).
    pub projection_error_threshold: f64,
    /// How far behind its stream an outbox may fall before the alarm fires (5 minutes).
    pub iterator_age_threshold: Duration,
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
            projection_error_threshold: 0.0,
            iterator_age_threshold: Duration::minutes(5),
            period: Duration::minutes(5),
            evaluation_periods: 2,
        }
    }
}

/// The alarm topic and the alarms added so far.
#[derive(Debug, Clone)]
pub struct Monitoring {
    pub topic: Topic,
    pub alarms: Vec<Handle<CfnAlarm>>,
    scope: Scope,
    props: MonitoringProps,
}

impl Monitoring {
    /// The topic (encrypted, TLS only, e-mail subscriptions from `props.emails`), no alarm yet.
    pub fn new(scope: &Scope, id: &str, props: MonitoringProps) -> Monitoring {
        let scope = scope.child(id);
        let topic = Topic::new(
            &scope,
            "AlarmTopic",
            TopicProps {
                emails: props.emails.clone(),
                ..TopicProps::new("cloudwatch.amazonaws.com")
            },
        );
        Monitoring {
            topic,
            alarms: Vec::new(),
            scope,
            props,
        }
    }

    /// Everything a CQRS service has: event store write throttles, command handler errors,
    /// the projection rule's failed deliveries, projection errors, messages in the
    /// dead-letter queue, and the outbox's delay.
    pub fn for_cqrs(
        scope: &Scope,
        id: &str,
        store: &EventStore,
        cqrs: &CqrsLambdas,
        bus: &EventBus,
        props: MonitoringProps,
    ) -> Monitoring {
        let mut m = Monitoring::new(scope, id, props);
        m.watch_write_throttles("EventStoreWriteThrottles", &store.table);
        let command_threshold = m.props.command_error_threshold;
        m.watch_function_errors(
            "CommandHandlerErrors",
            &cqrs.command,
            command_threshold,
            "Errors in the command handler: commands are failing (see its log group)",
        );
        m.watch_rule("ProjectionRuleFailedInvocations", &cqrs.rule, bus);
        let projection_threshold = m.props.projection_error_threshold;
        m.watch_function_errors(
            "ProjectionErrors",
            &cqrs.projection,
            projection_threshold,
            "Errors in the projection: events are being retried and may be dead-lettered (see its log group)",
        );
        m.watch_dead_letter_queue("DeadLetterQueueMessages", &cqrs.dead_letter_queue);
        m.watch_outbox("OutboxIteratorAge", &cqrs.outbox);
        m
    }

    /// An alarm on any metric, notifying the topic.
    pub fn watch(&mut self, id: &str, metric: Metric, options: AlarmOptions) -> Handle<CfnAlarm> {
        let alarm = metric.alarm(&self.scope, id, options.notify(&[self.topic.arn()]));
        self.alarms.push(alarm.clone());
        alarm
    }

    fn watch_over_periods(
        &mut self,
        id: &str,
        metric: Metric,
        description: &str,
        threshold: f64,
    ) -> Handle<CfnAlarm> {
        let options = AlarmOptions {
            evaluation_periods: self.props.evaluation_periods,
            ..AlarmOptions::new(description, threshold)
        };
        self.watch(id, metric.period(self.props.period), options)
    }

    /// DynamoDB write throttles on `table` (Sum per period).
    pub fn watch_write_throttles(&mut self, id: &str, table: &Table) -> Handle<CfnAlarm> {
        let threshold = self.props.write_throttle_threshold;
        self.watch_over_periods(
            id,
            table.metric_write_throttle_events(),
            "DynamoDB write throttles on the event store: raise its write capacity or switch to on-demand",
            threshold,
        )
    }

    /// `function`'s `Errors` above `threshold` per period.
    pub fn watch_function_errors(
        &mut self,
        id: &str,
        function: &Function,
        threshold: f64,
        description: &str,
    ) -> Handle<CfnAlarm> {
        self.watch_over_periods(id, function.metric_errors(), description, threshold)
    }

    /// Deliveries `rule` failed (`FailedInvocations`, per rule on `bus`).
    pub fn watch_rule(&mut self, id: &str, rule: &Rule, bus: &EventBus) -> Handle<CfnAlarm> {
        let threshold = self.props.failed_invocation_threshold;
        self.watch_over_periods(
            id,
            rule.metric_failed_invocations(bus),
            "Events the projection rule failed to deliver (they go to the dead-letter queue)",
            threshold,
        )
    }

    /// Any message in a dead-letter queue: each one is an event or a batch someone must look
    /// at. Fires on the first message, within a minute.
    pub fn watch_dead_letter_queue(&mut self, id: &str, queue: &Queue) -> Handle<CfnAlarm> {
        self.watch(
            id,
            queue
                .metric_approximate_number_of_messages_visible()
                .period(Duration::minutes(1)),
            AlarmOptions::new(
                "Messages in the dead-letter queue: events that were parked or could not be delivered. Read the reason in each message, fix, then replay",
                0.0,
            ),
        )
    }

    /// The outbox more than `iterator_age_threshold` behind its stream (Maximum): stored
    /// events are reaching the bus late, and records expire from the stream after 24 hours.
    pub fn watch_outbox(&mut self, id: &str, outbox: &Outbox) -> Handle<CfnAlarm> {
        let threshold_ms = self
            .props
            .iterator_age_threshold
            .to_seconds()
            .unwrap_or(300)
            * 1000;
        self.watch(
            id,
            outbox.metric_iterator_age().period(Duration::minutes(1)),
            AlarmOptions::new(
                "The outbox is behind the event store's stream: stored events reach the bus late (see the publisher's log group; records expire after 24 hours)",
                threshold_ms as f64,
            )
            .over(5, 5),
        )
    }
}
