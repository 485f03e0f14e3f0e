//! The value tree of a template fragment before it is rendered: [`Json`], free-form JSON
//! (policy documents, event patterns) whose leaves may be intrinsic function calls
//! ([`Expr`]), so references inside documents are checked like any other. The two are
//! defined together because each holds the other: an `Expr`'s arguments are `Json`. How
//! they render is [`crate::render`]; the functions that build an `Expr` are
//! [`crate::intrinsics`].

use crate::node::{Key, Object};
use crate::pseudo::Pseudo;
use crate::stack_id::StackId;
use std::rc::Rc;

/// The rendered form of a template fragment.
pub type JsonValue = crate::node::Node;
/// A rendered object.
pub type JsonMap = crate::node::Object;

/// A JSON value whose leaves may be intrinsic functions.
///
/// ```
/// use escdk_synth::{Json, Pseudo};
/// let doc = Json::object([
///     ("Region", Json::from(Pseudo::Region)),
///     ("Retries", Json::from(3)),
///     ("Tags", Json::from(vec!["a", "b"])),
/// ]);
/// # let _ = doc;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json {
    #[default]
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    /// Members in order (a key set twice keeps its first place and its last value).
    Object(Object<Json>),
    Expr(Expr),
}

impl Json {
    /// An object from key/value pairs, keeping their order. A key is a `&'static str` (kept
    /// as it is) or a `String`. A key given twice keeps its first place and its last value.
    ///
    /// ```
    /// use escdk_synth::Json;
    /// let Json::Object(o) = Json::object([("b", 1), ("a", 2), ("b", 3)]) else { unreachable!() };
    /// let members: Vec<(&str, &Json)> = o.iter().map(|(k, v)| (k.as_str(), v)).collect();
    /// assert_eq!(members, [("b", &Json::from(3)), ("a", &Json::from(2))]);
    /// ```
    pub fn object<K: Into<Key>, V: Into<Json>>(pairs: impl IntoIterator<Item = (K, V)>) -> Json {
        Json::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// An array of values.
    pub fn array<V: Into<Json>>(items: impl IntoIterator<Item = V>) -> Json {
        Json::Array(items.into_iter().map(Into::into).collect())
    }

    /// The string, when this is a literal string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(b),
            serde_json::Value::Number(n) => Json::Number(n),
            serde_json::Value::String(s) => Json::String(s),
            serde_json::Value::Array(a) => Json::Array(a.into_iter().map(Json::from).collect()),
            serde_json::Value::Object(m) => {
                Json::Object(m.into_iter().map(|(k, v)| (k, Json::from(v))).collect())
            }
        }
    }
}

impl From<Expr> for Json {
    fn from(e: Expr) -> Self {
        Json::Expr(e)
    }
}
crate::node::from_literals!(Json);

/// An intrinsic function call: shared, so a copy of a reference or a policy statement
/// costs a count and not a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr(pub(crate) Rc<Kind>);

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Ref(Target),
    GetAtt(Target, String),
    Sub(String, Vec<(String, Json)>),
    Join(String, Json),
    Select(Json, Json),
    Split(String, Json),
    GetAzs(Json),
    If(Target, Json, Json),
    Equals(Json, Json),
    And(Vec<Json>),
    Or(Vec<Json>),
    Not(Json),
    Condition(Target),
    FindInMap(Json, Json, Json),
    ImportValue(Json),
    Base64(Json),
    Cidr(Json, Json, Json),
}

/// What a `Ref`, `GetAtt` or condition names: a stack-scoped name, or a pseudo parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Named { stack: StackId, name: String },
    Pseudo(Pseudo),
}

/// A literal string where an expression is taken (an existing secret's or key's ARN, say):
/// `ApiKey::Secret("arn:aws:secretsmanager:…".into())`. It is written as the plain string,
/// a `${` in it included: text, never read as a variable (it is held as `Fn::Sub`'s `${!`
/// escape, and a template with nothing to substitute is rendered as its text).
impl From<&str> for Expr {
    fn from(text: &str) -> Self {
        Expr(Rc::new(Kind::Sub(text.replace("${", "${!"), Vec::new())))
    }
}
impl From<String> for Expr {
    fn from(text: String) -> Self {
        Expr::from(text.as_str())
    }
}

impl From<Pseudo> for Expr {
    fn from(p: Pseudo) -> Self {
        Expr(Rc::new(Kind::Ref(Target::Pseudo(p))))
    }
}
impl From<Pseudo> for Json {
    fn from(p: Pseudo) -> Self {
        Json::from(Expr::from(p))
    }
}

impl Expr {
    pub(crate) fn named_ref(stack: StackId, name: &str) -> Expr {
        Expr(Rc::new(Kind::Ref(Target::Named {
            stack,
            name: name.to_string(),
        })))
    }

    pub(crate) fn named_get_att(stack: StackId, name: &str, attribute: &str) -> Expr {
        Expr(Rc::new(Kind::GetAtt(
            Target::Named {
                stack,
                name: name.to_string(),
            },
            attribute.to_string(),
        )))
    }

    pub(crate) fn condition(stack: StackId, name: &str) -> Expr {
        Expr(Rc::new(Kind::Condition(Target::Named {
            stack,
            name: name.to_string(),
        })))
    }
}
