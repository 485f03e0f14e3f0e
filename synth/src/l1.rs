//! The runtime of the generated L1 code in [`crate::cfn`]: rendering to JSON ([`ToJson`]),
//! the schema's constraints on literal values ([`Rule`], [`Validate`], [`Check`]), and the
//! resource traits ([`Resource`], [`Props`]).
//!
//! Intrinsic values are accepted wherever a value may stand: a constraint applies to
//! literals only, and references are checked separately once the template is rendered.

pub use crate::json::{Json, JsonValue};
pub use crate::value::{Map, Value};

use crate::handle::StackId;
use regex::Regex;
use std::any::Any;
use std::fmt::Debug;
use std::sync::OnceLock;

/// Renders a value to its template JSON.
pub trait ToJson {
    fn to_json(&self, cx: &mut Render) -> JsonValue;
    /// Absent values (an unset `Option`) are left out of objects.
    fn is_absent(&self) -> bool {
        false
    }
}

/// Checks a value's literals against a schema rule.
pub trait Validate {
    fn validate(&self, rule: &Rule, cx: &mut Check);
}

/// A CloudFormation resource type: its properties struct.
pub trait Resource: ToJson + Validate + Debug + Clone + 'static {
    /// For example `AWS::DynamoDB::Table`.
    const TYPE_NAME: &'static str;
    /// The attributes `Fn::GetAtt` may read.
    const ATTRIBUTES: &'static [&'static str];
    /// The top-level properties the schema defines.
    const PROPERTIES: &'static [&'static str];
    /// Where the type keeps its tags (the schema's `tagging` metadata).
    const TAGGING: Tagging = Tagging::None;
}

/// How a resource type holds tags, from its schema's `tagging` metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagging {
    /// Not taggable.
    None,
    /// A list of `{"Key", "Value"}` objects in this property.
    List(&'static str),
    /// A string-to-string map in this property.
    Map(&'static str),
}

/// Object-safe view of a [`Resource`], as stacks store them.
pub trait Props: Debug {
    fn type_name(&self) -> &str;
    fn tagging(&self) -> Tagging {
        Tagging::None
    }
    fn render(&self, cx: &mut Render) -> JsonValue;
    fn check(&self, cx: &mut Check);
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Resource> Props for T {
    fn type_name(&self) -> &str {
        T::TYPE_NAME
    }
    fn tagging(&self) -> Tagging {
        T::TAGGING
    }
    fn render(&self, cx: &mut Render) -> JsonValue {
        self.to_json(cx)
    }
    fn check(&self, cx: &mut Check) {
        self.validate(&Rule::NONE, cx)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Rendering context: which stack is being rendered, the other stacks of the app it may
/// import from, and what crossed stacks while rendering.
pub struct Render {
    stack: StackId,
    /// The app's stacks by id (name), for references that become imports. Empty when a
    /// stack is synthesized on its own: then a handle of another stack is an error.
    producers: std::rc::Rc<std::collections::HashMap<StackId, String>>,
    pub(crate) foreign: Vec<String>,
    pub(crate) imports: Vec<crate::cross_stack::Import>,
}

impl Render {
    pub(crate) fn new(stack: StackId) -> Self {
        Render::in_app(stack, std::rc::Rc::default())
    }
    pub(crate) fn in_app(
        stack: StackId,
        producers: std::rc::Rc<std::collections::HashMap<StackId, String>>,
    ) -> Self {
        Render {
            stack,
            producers,
            foreign: Vec::new(),
            imports: Vec::new(),
        }
    }
    pub(crate) fn stack(&self) -> StackId {
        self.stack
    }
    pub(crate) fn foreign_reference(&mut self, name: &str) {
        self.foreign.push(name.to_string());
    }
    /// A `Ref` (no attribute) or `Fn::GetAtt` of another stack of the app becomes
    /// `Fn::ImportValue` of an export that stack will carry; `None` for this stack's names
    /// and for stacks outside the app (those are reported as foreign).
    pub(crate) fn import(
        &mut self,
        stack: StackId,
        name: &str,
        attribute: Option<&str>,
    ) -> Option<JsonValue> {
        if stack == self.stack {
            return None;
        }
        let producer = self.producers.get(&stack)?.clone();
        let import = crate::cross_stack::Import::new(stack, &producer, name, attribute);
        let value = serde_json::json!({ "Fn::ImportValue": import.export_name });
        self.imports.push(import);
        Some(value)
    }
    /// Whether `stack` is another stack of the app being synthesized.
    pub(crate) fn is_producer(&self, stack: StackId) -> bool {
        stack != self.stack && self.producers.contains_key(&stack)
    }
}

/// Builds a JSON object, leaving out absent fields.
#[derive(Default)]
pub struct ObjectBuilder(serde_json::Map<String, JsonValue>);

impl ObjectBuilder {
    pub fn put(&mut self, key: &str, value: &impl ToJson, cx: &mut Render) {
        if !value.is_absent() {
            self.0.insert(key.to_string(), value.to_json(cx));
        }
    }
    pub fn build(self) -> JsonValue {
        JsonValue::Object(self.0)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        self.as_ref().map_or(JsonValue::Null, |v| v.to_json(cx))
    }
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        JsonValue::Array(self.iter().map(|v| v.to_json(cx)).collect())
    }
}

impl<T: ToJson> ToJson for Map<T> {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        JsonValue::Object(
            self.iter()
                .map(|(k, v)| (k.clone(), v.to_json(cx)))
                .collect(),
        )
    }
}

impl ToJson for String {
    fn to_json(&self, _: &mut Render) -> JsonValue {
        JsonValue::String(self.clone())
    }
}
impl ToJson for bool {
    fn to_json(&self, _: &mut Render) -> JsonValue {
        JsonValue::Bool(*self)
    }
}
impl ToJson for i64 {
    fn to_json(&self, _: &mut Render) -> JsonValue {
        JsonValue::from(*self)
    }
}
impl ToJson for f64 {
    fn to_json(&self, _: &mut Render) -> JsonValue {
        // Whole numbers render without a fraction, as CloudFormation's examples write them.
        if self.fract() == 0.0 && self.abs() < 9.0e15 {
            JsonValue::from(*self as i64)
        } else {
            serde_json::Number::from_f64(*self).map_or(JsonValue::Null, JsonValue::Number)
        }
    }
}

impl<T: ToJson> ToJson for Value<T> {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        match self {
            Value::Lit(t) => t.to_json(cx),
            Value::Expr(e) => e.to_json(cx),
        }
    }
}

/// A regex from a schema `pattern`, compiled on first use.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }
    pub fn source(&self) -> &'static str {
        self.source
    }
    /// `None` only if the pattern does not compile; a test asserts every generated one does.
    pub fn is_match(&self, s: &str) -> Option<bool> {
        self.compiled
            .get_or_init(|| Regex::new(self.source).ok())
            .as_ref()
            .map(|re| re.is_match(s))
    }
}

/// The schema's constraints on one value.
pub struct Rule {
    pub min_len: Option<usize>,
    pub max_len: Option<usize>,
    pub pattern: Option<&'static Pattern>,
    pub enum_values: &'static [&'static str],
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    /// The rule for each item of a list, or each value of a map.
    pub items: Option<&'static Rule>,
    pub key_pattern: Option<&'static Pattern>,
}

impl Rule {
    pub const NONE: Rule = Rule {
        min_len: None,
        max_len: None,
        pattern: None,
        enum_values: &[],
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        items: None,
        key_pattern: None,
    };
}

/// Constraints between the properties of one object.
pub enum Combo {
    AnyOf(&'static [&'static [&'static str]]),
    OneOf(&'static [&'static [&'static str]]),
    Requires(&'static str, &'static [&'static str]),
    Excludes(&'static str, &'static [&'static str]),
    Xor(&'static [&'static str]),
    Or(&'static [&'static str]),
}

/// One schema violation: where, what, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Dotted property path, e.g. `StreamSpecification.StreamViewType`.
    pub property: String,
    pub message: String,
    pub fix: String,
}

/// Validation context: the property path being checked and the violations found.
#[derive(Default)]
pub struct Check {
    path: Vec<String>,
    pub(crate) violations: Vec<Violation>,
}

impl Check {
    pub fn field<T: Validate>(&mut self, name: &str, value: &T, rule: &Rule) {
        self.path.push(name.to_string());
        value.validate(rule, self);
        self.path.pop();
    }

    fn item<T: Validate>(&mut self, index: String, value: &T, rule: &Rule) {
        match self.path.last_mut() {
            Some(last) => {
                let saved = last.clone();
                last.push_str(&index);
                value.validate(rule, self);
                if let Some(last) = self.path.last_mut() {
                    *last = saved;
                }
            }
            None => value.validate(rule, self),
        }
    }

    pub fn violation(&mut self, message: String, fix: String) {
        self.violations.push(Violation {
            property: self.path.join("."),
            message,
            fix,
        });
    }

    /// Checks presence constraints between properties.
    pub fn combos(&mut self, combos: &[Combo], present: &dyn Fn(&str) -> bool) {
        let all = |names: &[&str]| names.iter().all(|n| present(n));
        let list = |names: &[&str]| names.join(", ");
        for combo in combos {
            match combo {
                Combo::AnyOf(alts) if !alts.iter().any(|a| all(a)) => {
                    let options: Vec<String> = alts.iter().map(|a| list(a)).collect();
                    self.violation(
                        format!("needs one of: {}", options.join(" | ")),
                        format!("set {}", options.join(", or ")),
                    );
                }
                Combo::OneOf(alts) if alts.iter().filter(|a| all(a)).count() != 1 => {
                    let options: Vec<String> = alts.iter().map(|a| list(a)).collect();
                    self.violation(
                        format!("needs exactly one of: {}", options.join(" | ")),
                        "set exactly one of them".to_string(),
                    );
                }
                Combo::Requires(p, needs) if present(p) && !all(needs) => {
                    self.violation(
                        format!("{p} is set, which requires {}", list(needs)),
                        format!("set {} too, or unset {p}", list(needs)),
                    );
                }
                Combo::Excludes(p, excl) if present(p) && excl.iter().any(|e| present(e)) => {
                    let set: Vec<&str> = excl.iter().copied().filter(|e| present(e)).collect();
                    self.violation(
                        format!("{p} cannot be combined with {}", list(&set)),
                        format!("unset {} or {p}", list(&set)),
                    );
                }
                Combo::Xor(names) if names.iter().filter(|n| present(n)).count() != 1 => {
                    self.violation(
                        format!("exactly one of {} must be set", list(names)),
                        "set exactly one of them".to_string(),
                    );
                }
                Combo::Or(names) if !names.iter().any(|n| present(n)) => {
                    self.violation(
                        format!("at least one of {} must be set", list(names)),
                        format!("set {}", names.join(" or ")),
                    );
                }
                _ => {}
            }
        }
    }
}

fn check_enum(cx: &mut Check, rule: &Rule, shown: &str) {
    if !rule.enum_values.is_empty() && !rule.enum_values.contains(&shown) {
        cx.violation(
            format!("`{shown}` is not an allowed value"),
            format!("use one of: {}", rule.enum_values.join(", ")),
        );
    }
}

fn check_number(cx: &mut Check, rule: &Rule, n: f64, shown: &str) {
    if let Some(min) = rule.minimum {
        if n < min {
            cx.violation(
                format!("{shown} is below the minimum {min}"),
                format!("use a value of at least {min}"),
            );
        }
    }
    if let Some(max) = rule.maximum {
        if n > max {
            cx.violation(
                format!("{shown} is above the maximum {max}"),
                format!("use a value of at most {max}"),
            );
        }
    }
    check_enum(cx, rule, shown);
}

impl Validate for String {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        let len = self.chars().count();
        if let Some(min) = rule.min_len {
            if len < min {
                cx.violation(
                    format!("`{self}` is {len} characters long, shorter than the minimum {min}"),
                    format!("use at least {min} characters"),
                );
            }
        }
        if let Some(max) = rule.max_len {
            if len > max {
                cx.violation(
                    format!("`{self}` is {len} characters long, longer than the maximum {max}"),
                    format!("shorten it to at most {max} characters"),
                );
            }
        }
        if let Some(p) = rule.pattern {
            if p.is_match(self) == Some(false) {
                cx.violation(
                    format!("`{self}` does not match the pattern `{}`", p.source()),
                    "use only the characters and form the pattern allows".to_string(),
                );
            }
        }
        check_enum(cx, rule, self);
    }
}

impl Validate for i64 {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        check_number(cx, rule, *self as f64, &self.to_string());
    }
}

impl Validate for f64 {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if !self.is_finite() {
            // JSON has no NaN or infinity: it would be written as `null`.
            cx.violation(
                format!("{self} is not a number a template can hold"),
                "give a finite number".to_string(),
            );
            return;
        }
        check_number(cx, rule, *self, &self.to_string());
    }
}

impl Validate for bool {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        check_enum(cx, rule, if *self { "true" } else { "false" });
    }
}

impl Validate for Json {
    fn validate(&self, _: &Rule, _: &mut Check) {}
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if let Some(v) = self {
            v.validate(rule, cx);
        }
    }
}

impl<T: Validate> Validate for Value<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if let Value::Lit(v) = self {
            v.validate(rule, cx);
        }
    }
}

impl<T: Validate + PartialEq> Validate for Vec<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        let n = self.len();
        if let Some(min) = rule.min_items {
            if n < min {
                cx.violation(
                    format!("has {n} items, fewer than the minimum {min}"),
                    format!("give at least {min}"),
                );
            }
        }
        if let Some(max) = rule.max_items {
            if n > max {
                cx.violation(
                    format!("has {n} items, more than the maximum {max}"),
                    format!("give at most {max}"),
                );
            }
        }
        if rule.unique_items {
            if let Some(i) = (1..n).find(|&i| self[..i].contains(&self[i])) {
                cx.violation(
                    format!("item {i} repeats an earlier item"),
                    "remove the duplicate".to_string(),
                );
            }
        }
        let item_rule = rule.items.unwrap_or(&Rule::NONE);
        for (i, v) in self.iter().enumerate() {
            cx.item(format!("[{i}]"), v, item_rule);
        }
    }
}

impl<T: Validate> Validate for Map<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        let value_rule = rule.items.unwrap_or(&Rule::NONE);
        for (k, v) in self {
            if let Some(p) = rule.key_pattern {
                if p.is_match(k) == Some(false) {
                    cx.violation(
                        format!("key `{k}` does not match the pattern `{}`", p.source()),
                        "rename the key".to_string(),
                    );
                }
            }
            cx.item(format!("[{k}]"), v, value_rule);
        }
    }
}
