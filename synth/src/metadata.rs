//! The metadata synth writes on every rendered resource: its construct path, under
//! [`PATH`], which every check reads back to name the construct in its message.

use crate::json::JsonValue;

/// The `Metadata` key holding a resource's construct path (`Orders/Events/Table/Resource`).
pub const PATH: &str = "escdk:path";

/// The construct path a rendered resource carries, if any (a resource the template was
/// given as JSON may have none).
pub fn construct_path(resource: &JsonValue) -> Option<&str> {
    resource.get("Metadata")?.get(PATH)?.as_str()
}
