//! Identity policies: no wildcard action, and `*` as the resource only for the actions that
//! have no resource-level permission.

use super::check::Subject;
use crate::json::JsonValue as Value;

/// Actions IAM cannot scope to a resource: `Resource: "*"` is the only way to grant them.
/// Each is named, with what needs it.
pub const ANY_RESOURCE_ACTIONS: &[&str] = &[
    // Pulling from or pushing to ECR starts with a registry-wide token.
    "ecr:GetAuthorizationToken",
    // Lambda lists a table's streams before reading the one mapped.
    "dynamodb:ListStreams",
    // X-Ray tracing and custom metrics.
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "cloudwatch:PutMetricData",
];

fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The inline policy documents of a role, user or group, or the document of a policy.
fn documents<'a>(s: &Subject<'a>) -> Vec<&'a Value> {
    match s.type_name() {
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => vec![s.prop("PolicyDocument")],
        _ => list(s.prop("Policies"))
            .into_iter()
            .map(|p| &p["PolicyDocument"])
            .collect(),
    }
}

/// No `Allow` of a wildcard action (`*`, `s3:*`, `s3:Get*`), and no `Resource: "*"` but for
/// [`ANY_RESOURCE_ACTIONS`].
pub fn no_wildcards(s: &Subject) -> Option<String> {
    let mut found = Vec::new();
    for doc in documents(s) {
        for st in list(&doc["Statement"]) {
            if st["Effect"] != "Allow" {
                continue;
            }
            let actions: Vec<&str> = list(&st["Action"])
                .into_iter()
                .filter_map(Value::as_str)
                .collect();
            if st.get("NotAction").is_some() {
                found.push("an Allow with NotAction (everything else)".to_string());
            }
            for a in actions.iter().filter(|a| a.contains('*')) {
                found.push(format!("action `{a}`"));
            }
            let any_resource = list(&st["Resource"])
                .iter()
                .any(|r| r.as_str() == Some("*"));
            if any_resource {
                for a in actions.iter().filter(|a| !ANY_RESOURCE_ACTIONS.contains(a)) {
                    found.push(format!("`{a}` on every resource"));
                }
            }
        }
    }
    (!found.is_empty()).then(|| found.join(", "))
}
