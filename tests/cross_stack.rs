//! Cross-stack references: a handle of one stack used in another becomes an export and an
//! import, the consumer depends on the producer, cycles are errors naming both stacks,
//! and export names do not change when code is reordered.

use escdk_constructs::sqs::{Queue, QueueProps};
use escdk_constructs::{EventBus, EventBusProps};
use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::{fns, App, Environment, Output, StackProps, Synthesized};
use serde_json::json;

fn by_name<'a>(all: &'a [Synthesized], name: &str) -> &'a Synthesized {
    all.iter().find(|s| s.stack_name == name).expect(name)
}

/// A shared stack with a queue and a bus; a service stack that uses both.
fn two_stacks(shared_first: bool, queue_first: bool) -> Vec<Synthesized> {
    let mut app = App::new();
    let (shared, service) = if shared_first {
        (app.stack("Shared"), app.stack("Service"))
    } else {
        let service = app.stack("Service");
        (app.stack("Shared"), service)
    };
    let root = shared.root();
    let (queue, bus) = if queue_first {
        let q = Queue::new(&root, "Jobs", QueueProps::default());
        (q, EventBus::new(&root, "Bus", EventBusProps::default()))
    } else {
        let b = EventBus::new(&root, "Bus", EventBusProps::default());
        (Queue::new(&root, "Jobs", QueueProps::default()), b)
    };
    service.add_output("JobsUrl", Output::new(queue.url()));
    service.root().add(
        "Mirror",
        CfnQueue {
            sqs_managed_sse_enabled: Some(true.into()),
            redrive_policy: Some(escdk_synth::Json::object([
                ("deadLetterTargetArn", escdk_synth::Json::from(queue.arn())),
                ("maxReceiveCount", escdk_synth::Json::from(3)),
            ])),
            ..Default::default()
        },
    );
    service.add_output("BusName", Output::new(bus.name()));
    app.synth(&[]).expect("the app synthesizes")
}

#[test]
fn a_handle_used_in_another_stack_becomes_an_export_and_an_import() {
    let all = two_stacks(false, true);
    // Dependency order, whatever the declaration order.
    let names: Vec<&str> = all.iter().map(|s| s.stack_name.as_str()).collect();
    assert_eq!(names, ["Shared", "Service"]);
    let shared = by_name(&all, "Shared");
    let service = by_name(&all, "Service");
    assert_eq!(service.dependencies, ["Shared"]);
    assert!(shared.dependencies.is_empty());

    let jobs = shared.template()["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::SQS::Queue")
        .map(|(id, _)| id.clone())
        .unwrap();
    let exports = shared.template()["Outputs"].as_object().unwrap();
    let url = &exports[&format!("Export{jobs}")];
    assert_eq!(url["Value"], json!({ "Ref": jobs }));
    assert_eq!(url["Export"]["Name"], format!("Shared:{jobs}"));
    let arn = &exports[&format!("Export{jobs}Arn")];
    assert_eq!(arn["Value"], json!({ "Fn::GetAtt": [jobs, "Arn"] }));
    assert_eq!(arn["Export"]["Name"], format!("Shared:{jobs}-Arn"));

    assert_eq!(
        service.template()["Outputs"]["JobsUrl"]["Value"],
        json!({ "Fn::ImportValue": format!("Shared:{jobs}") })
    );
    // cfn-lint's W6001, said at synth: an output that only repeats another stack's export.
    assert!(
        service
            .warnings
            .iter()
            .any(|w| w.path == "Service/Outputs/JobsUrl"
                && w.message
                    == "this output only repeats a value another stack of the app exports"),
        "{:?}",
        service.warnings
    );
    assert_eq!(
        service.template()["Resources"]["Mirror"]["Properties"]["RedrivePolicy"]
            ["deadLetterTargetArn"],
        json!({ "Fn::ImportValue": format!("Shared:{jobs}-Arn") })
    );
    // Every export name is within CloudFormation's limit and made of its allowed characters.
    for o in exports.values() {
        let n = o["Export"]["Name"].as_str().unwrap();
        assert!(n.len() <= 255);
        assert!(n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-'));
    }
}

#[test]
fn export_names_and_templates_are_stable_across_reorderings() {
    let reference = two_stacks(true, true);
    for (shared_first, queue_first) in [(false, false), (true, false), (false, true)] {
        let other = two_stacks(shared_first, queue_first);
        for name in ["Shared", "Service"] {
            assert_eq!(
                by_name(&reference, name).to_json(),
                by_name(&other, name).to_json(),
                "{name} changed when the code was reordered"
            );
        }
    }
}

#[test]
fn stacks_that_use_each_other_are_a_cycle_error_naming_both() {
    let mut app = App::new();
    let a = app.stack("Orders");
    let b = app.stack("Billing");
    let qa = Queue::new(&a.root(), "Jobs", QueueProps::default());
    let qb = Queue::new(&b.root(), "Invoices", QueueProps::default());
    a.add_output("InvoicesUrl", Output::new(qb.url()));
    b.add_output("JobsUrl", Output::new(qa.url()));
    let e = app.synth(&[]).unwrap_err().to_string();
    assert!(
        e.contains("stacks depend on each other in a cycle: `Orders` uses `Billing` (at Orders/Outputs/InvoicesUrl), `Billing` uses `Orders` (at Billing/Outputs/JobsUrl)"),
        "{e}"
    );
    assert!(
        e.contains("fix: move the shared resource into its own stack"),
        "{e}"
    );
}

#[test]
fn depends_on_a_resource_of_another_stack_orders_the_stacks() {
    let mut app = App::new();
    let later = app.stack("Later");
    let first = app.stack("First");
    let q = first.root().add("Q", CfnQueue::default());
    let r = later.root().add("R", CfnQueue::default());
    later.add_dependency(&r, &q);
    let all = app.synth(&[]).unwrap();
    assert_eq!(all[0].stack_name, "First");
    assert_eq!(by_name(&all, "Later").dependencies, ["First"]);
    // No DependsOn on a name the template does not have.
    assert!(by_name(&all, "Later").template()["Resources"]["R"]
        .get("DependsOn")
        .is_none());
}

#[test]
fn a_stack_synthesized_alone_refuses_another_stacks_handle() {
    let mut app = App::new();
    let a = app.stack("A");
    let b = app.stack("B");
    let q = a.root().add("Q", CfnQueue::default());
    b.add_output("Q", Output::new(q.reference()));
    assert!(app.synth(&[]).is_ok());
    let e = b.synth().unwrap_err().to_string();
    assert!(
        e.contains("refers to `Q` of another stack, which cannot be imported here"),
        "{e}"
    );
}

#[test]
fn a_named_stack_is_finished_with_what_it_depends_on_and_exports_what_the_others_import() {
    // Shared <- Service; Loose stands alone and fails a finishing check (an unencrypted
    // queue is an error of the rule pack, checked when a stack is finished).
    let build = || {
        let mut app = App::new();
        let shared = app.stack("Shared");
        let service = app.stack("Service");
        let loose = app.stack("Loose");
        let queue = Queue::new(&shared.root(), "Jobs", QueueProps::default());
        service.add_output("JobsUrl", Output::new(queue.url()));
        loose.root().add("Bare", CfnQueue::default());
        app
    };
    let rules = escdk_synth::rules::Mode::Default;
    // The producer alone still exports what Service imports: every stack is rendered.
    let shared = build()
        .synth_with_rules(&["Shared".to_string()], rules)
        .expect("Loose's error is not Shared's");
    assert_eq!(shared.len(), 1);
    let exports: Vec<&serde_json::Value> = shared[0].template()["Outputs"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|o| o.get("Export"))
        .collect();
    assert_eq!(exports.len(), 1, "{}", shared[0].template()["Outputs"]);
    // The consumer, with the stack it imports from finished too (returned: the named one).
    let service = build()
        .synth_with_rules(&["Service".to_string()], rules)
        .unwrap();
    assert_eq!(service.len(), 1);
    assert_eq!(service[0].dependencies, ["Shared"]);
    // Loose named, or every stack: its error is reported, with its path.
    for names in [vec!["Loose".to_string()], vec![]] {
        let err = build()
            .synth_with_rules(&names, rules)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Loose/Bare") && err.contains("ESCDK-SQS-ENCRYPTED"),
            "{err}"
        );
    }
    // A construct's error is an error of the app whichever stack is named.
    let mut app = build();
    let broken = app.stack("Broken");
    Queue::new(
        &broken.root(),
        "Late",
        QueueProps {
            visibility_timeout: escdk_synth::Duration::hours(13),
            ..QueueProps::default()
        },
    );
    let err = app
        .synth_with_rules(&["Shared".to_string()], rules)
        .unwrap_err()
        .to_string();
    assert!(err.contains("Broken/Late"), "{err}");
    assert!(!err.contains("Loose/Bare"), "{err}");
}

#[test]
fn stacks_added_as_dependencies_of_each_other_are_a_cycle_naming_how() {
    let mut app = App::new();
    let a = app.stack("A");
    let b = app.stack("B");
    a.root().add("Q", CfnQueue::default());
    b.root().add("Q", CfnQueue::default());
    a.add_stack_dependency(&b);
    b.add_stack_dependency(&a);
    let e = app.synth(&[]).unwrap_err().to_string();
    assert!(
        e.contains("stacks depend on each other in a cycle: `A` depends on `B` (Stack::add_stack_dependency), `B` depends on `A` (Stack::add_stack_dependency)"),
        "{e}"
    );
}

/// Producer and consumer in the environments given; the consumer outputs the queue's URL.
fn import_across(producer: Environment, consumer: Environment) -> Result<(), String> {
    let mut app = App::new();
    let a = app.stack_with(
        "Shared",
        StackProps {
            env: producer,
            ..StackProps::default()
        },
    );
    let b = app.stack_with(
        "Service",
        StackProps {
            env: consumer,
            ..StackProps::default()
        },
    );
    let q = Queue::new(&a.root(), "Jobs", QueueProps::default());
    b.add_output("JobsUrl", Output::new(q.url()));
    app.synth(&[]).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn an_import_across_accounts_or_regions_is_refused_naming_both_environments() {
    // CloudFormation reads an export only in the account and region that holds it: the
    // consumer's deploy would fail on an export it cannot see.
    let here = || Environment::new("111111111111", "eu-west-1");
    assert_eq!(import_across(here(), here()), Ok(()));
    assert_eq!(
        import_across(Environment::default(), Environment::default()),
        Ok(())
    );
    let cases = [
        (
            Environment::new("111111111111", "us-east-1"),
            "account 111111111111, region us-east-1 while this stack deploys to account 111111111111, region eu-west-1",
        ),
        (
            Environment::new("222222222222", "eu-west-1"),
            "account 222222222222, region eu-west-1 while this stack deploys to account 111111111111, region eu-west-1",
        ),
        (
            Environment::region("eu-west-1"),
            "region eu-west-1 of the deploying account while this stack deploys to account 111111111111, region eu-west-1",
        ),
        (
            Environment::default(),
            "the deploying credentials' account and region while this stack deploys to account 111111111111, region eu-west-1",
        ),
    ];
    for (producer, expected) in cases {
        let e = import_across(producer, here()).expect_err(expected);
        assert!(
            e.contains(
                "Service/Outputs/JobsUrl: uses `JobsA1AAC65E` of stack `Shared`, which deploys to "
            ) && e.contains(expected)
                && e.contains("fix: give both stacks the same StackProps::env"),
            "{e}"
        );
    }
}

#[test]
fn an_import_of_a_resource_with_a_condition_is_refused() {
    // When the condition is false, neither the resource nor the export exists.
    let mut app = App::new();
    let a = app.stack("Shared");
    let b = app.stack("Service");
    let prod = a.add_condition("IsProd", fns::equals(a.region(), "eu-west-1"));
    let q = Queue::new(&a.root(), "Jobs", QueueProps::default());
    a.update_options(&q.handle, |o| o.condition = Some(prod.clone()));
    b.add_output("JobsUrl", Output::new(q.url()));
    let e = app.synth(&[]).unwrap_err().to_string();
    assert!(
        e.contains("Service/Outputs/JobsUrl: uses `JobsA1AAC65E` of stack `Shared`, which exists only when its condition `IsProd` is true")
            && e.contains("fix: keep the resource unconditional, or use it only in stack `Shared`, under the same condition (`IsProd`)"),
        "{e}"
    );
}
