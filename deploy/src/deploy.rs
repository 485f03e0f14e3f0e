//! `deploy`: assets, template, change set, approval, execution with live progress.

use crate::assembly::StackArtifact;
use crate::assets::{check_unchanged, package};
use crate::aws::Aws;
use crate::changes::{approval_reasons, Approval, ResourceChange};
use crate::error::{aws as aws_err, DeployError};
use crate::exports;
use crate::noop;
use crate::progress::{Event, Progress};
use crate::status::{self, Next};
use crate::term;
use aws_sdk_cloudformation::types::{Capability, ChangeSetStatus, ChangeSetType, Parameter, Tag};
use escdk_synth::asset;
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

/// The staging bucket, looked up from the bootstrap stack the first time a stack needs it
/// (an asset to upload, a template too large to pass inline): a deploy that changes nothing
/// never asks.
#[derive(Debug)]
pub struct Staging {
    toolkit: String,
    bucket: std::sync::OnceLock<String>,
}

impl Staging {
    pub fn new(toolkit: &str) -> Staging {
        Staging {
            toolkit: toolkit.to_string(),
            bucket: std::sync::OnceLock::new(),
        }
    }

    /// The bucket's name.
    pub async fn bucket(&self, aws: &Aws) -> Result<&str, DeployError> {
        if self.bucket.get().is_none() {
            let name = staging_bucket(aws, &self.toolkit).await?;
            let _ = self.bucket.set(name);
        }
        Ok(self.bucket.get().expect("set above"))
    }
}

/// What happened to one stack.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    NoChanges,
    Deployed {
        status: String,
        outputs: Vec<(String, String)>,
    },
}

fn no_changes(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

fn message_of(e: &str) -> bool {
    e.contains("does not exist")
}

/// The stack's description, or None when it does not exist.
async fn stack_description(
    aws: &Aws,
    name: &str,
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, DeployError> {
    aws.call();
    match aws.cfn.describe_stacks().stack_name(name).send().await {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e) => {
            let err = aws_err("DescribeStacks", e);
            match &err {
                DeployError::Aws { message, .. } if message_of(message) => Ok(None),
                _ => Err(err),
            }
        }
    }
}

fn status_and_id(s: &aws_sdk_cloudformation::types::Stack, name: &str) -> (String, String) {
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

/// The staging bucket from the bootstrap stack's outputs.
pub async fn staging_bucket(aws: &Aws, toolkit: &str) -> Result<String, DeployError> {
    aws.call();
    let out = match aws.cfn.describe_stacks().stack_name(toolkit).send().await {
        Ok(o) => o,
        Err(e) => {
            let err = aws_err("DescribeStacks", e);
            return match &err {
                DeployError::Aws { message, .. } if message_of(message) => {
                    Err(DeployError::NotBootstrapped {
                        stack: toolkit.into(),
                        region: aws.region.clone(),
                    })
                }
                _ => Err(err),
            };
        }
    };
    let from_output = out
        .stacks()
        .first()
        .and_then(|s| {
            s.outputs()
                .iter()
                .find(|o| o.output_key() == Some("BucketName"))
        })
        .and_then(|o| o.output_value())
        .map(str::to_string);
    if let Some(bucket) = from_output {
        return Ok(bucket);
    }
    // The bucket resource's physical id is its name (and is there even where a stand-in
    // records no outputs).
    aws.call();
    aws.cfn
        .describe_stack_resource()
        .stack_name(toolkit)
        .logical_resource_id("StagingBucket")
        .send()
        .await
        .ok()
        .and_then(|r| {
            r.stack_resource_detail()
                .and_then(|d| d.physical_resource_id())
                .map(str::to_string)
        })
        .ok_or_else(|| DeployError::NotBootstrapped {
            stack: toolkit.into(),
            region: aws.region.clone(),
        })
}

async fn object_exists(aws: &Aws, bucket: &str, key: &str) -> Result<bool, DeployError> {
    aws.call();
    match aws.s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            if e.as_service_error().is_some_and(|s| s.is_not_found())
                || e.raw_response().is_some_and(|r| r.status().as_u16() == 404)
            {
                Ok(false)
            } else {
                Err(aws_err(&format!("HeadObject s3://{bucket}/{key}"), e))
            }
        }
    }
}

async fn put_object(aws: &Aws, bucket: &str, key: &str, bytes: Vec<u8>) -> Result<(), DeployError> {
    aws.call();
    aws.uploaded(bytes.len());
    aws.s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from(bytes))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| aws_err(&format!("PutObject s3://{bucket}/{key}"), e))
}

/// Refuses an asset whose files are no longer the ones synth hashed (edited since).
fn still_as_synthesized(a: &crate::assembly::AssetEntry) -> Result<(), DeployError> {
    let found = asset::read_files(&a.source, |_, _, _| Ok(()))
        .map_err(|e| DeployError::Io(format!("cannot read {}: {e}", a.source.display())))?;
    check_unchanged(&a.source, &a.sha256, &found).map_err(DeployError::Assembly)
}

/// Uploads the stack's assets the bucket does not hold yet; returns the lines to print.
pub async fn upload_assets(
    aws: &Aws,
    bucket: &str,
    artifact: &StackArtifact,
) -> Result<Vec<String>, DeployError> {
    let mut lines = Vec::new();
    for a in &artifact.assets {
        let cannot_read =
            |e: std::io::Error| DeployError::Io(format!("cannot read {}: {e}", a.source.display()));
        if object_exists(aws, bucket, &a.key).await? {
            // The key names the files synth hashed; make sure they are still the ones there.
            still_as_synthesized(a)?;
            lines.push(format!("asset {}: already in s3://{bucket}", a.key));
            continue;
        }
        let package = package(&a.source).map_err(cannot_read)?;
        check_unchanged(&a.source, &a.sha256, &package.sha256).map_err(DeployError::Assembly)?;
        let n = package.bytes.len();
        put_object(aws, bucket, &a.key, package.bytes).await?;
        lines.push(format!(
            "asset {}: uploaded {n} bytes from {}",
            a.key,
            a.source.display()
        ));
    }
    Ok(lines)
}

fn capabilities(template: &serde_json::Value) -> Vec<Capability> {
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

/// How long `deploy` waits by default for CloudFormation to compute a change set (seconds,
/// usually).
pub const CHANGE_SET_TIMEOUT: Duration = Duration::from_secs(15 * 60);

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
                    DeployError::Aws { message, .. } if message_of(message) => {
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
        .map(|s| {
            s.outputs()
                .iter()
                .map(|o| {
                    (
                        o.output_key().unwrap_or_default().to_string(),
                        o.output_value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
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

/// Deletes a change set that will not be executed (best effort: it expires anyway).
async fn discard_change_set(aws: &Aws, change_set_id: &str, stack: &str) {
    aws.call();
    let _ = aws
        .cfn
        .delete_change_set()
        .change_set_name(change_set_id)
        .stack_name(stack)
        .send()
        .await;
}

/// Deletes a change set that will not be executed, and the empty stack (REVIEW_IN_PROGRESS)
/// a CREATE change set made, so the next deploy starts clean.
async fn abandon_change_set(
    aws: &Aws,
    change_set_id: &str,
    stack: &str,
    kind: &ChangeSetType,
    stack_id: &str,
) {
    discard_change_set(aws, change_set_id, stack).await;
    if *kind == ChangeSetType::Create {
        aws.call();
        let _ = aws.cfn.delete_stack().stack_name(stack_id).send().await;
    }
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

/// Deploys one stack of [`deploy_all`]; `true` when it keeps exports a deployed stack still
/// imports, and must be deployed again once they are no longer imported.
async fn deploy_one(
    aws: &Aws,
    staging: &Staging,
    artifact: &StackArtifact,
    deployed: serde_json::Value,
    app_stacks: &[String],
    opts: &Options,
) -> Result<bool, DeployError> {
    println!(
        "deploying {} ({} resources) to {}",
        artifact.name,
        artifact.resource_count(),
        aws.region
    );
    let kept = still_imported(aws, artifact, &deployed, app_stacks).await;
    if kept.is_empty() {
        deploy_stack(aws, staging, artifact, Some(deployed), opts).await?;
        return Ok(false);
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
    deploy_stack(aws, staging, &interim, Some(deployed), opts).await?;
    Ok(true)
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
            Ok(again) => {
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
            if deploy_one(aws, staging, artifact, deployed, app_stacks, opts).await? {
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
            deploy_stack(aws, staging, artifact, Some(deployed), opts).await?;
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
    // Decide from the current state; an operation already running is followed first.
    let existing = loop {
        let description = stack_description(aws, name).await?;
        let current = description.as_ref().map(|s| status_and_id(s, name));
        match status::next(current.as_ref().map(|(s, _)| s.as_str())) {
            Next::Create => break None,
            Next::Update => break description,
            Next::Wait => {
                let (s, id) = current.expect("a waiting stack exists");
                println!("{name} is {s} (an earlier deploy, or another one): following it to the end first");
                deployed = None;
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
                    deployed = None;
                    continue;
                }
                return Err(DeployError::StackState {
                    stack: name.clone(),
                    status: s,
                    way_forward,
                });
            }
        }
    };

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
            return Ok(Outcome::NoChanges);
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
            return Ok(Outcome::NoChanges);
        }
        other => other?,
    };
    let change_set_id = created.id().unwrap_or(&change_set_name).to_string();
    let stack_id = created.stack_id().unwrap_or(name).to_string();

    // Wait for the change set (at most opts.change_set_timeout) and read its changes.
    let mut changes: Vec<ResourceChange> = Vec::new();
    let deadline = std::time::Instant::now() + opts.change_set_timeout;
    loop {
        aws.call();
        let d = aws
            .cfn
            .describe_change_set()
            .change_set_name(&change_set_id)
            .stack_name(name)
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
                                logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
                                resource_type: r.resource_type().unwrap_or_default().to_string(),
                                replacement: r.replacement().map(|x| x.as_str().to_string()),
                            });
                        }
                    }
                    if let Some(token) = p.next_token() {
                        aws.call();
                        page = Some(
                            aws.cfn
                                .describe_change_set()
                                .change_set_name(&change_set_id)
                                .stack_name(name)
                                .next_token(token)
                                .send()
                                .await
                                .map_err(|e| aws_err("DescribeChangeSet", e))?,
                        );
                    }
                }
                break;
            }
            Some(ChangeSetStatus::Failed) => {
                let reason = d.status_reason().unwrap_or("no reason given").to_string();
                discard_change_set(aws, &change_set_id, name).await;
                if no_changes(&reason) {
                    set_termination_protection(aws, artifact, &stack_id).await?;
                    println!("{name}: no changes (nothing executed)");
                    return Ok(Outcome::NoChanges);
                }
                return Err(DeployError::Failed {
                    stack: name.clone(),
                    status: "change set FAILED".into(),
                    reason,
                });
            }
            _ if std::time::Instant::now() >= deadline => {
                abandon_change_set(aws, &change_set_id, name, &kind, &stack_id).await;
                return Err(DeployError::Failed {
                    stack: name.clone(),
                    status: "change set not ready".into(),
                    reason: format!(
                        "CloudFormation did not finish the change set within {} s; it was deleted, nothing was executed. Deploy again, with a longer --change-set-timeout if the stack is large (many resources, nested stacks or a transform take longer)",
                        opts.change_set_timeout.as_secs()
                    ),
                });
            }
            _ => {
                tokio::select! {
                    _ = tokio::time::sleep(opts.poll.min(Duration::from_secs(2))) => {}
                    _ = crate::interrupt::interrupted() => {
                        // Nothing runs yet: the change set is removed, the stack untouched.
                        abandon_change_set(aws, &change_set_id, name, &kind, &stack_id).await;
                        return Err(DeployError::NotApproved(format!(
                            "interrupted before anything ran: the change set of {name} was deleted"
                        )));
                    }
                }
            }
        }
    }

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
            abandon_change_set(aws, &change_set_id, name, &kind, &stack_id).await;
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
