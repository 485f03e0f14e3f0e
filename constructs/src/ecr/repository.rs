//! [`Repository`]: a private ECR repository for one service's images.

use super::{invalid_repository_name, perms};
use crate::iam::{Grant, Grantee, PolicyStatement};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::ecr::{repository, CfnRepository};
use escdk_synth::{Expr, Handle, Scope};

/// How images are encrypted at rest.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Encryption {
    /// Keys ECR manages (AES-256), as the seed.
    #[default]
    Aes256,
    /// The AWS managed KMS key for ECR (`aws/ecr`), with key use in CloudTrail.
    Kms,
}

/// Properties of a [`Repository`].
#[derive(Debug, Clone, PartialEq)]
pub struct RepositoryProps {
    /// The repository's name (`event-sourcing-app-backend`); generated when `None`.
    pub repository_name: Option<String>,
    /// Images kept: older ones expire (30 by default; 1 to 10,000).
    pub keep_last_images: u32,
    pub encryption: Encryption,
    /// Retained by default: images are what the services run.
    pub removal_policy: RemovalPolicy,
}

impl Default for RepositoryProps {
    fn default() -> Self {
        RepositoryProps {
            repository_name: None,
            keep_last_images: 30,
            encryption: Encryption::Aes256,
            removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
        }
    }
}

impl RepositoryProps {
    /// A repository named `name`, with the defaults.
    pub fn named(name: &str) -> Self {
        RepositoryProps {
            repository_name: Some(name.to_string()),
            ..RepositoryProps::default()
        }
    }
}

/// A private image repository: tags cannot be overwritten, images are scanned on push.
#[derive(Debug, Clone)]
pub struct Repository {
    pub handle: Handle<CfnRepository>,
}

impl Repository {
    pub fn new(scope: &Scope, id: &str, props: RepositoryProps) -> Repository {
        let scope = scope.child(id);
        if let Some(name) = &props.repository_name {
            if let Some(why) = invalid_repository_name(name) {
                scope.prop_error(
                    "RepositoryName",
                    format!("`{name}` {why}"),
                    "name it like event-sourcing-app-backend: lower-case letters, digits, `-`, `_`, `.`, and `/` between namespaces",
                );
            }
        }
        if !(1..=10_000).contains(&props.keep_last_images) {
            scope.prop_error(
                "LifecyclePolicy",
                format!("keep_last_images is {}", props.keep_last_images),
                "keep between 1 and 10000 images",
            );
        }
        let rules = serde_json::json!({"rules": [{
            "rulePriority": 1,
            "description": format!("Keep the last {} images", props.keep_last_images),
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": props.keep_last_images,
            },
            "action": {"type": "expire"},
        }]});
        let encryption_type = match props.encryption {
            Encryption::Aes256 => "AES256",
            Encryption::Kms => "KMS",
        };
        let handle = scope.add(
            "Resource",
            CfnRepository {
                repository_name: props.repository_name.map(Into::into),
                image_tag_mutability: Some("IMMUTABLE".into()),
                image_scanning_configuration: Some(repository::ImageScanningConfiguration {
                    scan_on_push: Some(true.into()),
                }),
                encryption_configuration: Some(repository::EncryptionConfiguration::new(
                    encryption_type,
                )),
                lifecycle_policy: Some(repository::LifecyclePolicy {
                    lifecycle_policy_text: Some(rules.to_string().into()),
                    ..Default::default()
                }),
                empty_on_delete: Some(false.into()),
                ..Default::default()
            },
        );
        props.removal_policy.apply(scope.stack(), &handle);
        if props.encryption == Encryption::Aes256 {
            escdk_synth::rules::suppress(
                &handle,
                "CKV_AWS_136",
                "images are encrypted at rest with AES-256 keys ECR manages (Encryption::Aes256, the default): they hold built code, not the system's data; Encryption::Kms chooses KMS, with its requests' cost, when the repository is created (it cannot change after)",
            );
        }
        Repository { handle }
    }

    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// `<account>.dkr.ecr.<region>.amazonaws.com/<name>`: what `docker push` takes.
    pub fn repository_uri(&self) -> Expr {
        self.handle.attr_repository_uri()
    }

    /// Lets `grantee` pull images: the layer and image reads on this repository, and the
    /// registry login (on `*`: it has no resource-level permission).
    pub fn grant_pull(&self, grantee: &impl Grantee) -> Grant {
        Grant::add(
            grantee,
            vec![
                PolicyStatement::allow(perms::PULL.iter().copied(), [self.arn()]),
                PolicyStatement::allow_any_resource(perms::AUTHORIZATION),
            ],
        )
    }

    /// Lets `grantee` push images to this repository (and nothing else), with the registry
    /// login.
    pub fn grant_push(&self, grantee: &impl Grantee) -> Grant {
        Grant::add(
            grantee,
            vec![
                PolicyStatement::allow(perms::PUSH.iter().copied(), [self.arn()]),
                PolicyStatement::allow_any_resource(perms::AUTHORIZATION),
            ],
        )
    }

    /// Lets `grantee` pull and push (the seed's `read_write`: a build that reuses layers
    /// of earlier images pulls them), on this repository only.
    pub fn grant_pull_push(&self, grantee: &impl Grantee) -> Grant {
        let actions: Vec<&str> = perms::PULL.iter().chain(perms::PUSH).copied().collect();
        Grant::add(
            grantee,
            vec![
                PolicyStatement::allow(actions, [self.arn()]),
                PolicyStatement::allow_any_resource(perms::AUTHORIZATION),
            ],
        )
    }
}
