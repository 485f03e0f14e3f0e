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
        ] {
            for (lid, r) in resources_of(&t, type_name) {
                assert_eq!(r["DeletionPolicy"], "Retain", "{stack}/{lid}");
                assert_eq!(r["UpdateReplacePolicy"], "Retain", "{stack}/{lid}");
            }
        }
        // The event store, DynamoDB or Aurora, resists deletion.
        let dynamo =
            resources_of(&t, "AWS::DynamoDB::Table").find(|(lid, _)| lid.starts_with("EventStore"));
        let aurora = resources_of(&t, "AWS::RDS::DBCluster").next();
        match (dynamo, aurora) {
            (Some((_, table)), _) => assert_eq!(
                table["Properties"]["DeletionProtectionEnabled"], true,
                "{stack}"
            ),
            (None, Some((_, cluster))) => {
                assert_eq!(cluster["Properties"]["DeletionProtection"], true, "{stack}");
                assert_eq!(cluster["UpdateReplacePolicy"], "Snapshot", "{stack}");
            }
            (None, None) => panic!("{stack} has no event store"),
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
                "dynamodb:ListStreams",
            ] {
                assert!(
                    granted.iter().any(|g| g == needed),
                    "{stack}/{lid}: {role} lacks {needed} on {source}"
                );
            }
        }
    }
    assert!(mappings >= 1, "the examples have a stream consumer");
}

#[test]
fn no_ingress_wider_than_asked_and_no_secret_in_templates() {
    for (stack, json, t) in support::example_templates() {
        for (lid, r) in resources_of(&t, "AWS::EC2::SecurityGroupIngress") {
            let cidr = r["Properties"]["CidrIp"].as_str().unwrap_or("");
            assert_ne!(
                cidr, "0.0.0.0/0",
                "{stack}/{lid} opens a port to the internet"
            );
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
        for (lid, r) in resources_of(&t, "AWS::RDS::DBInstance") {
            assert_eq!(
                r["Properties"]["PubliclyAccessible"], false,
                "{stack}/{lid}"
            );
        }
        assert!(
            !json.to_lowercase().contains("password\": \""),
            "{stack}: a password value in the template"
        );
    }
}
