//! Secure and safe by default, read off the example templates: least-privilege IAM on real
//! ARNs, encryption at rest, stateful resources kept when the stack is deleted.

mod support;

use escdk_synth::assertions::{Match, Template};
use serde_json::json;

use serde_json::Value;

fn resources_of<'a>(
    t: &'a Value,
    type_name: &'a str,
) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(move |(_, r)| r["Type"] == type_name)
}

fn role_statements(t: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (lid, role) in resources_of(t, "AWS::IAM::Role") {
        for p in role["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for s in p["PolicyDocument"]["Statement"].as_array().unwrap() {
                out.push((lid.clone(), s.clone()));
            }
        }
    }
    out
}

#[test]
fn no_wildcard_action_or_resource_in_any_role() {
    for (stack, _, t) in support::example_templates() {
        let statements = role_statements(&t);
        assert!(!statements.is_empty(), "{stack} has role policies");
        for (lid, s) in statements {
            assert_eq!(s["Effect"], "Allow");
            for a in s["Action"].as_array().unwrap() {
                let a = a.as_str().unwrap();
                assert!(!a.contains('*'), "{stack}/{lid}: wildcard action {a}");
            }
            // The actions granted on `*`: they have no resource-level permission.
            if s["Action"] == serde_json::json!(["dynamodb:ListStreams"])
                || s["Action"] == serde_json::json!(["ecr:GetAuthorizationToken"])
            {
                assert_eq!(s["Resource"], serde_json::json!(["*"]), "{stack}/{lid}");
                continue;
            }
            for r in s["Resource"].as_array().unwrap() {
                // Every resource is an ARN built from a resource of the stack, never a literal
                // pattern like the recipe's `table/event-store-*`.
                assert!(r.is_object(), "{stack}/{lid}: literal resource {r}");
            }
        }
    }
}

#[test]
fn appending_to_the_event_store_cannot_rewrite_history() {
    for (stack, _, t) in support::example_templates() {
        for (lid, s) in role_statements(&t) {
            let on_event_store = s["Resource"].to_string().contains("EventStore");
            let actions = s["Action"].to_string();
            if on_event_store {
                for forbidden in [
                    "UpdateItem",
                    "DeleteItem",
                    "BatchWriteItem",
                    "DeleteTable",
                    "Scan",
                ] {
                    assert!(
                        !actions.contains(forbidden),
                        "{stack}/{lid} may {forbidden} on the event store"
                    );
                }
            }
        }
    }
}

#[test]
fn stateful_resources_are_retained() {
    for (stack, _, t) in support::example_templates() {
        for type_name in [
            "AWS::DynamoDB::Table",
            "AWS::Logs::LogGroup",
            "AWS::SQS::Queue",
            "AWS::KMS::Key",
            "AWS::Events::Archive",
        ] {
            for (lid, r) in resources_of(&t, type_name) {
                // Kept on delete and replacement; deleted only when its own create rolls
                // back, so a failed first deploy orphans nothing.
                assert_eq!(r["DeletionPolicy"], "RetainExceptOnCreate", "{stack}/{lid}");
                assert_eq!(r["UpdateReplacePolicy"], "Retain", "{stack}/{lid}");
            }
        }
        let dynamo =
            resources_of(&t, "AWS::DynamoDB::Table").find(|(lid, _)| lid.starts_with("EventStore"));
        let aurora = resources_of(&t, "AWS::RDS::DBCluster").next();
        match (dynamo, aurora) {
            (Some((_, table)), _) => {
                assert_eq!(table["DeletionPolicy"], "RetainExceptOnCreate", "{stack}")
            }
            (None, Some((_, cluster))) => {
                // A final snapshot, then the cluster goes (as in the CDK).
                assert_eq!(cluster["DeletionPolicy"], "Snapshot", "{stack}");
                assert_eq!(cluster["UpdateReplacePolicy"], "Snapshot", "{stack}");
            }
            (None, None) => assert!(
                stack == "AtlasActivation" || stack.ends_with("-PlatformServices"),
                "{stack} has no event store (only the activation and services stacks have none)"
            ),
        }
        // The projection store's cluster is protected in Atlas, so kept even by a rollback.
        for (lid, r) in resources_of(&t, "MongoDB::Atlas::Cluster") {
            assert_eq!(r["DeletionPolicy"], "Retain", "{stack}/{lid}");
            assert_eq!(
                r["Properties"]["TerminationProtectionEnabled"], true,
                "{stack}/{lid}"
            );
        }
    }
}

#[test]
fn protection_goes_only_with_a_policy_that_never_deletes() {
    // A protected resource cannot be deleted by a rollback or `destroy`: protection with
    // any policy that asks CloudFormation to delete it ends in ROLLBACK_FAILED.
    for (stack, _, t) in support::example_templates() {
        for (lid, r) in t["Resources"].as_object().unwrap() {
            let p = &r["Properties"];
            let protected = [
                "DeletionProtection",
                "DeletionProtectionEnabled",
                "TerminationProtectionEnabled",
            ]
            .iter()
            .any(|k| p[*k] == true);
            if protected {
                assert_eq!(r["DeletionPolicy"], "Retain", "{stack}/{lid}");
            }
        }
    }
}

#[test]
fn everything_is_encrypted_at_rest() {
    for (stack, _, t) in support::example_templates() {
        let t = Template::from_json(t);
        for (type_name, encrypted) in [
            (
                "AWS::DynamoDB::Table",
                json!({ "Properties": {
                    "SSESpecification": { "SSEEnabled": true },
                    "PointInTimeRecoverySpecification": { "PointInTimeRecoveryEnabled": true },
                }}),
            ),
            (
                "AWS::SQS::Queue",
                json!({ "Properties": { "SqsManagedSseEnabled": true } }),
            ),
        ] {
            let plain = t.find_resources(type_name, Match::not(encrypted));
            assert!(plain.is_empty(), "{stack}: {:?}", plain.keys());
        }
        let plain = t.find_resources(
            "AWS::SNS::Topic",
            Match::not(Match::object_like([(
                "Properties",
                Match::object_like([("KmsMasterKeyId", Match::any_value())]),
            )])),
        );
        assert!(plain.is_empty(), "{stack}: {:?}", plain.keys());
    }
}

#[test]
fn queues_refuse_insecure_transport() {
    for (stack, _, t) in support::example_templates() {
        let t = Template::from_json(t);
        let queues = t
            .find_resources("AWS::SQS::Queue", Match::any_value())
            .len();
        t.resource_count_is("AWS::SQS::QueuePolicy", queues);
        let deny_plain_http = Match::object_like([(
            "Properties",
            Match::object_like([(
                "PolicyDocument",
                Match::object_like([(
                    "Statement",
                    Match::array_with([json!({
                        "Effect": "Deny",
                        "Principal": "*",
                        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
                    })
                    .into()]),
                )]),
            )]),
        )]);
        let open = t.find_resources("AWS::SQS::QueuePolicy", Match::not(deny_plain_http));
        assert!(open.is_empty(), "{stack}: {:?}", open.keys());
    }
}

#[test]
fn stream_consumers_can_read_their_stream() {
    // The CQRS recipe's stream processor had no permission on the stream it consumed.
    let mut mappings = 0;
    for (stack, _, t) in support::example_templates() {
        for (lid, m) in resources_of(&t, "AWS::Lambda::EventSourceMapping") {
            mappings += 1;
            let source = &m["Properties"]["EventSourceArn"];
            let function = m["Properties"]["FunctionName"]["Fn::GetAtt"][0]
                .as_str()
                .unwrap();
            let role = t["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
                .as_str()
                .unwrap();
            let granted: Vec<String> = role_statements(&t)
                .into_iter()
                .filter(|(r, s)| r == role && s["Resource"].as_array().unwrap().contains(source))
                .flat_map(|(_, s)| {
                    s["Action"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_string())
                        .collect::<Vec<_>>()
                })
                .collect();
            for needed in [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
            ] {
                assert!(
                    granted.iter().any(|g| g == needed),
                    "{stack}/{lid}: {role} lacks {needed} on {source}"
                );
            }
            // ListStreams has no resource-level permission: on `*`, never on the stream ARN
            // (where it would grant nothing).
            let lists = role_statements(&t).into_iter().any(|(r, s)| {
                r == role
                    && s["Action"] == serde_json::json!(["dynamodb:ListStreams"])
                    && s["Resource"] == serde_json::json!(["*"])
            });
            assert!(lists, "{stack}/{lid}: {role} cannot ListStreams");
            assert!(
                !granted.iter().any(|g| g == "dynamodb:ListStreams"),
                "{stack}/{lid}: ListStreams on a stream ARN grants nothing"
            );
        }
    }
    assert!(mappings >= 1, "the examples have a stream consumer");
}

#[test]
fn no_ingress_wider_than_asked_and_no_secret_in_templates() {
    for (stack, json, t) in support::example_templates() {
        // Only internet-facing load balancers' groups admit the internet, and only on
        // their listeners' ports.
        let lb_groups: Vec<Value> = resources_of(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
            .flat_map(|(_, r)| {
                r["Properties"]["SecurityGroups"]
                    .as_array()
                    .unwrap()
                    .clone()
            })
            .collect();
        let listener_ports: Vec<Value> = resources_of(&t, "AWS::ElasticLoadBalancingV2::Listener")
            .map(|(_, r)| r["Properties"]["Port"].clone())
            .collect();
        for (lid, r) in resources_of(&t, "AWS::EC2::SecurityGroupIngress") {
            let p = &r["Properties"];
            if p["CidrIp"].as_str() == Some("0.0.0.0/0") {
                assert!(
                    lb_groups.contains(&p["GroupId"]),
                    "{stack}/{lid} opens a port to the internet on a group that is not a load balancer's"
                );
                assert!(
                    listener_ports.contains(&p["FromPort"]) && p["FromPort"] == p["ToPort"],
                    "{stack}/{lid} opens a port no listener uses"
                );
            }
        }
        for (lid, r) in resources_of(&t, "AWS::EC2::SecurityGroup") {
            assert!(
                r["Properties"]["SecurityGroupIngress"].is_null(),
                "{stack}/{lid}: ingress comes from explicit rules only"
            );
        }
        for (lid, r) in resources_of(&t, "AWS::RDS::DBCluster") {
            let p = &r["Properties"];
            assert!(
                p["MasterUserPassword"].is_null(),
                "{stack}/{lid} has a password in the template"
            );
            assert_eq!(p["ManageMasterUserPassword"], true, "{stack}/{lid}");
            assert_eq!(p["StorageEncrypted"], true, "{stack}/{lid}");
            assert_eq!(r["DeletionPolicy"], "Snapshot", "{stack}/{lid}");
        }
        // Public addresses only for a streaming service outside the VPC, and then only
        // narrow blocks (its egress addresses) may connect.
        let streamed = resources_of(&t, "Custom::AmbarDataSource").next().is_some();
        for (lid, r) in resources_of(&t, "AWS::RDS::DBInstance") {
            assert_eq!(
                r["Properties"]["PubliclyAccessible"], streamed,
                "{stack}/{lid}"
            );
        }
        for (lid, r) in resources_of(&t, "AWS::EC2::SecurityGroupIngress") {
            let on_lb = lb_groups.contains(&r["Properties"]["GroupId"]);
            if let Some(cidr) = r["Properties"]["CidrIp"].as_str().filter(|_| !on_lb) {
                let prefix: u8 = cidr.rsplit('/').next().unwrap().parse().unwrap();
                assert!(prefix >= 16, "{stack}/{lid}: {cidr} is wider than /16");
            }
        }
        assert!(
            !json.to_lowercase().contains("password\": \""),
            "{stack}: a password value in the template"
        );
        for (lid, r) in t["Resources"].as_object().unwrap() {
            let mut found = Vec::new();
            secret_literals(&r["Properties"], "", &mut found);
            assert!(
                found.is_empty(),
                "{stack}/{lid}: secret values in {found:?}"
            );
            if r["Type"].as_str().unwrap().starts_with("Custom::") {
                assert!(
                    !r["Properties"].to_string().contains("{{resolve:"),
                    "{stack}/{lid}: a dynamic reference would hand the secret's value to the provider in the request"
                );
            }
        }
    }
}

/// Properties named like a secret (password, API key, secret string, private or secret
/// key) whose value is a literal string rather than a reference to a secret.
fn secret_literals(v: &serde_json::Value, path: &str, found: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                let key = k.to_lowercase().replace(['_', '-'], "");
                let named_secret = [
                    "password",
                    "apikey",
                    "secretstring",
                    "privatekey",
                    "secretkey",
                ]
                .iter()
                .any(|n| key.contains(n))
                    && !key.ends_with("arn")
                    && !key.ends_with("length");
                let here = format!("{path}/{k}");
                if key == "secretstringtemplate" {
                    // The generated secret's fixed part: it may name a user, not hold a secret.
                    let parsed: serde_json::Value =
                        serde_json::from_str(child.as_str().unwrap_or("{}")).unwrap_or_default();
                    secret_literals(&parsed, &here, found);
                    continue;
                }
                if named_secret && child.is_string() {
                    found.push(here.clone());
                }
                secret_literals(child, &here, found);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                secret_literals(item, path, found);
            }
        }
        _ => {}
    }
}

#[test]
fn the_secret_check_catches_a_literal_api_key() {
    let mut found = Vec::new();
    let props = serde_json::json!({
        "Config": {"apiKey": "k-123"},
        "PasswordSecretArn": "arn:x",
        "PasswordLength": 16,
        "SecretStringTemplate": "{\"username\": \"u\", \"password\": \"p\"}"
    });
    secret_literals(&props, "", &mut found);
    assert_eq!(
        found,
        vec!["/Config/apiKey", "/SecretStringTemplate/password"]
    );
}
