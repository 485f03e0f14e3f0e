//! The runtime of the generated L1 code in [`crate::cfn`]: rendering to JSON ([`ToJson`]),
//! the schema's constraints on literal values ([`rules`]: [`Rule`], [`Validate`], [`Check`]),
//! the types' shapes as data ([`shape`]), and the resource traits ([`Resource`], [`Props`]).
//!
//! Intrinsic values are accepted wherever a value may stand: a constraint applies to
//! literals only, and references are checked separately once the template is rendered.

pub use crate::json::{Json, JsonValue};
pub use crate::value::{Map, Value};
pub use rules::{Check, Combo, Format, Pattern, Rule, Validate, Violation};
pub use shape::{Condition, FieldShape, Kind, Shape, Test};

pub mod rules;
pub mod shape;
pub(crate) mod simple_pattern;

use crate::handle::StackId;
use std::any::Any;
use std::fmt::Debug;

/// Renders a value to its template JSON.
pub trait ToJson {
    fn to_json(&self, cx: &mut Render) -> JsonValue;
    /// Absent values (an unset `Option`) are left out of objects.
    fn is_absent(&self) -> bool {
        false
    }
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
    /// The type's properties as data, for checking JSON such as property overrides.
    fn shape() -> &'static Shape;
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
    /// The type's shape, for checking JSON set by overrides (`None`: free-form properties).
    fn shape(&self) -> Option<&'static Shape> {
        None
    }
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
    fn shape(&self) -> Option<&'static Shape> {
        Some(T::shape())
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
pub struct ObjectBuilder(Vec<(crate::node::Key, JsonValue)>);

thread_local! {
    static BUFFERS: std::cell::RefCell<Vec<Vec<(crate::node::Key, JsonValue)>>> =
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
        JsonValue::Object(crate::node::Object::from_members(members))
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
