//! A change set: what counts as "no changes", the capabilities a template needs, and a
//! created change set waited for until CloudFormation has computed its changes, or
//! abandoned (with the empty stack a CREATE change set made).

use crate::aws::Aws;
use crate::changes::ResourceChange;
use crate::error::{aws as aws_err, DeployError};
use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType};
use std::time::Duration;

/// Whether CloudFormation's reason says the template and parameters change nothing.
pub(crate) fn no_changes(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

/// The capabilities to acknowledge for a template: IAM resources, named ones, a transform.
pub(crate) fn capabilities(template: &serde_json::Value) -> Vec<Capability> {
    let mut caps = Vec::new();
    let resources = template["Resources"].as_object();
    let iam = resources.is_some_and(|r| {
        r.values().any(|v| {
            v["Type"]
                .as_str()
                .is_some_and(|t| t.starts_with("AWS::IAM::"))
        })
    });
    let named = resources.is_some_and(|r| {
        r.values().any(|v| {
            let p = &v["Properties"];
            ["RoleName", "ManagedPolicyName", "UserName", "GroupName"]
                .iter()
                .any(|k| !p[k].is_null())
                && v["Type"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("AWS::IAM::"))
        })
    });
    if iam {
        caps.push(Capability::CapabilityIam);
    }
    if named {
        caps.push(Capability::CapabilityNamedIam);
    }
    if template.get("Transform").is_some() {
        caps.push(Capability::CapabilityAutoExpand);
    }
    caps
}

/// Deletes a change set that will not be executed (best effort: it expires anyway).
pub(crate) async fn discard(aws: &Aws, change_set_id: &str, stack: &str) {
    aws.call();
    let _ = aws
        .cfn
        .delete_change_set()
        .change_set_name(change_set_id)
        .stack_name(stack)
        .send()
        .await;
}

/// A change set created and not executed yet.
pub(crate) struct PendingChangeSet<'a> {
    pub id: &'a str,
    pub stack: &'a str,
    pub kind: &'a ChangeSetType,
    pub stack_id: &'a str,
}

impl PendingChangeSet<'_> {
    /// Deletes the change set, and the empty stack (REVIEW_IN_PROGRESS) a CREATE change
    /// set made, so the next deploy starts clean.
    pub async fn abandon(&self, aws: &Aws) {
        discard(aws, self.id, self.stack).await;
        if *self.kind == ChangeSetType::Create {
            aws.call();
            let _ = aws
                .cfn
                .delete_stack()
                .stack_name(self.stack_id)
                .send()
                .await;
        }
    }

    /// Waits (at most `timeout`, asking every `poll` and at least every 2 s) until
    /// CloudFormation has computed the change set, and reads its changes: `None` when it
    /// changes nothing (it is then deleted). Past the timeout, or on Ctrl-C, it is
    /// abandoned and nothing runs.
    pub async fn changes(
        &self,
        aws: &Aws,
        timeout: Duration,
        poll: Duration,
    ) -> Result<Option<Vec<ResourceChange>>, DeployError> {
        let mut changes: Vec<ResourceChange> = Vec::new();
        let deadline = std::time::Instant::now() + timeout;
        loop {
            aws.call();
            let d = aws
                .cfn
                .describe_change_set()
                .change_set_name(self.id)
                .stack_name(self.stack)
                .send()
                .await
                .map_err(|e| aws_err("DescribeChangeSet", e))?;
            match d.status() {
                Some(ChangeSetStatus::CreateComplete) => {
                    let mut page = Some(d);
                    while let Some(p) = page.take() {
                        for c in p.changes() {
                            if let Some(r) = c.resource_change() {
                                changes.push(ResourceChange {
                                    action: r
                                        .action()
                                        .map(|a| a.as_str().to_string())
                                        .unwrap_or_default(),
                                    logical_id: r
                                        .logical_resource_id()
                                        .unwrap_or_default()
                                        .to_string(),
                                    resource_type: r
                                        .resource_type()
                                        .unwrap_or_default()
                                        .to_string(),
                                    replacement: r.replacement().map(|x| x.as_str().to_string()),
                                });
                            }
                        }
                        if let Some(token) = p.next_token() {
                            aws.call();
                            page = Some(
                                aws.cfn
                                    .describe_change_set()
                                    .change_set_name(self.id)
                                    .stack_name(self.stack)
                                    .next_token(token)
                                    .send()
                                    .await
                                    .map_err(|e| aws_err("DescribeChangeSet", e))?,
                            );
                        }
                    }
                    return Ok(Some(changes));
                }
                Some(ChangeSetStatus::Failed) => {
                    let reason = d.status_reason().unwrap_or("no reason given").to_string();
                    discard(aws, self.id, self.stack).await;
                    if no_changes(&reason) {
                        return Ok(None);
                    }
                    return Err(DeployError::Failed {
                        stack: self.stack.to_string(),
                        status: "change set FAILED".into(),
                        reason,
                    });
                }
                _ if std::time::Instant::now() >= deadline => {
                    self.abandon(aws).await;
                    return Err(DeployError::Failed {
                        stack: self.stack.to_string(),
                        status: "change set not ready".into(),
                        reason: format!(
                            "CloudFormation did not finish the change set within {} s; it was deleted, nothing was executed. Deploy again, with a longer --change-set-timeout if the stack is large (many resources, nested stacks or a transform take longer)",
                            timeout.as_secs()
                        ),
                    });
                }
                _ => {
                    tokio::select! {
                        _ = tokio::time::sleep(poll.min(Duration::from_secs(2))) => {}
                        _ = crate::interrupt::interrupted() => {
                            // Nothing runs yet: the change set is removed, the stack untouched.
                            self.abandon(aws).await;
                            return Err(DeployError::NotApproved(format!(
                                "interrupted before anything ran: the change set of {} was deleted",
                                self.stack
                            )));
                        }
                    }
                }
            }
        }
    }
}
