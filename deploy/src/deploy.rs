//! `deploy`: template, change set, approval, execution with live progress, stack by stack
//! or several at once; the uploads are [`crate::staging`], the watching [`crate::watch`].

use crate::assembly::StackArtifact;
use crate::aws::Aws;
use crate::change_set::{capabilities, no_changes, PendingChangeSet};
use crate::changes::{approval_reasons, Approval};
use crate::error::{aws as aws_err, DeployError};
use crate::exports;
use crate::noop;
use crate::progress::Progress;
use crate::staging::{object_exists, put_object, still_as_synthesized, upload_assets, Staging};
use crate::status::{self, Next};
use crate::term;
use crate::watch::{existing_event_ids, follow, stack_description, status_and_id};
use aws_sdk_cloudformation::types::{ChangeSetType, Parameter, Tag};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// CloudFormation's limit on an inline template body.
pub const MAX_INLINE_BYTES: usize = 51_200;

/// Options of `deploy`.
#[derive(Debug, Clone)]
pub struct Options {
    pub approval: Approval,
    /// `(stack or None for all, key, value)`.
    pub parameters: Vec<(Option<String>, String, String)>,
    pub tags: Vec<(String, String)>,
    /// Delete a stack left in ROLLBACK_COMPLETE by a failed first create, then create it.
    pub replace_failed: bool,
    /// Continue an update rollback that failed (UPDATE_ROLLBACK_FAILED), then deploy.
    pub continue_rollback: bool,
    pub toolkit_stack: String,
    /// Seconds between polls while waiting.
    pub poll: Duration,
    /// How long to wait for CloudFormation to compute a change set.
    pub change_set_timeout: Duration,
    /// Create a change set even when the stack already holds this template, parameters and
    /// tags (see [`crate::noop`]).
    pub force: bool,
    /// How many stacks are deployed at once, each after the stacks it depends on (1: one
    /// after the other, in order).
    pub concurrency: usize,
}

/// What happened to one stack.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing executed; the stack's outputs as they are.
    NoChanges { outputs: Vec<(String, String)> },
    Deployed {
        status: String,
        outputs: Vec<(String, String)>,
    },
}

impl Outcome {
    /// The stack's outputs after the deploy, `(key, value)`.
    pub fn outputs(&self) -> &[(String, String)] {
        match self {
            Outcome::NoChanges { outputs } | Outcome::Deployed { outputs, .. } => outputs,
        }
    }
}

/// The outputs of each stack a deploy left in place, deployed or unchanged, by stack name:
/// what `deploy --outputs-file` writes.
pub type StackOutputs = std::collections::BTreeMap<String, Vec<(String, String)>>;

/// How long `deploy` waits by default for CloudFormation to compute a change set (seconds,
/// usually).
pub const CHANGE_SET_TIMEOUT: Duration = Duration::from_secs(15 * 60);

async fn delete_and_wait(
    aws: &Aws,
    artifact: &StackArtifact,
    stack_id: &str,
    poll: Duration,
) -> Result<(), DeployError> {
    let seen = existing_event_ids(aws, stack_id).await;
    aws.call();
    aws.cfn
        .delete_stack()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| aws_err("DeleteStack", e))?;
    let mut progress = Progress::new(&artifact.name, artifact.resource_count(), seen);
    let end = follow(aws, artifact, stack_id, &mut progress, poll).await?;
    if end != "DELETE_COMPLETE" {
        return Err(DeployError::Failed {
            stack: artifact.name.clone(),
            status: end,
            reason: "the failed stack could not be deleted".into(),
        });
    }
    Ok(())
}

/// The stack's description, when it exists and the call succeeds.
async fn describe(aws: &Aws, stack: &str) -> Option<aws_sdk_cloudformation::types::Stack> {
    stack_description(aws, stack).await.ok().flatten()
}

async fn outputs(aws: &Aws, stack: &str) -> Vec<(String, String)> {
    describe(aws, stack)
        .await
        .map(|s| outputs_of(&s))
        .unwrap_or_default()
}

/// A described stack's outputs, `(key, value)`.
fn outputs_of(stack: &aws_sdk_cloudformation::types::Stack) -> Vec<(String, String)> {
    stack
        .outputs()
        .iter()
        .map(|o| {
            (
                o.output_key().unwrap_or_default().to_string(),
                o.output_value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Turns termination protection on or off as the app says, when it differs.
async fn set_termination_protection(
    aws: &Aws,
    artifact: &StackArtifact,
    stack_id: &str,
) -> Result<(), DeployError> {
    let current = describe(aws, stack_id)
        .await
        .and_then(|s| s.enable_termination_protection())
        .unwrap_or(false);
    if current == artifact.termination_protection {
        return Ok(());
    }
    aws.call();
    aws.cfn
        .update_termination_protection()
        .stack_name(stack_id)
        .enable_termination_protection(artifact.termination_protection)
        .send()
        .await
        .map_err(|e| aws_err("UpdateTerminationProtection", e))?;
    println!(
        "{}: termination protection {}",
        artifact.name,
        if artifact.termination_protection {
            "on"
        } else {
            "off"
        }
    );
    Ok(())
}

/// The stack tags to send: the app's (from the manifest), then `--tags` over them. `None`
/// when there are none, so an update keeps the tags the stack has (an empty list would
/// remove them, and the tags CloudFormation propagated to the resources).
fn stack_tags(artifact: &StackArtifact, opts: &Options) -> Option<Vec<Tag>> {
    let mut tags: std::collections::BTreeMap<&str, &str> = artifact
        .tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (k, v) in &opts.tags {
        tags.insert(k, v);
    }
    (!tags.is_empty()).then(|| {
        tags.into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

/// Deploys one stack of [`deploy_all`], with `true` when it keeps exports a deployed stack
/// still imports, and must be deployed again once they are no longer imported.
async fn deploy_one(
    aws: &Aws,
    staging: &Staging,
    artifact: &StackArtifact,
    deployed: serde_json::Value,
    app_stacks: &[String],
    opts: &Options,
) -> Result<(bool, Outcome), DeployError> {
    println!(
        "deploying {} ({} resources) to {}",
        artifact.name,
        artifact.resource_count(),
        aws.region
    );
    let kept = still_imported(aws, artifact, &deployed, app_stacks).await;
    if kept.is_empty() {
        let outcome = deploy_stack(aws, staging, artifact, Some(deployed), opts).await?;
        return Ok((false, outcome));
    }
    for (name, _, _, by) in &kept {
        println!(
            "{}: keeping export {name} for now: {} still imports it (removed once no stack does)",
            artifact.name,
            by.join(", ")
        );
    }
    let keep: Vec<(String, String, serde_json::Value)> =
        kept.into_iter().map(|(n, id, o, _)| (n, id, o)).collect();
    let (template, body) = exports::with_outputs(&artifact.template, &keep);
    let interim = StackArtifact {
        template,
        body,
        ..artifact.clone()
    };
    let outcome = deploy_stack(aws, staging, &interim, Some(deployed), opts).await?;
    Ok((true, outcome))
}

/// Up to `opts.concurrency` stacks at a time, each once the stacks it depends on (among
/// those deployed) are done. A failure starts nothing more; the stacks under way are
/// followed to their end, then the first error is returned.
async fn deploy_concurrently<'a>(
    aws: &Aws,
    staging: &Staging,
    artifacts: &'a [StackArtifact],
    deployed_templates: Vec<serde_json::Value>,
    app_stacks: &[String],
    opts: &Options,
    outputs: &mut StackOutputs,
) -> Result<Vec<&'a StackArtifact>, DeployError> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let names: Vec<&str> = artifacts.iter().map(|a| a.name.as_str()).collect();
    let mut waiting: Vec<(usize, serde_json::Value)> =
        deployed_templates.into_iter().enumerate().collect();
    let mut done: Vec<&str> = Vec::new();
    let mut revisit = Vec::new();
    let mut first_error = None;
    let mut running = FuturesUnordered::new();
    loop {
        while first_error.is_none() && running.len() < opts.concurrency {
            let ready = waiting.iter().position(|(i, _)| {
                artifacts[*i]
                    .dependencies
                    .iter()
                    .all(|d| !names.contains(&d.as_str()) || done.contains(&d.as_str()))
            });
            let Some(at) = ready else { break };
            let (i, deployed) = waiting.remove(at);
            let artifact = &artifacts[i];
            running.push(async move {
                (
                    artifact,
                    deploy_one(aws, staging, artifact, deployed, app_stacks, opts).await,
                )
            });
        }
        let Some((artifact, outcome)) = running.next().await else {
            break;
        };
        match outcome {
            Ok((again, outcome)) => {
                outputs.insert(artifact.name.clone(), outcome.outputs().to_vec());
                done.push(artifact.name.as_str());
                if again {
                    revisit.push(artifact);
                }
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(revisit),
    }
}

/// Deploys the app's stacks in order (each after the stacks it imports from), keeping
/// exports that deployed consumers still import until they no longer do (see
/// [`crate::exports`]).
pub async fn deploy_all(
    aws: &Aws,
    staging: &Staging,
    artifacts: &[StackArtifact],
    app_stacks: &[String],
    opts: &Options,
    outputs: &mut StackOutputs,
) -> Result<(), DeployError> {
    let mut deployed_templates = Vec::new();
    for artifact in artifacts {
        deployed_templates.push(aws.deployed_template(&artifact.name).await);
    }
    // A stack that will change and needs the staging bucket: find it (or find the account
    // not bootstrapped) before any stack is touched.
    if artifacts
        .iter()
        .zip(&deployed_templates)
        .any(|(a, d)| needs_bucket(a) && d != &a.template)
    {
        staging.bucket(aws).await?;
    }
    let revisit = if opts.concurrency <= 1 {
        let mut revisit = Vec::new();
        for (artifact, deployed) in artifacts.iter().zip(deployed_templates) {
            let (again, outcome) =
                deploy_one(aws, staging, artifact, deployed, app_stacks, opts).await?;
            outputs.insert(artifact.name.clone(), outcome.outputs().to_vec());
            if again {
                revisit.push(artifact);
            }
        }
        revisit
    } else {
        deploy_concurrently(
            aws,
            staging,
            artifacts,
            deployed_templates,
            app_stacks,
            opts,
            outputs,
        )
        .await?
    };
    for artifact in revisit {
        let deployed = aws.deployed_template(&artifact.name).await;
        let kept = still_imported(aws, artifact, &deployed, app_stacks).await;
        if kept.is_empty() {
            println!(
                "{}: no stack imports the kept exports any more: removing them",
                artifact.name
            );
            let outcome = deploy_stack(aws, staging, artifact, Some(deployed), opts).await?;
            outputs.insert(artifact.name.clone(), outcome.outputs().to_vec());
        } else {
            for (name, _, _, by) in &kept {
                println!(
                    "{}: export {name} is still imported by {}: kept; deploy {} again once they stop importing it",
                    artifact.name,
                    by.join(", "),
                    artifact.name
                );
            }
        }
    }
    Ok(())
}

/// Exports of the deployed stack that the new template drops and some stack still imports:
/// `(export, output id, output, importers)`.
pub async fn still_imported(
    aws: &Aws,
    artifact: &StackArtifact,
    deployed: &serde_json::Value,
    app_stacks: &[String],
) -> Vec<(String, String, serde_json::Value, Vec<String>)> {
    if deployed.is_null() {
        return Vec::new();
    }
    let others: Vec<String> = app_stacks
        .iter()
        .filter(|s| **s != artifact.name)
        .cloned()
        .collect();
    let mut out = Vec::new();
    for (name, id, output) in exports::removed(deployed, &artifact.template) {
        let by: Vec<String> = exports::importers(aws, &name, &others)
            .await
            .into_iter()
            .filter(|s| *s != artifact.name)
            .collect();
        if !by.is_empty() {
            out.push((name, id, output, by));
        }
    }
    out
}

/// Whether deploying the stack takes the staging bucket: assets to upload, or a template
/// too large to pass inline.
fn needs_bucket(artifact: &StackArtifact) -> bool {
    !artifact.assets.is_empty() || artifact.body.len() > MAX_INLINE_BYTES
}

/// The stack as it stands, once nothing runs on it: `None` when there is none to update.
/// An operation already running is followed to its end first; a stack whose first create
/// failed is deleted (with `--replace-failed`), an update rollback that failed is continued
/// (with `--continue-rollback`); any other state that blocks a deploy is an error saying
/// the way forward. `deployed` (the template the caller read) is dropped when the stack
/// changed meanwhile.
async fn settle(
    aws: &Aws,
    artifact: &StackArtifact,
    opts: &Options,
    deployed: &mut Option<serde_json::Value>,
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, DeployError> {
    let name = &artifact.name;
    loop {
        let description = stack_description(aws, name).await?;
        let current = description.as_ref().map(|s| status_and_id(s, name));
        match status::next(current.as_ref().map(|(s, _)| s.as_str())) {
            Next::Create => return Ok(None),
            Next::Update => return Ok(description),
            Next::Wait => {
                let (s, id) = current.expect("a waiting stack exists");
                println!("{name} is {s} (an earlier deploy, or another one): following it to the end first");
                *deployed = None;
                let mut progress = Progress::new(
                    name,
                    artifact.resource_count(),
                    existing_event_ids(aws, &id).await,
                );
                follow(aws, artifact, &id, &mut progress, opts.poll).await?;
            }
            Next::DeleteFirst => {
                let (s, id) = current.expect("a failed stack exists");
                if !opts.replace_failed {
                    return Err(DeployError::StackState {
                        stack: name.clone(),
                        status: s,
                        way_forward: format!(
                            "its first create failed and left nothing usable: deploy again with --replace-failed (deletes it, then creates it), or `destroy {name}` first"
                        ),
                    });
                }
                println!("{name} is {s}: deleting it before creating it again (--replace-failed)");
                delete_and_wait(aws, artifact, &id, opts.poll).await?;
            }
            Next::Stuck(way_forward) => {
                let (s, id) = current.expect("a stuck stack exists");
                if s == "UPDATE_ROLLBACK_FAILED" && opts.continue_rollback {
                    println!("{name} is {s}: continuing the rollback (--continue-rollback)");
                    let seen = existing_event_ids(aws, &id).await;
                    aws.call();
                    aws.cfn
                        .continue_update_rollback()
                        .stack_name(&id)
                        .send()
                        .await
                        .map_err(|e| aws_err("ContinueUpdateRollback", e))?;
                    let mut progress = Progress::new(name, artifact.resource_count(), seen);
                    follow(aws, artifact, &id, &mut progress, opts.poll).await?;
                    *deployed = None;
                    continue;
                }
                return Err(DeployError::StackState {
                    stack: name.clone(),
                    status: s,
                    way_forward,
                });
            }
        }
    }
}

/// Deploys one stack. `deployed` is the template the stack holds, when the caller read it
/// already (`Null` when there is no stack).
pub async fn deploy_stack(
    aws: &Aws,
    staging: &Staging,
    artifact: &StackArtifact,
    deployed: Option<serde_json::Value>,
    opts: &Options,
) -> Result<Outcome, DeployError> {
    let name = &artifact.name;
    let started = Instant::now();
    let mut deployed = deployed;
    let existing = settle(aws, artifact, opts, &mut deployed).await?;

    // The parameters to send: given ones, and the deployed values of the others.
    let declared: Vec<String> = artifact.template["Parameters"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let previous: std::collections::BTreeMap<String, String> = existing
        .as_ref()
        .map(|s| {
            s.parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_key()?.to_string(),
                        p.parameter_value().unwrap_or_default().to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut wanted_parameters = std::collections::BTreeMap::new();
    for key in &declared {
        let given = opts
            .parameters
            .iter()
            .rev()
            .find(|(s, k, _)| k == key && s.as_deref().is_none_or(|s| s == name));
        match given {
            Some((_, _, v)) => {
                wanted_parameters.insert(key.clone(), Some(v.clone()));
            }
            None if previous.contains_key(key) => {
                wanted_parameters.insert(key.clone(), None);
            }
            None => {}
        }
    }
    let tags = stack_tags(artifact, opts);

    // Nothing to change: no change set, no bucket, no asset look-up.
    if let (Some(stack), false) = (&existing, opts.force) {
        let template = match deployed.take() {
            Some(t) => t,
            None => aws.deployed_template(name).await,
        };
        let now = noop::Deployed {
            status: status_and_id(stack, name).0,
            template,
            parameters: previous.clone(),
            tags: stack
                .tags()
                .iter()
                .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                .collect(),
        };
        let wanted = noop::Wanted {
            template: &artifact.template,
            parameters: wanted_parameters.clone(),
            tags: tags.as_ref().map(|t| {
                t.iter()
                    .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                    .collect()
            }),
        };
        if noop::difference(&now, &wanted).is_none() {
            // The files synth named the assets after must still be the ones on disk.
            for a in &artifact.assets {
                still_as_synthesized(a)?;
            }
            let id = status_and_id(stack, name).1;
            if stack.enable_termination_protection().unwrap_or(false)
                != artifact.termination_protection
            {
                set_termination_protection(aws, artifact, &id).await?;
            }
            println!("{name}: no changes (nothing executed)");
            return Ok(Outcome::NoChanges {
                outputs: outputs_of(stack),
            });
        }
    }

    let bucket = if needs_bucket(artifact) {
        staging.bucket(aws).await?
    } else {
        ""
    };
    let mut planned_uploads = Vec::new();
    for line in upload_assets(aws, bucket, artifact).await? {
        planned_uploads.push(line);
    }
    for line in &planned_uploads {
        println!("{line}");
    }

    // The template: inline when it fits, through the staging bucket when it does not.
    let mut request = aws.cfn.create_change_set().stack_name(name);
    if artifact.body.len() > MAX_INLINE_BYTES {
        let digest: String = Sha256::digest(artifact.body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let key = format!("templates/{name}-{digest}.json");
        if !object_exists(aws, bucket, &key).await? {
            put_object(aws, bucket, &key, artifact.body.clone().into_bytes()).await?;
        }
        println!("template: {} bytes, over the {MAX_INLINE_BYTES}-byte inline limit: passed through s3://{bucket}/{key}", artifact.body.len());
        request = request.template_url(aws.object_url(bucket, &key));
    } else {
        request = request.template_body(&artifact.body);
    }

    let parameters: Vec<Parameter> = wanted_parameters
        .iter()
        .map(|(key, value)| match value {
            Some(v) => Parameter::builder()
                .parameter_key(key)
                .parameter_value(v)
                .build(),
            None => Parameter::builder()
                .parameter_key(key)
                .use_previous_value(true)
                .build(),
        })
        .collect();
    let change_set_name = format!(
        "escdk-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
    );
    let kind = if existing.is_some() {
        ChangeSetType::Update
    } else {
        ChangeSetType::Create
    };
    aws.call();
    let created = request
        .change_set_name(&change_set_name)
        .change_set_type(kind.clone())
        .set_parameters(Some(parameters))
        .set_tags(tags)
        .set_capabilities(Some(capabilities(&artifact.template)))
        .description("escdk deploy")
        .send()
        .await
        .map_err(|e| aws_err("CreateChangeSet", e));
    // CloudFormation reports "no changes" as a FAILED change set; some stand-ins refuse the
    // request outright. Either way nothing is executed.
    let created = match created {
        Err(DeployError::Aws { message, .. }) if no_changes(&message) => {
            // A change set does not carry termination protection.
            if let Some(stack) = &existing {
                set_termination_protection(aws, artifact, &status_and_id(stack, name).1).await?;
            }
            println!("{name}: no changes (nothing executed)");
            return Ok(Outcome::NoChanges {
                outputs: existing.as_ref().map(outputs_of).unwrap_or_default(),
            });
        }
        other => other?,
    };
    let change_set_id = created.id().unwrap_or(&change_set_name).to_string();
    let stack_id = created.stack_id().unwrap_or(name).to_string();

    // Wait for the change set (at most opts.change_set_timeout) and read its changes.
    let pending = PendingChangeSet {
        id: &change_set_id,
        stack: name,
        kind: &kind,
        stack_id: &stack_id,
    };
    let changes = match pending
        .changes(aws, opts.change_set_timeout, opts.poll)
        .await?
    {
        Some(changes) => changes,
        None => {
            set_termination_protection(aws, artifact, &stack_id).await?;
            println!("{name}: no changes (nothing executed)");
            return Ok(Outcome::NoChanges {
                outputs: existing.as_ref().map(outputs_of).unwrap_or_default(),
            });
        }
    };

    println!("{name}: {} change(s)", changes.len());
    for c in &changes {
        println!("{}", c.line(&artifact.path_of(&c.logical_id)));
    }
    let reasons = approval_reasons(&changes, opts.approval);
    if !reasons.is_empty() {
        println!("these changes need approval:");
        for r in &reasons {
            println!("  - {r}");
        }
        let approved = term::ask("Deploy them?").await;
        if approved != Some(true) {
            pending.abandon(aws).await;
            return Err(DeployError::NotApproved(match approved {
                None => "approval needed and no terminal to ask on: review the changes above, then deploy with --require-approval never".to_string(),
                Some(_) => "not deployed: the change set was deleted".to_string(),
            }));
        }
    }

    let seen = existing_event_ids(aws, &stack_id).await;
    aws.call();
    aws.cfn
        .execute_change_set()
        .change_set_name(&change_set_id)
        .stack_name(name)
        .send()
        .await
        .map_err(|e| aws_err("ExecuteChangeSet", e))?;
    let mut progress = Progress::new(name, artifact.resource_count(), seen);
    let end = follow(aws, artifact, &stack_id, &mut progress, opts.poll).await?;
    let secs = started.elapsed().as_secs();
    if status::succeeded(&end) {
        set_termination_protection(aws, artifact, &stack_id).await?;
        let outs = outputs(aws, &stack_id).await;
        println!("{name}: {end} in {secs} s");
        if !outs.is_empty() {
            println!("outputs:");
            for (k, v) in &outs {
                println!("  {name}.{k} = {v}");
            }
        }
        return Ok(Outcome::Deployed {
            status: end,
            outputs: outs,
        });
    }
    let path_of = |lid: &str| artifact.path_of(lid);
    let reason = progress
        .failure_summary(&path_of)
        .unwrap_or_else(|| "no resource reported a failure: see the stack's events".to_string());
    Err(DeployError::Failed {
        stack: name.clone(),
        status: end,
        reason,
    })
}
