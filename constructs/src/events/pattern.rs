//! Event patterns.

use escdk_synth::Scope;
use serde_json::Value;

/// An EventBridge event pattern: `source`, `detail-type`, and optional `detail` matching.
///
/// Every field matches a list of values; a scalar where EventBridge expects a list, an empty
/// list or an empty pattern is an error at synth (such a rule is rejected or never fires).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventPattern {
    pub source: Vec<String>,
    pub detail_type: Vec<String>,
    /// Content filtering on `detail`: an object whose leaves are lists of matchers.
    pub detail: Option<Value>,
}

impl EventPattern {
    /// Matches events from these sources with these detail-types.
    pub fn new<S: Into<String>, T: Into<String>>(
        source: impl IntoIterator<Item = S>,
        detail_type: impl IntoIterator<Item = T>,
    ) -> Self {
        EventPattern {
            source: source.into_iter().map(Into::into).collect(),
            detail_type: detail_type.into_iter().map(Into::into).collect(),
            detail: None,
        }
    }

    /// The pattern as JSON.
    pub fn to_value(&self) -> Value {
        let mut m = serde_json::Map::new();
        if !self.source.is_empty() {
            m.insert("source".into(), self.source.clone().into());
        }
        if !self.detail_type.is_empty() {
            m.insert("detail-type".into(), self.detail_type.clone().into());
        }
        if let Some(d) = &self.detail {
            m.insert("detail".into(), d.clone());
        }
        Value::Object(m)
    }

    /// Records an error on `scope` for every way this pattern cannot match.
    pub fn check(&self, scope: &Scope, property: &str) {
        if self.source.is_empty() && self.detail_type.is_empty() && self.detail.is_none() {
            scope.prop_error(
                property,
                "the event pattern is empty: EventBridge rejects a rule without a pattern field",
                "match at least a source or a detail-type",
            );
        }
        for (field, values) in [("source", &self.source), ("detail-type", &self.detail_type)] {
            if values.iter().any(String::is_empty) {
                scope.prop_error(
                    property,
                    format!("`{field}` holds an empty string, which no event carries"),
                    format!("remove the empty {field}"),
                );
            }
        }
        if let Some(d) = &self.detail {
            check_matchers(scope, property, "detail", d);
        }
    }
}

fn check_matchers(scope: &Scope, property: &str, path: &str, v: &Value) {
    match v {
        Value::Object(m) if m.is_empty() => scope.prop_error(
            property,
            format!("`{path}` is an empty object, which matches nothing"),
            "remove it, or give it fields to match",
        ),
        Value::Object(m) => {
            for (k, v) in m {
                check_matchers(scope, property, &format!("{path}.{k}"), v);
            }
        }
        Value::Array(a) if a.is_empty() => scope.prop_error(
            property,
            format!("`{path}` is an empty list: the rule would never fire"),
            "list at least one value to match",
        ),
        Value::Array(_) => {}
        scalar => scope.prop_error(
            property,
            format!("`{path}` is the scalar {scalar}; EventBridge matches only lists, so the rule would never fire"),
            format!("write it as [{scalar}]"),
        ),
    }
}
