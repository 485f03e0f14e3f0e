//! Tags, as the CDK's `Tags.of(scope).add(key, value)`: applied at synth to every taggable
//! resource under the scope, in the shape its schema's `tagging` metadata gives (a list of
//! `Key`/`Value` objects or a map). The nearest scope wins: a tag added on a construct
//! overrides the same key from the stack, `remove` under a scope takes a key off there,
//! and a tag written in a resource's own properties wins over all of them. Tags at the
//! stack's root are also passed to CloudFormation at deploy (stack tags).
//!
//! AWS's limits are checked: 50 tags per resource, keys of 1 to 128 characters and values
//! of at most 256, no `aws:` prefix.
//!
//! ```
//! use escdk_synth::{Stack, Tags, cfn::sqs::CfnQueue};
//! let stack = Stack::new("Demo");
//! Tags::of(&stack.root()).add("project", "orders");
//! let jobs = stack.root().child("Jobs");
//! Tags::of(&jobs).add("team", "billing");
//! let queue = jobs.add("Resource", CfnQueue { sqs_managed_sse_enabled: Some(true.into()), ..Default::default() });
//! let t = stack.synth().unwrap().template().clone();
//! let tags = &t["Resources"][queue.logical_id()]["Properties"]["Tags"];
//! assert_eq!(tags[0], serde_json::json!({"Key": "project", "Value": "orders"}));
//! assert_eq!(tags[1], serde_json::json!({"Key": "team", "Value": "billing"}));
//! ```

use super::scope::{below_stack, is_under, Scope};
use super::{ResourceEntry, Stack};
use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;
use crate::l1::Tagging;
use std::collections::BTreeMap;

/// AWS's limit on tags per resource.
pub const MAX_TAGS: usize = 50;
pub const MAX_KEY_LEN: usize = 128;
pub const MAX_VALUE_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagRule {
    /// Path below the stack (`""` for the whole stack).
    path: String,
    key: String,
    /// `None` removes the key.
    value: Option<String>,
}

/// The tags of one scope.
pub struct Tags {
    stack: Stack,
    path: String,
    full_path: String,
}

impl Tags {
    /// The tags of everything under `scope`.
    pub fn of(scope: &Scope) -> Tags {
        Tags {
            stack: scope.stack().clone(),
            path: scope.path().to_string(),
            full_path: scope.full_path(),
        }
    }

    fn check(&self, key: &str, value: Option<&str>) -> bool {
        let mut problems = Vec::new();
        let klen = key.chars().count();
        if klen == 0 || klen > MAX_KEY_LEN {
            problems.push((
                format!("tag key `{key}` has {klen} characters; AWS allows 1 to {MAX_KEY_LEN}"),
                "shorten the key".to_string(),
            ));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            problems.push((
                format!("tag key `{key}` starts with `aws:`, which AWS reserves for itself"),
                "choose a key without the `aws:` prefix".to_string(),
            ));
        }
        if let Some(v) = value {
            let vlen = v.chars().count();
            if vlen > MAX_VALUE_LEN {
                problems.push((
                    format!("the value of tag `{key}` has {vlen} characters; AWS allows {MAX_VALUE_LEN}"),
                    "shorten the value".to_string(),
                ));
            }
        }
        let ok = problems.is_empty();
        for (message, fix) in problems {
            self.stack.push_diagnostic(
                Diagnostic::error(self.full_path.clone(), message, fix).with_property("Tags"),
            );
        }
        ok
    }

    /// Adds (or replaces) a tag on every taggable resource under the scope.
    pub fn add(&self, key: impl Into<String>, value: impl Into<String>) -> &Self {
        let (key, value) = (key.into(), value.into());
        if self.check(&key, Some(&value)) {
            self.stack.data().tags.push(TagRule {
                path: self.path.clone(),
                key,
                value: Some(value),
            });
        }
        self
    }

    /// Removes a tag (added on an enclosing scope) from every resource under the scope.
    pub fn remove(&self, key: impl Into<String>) -> &Self {
        let key = key.into();
        self.stack.data().tags.push(TagRule {
            path: self.path.clone(),
            key,
            value: None,
        });
        self
    }
}

/// Works out the tags of each resource from the rules.
pub(crate) struct Resolver<'a> {
    stack: &'a str,
    rules: Vec<&'a TagRule>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(stack: &'a str, rules: &'a [TagRule]) -> Self {
        // Shallower scopes first, so nearer ones override; the order of calls breaks ties.
        let mut rules: Vec<&TagRule> = rules.iter().collect();
        rules.sort_by_key(|r| {
            if r.path.is_empty() {
                0
            } else {
                r.path.matches('/').count() + 1
            }
        });
        Resolver { stack, rules }
    }

    fn tags_at(&self, path: &str) -> BTreeMap<&str, &str> {
        let mut tags = BTreeMap::new();
        for r in self.rules.iter().filter(|r| is_under(path, &r.path)) {
            match &r.value {
                Some(v) => tags.insert(r.key.as_str(), v.as_str()),
                None => tags.remove(r.key.as_str()),
            };
        }
        tags
    }

    /// The tags at the stack's root (stack tags).
    pub(crate) fn stack_tags(&self) -> BTreeMap<String, String> {
        self.tags_at("")
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Adds the resource's tags to its rendered properties.
    pub(crate) fn apply(
        &self,
        e: &ResourceEntry,
        lid: &str,
        props: &mut JsonValue,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.rules.is_empty() {
            return;
        }
        let tags = self.tags_at(below_stack(&e.path, self.stack));
        if tags.is_empty() {
            return;
        }
        let Some(obj) = props.as_object_mut() else {
            return;
        };
        let count = match e.props.tagging() {
            Tagging::None => return,
            Tagging::List(property) => {
                let list = obj.get_or_insert_with(property, || JsonValue::Array(Vec::new()));
                let Some(list) = list.as_array_mut() else {
                    return;
                };
                let own: Vec<String> = list
                    .iter()
                    .filter_map(|t| t["Key"].as_str().map(str::to_string))
                    .collect();
                for (&k, &v) in tags.iter().filter(|(k, _)| !own.iter().any(|o| o == *k)) {
                    let mut tag = crate::json::JsonMap::with_capacity(2);
                    tag.push("Key", k.into());
                    tag.push("Value", v.into());
                    list.push(JsonValue::Object(tag));
                }
                list.len()
            }
            Tagging::Map(property) => {
                let map = obj.get_or_insert_with(property, || {
                    JsonValue::Object(crate::json::JsonMap::new())
                });
                let Some(map) = map.as_object_mut() else {
                    return;
                };
                for (&k, &v) in &tags {
                    map.get_or_insert_with(k.to_string(), || JsonValue::String(v.to_string()));
                }
                map.len()
            }
        };
        if count > MAX_TAGS {
            diags.push(
                Diagnostic::error(
                    e.path.clone(),
                    format!("has {count} tags; AWS allows {MAX_TAGS} per resource"),
                    "remove tags under this scope with Tags::of(scope).remove(key)",
                )
                .with_logical_id(lid)
                .with_property("Properties.Tags"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_matches_whole_components() {
        assert!(is_under("A/B", ""));
        assert!(is_under("A/B", "A"));
        assert!(is_under("A", "A"));
        assert!(!is_under("AB/C", "A"));
        assert_eq!(below_stack("S/A/B", "S"), "A/B");
        assert_eq!(below_stack("S", "S"), "");
    }

    #[test]
    fn nearest_scope_wins_and_remove_takes_off() {
        let rules = vec![
            TagRule {
                path: "A".into(),
                key: "team".into(),
                value: Some("a".into()),
            },
            TagRule {
                path: String::new(),
                key: "team".into(),
                value: Some("root".into()),
            },
            TagRule {
                path: "A/B".into(),
                key: "team".into(),
                value: None,
            },
        ];
        let r = Resolver::new("S", &rules);
        assert_eq!(r.tags_at("A/X")["team"], "a");
        assert_eq!(r.tags_at("C")["team"], "root");
        assert!(!r.tags_at("A/B/C").contains_key("team"));
    }
}
