//! Checks cfn-lint makes that the resource schemas cannot express, made at synth so a
//! user of the L1 types gets them too:
//! - a Lambda runtime past its deprecation (cfn-lint W2531/E2531, from the same lifecycle
//!   data, vendored with cfn-lint's version in `synth/schemas/lambda-runtime-lifecycle.json`);
//! - two subnets of one VPC whose CIDR blocks overlap.

use super::Resource;
use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;
use std::time::{SystemTime, UNIX_EPOCH};

const LIFECYCLE: &str = include_str!("../../schemas/lambda-runtime-lifecycle.json");

/// The lifecycle entry of `runtime`. Only that entry is parsed: a synth asks for one or two
/// runtimes, and parsing the whole table cost more than the rest of the checks. The table
/// is vendored as `json.dumps(indent=2)` writes it (`"name": {` and flat entries); the test
/// below holds every entry found this way to the whole table parsed. An entry once found
/// is kept for the thread's next function of that runtime (finding it reads the table).
fn lifecycle(runtime: &str) -> Option<crate::json::JsonMap> {
    thread_local! {
        static FOUND: std::cell::RefCell<Vec<(String, Option<crate::json::JsonMap>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(entry) = FOUND.with_borrow(|found| {
        found
            .iter()
            .find(|(r, _)| r == runtime)
            .map(|(_, entry)| entry.clone())
    }) {
        return entry;
    }
    let entry = find_lifecycle(runtime);
    FOUND.with_borrow_mut(|found| found.push((runtime.to_string(), entry.clone())));
    entry
}

fn find_lifecycle(runtime: &str) -> Option<crate::json::JsonMap> {
    let key = format!("\n  \"{runtime}\": {{");
    let start = LIFECYCLE.find(&key)? + key.len() - 1;
    let end = start + LIFECYCLE[start..].find('}')? + 1;
    match serde_json::from_str(&LIFECYCLE[start..end]) {
        Ok(JsonValue::Object(entry)) => Some(entry),
        _ => None,
    }
}

/// Today as `YYYY-MM-DD` (UTC), for comparing with the lifecycle dates.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The per-resource checks.
pub fn check(r: &Resource, diags: &mut Vec<Diagnostic>) {
    let (type_name, props) = (r.type_name, r.props);
    if type_name != "AWS::Lambda::Function" {
        return;
    }
    let Some(runtime) = props.get("Runtime").and_then(JsonValue::as_str) else {
        return;
    };
    let Some(entry) = lifecycle(runtime) else {
        return;
    };
    let date = |k: &str| entry.get(k).and_then(JsonValue::as_str).map(str::to_string);
    let successor = date("successor").unwrap_or_else(|| "a supported runtime".into());
    let now = today();
    if let Some(block) = date("create-block").filter(|b| *b <= now) {
        diags.push(r.error(
            "Runtime",
            format!("runtime `{runtime}` is deprecated: Lambda no longer creates functions with it (since {block})"),
            format!("use {successor}"),
        ));
    } else if let Some(since) = date("deprecated").filter(|d| *d <= now) {
        diags.push(r.warning(
            "Runtime",
            format!("runtime `{runtime}` is deprecated since {since}"),
            format!(
                "move to {successor} before Lambda blocks creating and updating functions with it"
            ),
        ));
    }
}

fn parse_cidr(s: &str) -> Option<(u64, u64)> {
    let (addr, prefix) = s.split_once('/')?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    let mut base: u64 = 0;
    let octets: Vec<&str> = addr.split('.').collect();
    if octets.len() != 4 {
        return None;
    }
    for o in octets {
        base = base * 256 + u64::from(o.parse::<u8>().ok()?);
    }
    let size = 1u64 << (32 - prefix);
    let start = base & !(size - 1);
    Some((start, start + size))
}

/// Subnets of one VPC (the same `VpcId` value) with overlapping literal CIDR blocks: EC2
/// refuses the second at deploy time.
pub fn check_subnets(stack: &str, template: &JsonValue, diags: &mut Vec<Diagnostic>) {
    let Some(resources) = template.get("Resources").and_then(JsonValue::as_object) else {
        return;
    };
    let mut seen: Vec<(String, (u64, u64), String, String)> = Vec::new();
    for (lid, r) in resources {
        if r.get("Type").and_then(JsonValue::as_str) != Some("AWS::EC2::Subnet") {
            continue;
        }
        let Some(cidr_text) = r
            .pointer("/Properties/CidrBlock")
            .and_then(JsonValue::as_str)
        else {
            continue;
        };
        let Some(range) = parse_cidr(cidr_text) else {
            continue;
        };
        let vpc = r
            .pointer("/Properties/VpcId")
            .map(ToString::to_string)
            .unwrap_or_default();
        let path = crate::metadata::construct_path(r)
            .unwrap_or(stack)
            .to_string();
        if let Some((_, _, other_path, other_cidr)) = seen
            .iter()
            .find(|(v, (s, e), _, _)| *v == vpc && range.0 < *e && *s < range.1)
        {
            diags.push(
                Diagnostic::error(
                    path.clone(),
                    format!("subnet {cidr_text} overlaps {other_cidr} of `{other_path}` in the same VPC"),
                    "give each subnet of a VPC its own block",
                )
                .with_logical_id(lid.clone())
                .with_property("Properties.CidrBlock"),
            );
        }
        seen.push((vpc, range, path, cidr_text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_runtime_s_entry_is_the_one_the_whole_table_holds() {
        let JsonValue::Object(table) = serde_json::from_str::<JsonValue>(LIFECYCLE).unwrap() else {
            panic!("the table is an object");
        };
        assert!(table.len() > 20, "{}", table.len());
        assert!(table.contains_key("python3.12") && table.contains_key("python2.7"));
        // Twice: found in the table, then kept.
        for _ in 0..2 {
            for (runtime, entry) in &table {
                assert_eq!(lifecycle(runtime).as_ref(), entry.as_object(), "{runtime}");
            }
            // A prefix of a runtime's name, or a name that is not there, finds nothing.
            assert_eq!(lifecycle("python3"), None);
            assert_eq!(lifecycle("cobol"), None);
        }
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(
            t.as_str() > "2024-01-01" && t.as_str() < "2200-01-01",
            "{t}"
        );
    }

    #[test]
    fn cidrs_parse_to_ranges() {
        assert_eq!(parse_cidr("10.0.0.0/24"), Some((167_772_160, 167_772_416)));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
    }
}
