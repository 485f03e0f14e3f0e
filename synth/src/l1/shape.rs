//! The shapes of the generated L1 types, as data: for each struct its properties, their
//! kinds, rules and the constraints between them. Typed values are checked by their
//! [`Validate`] impls; a [`Shape`] checks JSON that did not come through the typed structs,
//! such as a property override, with the same rules and messages, plus what types alone
//! guarantee (a property the type has, the JSON type of each value, required properties).
//!
//! Intrinsic functions (`{"Ref": …}`, `{"Fn::…": …}`) stand for values known at deploy time
//! and are not checked here, as in the typed path.

use super::rules::{Check, Combo, Rule, Validate, Violation};
use crate::json::JsonValue;

/// The kind of one value, as the schema types it.
pub enum Kind {
    Str,
    Int,
    Num,
    Bool,
    /// Free-form JSON (policy documents, event patterns, registry types' objects).
    Json,
    Struct(&'static Shape),
    List(&'static Kind),
    Map(&'static Kind),
}

/// One property of a struct.
pub struct FieldShape {
    pub property: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub rule: &'static Rule,
}

/// A generated struct: its name, properties and constraints between them.
pub struct Shape {
    /// The resource type (`AWS::DynamoDB::Table`) or the schema definition
    /// (`KeySchema`).
    pub name: &'static str,
    pub fields: &'static [FieldShape],
    pub combos: &'static [Combo],
    /// The schema's top-level `allOf` (resource types only).
    pub conditions: &'static [Condition],
}

/// A test of one property's literal value.
pub enum Test {
    MinItems(usize),
    In(&'static [&'static str]),
    NotIn(&'static [&'static str]),
}

/// When every `when` test holds, every `then` test must hold where its property is set
/// (an empty `when` always holds): the schema's `allOf`, `if`/`then` and `not`.
pub struct Condition {
    pub when: &'static [(&'static str, Test)],
    pub then: &'static [(&'static str, Test)],
}

impl Test {
    /// `None` when the value is not a literal (known at deploy time only).
    fn holds(&self, value: &JsonValue) -> Option<bool> {
        if is_intrinsic(value) {
            return None;
        }
        let text = |v: &JsonValue| match v {
            JsonValue::String(s) => Some(s.clone()),
            JsonValue::Number(_) | JsonValue::Bool(_) => Some(v.to_string()),
            _ => None,
        };
        match self {
            Test::MinItems(n) => value.as_array().map(|a| a.len() >= *n),
            Test::In(values) => text(value).map(|t| values.contains(&t.as_str())),
            Test::NotIn(values) => text(value).map(|t| !values.contains(&t.as_str())),
        }
    }

    fn describe(&self, property: &str) -> String {
        match self {
            Test::MinItems(n) => format!("{property} has at least {n} item(s)"),
            Test::In(values) => format!("{property} is {}", values.join(" or ")),
            Test::NotIn(values) => format!("{property} is not {}", values.join(" or ")),
        }
    }
}

impl Shape {
    /// The rule of the property at a dotted path of names (list items are passed through:
    /// `Policies.PolicyDocument`), if the path exists.
    pub fn rule_at(&self, path: &str) -> Option<&'static Rule> {
        let (head, rest) = path.split_once('.').unwrap_or((path, ""));
        let field = self.fields.iter().find(|f| f.property == head)?;
        if rest.is_empty() {
            return Some(field.rule);
        }
        let mut kind = &field.kind;
        while let Kind::List(inner) | Kind::Map(inner) = kind {
            kind = inner;
        }
        match kind {
            Kind::Struct(shape) => shape.rule_at(rest),
            _ => None,
        }
    }

    /// Checks the schema's conditions between property values (the typed structs cannot
    /// express them, so every resource's rendered properties go through this).
    pub fn check_conditions(&self, object: &crate::json::JsonMap, cx: &mut Check) {
        for c in self.conditions {
            let applies = c
                .when
                .iter()
                .all(|(p, t)| object.get(p).and_then(|v| t.holds(v)) == Some(true));
            if !applies {
                continue;
            }
            let because: Vec<String> = c.when.iter().map(|(p, t)| t.describe(p)).collect();
            let because = if because.is_empty() {
                String::new()
            } else {
                format!(" when {}", because.join(" and "))
            };
            for (property, test) in c.then {
                let Some(value) = object.get(property) else {
                    continue;
                };
                if test.holds(value) != Some(false) {
                    continue;
                }
                let (message, fix) = match test {
                    Test::MinItems(n) => (
                        format!(
                            "`{}` needs at least {n} item(s) in {property}{because}",
                            self.name
                        ),
                        format!("give at least {n}"),
                    ),
                    Test::In(values) => (
                        format!(
                            "{} must be {}{because}",
                            describe(value),
                            values.join(" or ")
                        ),
                        format!("use {}", values.join(" or ")),
                    ),
                    Test::NotIn(values) => (
                        format!("{} is not allowed{because}", describe(value)),
                        format!("use another value than {}", values.join(" or ")),
                    ),
                };
                cx.violation_at(property, message, fix);
            }
        }
    }

    /// The violations of a resource's `Properties` (or a struct's object) against this
    /// shape, with dotted property paths.
    pub fn violations(&self, value: &JsonValue) -> Vec<Violation> {
        let mut cx = Check::default();
        match value {
            JsonValue::Object(object) => self.check(object, &mut cx),
            other => cx.violation(
                format!("{} is not an object (`{}`)", describe(other), self.name),
                "give an object of properties".to_string(),
            ),
        }
        cx.violations
    }

    /// Checks a JSON object against this shape; violations are reported below the
    /// current path of `cx`.
    pub fn check(&self, object: &crate::json::JsonMap, cx: &mut Check) {
        for key in object.keys() {
            if !self.fields.iter().any(|f| f.property == key.as_str()) {
                let known: Vec<&str> = self.fields.iter().map(|f| f.property).collect();
                let closest = crate::diagnostics::closest(&known, key).unwrap_or("");
                cx.violation_at(
                    key,
                    format!("`{}` has no property `{key}`", self.name),
                    format!(
                        "did you mean `{closest}`? (its properties: {})",
                        known.join(", ")
                    ),
                );
            }
        }
        for f in self.fields {
            match object.get(f.property) {
                Some(value) => cx.field(
                    f.property,
                    &Shaped {
                        value,
                        kind: &f.kind,
                    },
                    f.rule,
                ),
                None if f.required => cx.violation_at(
                    f.property,
                    format!("`{}` needs `{}`", self.name, f.property),
                    format!("set `{}`", f.property),
                ),
                None => {}
            }
        }
        if !self.combos.is_empty() {
            cx.combos(self.combos, &|p| object.contains_key(p));
        }
        self.check_conditions(object, cx);
    }
}

/// A JSON value seen as `kind`, checkable with [`Check::field`].
pub struct Shaped<'a> {
    pub value: &'a JsonValue,
    pub kind: &'a Kind,
}

/// Whether a value is an intrinsic function, resolved at deploy time.
pub fn is_intrinsic(value: &JsonValue) -> bool {
    value.as_object().is_some_and(|o| {
        o.len() == 1
            && o.keys()
                .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
    })
}

impl Kind {
    fn expected(&self) -> String {
        match self {
            Kind::Str => "a string".into(),
            Kind::Int => "an integer".into(),
            Kind::Num => "a number".into(),
            Kind::Bool => "true or false".into(),
            Kind::Json => "JSON".into(),
            Kind::Struct(s) => format!("an object (`{}`)", s.name),
            Kind::List(_) => "a list".into(),
            Kind::Map(_) => "an object of keys and values".into(),
        }
    }
}

fn describe(value: &JsonValue) -> String {
    match value {
        JsonValue::Null => "null".into(),
        JsonValue::Bool(b) => b.to_string(),
        JsonValue::Number(n) => n.to_string(),
        JsonValue::String(s) => format!("the string `{s}`"),
        JsonValue::Array(_) => "a list".into(),
        JsonValue::Object(_) => "an object".into(),
    }
}

impl Validate for Shaped<'_> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if is_intrinsic(self.value) {
            return;
        }
        // CloudFormation reads numbers and booleans given as strings, and the reverse, as
        // cfn-lint does; only a value of another shape is refused.
        match (self.kind, self.value) {
            (Kind::Json, JsonValue::String(s)) => {
                crate::json::Json::String(s.clone()).validate(rule, cx)
            }
            (Kind::Json, _) => {}
            (Kind::Str, JsonValue::String(s)) => s.validate(rule, cx),
            (Kind::Str, JsonValue::Number(n)) => n.to_string().validate(rule, cx),
            (Kind::Str, JsonValue::Bool(b)) => b.to_string().validate(rule, cx),
            (Kind::Int, JsonValue::Number(n)) if n.as_i64().is_some() => {
                n.as_i64().unwrap_or_default().validate(rule, cx)
            }
            (Kind::Int, JsonValue::String(s)) if s.parse::<i64>().is_ok() => {
                s.parse::<i64>().unwrap_or_default().validate(rule, cx)
            }
            (Kind::Num, JsonValue::Number(n)) => n.as_f64().unwrap_or_default().validate(rule, cx),
            (Kind::Num, JsonValue::String(s)) if s.parse::<f64>().is_ok_and(f64::is_finite) => {
                s.parse::<f64>().unwrap_or_default().validate(rule, cx)
            }
            (Kind::Bool, JsonValue::Bool(b)) => b.validate(rule, cx),
            (Kind::Bool, JsonValue::String(s)) if s == "true" || s == "false" => {
                (s == "true").validate(rule, cx)
            }
            (Kind::Struct(shape), JsonValue::Object(o)) => shape.check(o, cx),
            (Kind::List(item), JsonValue::Array(items)) => {
                cx.counts(items, rule);
                let item_rule = rule.items.unwrap_or(&Rule::NONE);
                for (i, value) in items.iter().enumerate() {
                    cx.item(format!("[{i}]"), &Shaped { value, kind: item }, item_rule);
                }
            }
            (Kind::Map(item), JsonValue::Object(o)) => {
                let value_rule = rule.items.unwrap_or(&Rule::NONE);
                for (k, value) in o {
                    cx.key(k, rule);
                    cx.item(format!("[{k}]"), &Shaped { value, kind: item }, value_rule);
                }
            }
            (kind, value) => cx.violation(
                format!("{} is not {}", describe(value), kind.expected()),
                format!("give {}", kind.expected()),
            ),
        }
    }
}
