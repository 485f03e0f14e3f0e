//! Watching a stack: its status, and its events as an operation runs, printed as they
//! arrive until the operation ends.

use crate::assembly::StackArtifact;
use crate::aws::Aws;
use crate::error::{aws as aws_err, does_not_exist, DeployError};
use crate::progress::{Event, Progress};
use crate::status;
use std::time::Duration;

/// The stack's description, or None when it does not exist.
pub(crate) async fn stack_description(
    aws: &Aws,
    name: &str,
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, DeployError> {
    aws.call();
    match aws.cfn.describe_stacks().stack_name(name).send().await {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e) => {
            let err = aws_err("DescribeStacks", e);
            match &err {
                DeployError::Aws { message, .. } if does_not_exist(message) => Ok(None),
                _ => Err(err),
            }
        }
    }
}

pub(crate) fn status_and_id(
    s: &aws_sdk_cloudformation::types::Stack,
    name: &str,
) -> (String, String) {
    (
        s.stack_status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        s.stack_id().unwrap_or(name).to_string(),
    )
}

/// The stack's status and id, or None when it does not exist.
pub async fn stack_status(aws: &Aws, name: &str) -> Result<Option<(String, String)>, DeployError> {
    Ok(stack_description(aws, name)
        .await?
        .map(|s| status_and_id(&s, name)))
}

fn events_of(
    out: &aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput,
) -> Vec<Event> {
    out.stack_events()
        .iter()
        .map(|e| Event {
            id: e.event_id().unwrap_or_default().to_string(),
            timestamp: e
                .timestamp()
                .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
                .map(|s| s.get(11..19).unwrap_or(&s).to_string())
                .unwrap_or_default(),
            logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
            resource_type: e.resource_type().unwrap_or_default().to_string(),
            status: e
                .resource_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            reason: e.resource_status_reason().map(str::to_string),
        })
        .collect()
}

/// The ids of the events the stack already has (so progress shows only new ones).
pub async fn existing_event_ids(aws: &Aws, stack: &str) -> Vec<String> {
    aws.call();
    match aws
        .cfn
        .describe_stack_events()
        .stack_name(stack)
        .send()
        .await
    {
        Ok(out) => events_of(&out).into_iter().map(|e| e.id).collect(),
        Err(_) => Vec::new(),
    }
}

/// The stack's events since the last one `progress` has seen, newest first: every page of
/// DescribeStackEvents (100 events each) down to a seen one, so a large stack's burst of
/// events between two polls is shown whole. A failed call shows nothing this time.
async fn new_events(aws: &Aws, stack_id: &str, progress: &Progress) -> Vec<Event> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        aws.call();
        let Ok(out) = aws
            .cfn
            .describe_stack_events()
            .stack_name(stack_id)
            .set_next_token(token.take())
            .send()
            .await
        else {
            return events;
        };
        let page = events_of(&out);
        let reached_seen = page.iter().any(|e| progress.has_seen(&e.id));
        events.extend(page.into_iter().take_while(|e| !progress.has_seen(&e.id)));
        match out.next_token() {
            Some(next) if !reached_seen => token = Some(next.to_string()),
            _ => return events,
        }
    }
}

/// Follows a stack operation to its end, printing events as they arrive. Ctrl-C stops the
/// waiting, not the operation.
pub async fn follow(
    aws: &Aws,
    artifact: &StackArtifact,
    stack_id: &str,
    progress: &mut Progress,
    poll: Duration,
) -> Result<String, DeployError> {
    let path_of = |lid: &str| artifact.path_of(lid);
    loop {
        let events = new_events(aws, stack_id, progress).await;
        for line in progress.feed(&events, &path_of) {
            println!("{line}");
        }
        aws.call();
        let status = match aws.cfn.describe_stacks().stack_name(stack_id).send().await {
            Ok(out) => out
                .stacks()
                .first()
                .and_then(|s| s.stack_status())
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "DELETE_COMPLETE".into()),
            Err(e) => {
                let err = aws_err("DescribeStacks", e);
                match &err {
                    DeployError::Aws { message, .. } if does_not_exist(message) => {
                        "DELETE_COMPLETE".into()
                    }
                    _ => return Err(err),
                }
            }
        };
        if status::is_terminal(&status) {
            return Ok(status);
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = crate::interrupt::interrupted() => return Err(DeployError::Interrupted { stack: artifact.name.clone() }),
        }
    }
}
