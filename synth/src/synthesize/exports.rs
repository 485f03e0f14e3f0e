//! What CloudFormation refuses of exports and imports, checked at synth. An import is read
//! only in the account and region of its export, and only while the resource exists
//! ([`check_import`]).
//!
//! Export names are unique in an account and region: CloudFormation refuses to create a
//! stack whose output exports a name another output already exports ("Export with name …
//! is already exported by stack …"). Two literal export names of the app's stacks that
//! deploy to the same environment are a synth error, naming both outputs; this covers
//! the exports escdk adds for cross-stack references too.

use super::Synthesized;
use crate::cross_stack::Import;
use crate::diagnostics::Diagnostic;
use crate::hashing::HashMap;
use crate::json::{JsonMap, JsonValue};
use crate::stack::Stack;

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

/// What CloudFormation would refuse of an import by `consumer` from the stack `producer`
/// and its rendered template `produced`: an export is read only in the account and region that holds it, and exists
/// only while the resource it names does (not when the resource's condition is false).
/// `user` is where the consumer uses the value.
pub(crate) fn check_import(
    consumer: &Stack,
    producer: &Stack,
    produced: &JsonMap,
    import: &Import,
    user: &str,
) -> Option<Diagnostic> {
    let (theirs, ours) = (producer.props().env, consumer.props().env);
    let other = producer.name();
    if theirs != ours {
        let describe = |env: &crate::Environment| match (&env.account, &env.region) {
            (Some(a), Some(r)) => format!("account {a}, region {r}"),
            (None, Some(r)) => format!("region {r} of the deploying account"),
            (Some(a), None) => format!("account {a}, in the deploying region"),
            (None, None) => "the deploying credentials' account and region".to_string(),
        };
        return Some(Diagnostic::error(
            user,
            format!(
                "uses `{}` of stack `{other}`, which deploys to {} while this stack deploys to {}: \
                 CloudFormation reads an export (Fn::ImportValue) only in the account and region \
                 that holds it",
                import.name,
                describe(&theirs),
                describe(&ours),
            ),
            "give both stacks the same StackProps::env (both environment-agnostic, or the same \
             account and region), or pass the value in another way, such as a stack parameter",
        ));
    }
    let condition = produced
        .get("Resources")
        .and_then(|r| r.get(&import.name))
        .and_then(|r| r.get("Condition"))
        .and_then(JsonValue::as_str)?;
    Some(Diagnostic::error(
        user,
        format!(
            "uses `{}` of stack `{other}`, which exists only when its condition `{condition}` is \
             true: when it is false, neither the resource nor its export exists, and \
             CloudFormation refuses both stacks' templates",
            import.name
        ),
        format!(
            "keep the resource unconditional, or use it only in stack `{other}`, under the same \
             condition (`{condition}`)"
        ),
    ))
}
