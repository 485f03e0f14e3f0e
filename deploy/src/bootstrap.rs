//! `bootstrap`: the staging stack, once per account and region: an S3 bucket for assets and
//! large templates, encrypted, public access blocked, TLS 1.2 or newer only, staged templates expired
//! (assets kept: stacks point at them).
//! The template is built with escdk's own L1 types.

use escdk_constructs::iam::PolicyDocument;
use escdk_constructs::s3::secure;
use escdk_synth::cfn::s3::{bucket, CfnBucket, CfnBucketPolicy};
use escdk_synth::{asset, fns, Output, Policy, Stack};

/// The default name of the bootstrap stack.
pub const STACK_NAME: &str = "EscdkBootstrap";

/// The bootstrap template (JSON). `retention_days`: how long staged templates are kept;
/// assets are kept (a deployed stack, or a rollback, may still point at any of them).
pub fn template(retention_days: u32) -> Result<String, escdk_synth::SynthError> {
    let stack = Stack::new(STACK_NAME);
    stack
        .set_description("escdk bootstrap: the bucket deploy stages assets and large templates in");
    let root = stack.root();
    let staging = root.add(
        "StagingBucket",
        CfnBucket {
            bucket_name: Some(fns::sub(asset::ASSET_BUCKET).into()),
            // Staged templates are read once, when CloudFormation creates the change set, so
            // they expire. Assets never do: they are named by their content, and a deployed
            // function (or a rollback to it) may point at any of them.
            lifecycle_configuration: Some(bucket::LifecycleConfiguration::new(vec![
                bucket::Rule {
                    id: Some("ExpireStagedTemplates".into()),
                    prefix: Some("templates/".into()),
                    expiration_in_days: Some(i64::from(retention_days).into()),
                    ..bucket::Rule::new("Enabled")
                },
                bucket::Rule {
                    id: Some("AbortIncompleteUploads".into()),
                    abort_incomplete_multipart_upload: Some(
                        bucket::AbortIncompleteMultipartUpload::new(1),
                    ),
                    ..bucket::Rule::new("Enabled")
                },
            ])),
            ..secure::private_bucket()
        },
    );
    stack.set_removal_policy(&staging, Policy::RetainExceptOnCreate);
    let tls_only = PolicyDocument::new(secure::tls_only_statements(staging.attr_arn())).to_json();
    stack.root().add(
        "StagingBucketPolicy",
        CfnBucketPolicy::new(staging.reference(), tls_only),
    );
    stack.add_output(
        "BucketName",
        Output::new(staging.reference()).description("Where deploy stages assets and templates"),
    );
    stack.add_output(
        "BootstrapVersion",
        Output::new("1").description("Version of the bootstrap template"),
    );
    stack.synth().map(|s| s.to_json())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bootstrap_template_synthesizes_with_its_guarantees() {
        let t: serde_json::Value =
            serde_json::from_str(&super::template(30).expect("valid")).unwrap();
        let bucket = &t["Resources"]["StagingBucket"];
        assert_eq!(bucket["DeletionPolicy"], "RetainExceptOnCreate");
        assert_eq!(bucket["UpdateReplacePolicy"], "Retain");
        assert_eq!(
            bucket["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
            true
        );
        let rules = &bucket["Properties"]["LifecycleConfiguration"]["Rules"];
        assert_eq!(rules[0]["Prefix"], "templates/");
        assert_eq!(rules[0]["ExpirationInDays"], 30);
        // Nothing expires an asset: a deployed function's code, or a rollback's, stays.
        for rule in rules.as_array().unwrap() {
            assert!(
                rule.get("ExpirationInDays").is_none() || rule["Prefix"] == "templates/",
                "{rule}"
            );
        }
        assert!(t["Resources"]["StagingBucketPolicy"]
            .to_string()
            .contains("aws:SecureTransport"));
    }

    #[test]
    fn the_staging_bucket_refuses_requests_without_tls_or_over_tls_before_1_2() {
        let t: serde_json::Value = serde_json::from_str(&super::template(30).unwrap()).unwrap();
        let policy = t["Resources"]
            .as_object()
            .unwrap()
            .values()
            .find(|r| r["Type"] == "AWS::S3::BucketPolicy")
            .expect("the staging bucket has a policy");
        let statements = policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        let denies: Vec<&serde_json::Value> = statements
            .iter()
            .filter(|s| s["Effect"] == "Deny" && s["Principal"] == "*")
            .collect();
        let conditions: Vec<String> = denies.iter().map(|s| s["Condition"].to_string()).collect();
        assert_eq!(
            conditions,
            [
                r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
                r#"{"NumericLessThan":{"s3:TlsVersion":"1.2"}}"#
            ]
        );
        for s in denies {
            assert_eq!(s["Action"], serde_json::json!(["s3:*"]));
            assert_eq!(
                s["Resource"].as_array().unwrap().len(),
                2,
                "bucket and objects"
            );
        }
    }
}
