//! Secrets Manager secrets: the one way constructs make a credential, so that no password is
//! ever in a template. Secrets the constructs make are encrypted with the stack's key
//! ([`crate::kms::stack_key`]), so reading one takes a grant on the secret and, through
//! Secrets Manager only, on the key ([`read_statements`]).

use crate::iam::PolicyStatement;
use escdk_synth::cfn::secretsmanager::{secret, CfnSecret};
use escdk_synth::{fns, Expr, Handle, Scope};

/// Reading a secret's value.
pub const READ: &[&str] = &["secretsmanager:GetSecretValue"];
/// Reading a secret's value and putting a new one (a handler that rotates what it holds).
pub const READ_WRITE: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
];
/// On the secret's key, to read the value.
pub const KEY_READ: &[&str] = &["kms:Decrypt"];
/// On the secret's key, to read the value and encrypt a new one.
pub const KEY_READ_WRITE: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey"];

/// A secret of letters and digits, `length` long, under the JSON key `key`, beside the
/// fixed keys of `template` (`{"username": …}`, or `{}`).
pub fn generated(
    description: &str,
    template: serde_json::Value,
    key: &str,
    length: i64,
) -> CfnSecret {
    CfnSecret {
        description: Some(description.into()),
        generate_secret_string: Some(secret::GenerateSecretString {
            secret_string_template: Some(template.to_string().into()),
            generate_string_key: Some(key.into()),
            password_length: Some(length.into()),
            exclude_punctuation: Some(true.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Adds `secret` at `scope/id`, encrypted with the stack's key unless it names a key of its
/// own.
pub fn add(scope: &Scope, id: &str, mut secret: CfnSecret) -> Handle<CfnSecret> {
    if secret.kms_key_id.is_none() {
        secret.kms_key_id = Some(key_arn(scope).into());
    }
    scope.add(id, secret)
}

/// The key that encrypts the secrets [`add`] makes in the stack of `scope`.
pub fn key_arn(scope: &Scope) -> Expr {
    crate::kms::stack_key(scope).attr_arn()
}

/// `actions` on the secrets' key, only when Secrets Manager uses it for the caller.
pub fn key_statement(key: Expr, actions: &[&str]) -> PolicyStatement {
    PolicyStatement::allow(actions.iter().copied(), [key]).condition(
        "StringEquals",
        "kms:ViaService",
        fns::sub("secretsmanager.${AWS::Region}.amazonaws.com"),
    )
}

/// `GetSecretValue` on `secrets`, and, when they are encrypted with the customer managed
/// `key`, decrypting with it through Secrets Manager.
pub fn read_statements(secrets: Vec<Expr>, key: Option<Expr>) -> Vec<PolicyStatement> {
    let mut statements = vec![PolicyStatement::allow(READ.iter().copied(), secrets)];
    statements.extend(key.map(|k| key_statement(k, KEY_READ)));
    statements
}
