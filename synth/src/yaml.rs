//! YAML output, through `yaml_serde`: the YAML organization's maintained continuation of
//! `serde_yaml` (deprecated upstream in 2024), with the same API and output.

use crate::json::JsonValue;

/// The value as YAML. Should serialization ever fail, the JSON text is returned instead:
/// JSON is valid YAML 1.2, so the output is still a correct template.
pub fn to_string(value: &JsonValue) -> String {
    yaml_serde::to_string(value).unwrap_or_else(|_| crate::json_text::pretty(value))
}
