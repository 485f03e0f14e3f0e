//! Assertions for the tests of an app, as the CDK's `Template.fromStack(stack)`: count
//! resources, match their properties partially and deeply, find outputs. A failed
//! assertion panics (it is for `#[test]` functions) with the closest candidate and what
//! differs in it.
//!
//! ```
//! use escdk_synth::assertions::{Match, Template};
//! use escdk_synth::{Stack, cfn::sqs::CfnQueue};
//! use serde_json::json;
//!
//! let stack = Stack::new("Demo");
//! stack.root().add("Jobs", CfnQueue {
//!     message_retention_period: Some(1_209_600.into()),
//!     sqs_managed_sse_enabled: Some(true.into()),
//!     ..Default::default()
//! });
//! let t = Template::from_stack(&stack);
//! t.resource_count_is("AWS::SQS::Queue", 1);
//! t.has_resource_properties("AWS::SQS::Queue", json!({ "SqsManagedSseEnabled": true }));
//! t.has_resource_properties("AWS::SQS::Queue", Match::object_like([
//!     ("MessageRetentionPeriod", Match::any_value()),
//!     ("KmsMasterKeyId", Match::absent()),
//! ]));
//! ```

use crate::stack::Stack;
use serde_json::Value as JsonValue;
use std::collections::BTreeMap;

/// A pattern a template fragment is matched against.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    /// Equal, except that objects may have keys the pattern does not name (deeply); arrays
    /// have the pattern's length and match element by element.
    Literal(JsonValue),
    /// Exactly equal.
    Exact(JsonValue),
    /// An object with at least these keys, each matching.
    ObjectLike(Vec<(String, Match)>),
    /// An array containing, in this order but not necessarily adjacent, items matching these.
    ArrayWith(Vec<Match>),
    /// Present, whatever the value.
    AnyValue,
    /// The key is not there (inside [`Match::ObjectLike`]).
    Absent,
    /// Anything the inner pattern does not match.
    Not(Box<Match>),
}

impl Match {
    pub fn exact(v: impl Into<JsonValue>) -> Match {
        Match::Exact(v.into())
    }
    pub fn object_like<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Match)>) -> Match {
        Match::ObjectLike(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
    pub fn array_with(items: impl IntoIterator<Item = Match>) -> Match {
        Match::ArrayWith(items.into_iter().collect())
    }
    pub fn any_value() -> Match {
        Match::AnyValue
    }
    pub fn absent() -> Match {
        Match::Absent
    }
    #[allow(clippy::should_implement_trait)]
    pub fn not(m: impl Into<Match>) -> Match {
        Match::Not(Box::new(m.into()))
    }

    /// What differs between `value` (`None`: missing) and this pattern, each with its path.
    pub fn mismatches(&self, path: &str, value: Option<&JsonValue>) -> Vec<String> {
        let mut out = Vec::new();
        self.check(path, value, &mut out);
        out
    }

    fn check(&self, path: &str, value: Option<&JsonValue>, out: &mut Vec<String>) {
        let at = |p: &str| {
            if p.is_empty() {
                "(root)".to_string()
            } else {
                p.to_string()
            }
        };
        match (self, value) {
            (Match::Absent, None) => {}
            (Match::Absent, Some(v)) => {
                out.push(format!("{}: expected absent, found {v}", at(path)))
            }
            (_, None) => out.push(format!("{}: missing", at(path))),
            (Match::AnyValue, Some(_)) => {}
            (Match::Exact(e), Some(v)) => {
                if e != v {
                    out.push(format!("{}: expected exactly {e}, found {v}", at(path)));
                }
            }
            (Match::Not(inner), Some(v)) => {
                if inner.mismatches(path, Some(v)).is_empty() {
                    out.push(format!("{}: expected not to match, found {v}", at(path)));
                }
            }
            (Match::ObjectLike(pairs), Some(v)) => {
                let Some(obj) = v.as_object() else {
                    out.push(format!("{}: expected an object, found {v}", at(path)));
                    return;
                };
                for (k, m) in pairs {
                    m.check(&join(path, k), obj.get(k), out);
                }
            }
            (Match::ArrayWith(items), Some(v)) => {
                let Some(arr) = v.as_array() else {
                    out.push(format!("{}: expected an array, found {v}", at(path)));
                    return;
                };
                let mut next = 0;
                for (i, m) in items.iter().enumerate() {
                    match (next..arr.len()).find(|&j| m.mismatches("", Some(&arr[j])).is_empty()) {
                        Some(j) => next = j + 1,
                        None => {
                            out.push(format!(
                                "{}: no item (after the ones matched) matches pattern {i} of array_with",
                                at(path)
                            ));
                            return;
                        }
                    }
                }
            }
            (Match::Literal(e), Some(v)) => match (e, v) {
                (JsonValue::Object(pe), JsonValue::Object(_)) => {
                    let pairs = pe
                        .iter()
                        .map(|(k, p)| (k.clone(), Match::Literal(p.clone())))
                        .collect();
                    Match::ObjectLike(pairs).check(path, Some(v), out);
                }
                (JsonValue::Array(pa), JsonValue::Array(va)) if pa.len() == va.len() => {
                    for (i, (p, x)) in pa.iter().zip(va).enumerate() {
                        Match::Literal(p.clone()).check(&format!("{path}[{i}]"), Some(x), out);
                    }
                }
                (JsonValue::Array(pa), JsonValue::Array(va)) => out.push(format!(
                    "{}: expected {} items, found {}",
                    at(path),
                    pa.len(),
                    va.len()
                )),
                (e, v) if e != v => out.push(format!("{}: expected {e}, found {v}", at(path))),
                _ => {}
            },
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl From<JsonValue> for Match {
    fn from(v: JsonValue) -> Self {
        Match::Literal(v)
    }
}

/// A synthesized template, for assertions.
#[derive(Debug, Clone)]
pub struct Template {
    template: JsonValue,
}

impl Template {
    /// Synthesizes the stack; panics with synth's errors when it fails (a test of a stack
    /// that does not synthesize fails there).
    pub fn from_stack(stack: &Stack) -> Template {
        match stack.synth() {
            Ok(s) => Template {
                template: s.template().clone(),
            },
            Err(e) => panic!("the stack does not synthesize:\n{e}"),
        }
    }

    /// The template of one stack of an app (cross-stack references resolved).
    pub fn from_app(app: &crate::App, stack: &str) -> Template {
        match app.synth(&[stack.to_string()]) {
            Ok(mut s) if !s.is_empty() => Template {
                template: s.remove(0).template().clone(),
            },
            Ok(_) => panic!("the app has no stack `{stack}`"),
            Err(e) => panic!("the app does not synthesize:\n{e}"),
        }
    }

    pub fn from_json(template: JsonValue) -> Template {
        Template { template }
    }

    pub fn to_json(&self) -> &JsonValue {
        &self.template
    }

    fn of_type(&self, type_name: &str) -> Vec<(&String, &JsonValue)> {
        self.template["Resources"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, r)| r["Type"] == type_name)
            .collect()
    }

    /// The resources of this type (whole resources: `Type`, `Properties`, attributes)
    /// matching `pattern`, by logical ID.
    pub fn find_resources(
        &self,
        type_name: &str,
        pattern: impl Into<Match>,
    ) -> BTreeMap<String, JsonValue> {
        let pattern = pattern.into();
        self.of_type(type_name)
            .into_iter()
            .filter(|(_, r)| pattern.mismatches("", Some(r)).is_empty())
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect()
    }

    /// There are exactly `count` resources of this type.
    pub fn resource_count_is(&self, type_name: &str, count: usize) {
        let found = self.of_type(type_name);
        assert!(
            found.len() == count,
            "expected {count} resource(s) of type {type_name}, found {}: {}",
            found.len(),
            found
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    fn assert_some(&self, type_name: &str, what: &str, pattern: Match, wrap: bool) {
        let candidates = self.of_type(type_name);
        let mut best: Option<(&String, Vec<String>)> = None;
        for (id, r) in &candidates {
            let mismatches = if wrap {
                pattern.mismatches("Properties", r.get("Properties").or(Some(&JsonValue::Null)))
            } else {
                pattern.mismatches("", Some(r))
            };
            if mismatches.is_empty() {
                return;
            }
            if best
                .as_ref()
                .is_none_or(|(_, b)| mismatches.len() < b.len())
            {
                best = Some((id, mismatches));
            }
        }
        match best {
            None => panic!("no resource of type {type_name} in the template"),
            Some((id, mismatches)) => panic!(
                "no {type_name} has {what} matching the pattern ({} candidate(s)); the closest is {id}:\n  {}",
                candidates.len(),
                mismatches.join("\n  ")
            ),
        }
    }

    /// Some resource of this type has properties matching `props` (partially and deeply:
    /// see [`Match::Literal`]).
    pub fn has_resource_properties(&self, type_name: &str, props: impl Into<Match>) {
        self.assert_some(type_name, "properties", props.into(), true);
    }

    /// Some resource of this type matches `pattern` as a whole (`DeletionPolicy`, ...).
    pub fn has_resource(&self, type_name: &str, pattern: impl Into<Match>) {
        self.assert_some(type_name, "a definition", pattern.into(), false);
    }

    /// The output `id` exists and matches `pattern`; `id` `"*"` means any output.
    pub fn has_output(&self, id: &str, pattern: impl Into<Match>) {
        let pattern = pattern.into();
        let outputs = self.template["Outputs"].as_object();
        let candidates: Vec<(&String, &JsonValue)> = outputs
            .into_iter()
            .flatten()
            .filter(|(k, _)| id == "*" || k.as_str() == id)
            .collect();
        let mut closest: Option<(&String, Vec<String>)> = None;
        for (k, o) in &candidates {
            let m = pattern.mismatches("", Some(o));
            if m.is_empty() {
                return;
            }
            if closest.as_ref().is_none_or(|(_, b)| m.len() < b.len()) {
                closest = Some((k, m));
            }
        }
        match closest {
            None => panic!(
                "no output `{id}`; the template has: {}",
                outputs
                    .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            ),
            Some((k, m)) => panic!(
                "output `{k}` does not match the pattern:\n  {}",
                m.join("\n  ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literal_is_partial_for_objects_and_exact_for_arrays() {
        let v = json!({"A": 1, "B": {"C": [1, 2], "D": "x"}});
        assert!(Match::from(json!({"B": {"C": [1, 2]}}))
            .mismatches("", Some(&v))
            .is_empty());
        assert_eq!(
            Match::from(json!({"B": {"C": [1]}})).mismatches("", Some(&v)),
            ["B.C: expected 1 items, found 2"]
        );
        assert_eq!(
            Match::from(json!({"B": {"D": "y"}})).mismatches("", Some(&v)),
            ["B.D: expected \"y\", found \"x\""]
        );
        assert!(!Match::exact(json!({"A": 1}))
            .mismatches("", Some(&v))
            .is_empty());
    }

    #[test]
    fn array_with_absent_any_and_not() {
        let v = json!({"L": [{"K": "a"}, {"K": "b"}, {"K": "c"}]});
        let m = Match::object_like([(
            "L",
            Match::array_with([json!({"K": "a"}).into(), json!({"K": "c"}).into()]),
        )]);
        assert!(m.mismatches("", Some(&v)).is_empty());
        let wrong_order = Match::object_like([(
            "L",
            Match::array_with([json!({"K": "c"}).into(), json!({"K": "a"}).into()]),
        )]);
        assert!(!wrong_order.mismatches("", Some(&v)).is_empty());
        let absent = Match::object_like([("X", Match::absent()), ("L", Match::any_value())]);
        assert!(absent.mismatches("", Some(&v)).is_empty());
        assert_eq!(
            Match::object_like([("L", Match::absent())])
                .mismatches("", Some(&v))
                .len(),
            1
        );
        assert!(!Match::not(Match::any_value())
            .mismatches("", Some(&v))
            .is_empty());
        assert!(Match::not(json!({"L": []}))
            .mismatches("", Some(&v))
            .is_empty());
    }

    #[test]
    fn failures_show_the_closest_candidate() {
        let t = Template::from_json(json!({"Resources": {
            "Far": {"Type": "AWS::SQS::Queue", "Properties": {"A": 2, "B": 2}},
            "Near": {"Type": "AWS::SQS::Queue", "Properties": {"A": 1, "B": 3}},
        }}));
        let err = std::panic::catch_unwind(|| {
            t.has_resource_properties("AWS::SQS::Queue", json!({"A": 1, "B": 4, "C": 5}))
        })
        .unwrap_err();
        let msg = err.downcast_ref::<String>().unwrap();
        assert!(msg.contains("the closest is Near"), "{msg}");
        assert!(msg.contains("Properties.B: expected 4, found 3"), "{msg}");
        assert!(msg.contains("Properties.C: missing"), "{msg}");
        t.has_resource_properties("AWS::SQS::Queue", json!({"B": 3}));
        t.resource_count_is("AWS::SQS::Queue", 2);
        assert_eq!(
            t.find_resources("AWS::SQS::Queue", json!({"Properties": {"B": 2}}))
                .len(),
            1
        );
    }
}
