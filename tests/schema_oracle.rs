//! The official resource schemas, through `jsonschema`, as the oracle of our templates and
//! of the checks generated into the L1 code.

mod support;

use escdk_synth::cfn::{cloudwatch, dynamodb, events, iam, kms, lambda, logs, sns, sqs};
use escdk_synth::node::Node;
use escdk_synth::{Pseudo, Resource, Stack};
use serde_json::Value;
use support::*;

#[test]
fn every_example_resource_validates_against_its_schema() {
    let mut checked = 0;
    for (stack, _, template) in example_templates() {
        for (lid, r) in template["Resources"].as_object().unwrap() {
            let type_name = r["Type"].as_str().unwrap();
            if type_name.starts_with("Custom::") {
                // No registry schema: a custom resource's properties are its handler's; the
                // synth check and cfn-lint cover its shape.
                continue;
            }
            let props = r
                .get("Properties")
                .cloned()
                .unwrap_or(Value::Object(Default::default()));
            let errors = oracle_errors(type_name, &props);
            assert!(
                errors.is_empty(),
                "{stack}/{lid} ({type_name}): {errors:#?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} resources checked");
}

#[test]
fn every_example_resource_passes_its_shape() {
    let mut checked = 0;
    for (stack, _, template) in example_templates() {
        for (lid, r) in template["Resources"].as_object().unwrap() {
            let type_name = r["Type"].as_str().unwrap();
            let Some(shape) = escdk_synth::cfn::shape_of(type_name) else {
                assert!(
                    type_name.starts_with("Custom::"),
                    "no shape for {type_name}"
                );
                continue;
            };
            let props = r.get("Properties").cloned().unwrap_or(Value::Null);
            let props = if props.is_null() {
                serde_json::json!({})
            } else {
                props
            };
            let v = shape.violations(&Node::from(&props));
            assert!(v.is_empty(), "{stack}/{lid} ({type_name}): {v:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} resources checked");
}

#[test]
fn shapes_refuse_json_the_schema_refuses() {
    // JSON no typed struct could hold (wrong JSON types, unknown nested properties, missing
    // required ones), as an override can write it: the shape and the oracle agree.
    let cases = [
        (
            "AWS::DynamoDB::Table",
            serde_json::json!({ "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}], "AttributeDefinitions": 5 }),
            false,
        ),
        (
            "AWS::DynamoDB::Table",
            serde_json::json!({ "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH", "Extra": 1}] }),
            false,
        ),
        (
            "AWS::DynamoDB::Table",
            serde_json::json!({ "KeySchema": [{"AttributeName": "Id"}] }),
            false,
        ),
        (
            "AWS::DynamoDB::Table",
            serde_json::json!({ "AttributeDefinitions": [] }),
            false,
        ),
        (
            "AWS::DynamoDB::Table",
            serde_json::json!({ "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}], "BillingMode": "FREE" }),
            false,
        ),
        (
            "AWS::DynamoDB::Table",
            serde_json::json!({ "KeySchema": [{"AttributeName": {"Ref": "Key"}, "KeyType": "HASH"}], "DeletionProtectionEnabled": true }),
            true,
        ),
        (
            "AWS::SQS::Queue",
            serde_json::json!({ "MessageRetentionPeriod": 120, "FifoQueue": true }),
            true,
        ),
        (
            "AWS::SQS::Queue",
            serde_json::json!({ "MessageRetentionPeriod": [120] }),
            false,
        ),
        (
            "AWS::SQS::Queue",
            serde_json::json!({ "RedrivePolicy": {"maxReceiveCount": 3} }),
            true,
        ),
        (
            "AWS::Lambda::Function",
            serde_json::json!({ "Code": {"ZipFile": "x"}, "Role": "arn:aws:iam::123456789012:role/r", "MemorySize": 64.5 }),
            false,
        ),
    ];
    for (type_name, props, valid) in cases {
        let shape = escdk_synth::cfn::shape_of(type_name).unwrap();
        let ours = shape.violations(&Node::from(&props));
        let theirs = oracle_errors(type_name, &props);
        assert_eq!(theirs.is_empty(), valid, "oracle on {props}: {theirs:?}");
        assert_eq!(ours.is_empty(), valid, "shape on {props}: {ours:?}");
    }
    // CloudFormation (and cfn-lint, unless strict) read a number or a boolean given as a
    // string; the strict oracle does not, so these are the shape's alone.
    let shape = escdk_synth::cfn::shape_of("AWS::SQS::Queue").unwrap();
    let coerced = serde_json::json!({ "MessageRetentionPeriod": "120", "FifoQueue": "true" });
    assert_eq!(shape.violations(&Node::from(&coerced)), vec![]);
    let below = serde_json::json!({ "MessageRetentionPeriod": "30" });
    assert_eq!(
        shape.violations(&Node::from(&below)).len(),
        1,
        "the rule applies to the number read"
    );
    // The schema's unanchored key pattern matches `MY-VAR` anywhere; Lambda matches it
    // whole (codegen/src/patterns.rs), and so does the shape.
    let function = escdk_synth::cfn::shape_of("AWS::Lambda::Function").unwrap();
    let env = serde_json::json!({ "Code": {"ZipFile": "x"}, "Role": "arn:aws:iam::123456789012:role/r", "Environment": {"Variables": {"MY-VAR": "1"}} });
    assert_eq!(function.violations(&Node::from(&env)).len(), 1);
}

#[test]
fn the_oracle_rejects_what_the_schema_forbids() {
    // A sanity check of the oracle itself: an unknown property and a bad enum are caught,
    // an intrinsic where a string stands is not.
    let bad = serde_json::json!({ "KeySchema": [], "NoSuchProperty": 1, "BillingMode": "FREE" });
    assert!(oracle_errors("AWS::DynamoDB::Table", &bad).len() >= 2);
    let with_intrinsic = serde_json::json!({
        "KeySchema": [{ "AttributeName": { "Ref": "P" }, "KeyType": "HASH" }],
        "TableName": { "Fn::Sub": "${AWS::StackName}-events" }
    });
    assert_eq!(
        oracle_errors("AWS::DynamoDB::Table", &with_intrinsic),
        Vec::<String>::new()
    );
}

/// One resource alone in a stack: (our synth accepts it, the schema accepts its properties).
/// The type's shape, which checks JSON that bypasses the typed structs (overrides), must
/// give the typed check's verdict on the same properties.
fn verdicts<T: Resource>(props: T) -> (bool, bool) {
    let stack = Stack::new("Oracle");
    let h = stack.root().add("R", props);
    let ours_ok = stack.synth().is_ok();
    let rendered = stack
        .render_properties(&h)
        .expect("the resource is in the stack");
    let theirs_ok = oracle_errors(T::TYPE_NAME, &Value::from(&rendered)).is_empty();
    let shape = T::shape().violations(&rendered);
    assert_eq!(
        shape.is_empty(),
        ours_ok,
        "{}: the shape's verdict differs from the typed check's: {shape:?}",
        T::TYPE_NAME
    );
    (ours_ok, theirs_ok)
}

macro_rules! case {
    ($name:expr, $valid:expr, $props:expr) => {{
        let (ours, theirs) = verdicts($props);
        assert_eq!(
            theirs, $valid,
            "{}: the oracle's verdict is not the expected one",
            $name
        );
        assert_eq!(
            ours, theirs,
            "{}: our generated check disagrees with the schema",
            $name
        );
    }};
}

#[test]
fn generated_checks_agree_with_the_schema() {
    use dynamodb::{table, CfnTable};
    let table = |f: fn(&mut CfnTable)| {
        let mut t = CfnTable::new(vec![table::KeySchemaItem::new("Id", "HASH")]);
        t.attribute_definitions = Some(vec![table::AttributeDefinition::new("Id", "S")].into());
        f(&mut t);
        t
    };
    case!("table ok", true, table(|_| {}));
    case!(
        "billing enum",
        false,
        table(|t| t.billing_mode = Some("FREE".into()))
    );
    case!(
        "stream view enum",
        false,
        table(|t| t.stream_specification = Some(table::StreamSpecification::new("ALL")))
    );
    case!(
        "stream view ok",
        true,
        table(|t| t.stream_specification = Some(table::StreamSpecification::new("NEW_IMAGE")))
    );
    case!(
        "table class enum",
        false,
        table(|t| t.table_class = Some("COLD".into()))
    );
    case!(
        "too many key items",
        false,
        table(|t| {
            t.key_schema = vec![
                table::KeySchemaItem::new("A", "HASH"),
                table::KeySchemaItem::new("B", "RANGE"),
                table::KeySchemaItem::new("C", "RANGE"),
            ]
            .into()
        })
    );
    case!(
        "intrinsic name",
        true,
        table(|t| t.table_name = Some(Pseudo::StackName.into()))
    );

    use sqs::CfnQueue;
    let queue = |retention: i64| CfnQueue {
        message_retention_period: Some(retention.into()),
        ..Default::default()
    };
    case!("retention min", true, queue(60));
    case!("retention below", false, queue(59));
    case!("retention max", true, queue(1_209_600));
    case!("retention above", false, queue(1_209_601));

    use lambda::{function, CfnEventInvokeConfig, CfnFunction};
    let func = |f: fn(&mut CfnFunction)| {
        let mut x = CfnFunction::new(
            function::Code {
                zip_file: Some("x".into()),
                ..Default::default()
            },
            "arn:aws:iam::123456789012:role/r",
        );
        f(&mut x);
        x
    };
    case!("function ok", true, func(|_| {}));
    case!(
        "memory below",
        false,
        func(|f| f.memory_size = Some(64.into()))
    );
    case!("timeout zero", false, func(|f| f.timeout = Some(0.into())));
    case!(
        "function name chars",
        false,
        func(|f| f.function_name = Some("bad name".into()))
    );
    case!(
        "function name ok",
        true,
        func(|f| f.function_name = Some("good-name_1".into()))
    );
    case!(
        "function name long",
        false,
        func(|f| f.function_name = Some("x".repeat(65).into()))
    );
    case!(
        "handler long",
        false,
        func(|f| f.handler = Some("h".repeat(200).into()))
    );
    case!(
        "eic retries",
        false,
        CfnEventInvokeConfig {
            maximum_retry_attempts: Some(3.into()),
            ..CfnEventInvokeConfig::new("f", "$LATEST")
        }
    );
    case!(
        "eic retries ok",
        true,
        CfnEventInvokeConfig {
            maximum_retry_attempts: Some(2.into()),
            ..CfnEventInvokeConfig::new("f", "$LATEST")
        }
    );

    use logs::CfnLogGroup;
    case!(
        "retention enum",
        false,
        CfnLogGroup {
            retention_in_days: Some(13.into()),
            ..Default::default()
        }
    );
    case!(
        "retention enum ok",
        true,
        CfnLogGroup {
            retention_in_days: Some(14.into()),
            ..Default::default()
        }
    );
    case!(
        "log group name \\Z pattern",
        false,
        CfnLogGroup {
            log_group_name: Some("bad name".into()),
            ..Default::default()
        }
    );
    case!(
        "log group name ok",
        true,
        CfnLogGroup {
            log_group_name: Some("/aws/lambda/x".into()),
            ..Default::default()
        }
    );

    use events::{CfnArchive, CfnEventBus, CfnRule};
    // (A rule with neither pattern nor schedule breaks cfn-lint's `requiredOr`, which JSON
    // Schema does not know; tests/validation_errors.rs covers it.)
    case!("bus name chars", false, CfnEventBus::new("bad name"));
    case!("bus name ok", true, CfnEventBus::new("orders-bus"));
    case!(
        "archive name long",
        false,
        CfnArchive {
            archive_name: Some("a".repeat(49).into()),
            ..CfnArchive::new("arn")
        }
    );
    case!(
        "archive retention negative",
        false,
        CfnArchive {
            retention_days: Some((-1).into()),
            ..CfnArchive::new("arn")
        }
    );
    case!(
        "rule schedule",
        true,
        CfnRule {
            schedule_expression: Some("rate(5 minutes)".into()),
            ..Default::default()
        }
    );
    case!(
        "rule schedule pattern",
        false,
        CfnRule {
            schedule_expression: Some("every 5 minutes".into()),
            ..Default::default()
        }
    );
    case!(
        "rule state enum",
        false,
        CfnRule {
            schedule_expression: Some("rate(1 day)".into()),
            state: Some("ON".into()),
            ..Default::default()
        }
    );

    use iam::CfnRole;
    let trust = escdk_synth::Json::from(serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }));
    case!(
        "role name long",
        false,
        CfnRole {
            role_name: Some("r".repeat(65).into()),
            ..CfnRole::new(trust.clone())
        }
    );
    case!(
        "role name ok",
        true,
        CfnRole {
            role_name: Some("my.role@x".into()),
            ..CfnRole::new(trust.clone())
        }
    );
    case!(
        "role session",
        false,
        CfnRole {
            max_session_duration: Some(100.into()),
            ..CfnRole::new(trust.clone())
        }
    );
    case!(
        "policy needs a target",
        false,
        iam::CfnPolicy::new(trust.clone(), "p")
    );

    use kms::CfnKey;
    case!(
        "kms window",
        false,
        CfnKey {
            pending_window_in_days: Some(3.into()),
            ..Default::default()
        }
    );
    case!(
        "kms spec enum",
        false,
        CfnKey {
            key_spec: Some("RSA_1".into()),
            ..Default::default()
        }
    );

    use cloudwatch::CfnAlarm;
    case!(
        "alarm operator",
        false,
        CfnAlarm {
            comparison_operator: Some("Bigger".into()),
            evaluation_periods: Some(1.into()),
            metric_name: Some("M".into()),
            ..Default::default()
        }
    );
    case!(
        "alarm ok",
        true,
        CfnAlarm {
            comparison_operator: Some("GreaterThanThreshold".into()),
            evaluation_periods: Some(1.into()),
            metric_name: Some("M".into()),
            ..Default::default()
        }
    );

    use sns::{CfnSubscription, CfnTopic};
    case!("topic ok", true, CfnTopic::default());
    case!(
        "subscription ok",
        true,
        CfnSubscription::new("email", "arn:aws:sns:us-east-1:123456789012:t")
    );
}
