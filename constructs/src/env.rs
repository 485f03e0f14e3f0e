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
    },
}

impl EnvValue {
    /// A reference to the JSON key `key` of the secret `arn` (never its value).
    pub fn secret_key(arn: Expr, key: &str) -> EnvValue {
        EnvValue::Secret {
            arn,
            key: key.to_string(),
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
            EnvValue::Secret { arn, key } => Some(fns::sub_with(
                format!("${{Arn}}:{key}::"),
                [("Arn", arn.clone())],
            )),
        }
    }
}
