//! Exports that a deployed consumer still imports (the CDK's "deadly embrace",
//! aws/aws-cdk#7602).
//!
//! When stack B stops using a value of stack A, A's new template no longer exports it, and
//! CloudFormation refuses to update A while B's deployed template still imports it. Deploy
//! order (A before B) makes that certain. So before A is updated, every export its deployed
//! template has and its new template lacks is looked up: if a stack still imports it, the
//! export is kept in A's template (its old output, unchanged) for this update. Once the
//! consumers are deployed, A is deployed again without it, in the same run. `diff` says
//! which exports are kept and why.
//!
//! Who imports: CloudFormation's `ListImports`, and the deployed templates of the app's
//! other stacks (which is also what finds consumers where `ListImports` is unavailable).

use crate::aws::Aws;
use serde_json::Value;
use std::collections::BTreeMap;

/// The exports a template declares: export name -> (output id, the output).
pub fn exports_of(template: &Value) -> BTreeMap<String, (String, Value)> {
    template["Outputs"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(id, o)| {
            let name = o["Export"]["Name"].as_str()?;
            Some((name.to_string(), (id.clone(), o.clone())))
        })
        .collect()
}

/// Whether a template imports `export` (`Fn::ImportValue` of that literal name).
pub fn imports(template: &Value, export: &str) -> bool {
    match template {
        Value::Object(m) => m.iter().any(|(k, v)| {
            (k == "Fn::ImportValue" && v.as_str() == Some(export)) || imports(v, export)
        }),
        Value::Array(a) => a.iter().any(|v| imports(v, export)),
        _ => false,
    }
}

/// Exports the deployed template has and the new one lacks.
pub fn removed(deployed: &Value, new: &Value) -> Vec<(String, String, Value)> {
    let now = exports_of(new);
    exports_of(deployed)
        .into_iter()
        .filter(|(name, _)| !now.contains_key(name))
        .map(|(name, (id, output))| (name, id, output))
        .collect()
}

/// The stacks that import `export`: `ListImports` (every stack of the account and
/// region), plus the deployed templates of `app_stacks`.
pub async fn importers(aws: &Aws, export: &str, app_stacks: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        aws.call();
        let page = aws
            .cfn
            .list_imports()
            .export_name(export)
            .set_next_token(token.clone())
            .send()
            .await;
        let Ok(page) = page else { break };
        found.extend(page.imports().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    for s in app_stacks {
        if !found.contains(s) && imports(&aws.deployed_template(s).await, export) {
            found.push(s.clone());
        }
    }
    found.sort();
    found
}

/// The template with `kept` outputs added back, as deploy sends it.
pub fn with_outputs(template: &Value, kept: &[(String, String, Value)]) -> (Value, String) {
    let mut t = template.clone();
    if let Some(obj) = t.as_object_mut() {
        let outputs = obj
            .entry("Outputs")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Some(outputs) = outputs.as_object_mut() {
            for (_, id, output) in kept {
                outputs.insert(id.clone(), output.clone());
            }
        }
    }
    // The same text synth writes: its writer, over its tree.
    let body = escdk_synth::json_text::pretty(&escdk_synth::node::Node::from(&t));
    (t, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removed_exports_and_imports_are_found() {
        let old = json!({"Outputs": {
            "ExportQ": {"Value": {"Ref": "Q"}, "Export": {"Name": "A:Q"}},
            "ExportT": {"Value": {"Ref": "T"}, "Export": {"Name": "A:T"}},
        }});
        let new = json!({"Outputs": {
            "ExportT": {"Value": {"Ref": "T"}, "Export": {"Name": "A:T"}},
        }});
        let r = removed(&old, &new);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "A:Q");
        let consumer = json!({"Resources": {"F": {"Properties": {"Environment": {"Variables": {"Q": {"Fn::ImportValue": "A:Q"}}}}}}});
        assert!(imports(&consumer, "A:Q"));
        assert!(!imports(&consumer, "A:T"));
        let (t, body) = with_outputs(&new, &r);
        assert_eq!(t["Outputs"]["ExportQ"]["Export"]["Name"], "A:Q");
        assert!(body.ends_with("}\n"));
    }
}
