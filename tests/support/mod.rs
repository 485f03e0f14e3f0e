//! Helpers shared by the integration tests: the example templates and the official schemas
//! prepared for `jsonschema` (the independent oracle).
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::PathBuf;

/// The resources of template `t` of type `type_name`, with their logical ids.
pub fn of_type<'a>(t: &'a Value, type_name: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == type_name)
        .collect()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example stack, synthesized: (stack name, JSON text, template).
pub fn example_templates() -> Vec<(String, String, Value)> {
    let app = escdk_examples::app();
    app.synth(&[])
        .expect("the example app synthesizes")
        .into_iter()
        .map(|s| {
            let json = s.to_json();
            (s.stack_name.clone(), json, s.template().clone())
        })
        .collect()
}

/// The vendored schema of a resource type.
pub fn raw_schema(type_name: &str) -> Value {
    let file = root().join("synth/schemas").join(format!(
        "{}.json",
        type_name.to_lowercase().replace("::", "-")
    ));
    serde_json::from_str(&std::fs::read_to_string(&file).expect("schema is vendored"))
        .expect("schema parses")
}

fn intrinsic() -> Value {
    json!({
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "patternProperties": { "^(Ref|Condition|Fn::[A-Za-z0-9]+)$": {} },
        "additionalProperties": false
    })
}

/// Wraps every value position so an intrinsic function is accepted there.
fn accept_intrinsics(node: &mut Value) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    for key in ["properties", "patternProperties", "definitions"] {
        if let Some(Value::Object(children)) = obj.get_mut(key) {
            for child in children.values_mut() {
                accept_intrinsics(child);
                *child = json!({ "anyOf": [intrinsic(), child.take()] });
            }
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = obj.get_mut(key).filter(|c| c.is_object()) {
            accept_intrinsics(child);
            *child = json!({ "anyOf": [intrinsic(), child.take()] });
        }
    }
    for key in ["prefixItems", "oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(list)) = obj.get_mut(key) {
            for child in list {
                accept_intrinsics(child);
            }
        }
    }
    for key in ["if", "then", "else", "not"] {
        if let Some(child) = obj.get_mut(key) {
            accept_intrinsics(child);
        }
    }
}

/// Java's `\Z` / `\A` are the only constructs the oracle's regex engine (fancy-regex)
/// rejects; look-around is left as the schema wrote it, so the oracle checks our
/// translations of it independently.
fn java_anchors(node: &mut Value) {
    match node {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                if k == "pattern" {
                    if let Value::String(p) = v {
                        *p = p.replace(r"\Z", "$").replace(r"\A", "^");
                    }
                } else if k == "patternProperties" {
                    if let Value::Object(pp) = v {
                        let fixed: serde_json::Map<String, Value> = pp
                            .iter_mut()
                            .map(|(key, val)| {
                                java_anchors(val);
                                (key.replace(r"\Z", "$").replace(r"\A", "^"), val.take())
                            })
                            .collect();
                        *pp = fixed;
                    }
                } else {
                    java_anchors(v);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(java_anchors),
        _ => {}
    }
}

/// Draft-07 ignores keywords written beside `$ref`; CloudFormation's schemas mean them (a
/// table's `KeySchema` is a `$ref` with `maxItems: 2` beside it, and cfn-lint enforces it).
/// `{"$ref": X, ...}` becomes `{"allOf": [{"$ref": X}], ...}`, which draft-07 honors.
fn honor_ref_siblings(node: &mut Value) {
    match node {
        Value::Object(m) => {
            for v in m.values_mut() {
                honor_ref_siblings(v);
            }
            if m.len() > 1 {
                if let Some(r) = m.remove("$ref") {
                    match m.get_mut("allOf") {
                        Some(Value::Array(all)) => all.push(json!({ "$ref": r })),
                        _ => {
                            m.insert("allOf".into(), json!([{ "$ref": r }]));
                        }
                    }
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(honor_ref_siblings),
        _ => {}
    }
}

/// The schema as the oracle uses it: `handlers` (non-local `$ref`s) and `$schema` removed,
/// Java anchors rewritten, keywords beside `$ref` honored, intrinsics accepted wherever a value may stand.
pub fn oracle_schema(type_name: &str) -> Value {
    let mut s = raw_schema(type_name);
    if let Some(o) = s.as_object_mut() {
        o.remove("handlers");
        o.remove("$schema");
    }
    java_anchors(&mut s);
    // AWS's schemas mean the keywords beside `$ref` (cfn-lint enforces them). The Atlas
    // schemas are read as draft-07 reads them, siblings ignored: `Policies` items of
    // CloudBackupSchedule are `{"$ref": ApiPolicyView, "type": "array"}`, which is only
    // satisfiable with the `type` ignored, and an ApiPolicyView object is what MongoDB's
    // handler reads.
    if type_name.starts_with("AWS::") {
        honor_ref_siblings(&mut s);
    }
    accept_intrinsics(&mut s);
    s
}

pub fn oracle(type_name: &str) -> jsonschema::Validator {
    jsonschema::draft7::new(&oracle_schema(type_name))
        .unwrap_or_else(|e| panic!("{type_name}: {e}"))
}

/// The oracle's errors for one resource's properties.
pub fn oracle_errors(type_name: &str, properties: &Value) -> Vec<String> {
    oracle(type_name)
        .iter_errors(properties)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Two stacks of one app: `Shared` with a queue `Jobs`, and `Service` whose queue `Mirror`
/// dead-letters to it (an import of the queue's ARN in a resource property).
pub fn shared_and_consumer() -> escdk_synth::App {
    use escdk_constructs::sqs::{Queue, QueueProps};
    use escdk_synth::{cfn::sqs::CfnQueue, Json, Policy};
    let mut app = escdk_synth::App::new();
    let shared = app.stack("Shared");
    let service = app.stack("Service");
    let jobs = Queue::new(&shared.root(), "Jobs", QueueProps::default());
    let mirror = service.root().add(
        "Mirror",
        CfnQueue {
            sqs_managed_sse_enabled: Some(true.into()),
            message_retention_period: Some(1_209_600.into()),
            redrive_policy: Some(Json::object([
                ("deadLetterTargetArn", Json::from(jobs.arn())),
                ("maxReceiveCount", Json::from(3)),
            ])),
            ..Default::default()
        },
    );
    service.set_removal_policy(&mirror, Policy::Delete);
    app
}

/// An Aurora event store with `props` in a default VPC at the root of `stack`.
pub fn aurora_store(
    stack: &escdk_synth::Stack,
    props: escdk_constructs::AuroraEventStoreProps,
) -> escdk_constructs::AuroraEventStore {
    use escdk_constructs::ec2::{Vpc, VpcProps};
    let root = stack.root();
    let vpc = Vpc::new(&root, "Network", VpcProps::default());
    escdk_constructs::AuroraEventStore::new(&root, "EventStore", &vpc, props)
}
