//! `destroy`: deletes stacks after confirmation, waits, and lists what was kept
//! (resources whose DeletionPolicy retains them: the event store, by design).

use crate::assembly::StackArtifact;
use crate::aws::Aws;
use crate::deploy::{deployed_template, existing_event_ids, follow, stack_status};
use crate::error::{aws as aws_err, DeployError};
use crate::progress::Progress;
use crate::term;
use std::time::Duration;

/// Retained resources of a deployed template: (logical id, type, policy).
pub fn retained(template: &serde_json::Value) -> Vec<(String, String, String)> {
    template["Resources"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(lid, r)| {
                    let p = r["DeletionPolicy"].as_str()?;
                    matches!(p, "Retain" | "RetainExceptOnCreate" | "Snapshot").then(|| {
                        (
                            lid.clone(),
                            r["Type"].as_str().unwrap_or("").to_string(),
                            p.to_string(),
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Deletes one stack. `force` skips the question.
pub async fn destroy_stack(
    aws: &Aws,
    artifact: &StackArtifact,
    force: bool,
    poll: Duration,
) -> Result<(), DeployError> {
    let name = &artifact.name;
    let Some((status, id)) = stack_status(aws, name).await? else {
        println!("{name}: not deployed, nothing to destroy");
        return Ok(());
    };
    if !force {
        match term::confirm(&format!("Delete stack {name} ({status})?")) {
            Some(true) => {}
            Some(false) => return Err(DeployError::NotApproved(format!("{name} was not deleted"))),
            None => {
                return Err(DeployError::NotApproved(
                    "destroy needs confirmation and there is no terminal to ask on: pass --force"
                        .into(),
                ))
            }
        }
    }
    let deployed = match deployed_template(aws, &id).await {
        serde_json::Value::Null => artifact.template.clone(),
        t => t,
    };
    let mut physical = std::collections::HashMap::new();
    aws.call();
    if let Ok(out) = aws
        .cfn
        .describe_stack_resources()
        .stack_name(&id)
        .send()
        .await
    {
        for r in out.stack_resources() {
            if let (Some(l), Some(p)) = (r.logical_resource_id(), r.physical_resource_id()) {
                physical.insert(l.to_string(), p.to_string());
            }
        }
    }
    let seen = existing_event_ids(aws, &id).await;
    aws.call();
    aws.cfn
        .delete_stack()
        .stack_name(&id)
        .send()
        .await
        .map_err(|e| aws_err("DeleteStack", e))?;
    let mut progress = Progress::new(name, artifact.resource_count(), seen);
    let end = follow(aws, artifact, &id, &mut progress, poll).await?;
    if end != "DELETE_COMPLETE" {
        let path_of = |lid: &str| artifact.path_of(lid);
        return Err(DeployError::Failed {
            stack: name.clone(),
            status: end,
            reason: progress
                .failure_summary(&path_of)
                .unwrap_or_else(|| "see the stack's events".into()),
        });
    }
    println!("{name}: deleted");
    let kept = retained(&deployed);
    if !kept.is_empty() {
        println!("retained (DeletionPolicy), still in your account:");
        for (lid, ty, policy) in kept {
            let phys = physical.get(&lid).map(String::as_str).unwrap_or("?");
            println!("  {ty:<28} {phys}  ({}, {policy})", artifact.path_of(&lid));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retained_resources_are_listed() {
        let t = serde_json::json!({"Resources": {
            "Store": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain"},
            "Fn": {"Type": "AWS::Lambda::Function"},
            "Db": {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot"}
        }});
        let kept = super::retained(&t);
        // In template order, which synth sorts by logical ID.
        assert_eq!(
            kept,
            [
                (
                    "Store".to_string(),
                    "AWS::DynamoDB::Table".to_string(),
                    "Retain".to_string()
                ),
                (
                    "Db".to_string(),
                    "AWS::RDS::DBCluster".to_string(),
                    "Snapshot".to_string()
                )
            ]
        );
    }
}
