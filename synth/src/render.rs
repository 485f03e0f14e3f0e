//! Rendering to template JSON: [`ToJson`], implemented by every property type (the
//! generated L1 code builds its objects with [`ObjectBuilder`]) and by the value tree
//! ([`Json`], [`Expr`]), and the [`Render`] context, which knows the stack being rendered
//! and turns a reference to another stack of the app into an import.

use crate::cross_stack::Import;
use crate::hashing::HashMap;
use crate::json::{Expr, Json, JsonMap, JsonValue, Kind, Target};
use crate::node::{Key, Object};
use crate::stack_id::StackId;
use crate::value::{Map, Value};
use std::rc::Rc;

/// Renders a value to its template JSON.
pub trait ToJson {
    fn to_json(&self, cx: &mut Render) -> JsonValue;
    /// Absent values (an unset `Option`) are left out of objects.
    fn is_absent(&self) -> bool {
        false
    }
}

/// Rendering context: which stack is being rendered, the other stacks of the app it may
/// import from, and what crossed stacks while rendering.
pub struct Render {
    stack: StackId,
    /// The app's stacks by id (name), for references that become imports. Empty when a
    /// stack is synthesized on its own: then a handle of another stack is an error.
    producers: Rc<HashMap<StackId, String>>,
    pub(crate) foreign: Vec<String>,
    pub(crate) imports: Vec<Import>,
}

impl Render {
    pub(crate) fn new(stack: StackId) -> Self {
        Render::in_app(stack, Rc::default())
    }
    pub(crate) fn in_app(stack: StackId, producers: Rc<HashMap<StackId, String>>) -> Self {
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
        let import = Import::new(stack, &producer, name, attribute);
        let value = JsonValue::one("Fn::ImportValue", import.export_name.clone());
        self.imports.push(import);
        Some(value)
    }
    /// Whether `stack` is another stack of the app being synthesized.
    pub(crate) fn is_producer(&self, stack: StackId) -> bool {
        stack != self.stack && self.producers.contains_key(&stack)
    }
}

/// Builds a JSON object, leaving out absent fields: the generated `to_json` of every
/// property type. Members gather in a buffer reused from one object to the next (a
/// thread's few buffers, one per level of nesting being built), and the object is then
/// allocated at its exact size once, instead of growing member by member.
pub struct ObjectBuilder(Vec<(Key, JsonValue)>);

thread_local! {
    static BUFFERS: std::cell::RefCell<Vec<Vec<(Key, JsonValue)>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Default for ObjectBuilder {
    fn default() -> Self {
        let reused = BUFFERS.with(|b| b.borrow_mut().pop());
        ObjectBuilder(reused.unwrap_or_else(|| Vec::with_capacity(16)))
    }
}

impl ObjectBuilder {
    /// Sets the property `key` unless the value is absent. Each key is put once (the
    /// generated code names each property once).
    pub fn put(&mut self, key: &'static str, value: &impl ToJson, cx: &mut Render) {
        if !value.is_absent() {
            debug_assert!(
                self.0.iter().all(|(k, _)| k.as_str() != key),
                "{key} put twice"
            );
            self.0.push((key.into(), value.to_json(cx)));
        }
    }
    pub fn build(mut self) -> JsonValue {
        let mut members = Vec::with_capacity(self.0.len());
        members.append(&mut self.0);
        JsonValue::Object(Object::from_members(members))
    }
}

impl Drop for ObjectBuilder {
    /// The buffer, emptied, goes back for the next object.
    fn drop(&mut self) {
        let mut buffer = std::mem::take(&mut self.0);
        if buffer.capacity() > 0 {
            buffer.clear();
            // At exit the thread's buffers may be gone; the buffer is then dropped.
            let _ = BUFFERS.try_with(|b| b.borrow_mut().push(buffer));
        }
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

impl ToJson for Json {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        match self {
            Json::Null => JsonValue::Null,
            Json::Bool(b) => JsonValue::Bool(*b),
            Json::Number(n) => JsonValue::Number(n.clone()),
            Json::String(s) => JsonValue::String(s.clone()),
            Json::Array(a) => JsonValue::Array(a.iter().map(|v| v.to_json(cx)).collect()),
            Json::Object(m) => JsonValue::Object(crate::node::Object::from_members(
                m.iter().map(|(k, v)| (k.clone(), v.to_json(cx))).collect(),
            )),
            Json::Expr(e) => e.to_json(cx),
        }
    }
}

impl Target {
    /// A name of another stack of the app, as `Fn::ImportValue`.
    fn import(&self, cx: &mut Render, attribute: Option<&str>) -> Option<JsonValue> {
        match self {
            Target::Named { stack, name } => cx.import(*stack, name, attribute),
            Target::Pseudo(_) => None,
        }
    }

    fn render(&self, cx: &mut Render) -> String {
        match self {
            Target::Pseudo(p) => p.name().to_string(),
            Target::Named { stack, name } => {
                if *stack != cx.stack() {
                    cx.foreign_reference(name);
                }
                name.clone()
            }
        }
    }
}

impl ToJson for Expr {
    fn to_json(&self, cx: &mut Render) -> JsonValue {
        let list = |items: Vec<JsonValue>| JsonValue::Array(items);
        match &*self.0 {
            Kind::Ref(t) => t
                .import(cx, None)
                .unwrap_or_else(|| JsonValue::one("Ref", t.render(cx))),
            Kind::GetAtt(t, attr) => t.import(cx, Some(attr)).unwrap_or_else(|| {
                JsonValue::one("Fn::GetAtt", list(vec![t.render(cx).into(), attr.into()]))
            }),
            // Nothing to substitute (a literal ARN, or only escaped `${!x}`): the plain
            // string CloudFormation would make of it (cfn-lint W1020 asks for it).
            Kind::Sub(template, vars) if vars.is_empty() => match literal_text(template) {
                Some(text) => JsonValue::String(text),
                None => JsonValue::one("Fn::Sub", template),
            },
            Kind::Sub(template, vars) => {
                let vars: JsonMap = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json(cx)))
                    .collect();
                JsonValue::one("Fn::Sub", list(vec![template.into(), vars.into()]))
            }
            Kind::Join(d, values) => {
                JsonValue::one("Fn::Join", list(vec![d.into(), values.to_json(cx)]))
            }
            Kind::Select(i, list_) => {
                JsonValue::one("Fn::Select", list(vec![i.to_json(cx), list_.to_json(cx)]))
            }
            Kind::Split(d, source) => {
                JsonValue::one("Fn::Split", list(vec![d.into(), source.to_json(cx)]))
            }
            Kind::GetAzs(region) => JsonValue::one("Fn::GetAZs", region.to_json(cx)),
            Kind::If(c, a, b) => JsonValue::one(
                "Fn::If",
                list(vec![c.render(cx).into(), a.to_json(cx), b.to_json(cx)]),
            ),
            Kind::Equals(a, b) => {
                JsonValue::one("Fn::Equals", list(vec![a.to_json(cx), b.to_json(cx)]))
            }
            Kind::And(v) => JsonValue::one(
                "Fn::And",
                v.iter().map(|c| c.to_json(cx)).collect::<Vec<_>>(),
            ),
            Kind::Or(v) => JsonValue::one(
                "Fn::Or",
                v.iter().map(|c| c.to_json(cx)).collect::<Vec<_>>(),
            ),
            Kind::Not(c) => JsonValue::one("Fn::Not", list(vec![c.to_json(cx)])),
            Kind::Condition(c) => JsonValue::one("Condition", c.render(cx)),
            Kind::FindInMap(m, a, b) => JsonValue::one(
                "Fn::FindInMap",
                list(vec![m.to_json(cx), a.to_json(cx), b.to_json(cx)]),
            ),
            Kind::ImportValue(v) => JsonValue::one("Fn::ImportValue", v.to_json(cx)),
            Kind::Base64(v) => JsonValue::one("Fn::Base64", v.to_json(cx)),
            Kind::Cidr(a, b, c) => JsonValue::one(
                "Fn::Cidr",
                list(vec![a.to_json(cx), b.to_json(cx), c.to_json(cx)]),
            ),
        }
    }
}

/// The text an `Fn::Sub` template without variables stands for, when it names no variable:
/// every `${` in it is the `${!` escape, which CloudFormation writes as `${`.
fn literal_text(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(at) = rest.find("${") {
        if !rest[at + 2..].starts_with('!') {
            return None;
        }
        rest = &rest[at + 3..];
    }
    Some(template.replace("${!", "${"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An object holding `depth` more levels of itself, built with [`ObjectBuilder`].
    struct Nested(usize);
    impl ToJson for Nested {
        fn to_json(&self, cx: &mut Render) -> JsonValue {
            let mut o = ObjectBuilder::default();
            o.put("Before", &Some(self.0 as i64), cx);
            o.put("Absent", &None::<String>, cx);
            if self.0 > 0 {
                o.put("Inner", &Nested(self.0 - 1), cx);
            }
            o.put("After", &format!("level {}", self.0), cx);
            o.build()
        }
    }

    #[test]
    fn builders_nest_and_a_dropped_builder_leaves_nothing_to_the_next() {
        let mut cx = Render::new(StackId::next());
        // A builder dropped half-built: its buffer goes back empty.
        let mut abandoned = ObjectBuilder::default();
        abandoned.put("Stray", &"x".to_string(), &mut cx);
        drop(abandoned);
        for _ in 0..3 {
            let v = serde_json::Value::from(&Nested(3).to_json(&mut cx));
            let mut expected = serde_json::json!({"Before": 0, "After": "level 0"});
            for level in 1..=3 {
                expected = serde_json::json!({"Before": level, "Inner": expected, "After": format!("level {level}")});
            }
            assert_eq!(v, expected);
            assert_eq!(
                v.to_string(),
                expected.to_string(),
                "members in the order put"
            );
        }
    }
}
