//! [`Node`]: the rendered template, the tree every check reads and the JSON text is
//! written from.
//!
//! A synth renders every resource into this tree once, checks it and writes it out. It
//! reads like `serde_json::Value` (the same variants, `value["Key"]`, `as_str`, `get`,
//! comparisons with literals and with `serde_json::Value`), and is smaller and cheaper to
//! build: an object is its members in order in one vector, with no hash table, and a key
//! the renderer knows at compile time (every property name, every intrinsic) is a
//! `&'static str` rather than a `String` allocated and hashed per member. Objects are
//! small (a resource, a property, an intrinsic); a lookup compares keys in order. Large
//! objects (a template's `Resources`) are looked up by the checks through an index they
//! build once ([`Object::index`]).
//!
//! Converting to `serde_json::Value` (`From<&Node>`) gives the same value, keys in the same
//! order; [`crate::synthesize::Synthesized::template`] offers it to tests and tools.
//!
//! ```
//! use escdk_synth::node::{Node, Object};
//! let mut o = Object::new();
//! o.insert("Type", Node::from("AWS::SQS::Queue"));
//! o.insert("Properties", Node::Object(Object::new()));
//! let node = Node::Object(o);
//! assert_eq!(node["Type"], "AWS::SQS::Queue");
//! assert_eq!(serde_json::Value::from(&node), serde_json::json!({"Type": "AWS::SQS::Queue", "Properties": {}}));
//! ```

use crate::hashing::HashMap;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

/// An object's key: a name known at compile time, or one made at run time.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(Cow<'static, str>);

impl Key {
    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}
impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        &self.0
    }
}
impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl From<&'static str> for Key {
    fn from(s: &'static str) -> Self {
        Key(Cow::Borrowed(s))
    }
}
impl From<String> for Key {
    fn from(s: String) -> Self {
        Key(Cow::Owned(s))
    }
}
impl From<&String> for Key {
    fn from(s: &String) -> Self {
        Key(Cow::Owned(s.clone()))
    }
}
impl From<Key> for String {
    fn from(k: Key) -> Self {
        k.0.into_owned()
    }
}
impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}
impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}
impl PartialEq<String> for Key {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Key> for str {
    fn eq(&self, other: &Key) -> bool {
        *self == *other.0
    }
}
impl PartialEq<Key> for &str {
    fn eq(&self, other: &Key) -> bool {
        **self == *other.0
    }
}
impl PartialEq<Key> for String {
    fn eq(&self, other: &Key) -> bool {
        **self == *other.0
    }
}

/// A rendered JSON value: the variants of `serde_json::Value`, with [`Object`] for objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Node {
    #[default]
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Object),
}

/// An object's members in the order they were inserted; inserting a key already present
/// replaces its value in place (as `serde_json::Map` keeps order).
#[derive(Clone, Debug, Default)]
pub struct Object(Vec<(Key, Node)>);

impl Object {
    /// An empty object.
    pub const fn new() -> Self {
        Object(Vec::new())
    }

    /// An empty object with room for `n` members.
    pub fn with_capacity(n: usize) -> Self {
        Object(Vec::with_capacity(n))
    }

    /// An object of these members, in order; the keys are distinct (checked in debug
    /// builds).
    pub fn from_members(members: Vec<(Key, Node)>) -> Self {
        debug_assert!(
            members
                .iter()
                .enumerate()
                .all(|(i, (k, _))| members[..i].iter().all(|(j, _)| j != k)),
            "duplicate keys"
        );
        Object(members)
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|(k, _)| k.as_str() == key)
    }

    /// The member `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.0
            .iter()
            .find_map(|(k, v)| (k.as_str() == key).then_some(v))
    }

    /// The member `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.0
            .iter_mut()
            .find_map(|(k, v)| (k.as_str() == key).then_some(v))
    }

    /// Whether the object has the member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets the member `key`: in its place if present (returning the old value), else last.
    pub fn insert(&mut self, key: impl Into<Key>, value: Node) -> Option<Node> {
        let key = key.into();
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Appends a member the caller knows is not present (a renderer writing each property
    /// once): no search. A duplicate is a bug, caught in debug builds.
    pub fn push(&mut self, key: impl Into<Key>, value: Node) {
        let key = key.into();
        debug_assert!(!self.contains_key(&key), "duplicate key {key}");
        self.0.push((key, value));
    }

    /// Removes the member `key`, moving the last member into its place (what
    /// `serde_json::Map::remove` does with ordered maps).
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let i = self.position(key)?;
        Some(self.0.swap_remove(i).1)
    }

    /// Removes the member `key`, keeping the order of the others.
    pub fn shift_remove(&mut self, key: &str) -> Option<Node> {
        let i = self.position(key)?;
        Some(self.0.remove(i).1)
    }

    /// The members in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Key, &Node)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The members in order, values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&Key, &mut Node)> + ExactSizeIterator {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Node> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Node> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the members for which `f` is true, in order.
    pub fn retain(&mut self, mut f: impl FnMut(&Key, &mut Node) -> bool) {
        self.0.retain_mut(|(k, v)| f(k, v));
    }

    /// The member `key`, inserted from `make` when absent.
    pub fn get_or_insert_with(
        &mut self,
        key: impl Into<Key>,
        make: impl FnOnce() -> Node,
    ) -> &mut Node {
        let key = key.into();
        let i = match self.position(&key) {
            Some(i) => i,
            None => {
                self.0.push((key, make()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    /// Orders the members by key (a stable sort).
    pub fn sort_keys(&mut self) {
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
    }

    /// The members by key, for an object looked up many times (a template's `Resources`).
    pub(crate) fn index(&self) -> HashMap<&str, &Node> {
        let mut m = HashMap::with_capacity_and_hasher(self.0.len(), Default::default());
        for (k, v) in self.iter() {
            m.entry(k.as_str()).or_insert(v);
        }
        m
    }
}

impl PartialEq for Object {
    /// Members compare as a map's do, in any order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K: Into<Key>> FromIterator<(K, Node)> for Object {
    /// Later values replace earlier ones of the same key, in the earlier one's place.
    fn from_iter<I: IntoIterator<Item = (K, Node)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut o = Object::with_capacity(iter.size_hint().0);
        o.extend(iter);
        o
    }
}

impl<K: Into<Key>> Extend<(K, Node)> for Object {
    fn extend<I: IntoIterator<Item = (K, Node)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for Object {
    type Item = (Key, Node);
    type IntoIter = std::vec::IntoIter<(Key, Node)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a Key, &'a Node);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Key, Node)>,
        fn(&'a (Key, Node)) -> (&'a Key, &'a Node),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'a> IntoIterator for &'a mut Object {
    type Item = (&'a Key, &'a mut Node);
    type IntoIter = std::iter::Map<
        std::slice::IterMut<'a, (Key, Node)>,
        fn(&'a mut (Key, Node)) -> (&'a Key, &'a mut Node),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }
}

impl std::ops::Index<&str> for Object {
    type Output = Node;
    fn index(&self, key: &str) -> &Node {
        self.get(key).unwrap_or(&NULL)
    }
}

static NULL: Node = Node::Null;

impl Node {
    /// An object of one member, as intrinsics are: `{"Ref": "Queue"}`.
    pub fn one(key: &'static str, value: impl Into<Node>) -> Node {
        Node::Object(Object(vec![(Key::from(key), value.into())]))
    }

    /// An array of the values.
    pub fn array<V: Into<Node>>(items: impl IntoIterator<Item = V>) -> Node {
        Node::Array(items.into_iter().map(Into::into).collect())
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Node::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut Object> {
        match self {
            Node::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Node::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Node::Number(n) => n.as_u64(),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Number(n) => n.as_f64(),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }
    pub fn is_object(&self) -> bool {
        matches!(self, Node::Object(_))
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Node::Array(_))
    }
    pub fn is_string(&self) -> bool {
        matches!(self, Node::String(_))
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Node::Number(_))
    }
    pub fn is_boolean(&self) -> bool {
        matches!(self, Node::Bool(_))
    }

    /// The member `key` of an object, or the item `key` of an array.
    pub fn get<I: At>(&self, key: I) -> Option<&Node> {
        key.find(self)
    }

    /// As [`Node::get`], to change.
    pub fn get_mut<I: At>(&mut self, key: I) -> Option<&mut Node> {
        key.find_mut(self)
    }

    /// The value at a JSON pointer (`/Resources/Queue/Type`), as `serde_json` reads one.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |node, token| {
            let token = token.replace("~1", "/").replace("~0", "~");
            match node {
                Node::Object(o) => o.get(&token),
                Node::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            }
        })
    }

    /// Sets (`Some`) or deletes (`None`) the value at a dotted path; a number addresses an item
    /// of a list. Missing objects on the way are created; a list item must exist.
    pub(crate) fn set_path(&mut self, path: &str, value: Option<Node>) -> Result<(), String> {
        let mut cur = self;
        let parts: Vec<&str> = path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            if let Node::Array(items) = cur {
                let len = items.len();
                let index = part.parse::<usize>().map_err(|_| {
                    format!(
                        "`{part}` addresses a list: use an item's index (0 to {})",
                        len.saturating_sub(1)
                    )
                })?;
                if index >= len {
                    return Err(format!("item {index} does not exist: the list has {len}"));
                }
                if last {
                    match value {
                        Some(v) => items[index] = v,
                        None => {
                            items.remove(index);
                        }
                    }
                    return Ok(());
                }
                cur = &mut items[index];
                continue;
            }
            if !cur.is_object() {
                if value.is_none() {
                    return Ok(()); // nothing there to delete
                }
                *cur = Node::Object(Object::new());
            }
            let Some(obj) = cur.as_object_mut() else {
                return Ok(());
            };
            if last {
                match value {
                    Some(v) => {
                        obj.insert((*part).to_string(), v);
                    }
                    None => {
                        obj.shift_remove(part);
                    }
                }
                return Ok(());
            }
            if value.is_none() && !obj.contains_key(part) {
                return Ok(());
            }
            cur = obj.get_or_insert_with((*part).to_string(), || Node::Object(Object::new()));
        }
        Ok(())
    }

    /// The value, leaving `Null` in its place.
    pub fn take(&mut self) -> Node {
        std::mem::take(self)
    }
}

/// What [`Node::get`] and indexing take: a key (of an object) or a position (in an array).
pub trait At {
    fn find(self, node: &Node) -> Option<&Node>;
    fn find_mut(self, node: &mut Node) -> Option<&mut Node>;
}
impl At for &str {
    fn find(self, node: &Node) -> Option<&Node> {
        node.as_object()?.get(self)
    }
    fn find_mut(self, node: &mut Node) -> Option<&mut Node> {
        node.as_object_mut()?.get_mut(self)
    }
}
impl At for &String {
    fn find(self, node: &Node) -> Option<&Node> {
        At::find(self.as_str(), node)
    }
    fn find_mut(self, node: &mut Node) -> Option<&mut Node> {
        At::find_mut(self.as_str(), node)
    }
}
impl At for &Key {
    fn find(self, node: &Node) -> Option<&Node> {
        At::find(self.as_str(), node)
    }
    fn find_mut(self, node: &mut Node) -> Option<&mut Node> {
        At::find_mut(self.as_str(), node)
    }
}
impl At for usize {
    fn find(self, node: &Node) -> Option<&Node> {
        node.as_array()?.get(self)
    }
    fn find_mut(self, node: &mut Node) -> Option<&mut Node> {
        node.as_array_mut()?.get_mut(self)
    }
}

impl<I: At> std::ops::Index<I> for Node {
    type Output = Node;
    /// The member or item, or `Null` when there is none (as `serde_json::Value` indexes).
    fn index(&self, key: I) -> &Node {
        key.find(self).unwrap_or(&NULL)
    }
}

impl std::ops::IndexMut<&str> for Node {
    /// The member `key`, inserted as `Null` when absent; `Null` becomes an empty object
    /// first (as with `serde_json::Value`). Panics on a value that is not an object.
    fn index_mut(&mut self, key: &str) -> &mut Node {
        if self.is_null() {
            *self = Node::Object(Object::new());
        }
        match self {
            Node::Object(o) => o.get_or_insert_with(key.to_string(), || Node::Null),
            other => panic!("cannot index {} with the key {key:?}", kind(other)),
        }
    }
}

impl std::ops::IndexMut<usize> for Node {
    /// The item `i`; panics when there is none (as with `serde_json::Value`).
    fn index_mut(&mut self, i: usize) -> &mut Node {
        match self {
            Node::Array(a) => {
                let len = a.len();
                a.get_mut(i)
                    .unwrap_or_else(|| panic!("index {i} out of bounds for an array of {len}"))
            }
            other => panic!("cannot index {} with {i}", kind(other)),
        }
    }
}

fn kind(node: &Node) -> &'static str {
    match node {
        Node::Null => "null",
        Node::Bool(_) => "a boolean",
        Node::Number(_) => "a number",
        Node::String(_) => "a string",
        Node::Array(_) => "an array",
        Node::Object(_) => "an object",
    }
}

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
impl From<bool> for Node {
    fn from(b: bool) -> Self {
        Node::Bool(b)
    }
}
impl From<String> for Node {
    fn from(s: String) -> Self {
        Node::String(s)
    }
}
impl From<&String> for Node {
    fn from(s: &String) -> Self {
        Node::String(s.clone())
    }
}
impl From<&str> for Node {
    fn from(s: &str) -> Self {
        Node::String(s.to_string())
    }
}
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
macro_rules! node_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Node {
            fn from(n: $t) -> Self {
                Node::Number(n.into())
            }
        }
    )*};
}
node_from_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
impl From<f64> for Node {
    /// `Null` for a number JSON cannot hold (NaN, infinities), as `serde_json` does.
    fn from(n: f64) -> Self {
        serde_json::Number::from_f64(n).map_or(Node::Null, Node::Number)
    }
}
impl<T: Into<Node>> From<Vec<T>> for Node {
    fn from(v: Vec<T>) -> Self {
        Node::Array(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Node>> From<Option<T>> for Node {
    fn from(v: Option<T>) -> Self {
        v.map_or(Node::Null, Into::into)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> serde_json::Value {
        json!({
            "Resources": {
                "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5, "Fifo": true}},
                "Topic": {"Type": "AWS::SNS::Topic", "Metadata": {"a/b": [1, 2.5, null, "x"]}}
            },
            "Outputs": {}
        })
    }

    #[test]
    fn converting_to_serde_json_and_back_gives_the_same_value_in_the_same_order() {
        let v = sample();
        let node = Node::from(v.clone());
        let back = serde_json::Value::from(&node);
        assert_eq!(back, v);
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        assert_eq!(node.to_string(), v.to_string());
        assert_eq!(node, v);
        assert_eq!(v, node);
    }

    #[test]
    fn indexing_reads_as_serde_json_does() {
        let v = sample();
        let node = Node::from(v.clone());
        for path in [
            "/Resources/Queue/Type",
            "/Resources/Topic/Metadata/a~1b/1",
            "/Nope",
            "/Resources/Queue/Properties/DelaySeconds/x",
            "",
        ] {
            assert_eq!(
                node.pointer(path).map(serde_json::Value::from),
                v.pointer(path).cloned(),
                "{path}"
            );
        }
        assert_eq!(node["Resources"]["Queue"]["Type"], "AWS::SQS::Queue");
        assert_eq!(node["Resources"]["Queue"]["Properties"]["DelaySeconds"], 5);
        assert_eq!(node["Resources"]["Queue"]["Properties"]["Fifo"], true);
        assert!(node["Resources"]["Nope"]["Type"].is_null());
        assert!(node["Outputs"][3].is_null());
        assert_eq!(node["Resources"]["Topic"]["Metadata"]["a/b"][3], "x");
        assert_eq!(node.get("Outputs"), Some(&Node::Object(Object::new())));
        assert_eq!(node.get(7), None);
    }

    #[test]
    fn insert_replaces_in_place_and_remove_moves_the_last_member_as_serde_json_map_does() {
        let mut ours = Object::new();
        let mut theirs = serde_json::Map::new();
        for (k, v) in [("a", 1), ("b", 2), ("c", 3), ("b", 4), ("d", 5)] {
            assert_eq!(
                ours.insert(k, Node::from(v)).map(serde_json::Value::from),
                theirs.insert(k.into(), json!(v))
            );
        }
        assert_eq!(
            ours.remove("a").map(serde_json::Value::from),
            theirs.remove("a")
        );
        assert_eq!(ours.remove("zz"), None);
        let order: Vec<&str> = ours.keys().map(Key::as_str).collect();
        let expected: Vec<&str> = theirs.keys().map(String::as_str).collect();
        assert_eq!(order, expected);
        assert_eq!(
            ours.shift_remove("d").map(serde_json::Value::from),
            Some(json!(5))
        );
        assert_eq!(ours.keys().map(Key::as_str).collect::<Vec<_>>(), ["b", "c"]);
    }

    #[test]
    fn objects_compare_as_maps_in_any_order() {
        let a: Object = [("x", Node::from(1)), ("y", Node::from(2))]
            .into_iter()
            .collect();
        let b: Object = [("y", Node::from(2)), ("x", Node::from(1))]
            .into_iter()
            .collect();
        let c: Object = [("y", Node::from(2)), ("x", Node::from(3))]
            .into_iter()
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(Node::from(1), Node::from("1"));
    }

    #[test]
    fn index_mut_makes_objects_of_null_and_adds_members() {
        let mut n = Node::Null;
        n["Metadata"]["checkov"] = Node::from("x");
        assert_eq!(n, json!({"Metadata": {"checkov": "x"}}));
        let mut a = Node::array([1, 2]);
        a[1] = Node::from(7);
        assert_eq!(a, json!([1, 7]));
    }

    #[test]
    fn an_index_of_a_large_object_finds_every_member() {
        let o: Object = (0..100).map(|i| (format!("R{i}"), Node::from(i))).collect();
        let idx = o.index();
        assert_eq!(idx.len(), 100);
        for i in 0..100 {
            assert_eq!(idx[format!("R{i}").as_str()], &Node::from(i));
        }
    }

    #[test]
    fn a_member_is_found_by_its_whole_key_and_missing_ones_index_as_null() {
        for n in [0, 1, 8, 9, 40] {
            let object: Object = (0..n).map(|i| (format!("Key{i}"), Node::from(i))).collect();
            let value = Node::Object(object.clone());
            for i in 0..n + 2 {
                let key = format!("Key{i}");
                let expected = (i < n).then(|| Node::from(i));
                assert_eq!(object.get(&key), expected.as_ref(), "{n} keys, {key}");
                assert_eq!(value.get(&key), expected.as_ref(), "{n} keys, {key}");
                assert_eq!(
                    &value[key.as_str()],
                    expected.as_ref().unwrap_or(&Node::Null)
                );
                assert_eq!(
                    &object[key.as_str()],
                    expected.as_ref().unwrap_or(&Node::Null)
                );
            }
            // A key that is a prefix of one present is not it.
            assert_eq!(value.get("Key"), None);
        }
        assert_eq!(Node::from("Type").get("Type"), None);
        assert_eq!(Node::Null["Type"], Node::Null);
        assert_eq!(Node::array([1, 2])["0"], Node::Null);
    }
}
