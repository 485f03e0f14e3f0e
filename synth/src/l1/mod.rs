//! The runtime of the generated L1 code in [`crate::cfn`]: rendering to JSON ([`ToJson`]),
//! the schema's constraints on literal values ([`rules`]: [`Rule`], [`Validate`], [`Check`]),
//! the types' shapes as data ([`shape`]), and the resource traits ([`Resource`], [`Props`]).
//!
//! Intrinsic values are accepted wherever a value may stand: a constraint applies to
//! literals only, and references are checked separately once the template is rendered.

pub use crate::json::{Json, JsonValue};
pub use crate::render::{ObjectBuilder, Render, ToJson};
pub use crate::value::{Map, Value};
pub use rules::{Check, Combo, Format, Pattern, Rule, Validate, Violation};
pub use shape::{Condition, FieldShape, Kind, Shape, Test};

pub mod rules;
pub mod shape;
pub(crate) mod simple_pattern;

use std::any::Any;
use std::fmt::Debug;

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
