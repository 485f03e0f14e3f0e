//! Resource policies (queues, buckets, topics): the document and the statements every one of
//! ours carries, built one way.

use escdk_synth::Json;

/// A policy document of `statements`.
pub fn document(statements: Vec<Json>) -> Json {
    Json::object([
        ("Version", Json::from("2012-10-17")),
        ("Statement", Json::Array(statements)),
    ])
}

/// The statements of a document built by [`document`].
pub fn statements(doc: &Json) -> Vec<Json> {
    match doc {
        Json::Object(m) => match m.get("Statement") {
            Some(Json::Array(s)) => s.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Denies `actions` (e.g. `s3:*`, the service's whole namespace) on `resources` (one ARN or
/// a list) to anyone
/// whose request did not come over TLS.
pub fn deny_insecure_transport(actions: &str, resources: impl Into<Json>) -> Json {
    Json::object([
        ("Sid", Json::from("DenyInsecureTransport")),
        ("Effect", Json::from("Deny")),
        ("Principal", Json::from("*")),
        ("Action", Json::from(actions)),
        ("Resource", resources.into()),
        (
            "Condition",
            Json::object([("Bool", Json::object([("aws:SecureTransport", "false")]))]),
        ),
    ])
}
