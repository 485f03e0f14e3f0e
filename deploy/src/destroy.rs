//! `destroy`: deletes stacks after confirmation, waits, and lists what was kept
//! (resources whose DeletionPolicy retains them: the event store, by design).

use crate::assembly::StackArtifact;
use crate::aws::Aws;
use crate::error::{aws as aws_err, DeployError};
use crate::progress::Progress;
use crate::term;
use crate::watch::{existing_event_ids, follow, stack_status};
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
        match term::ask(&format!("Delete stack {name} ({status})?")).await {
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
    let deployed = match aws.deployed_template(&id).await {
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
    let (snapshotted, kept): (Vec<_>, Vec<_>) = retained(&deployed)
        .into_iter()
        .partition(|(_, _, policy)| policy == "Snapshot");
    if !kept.is_empty() {
        println!("kept (DeletionPolicy), still in your account and still billed:");
        for (lid, ty, policy) in kept {
            match physical.get(&lid) {
                Some(phys) => {
                    println!("  {ty:<28} {phys}  ({}, {policy})", artifact.path_of(&lid));
                    println!("      to remove it: {}", how_to_remove(&ty, phys));
                }
                None => println!(
                    "  {ty:<28} ({}, {policy}): CloudFormation did not report its name; find it in the console",
                    artifact.path_of(&lid)
                ),
            }
        }
    }
    if !snapshotted.is_empty() {
        println!("deleted after a final snapshot, which is kept:");
        for (lid, ty, _) in snapshotted {
            let phys = physical.get(&lid).map(String::as_str).unwrap_or("?");
            println!("  {ty:<28} {phys}  ({})", artifact.path_of(&lid));
            println!("      the snapshot: {}", snapshot_of(&ty, phys));
        }
    }
    Ok(())
}

/// What a user runs to remove a resource `destroy` kept (its physical id `id`).
pub fn how_to_remove(resource_type: &str, id: &str) -> String {
    match resource_type {
        "AWS::DynamoDB::Table" => format!(
            "aws dynamodb update-table --table-name {id} --no-deletion-protection-enabled, then aws dynamodb delete-table --table-name {id}"
        ),
        "AWS::KMS::Key" => format!(
            "aws kms schedule-key-deletion --key-id {id} --pending-window-in-days 30 (data it encrypted becomes unreadable)"
        ),
        "AWS::Logs::LogGroup" => format!("aws logs delete-log-group --log-group-name {id}"),
        "AWS::SQS::Queue" => format!("aws sqs delete-queue --queue-url {id}"),
        "AWS::SecretsManager::Secret" => format!("aws secretsmanager delete-secret --secret-id {id}"),
        "AWS::S3::Bucket" => format!(
            "empty it (every version), then aws s3api delete-bucket --bucket {id}"
        ),
        "AWS::Events::Archive" => format!("aws events delete-archive --archive-name {id}"),
        "AWS::ECR::Repository" => format!("aws ecr delete-repository --repository-name {id} --force"),
        "AWS::RDS::DBCluster" => format!(
            "aws rds modify-db-cluster --db-cluster-identifier {id} --no-deletion-protection --apply-immediately, then aws rds delete-db-cluster --db-cluster-identifier {id} --final-db-snapshot-identifier {id}-final"
        ),
        _ => "delete it with its service's console or CLI".to_string(),
    }
}

fn snapshot_of(resource_type: &str, id: &str) -> String {
    match resource_type {
        "AWS::RDS::DBCluster" => format!(
            "aws rds describe-db-cluster-snapshots --db-cluster-identifier {id} --snapshot-type manual"
        ),
        "AWS::RDS::DBInstance" => format!(
            "aws rds describe-db-snapshots --db-instance-identifier {id} --snapshot-type manual"
        ),
        _ => "see the service's snapshots".to_string(),
    }
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

    #[test]
    fn what_was_kept_comes_with_how_to_remove_it() {
        let table = super::how_to_remove("AWS::DynamoDB::Table", "Store-1");
        assert!(
            table.contains("--no-deletion-protection-enabled")
                && table.ends_with("aws dynamodb delete-table --table-name Store-1"),
            "{table}"
        );
        let cluster = super::how_to_remove("AWS::RDS::DBCluster", "db-1");
        assert!(cluster.contains("--no-deletion-protection"), "{cluster}");
        assert!(super::how_to_remove("AWS::Events::Archive", "a-1").contains("delete-archive"));
        assert!(super::snapshot_of("AWS::RDS::DBCluster", "db-1")
            .contains("describe-db-cluster-snapshots"));
    }
}
