//! SQS: an encrypted [`Queue`] (SSE-SQS) whose policy refuses anything but TLS, and grants.

use crate::cloudwatch::{Metric, Statistic};
use crate::iam::resource_policy::deny_insecure_transport;
use crate::iam::{Grant, Grantee, PolicyDocument, PolicyStatement, Principal};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::sqs::{CfnQueue, CfnQueuePolicy};
use escdk_synth::{Duration, Expr, Handle, Scope, Stack};
use std::cell::RefCell;
use std::rc::Rc;

/// Properties of a [`Queue`].
#[derive(Debug, Clone, PartialEq)]
pub struct QueueProps {
    pub queue_name: Option<String>,
    /// 14 days by default (the maximum), for dead-letter queues.
    pub retention_period: Duration,
    /// 0 seconds to 12 hours.
    pub visibility_timeout: Duration,
    /// Kept on stack deletion by default: a dead-letter queue may hold the only trace of
    /// events that failed.
    pub removal_policy: RemovalPolicy,
}

impl Default for QueueProps {
    fn default() -> Self {
        QueueProps {
            queue_name: None,
            retention_period: Duration::days(14),
            visibility_timeout: Duration::minutes(5),
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
        }
    }
}

/// An SQS queue, encrypted at rest, reachable over TLS only.
#[derive(Debug, Clone)]
pub struct Queue {
    pub handle: Handle<CfnQueue>,
    pub policy: Handle<CfnQueuePolicy>,
    stack: Stack,
    /// The queue policy's statements, shared by the clones of this handle.
    document: Rc<RefCell<PolicyDocument>>,
}

impl Queue {
    pub fn new(scope: &Scope, id: &str, props: QueueProps) -> Queue {
        let scope = scope.child(id);
        let handle = scope.add(
            "Resource",
            CfnQueue {
                queue_name: props.queue_name.map(Into::into),
                message_retention_period: Some(
                    props
                        .retention_period
                        .seconds_in(&scope, "MessageRetentionPeriod", 60..=1_209_600)
                        .into(),
                ),
                visibility_timeout: Some(
                    props
                        .visibility_timeout
                        .seconds_in(&scope, "VisibilityTimeout", 0..=43_200)
                        .into(),
                ),
                sqs_managed_sse_enabled: Some(true.into()),
                ..Default::default()
            },
        );
        props.removal_policy.apply(scope.stack(), &handle);
        let document = PolicyDocument::new([deny_insecure_transport("sqs:*", [handle.attr_arn()])]);
        let policy = scope.add(
            "Policy",
            CfnQueuePolicy::new(document.to_json(), vec![handle.reference()]),
        );
        Queue {
            handle,
            policy,
            stack: scope.stack().clone(),
            document: Rc::new(RefCell::new(document)),
        }
    }

    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    pub fn url(&self) -> Expr {
        self.handle.reference()
    }

    /// The queue's name.
    pub fn name(&self) -> Expr {
        self.handle.attr_queue_name()
    }

    /// `ApproximateNumberOfMessagesVisible` (Maximum): messages waiting to be read.
    pub fn metric_approximate_number_of_messages_visible(&self) -> Metric {
        Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
            .dimension("QueueName", self.name())
            .statistic(Statistic::Maximum)
    }

    /// `sqs:SendMessage` on this queue.
    pub fn grant_send_messages(&self, grantee: &impl Grantee) -> Grant {
        Grant::add(
            grantee,
            vec![PolicyStatement::allow(["sqs:SendMessage"], [self.arn()])],
        )
    }

    /// Lets an AWS service send to this queue on behalf of one source ARN only (a rule's
    /// dead-letter queue, for instance).
    pub fn allow_service_send(&self, service: &str, source_arn: Expr) {
        let statement = PolicyStatement::allow(["sqs:SendMessage"], [self.arn()])
            .principal(Principal::service(service))
            .condition("ArnEquals", "aws:SourceArn", source_arn);
        let document = {
            let mut doc = self.document.borrow_mut();
            doc.push(statement);
            doc.to_json()
        };
        self.stack
            .update(&self.policy, |p| p.policy_document = document);
    }
}
