//! AWS clients from the standard configuration chain (profile, region, environment), with
//! the endpoint override (`AWS_ENDPOINT_URL`) honoured, and a count of the calls made.

use crate::error::DeployError;
use std::sync::atomic::{AtomicUsize, Ordering};

fn no_credentials(detail: &str) -> DeployError {
    DeployError::Setup(format!(
        "no AWS credentials were found ({detail})\n  fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile or AWS_PROFILE, or sign in (`aws configure`, `aws sso login`)"
    ))
}

/// The clients and what is known about the target.
pub struct Aws {
    pub cfn: aws_sdk_cloudformation::Client,
    pub s3: aws_sdk_s3::Client,
    sts: aws_sdk_sts::Client,
    pub region: String,
    /// Set when the endpoint is overridden (a local stand-in): S3 URLs are then path-style.
    pub endpoint: Option<String>,
    calls: AtomicUsize,
    uploaded: AtomicUsize,
}

impl Aws {
    /// Loads the configuration; says what is missing (a region, credentials) and how to
    /// provide it, rather than failing later with the SDK's debug output.
    pub async fn connect(profile: Option<&str>, region: Option<&str>) -> Result<Aws, DeployError> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = region {
            loader = loader.region(aws_config::Region::new(r.to_string()));
        }
        let shared = loader.load().await;
        let Some(region) = shared.region().map(ToString::to_string) else {
            return Err(DeployError::Setup(
                "no AWS region is configured\n  fix: pass --region, set AWS_REGION, or set a region in your profile (`aws configure`)".into(),
            ));
        };
        match shared.credentials_provider() {
            None => return Err(no_credentials("no credentials provider is configured")),
            Some(provider) => {
                use aws_sdk_cloudformation::config::ProvideCredentials;
                if let Err(e) = provider.provide_credentials().await {
                    return Err(no_credentials(&e.to_string()));
                }
            }
        }
        let endpoint = std::env::var("AWS_ENDPOINT_URL")
            .ok()
            .filter(|e| !e.is_empty());
        let s3_config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(endpoint.is_some())
            .build();
        Ok(Aws {
            cfn: aws_sdk_cloudformation::Client::new(&shared),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            sts: aws_sdk_sts::Client::new(&shared),
            region,
            endpoint,
            calls: AtomicUsize::new(0),
            uploaded: AtomicUsize::new(0),
        })
    }

    /// Counts one API call (for the summary and the benchmark).
    pub fn call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub fn uploaded(&self, bytes: usize) {
        self.uploaded.fetch_add(bytes, Ordering::Relaxed);
    }

    /// (API calls, bytes uploaded) so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.calls.load(Ordering::Relaxed),
            self.uploaded.load(Ordering::Relaxed),
        )
    }

    /// The account the session's credentials belong to (`sts:GetCallerIdentity`).
    pub async fn account(&self) -> Result<String, DeployError> {
        const ACTION: &str = "sts:GetCallerIdentity (the account a stack is pinned to is checked)";
        self.call();
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| crate::error::aws(ACTION, e))?;
        out.account()
            .map(str::to_string)
            .ok_or_else(|| DeployError::Aws {
                action: ACTION.into(),
                message: "the answer names no account".into(),
            })
    }

    /// The deployed template of a stack (by name or id) as it was submitted, or `Null` when
    /// the stack does not exist or the call fails.
    pub async fn deployed_template(&self, stack: &str) -> serde_json::Value {
        self.call();
        self.cfn
            .get_template()
            .stack_name(stack)
            .template_stage(aws_sdk_cloudformation::types::TemplateStage::Original)
            .send()
            .await
            .ok()
            .and_then(|t| t.template_body().and_then(|b| serde_json::from_str(b).ok()))
            .unwrap_or(serde_json::Value::Null)
    }

    /// The URL CloudFormation reads a template from: the regional path-style S3 URL (the
    /// form the CDK uses too), in the region's partition. CloudFormation reads it from S3
    /// itself, so it is the same whether or not the endpoint of this tool is overridden.
    pub fn object_url(&self, bucket: &str, key: &str) -> String {
        object_url(&self.region, bucket, key)
    }
}

/// The DNS suffix of the partition `region` belongs to (AWS's partitions table).
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("us-isob-") {
        "sc2s.sgov.gov"
    } else if region.starts_with("us-iso-") {
        "c2s.ic.gov"
    } else if region.starts_with("eusc-") {
        "amazonaws.eu"
    } else {
        "amazonaws.com"
    }
}

fn object_url(region: &str, bucket: &str, key: &str) -> String {
    format!("https://s3.{region}.{}/{bucket}/{key}", dns_suffix(region))
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_urls_are_in_the_regions_partition() {
        for (region, url) in [
            ("eu-west-1", "https://s3.eu-west-1.amazonaws.com/b/k"),
            ("cn-north-1", "https://s3.cn-north-1.amazonaws.com.cn/b/k"),
            (
                "us-gov-west-1",
                "https://s3.us-gov-west-1.amazonaws.com/b/k",
            ),
            ("us-iso-east-1", "https://s3.us-iso-east-1.c2s.ic.gov/b/k"),
            (
                "us-isob-east-1",
                "https://s3.us-isob-east-1.sc2s.sgov.gov/b/k",
            ),
            (
                "eusc-de-east-1",
                "https://s3.eusc-de-east-1.amazonaws.eu/b/k",
            ),
        ] {
            assert_eq!(super::object_url(region, "b", "k"), url);
        }
    }
}
