//! Statements every resource policy of ours carries, built one way.

use super::principal::Principal;
use super::statement::PolicyStatement;
use escdk_synth::Expr;

/// Denies `action` (e.g. `s3:*`, the service's whole namespace) on `resources` to anyone
/// whose request did not come over TLS.
pub fn deny_insecure_transport(
    action: &str,
    resources: impl IntoIterator<Item = Expr>,
) -> PolicyStatement {
    PolicyStatement::deny([action], resources)
        .sid("DenyInsecureTransport")
        .principal(Principal::Anyone)
        .condition("Bool", "aws:SecureTransport", "false")
}
