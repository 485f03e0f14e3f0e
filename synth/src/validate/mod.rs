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
use crate::json::JsonValue;

/// One rendered resource, as the per-resource checks ([`names`], [`lint`], [`quotas`],
/// [`documents`]) read it, and the findings they make about its properties.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub type_name: &'a str,
    /// Its `Properties`, as rendered.
    pub props: &'a JsonValue,
    /// Its construct path.
    pub path: &'a str,
    pub logical_id: &'a str,
}

impl Resource<'_> {
    /// An error about `property` (dotted, below `Properties`) of this resource.
    pub fn error(
        &self,
        property: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Diagnostic {
        self.about(property, Diagnostic::error(self.path, message, fix))
    }

    /// A warning about `property` (dotted, below `Properties`) of this resource.
    pub fn warning(
        &self,
        property: &str,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Diagnostic {
        self.about(property, Diagnostic::warning(self.path, message, fix))
    }

    fn about(&self, property: &str, d: Diagnostic) -> Diagnostic {
        d.with_logical_id(self.logical_id)
            .with_property(format!("Properties.{property}"))
    }
}

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
