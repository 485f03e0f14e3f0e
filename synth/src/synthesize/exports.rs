//! Export names are unique in an account and region: CloudFormation refuses to create a
//! stack whose output exports a name another output already exports ("Export with name …
//! is already exported by stack …"). Two literal export names of the app's stacks that
//! deploy to the same environment are a synth error, naming both outputs; this covers
//! the exports escdk adds for cross-stack references too.

use super::Synthesized;
use crate::diagnostics::Diagnostic;
use crate::hashing::HashMap;
use crate::json::JsonValue;

/// An error for each literal export name that an earlier output (in `stacks`' order, then
/// the template's) of the same account and region exports already.
pub(crate) fn check_unique(stacks: &[Synthesized]) -> Vec<Diagnostic> {
    let mut first: HashMap<(&str, &Option<String>, &Option<String>), String> = HashMap::default();
    let mut diags = Vec::new();
    for s in stacks {
        let Some(outputs) = s.tree().get("Outputs").and_then(JsonValue::as_object) else {
            continue;
        };
        for (id, output) in outputs.iter() {
            let Some(name) = output
                .get("Export")
                .and_then(|e| e.get("Name"))
                .and_then(JsonValue::as_str)
            else {
                continue;
            };
            let at = format!("{}/Outputs/{}", s.stack_name, id.as_str());
            match first.get(&(name, &s.account, &s.region)) {
                Some(earlier) => diags.push(Diagnostic::error(
                    at,
                    format!("exports `{name}`, as {earlier} does: export names are unique in an account and region, and CloudFormation refuses the second"),
                    "give one of the exports another name",
                )),
                None => {
                    first.insert((name, &s.account, &s.region), at);
                }
            }
        }
    }
    diags
}
