//! SMTP credentials: CloudFormation cannot derive SES's SMTP password, so a custom resource
//! does (`Custom::SesSmtpCredentials`, its handler shipped in
//! `constructs/assets/ses_smtp_credentials`, standard library and the runtime's boto3 only).
//!
//! The handler makes an access key for an IAM user that may only send raw e-mail from the
//! identity, derives the password with AWS's algorithm, and writes
//! `{"username", "password"}` to a secret the stack owns. Changing the rotation number makes
//! a new key; CloudFormation deletes the old one. Deleting the stack deletes the key.

use crate::iam::{PolicyStatement, User};
use crate::lambda::{Function, FunctionProps};
use crate::removal::RemovalPolicy;
use crate::secrets::{self, generated};
use escdk_synth::cfn::secretsmanager::CfnSecret;
use escdk_synth::{fns, rules, CustomResource, Duration, Expr, Handle, Scope};
use std::path::PathBuf;

/// The handler's bound (IAM and Secrets Manager answer in seconds); CloudFormation's
/// `ServiceTimeout` is a little more, so a stack never waits an hour for a lost answer.
pub const HANDLER_TIMEOUT: Duration = Duration::minutes(1);
pub const SERVICE_TIMEOUT: Duration = Duration::minutes(2);

/// The custom resource's type.
pub const RESOURCE_TYPE: &str = "Custom::SesSmtpCredentials";

/// What the stack makes for SMTP.
#[derive(Debug, Clone)]
pub struct SmtpCredentials {
    pub user: User,
    /// `{"username": <access key id>, "password": <SMTP password>}`.
    pub secret: Handle<CfnSecret>,
    /// The key the secret is encrypted with (the stack's key).
    pub secret_key: Expr,
    pub handler: Function,
    pub resource: Handle<CustomResource>,
}

fn handler_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/ses_smtp_credentials")
}

/// The user (allowed `ses:SendRawEmail` on `send_from` only), the secret and the custom
/// resource, under `scope`. `rotation` is the key's generation: change it to rotate.
pub fn credentials(scope: &Scope, send_from: Vec<Expr>, rotation: u32) -> SmtpCredentials {
    let user = User::new(scope, "User");
    user.add_to_policy(PolicyStatement::allow(["ses:SendRawEmail"], send_from));
    // Created with a placeholder that the custom resource overwrites in the same deploy.
    let secret = secrets::add(
        scope,
        "Secret",
        generated(
            "SMTP credentials for Amazon SES (username: the access key id; password: derived for this region)",
            serde_json::json!({"username": ""}),
            "password",
            32,
        ),
    );
    // Holds nothing that outlives the key, which is deleted with the stack.
    RemovalPolicy::Destroy.apply(scope.stack(), &secret);
    rules::suppress(
        &secret,
        "ESCDK-RETAIN",
        "it holds the SMTP password of an access key that is deleted with the stack: kept, it would open nothing",
    );
    let handler = Function::new(
        scope,
        "Handler",
        FunctionProps {
            description: Some("Creates, rotates and deletes SES SMTP credentials".into()),
            timeout: HANDLER_TIMEOUT,
            ..FunctionProps::new(handler_dir(), "smtp_credentials.lambda_handler")
        },
    );
    handler.role.add_to_policy(PolicyStatement::allow(
        [
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:ListAccessKeys",
        ],
        [user.arn()],
    ));
    handler.role.add_to_policy(PolicyStatement::allow(
        secrets::READ_WRITE.iter().copied(),
        [secret.reference()],
    ));
    handler.role.add_to_policy(secrets::key_statement(
        secrets::key_arn(scope),
        secrets::KEY_READ_WRITE,
    ));
    let resource = scope.add_custom(
        "Credentials",
        CustomResource::new(RESOURCE_TYPE, handler.arn())
            .with_service_timeout(SERVICE_TIMEOUT)
            .with("UserName", user.name())
            .with("SecretArn", secret.reference())
            .with("Region", fns::sub("${AWS::Region}"))
            .with("Rotation", rotation.to_string()),
    );
    SmtpCredentials {
        user,
        secret,
        secret_key: secrets::key_arn(scope),
        handler,
        resource,
    }
}
