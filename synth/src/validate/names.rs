//! Names that AWS constrains beyond what the resource schemas say, checked on literal
//! values of the rendered properties. (Where the schema already has the rule, as for
//! function, rule, role and bus names, the generated schema check reports it.)

use super::Resource;
use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;

struct NameRule {
    type_name: &'static str,
    property: &'static str,
    what: &'static str,
    min: usize,
    max: usize,
    allowed: fn(char) -> bool,
    allowed_text: &'static str,
}

const RULES: &[NameRule] = &[
    NameRule {
        type_name: "AWS::DynamoDB::Table",
        property: "TableName",
        what: "DynamoDB table names",
        min: 3,
        max: 255,
        allowed: |c| c.is_ascii_alphanumeric() || "_.-".contains(c),
        allowed_text: "letters, digits, `_`, `-` and `.`",
    },
    NameRule {
        type_name: "AWS::SQS::Queue",
        property: "QueueName",
        what: "SQS queue names",
        min: 1,
        max: 80,
        allowed: |c| c.is_ascii_alphanumeric() || "_-".contains(c),
        allowed_text: "letters, digits, `_` and `-` (plus the `.fifo` suffix of a FIFO queue)",
    },
    NameRule {
        type_name: "AWS::SNS::Topic",
        property: "TopicName",
        what: "SNS topic names",
        min: 1,
        max: 256,
        allowed: |c| c.is_ascii_alphanumeric() || "_-".contains(c),
        allowed_text: "letters, digits, `_` and `-` (plus the `.fifo` suffix of a FIFO topic)",
    },
];

fn fifo(props: &JsonValue, key: &str) -> bool {
    props.get(key).and_then(JsonValue::as_bool) == Some(true)
}

/// Checks the constrained names of one resource's rendered properties.
pub fn check(r: &Resource, diags: &mut Vec<Diagnostic>) {
    let (type_name, props) = (r.type_name, r.props);
    let mut report = |property: &str, message: String, fix: &str| {
        diags.push(r.error(property, message, fix));
    };
    for rule in RULES.iter().filter(|r| r.type_name == type_name) {
        let Some(name) = props.get(rule.property).and_then(JsonValue::as_str) else {
            continue;
        };
        let is_fifo = fifo(props, "FifoQueue") || fifo(props, "FifoTopic");
        let base = match name.strip_suffix(".fifo") {
            Some(b) if is_fifo => b,
            _ => name,
        };
        let len = name.chars().count();
        if len < rule.min || len > rule.max {
            report(
                rule.property,
                format!("`{name}` is {len} characters long; {} are {} to {} characters", rule.what, rule.min, rule.max),
                "choose a name within the limits, or leave the name unset and let CloudFormation generate one",
            );
        }
        let kind = if type_name.contains("SQS") {
            "queue"
        } else {
            "topic"
        };
        if !is_fifo && rule.property != "TableName" {
            if let Some(b) = name.strip_suffix(".fifo") {
                if b.chars().all(rule.allowed) {
                    let flag = if kind == "queue" {
                        "FifoQueue"
                    } else {
                        "FifoTopic"
                    };
                    report(
                        rule.property,
                        format!("`{name}` ends in `.fifo`, which only a FIFO {kind}'s name may"),
                        &format!(
                            "make it a FIFO {kind} ({flag}: true), or drop the `.fifo` suffix"
                        ),
                    );
                    continue;
                }
            }
        }
        if let Some(bad) = base.chars().find(|c| !(rule.allowed)(*c)) {
            report(
                rule.property,
                format!(
                    "`{name}` contains `{bad}`; {} allow only {}",
                    rule.what, rule.allowed_text
                ),
                "rename it using only the allowed characters",
            );
        }
        if is_fifo && !name.ends_with(".fifo") {
            report(
                rule.property,
                format!("`{name}` names a FIFO {kind}, which must end in `.fifo`"),
                "add the `.fifo` suffix",
            );
        }
    }
    if type_name == "AWS::Events::EventBus" {
        let name = props.get("Name").and_then(JsonValue::as_str);
        if name == Some("default") {
            report(
                "Name",
                "a custom event bus cannot be named `default` (that is the account's default bus)"
                    .into(),
                "choose another name",
            );
        } else if let Some(name) = name.filter(|n| n.contains('/')) {
            // The schema's pattern allows `/` for partner buses, which name their source.
            if props.get("EventSourceName").is_none() {
                report(
                    "Name",
                    format!("`{name}` contains `/`, which only a partner event bus's name (its event source's) may"),
                    "leave the `/` out of a custom event bus's name",
                );
            }
        }
    }
}

/// Properties that name a resource in its account and region (for rules, on their bus).
const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::CloudWatch::Alarm", "AlarmName"),
    ("AWS::DynamoDB::Table", "TableName"),
    ("AWS::Events::Archive", "ArchiveName"),
    ("AWS::Events::EventBus", "Name"),
    ("AWS::Events::Rule", "Name"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::Lambda::Function", "FunctionName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::SQS::Queue", "QueueName"),
];

/// Two resources of one type with the same literal name: CloudFormation would fail the
/// second at deploy time ("already exists"), so it is an error at synth.
pub fn check_unique(stack: &str, template: &JsonValue, diags: &mut Vec<Diagnostic>) {
    let Some(resources) = template.get("Resources").and_then(JsonValue::as_object) else {
        return;
    };
    let mut seen: std::collections::BTreeMap<(String, String), String> = Default::default();
    for (lid, r) in resources {
        let type_name = r.get("Type").and_then(JsonValue::as_str).unwrap_or("");
        let Some((_, prop)) = NAME_PROPERTIES.iter().find(|(t, _)| *t == type_name) else {
            continue;
        };
        let props = r.get("Properties");
        let Some(name) = props.and_then(|p| p.get(*prop)).and_then(JsonValue::as_str) else {
            continue;
        };
        // Rules are named per bus.
        let scope = props
            .and_then(|p| p.get("EventBusName"))
            .map(|b| b.to_string())
            .unwrap_or_default();
        let path = crate::metadata::construct_path(r)
            .unwrap_or(stack)
            .to_string();
        match seen.get(&(format!("{type_name}{scope}"), name.to_string())) {
            Some(first) => diags.push(
                Diagnostic::error(path, format!("{prop} `{name}` is already used by `{first}`: CloudFormation would fail to create the second {type_name}"), "give each its own name, or leave the name unset")
                    .with_logical_id(lid.clone())
                    .with_property(format!("Properties.{prop}")),
            ),
            None => {
                seen.insert((format!("{type_name}{scope}"), name.to_string()), path);
            }
        }
    }
}
