//! Bad input that used to get through synth (issue: hardening what synth accepts), each now
//! an error naming the construct path, the property and the fix.

mod support;

use escdk_constructs::cloudwatch::{AlarmOptions, Metric};
use escdk_constructs::events::{EventBus, EventBusProps};
use escdk_constructs::{
    AuroraEventStoreProps, CqrsLambdas, CqrsLambdasProps, EventStore, EventStoreProps, Function,
    FunctionProps, ReadModel, ReadModelProps,
};
use escdk_synth::{Duration, Json, Parameter, Stack};

fn errors(stack: &Stack) -> String {
    stack.synth().expect_err("synth must fail").to_string()
}

fn handlers() -> std::path::PathBuf {
    escdk_examples::recipe::handlers_dir()
}

#[test]
fn a_nan_or_infinite_alarm_threshold() {
    for threshold in [f64::NAN, f64::INFINITY] {
        let stack = Stack::new("Bad");
        Metric::new("AWS/Lambda", "Errors")
            .period(Duration::minutes(1))
            .alarm(
                &stack.root(),
                "Errors",
                AlarmOptions::new("errors", threshold),
            );
        let e = errors(&stack);
        assert!(
            e.contains(&format!("error: Bad/Errors (Errors) Properties.Threshold: {threshold} is not a number a template can hold\n  fix: give a finite number")),
            "{e}"
        );
    }
}

#[test]
fn two_halves_of_the_internet_are_the_internet() {
    let stack = Stack::new("Bad");
    support::aurora_store(
        &stack,
        AuroraEventStoreProps {
            publicly_accessible: true,
            allowed_cidrs: vec!["0.0.0.0/1".into(), "128.0.0.0/1".into()],
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(e.contains("error: Bad/EventStore AllowedCidrs: together these blocks cover every IPv4 address, as 0.0.0.0/0 would"), "{e}");
}

#[test]
fn environment_variables_over_4_kb() {
    let stack = Stack::new("Bad");
    Function::new(
        &stack.root(),
        "Fn",
        FunctionProps {
            environment: vec![
                ("A".into(), Json::from("x".repeat(3000))),
                ("B".into(), Json::from("y".repeat(1100))),
            ],
            ..FunctionProps::new(handlers(), "command_handler.lambda_handler")
        },
    );
    let e = errors(&stack);
    assert!(e.contains("error: Bad/Fn Environment: the environment variables take 4102 bytes; Lambda allows 4 KB (4096) in total"), "{e}");
}

#[test]
fn an_event_type_with_a_comma() {
    let stack = Stack::new("Bad");
    let root = stack.root();
    let store = EventStore::new(&root, "EventStore", EventStoreProps::default());
    let read_model = ReadModel::new(&root, "ReadModel", ReadModelProps::default());
    let bus = EventBus::new(&root, "Bus", EventBusProps::default());
    let props = CqrsLambdasProps {
        event_types: vec!["AccountCreated,AccountClosed".into()],
        ..CqrsLambdasProps::new(
            FunctionProps::new(handlers(), "command_handler.lambda_handler"),
            FunctionProps::new(handlers(), "projection_handler.lambda_handler"),
            FunctionProps::new(handlers(), "query_handler.lambda_handler"),
        )
    };
    CqrsLambdas::new(&root, "Handlers", &store, &read_model, &bus, props);
    let e = errors(&stack);
    assert!(e.contains("error: Bad/Handlers EventTypes: event type `AccountCreated,AccountClosed` cannot be listed"), "{e}");
}

#[test]
fn an_index_capacity_of_zero() {
    let stack = Stack::new("Bad");
    EventStore::new(
        &stack.root(),
        "EventStore",
        EventStoreProps {
            index_capacity: (0, 0),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("provisioned capacity must be at least 1 read and 1 write unit (got 0/0)"),
        "{e}"
    );
    assert!(
        e.contains("fix: raise the index capacity, or use Billing::OnDemand"),
        "{e}"
    );
}

#[test]
fn parameters_with_a_misspelt_type_or_a_default_they_refuse() {
    let stack = Stack::new("Bad");
    stack.add_parameter("Stage", Parameter::of_kind("Strnig"));
    stack.add_parameter(
        "Env",
        Parameter {
            default: Some("prod".into()),
            allowed_values: vec!["dev".into(), "staging".into()],
            ..Parameter::string()
        },
    );
    stack.add_parameter(
        "Name",
        Parameter {
            default: Some("Has Space".into()),
            allowed_pattern: Some("[a-z-]+".into()),
            ..Parameter::string()
        },
    );
    stack.add_parameter(
        "Broken",
        Parameter {
            default: Some("x".into()),
            allowed_pattern: Some("[a-z".into()),
            ..Parameter::string()
        },
    );
    stack.add_parameter(
        "Fine",
        Parameter {
            default: Some("shop-1".into()),
            allowed_pattern: Some("[a-z]+-[0-9]".into()),
            ..Parameter::string()
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains(
            "Bad/Parameters/Broken AllowedPattern: the allowed pattern `[a-z` is not a regular expression"
        ),
        "{e}"
    );
    assert!(!e.contains("error: Bad/Parameters/Fine"), "{e}");
    assert!(e.contains("error: Bad/Parameters/Stage Type: `Strnig` is not a parameter type\n  fix: use String, Number, List<Number>, CommaDelimitedList or an AWS-specific type (did you mean `String`?)"), "{e}");
    assert!(
        e.contains("Bad/Parameters/Env Default: the default prod is not one of the allowed values"),
        "{e}"
    );
    assert!(e.contains("Bad/Parameters/Name Default: the default `Has Space` does not match the allowed pattern `[a-z-]+`"), "{e}");
}

#[test]
fn l1_checks_cfn_lint_makes_a_dead_runtime_a_pattern_that_is_no_json_overlapping_subnets() {
    use escdk_synth::cfn::ec2::{CfnSubnet, CfnVPC};
    use escdk_synth::cfn::events::CfnRule;
    use escdk_synth::cfn::lambda::{function, CfnFunction};
    let stack = Stack::new("Bad");
    let root = stack.root();
    root.add(
        "Old",
        CfnFunction {
            runtime: Some("python2.7".into()),
            handler: Some("index.handler".into()),
            ..CfnFunction::new(
                function::Code {
                    zip_file: Some("def handler(e, c): pass".into()),
                    ..Default::default()
                },
                "arn:aws:iam::123456789012:role/r",
            )
        },
    );
    root.add(
        "Rule",
        CfnRule {
            event_pattern: Some(Json::from("{not json")),
            ..Default::default()
        },
    );
    root.add(
        "Archive",
        escdk_synth::cfn::events::CfnArchive {
            event_pattern: Some(Json::from("{not json")),
            ..escdk_synth::cfn::events::CfnArchive::new(
                "arn:aws:events:eu-west-1:123456789012:event-bus/b",
            )
        },
    );
    let vpc = root.add(
        "Vpc",
        CfnVPC {
            cidr_block: Some("10.0.0.0/16".into()),
            ..Default::default()
        },
    );
    for (id, cidr) in [("A", "10.0.0.0/24"), ("B", "10.0.0.128/25")] {
        root.add(
            id,
            CfnSubnet {
                cidr_block: Some(cidr.into()),
                ..CfnSubnet::new(vpc.reference())
            },
        );
    }
    let e = errors(&stack);
    assert!(e.contains("error: Bad/Old (Old) Properties.Runtime: runtime `python2.7` is deprecated: Lambda no longer creates functions with it (since 2021-07-15)\n  fix: use python3.14"), "{e}");
    assert!(e.contains("error: Bad/Rule (Rule) Properties.EventPattern: the document is a string that is not JSON"), "{e}");
    assert!(e.contains("error: Bad/B (B) Properties.CidrBlock: subnet 10.0.0.128/25 overlaps 10.0.0.0/24 of `Bad/A` in the same VPC"), "{e}");
    // Once, though the archive's schema also gives the pattern `format: json`.
    assert_eq!(e.matches("Bad/Archive").count(), 1, "{e}");
}

#[test]
fn overrides_address_list_items_by_index_and_delete() {
    use escdk_constructs::dynamodb::{Attribute, GlobalSecondaryIndex, Table, TableProps};
    let stack = Stack::new("Ok");
    let table = Table::new(
        &stack.root(),
        "Orders",
        TableProps {
            global_secondary_indexes: vec![GlobalSecondaryIndex::new(
                "ByCustomer",
                Attribute::string("CustomerId"),
                None,
            )],
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    stack.add_property_override(
        &table.handle,
        "GlobalSecondaryIndexes.0.Projection",
        Json::object([("ProjectionType", "KEYS_ONLY")]),
    );
    stack.add_property_deletion(&table.handle, "PointInTimeRecoverySpecification");
    let t = stack.synth().expect("valid").template().clone();
    let props = &t["Resources"][table.handle.logical_id()]["Properties"];
    assert_eq!(
        props["GlobalSecondaryIndexes"][0]["Projection"],
        serde_json::json!({"ProjectionType": "KEYS_ONLY"})
    );
    assert_eq!(
        props["GlobalSecondaryIndexes"][0]["IndexName"], "ByCustomer",
        "the item is kept, not replaced by an object"
    );
    assert!(props.get("PointInTimeRecoverySpecification").is_none());

    let bad = Stack::new("Bad");
    let table = Table::new(
        &bad.root(),
        "Orders",
        TableProps::new(Attribute::string("Id"), None),
    );
    bad.add_property_override(&table.handle, "KeySchema.5.KeyType", "RANGE");
    bad.add_property_override(&table.handle, "KeySchema.First", "RANGE");
    let e = errors(&bad);
    assert!(
        e.contains(
            "property override `KeySchema.5.KeyType`: item 5 does not exist: the list has 1"
        ),
        "{e}"
    );
    assert!(e.contains("property override `KeySchema.First`: `First` addresses a list: use an item's index (0 to 0)"), "{e}");
}

#[test]
fn environment_keys_lambda_refuses() {
    for key in ["MY-VAR", "9LIVES", "X"] {
        let stack = Stack::new("Bad");
        Function::new(
            &stack.root(),
            "Fn",
            FunctionProps {
                environment: vec![(key.into(), Json::from("1"))],
                ..FunctionProps::new(handlers(), "command_handler.lambda_handler")
            },
        );
        let e = errors(&stack);
        assert!(e.contains(&format!("error: Bad/Fn Environment: `{key}` is not an environment variable name Lambda accepts")), "{e}");
        // Reported once: the construct's message, not the L1 pattern's as well.
        assert_eq!(e.matches(&format!("`{key}`")).count(), 1, "{e}");
    }
}

#[test]
fn aurora_classes_without_the_data_api_and_reserved_master_users() {
    let stack = Stack::new("Bad");
    support::aurora_store(
        &stack,
        AuroraEventStoreProps {
            instance_class: "db.t4g.medium".into(),
            master_username: "rdsadmin".into(),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(e.contains("error: Bad/EventStore InstanceClass: `db.t4g.medium` is a burstable class, on which the RDS Data API (which applies the schema) is not available"), "{e}");
    assert!(
        e.contains(
            "error: Bad/EventStore MasterUsername: `rdsadmin` is a name RDS or PostgreSQL reserves"
        ),
        "{e}"
    );
}

#[test]
fn aurora_serverless_one_table_for_two_and_no_replication_slot() {
    let stack = Stack::new("Bad");
    let mut props = AuroraEventStoreProps {
        instance_class: "db.serverless".into(),
        ..Default::default()
    };
    props.names.reactions_table = props.names.events_table.clone();
    props.replication.max_replication_slots = 0;
    props.replication.max_wal_senders = 262_144;
    support::aurora_store(&stack, props);
    let e = errors(&stack);
    assert!(e.contains("error: Bad/EventStore InstanceClass: db.serverless (Aurora Serverless v2) needs a scaling configuration on the cluster"), "{e}");
    assert!(
        e.contains("error: Bad/EventStore ReactionsTable: `event_store` names both the events table and the reactions table"),
        "{e}"
    );
    assert!(
        e.contains(
            "error: Bad/EventStore MaxReplicationSlots: 0 is outside PostgreSQL's 1 to 262143"
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "error: Bad/EventStore MaxWalSenders: 262144 is outside PostgreSQL's 1 to 262143"
        ),
        "{e}"
    );
}

#[test]
fn grants_on_a_table_with_a_customer_managed_key_include_the_key() {
    use escdk_constructs::dynamodb::{Attribute, StreamView, Table, TableEncryption, TableProps};
    use escdk_synth::cfn::kms::CfnKey;
    let stack = Stack::new("Ok");
    let root = stack.root();
    let key = root.add("Key", CfnKey::default());
    let table = Table::new(
        &root,
        "Orders",
        TableProps {
            encryption: TableEncryption::CustomerManaged(key.attr_arn()),
            stream: Some(StreamView::NewImage),
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    let reader = Function::new(
        &root,
        "Reader",
        FunctionProps::new(handlers(), "query_handler.lambda_handler"),
    );
    let writer = Function::new(
        &root,
        "Writer",
        FunctionProps::new(handlers(), "command_handler.lambda_handler"),
    );
    table.grant_read_data(&reader);
    table.grant_stream_read(&reader);
    table.grant_append(&writer);
    let t = stack.synth().expect("valid").template().clone();
    let key_actions = |role: &str| -> Vec<String> {
        t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| {
                s["Resource"] == serde_json::json!([{"Fn::GetAtt": [key.logical_id(), "Arn"]}])
            })
            .flat_map(|s| {
                s["Action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
            })
            .collect()
    };
    let read = key_actions(reader.role.handle.logical_id());
    assert!(
        read.contains(&"kms:Decrypt".to_string()) && read.contains(&"kms:DescribeKey".to_string()),
        "{read:?}"
    );
    assert!(
        !read.contains(&"kms:Encrypt".to_string()),
        "a reader does not encrypt: {read:?}"
    );
    let write = key_actions(writer.role.handle.logical_id());
    for a in ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"] {
        assert!(write.contains(&a.to_string()), "{a} missing: {write:?}");
    }
}

#[test]
fn l1_patterns_match_the_whole_value_as_the_services_do() {
    use escdk_synth::cfn::lambda::{function, CfnFunction};
    use escdk_synth::cfn::ses::{configuration_set, CfnConfigurationSet};
    let stack = Stack::new("Bad");
    let root = stack.root();
    root.add(
        "Fn",
        CfnFunction {
            runtime: Some("python3.13".into()),
            handler: Some("index.handler".into()),
            environment: Some(function::Environment {
                variables: Some(
                    [("MY-VAR".to_string(), Json::from("1"))]
                        .into_iter()
                        .collect::<escdk_synth::Map<_>>()
                        .into(),
                ),
            }),
            ..CfnFunction::new(
                function::Code {
                    zip_file: Some("def handler(e, c): pass".into()),
                    ..Default::default()
                },
                "arn:aws:iam::123456789012:role/r",
            )
        },
    );
    root.add(
        "Mail",
        CfnConfigurationSet {
            delivery_options: Some(configuration_set::DeliveryOptions {
                tls_policy: Some("REQUIRED".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("Bad/Fn (Fn) Properties.Environment.Variables"),
        "{e}"
    );
    assert!(e.contains("`MY-VAR`"), "{e}");
    assert!(
        e.contains("Bad/Mail (Mail) Properties.DeliveryOptions.TlsPolicy"),
        "{e}"
    );
    assert!(e.contains("REQUIRED"), "{e}");
}

#[test]
fn overrides_are_checked_against_the_schema_where_they_land() {
    use escdk_constructs::dynamodb::{Attribute, GlobalSecondaryIndex, Table, TableProps};
    let stack = Stack::new("Bad");
    let table = Table::new(
        &stack.root(),
        "Orders",
        TableProps {
            global_secondary_indexes: vec![GlobalSecondaryIndex::new(
                "ByCustomer",
                Attribute::string("CustomerId"),
                None,
            )],
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    stack.add_property_override(&table.handle, "AttributeDefinitions", 5);
    stack.add_property_override(
        &table.handle,
        "GlobalSecondaryIndexes.0.Projection.ProjectionTyp",
        "ALL",
    );
    stack.add_property_override(&table.handle, "BillingMode", "FREE");
    stack.add_property_deletion(&table.handle, "KeySchema");
    let e = errors(&stack);
    let at = format!(
        "error: Bad/Orders/Resource ({}) Properties.",
        table.handle.logical_id()
    );
    for expected in [
        "AttributeDefinitions: 5 is not a list\n  fix: give a list",
        "GlobalSecondaryIndexes[0].Projection.ProjectionTyp: `Projection` has no property `ProjectionTyp`\n  fix: did you mean `ProjectionType`?",
        "BillingMode: `FREE` is not an allowed value\n  fix: use one of: PAY_PER_REQUEST, PROVISIONED",
        "KeySchema: `AWS::DynamoDB::Table` needs `KeySchema`\n  fix: set `KeySchema`",
    ] {
        assert!(e.contains(&format!("{at}{expected}")), "{expected}\n---\n{e}");
    }
    // Intrinsics stand for values known at deploy time, as in typed properties.
    let ok = Stack::new("Ok");
    let table = Table::new(
        &ok.root(),
        "Orders",
        TableProps::new(Attribute::string("Id"), None),
    );
    ok.add_property_override(
        &table.handle,
        "KeySchema.0.AttributeName",
        Json::object([("Ref", "AWS::StackName")]),
    );
    ok.synth()
        .expect("an intrinsic where a string stands is accepted");
}

#[test]
fn l1_formats_are_checked_as_cfn_lint_checks_them() {
    use escdk_synth::cfn::ec2::CfnSecurityGroupIngress;
    use escdk_synth::cfn::sqs::CfnQueue;
    let stack = Stack::new("Bad");
    let root = stack.root();
    root.add(
        "Ingress",
        CfnSecurityGroupIngress {
            cidr_ip: Some("10.0.0.1/16".into()),
            group_id: Some("sg-nothex".into()),
            ..CfnSecurityGroupIngress::new("tcp")
        },
    );
    root.add(
        "Queue",
        CfnQueue {
            kms_master_key_id: Some("my-key".into()),
            ..Default::default()
        },
    );
    root.add(
        "Aliased",
        CfnQueue {
            kms_master_key_id: Some("alias/aws/sqs".into()),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(e.contains("Bad/Ingress (Ingress) Properties.CidrIp: `10.0.0.1/16` is not a valid ipv4-network\n  fix: give a ipv4-network (or a reference to the resource that has it)"), "{e}");
    assert!(e.contains("Bad/Ingress (Ingress) Properties.GroupId: `sg-nothex` is not a valid AWS::EC2::SecurityGroup.Id"), "{e}");
    assert!(e.contains("Bad/Queue (Queue) Properties.KmsMasterKeyId: `my-key` is not a valid AWS::KMS::Key.Arn or AWS::KMS::Key.Id or AWS::KMS::Alias.AliasName"), "{e}");
    assert!(!e.contains("Bad/Aliased"), "{e}");
}

#[test]
fn l1_conditions_between_properties_from_the_schemas_all_of() {
    use escdk_synth::cfn::dynamodb::{table, CfnTable};
    use escdk_synth::cfn::rds::CfnDBCluster;
    let stack = Stack::new("Bad");
    let root = stack.root();
    for (id, engine, user) in [
        ("Reserved", "aurora-postgresql", "admin"),
        ("Mysql", "aurora-mysql", "admin"),
        ("RdsAdmin", "aurora-mysql", "rdsadmin"),
    ] {
        root.add(
            id,
            CfnDBCluster {
                engine: Some(engine.into()),
                master_username: Some(user.into()),
                ..Default::default()
            },
        );
    }
    root.add(
        "Lsi",
        CfnTable {
            attribute_definitions: Some(vec![table::AttributeDefinition::new("Id", "S")].into()),
            local_secondary_indexes: Some(
                vec![table::LocalSecondaryIndex::new(
                    "ByTime",
                    vec![table::KeySchemaItem::new("Id", "HASH")],
                    table::Projection::default(),
                )]
                .into(),
            ),
            ..CfnTable::new(vec![table::KeySchemaItem::new("Id", "HASH")])
        },
    );
    let e = errors(&stack);
    assert!(e.contains("Bad/Reserved (Reserved) Properties.MasterUsername: the string `admin` is not allowed when Engine is aurora-postgresql or postgresql\n  fix: use another value than admin"), "{e}");
    assert!(!e.contains("Bad/Mysql"), "admin is allowed for MySQL: {e}");
    assert!(e.contains("Bad/RdsAdmin (RdsAdmin) Properties.MasterUsername: the string `rdsadmin` is not allowed\n"), "{e}");
    assert!(e.contains("Bad/Lsi (Lsi) Properties.KeySchema: `AWS::DynamoDB::Table` needs at least 2 item(s) in KeySchema when LocalSecondaryIndexes has at least 1 item(s)"), "{e}");
    assert!(e.contains("Bad/Lsi (Lsi) Properties.AttributeDefinitions: `AWS::DynamoDB::Table` needs at least 2 item(s) in AttributeDefinitions"), "{e}");
}

#[test]
fn a_condition_that_reads_a_resource() {
    use escdk_synth::cfn::sqs::CfnQueue;
    use escdk_synth::fns;
    let stack = Stack::new("Bad");
    let queue = stack.root().add("Queue", CfnQueue::default());
    stack.add_condition("ByRef", fns::equals(queue.reference(), "x"));
    stack.add_condition("ByAtt", fns::equals(queue.attr_arn(), "x"));
    let e = errors(&stack);
    for name in ["ByRef", "ByAtt"] {
        assert!(e.contains(&format!("error: Bad/Conditions/{name} Fn::Equals: the condition reads resource `Queue`: conditions are evaluated before any resource exists\n  fix: base the condition on a parameter or a pseudo parameter")), "{e}");
    }
    let ok = Stack::new("Ok");
    let stage = ok.add_parameter("Stage", Parameter::string());
    ok.add_condition("IsProd", fns::equals(stage.reference(), "prod"));
    ok.synth().expect("a condition on a parameter is fine");
}

#[test]
fn policy_documents_and_event_patterns_are_checked_as_the_services_read_them() {
    use escdk_synth::cfn::events::CfnRule;
    use escdk_synth::cfn::iam::{role, CfnRole};
    use escdk_synth::cfn::sqs::CfnQueuePolicy;
    let doc = |v: serde_json::Value| Json::from(v);
    let stack = Stack::new("Bad");
    let root = stack.root();
    root.add(
        "Role",
        CfnRole {
            policies: Some(
                vec![role::Policy::new(
                    doc(serde_json::json!({
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Sid": "Read all", "Effect": "Allow", "Action": "sqs:ReceiveMessage", "Principal": "*", "Resource": "*"},
                            {"Effect": "Permit", "Action": ["sqs.SendMessage"]},
                            {"Effect": "Deny", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*", "Condition": {"StringEquals": "x"}}
                        ]
                    })),
                    "Inline",
                )]
                .into(),
            ),
            ..CfnRole::new(doc(serde_json::json!({
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
            })))
        },
    );
    root.add(
        "QueuePolicy",
        CfnQueuePolicy::new(
            doc(serde_json::json!({"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]})),
            vec!["https://sqs.eu-west-1.amazonaws.com/123456789012/q"],
        ),
    );
    root.add(
        "Rule",
        CfnRule {
            event_pattern: Some(doc(serde_json::json!({
                "source": "orders",
                "detail": {"state": [{"prefx": "open"}], "empty": {}}
            }))),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    for expected in [
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[0]: a policy attached to a role or user cannot name a principal",
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[0].Sid: statement id `Read all` has characters IAM refuses",
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[1].Effect: effect \"Permit\" is neither Allow nor Deny",
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[1]: the statement names no resource",
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[1].Action: `sqs.SendMessage` is not an action (`service:Action`)",
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[2]: a statement needs exactly one of `Action` and `NotAction`",
        "Bad/Role (Role) Properties.Policies[0].PolicyDocument.Statement[2].Condition: a condition must map operators to objects of keys and values",
        "Bad/Role (Role) Properties.AssumeRolePolicyDocument.Statement[0]: the statement names no principal",
        "Bad/Role (Role) Properties.AssumeRolePolicyDocument.Statement[0]: a trust policy cannot name a resource",
        "Bad/QueuePolicy (QueuePolicy) Properties.PolicyDocument.Version: policy version \"2012-10-18\" does not exist",
        "Bad/QueuePolicy (QueuePolicy) Properties.PolicyDocument.Statement[0]: the statement names no principal",
        "Bad/Rule (Rule) Properties.EventPattern.source: the value \"orders\" must be a list of values to match\n  fix: write [\"orders\"]",
        "Bad/Rule (Rule) Properties.EventPattern.detail.state: `prefx` is not an EventBridge content filter",
        "Bad/Rule (Rule) Properties.EventPattern.detail.empty: an event pattern cannot hold an empty object",
    ] {
        assert!(e.contains(expected), "{expected}\n---\n{e}");
    }
}

#[test]
fn the_sql_verb_prints_nothing_for_a_construct_synth_refuses() {
    use escdk_constructs::ec2::{Vpc, VpcProps};
    use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
    let mut app = escdk_synth::App::new();
    let stack = app.stack("Db");
    let root = stack.root();
    let vpc = Vpc::new(&root, "Net", VpcProps::default());
    AuroraEventStore::new(
        &root,
        "Store",
        &vpc,
        AuroraEventStoreProps {
            names: escdk_constructs::aurora::SchemaNames {
                events_table: "Events; DROP TABLE x".into(),
                ..Default::default()
            },
            ..Default::default()
        },
    );
    assert_eq!(stack.artifact("sql/event-store"), None, "never published");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args: Vec<String> = ["app", "sql", "event-store"].map(String::from).to_vec();
    let code = escdk_synth::cli::run(&app, &args, &mut out, &mut err);
    let err = String::from_utf8(err).unwrap();
    assert_ne!(code, 0, "{err}");
    assert!(
        out.is_empty(),
        "no SQL is printed: {}",
        String::from_utf8_lossy(&out)
    );
    assert!(
        err.contains(
            "Db/Store EventsTable: `Events; DROP TABLE x` is not a plain PostgreSQL identifier"
        ),
        "{err}"
    );
}
