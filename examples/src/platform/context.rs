//! Reading the platform example's settings from the context (`-c key=value`, or
//! `escdk.json`), with a placeholder and a warning for each one not set.

use escdk_synth::Scope;

/// A string from the context (a JSON value other than a string as its JSON text).
pub fn context_value(scope: &Scope, key: &str) -> Option<String> {
    match scope.try_get_context(key)? {
        serde_json::Value::String(v) => Some(v),
        other => Some(other.to_string()),
    }
}

/// A list of strings from the context (a JSON list, or one value).
pub fn context_list(scope: &Scope, key: &str) -> Option<Vec<String>> {
    match scope.try_get_context(key)? {
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
        ),
        serde_json::Value::String(one) => Some(vec![one]),
        other => Some(vec![other.to_string()]),
    }
}

/// A string from the context, or `placeholder` with a warning saying how to set it.
pub fn context_string(scope: &Scope, key: &str, placeholder: &str, what: &str) -> String {
    context_value(scope, key).unwrap_or_else(|| {
        scope.warning(
            format!("{what} is not set: using {placeholder}"),
            format!("set it: -c {key}=<value>"),
        );
        placeholder.to_string()
    })
}
