//! A [`Node`] to and from `serde_json::Value`, serialized, displayed, made from Rust values
//! and compared with them.

use super::{Key, Node, Object};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Number(n) => n.serialize(s),
            Node::String(v) => s.serialize_str(v),
            Node::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Node::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o {
                    map.serialize_entry(k.as_str(), v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    /// As `serde_json::Value` reads it (parsing is rare in a synth: documents given as text).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(Node::from)
    }
}

impl fmt::Display for Node {
    /// Compact JSON, as `serde_json::Value` displays.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl From<&Node> for serde_json::Value {
    fn from(node: &Node) -> Self {
        match node {
            Node::Null => serde_json::Value::Null,
            Node::Bool(b) => serde_json::Value::Bool(*b),
            Node::Number(n) => serde_json::Value::Number(n.clone()),
            Node::String(s) => serde_json::Value::String(s.clone()),
            Node::Array(a) => serde_json::Value::Array(a.iter().map(Into::into).collect()),
            Node::Object(o) => serde_json::Value::Object(
                o.iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.into()))
                    .collect(),
            ),
        }
    }
}
impl From<Node> for serde_json::Value {
    fn from(node: Node) -> Self {
        (&node).into()
    }
}
impl From<serde_json::Value> for Node {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Node::Null,
            serde_json::Value::Bool(b) => Node::Bool(b),
            serde_json::Value::Number(n) => Node::Number(n),
            serde_json::Value::String(s) => Node::String(s),
            serde_json::Value::Array(a) => Node::Array(a.into_iter().map(Node::from).collect()),
            serde_json::Value::Object(m) => Node::Object(Object(
                m.into_iter()
                    .map(|(k, v)| (Key::from(k), Node::from(v)))
                    .collect(),
            )),
        }
    }
}
impl From<&serde_json::Value> for Node {
    fn from(v: &serde_json::Value) -> Self {
        v.clone().into()
    }
}
impl From<Object> for Node {
    fn from(o: Object) -> Self {
        Node::Object(o)
    }
}
/// The conversions from Rust values that a JSON tree with the variants `Null`, `Bool`,
/// `Number`, `String` and `Array` has: [`Node`], and the template's
/// [`Json`](crate::json::Json), which writes them once here.
macro_rules! from_literals {
    ($tree:ident) => {
        impl From<bool> for $tree {
            fn from(b: bool) -> Self {
                $tree::Bool(b)
            }
        }
        impl From<String> for $tree {
            fn from(s: String) -> Self {
                $tree::String(s)
            }
        }
        impl From<&String> for $tree {
            fn from(s: &String) -> Self {
                $tree::String(s.clone())
            }
        }
        impl From<&str> for $tree {
            fn from(s: &str) -> Self {
                $tree::String(s.to_string())
            }
        }
        $crate::node::from_literals!(@ints $tree: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
        impl From<f64> for $tree {
            /// `Null` for a number JSON cannot hold (NaN, infinities), as `serde_json` does.
            fn from(n: f64) -> Self {
                serde_json::Number::from_f64(n).map_or($tree::Null, $tree::Number)
            }
        }
        impl<T: Into<$tree>> From<Vec<T>> for $tree {
            fn from(v: Vec<T>) -> Self {
                $tree::Array(v.into_iter().map(Into::into).collect())
            }
        }
        impl<T: Into<$tree>> From<Option<T>> for $tree {
            fn from(v: Option<T>) -> Self {
                v.map_or($tree::Null, Into::into)
            }
        }
    };
    (@ints $tree:ident: $($t:ty),*) => {$(
        impl From<$t> for $tree {
            fn from(n: $t) -> Self {
                $tree::Number(n.into())
            }
        }
    )*};
}
pub(crate) use from_literals;
from_literals!(Node);

impl From<&Key> for Node {
    fn from(s: &Key) -> Self {
        Node::String(s.as_str().to_string())
    }
}
impl From<serde_json::Number> for Node {
    fn from(n: serde_json::Number) -> Self {
        Node::Number(n)
    }
}
impl<T: Into<Node>> FromIterator<T> for Node {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Node::array(iter)
    }
}

impl PartialEq<serde_json::Value> for Node {
    fn eq(&self, other: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        match (self, other) {
            (Node::Null, V::Null) => true,
            (Node::Bool(a), V::Bool(b)) => a == b,
            (Node::Number(a), V::Number(b)) => a == b,
            (Node::String(a), V::String(b)) => a == b,
            (Node::Array(a), V::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Node::Object(a), V::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k.as_str()).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}
impl PartialEq<Node> for serde_json::Value {
    fn eq(&self, other: &Node) -> bool {
        other == self
    }
}
impl PartialEq<str> for Node {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}
impl PartialEq<&str> for Node {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}
impl PartialEq<String> for Node {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}
impl PartialEq<Node> for str {
    fn eq(&self, other: &Node) -> bool {
        other == self
    }
}
impl PartialEq<Node> for &str {
    fn eq(&self, other: &Node) -> bool {
        other == *self
    }
}
impl PartialEq<bool> for Node {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}
macro_rules! node_eq_int {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Node {
            fn eq(&self, other: &$t) -> bool {
                self.as_i64().is_some_and(|n| i128::from(n) == *other as i128)
                    || self.as_u64().is_some_and(|n| i128::from(n) == *other as i128)
            }
        }
    )*};
}
node_eq_int!(i32, i64, u32, u64, usize);
impl PartialEq<f64> for Node {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}
