//! Each validation at synth, fed bad input: the exact message, naming the construct path,
//! the property and the fix; and nothing rendered.

use escdk_constructs::dynamodb::{Attribute, Billing, GlobalSecondaryIndex, Table, TableProps};
use escdk_constructs::events::{EventBus, EventBusProps, EventPattern, Rule, RuleProps};
use escdk_constructs::{EventStore, EventStoreProps, Function, FunctionProps};
use escdk_synth::cfn::dynamodb::{table, CfnTable};
use escdk_synth::cfn::events::CfnRule;
use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::{fns, App, Json, Output, Parameter, Stack};

fn errors(stack: &Stack) -> String {
    stack.synth().expect_err("synth must fail").to_string()
}

fn handlers() -> std::path::PathBuf {
    escdk_examples::recipe::handlers_dir()
}

#[test]
fn schema_violation_names_path_property_and_fix() {
    let stack = Stack::new("Bad");
    stack.root().child("Jobs").add(
        "Resource",
        CfnQueue {
            message_retention_period: Some(30.into()),
            ..Default::default()
        },
    );
    assert_eq!(
        errors(&stack),
        "error: Bad/Jobs/Resource (JobsA1AAC65E) Properties.MessageRetentionPeriod: 30 is below the minimum 60\n  \
         fix: use a value of at least 60\nsynth failed with 1 error(s); nothing was written"
    );
}

#[test]
fn nested_enum_violation_names_the_nested_property() {
    let stack = Stack::new("Bad");
    stack.root().add(
        "Events",
        CfnTable {
            stream_specification: Some(table::StreamSpecification::new("EVERYTHING")),
            ..CfnTable::new(vec![table::KeySchemaItem::new("Id", "HASH")])
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("error: Bad/Events (Events) Properties.StreamSpecification.StreamViewType: `EVERYTHING` is not an allowed value\n  fix: use one of: KEYS_ONLY, NEW_AND_OLD_IMAGES, NEW_IMAGE, OLD_IMAGE"),
        "{e}"
    );
}

#[test]
fn table_name_that_aws_refuses() {
    let stack = Stack::new("Bad");
    Table::new(
        &stack.root(),
        "Orders",
        TableProps {
            table_name: Some("my orders!".into()),
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("error: Bad/Orders/Resource (OrdersB3C962D7) Properties.TableName: `my orders!` contains ` `; DynamoDB table names allow only letters, digits, `_`, `-` and `.`\n  fix: rename it using only the allowed characters"),
        "{e}"
    );
    let stack = Stack::new("Bad");
    Table::new(
        &stack.root(),
        "Orders",
        TableProps {
            table_name: Some("ab".into()),
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    assert!(errors(&stack)
        .contains("`ab` is 2 characters long; DynamoDB table names are 3 to 255 characters"));
}

#[test]
fn function_name_and_bus_name_limits_come_from_the_schema() {
    let stack = Stack::new("Bad");
    EventBus::new(
        &stack.root(),
        "Bus",
        EventBusProps {
            name: Some("bus with spaces".into()),
            archive: None,
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(e.contains("Bad/Bus/Resource (Bus5100DEC1) Properties.Name: `bus with spaces` does not match the pattern `^[/\\.\\-_A-Za-z0-9]+$`"), "{e}");
}

#[test]
fn function_and_queue_names_that_aws_refuses() {
    use escdk_synth::cfn::lambda::{function, CfnFunction};
    let stack = Stack::new("Names");
    let root = stack.root();
    root.add(
        "Fn",
        CfnFunction {
            function_name: Some("x".repeat(65).into()),
            ..CfnFunction::new(
                function::Code {
                    zip_file: Some("pass".into()),
                    ..Default::default()
                },
                "arn:aws:iam::123456789012:role/r",
            )
        },
    );
    root.add(
        "Q",
        CfnQueue {
            queue_name: Some("jobs.fifo".into()),
            ..Default::default()
        },
    );
    root.add(
        "F",
        CfnQueue {
            queue_name: Some("jobs".into()),
            fifo_queue: Some(true.into()),
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(e.contains("error: Names/Fn (Fn) Properties.FunctionName: `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` does not match the pattern"), "{e}");
    assert!(e.contains("error: Names/Q (Q) Properties.QueueName: `jobs.fifo` ends in `.fifo`, which only a FIFO queue's name may\n  fix: make it a FIFO queue (FifoQueue: true), or drop the `.fifo` suffix"), "{e}");
    assert!(e.contains("error: Names/F (F) Properties.QueueName: `jobs` names a FIFO queue, which must end in `.fifo`\n  fix: add the `.fifo` suffix"), "{e}");
}

#[test]
fn duplicate_construct_id_names_the_path() {
    let stack = Stack::new("Dup");
    let root = stack.root();
    Table::new(
        &root,
        "Orders",
        TableProps::new(Attribute::string("Id"), None),
    );
    Table::new(
        &root,
        "Orders",
        TableProps::new(Attribute::string("Id"), None),
    );
    let e = errors(&stack);
    assert!(
        e.starts_with("error: Dup/Orders: duplicate construct id `Orders`: `Dup/Orders` is already taken by a construct\n  fix: give each construct under the same parent its own id"),
        "{e}"
    );
}

#[test]
fn logical_id_collision_names_both_paths() {
    let stack = Stack::new("Clash");
    let root = stack.root();
    // A top-level resource keeps its id; a nested one whose id happens to equal it clashes.
    let nested = root.child("A").add("B", CfnQueue::default());
    let lid = nested.logical_id().to_string();
    root.add(&lid, CfnQueue::default());
    let e = errors(&stack);
    assert!(
        e.contains(&format!(
            "logical ID `{lid}` of `Clash/{lid}` collides with `Clash/A/B`"
        )),
        "{e}"
    );
    assert!(e.contains("fix: rename one of the two constructs"));
}

#[test]
fn handle_of_a_stack_outside_the_app_is_refused() {
    let a = Stack::new("A");
    let queue = a.root().add("Jobs", CfnQueue::default());
    let b = Stack::new("B");
    b.add_output("JobsArn", Output::new(queue.attr_arn()));
    let e = errors(&b);
    assert!(
        e.contains("error: B/Outputs/JobsArn: refers to `Jobs` of another stack, which cannot be imported here"),
        "{e}"
    );

    let c = Stack::new("C");
    c.root().add(
        "Rule",
        CfnRule {
            schedule_expression: Some("rate(1 day)".into()),
            event_bus_name: Some(queue.attr_arn().into()),
            ..Default::default()
        },
    );
    assert!(errors(&c).contains(
        "error: C/Rule (Rule): refers to `Jobs` of another stack, which cannot be imported here"
    ));
}

#[test]
fn unknown_get_att_and_sub_variables_are_refused() {
    let stack = Stack::new("Refs");
    let queue = stack.root().add("Jobs", CfnQueue::default());
    stack.add_output("Bad", Output::new(queue.get_att("Colour")));
    stack.add_output(
        "Sub",
        Output::new(fns::sub("${Nope}-${Jobs.Arn}-${AWS::Region}-${!Literal}")),
    );
    let e = errors(&stack);
    assert!(e.contains("error: Refs/Outputs/Bad Value: `AWS::SQS::Queue` has no attribute `Colour` for `Fn::GetAtt`\n  fix: use one of: Arn,"), "{e}");
    assert!(e.contains("error: Refs/Outputs/Sub Value: `Ref` to `Nope`, which is not a resource, parameter or pseudo parameter of this stack"), "{e}");
    assert_eq!(e.matches("error:").count(), 2, "{e}");
}

#[test]
fn dependency_cycle_is_refused() {
    let stack = Stack::new("Cycle");
    let root = stack.root();
    let a = root.add("A", CfnQueue::default());
    let b = root.add(
        "B",
        CfnQueue {
            redrive_policy: Some(Json::object([("deadLetterTargetArn", a.attr_arn())])),
            ..Default::default()
        },
    );
    stack.add_dependency(&a, &b);
    let e = errors(&stack);
    assert!(
        e.contains("error: Cycle/A: resources depend on each other in a cycle: A -> B -> A"),
        "{e}"
    );
}

#[test]
fn event_pattern_that_can_never_match() {
    let stack = Stack::new("Never");
    let root = stack.root();
    let bus = EventBus::new(
        &root,
        "Bus",
        EventBusProps {
            archive: None,
            ..Default::default()
        },
    );
    Rule::new(
        &root,
        "Amounts",
        &bus,
        RuleProps {
            name: None,
            description: None,
            pattern: EventPattern {
                detail: Some(serde_json::json!({ "amount": 100 })),
                ..EventPattern::new(["shop"], Vec::<String>::new())
            },
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("error: Never/Amounts EventPattern: `detail.amount` is the scalar 100; EventBridge matches only lists, so the rule would never fire\n  fix: write it as [100]"),
        "{e}"
    );
}

#[test]
fn rule_without_pattern_or_schedule_is_refused() {
    let stack = Stack::new("Rules");
    stack.root().add("Idle", CfnRule::default());
    let e = errors(&stack);
    assert!(e.contains("error: Rules/Idle (Idle) Properties: at least one of EventPattern, ScheduleExpression must be set\n  fix: set EventPattern or ScheduleExpression"), "{e}");
}

#[test]
fn handler_module_must_exist_in_the_code_directory() {
    let stack = Stack::new("Code");
    Function::new(
        &stack.root(),
        "Fn",
        FunctionProps::new(handlers(), "commands.lambda_handler"),
    );
    let e = errors(&stack);
    assert!(e.contains("error: Code/Fn Handler: handler `commands.lambda_handler` needs `commands.py` in the code directory"), "{e}");
    assert!(
        e.contains("fix: fix the handler's module name or the code directory"),
        "{e}"
    );
}

#[test]
fn missing_code_directory_and_reserved_environment() {
    let stack = Stack::new("Code");
    let mut props = FunctionProps::new("/nonexistent/handler", "app.handler");
    props
        .environment
        .push(("AWS_REGION".into(), "eu-west-1".into()));
    Function::new(&stack.root(), "Fn", props);
    let e = errors(&stack);
    assert!(
        e.contains("error: Code/Fn Environment: `AWS_REGION` is reserved: Lambda sets it itself"),
        "{e}"
    );
    assert!(
        e.contains("error: Code/Fn: asset directory `/nonexistent/handler` cannot be read"),
        "{e}"
    );
}

#[test]
fn table_props_that_dynamodb_refuses() {
    let stack = Stack::new("Tables");
    let root = stack.root();
    let gsi = GlobalSecondaryIndex {
        capacity: Some((5, 5)),
        ..GlobalSecondaryIndex::new("ByType", Attribute::number("Id"), None)
    };
    Table::new(
        &root,
        "T",
        TableProps {
            global_secondary_indexes: vec![gsi],
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    let e = errors(&stack);
    assert!(e.contains("error: Tables/T AttributeDefinitions: attribute `Id` is declared as both S and N\n  fix: give the attribute one type in every key and index"), "{e}");
    assert!(
        e.contains("error: Tables/T GlobalSecondaryIndexes: index `ByType` has capacity but the table is on demand"),
        "{e}"
    );
    let stack = Stack::new("Tables");
    EventStore::new(
        &stack.root(),
        "Store",
        EventStoreProps {
            billing: Billing::Provisioned { read: 0, write: 5 },
            ..Default::default()
        },
    );
    assert!(errors(&stack).contains("error: Tables/Store/Table ProvisionedThroughput: provisioned capacity must be at least 1 read and 1 write unit (got 0/5)"));
    // An index name the construct refuses is reported once, not again by the schema's
    // length check of `GlobalSecondaryIndexes[0].IndexName`.
    let stack = Stack::new("Tables");
    Table::new(
        &stack.root(),
        "T",
        TableProps {
            global_secondary_indexes: vec![GlobalSecondaryIndex::new(
                "g",
                Attribute::string("K"),
                None,
            )],
            ..TableProps::new(Attribute::string("Id"), None)
        },
    );
    assert_eq!(
        errors(&stack),
        "error: Tables/T GlobalSecondaryIndexes: index name `g` must be 3 to 255 letters, digits, `_`, `-` or `.`\n  \
         fix: rename the index\nsynth failed with 1 error(s); nothing was written"
    );
}

#[test]
fn limits_are_checked_at_synth() {
    let stack = Stack::new("Big");
    for i in 0..501 {
        stack.root().add(&format!("Q{i}"), CfnQueue::default());
    }
    let e = errors(&stack);
    assert!(e.contains("error: Big: the template has 501 resources, more than CloudFormation's limit of 500\n  fix: split the system into several stacks"), "{e}");

    let stack = Stack::new("Params");
    for i in 0..201 {
        stack.add_parameter(&format!("P{i}"), Parameter::string());
    }
    assert!(errors(&stack)
        .contains("the template has 201 parameters, more than CloudFormation's limit of 200"));
}

#[test]
fn template_size_limits() {
    // About 60 KB: deployable only through S3, which synth notes (deploy does it).
    let stack = Stack::new("Wide");
    for i in 0..250 {
        stack.root().add(
            &format!("Q{i}"),
            CfnQueue {
                queue_name: Some(format!("queue-{i}-{}", "x".repeat(40)).into()),
                ..Default::default()
            },
        );
    }
    let out = stack.synth().expect("a large template still synthesizes");
    assert!(out.size() > 51_200);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(out.infos.len(), 1);
    assert!(out.infos[0].to_string().contains("more than the 51200 bytes CloudFormation accepts inline: deploy passes it through the bootstrap bucket"));

    // Over 1 MB: an error.
    let stack = Stack::new("Huge");
    let big = "x".repeat(1024);
    for i in 0..400 {
        stack.root().add(
            &format!("Q{i}"),
            CfnQueue {
                tags: Some(
                    vec![escdk_synth::cfn::sqs::queue::Tag::new("k", big.as_str()); 3].into(),
                ),
                ..Default::default()
            },
        );
    }
    assert!(errors(&stack)
        .contains("more than CloudFormation's limit of 1048576 bytes (1 MB), even through S3"));
}

#[test]
fn invalid_stack_names_and_duplicate_stacks() {
    let stack = Stack::new("1-bad_name");
    assert!(errors(&stack).starts_with("error: 1-bad_name: stack name `1-bad_name` is not valid"));
    let mut app = App::new();
    app.add_stack(Stack::new("Same"));
    app.add_stack(Stack::new("Same"));
    assert!(app
        .synth(&[])
        .unwrap_err()
        .to_string()
        .contains("two stacks are named `Same`"));
}

#[test]
fn bad_email_is_refused() {
    use escdk_constructs::sns::{Topic, TopicProps};
    let stack = Stack::new("Mail");
    Topic::new(
        &stack.root(),
        "Alarms",
        TopicProps {
            emails: vec!["ops at example.com".to_string()],
            ..TopicProps::new("cloudwatch.amazonaws.com")
        },
    );
    assert!(errors(&stack)
        .contains("error: Mail/Alarms Emails: `ops at example.com` is not an e-mail address"));
}

#[test]
fn duplicate_physical_names_are_refused() {
    let stack = Stack::new("Names");
    let root = stack.root();
    for id in ["A", "B"] {
        EventBus::new(
            &root,
            id,
            EventBusProps {
                name: Some("shared".into()),
                archive: None,
                ..Default::default()
            },
        );
    }
    let e = errors(&stack);
    assert!(
        e.contains("error: Names/B/Resource (BE3317870) Properties.Name: Name `shared` is already used by `Names/A/Resource`: CloudFormation would fail to create the second AWS::Events::EventBus"),
        "{e}"
    );
}

#[test]
fn several_recipes_in_one_stack_get_distinct_names() {
    let stack = Stack::new("Packed");
    for i in 0..3 {
        escdk_examples::recipe::build(&stack.root().child(&format!("Copy{i}")));
    }
    let out = stack
        .synth()
        .expect("three copies of the recipe fit in one stack");
    let json = out.to_json();
    assert!(
        json.contains("\"Packed-Copy0-EventBus\"") && json.contains("\"Packed-Copy2-EventBus\"")
    );
}

#[test]
fn vpc_cidrs_and_zones_that_cannot_work() {
    use escdk_constructs::ec2::{Vpc, VpcProps};
    let stack = Stack::new("Net");
    let root = stack.root();
    Vpc::new(
        &root,
        "A",
        VpcProps {
            cidr: "10.0.0.1/16".into(),
            ..Default::default()
        },
    );
    Vpc::new(
        &root,
        "B",
        VpcProps {
            cidr: "10.0.0.0/8".into(),
            ..Default::default()
        },
    );
    Vpc::new(
        &root,
        "C",
        VpcProps {
            zones: 0,
            ..Default::default()
        },
    );
    Vpc::new(
        &root,
        "D",
        VpcProps {
            cidr: "10.1.0.0/16".into(),
            must_not_overlap: vec!["10.1.128.0/17".into()],
            ..Default::default()
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains(
            "error: Net/A Cidr: `10.0.0.1/16` has host bits set: the block starts at 10.0.0.0/16"
        ),
        "{e}"
    );
    assert!(e.contains("error: Net/B Cidr: 10.0.0.0/8: a VPC block is /16 to /24\n  fix: choose a prefix from /16 to /24"), "{e}");
    assert!(
        e.contains("error: Net/C Zones: 0 availability zones: a VPC spans 1 to 6"),
        "{e}"
    );
    assert!(
        e.contains(
            "error: Net/D Cidr: 10.1.0.0/16 overlaps 10.1.128.0/17, a network it must not overlap"
        ),
        "{e}"
    );
}

#[test]
fn the_event_store_refuses_the_open_internet_unless_insisted_on() {
    use escdk_constructs::ec2::{Vpc, VpcProps};
    use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
    let build = |props: AuroraEventStoreProps, zones: u32| {
        let stack = Stack::new("Db");
        let root = stack.root();
        let vpc = Vpc::new(
            &root,
            "Net",
            VpcProps {
                zones,
                ..Default::default()
            },
        );
        AuroraEventStore::new(&root, "Store", &vpc, props);
        stack
    };
    let open = AuroraEventStoreProps {
        allowed_cidrs: vec!["0.0.0.0/0".into()],
        publicly_accessible: true,
        ..Default::default()
    };
    let e = errors(&build(open.clone(), 3));
    assert!(
        e.contains("error: Db/Store AllowedCidrs: 0.0.0.0/0 would let the whole internet reach the database\n  fix: list the streaming service's egress addresses instead; if you really mean every address, set allow_all_ipv4_addresses: true"),
        "{e}"
    );
    // Insisting by name: allowed, with a warning.
    let out = build(
        AuroraEventStoreProps {
            allow_all_ipv4_addresses: true,
            ..open
        },
        3,
    )
    .synth()
    .expect("allowed when insisted on");
    assert!(
        out.warnings.iter().any(|w| w
            .to_string()
            .contains("0.0.0.0/0 is a wide block (/0) on a publicly accessible database")),
        "{:?}",
        out.warnings
    );
    // A narrow list for an outside streaming service: fine.
    let ambar = AuroraEventStoreProps {
        allowed_cidrs: vec!["203.0.113.10/32".into()],
        publicly_accessible: true,
        ..Default::default()
    };
    let out = build(ambar, 3).synth().expect("valid");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert!(out.to_json().contains("\"CidrIp\": \"203.0.113.10/32\""));
    let e = errors(&build(
        AuroraEventStoreProps {
            names: escdk_constructs::aurora::SchemaNames {
                events_table: "Events; DROP".into(),
                ..Default::default()
            },
            ..Default::default()
        },
        3,
    ));
    assert!(
        e.contains(
            "error: Db/Store EventsTable: `Events; DROP` is not a plain PostgreSQL identifier"
        ),
        "{e}"
    );
    assert!(errors(&build(AuroraEventStoreProps::default(), 1))
        .contains("an Aurora subnet group needs subnets in at least 2"));
}

#[test]
fn function_memory_and_timeout_are_those_of_ordinary_functions() {
    use escdk_synth::{Duration, Size};
    let stack = Stack::new("Limits");
    Function::new(
        &stack.root(),
        "Fn",
        FunctionProps {
            memory: Size::mebibytes(10_241),
            timeout: Duration::seconds(901),
            ..FunctionProps::new(handlers(), "command_handler.lambda_handler")
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("error: Limits/Fn MemorySize: 10241 MiB is outside the allowed 128 to 10240 MiB\n  fix: give a size between 128 and 10240 MiB"),
        "{e}"
    );
    assert!(
        e.contains("error: Limits/Fn Timeout: 901 seconds is outside the allowed 1 to 900 seconds\n  fix: give a duration between 1 second and 15 minutes"),
        "{e}"
    );
    let ok = Stack::new("Limits");
    Function::new(
        &ok.root(),
        "Fn",
        FunctionProps {
            memory: Size::gibibytes(10),
            timeout: Duration::minutes(15),
            ..FunctionProps::new(handlers(), "command_handler.lambda_handler")
        },
    );
    assert!(ok.synth().is_ok());
}

#[test]
fn a_mistake_a_construct_reports_is_not_reported_again_by_the_schema_check() {
    use escdk_synth::Size;
    let stack = Stack::new("Twice");
    Function::new(
        &stack.root(),
        "Fn",
        FunctionProps {
            memory: Size::mebibytes(100),
            description: Some("d".repeat(257)),
            ..FunctionProps::new(handlers(), "command_handler.lambda_handler")
        },
    );
    // The construct reports the memory in the unit it was given in; the schema's check
    // of the rendered `MemorySize` ("100 is below the minimum 128") would say it again.
    // Another property of the same resource is still reported by the schema check.
    assert_eq!(
        errors(&stack),
        format!(
            "error: Twice/Fn MemorySize: 100 MiB is outside the allowed 128 to 10240 MiB\n  \
             fix: give a size between 128 and 10240 MiB\n\
             error: Twice/Fn/Resource (Fn82C5EEFC) Properties.Description: `{}` is 257 characters long, longer than the maximum 256\n  \
             fix: shorten it to at most 256 characters\n\
             synth failed with 2 error(s); nothing was written",
            "d".repeat(257)
        )
    );
}

#[test]
fn a_custom_bus_named_default_or_with_a_slash_is_refused_and_a_partner_bus_is_not() {
    let bus = |name: &str| {
        let stack = Stack::new("Buses");
        EventBus::new(
            &stack.root(),
            "Bus",
            EventBusProps {
                name: Some(name.into()),
                ..Default::default()
            },
        );
        stack
    };
    let e = errors(&bus("default"));
    assert!(
        e.contains("Properties.Name: a custom event bus cannot be named `default`"),
        "{e}"
    );
    let e = errors(&bus("orders/events"));
    assert!(
        e.contains("error: Buses/Bus/Resource (")
            && e.contains("Properties.Name: `orders/events` contains `/`, which only a partner event bus's name (its event source's) may\n  fix: leave the `/` out"),
        "{e}"
    );
    bus("orders.events_v2-1")
        .synth()
        .expect("letters, digits, `.`, `_` and `-` are a name");
    // A partner bus is named after its event source, `/` and all.
    let stack = Stack::new("Partner");
    stack.root().add(
        "Bus",
        escdk_synth::cfn::events::CfnEventBus {
            event_source_name: Some("aws.partner/example.com/123/orders".into()),
            ..escdk_synth::cfn::events::CfnEventBus::new("aws.partner/example.com/123/orders")
        },
    );
    stack
        .synth()
        .expect("a partner bus may have `/` in its name");
}

/// A stack with an encrypted queue `Q`, for the template-section checks below.
fn queue_stack() -> (Stack, escdk_synth::Handle<CfnQueue>) {
    let stack = Stack::new("Sections");
    let q = stack.root().add(
        "Q",
        CfnQueue {
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    );
    (stack, q)
}

#[test]
fn intrinsic_functions_with_arguments_cloudformation_refuses() {
    use escdk_synth::{Expr, Pseudo};
    let one = || Json::from(vec![Json::from("a")]);
    let cases: Vec<(Expr, &str)> = vec![
        (
            fns::select(1, one()),
            "error: Sections/Outputs/O Value: `Fn::Select` index 1 is past the end of its list of 1\n  fix: pick an index below the list's length",
        ),
        (
            fns::join(",", "a,b"),
            "error: Sections/Outputs/O Value: `Fn::Join` joins a list; its second argument is not one",
        ),
        (
            fns::select(0, fns::cidr("10.0.0.0/24", 4, 8)),
            "error: Sections/Outputs/O Value.Fn::Select: `Fn::Cidr` cannot cut 4 blocks of 8 host bits from a /24",
        ),
        (
            fns::select(0, fns::get_azs("eu-west")),
            "error: Sections/Outputs/O Value.Fn::Select: `Fn::GetAZs` of `eu-west`, which is not a region",
        ),
        (
            fns::sub_with("${A}", [("A", fns::get_azs(Pseudo::Region))]),
            "error: Sections/Outputs/O Value: `Fn::Sub` variable `A` is a list or an object; it substitutes strings",
        ),
        (
            fns::equals("a", "b"),
            "error: Sections/Outputs/O Value: `Fn::Equals` is a condition function: CloudFormation takes it only in the Conditions section",
        ),
        (
            fns::get_azs(Pseudo::Region),
            "error: Sections/Outputs/O: an output's value must be a string; this is a list or an object",
        ),
        (
            fns::import_value(Expr::from(Pseudo::Region)),
            "",
        ),
    ];
    for (value, expected) in cases {
        let (stack, _) = queue_stack();
        stack.add_output("O", Output::new(value));
        match stack.synth() {
            Ok(_) => assert!(expected.is_empty(), "accepted; expected {expected}"),
            Err(e) => assert!(
                !expected.is_empty() && e.to_string().contains(expected),
                "{e}\nexpected: {expected}"
            ),
        }
    }
    // An import is resolved before resources exist: it cannot name one.
    let (stack, q) = queue_stack();
    stack.add_output("O", Output::new(fns::import_value(q.attr_arn())));
    assert!(errors(&stack).contains(
        "error: Sections/Outputs/O Value: `Fn::ImportValue` reads resource `Q`: an import is resolved before any resource exists"
    ));
}

#[test]
fn conditions_mappings_and_parameters_cloudformation_refuses() {
    let (stack, q) = queue_stack();
    let region = stack.add_condition("InIreland", fns::equals(stack.region(), "eu-west-1"));
    let both = stack.add_condition("Both", fns::and([region.expr()]));
    stack.update_options(&q, |o| o.condition = Some(both.clone()));
    assert!(errors(&stack)
        .contains("error: Sections/Conditions/Both: `Fn::And` takes [2 to 10 conditions]"));

    let (stack, _) = queue_stack();
    stack.add_mapping("Sizes", Json::object([("small", Json::from("1"))]));
    stack.add_output("O", Output::new(fns::find_in_map("Sizes", "small", "cpu")));
    assert!(errors(&stack).contains(
        "error: Sections/Mappings/Sizes: mapping key `small` must hold an object of 1 to 200 named values"
    ));

    let (stack, _) = queue_stack();
    stack.add_mapping(
        "Sizes",
        Json::object([("small", Json::object([("cpu", Json::from("256"))]))]),
    );
    stack.add_output("O", Output::new(fns::find_in_map("Sizes", "large", "cpu")));
    assert!(errors(&stack).contains(
        "error: Sections/Outputs/O Value: `Fn::FindInMap` on `Sizes` with key `large`, which the mapping lacks\n  fix: use one of its keys: small"
    ));

    let (stack, _) = queue_stack();
    let mut secret = Parameter::string();
    secret.no_echo = true;
    let secret = stack.add_parameter("DbPassword", secret);
    stack.add_output("Leak", Output::new(secret.reference()));
    assert!(errors(&stack).contains(
        "error: Sections/Outputs/Leak Value: the output shows parameter `DbPassword`, which is `NoEcho`"
    ));

    let (stack, _) = queue_stack();
    let subnets = stack.add_parameter("Subnets", Parameter::of_kind("List<AWS::EC2::Subnet::Id>"));
    let _ = subnets;
    stack.add_output("O", Output::new(fns::sub("subnets: ${Subnets}")));
    assert!(errors(&stack).contains(
        "error: Sections/Outputs/O Value: `Fn::Sub` substitutes `${Subnets}`, a list parameter"
    ));

    let (stack, _) = queue_stack();
    let mut size = Parameter::number();
    size.default = Some("large".into());
    size.min_value = Some(10.0);
    size.max_value = Some(1.0);
    let size = stack.add_parameter("Size", size);
    stack.add_output("O", Output::new(size.reference()));
    let e = errors(&stack);
    assert!(
        e.contains("error: Sections/Parameters/Size Default: the default `large` is not a Number")
            && e.contains("error: Sections/Parameters/Size MinValue: MinValue 10 is above MaxValue 1: no value is accepted"),
        "{e}"
    );
}

#[test]
fn what_is_declared_and_never_used_is_a_warning() {
    let (stack, _) = queue_stack();
    stack.add_parameter("Unused", Parameter::string());
    stack.add_condition("Never", fns::equals(stack.region(), "eu-west-1"));
    stack.add_mapping(
        "Idle",
        Json::object([("a", Json::object([("b", Json::from("c"))]))]),
    );
    let s = stack.synth().expect("warnings only");
    let warnings: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    for expected in [
        "warning: Sections/Parameters/Unused: parameter `Unused` is declared but nothing uses it",
        "warning: Sections/Conditions/Never: condition `Never` is declared but nothing uses it",
        "warning: Sections/Mappings/Idle: mapping `Idle` is declared but nothing uses it",
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(expected)),
            "{warnings:?}"
        );
    }
}

#[test]
fn an_export_name_used_twice_in_one_environment_is_refused() {
    let (stack, q) = queue_stack();
    stack.add_output("Url", Output::new(q.reference()).export("shared-queue"));
    stack.add_output("Arn", Output::new(q.attr_arn()).export("shared-queue"));
    assert!(errors(&stack).contains(
        "error: Sections/Outputs/Url: exports `shared-queue`, as Sections/Outputs/Arn does"
    ));
    // Across the stacks of an app too.
    let mut app = App::new();
    for name in ["First", "Second"] {
        let s = app.stack(name);
        let q = s.root().add(
            "Q",
            CfnQueue {
                sqs_managed_sse_enabled: Some(true.into()),
                ..Default::default()
            },
        );
        s.add_output("Url", Output::new(q.reference()).export("shared-queue"));
    }
    let e = app.synth(&[]).unwrap_err().to_string();
    assert!(
        e.contains("error: Second/Outputs/Url: exports `shared-queue`, as First/Outputs/Url does"),
        "{e}"
    );
}

#[test]
fn removal_policies_the_resource_type_does_not_take() {
    use escdk_synth::Policy;
    let (stack, q) = queue_stack();
    stack.set_removal_policy(&q, Policy::Snapshot);
    assert!(errors(&stack)
        .contains("error: Sections/Q (Q) DeletionPolicy: `AWS::SQS::Queue` cannot be snapshotted"));
    let (stack, q) = queue_stack();
    stack.update_options(&q, |o| {
        o.deletion_policy = Some(Policy::Retain);
        o.update_replace_policy = Some(Policy::RetainExceptOnCreate);
    });
    assert!(errors(&stack).contains(
        "error: Sections/Q (Q) UpdateReplacePolicy: `RetainExceptOnCreate` is a DeletionPolicy only"
    ));
    let (stack, q) = queue_stack();
    stack.update_options(&q, |o| o.deletion_policy = Some(Policy::Retain));
    let s = stack.synth().expect("a warning only");
    assert!(
        s.warnings.iter().any(|w| w.to_string().starts_with(
            "warning: Sections/Q (Q) UpdateReplacePolicy: the resource is kept on delete but not on replacement"
        )),
        "{:?}",
        s.warnings
    );
}
