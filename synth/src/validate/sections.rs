//! The template's sections other than resources' properties, as CloudFormation requires
//! them: removal policies a resource's type takes, a condition is a condition function, an output a string with a short description and a
//! named export, a mapping two levels of names CloudFormation accepts; and what is
//! declared but never used (cfn-lint's W2001, W7001, W8001), which is a warning.

use super::functions::{self, Finding, Yields};
use crate::diagnostics::{Diagnostic, Severity};
use crate::json::JsonValue;
use crate::parts::{Policy, ResourceOptions};

fn finding(message: impl Into<String>, fix: impl Into<String>) -> Option<Finding> {
    Some((message.into(), fix.into()))
}

/// A condition's definition: `Fn::And`, `Fn::Or`, `Fn::Not`, `Fn::Equals` or another
/// condition.
pub fn condition(definition: &JsonValue) -> Option<Finding> {
    if functions::is_condition(definition) {
        return None;
    }
    finding(
        "a condition must be `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` or `{\"Condition\": name}`",
        "build it with fns::equals, fns::and, fns::or or fns::not",
    )
}

/// CloudFormation's limit on an output's description.
const MAX_DESCRIPTION: usize = 1024;

/// An output: its value a string ("Every Value member must be a string"), its description
/// at most 1,024 characters, an export a name.
pub fn output(output: &JsonValue, list_param: &dyn Fn(&str) -> bool) -> Option<Finding> {
    let value = output.get("Value").unwrap_or(&JsonValue::Null);
    if matches!(
        functions::yields(value, list_param),
        Yields::List | Yields::Object
    ) {
        return finding(
            "an output's value must be a string; this is a list or an object",
            "output a string: fns::join(\",\", list) for a list, or one of its members (fns::select)",
        );
    }
    if let Some(d) = output.get("Description").and_then(JsonValue::as_str) {
        let n = d.chars().count();
        if n > MAX_DESCRIPTION {
            return finding(
                format!("the output's description is {n} characters, more than the {MAX_DESCRIPTION} CloudFormation accepts"),
                "shorten the description",
            );
        }
    }
    let export = output.get("Export").map(|e| e.get("Name"));
    if let Some(name) = export {
        if name.is_none_or(|n| n.as_str().is_some_and(str::is_empty)) {
            return finding(
                "the output's export has no name",
                "give the export a name, or leave the output unexported",
            );
        }
    }
    None
}

/// A resource's removal policies, each a finding with the attribute it is about: `Snapshot`
/// only for the types CloudFormation can snapshot, `UpdateReplacePolicy` without
/// `RetainExceptOnCreate` (it has no such value): errors; a `DeletionPolicy` that keeps
/// the resource without an `UpdateReplacePolicy` that does, whose replacement deletes it
/// all the same (cfn-lint W3011): a warning, the `bool` false.
/// The removal-policy findings of one resource, at its construct path.
pub fn check_removal(
    type_name: &str,
    options: &ResourceOptions,
    path: &str,
    lid: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let found = removal_policies(
        type_name,
        options.deletion_policy,
        options.update_replace_policy,
    );
    for (attribute, error, (message, fix)) in found {
        let mut d = Diagnostic::error(path, message, fix)
            .with_logical_id(lid)
            .with_property(attribute);
        if !error {
            d.severity = Severity::Warning;
        }
        diags.push(d);
    }
}

fn removal_policies(
    type_name: &str,
    deletion: Option<Policy>,
    replace: Option<Policy>,
) -> Vec<(&'static str, bool, Finding)> {
    let mut found = Vec::new();
    for (attribute, policy) in [
        ("DeletionPolicy", deletion),
        ("UpdateReplacePolicy", replace),
    ] {
        if policy == Some(Policy::Snapshot) && !Policy::can_snapshot(type_name) {
            found.push((
                attribute,
                true,
                (
                    format!("`{type_name}` cannot be snapshotted: CloudFormation takes `Snapshot` only for RDS, Aurora, DocumentDB, Neptune, ElastiCache, Redshift and EBS volumes"),
                    "use Policy::Retain to keep the resource".to_string(),
                ),
            ));
        }
    }
    if replace == Some(Policy::RetainExceptOnCreate) {
        found.push((
            "UpdateReplacePolicy",
            true,
            (
                "`RetainExceptOnCreate` is a DeletionPolicy only; UpdateReplacePolicy takes Delete, Retain or Snapshot".to_string(),
                "use Policy::Retain (Stack::set_removal_policy sets both policies)".to_string(),
            ),
        ));
    }
    let keeps = |p: Option<Policy>| p.is_some_and(|p| p != Policy::Delete);
    if keeps(deletion) && replace.is_none() {
        found.push((
            "UpdateReplacePolicy",
            false,
            (
                "the resource is kept on delete but not on replacement: an update that replaces it deletes the old one".to_string(),
                "set UpdateReplacePolicy too (Stack::set_removal_policy sets both)".to_string(),
            ),
        ));
    }
    found
}

/// Whether `key` is made of the bytes `allowed` accepts, and 1 to 255 of them.
fn key_ok(key: &str, allowed: impl Fn(u8) -> bool) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(allowed)
}

/// A mapping: 1 to 200 top-level keys of letters, digits, `.` and `-`, each an object of 1
/// to 200 second-level keys of letters and digits, whose values are strings, numbers,
/// booleans or lists.
pub fn mapping(mapping: &JsonValue) -> Option<Finding> {
    let Some(top) = mapping.as_object().filter(|m| (1..=200).contains(&m.len())) else {
        return finding(
            "a mapping is an object of 1 to 200 top-level keys, each an object of values",
            "Stack::add_mapping(name, Json::object([(\"key\", Json::object([(\"name\", value)]))]))",
        );
    };
    for (key, entry) in top.iter() {
        let key = key.as_str();
        if !key_ok(key, |b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
            return finding(
                format!("mapping key `{key}` is not valid: CloudFormation accepts letters, digits, `.` and `-`"),
                "rename the key",
            );
        }
        let Some(second) = entry.as_object().filter(|m| (1..=200).contains(&m.len())) else {
            return finding(
                format!("mapping key `{key}` must hold an object of 1 to 200 named values"),
                "give the key an object: Json::object([(\"name\", value)])",
            );
        };
        for (name, value) in second.iter() {
            let name = name.as_str();
            if !key_ok(name, |b| b.is_ascii_alphanumeric()) {
                return finding(
                    format!("mapping key `{key}` has the name `{name}`: CloudFormation accepts letters and digits only"),
                    "rename it",
                );
            }
            if value.is_null() || value.is_object() {
                return finding(
                    format!(
                        "mapping value `{key}.{name}` must be a string, number, boolean or list"
                    ),
                    "give a plain value",
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(v: serde_json::Value) -> JsonValue {
        v.into()
    }

    #[test]
    fn output_values_must_be_strings() {
        let list = |p: &str| p == "Subnets";
        for v in [
            json!(["a"]),
            json!({"a": 1}),
            json!({"Fn::GetAZs": ""}),
            json!({"Ref": "Subnets"}),
            json!({"Fn::If": ["C", ["a"], {"Ref": "AWS::NoValue"}]}),
        ] {
            assert!(output(&node(json!({ "Value": v })), &list).is_some(), "{v}");
        }
        for v in [
            json!("a"),
            json!(5),
            json!(true),
            json!({"Ref": "Q"}),
            json!({"Fn::GetAtt": ["Q", "Arn"]}),
            json!({"Fn::If": ["C", "a", {"Ref": "AWS::NoValue"}]}),
        ] {
            assert!(output(&node(json!({ "Value": v })), &list).is_none(), "{v}");
        }
        let long = node(json!({"Value": "a", "Description": "d".repeat(1025)}));
        assert!(output(&long, &list).unwrap().0.contains("1025 characters"));
        let unnamed = node(json!({"Value": "a", "Export": {"Name": ""}}));
        assert!(output(&unnamed, &list).unwrap().0.contains("no name"));
    }

    #[test]
    fn mappings_have_two_levels_of_valid_names() {
        assert_eq!(
            mapping(&node(json!({"us-east-1.a": {"Ami1": "x", "L": [1]}}))),
            None
        );
        for (m, expected) in [
            (json!({}), "1 to 200 top-level keys"),
            (json!({"k": "x"}), "must hold an object"),
            (json!({"k": {}}), "must hold an object"),
            (json!({"k k": {"v": "x"}}), "`k k` is not valid"),
            (json!({"k": {"v-1": "x"}}), "letters and digits only"),
            (
                json!({"k": {"v": {"a": 1}}}),
                "string, number, boolean or list",
            ),
        ] {
            let found = mapping(&node(m.clone())).map(|f| f.0).unwrap_or_default();
            assert!(found.contains(expected), "{m}: {found}");
        }
    }

    #[test]
    fn removal_policies_are_ones_the_type_takes() {
        use Policy::*;
        let of = |t: &str, d: Option<Policy>, r: Option<Policy>| {
            removal_policies(t, d, r)
                .into_iter()
                .map(|(a, error, _)| (a, error))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of("AWS::RDS::DBCluster", Some(Snapshot), Some(Snapshot)),
            []
        );
        assert_eq!(
            of("AWS::SQS::Queue", Some(RetainExceptOnCreate), Some(Retain)),
            []
        );
        assert_eq!(of("AWS::SQS::Queue", Some(Delete), None), []);
        assert_eq!(
            of("AWS::SQS::Queue", Some(Snapshot), Some(Retain)),
            [("DeletionPolicy", true)]
        );
        assert_eq!(
            of("AWS::SQS::Queue", Some(Retain), Some(RetainExceptOnCreate)),
            [("UpdateReplacePolicy", true)]
        );
        assert_eq!(
            of("AWS::SQS::Queue", Some(Retain), None),
            [("UpdateReplacePolicy", false)]
        );
    }

    #[test]
    fn conditions_are_condition_functions() {
        assert_eq!(condition(&node(json!({"Fn::Equals": ["a", "b"]}))), None);
        assert_eq!(condition(&node(json!({"Condition": "A"}))), None);
        assert!(condition(&node(json!({"Fn::Not": [{"Condition": "A"}]}))).is_none());
        assert!(condition(&node(json!({"Ref": "AWS::Region"}))).is_some());
        assert!(condition(&node(json!(true))).is_some());
    }
}
