//! CloudFormation's quotas on one template, checked at synth.

use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;

pub const MAX_RESOURCES: usize = 500;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_MAPPINGS: usize = 200;
/// A template body passed inline to CreateStack / UpdateStack / CreateChangeSet.
pub const MAX_INLINE_BYTES: usize = 51_200;
/// A template uploaded to S3 and passed by URL.
pub const MAX_S3_BYTES: usize = 1_048_576;
pub const MAX_DESCRIPTION_BYTES: usize = 1_024;

fn count(template: &JsonValue, section: &str) -> usize {
    template
        .get(section)
        .and_then(JsonValue::as_object)
        .map_or(0, crate::json::JsonMap::len)
}

/// Checks counts and size; `size` is the byte length of the JSON that would be deployed.
pub fn check(stack: &str, template: &JsonValue, size: usize, diags: &mut Vec<Diagnostic>) {
    for (section, max, fix) in [
        (
            "Resources",
            MAX_RESOURCES,
            "split the system into several stacks",
        ),
        (
            "Parameters",
            MAX_PARAMETERS,
            "pass fewer parameters: use mappings or constants",
        ),
        (
            "Outputs",
            MAX_OUTPUTS,
            "keep only the outputs other stacks or people read",
        ),
        ("Mappings", MAX_MAPPINGS, "merge mappings"),
    ] {
        let n = count(template, section);
        if n > max {
            diags.push(Diagnostic::error(
                stack,
                format!(
                    "the template has {n} {}, more than CloudFormation's limit of {max}",
                    section.to_lowercase()
                ),
                fix,
            ));
        }
    }
    if let Some(d) = template.get("Description").and_then(JsonValue::as_str) {
        if d.len() > MAX_DESCRIPTION_BYTES {
            diags.push(Diagnostic::error(
                stack,
                format!(
                    "the description is {} bytes, more than the limit of {MAX_DESCRIPTION_BYTES}",
                    d.len()
                ),
                "shorten the stack description",
            ));
        }
    }
    if size > MAX_S3_BYTES {
        diags.push(Diagnostic::error(
            stack,
            format!("the template is {size} bytes, more than CloudFormation's limit of {MAX_S3_BYTES} bytes (1 MB), even through S3"),
            "split the system into several stacks",
        ));
    } else if size > MAX_INLINE_BYTES {
        // A note, not a warning: there is nothing to fix, and a warning on every synth of a
        // larger system (the platform's stacks are 100 KB) would teach users to skip them.
        diags.push(Diagnostic::info(
            stack,
            format!("the template is {size} bytes, more than the {MAX_INLINE_BYTES} bytes CloudFormation accepts inline: deploy passes it through the bootstrap bucket (run `bootstrap` once per account and region)"),
        ));
    }
}
