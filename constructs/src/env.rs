//! What a construct hands to the services that use it: environment variables whose values
//! are plain values or references to a secret's JSON key, as ECS task definitions take them
//! (`Environment` and `Secrets`).

use escdk_synth::{fns, Expr, Json};

/// An environment variable's value: a value, or a reference to a secret's JSON key.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvValue {
    Value(Json),
    /// `ValueFrom`: `<secret arn>:<json key>::`.
    Secret(Expr),
}

impl EnvValue {
    /// A reference to the JSON key `key` of the secret `arn` (never its value).
    pub fn secret_key(arn: Expr, key: &str) -> EnvValue {
        EnvValue::Secret(fns::sub_with(format!("${{Arn}}:{key}::"), [("Arn", arn)]))
    }
}
