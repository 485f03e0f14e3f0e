//! What runs after synth (issue: hardening what runs): the outbox, lifecycle policies, IAM
//! and monitoring, checked in the templates the constructs emit.

use escdk_constructs::dynamodb::StreamView;
use escdk_constructs::sqs::{Queue, QueueProps};
use escdk_constructs::{EventBus, EventBusProps, EventStore, EventStoreProps, Outbox, OutboxProps};
use escdk_synth::Stack;

mod support;

fn errors(stack: &Stack) -> String {
    stack.synth().expect_err("synth must fail").to_string()
}

fn outbox(stream: Option<StreamView>, source: &str) -> Stack {
    let stack = Stack::new("Shop");
    let root = stack.root();
    let store = EventStore::new(
        &root,
        "EventStore",
        EventStoreProps {
            stream,
            ..EventStoreProps::default()
        },
    );
    let bus = EventBus::new(&root, "Bus", EventBusProps::default());
    let failures = Queue::new(&root, "Failures", QueueProps::default());
    Outbox::new(
        &root,
        "Outbox",
        &store,
        &bus,
        &failures,
        OutboxProps::new(source),
    );
    stack
}

#[test]
fn an_outbox_needs_a_stream_with_new_images() {
    for view in [StreamView::KeysOnly, StreamView::OldImage] {
        let e = errors(&outbox(Some(view), "shop.orders"));
        assert!(
            e.contains("error: Shop/Outbox: the stream of `Shop/EventStore/Table/Resource` carries no new images"),
            "{e}"
        );
    }
    let e = errors(&outbox(None, "shop.orders"));
    assert!(e.contains("has no stream to read from"), "{e}");
    for view in [StreamView::NewImage, StreamView::NewAndOldImages] {
        outbox(Some(view), "shop.orders")
            .synth()
            .expect("new images");
    }
}

#[test]
fn an_outbox_source_that_put_events_refuses() {
    for (source, says) in [
        ("", "the event source is empty"),
        ("aws.orders", "sources starting with `aws.` are AWS's"),
        (
            &"s".repeat(257),
            "257 characters; EventBridge takes at most 256",
        ),
    ] {
        let e = errors(&outbox(Some(StreamView::NewImage), source));
        assert!(
            e.contains("error: Shop/Outbox EventSource: ") && e.contains(says),
            "{source}: {e}"
        );
    }
}

#[test]
fn the_outbox_retries_until_the_records_expire_and_reports_what_expired() {
    let template = outbox(Some(StreamView::NewImage), "shop.orders")
        .synth()
        .unwrap()
        .template()
        .clone();
    let resources = template["Resources"].as_object().unwrap();
    let mapping = resources
        .values()
        .find(|r| r["Type"] == "AWS::Lambda::EventSourceMapping")
        .unwrap();
    let p = &mapping["Properties"];
    assert_eq!(p["MaximumRetryAttempts"], -1);
    let failures = resources
        .keys()
        .find(|k| k.starts_with("Failures"))
        .unwrap();
    assert_eq!(
        p["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0],
        failures.as_str()
    );
    assert_eq!(p["FunctionResponseTypes"][0], "ReportBatchItemFailures");
}

fn alarms_on(template: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|r| {
            let p = &r["Properties"];
            let dimension =
                &p["Dimensions"][p["Dimensions"].as_array().unwrap().len() - 1]["Value"];
            // A Ref, a GetAtt, or a name given at synth (rules are named from their path).
            let target = dimension["Ref"]
                .as_str()
                .or(dimension["Fn::GetAtt"][0].as_str())
                .or(dimension.as_str())
                .unwrap_or("?")
                .replace('-', "");
            (
                p["MetricName"].as_str().unwrap().to_string(),
                target.to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_service_alarms_on_its_dead_letter_queue_projections_and_outbox() {
    let recipe = escdk_examples::recipe::stack("R")
        .synth()
        .unwrap()
        .template()
        .clone();
    let has = |alarms: &[(String, String)], metric: &str, target: &str| {
        alarms
            .iter()
            .any(|(m, t)| m == metric && t.starts_with(target))
    };
    let alarms = alarms_on(&recipe);
    for (metric, target) in [
        (
            "ApproximateNumberOfMessagesVisible",
            "HandlersDeadLetterQueue",
        ),
        ("Errors", "HandlersProjectionFunction"),
        ("Errors", "HandlersCommand"),
        ("IteratorAge", "HandlersOutboxPublisher"),
        ("FailedInvocations", "RHandlersProjectionRule"),
        ("WriteThrottleEvents", "EventStoreTable"),
    ] {
        assert!(
            has(&alarms, metric, target),
            "{metric} on {target}: {alarms:?}"
        );
    }
    let cqrs = escdk_examples::cqrs::stack("C")
        .synth()
        .unwrap()
        .template()
        .clone();
    let alarms = alarms_on(&cqrs);
    for (metric, target) in [
        ("ApproximateNumberOfMessagesVisible", "DeadLetterQueue"),
        ("Errors", "UserProjectionFunction"),
        ("Errors", "OrderProjectionFunction"),
        ("FailedInvocations", "CUserProjectionRule"),
        ("FailedInvocations", "COrderProjectionRule"),
        ("IteratorAge", "OutboxPublisher"),
    ] {
        assert!(
            has(&alarms, metric, target),
            "{metric} on {target}: {alarms:?}"
        );
    }
    let actions: Vec<&serde_json::Value> = cqrs["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|r| &r["Properties"]["AlarmActions"][0]["Ref"])
        .collect();
    assert!(actions
        .iter()
        .all(|a| a.as_str().unwrap().starts_with("MonitoringAlarmTopic")));
    assert!(cqrs["Parameters"]["AlarmEmail"].is_object());
}

fn resource<'a>(t: &'a serde_json::Value, type_name: &str) -> &'a serde_json::Value {
    t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == type_name)
        .unwrap_or_else(|| panic!("no {type_name}"))
}

#[test]
fn aurora_deletion_protection_follows_its_removal_policy() {
    use escdk_constructs::{AuroraEventStoreProps, RemovalPolicy};
    // By default: a final snapshot, then the cluster goes; no protection to stop a rollback.
    let stack = Stack::new("Db");
    support::aurora_store(&stack, AuroraEventStoreProps::default());
    let t = stack.synth().unwrap().template().clone();
    let cluster = resource(&t, "AWS::RDS::DBCluster");
    assert_eq!(cluster["DeletionPolicy"], "Snapshot");
    assert_eq!(cluster["Properties"]["DeletionProtection"], false);
    // Kept: protected, and a plain Retain (a rollback could not delete it anyway).
    let stack = Stack::new("Db");
    support::aurora_store(
        &stack,
        AuroraEventStoreProps {
            removal_policy: RemovalPolicy::Retain,
            ..Default::default()
        },
    );
    let t = stack.synth().unwrap().template().clone();
    let cluster = resource(&t, "AWS::RDS::DBCluster");
    assert_eq!(cluster["DeletionPolicy"], "Retain");
    assert_eq!(cluster["Properties"]["DeletionProtection"], true);
    // Protection with a policy that deletes: the defect itself, refused.
    let stack = Stack::new("Db");
    support::aurora_store(
        &stack,
        AuroraEventStoreProps {
            deletion_protection: Some(true),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("error: Db/EventStore DeletionProtection: deletion protection with removal policy Snapshot")
            && e.contains("fix: protect it with `removal_policy: RemovalPolicy::Retain`"),
        "{e}"
    );
}

#[test]
fn a_protected_table_must_be_kept_by_every_operation() {
    use escdk_constructs::RemovalPolicy;
    let store = |deletion_protection, removal_policy| {
        let stack = Stack::new("S");
        EventStore::new(
            &stack.root(),
            "EventStore",
            EventStoreProps {
                deletion_protection,
                removal_policy,
                ..EventStoreProps::default()
            },
        );
        stack
    };
    let t = store(None, RemovalPolicy::default())
        .synth()
        .unwrap()
        .template()
        .clone();
    let table = resource(&t, "AWS::DynamoDB::Table");
    assert_eq!(table["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
    assert!(table["Properties"]
        .get("DeletionProtectionEnabled")
        .is_none());
    let t = store(None, RemovalPolicy::Retain)
        .synth()
        .unwrap()
        .template()
        .clone();
    let table = resource(&t, "AWS::DynamoDB::Table");
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["Properties"]["DeletionProtectionEnabled"], true);
    let e = errors(&store(Some(true), RemovalPolicy::RetainOnUpdateOrDelete));
    assert!(
        e.contains("error: S/EventStore/Table DeletionProtectionEnabled: deletion protection with removal policy RetainOnUpdateOrDelete"),
        "{e}"
    );
}

#[test]
fn the_archive_is_kept_and_never_blocks_the_stack_created_again() {
    let t = outbox(Some(StreamView::NewImage), "shop.orders")
        .synth()
        .unwrap()
        .template()
        .clone();
    let archive = resource(&t, "AWS::Events::Archive");
    assert_eq!(archive["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(archive["UpdateReplacePolicy"], "Retain");
    // The name carries the stack id's last UUID group, new with each creation of the stack.
    let name = archive["Properties"]["ArchiveName"].to_string();
    assert!(
        name.contains("AWS::StackId") && name.contains("Fn::Split"),
        "{name}"
    );
}

#[test]
fn key_policies_let_services_act_only_for_this_account() {
    // A service principal without a condition is a confused deputy: any account's use of
    // the service could use the key.
    for (stack, _, t) in support::example_templates() {
        for (lid, r) in t["Resources"].as_object().unwrap() {
            if r["Type"] != "AWS::KMS::Key" {
                continue;
            }
            for s in r["Properties"]["KeyPolicy"]["Statement"]
                .as_array()
                .unwrap()
            {
                if s["Principal"].get("Service").is_some() {
                    let c = s["Condition"].to_string();
                    assert!(
                        c.contains("aws:SourceAccount")
                            || c.contains("kms:EncryptionContext:aws:logs:arn"),
                        "{stack}/{lid}: {s}"
                    );
                }
            }
        }
    }
}
