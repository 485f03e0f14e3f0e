//! Service quotas a template can be seen to break at synth, which CloudFormation would
//! otherwise report minutes into a deploy, as the resource that breaks one fails:
//! - an ECS task definition larger than 64 KiB (not adjustable): an error;
//! - a security group with more than 60 inbound or outbound rules of one IP version, the
//!   default of an adjustable quota: a warning.
//!
//! Only what the template holds literally is counted, so neither check fires on a template
//! that could deploy: an intrinsic function counts as nothing, a prefix list as one rule.

use super::Resource;
use crate::diagnostics::Diagnostic;
use crate::json::JsonValue;

/// The largest task definition ECS registers (Amazon ECS service quotas: "Task definition
/// size", not adjustable).
pub const MAX_TASK_DEFINITION_BYTES: usize = 64 * 1024;
/// Inbound, and separately outbound, rules a security group holds for IPv4 (and as many
/// for IPv6) unless the account's quota "Inbound or outbound rules per security group" is
/// raised.
pub const DEFAULT_RULES_PER_SECURITY_GROUP: usize = 60;

/// Whether `node` is an intrinsic function (`{"Ref": …}`, `{"Fn::…": …}`), whose deployed
/// value the template does not hold.
fn is_intrinsic(node: &JsonValue) -> bool {
    node.as_object().is_some_and(|o| {
        o.len() == 1
            && o.iter()
                .next()
                .is_some_and(|(k, _)| k.as_str() == "Ref" || k.as_str().starts_with("Fn::"))
    })
}

/// The length of `node` as compact JSON, with every intrinsic function counted as nothing
/// and strings unescaped: a lower bound of the deployed value's length.
fn literal_len(node: &JsonValue) -> usize {
    match node {
        _ if is_intrinsic(node) => 0,
        JsonValue::Null | JsonValue::Bool(true) => 4,
        JsonValue::Bool(false) => 5,
        JsonValue::Number(n) => n.to_string().len(),
        JsonValue::String(s) => s.len() + 2,
        JsonValue::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(literal_len).sum::<usize>()
        }
        JsonValue::Object(o) => {
            2 + o.len().saturating_sub(1)
                + o.iter()
                    .map(|(k, v)| k.as_str().len() + 3 + literal_len(v))
                    .sum::<usize>()
        }
    }
}

/// The per-resource checks (`props` as rendered).
pub fn check(r: &Resource, diags: &mut Vec<Diagnostic>) {
    let (type_name, props) = (r.type_name, r.props);
    if type_name != "AWS::ECS::TaskDefinition" {
        return;
    }
    let size = literal_len(props);
    if size > MAX_TASK_DEFINITION_BYTES {
        let largest = props
            .as_object()
            .and_then(|o| o.iter().max_by_key(|(_, v)| literal_len(v)))
            .map_or("", |(k, _)| k.as_str());
        diags.push(r.error(
            largest,
            format!("the task definition takes at least {size} bytes; ECS registers at most 64 KiB ({MAX_TASK_DEFINITION_BYTES} bytes)"),
            "move large values out of it: a secret (`EnvValue::secret_key`), an S3 object or the image the container reads at start",
        ));
    }
}

/// How many rules of each IP version one rule counts for: a CIDR for its own version, a
/// security group or a prefix list (at least one entry) for both.
fn versions(rule: &JsonValue) -> (usize, usize) {
    let has = |k: &str| rule.get(k).is_some();
    if has("CidrIp") {
        (1, 0)
    } else if has("CidrIpv6") {
        (0, 1)
    } else {
        (1, 1)
    }
}

/// The logical ID a rule's `GroupId` names, if it is a security group of this template.
fn group_of(rule: &JsonValue) -> Option<&str> {
    let group = rule.get("GroupId")?;
    if let Some(id) = group.get("Ref").and_then(JsonValue::as_str) {
        return Some(id);
    }
    match group.get("Fn::GetAtt")?.as_array()?.as_slice() {
        [id, attribute] if attribute.as_str() == Some("GroupId") => id.as_str(),
        _ => None,
    }
}

/// Adds `rule` to a group's counts: inbound IPv4, inbound IPv6, outbound IPv4, outbound IPv6.
fn count(counts: &mut [usize; 4], outbound: bool, rule: &JsonValue) {
    let (v4, v6) = versions(rule);
    let at = if outbound { 2 } else { 0 };
    counts[at] += v4;
    counts[at + 1] += v6;
}

/// Security groups whose rules, inline and as `SecurityGroupIngress` / `SecurityGroupEgress`
/// resources, exceed the default quota.
pub fn check_security_groups(stack: &str, template: &JsonValue, diags: &mut Vec<Diagnostic>) {
    let Some(resources) = template.get("Resources").and_then(JsonValue::as_object) else {
        return;
    };
    // Each group: its logical ID, its construct path and its counts.
    let mut groups: Vec<(&str, &str, [usize; 4])> = Vec::new();
    for (lid, r) in resources.iter() {
        if r.get("Type").and_then(JsonValue::as_str) != Some("AWS::EC2::SecurityGroup") {
            continue;
        }
        let mut counts = [0; 4];
        for (property, outbound) in [
            ("SecurityGroupIngress", false),
            ("SecurityGroupEgress", true),
        ] {
            let rules = r.pointer(&format!("/Properties/{property}"));
            for rule in rules.and_then(JsonValue::as_array).into_iter().flatten() {
                count(&mut counts, outbound, rule);
            }
        }
        let path = crate::metadata::construct_path(r).unwrap_or(stack);
        groups.push((lid.as_str(), path, counts));
    }
    if groups.is_empty() {
        return;
    }
    for (_, r) in resources.iter() {
        let outbound = match r.get("Type").and_then(JsonValue::as_str) {
            Some("AWS::EC2::SecurityGroupIngress") => false,
            Some("AWS::EC2::SecurityGroupEgress") => true,
            _ => continue,
        };
        let Some(props) = r.get("Properties") else {
            continue;
        };
        let Some(group) = group_of(props) else {
            continue;
        };
        if let Some((_, _, counts)) = groups.iter_mut().find(|(lid, _, _)| *lid == group) {
            count(counts, outbound, props);
        }
    }
    for (lid, path, counts) in groups {
        for (i, n) in counts.into_iter().enumerate() {
            if n <= DEFAULT_RULES_PER_SECURITY_GROUP {
                continue;
            }
            let (direction, version, property) = match i {
                0 => ("inbound", "IPv4", "SecurityGroupIngress"),
                1 => ("inbound", "IPv6", "SecurityGroupIngress"),
                2 => ("outbound", "IPv4", "SecurityGroupEgress"),
                _ => ("outbound", "IPv6", "SecurityGroupEgress"),
            };
            diags.push(
                Diagnostic::warning(
                    path,
                    format!("the security group has {n} {direction} {version} rules; an account allows {DEFAULT_RULES_PER_SECURITY_GROUP} unless its quota \"Inbound or outbound rules per security group\" was raised, and the deploy fails at this group's rules"),
                    "use fewer, wider CIDR blocks or a managed prefix list, or raise the quota in Service Quotas before deploying",
                )
                .with_logical_id(lid)
                .with_property(format!("Properties.{property}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(v: serde_json::Value) -> JsonValue {
        JsonValue::from(v)
    }

    #[test]
    fn literal_length_is_compact_json_without_intrinsics() {
        let v = json!({"A": [1, true, null, "xy"], "B": {"C": false}});
        assert_eq!(literal_len(&node(v.clone())), v.to_string().len());
        let with_ref = json!({"A": {"Ref": "Long"}, "B": {"Fn::Sub": "${AWS::Region}"}});
        assert_eq!(literal_len(&node(with_ref)), r#"{"A":,"B":}"#.len());
    }

    fn task_definition(value_len: usize) -> JsonValue {
        node(json!({
            "Family": "f",
            "ContainerDefinitions": [{
                "Name": "app",
                "Environment": [{"Name": "BIG", "Value": "x".repeat(value_len)}],
                "Secrets": [{"Name": "S", "ValueFrom": {"Ref": "Secret"}}]
            }]
        }))
    }

    #[test]
    fn a_task_definition_over_64_kib_is_an_error_naming_the_largest_property() {
        let mut diags = Vec::new();
        check(
            &Resource {
                type_name: "AWS::ECS::TaskDefinition",
                props: &task_definition(64 * 1024),
                path: "S/Task",
                logical_id: "Task1",
            },
            &mut diags,
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = diags[0].to_string();
        assert!(d.starts_with("error: S/Task (Task1) Properties.ContainerDefinitions: the task definition takes at least"), "{d}");
        assert!(
            d.contains("64 KiB (65536 bytes)") && d.contains("fix: move large values"),
            "{d}"
        );
        // Just under the limit, or another type with the same properties: nothing.
        let under = MAX_TASK_DEFINITION_BYTES - (literal_len(&task_definition(0)));
        let mut diags = Vec::new();
        check(
            &Resource {
                type_name: "AWS::ECS::TaskDefinition",
                props: &task_definition(under),
                path: "S/Task",
                logical_id: "Task1",
            },
            &mut diags,
        );
        assert_eq!(
            literal_len(&task_definition(under)),
            MAX_TASK_DEFINITION_BYTES
        );
        check(
            &Resource {
                type_name: "AWS::ECS::Service",
                props: &task_definition(70_000),
                path: "S/Task",
                logical_id: "Task1",
            },
            &mut diags,
        );
        assert!(diags.is_empty(), "{diags:?}");
    }

    fn template(inline: usize, resources: usize, v6: usize) -> JsonValue {
        let mut rs = serde_json::Map::new();
        let rules: Vec<_> = (0..inline)
            .map(|i| json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": format!("10.0.{i}.0/24")}))
            .chain((0..v6).map(|i| json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": format!("2001:db8:{i}::/48")})))
            .collect();
        rs.insert(
            "Sg".into(),
            json!({
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "d", "SecurityGroupIngress": rules},
                "Metadata": {"escdk:path": "S/Db/SecurityGroup"}
            }),
        );
        for i in 0..resources {
            let group = if i % 2 == 0 {
                json!({"Fn::GetAtt": ["Sg", "GroupId"]})
            } else {
                json!({"Ref": "Sg"})
            };
            rs.insert(format!("In{i}"), json!({
                "Type": "AWS::EC2::SecurityGroupIngress",
                "Properties": {"GroupId": group, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": {"Ref": "Other"}}
            }));
        }
        node(json!({"Resources": rs}))
    }

    #[test]
    fn more_than_60_rules_of_one_version_is_a_warning_at_the_group() {
        // 40 inline CIDRs and 21 group rules as resources (which count for both versions).
        let mut diags = Vec::new();
        check_security_groups("S", &template(40, 21, 0), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = diags[0].to_string();
        assert!(d.starts_with("warning: S/Db/SecurityGroup (Sg) Properties.SecurityGroupIngress: the security group has 61 inbound IPv4 rules"), "{d}");
        // 60 of each version: within the default.
        let mut diags = Vec::new();
        check_security_groups("S", &template(40, 20, 40), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        // IPv6 counted on its own.
        check_security_groups("S", &template(0, 0, 61), &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].to_string().contains("61 inbound IPv6 rules"),
            "{}",
            diags[0]
        );
    }
}
