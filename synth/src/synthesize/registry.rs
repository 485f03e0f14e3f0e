//! Third-party registry types (`MongoDB::Atlas::Cluster`, ...) exist in an account and
//! region only once activated (`AWS::CloudFormation::TypeActivation`). CloudFormation checks
//! a template's types when it creates the change set, so the activation must be deployed
//! before the stack that uses the type: in another stack of the app that this one depends
//! on. A use without one is a synth error here, not a failed deploy.

use super::Synthesized;
use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;
use std::collections::BTreeSet;

/// Whether CloudFormation knows the type without an activation.
fn built_in(type_name: &str) -> bool {
    ["AWS::", "Custom::", "Alexa::"]
        .iter()
        .any(|p| type_name.starts_with(p))
        || type_name == "AWS::CloudFormation::CustomResource"
}

/// The type a `TypeActivation` activates: its `TypeName`, or the last part of its public type
/// ARN (`…/MongoDB-Atlas-Cluster`), literal or in `Fn::Sub`.
fn activated_type(properties: &JsonValue) -> Option<String> {
    if let Some(name) = properties["TypeName"].as_str() {
        return Some(name.to_string());
    }
    let arn = match &properties["PublicTypeArn"] {
        JsonValue::String(s) => s.as_str(),
        JsonValue::Object(o) => o.get("Fn::Sub").and_then(JsonValue::as_str)?,
        _ => return None,
    };
    Some(arn.rsplit('/').next()?.replace('-', "::"))
}

fn activations(s: &Synthesized) -> BTreeSet<String> {
    s.tree()["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == "AWS::CloudFormation::TypeActivation")
        .filter_map(|(_, r)| activated_type(&r["Properties"]))
        .collect()
}

/// Every use of a registry type that no stack this one depends on (directly or not)
/// activates.
pub(crate) fn check_activations(all: &[Synthesized]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for s in all {
        let mut before = BTreeSet::new();
        let mut queue: Vec<&str> = s.dependencies.iter().map(String::as_str).collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = queue.pop() {
            if !seen.insert(name) {
                continue;
            }
            if let Some(d) = all.iter().find(|o| o.stack_name == name) {
                before.extend(activations(d));
                queue.extend(d.dependencies.iter().map(String::as_str));
            }
        }
        let here = activations(s);
        for (lid, r) in s.tree()["Resources"].as_object().into_iter().flatten() {
            let type_name = r["Type"].as_str().unwrap_or("");
            if built_in(type_name) || before.contains(type_name) {
                continue;
            }
            let path = crate::metadata::construct_path(r).unwrap_or(lid);
            let (message, fix) = if here.contains(type_name) {
                (
                    format!("uses `{type_name}`, which is activated in the same stack: CloudFormation checks types before it creates anything"),
                    "activate registry types in their own stack, and make this stack depend on it".to_string(),
                )
            } else {
                (
                    format!("uses the registry type `{type_name}`, and no stack this one depends on activates it"),
                    format!("add a stack with an AWS::CloudFormation::TypeActivation for `{type_name}` (for MongoDB Atlas: AtlasActivation::new(&app, ..)) and make `{}` depend on it", s.stack_name),
                )
            };
            diags.push(Diagnostic::error(path, message, fix).with_logical_id(lid.clone()));
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_activated_type_comes_from_the_name_or_the_arn() {
        assert_eq!(
            activated_type(
                &json!({"PublicTypeArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}::type/resource/bb98/MongoDB-Atlas-Cluster"}}).into()
            ),
            Some("MongoDB::Atlas::Cluster".into())
        );
        assert_eq!(
            activated_type(&json!({"TypeName": "MongoDB::Atlas::Project"}).into()),
            Some("MongoDB::Atlas::Project".into())
        );
        assert!(built_in("AWS::S3::Bucket") && built_in("Custom::Schema"));
        assert!(!built_in("MongoDB::Atlas::Cluster"));
    }
}
