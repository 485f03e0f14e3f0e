//! [`Key`]: an object's key, a `&'static str` when the renderer knows it at compile time.

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
