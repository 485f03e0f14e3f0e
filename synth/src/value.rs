//! [`Value<T>`]: a typed property value that is either a literal or an intrinsic function.
//!
//! Literal values are checked against the resource schema at synth; intrinsic values are
//! accepted wherever a value may stand and checked for resolvable references instead.

use crate::json::Expr;
use crate::pseudo::Pseudo;
use indexmap::IndexMap;

/// A string-keyed map property (for example a function's environment variables).
pub type Map<T> = IndexMap<String, T>;

/// A literal `T` or an intrinsic function that CloudFormation resolves at deploy time.
///
/// ```
/// use escdk_synth::{Value, Pseudo};
/// let literal: Value<String> = "orders".into();
/// let resolved: Value<String> = Pseudo::Region.into();
/// let retention: Value<i64> = 14.into();
/// let tags: Value<Vec<Value<String>>> = vec!["a", "b"].into();
/// # let _ = (literal, resolved, retention, tags);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value<T> {
    Lit(T),
    Expr(Expr),
}

impl<T> Value<T> {
    /// The literal, when the value is not an intrinsic function.
    pub fn literal(&self) -> Option<&T> {
        match self {
            Value::Lit(t) => Some(t),
            Value::Expr(_) => None,
        }
    }
}

impl<T> From<Expr> for Value<T> {
    fn from(e: Expr) -> Self {
        Value::Expr(e)
    }
}
impl<T> From<Pseudo> for Value<T> {
    fn from(p: Pseudo) -> Self {
        Value::Expr(p.into())
    }
}
impl From<&str> for Value<String> {
    fn from(s: &str) -> Self {
        Value::Lit(s.to_string())
    }
}
impl From<String> for Value<String> {
    fn from(s: String) -> Self {
        Value::Lit(s)
    }
}
impl From<&String> for Value<String> {
    fn from(s: &String) -> Self {
        Value::Lit(s.clone())
    }
}
impl From<bool> for Value<bool> {
    fn from(b: bool) -> Self {
        Value::Lit(b)
    }
}
macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value<i64> {
            fn from(n: $t) -> Self {
                Value::Lit(i64::from(n))
            }
        }
    )*};
}
int_value!(i64, i32, u32, u16, u8);
/// Saturates at `i64::MAX`, which no CloudFormation property accepts, so an out-of-range
/// count is still refused by the schema check rather than wrapped.
impl From<u64> for Value<i64> {
    fn from(n: u64) -> Self {
        Value::Lit(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<f64> for Value<f64> {
    fn from(n: f64) -> Self {
        Value::Lit(n)
    }
}
impl From<i32> for Value<f64> {
    fn from(n: i32) -> Self {
        Value::Lit(f64::from(n))
    }
}
impl<T, U: Into<T>> From<Vec<U>> for Value<Vec<T>> {
    fn from(v: Vec<U>) -> Self {
        Value::Lit(v.into_iter().map(Into::into).collect())
    }
}
impl<T> From<Map<T>> for Value<Map<T>> {
    fn from(m: Map<T>) -> Self {
        Value::Lit(m)
    }
}
