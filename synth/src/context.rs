//! Context values, as the CDK's: settings a construct looks up by key
//! ([`crate::Scope::try_get_context`]), from, lowest priority first:
//! - `escdk.json` in the working directory: `{"context": {"key": value}}`, committed;
//! - `escdk.context.json`: the cache of lookups (availability zones of an account and
//!   region, say), committed so synth stays offline and deterministic;
//! - `--context key=value` (or `-c key=value`) on the command line;
//! - [`set`], for tests and programs that build their app in code.
//!
//! Values are JSON when they parse as JSON, strings otherwise.

use serde_json::Value as JsonValue;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

/// The file of committed settings.
pub const SETTINGS_FILE: &str = "escdk.json";
/// The file of cached lookups.
pub const CACHE_FILE: &str = "escdk.context.json";

thread_local! {
    static CONTEXT: RefCell<Option<BTreeMap<String, JsonValue>>> = const { RefCell::new(None) };
}

fn parse_value(text: &str) -> JsonValue {
    serde_json::from_str(text).unwrap_or_else(|_| JsonValue::String(text.to_string()))
}

fn read_object(path: &Path, pointer: &str, into: &mut BTreeMap<String, JsonValue>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let Ok(v) = serde_json::from_str::<JsonValue>(&text) else {
        eprintln!(
            "warning: {} is not JSON; its context values are ignored",
            path.display()
        );
        return;
    };
    if let Some(m) = v.pointer(pointer).and_then(JsonValue::as_object) {
        into.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

/// Each value given with `--context` / `-c` in `args`, as written (`""` for a `-c` with
/// nothing after it).
fn given(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--context" || a == "-c" {
            out.push(it.next().map_or("", String::as_str));
        } else if let Some(pair) = a.strip_prefix("--context=") {
            out.push(pair);
        }
    }
    out
}

/// `key=value` pairs given with `--context` / `-c` in `args`.
pub fn from_args(args: &[String]) -> Vec<(String, JsonValue)> {
    given(args)
        .into_iter()
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), parse_value(v)))
        .collect()
}

/// The first value given with `--context` / `-c` in `args` that is not `key=value` with a
/// key (`from_args` skips it), or `""` for a `-c` with nothing after it.
pub fn malformed(args: &[String]) -> Option<&str> {
    given(args)
        .into_iter()
        .find(|p| p.split_once('=').is_none_or(|(k, _)| k.is_empty()))
}

fn load() -> BTreeMap<String, JsonValue> {
    let mut m = BTreeMap::new();
    read_object(Path::new(SETTINGS_FILE), "/context", &mut m);
    read_object(Path::new(CACHE_FILE), "", &mut m);
    let args: Vec<String> = std::env::args().collect();
    m.extend(from_args(&args));
    m
}

fn with<R>(f: impl FnOnce(&mut BTreeMap<String, JsonValue>) -> R) -> R {
    CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        f(c.get_or_insert_with(load))
    })
}

/// The value of `key`, if any.
pub fn get(key: &str) -> Option<JsonValue> {
    with(|m| m.get(key).cloned())
}

/// Sets a value for this thread (over the files and the command line).
pub fn set(key: &str, value: impl Into<JsonValue>) {
    let value = value.into();
    with(|m| m.insert(key.to_string(), value));
}

/// The cache key of an account's availability zones in a region, as the CDK writes it.
pub fn availability_zones_key(account: &str, region: &str) -> String {
    format!("availability-zones:account={account}:region={region}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_give_json_or_strings() {
        let args: Vec<String> = [
            "app",
            "synth",
            "-c",
            "zones=3",
            "--context=env=prod",
            "--context",
            "list=[1,2]",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let got = from_args(&args);
        assert_eq!(got[0], ("zones".into(), serde_json::json!(3)));
        assert_eq!(got[1], ("env".into(), serde_json::json!("prod")));
        assert_eq!(got[2], ("list".into(), serde_json::json!([1, 2])));
    }

    #[test]
    fn a_value_that_is_not_a_pair_is_found() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            malformed(&args(&["app", "synth", "-c", "a=1", "--context=b="])),
            None
        );
        assert_eq!(
            malformed(&args(&["app", "-c", "a=1", "-c", "zones"])),
            Some("zones")
        );
        assert_eq!(malformed(&args(&["app", "--context==1"])), Some("=1"));
        assert_eq!(malformed(&args(&["app", "synth", "--context"])), Some(""));
    }

    #[test]
    fn set_overrides() {
        set("escdk-test-key", "a");
        assert_eq!(get("escdk-test-key"), Some(serde_json::json!("a")));
    }
}
