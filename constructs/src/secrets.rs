//! Secrets Manager secrets whose value AWS generates: the one way constructs make a
//! credential, so that no password is ever in a template.

use escdk_synth::cfn::secretsmanager::{secret, CfnSecret};

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
