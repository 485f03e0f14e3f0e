//! The defaults the rule pack asked for, read off the templates: the stack's one key
//! encrypts its tables, secrets and function environments, and every role that reads such a
//! secret may decrypt with that key only through Secrets Manager; writers get reserved
//! concurrency where the example asks for it, and what synth refuses says how to fix it.

mod support;

use escdk_constructs::dynamodb::{Attribute, Table, TableEncryption, TableProps};
use escdk_constructs::{AuroraEventStoreProps, Function, FunctionProps};
use escdk_synth::{Duration, Stack};
use serde_json::{json, Value};

fn stack_key() -> Value {
    json!({"Fn::GetAtt": ["StackKey", "Arn"]})
}

#[test]
fn every_table_secret_and_function_of_the_examples_is_on_its_stacks_key() {
    for (stack, _, t) in support::example_templates() {
        let resources = t["Resources"].as_object().unwrap();
        for (lid, r) in resources {
            let p = &r["Properties"];
            let key = match r["Type"].as_str().unwrap() {
                "AWS::DynamoDB::Table" => &p["SSESpecification"]["KMSMasterKeyId"],
                "AWS::SecretsManager::Secret" => &p["KmsKeyId"],
                "AWS::Lambda::Function" => &p["KmsKeyArn"],
                "AWS::RDS::DBCluster" => &p["MasterUserSecret"]["KmsKeyId"],
                _ => continue,
            };
            assert_eq!(key, &stack_key(), "{stack}/{lid}");
        }
        if resources.values().any(|r| {
            ["AWS::DynamoDB::Table", "AWS::SecretsManager::Secret"]
                .contains(&r["Type"].as_str().unwrap())
        }) {
            assert_eq!(resources["StackKey"]["Type"], "AWS::KMS::Key", "{stack}");
        }
    }
}

/// The secrets of the template `t` (their `Ref`s), and the master user secret of a cluster.
fn secrets_of(t: &Value) -> Vec<Value> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(lid, r)| match r["Type"].as_str().unwrap() {
            "AWS::SecretsManager::Secret" => vec![json!({"Ref": lid})],
            "AWS::RDS::DBCluster" => {
                vec![json!({"Fn::GetAtt": [lid, "MasterUserSecret.SecretArn"]})]
            }
            _ => vec![],
        })
        .collect()
}

#[test]
fn whoever_reads_a_secret_of_ours_may_decrypt_it_through_secrets_manager_only() {
    let via_secrets_manager = json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}}});
    let mut readers = 0;
    for (stack, _, t) in support::example_templates() {
        let ours = secrets_of(&t);
        for (lid, r) in t["Resources"].as_object().unwrap() {
            if r["Type"] != "AWS::IAM::Role" {
                continue;
            }
            let statements: Vec<&Value> = r["Properties"]["Policies"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
                .collect();
            let read: Vec<&Value> = statements
                .iter()
                .filter(|s| {
                    s["Action"]
                        .to_string()
                        .contains("secretsmanager:GetSecretValue")
                })
                .flat_map(|s| s["Resource"].as_array().unwrap())
                .collect();
            let reads_ours = read.iter().any(|r| ours.contains(r));
            // Secrets of another stack of the app come with that stack's key.
            let reads_imported = read.iter().any(|r| r["Fn::ImportValue"].is_string());
            let secret_key_statements: Vec<&&Value> = statements
                .iter()
                .filter(|s| s["Condition"]["StringEquals"]["kms:ViaService"].is_object())
                .collect();
            if reads_ours {
                readers += 1;
                assert!(
                    secret_key_statements
                        .iter()
                        .any(|s| s["Resource"] == json!([stack_key()])
                            && s["Condition"] == via_secrets_manager
                            && s["Action"]
                                .as_array()
                                .unwrap()
                                .contains(&json!("kms:Decrypt"))),
                    "{stack}/{lid} reads a secret it cannot decrypt: {statements:?}"
                );
            } else if reads_imported {
                readers += 1;
                assert!(
                    secret_key_statements
                        .iter()
                        .any(|s| s["Resource"][0]["Fn::ImportValue"]
                            .as_str()
                            .is_some_and(|n| n.ends_with(":StackKey-Arn"))
                            && s["Condition"] == via_secrets_manager),
                    "{stack}/{lid} reads another stack's secret it cannot decrypt: {statements:?}"
                );
            } else {
                assert!(
                    secret_key_statements.is_empty(),
                    "{stack}/{lid}: {statements:?}"
                );
            }
        }
    }
    // The schema function, the Ambar provider, the SMTP handler and the backend's
    // execution role.
    assert!(readers >= 4, "{readers}");
}

#[test]
fn a_table_takes_the_stacks_key_by_default_and_its_grants_the_keys_actions() {
    let stack = Stack::new("Tables");
    let root = stack.root();
    let on_key = Table::new(
        &root,
        "OnKey",
        TableProps::new(Attribute::string("Id"), None),
    );
    let aws_managed = Table::new(
        &root,
        "AwsManaged",
        TableProps {
            encryption: TableEncryption::AwsManaged,
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    let reader = Function::new(
        &root,
        "Reader",
        FunctionProps::new("examples/recipe/handlers", "query_handler.lambda_handler"),
    );
    on_key.grant_read_data(&reader);
    aws_managed.grant_read_data(&reader);
    let t = stack.synth().unwrap().template().clone();
    let table = |lid_prefix: &str| {
        t["Resources"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(lid, r)| lid.starts_with(lid_prefix) && r["Type"] == "AWS::DynamoDB::Table")
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(
        table("OnKey")["Properties"]["SSESpecification"]["KMSMasterKeyId"],
        stack_key()
    );
    assert_eq!(
        table("AwsManaged")["Properties"]["SSESpecification"]["KMSMasterKeyId"],
        Value::Null
    );
    let role = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(lid, _)| lid.starts_with("ReaderRole"))
        .unwrap()
        .1;
    let key_grants: Vec<&Value> = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["Resource"] == json!([stack_key()]))
        .collect();
    assert_eq!(key_grants.len(), 1);
    assert_eq!(
        key_grants[0]["Action"],
        json!(["kms:Decrypt", "kms:DescribeKey"])
    );
}

#[test]
fn reserved_concurrency_is_rendered_and_a_reservation_of_zero_is_refused() {
    let stack = Stack::new("Functions");
    Function::new(
        &stack.root(),
        "Writer",
        FunctionProps {
            reserved_concurrency: Some(7),
            ..FunctionProps::new("examples/recipe/handlers", "command_handler.lambda_handler")
        },
    );
    let t = stack.synth().unwrap().template().clone();
    let f = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::Lambda::Function")
        .unwrap();
    assert_eq!(f["Properties"]["ReservedConcurrentExecutions"], 7);

    let stack = Stack::new("Functions");
    Function::new(
        &stack.root(),
        "Stopped",
        FunctionProps {
            reserved_concurrency: Some(0),
            ..FunctionProps::new("examples/recipe/handlers", "command_handler.lambda_handler")
        },
    );
    let err = stack.synth().unwrap_err().to_string();
    assert!(
        err.contains("Functions/Stopped")
            && err.contains("ReservedConcurrentExecutions")
            && err.contains("reserve at least 1"),
        "{err}"
    );
}

#[test]
fn the_event_store_monitors_its_instances_and_accepts_iam_authentication() {
    let stack = Stack::new("Store");
    support::aurora_store(&stack, AuroraEventStoreProps::default());
    let t = stack.synth().unwrap().template().clone();
    let resources = t["Resources"].as_object().unwrap();
    let (role_id, role) = resources
        .iter()
        .find(|(lid, _)| lid.starts_with("EventStoreMonitoringRole"))
        .expect("a monitoring role");
    assert_eq!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "monitoring.rds.amazonaws.com"})
    );
    // It may write the OS metrics' log group only.
    for s in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
    {
        for r in s["Resource"].as_array().unwrap() {
            assert!(
                r["Fn::Sub"]
                    .as_str()
                    .unwrap()
                    .contains(":log-group:RDSOSMetrics"),
                "{s}"
            );
        }
    }
    let instances: Vec<&Value> = resources
        .values()
        .filter(|r| r["Type"] == "AWS::RDS::DBInstance")
        .collect();
    assert_eq!(instances.len(), 2);
    for i in instances {
        assert_eq!(i["Properties"]["MonitoringInterval"], 60);
        assert_eq!(
            i["Properties"]["MonitoringRoleArn"],
            json!({"Fn::GetAtt": [role_id, "Arn"]})
        );
    }
    let cluster = resources
        .values()
        .find(|r| r["Type"] == "AWS::RDS::DBCluster")
        .unwrap();
    assert_eq!(
        cluster["Properties"]["EnableIAMDatabaseAuthentication"],
        true
    );

    // Off by name: no role, no interval.
    let stack = Stack::new("Store");
    support::aurora_store(
        &stack,
        AuroraEventStoreProps {
            monitoring_interval: None,
            ..AuroraEventStoreProps::default()
        },
    );
    let t = stack.synth().unwrap().template().clone();
    assert!(!t["Resources"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.starts_with("EventStoreMonitoringRole")));
    assert!(!t.to_string().contains("MonitoringInterval"));

    // An interval RDS does not take is refused, with the ones it does.
    let stack = Stack::new("Store");
    support::aurora_store(
        &stack,
        AuroraEventStoreProps {
            monitoring_interval: Some(Duration::seconds(20)),
            ..AuroraEventStoreProps::default()
        },
    );
    let err = stack.synth().unwrap_err().to_string();
    assert!(
        err.contains("Store/EventStore")
            && err.contains("MonitoringInterval")
            && err.contains("1, 5, 10, 15, 30 or 60"),
        "{err}"
    );
}
