//! The staging bucket (from the bootstrap stack) and the uploads to it: assets not there
//! yet, checked against what synth hashed.

use crate::assembly::StackArtifact;
use crate::assets::{check_unchanged, package};
use crate::aws::Aws;
use crate::error::{aws as aws_err, does_not_exist, DeployError};
use escdk_synth::asset;

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

/// The staging bucket from the bootstrap stack's outputs.
pub async fn staging_bucket(aws: &Aws, toolkit: &str) -> Result<String, DeployError> {
    aws.call();
    let out = match aws.cfn.describe_stacks().stack_name(toolkit).send().await {
        Ok(o) => o,
        Err(e) => {
            let err = aws_err("DescribeStacks", e);
            return match &err {
                DeployError::Aws { message, .. } if does_not_exist(message) => {
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

pub(crate) async fn object_exists(aws: &Aws, bucket: &str, key: &str) -> Result<bool, DeployError> {
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

pub(crate) async fn put_object(
    aws: &Aws,
    bucket: &str,
    key: &str,
    bytes: Vec<u8>,
) -> Result<(), DeployError> {
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
pub(crate) fn still_as_synthesized(a: &crate::assembly::AssetEntry) -> Result<(), DeployError> {
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
