//! `diff`: the local template against the deployed one, per resource and per property,
//! with IAM statement changes called out. Pure, so it is tested on templates directly.

use serde_json::Value;

/// A difference at one property path.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Added(String, Value),
    Removed(String, Value),
    Modified(String, Value, Value),
}

/// One resource's difference.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    pub logical_id: String,
    pub resource_type: String,
    /// `+` added, `-` removed, `~` modified.
    pub sign: char,
    pub changes: Vec<Change>,
    /// IAM statements added (`+`) or removed (`-`) anywhere in the resource.
    pub statements: Vec<(char, Value)>,
}

/// Everything that differs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateDiff {
    pub resources: Vec<ResourceDiff>,
    pub other: Vec<Change>,
}

impl TemplateDiff {
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.other.is_empty()
    }
}

fn compare(path: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(w) => compare(&p, v, w, out),
                    None => out.push(Change::Removed(p, v.clone())),
                }
            }
            for (k, w) in b {
                if !a.contains_key(k) {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    out.push(Change::Added(p, w.clone()));
                }
            }
        }
        // A section or value only one side has is added or removed, not "modified from null".
        (Value::Null, b) if !b.is_null() => out.push(Change::Added(path.to_string(), b.clone())),
        (a, Value::Null) if !a.is_null() => out.push(Change::Removed(path.to_string(), a.clone())),
        // Same length: element by element, so one changed action does not print a whole policy.
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), v, w, out);
            }
        }
        (a, b) if a != b => out.push(Change::Modified(path.to_string(), a.clone(), b.clone())),
        _ => {}
    }
}

fn statements(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(s)) = m.get("Statement") {
                out.extend(s.iter().cloned());
            }
            for (k, x) in m {
                if k != "Statement" {
                    statements(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| statements(x, out)),
        _ => {}
    }
}

fn statement_changes(old: &Value, new: &Value) -> Vec<(char, Value)> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    statements(old, &mut a);
    statements(new, &mut b);
    let mut out: Vec<(char, Value)> = b
        .iter()
        .filter(|s| !a.contains(s))
        .map(|s| ('+', s.clone()))
        .collect();
    out.extend(
        a.iter()
            .filter(|s| !b.contains(s))
            .map(|s| ('-', s.clone())),
    );
    out
}

/// Compares two templates. Metadata is ignored (it is not deployed behaviour).
pub fn diff(old: &Value, new: &Value) -> TemplateDiff {
    let empty = serde_json::Map::new();
    let (a, b) = (
        old["Resources"].as_object().unwrap_or(&empty),
        new["Resources"].as_object().unwrap_or(&empty),
    );
    let strip = |r: &Value| {
        let mut r = r.clone();
        if let Some(m) = r.as_object_mut() {
            m.remove("Metadata");
        }
        r
    };
    let mut ids: Vec<&String> = a.keys().chain(b.keys()).collect();
    ids.sort();
    ids.dedup();
    let mut resources = Vec::new();
    for id in ids {
        let ty = |r: &Value| r["Type"].as_str().unwrap_or("").to_string();
        match (a.get(id), b.get(id)) {
            (None, Some(n)) => resources.push(ResourceDiff {
                logical_id: id.clone(),
                resource_type: ty(n),
                sign: '+',
                changes: Vec::new(),
                statements: statement_changes(&Value::Null, n),
            }),
            (Some(o), None) => resources.push(ResourceDiff {
                logical_id: id.clone(),
                resource_type: ty(o),
                sign: '-',
                changes: Vec::new(),
                statements: statement_changes(o, &Value::Null),
            }),
            (Some(o), Some(n)) => {
                let mut changes = Vec::new();
                compare("", &strip(o), &strip(n), &mut changes);
                if !changes.is_empty() {
                    resources.push(ResourceDiff {
                        logical_id: id.clone(),
                        resource_type: ty(n),
                        sign: '~',
                        changes,
                        statements: statement_changes(o, n),
                    });
                }
            }
            (None, None) => {}
        }
    }
    let mut other = Vec::new();
    for section in [
        "Parameters",
        "Conditions",
        "Mappings",
        "Outputs",
        "Description",
    ] {
        compare(
            section,
            old.get(section).unwrap_or(&Value::Null),
            new.get(section).unwrap_or(&Value::Null),
            &mut other,
        );
    }
    TemplateDiff { resources, other }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 120 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(117).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

fn change_line(c: &Change, paint: &dyn Fn(char, String) -> String) -> String {
    match c {
        Change::Added(p, v) => paint('+', format!("    + {p}: {}", short(v))),
        Change::Removed(p, v) => paint('-', format!("    - {p}: {}", short(v))),
        Change::Modified(p, a, b) => paint('~', format!("    ~ {p}: {} -> {}", short(a), short(b))),
    }
}

/// Renders for a terminal (ANSI colours when `color`).
pub fn render(d: &TemplateDiff, color: bool, path_of: &dyn Fn(&str) -> String) -> String {
    let paint = |sign: char, text: String| {
        if !color {
            return text;
        }
        let code = match sign {
            '+' => "32",
            '-' => "31",
            _ => "33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    };
    let mut out = String::new();
    if d.is_empty() {
        return "no differences\n".to_string();
    }
    if !d.resources.is_empty() {
        out.push_str("Resources\n");
    }
    for r in &d.resources {
        out.push_str(&paint(
            r.sign,
            format!(
                "[{}] {:<32} {} ({})",
                r.sign,
                r.resource_type,
                path_of(&r.logical_id),
                r.logical_id
            ),
        ));
        out.push('\n');
        for c in &r.changes {
            out.push_str(&change_line(c, &paint));
            out.push('\n');
        }
        for (sign, s) in &r.statements {
            out.push_str(&paint(
                *sign,
                format!("    {sign} IAM statement: {}", short(s)),
            ));
            out.push('\n');
        }
    }
    if !d.other.is_empty() {
        out.push_str("Parameters, conditions, mappings and outputs\n");
        for c in &d.other {
            out.push_str(&change_line(c, &paint));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn per_resource_and_per_property_with_iam_called_out() {
        let old = json!({"Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 256, "Timeout": 30}, "Metadata": {"escdk:path": "S/Fn"}},
            "Gone": {"Type": "AWS::SQS::Queue"},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": ["arn:t"]}]}}]}}
        }, "Outputs": {"A": {"Value": "1"}}});
        let new = json!({"Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 512, "Timeout": 30, "Description": "d"}, "Metadata": {"escdk:path": "S/Fn2"}},
            "New": {"Type": "AWS::SNS::Topic"},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:PutItem"], "Resource": ["arn:t"]}]}}]}}
        }, "Outputs": {"A": {"Value": "2"}}});
        let d = diff(&old, &new);
        let signs: Vec<(char, &str)> = d
            .resources
            .iter()
            .map(|r| (r.sign, r.logical_id.as_str()))
            .collect();
        assert_eq!(
            signs,
            [('~', "Fn"), ('-', "Gone"), ('+', "New"), ('~', "Role")]
        );
        assert_eq!(
            d.resources[0].changes,
            [
                Change::Modified("Properties.MemorySize".into(), json!(256), json!(512)),
                Change::Added("Properties.Description".into(), json!("d"))
            ]
        );
        assert_eq!(
            d.resources[3].statements.len(),
            2,
            "one statement added, one removed"
        );
        let text = render(&d, false, &|l: &str| format!("S/{l}"));
        assert!(
            text.contains("    ~ Properties.MemorySize: 256 -> 512"),
            "{text}"
        );
        assert!(
            text.contains(
                "    + IAM statement: {\"Effect\":\"Allow\",\"Action\":[\"dynamodb:Query\",\"dynamodb:PutItem\"]"
            ),
            "{text}"
        );
        assert!(
            text.contains("    ~ Outputs.A.Value: \"1\" -> \"2\""),
            "{text}"
        );
        assert!(render(&d, true, &|l: &str| l.to_string()).contains("\x1b[32m"));
        assert_eq!(
            render(&diff(&new, &new), false, &|l: &str| l.to_string()),
            "no differences\n"
        );
        // Against a stack that is not deployed, everything is added.
        let fresh = render(&diff(&Value::Null, &new), false, &|l: &str| l.to_string());
        assert!(
            fresh.contains("[+] AWS::Lambda::Function") && fresh.contains("    + Outputs: {\"A\""),
            "{fresh}"
        );
        assert!(!fresh.contains("null ->"), "{fresh}");
    }
}
