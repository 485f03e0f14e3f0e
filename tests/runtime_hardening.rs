//! What runs after synth (issue: hardening what runs): the outbox, lifecycle policies, IAM
//! and monitoring, checked in the templates the constructs emit.

use escdk_constructs::dynamodb::StreamView;
use escdk_constructs::sqs::{Queue, QueueProps};
use escdk_constructs::{EventBus, EventBusProps, EventStore, EventStoreProps, Outbox, OutboxProps};
use escdk_synth::Stack;

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
        .template;
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
