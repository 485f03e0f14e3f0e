//! What a construct hands to the services that use it: environment variables whose values
//! are plain values or references to a secret's JSON key, as ECS task definitions take them
//! (`Environment` and `Secrets`).

use escdk_synth::{fns, Expr};

/// An environment variable's value: a value, or a reference to a secret's JSON key.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvValue {
    /// A string, or an expression CloudFormation resolves (an endpoint's address).
    Value(escdk_synth::Value<String>),
    /// A JSON key of a Secrets Manager secret: the task reads it at start (ECS `Secrets`),
    /// and its execution role may read exactly this secret.
    Secret {
        /// The secret's ARN.
        arn: Expr,
        /// The key in the secret's JSON value.
        key: String,
        /// The customer managed KMS key the secret is encrypted with, when it has one: the
        /// execution role may decrypt with it, through Secrets Manager only.
        kms_key: Option<Expr>,
    },
}

impl EnvValue {
    /// A reference to the JSON key `key` of the secret `arn` (never its value).
    pub fn secret_key(arn: Expr, key: &str) -> EnvValue {
        EnvValue::Secret {
            arn,
            key: key.to_string(),
            kms_key: None,
        }
    }

    /// A reference to the JSON key `key` of the secret `arn`, encrypted with the customer
    /// managed key `kms_key` (the secrets constructs make: [`crate::secrets::add`]).
    pub fn encrypted_secret_key(arn: Expr, key: &str, kms_key: Expr) -> EnvValue {
        EnvValue::Secret {
            arn,
            key: key.to_string(),
            kms_key: Some(kms_key),
        }
    }

    /// The value, when this is not a secret (as template JSON).
    pub fn plain(&self) -> Option<escdk_synth::Json> {
        match self {
            EnvValue::Value(escdk_synth::Value::Lit(s)) => Some(s.as_str().into()),
            EnvValue::Value(escdk_synth::Value::Expr(e)) => Some(e.clone().into()),
            EnvValue::Secret { .. } => None,
        }
    }

    /// ECS's `ValueFrom` for a secret (`<secret arn>:<json key>::`), `None` for a value.
    pub fn value_from(&self) -> Option<Expr> {
        match self {
            EnvValue::Value(_) => None,
            EnvValue::Secret { arn, key, .. } => Some(fns::sub_with(
                format!("${{Arn}}:{key}::"),
                [("Arn", arn.clone())],
            )),
        }
    }
}
