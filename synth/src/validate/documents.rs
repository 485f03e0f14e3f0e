//! Documents the resource schemas type only as JSON, checked as the services read them (and
//! as cfn-lint's IAM policy and event pattern rules do): IAM policy documents (identity,
//! trust and resource policies) and EventBridge event patterns. A document given as a JSON
//! string is parsed first. Intrinsic values inside a document are known at deploy time only
//! and are left alone.

use super::Resource;
use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;
use crate::l1::shape::is_intrinsic;
use crate::l1::Format;

/// What a document is, and so which rules apply.
#[derive(Clone, Copy, PartialEq)]
enum Doc {
    /// Attached to a role, user or group: no principal, a resource in every statement.
    Identity,
    /// A role's trust policy: a principal, no resource.
    Trust,
    /// Attached to a resource: a principal in every statement.
    Resource,
    /// An EventBridge event pattern.
    EventPattern,
}

/// Where documents live: (type, dotted path below `Properties`, `[]` for each list item).
const DOCUMENTS: &[(&str, &str, Doc)] = &[
    ("AWS::IAM::Policy", "PolicyDocument", Doc::Identity),
    ("AWS::IAM::Role", "Policies[].PolicyDocument", Doc::Identity),
    ("AWS::IAM::User", "Policies[].PolicyDocument", Doc::Identity),
    ("AWS::IAM::Role", "AssumeRolePolicyDocument", Doc::Trust),
    ("AWS::KMS::Key", "KeyPolicy", Doc::Resource),
    ("AWS::S3::BucketPolicy", "PolicyDocument", Doc::Resource),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", Doc::Resource),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", Doc::Resource),
    (
        "AWS::DynamoDB::Table",
        "ResourcePolicy.PolicyDocument",
        Doc::Resource,
    ),
    ("AWS::Events::EventBus", "Policy", Doc::Resource),
    (
        "AWS::ECR::Repository",
        "RepositoryPolicyText",
        Doc::Resource,
    ),
    ("AWS::EC2::VPCEndpoint", "PolicyDocument", Doc::Resource),
    ("AWS::Events::Rule", "EventPattern", Doc::EventPattern),
    ("AWS::Events::Archive", "EventPattern", Doc::EventPattern),
];

const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// EventBridge's content filters (an object in a pattern's list of values).
const CONTENT_FILTERS: &[&str] = &[
    "prefix",
    "suffix",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
    "equals-ignore-case",
    "wildcard",
];

struct Finding {
    property: String,
    message: String,
    fix: String,
}

/// Where a finding is, below `Properties`, spelled out only for a finding: a place in
/// [`DOCUMENTS`] (each `[]` filled with the item's index), then keys and list items.
#[derive(Clone, Copy)]
enum At<'p> {
    Document {
        path: &'static str,
        items: &'p [usize],
    },
    Key(&'p At<'p>, &'p str),
    Item(&'p At<'p>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Document { path, items } => {
                let mut parts = path.split("[]");
                f.write_str(parts.next().unwrap_or_default())?;
                for (part, i) in parts.zip(items.iter()) {
                    write!(f, "[{i}]{part}")?;
                }
                Ok(())
            }
            At::Key(parent, key) => write!(f, "{parent}.{key}"),
            At::Item(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Records a finding: where, what, and the fix.
type Add<'f> = dyn FnMut(&At, String, &str) + 'f;

/// Checks the documents of one resource's rendered properties.
pub fn check(r: &Resource, diags: &mut Vec<Diagnostic>) {
    let (type_name, props) = (r.type_name, r.props);
    let mut findings = Vec::new();
    for (t, at, doc) in DOCUMENTS {
        if *t != type_name {
            continue;
        }
        // Where the schema gives the property `format: json`, its rule already reports a
        // string that does not parse (asked only for such a string).
        let parsed_by_schema = || {
            crate::cfn::shape_of(type_name)
                .and_then(|s| s.rule_at(&at.replace("[]", "")))
                .is_some_and(|r| r.formats.iter().any(|f| matches!(f, Format::Json)))
        };
        let mut found = Vec::new();
        locate(props, at, &mut Vec::new(), &mut found);
        for (items, value) in found {
            let here = At::Document {
                path: at,
                items: &items,
            };
            document(&here, value, *doc, &parsed_by_schema, &mut findings);
        }
    }
    for f in findings {
        diags.push(r.error(&f.property, f.message, f.fix));
    }
}

/// The values at a dotted path (`Policies[].PolicyDocument`), each with the indices of
/// the list items on its way (`items` holds those above `v`).
fn locate<'a>(
    v: &'a JsonValue,
    at: &str,
    items: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, &'a JsonValue)>,
) {
    let (head, rest) = at.split_once('.').unwrap_or((at, ""));
    let (key, each) = match head.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (head, false),
    };
    let Some(child) = v.get(key) else {
        return;
    };
    let mut visit = |value: &'a JsonValue, items: &mut Vec<usize>| {
        if rest.is_empty() {
            out.push((items.clone(), value));
        } else {
            locate(value, rest, items, out);
        }
    };
    match (each, child) {
        (true, JsonValue::Array(list)) => {
            for (i, item) in list.iter().enumerate() {
                items.push(i);
                visit(item, items);
                items.pop();
            }
        }
        (true, _) => {}
        (false, value) => visit(value, items),
    }
}

fn document(
    property: &At,
    value: &JsonValue,
    doc: Doc,
    parsed_by_schema: &dyn Fn() -> bool,
    out: &mut Vec<Finding>,
) {
    if is_intrinsic(value) {
        return;
    }
    let parsed;
    let value = match value {
        JsonValue::String(text) => match serde_json::from_str::<JsonValue>(text) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) if parsed_by_schema() => return,
            Err(e) => {
                out.push(Finding {
                    property: property.to_string(),
                    message: format!("the document is a string that is not JSON ({e})"),
                    fix: "give the document as an object".to_string(),
                });
                return;
            }
        },
        v => v,
    };
    let mut add = |at: &At, message: String, fix: &str| {
        out.push(Finding {
            property: at.to_string(),
            message,
            fix: fix.to_string(),
        })
    };
    match doc {
        Doc::EventPattern => pattern(property, value, true, &mut add),
        _ => policy(property, value, doc, &mut add),
    }
}

fn policy(at: &At, v: &JsonValue, doc: Doc, add: &mut Add) {
    let Some(o) = v.as_object() else {
        return add(
            at,
            "a policy document must be an object".into(),
            "give {\"Version\": \"2012-10-17\", \"Statement\": [...]}",
        );
    };
    for k in o.keys() {
        if !["Version", "Id", "Statement"].contains(&k.as_str()) {
            add(
                &At::Key(at, k),
                format!("`{k}` is not a key of a policy document"),
                "use Version, Id and Statement",
            );
        }
    }
    if let Some(version) = o.get("Version").filter(|v| !is_intrinsic(v)) {
        if !matches!(version.as_str(), Some("2012-10-17" | "2008-10-17")) {
            add(
                &At::Key(at, "Version"),
                format!("policy version {version} does not exist"),
                "use \"2012-10-17\"",
            );
        }
    }
    let statements: Vec<&JsonValue> = match o.get("Statement") {
        None => {
            return add(
                at,
                "the policy document has no `Statement`".into(),
                "add at least one statement",
            )
        }
        Some(JsonValue::Array(items)) if items.is_empty() => {
            return add(
                &At::Key(at, "Statement"),
                "the policy document has no statement".into(),
                "add at least one statement",
            )
        }
        Some(JsonValue::Array(items)) => items.iter().collect(),
        Some(s) if is_intrinsic(s) => return,
        Some(s) => vec![s],
    };
    for (i, s) in statements.iter().enumerate() {
        statement(&At::Item(&At::Key(at, "Statement"), i), s, doc, add);
    }
}

fn statement(at: &At, s: &JsonValue, doc: Doc, add: &mut Add) {
    if is_intrinsic(s) {
        return;
    }
    let Some(o) = s.as_object() else {
        return add(
            at,
            "a statement must be an object".into(),
            "give Effect, Action and Resource (or Principal)",
        );
    };
    for k in o.keys() {
        if !STATEMENT_KEYS.contains(&k.as_str()) {
            add(
                &At::Key(at, k),
                format!("`{k}` is not a key of a policy statement"),
                &format!("use {}", STATEMENT_KEYS.join(", ")),
            );
        }
    }
    match o.get("Effect") {
        None => add(
            at,
            "the statement has no `Effect`".into(),
            "set \"Effect\": \"Allow\" or \"Deny\"",
        ),
        Some(e) if is_intrinsic(e) || matches!(e.as_str(), Some("Allow" | "Deny")) => {}
        Some(e) => add(
            &At::Key(at, "Effect"),
            format!("effect {e} is neither Allow nor Deny"),
            "use \"Allow\" or \"Deny\"",
        ),
    }
    let has = |k: &str| o.get(k).is_some();
    let one_of = |a: &str, b: &str| has(a) as u8 + has(b) as u8;
    if one_of("Action", "NotAction") != 1 {
        add(
            at,
            "a statement needs exactly one of `Action` and `NotAction`".into(),
            "give the actions the statement allows or denies",
        );
    }
    if one_of("Resource", "NotResource") > 1 || one_of("Principal", "NotPrincipal") > 1 {
        add(
            at,
            "a statement has both a key and its `Not` form".into(),
            "keep one of Resource/NotResource and one of Principal/NotPrincipal",
        );
    }
    match doc {
        Doc::Identity => {
            if one_of("Principal", "NotPrincipal") > 0 {
                add(
                    at,
                    "a policy attached to a role or user cannot name a principal".into(),
                    "remove Principal; the policy applies to the identity it is attached to",
                );
            }
            if one_of("Resource", "NotResource") == 0 {
                add(
                    at,
                    "the statement names no resource".into(),
                    "give the ARNs the actions apply to (\"*\" only for actions without resource-level permissions)",
                );
            }
            if let Some(sid) = o.get("Sid").and_then(JsonValue::as_str) {
                if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                    add(
                        &At::Key(at, "Sid"),
                        format!("statement id `{sid}` has characters IAM refuses"),
                        "use letters and digits only",
                    );
                }
            }
        }
        Doc::Trust | Doc::Resource => {
            if one_of("Principal", "NotPrincipal") == 0 {
                add(
                    at,
                    "the statement names no principal".into(),
                    "give the Principal the statement allows or denies",
                );
            }
            if doc == Doc::Trust && one_of("Resource", "NotResource") > 0 {
                add(
                    at,
                    "a trust policy cannot name a resource".into(),
                    "remove Resource; the role is the resource",
                );
            }
        }
        Doc::EventPattern => {}
    }
    for key in ["Action", "NotAction"] {
        let values: Vec<&JsonValue> = match o.get(key) {
            Some(JsonValue::Array(a)) => a.iter().collect(),
            Some(v) => vec![v],
            None => continue,
        };
        for v in values {
            match v.as_str() {
                Some(a) if a == "*" || is_action(a) => {}
                Some(a) => add(
                    &At::Key(at, key),
                    format!("`{a}` is not an action (`service:Action`)"),
                    "write actions as `service:Action`, for example `sqs:SendMessage`",
                ),
                None if is_intrinsic(v) => {}
                None => add(
                    &At::Key(at, key),
                    format!("{v} is not an action"),
                    "give actions as strings",
                ),
            }
        }
    }
    if let Some(c) = o.get("Condition").filter(|c| !is_intrinsic(c)) {
        let ok = c
            .as_object()
            .is_some_and(|ops| ops.values().all(|v| v.is_object() || is_intrinsic(v)));
        if !ok {
            add(
                &At::Key(at, "Condition"),
                "a condition must map operators to objects of keys and values".into(),
                "write {\"StringEquals\": {\"aws:SourceAccount\": \"...\"}}",
            );
        }
    }
}

/// `service:Action`, with `*` and `?` wildcards in the action.
fn is_action(a: &str) -> bool {
    let Some((service, action)) = a.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !action.is_empty()
        && action
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "*?-_".contains(c))
}

fn pattern(at: &At, v: &JsonValue, top: bool, add: &mut Add) {
    let Some(o) = v.as_object() else {
        return add(
            at,
            "an event pattern must be an object".into(),
            "give {\"source\": [\"...\"], \"detail-type\": [\"...\"]}",
        );
    };
    if o.is_empty() {
        add(
            at,
            if top {
                "the event pattern is empty".into()
            } else {
                "an event pattern cannot hold an empty object".into()
            },
            "match at least one field",
        );
    }
    for (k, value) in o {
        let here = At::Key(at, k);
        match value {
            JsonValue::Object(_) if is_intrinsic(value) => {}
            JsonValue::Object(_) => pattern(&here, value, false, add),
            JsonValue::Array(values) => {
                if values.is_empty() {
                    add(
                        &here,
                        "an empty list matches no event".into(),
                        "give the values to match",
                    );
                }
                for m in values {
                    match m {
                        JsonValue::Array(_) => add(
                            &here,
                            "a list of values cannot hold a list".into(),
                            "flatten the values into one list",
                        ),
                        JsonValue::Object(f) if !is_intrinsic(m) => {
                            for name in f.keys() {
                                if !CONTENT_FILTERS.contains(&name.as_str()) {
                                    add(
                                        &here,
                                        format!("`{name}` is not an EventBridge content filter"),
                                        &format!("use one of: {}", CONTENT_FILTERS.join(", ")),
                                    );
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => add(
                &here,
                format!("the value {value} must be a list of values to match"),
                &format!("write [{value}]"),
            ),
        }
    }
}
