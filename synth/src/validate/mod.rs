//! Checks run at synth, before anything is written: schema constraints (generated into
//! [`crate::cfn`]), AWS naming rules ([`names`]), policy documents and event patterns
//! ([`documents`]), references ([`references`]), intrinsic functions' arguments
//! ([`functions`]), the template's other sections ([`sections`]), CloudFormation's limits
//! ([`limits`]) and service quotas a template can be seen to break ([`quotas`]).

pub mod documents;
pub mod functions;
pub mod limits;
pub mod lint;
pub mod names;
pub mod parameters;
pub mod quotas;
pub mod references;
pub mod sections;

use crate::diagnostics::Diagnostic;

/// CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most.
pub fn stack_name(name: &str, diags: &mut Vec<Diagnostic>) {
    let valid = (1..=128).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        diags.push(Diagnostic::error(
            name,
            format!("stack name `{name}` is not valid: CloudFormation wants a letter, then letters, digits and hyphens, 128 characters at most"),
            "rename the stack",
        ));
    }
}
