//! Rules on a bus, with Lambda targets that have a dead-letter queue and an invoke
//! permission scoped to the rule.

use super::bus::EventBus;
use super::pattern::EventPattern;
use crate::cloudwatch::Metric;
use crate::lambda::Function;
use crate::sqs::Queue;
use escdk_synth::cfn::events::{rule, CfnRule};
use escdk_synth::cfn::lambda::CfnPermission;
use escdk_synth::{Duration, Expr, Handle, Scope};

/// How EventBridge retries a target before sending the event to the dead-letter queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// 0 to 185 (185 by default).
    pub maximum_retry_attempts: u32,
    /// 60 to 86400 seconds (one day by default).
    /// 1 minute to 24 hours.
    pub maximum_event_age: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            maximum_retry_attempts: 185,
            maximum_event_age: Duration::hours(24),
        }
    }
}

/// Properties of a [`Rule`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleProps {
    /// The rule name (unique on its bus); derived from the construct path by default
    /// (alarms on the rule's metrics need a known name).
    pub name: Option<String>,
    pub description: Option<String>,
    pub pattern: EventPattern,
}

/// A rule on a custom bus.
#[derive(Debug, Clone)]
pub struct Rule {
    pub handle: Handle<CfnRule>,
    name: String,
    scope: Scope,
}

impl Rule {
    pub fn new(scope: &Scope, id: &str, bus: &EventBus, props: RuleProps) -> Rule {
        let scope = scope.child(id);
        props.pattern.check(&scope, "EventPattern");
        let name = props.name.unwrap_or_else(|| scope.physical_name(64));
        let handle = scope.add(
            "Resource",
            CfnRule {
                name: Some(name.as_str().into()),
                description: props.description.map(Into::into),
                // GetAtt Name rather than Ref: the same bus name on AWS, and unambiguous.
                event_bus_name: Some(bus.name().into()),
                event_pattern: Some(props.pattern.to_value().into()),
                state: Some("ENABLED".into()),
                ..Default::default()
            },
        );
        Rule {
            handle,
            name,
            scope,
        }
    }

    /// The rule's name (a literal: alarms use it as a metric dimension).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `FailedInvocations` of this rule on `bus` (Sum). EventBridge publishes it per rule
    /// (`EventBusName` + `RuleName` on a custom bus), so an alarm on the bus alone never fires.
    pub fn metric_failed_invocations(&self, bus: &EventBus) -> Metric {
        Metric::new("AWS/Events", "FailedInvocations")
            .dimension("EventBusName", bus.name())
            .dimension("RuleName", self.name())
    }

    /// The rule's ARN.
    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// Sends matching events to `function`. Deliveries that still fail after the retry
    /// policy go to `dead_letter_queue`, which is allowed to receive from this rule only.
    /// The function may be invoked by this rule only.
    /// Sends matching events to `function`, retrying per `retry`, then to
    /// `dead_letter_queue` when given. The invoke permission is added under the rule
    /// (`<rule>/Target<N>Permission`), so its logical ID does not depend on the caller.
    pub fn add_lambda_target(
        &self,
        function: &Function,
        dead_letter_queue: Option<&Queue>,
        retry: RetryPolicy,
    ) {
        let existing = self
            .scope
            .stack()
            .get(&self.handle)
            .and_then(|r| r.targets)
            .and_then(|t| t.literal().map(Vec::len))
            .unwrap_or(0);
        if existing >= 5 {
            self.scope.error(
                format!("rule already has {existing} targets; EventBridge allows 5"),
                "add another rule with the same pattern",
            );
            return;
        }
        let target_id = format!("Target{existing}");
        let mut target = rule::Target {
            retry_policy: Some(rule::RetryPolicy {
                maximum_retry_attempts: Some(retry.maximum_retry_attempts.into()),
                maximum_event_age_in_seconds: Some(
                    retry
                        .maximum_event_age
                        .seconds_in(
                            &self.scope,
                            "Targets.RetryPolicy.MaximumEventAgeInSeconds",
                            60..=86_400,
                        )
                        .into(),
                ),
            }),
            ..rule::Target::new(function.arn(), target_id.as_str())
        };
        if let Some(q) = dead_letter_queue {
            target.dead_letter_config = Some(rule::DeadLetterConfig {
                arn: Some(q.arn().into()),
            });
            q.allow_service_send("events.amazonaws.com", self.arn());
        }
        self.scope.add(
            &format!("{target_id}Permission"),
            CfnPermission {
                source_arn: Some(self.arn().into()),
                ..CfnPermission::new(
                    "lambda:InvokeFunction",
                    function.arn(),
                    "events.amazonaws.com",
                )
            },
        );
        self.scope.stack().update(&self.handle, |r| {
            let mut targets = r
                .targets
                .take()
                .and_then(|t| t.literal().cloned())
                .unwrap_or_default();
            targets.push(target);
            r.targets = Some(targets.into());
        });
    }
}
