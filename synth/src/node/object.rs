//! [`Object`]: an object's members in order in one vector: a rendered object, and the
//! objects of a [`crate::Json`] before rendering.

use super::{Key, Node, NULL};

/// An object's members in the order they were inserted; inserting a key already present
/// replaces its value in place (as `serde_json::Map` keeps order). Objects are small (a
/// resource, a property, a policy statement): a lookup compares keys in order, with no
/// hash table to build.
#[derive(Clone, Debug)]
pub struct Object<V = Node>(pub(super) Vec<(Key, V)>);

impl<V> Default for Object<V> {
    fn default() -> Self {
        Object(Vec::new())
    }
}

impl<V> Object<V> {
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
    pub fn from_members(members: Vec<(Key, V)>) -> Self {
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
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0
            .iter()
            .find_map(|(k, v)| (k.as_str() == key).then_some(v))
    }

    /// The member `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.0
            .iter_mut()
            .find_map(|(k, v)| (k.as_str() == key).then_some(v))
    }

    /// Whether the object has the member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets the member `key`: in its place if present (returning the old value), else last.
    pub fn insert(&mut self, key: impl Into<Key>, value: V) -> Option<V> {
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
    pub fn push(&mut self, key: impl Into<Key>, value: V) {
        let key = key.into();
        debug_assert!(!self.contains_key(&key), "duplicate key {key}");
        self.0.push((key, value));
    }

    /// Removes the member `key`, moving the last member into its place (what
    /// `serde_json::Map::remove` does with ordered maps).
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.position(key)?;
        Some(self.0.swap_remove(i).1)
    }

    /// Removes the member `key`, keeping the order of the others.
    pub fn shift_remove(&mut self, key: &str) -> Option<V> {
        let i = self.position(key)?;
        Some(self.0.remove(i).1)
    }

    /// The members in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Key, &V)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The members in order, values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&Key, &mut V)> + ExactSizeIterator {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the members for which `f` is true, in order.
    pub fn retain(&mut self, mut f: impl FnMut(&Key, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| f(k, v));
    }

    /// The member `key`, inserted from `make` when absent.
    pub fn get_or_insert_with(&mut self, key: impl Into<Key>, make: impl FnOnce() -> V) -> &mut V {
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
}

impl<V: PartialEq> PartialEq for Object<V> {
    /// Members compare as a map's do, in any order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<K: Into<Key>, V> FromIterator<(K, V)> for Object<V> {
    /// Later values replace earlier ones of the same key, in the earlier one's place.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut o = Object::with_capacity(iter.size_hint().0);
        o.extend(iter);
        o
    }
}

impl<K: Into<Key>, V> Extend<(K, V)> for Object<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<V> IntoIterator for Object<V> {
    type Item = (Key, V);
    type IntoIter = std::vec::IntoIter<(Key, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a Object<V> {
    type Item = (&'a Key, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Key, V)>, fn(&'a (Key, V)) -> (&'a Key, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<'a, V> IntoIterator for &'a mut Object<V> {
    type Item = (&'a Key, &'a mut V);
    type IntoIter = std::iter::Map<
        std::slice::IterMut<'a, (Key, V)>,
        fn(&'a mut (Key, V)) -> (&'a Key, &'a mut V),
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
