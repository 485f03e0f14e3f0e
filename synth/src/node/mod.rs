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
//! objects (a template's `Resources`) are looked up by the checks through hash maps they
//! build once.
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

mod convert;
pub(crate) use convert::from_literals;
mod key;
mod object;

pub use key::Key;
pub use object::Object;

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

/// What indexing finds where there is nothing (as `serde_json::Value` indexes).
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
