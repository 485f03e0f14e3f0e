//! The real `escdk-deploy` binary against moto's server (a real HTTP endpoint speaking the
//! CloudFormation and S3 protocols), started on 127.0.0.1 for each test and stopped after.
//! Only 127.0.0.1 is contacted. moto_server comes from the venv the test command installs
//! (target/venv), or from $MOTO_SERVER.

mod moto;

use escdk_constructs::events::{EventBus, EventBusProps};
use escdk_synth::{App, Stack};
use moto::{assembly, boto3, deploy, moto, run, Moto, TempDir};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What exists in the stand-in, listed with boto3 (a real client, not ours).
fn listed(moto: &Moto, what: &str) -> String {
    let script = match what {
        "tables" => "print(sorted(c('dynamodb').list_tables()['TableNames']))",
        "functions" => "print(sorted(f['FunctionName'] for f in c('lambda').list_functions()['Functions']))",
        "queues" => "print(c('sqs').list_queues().get('QueueUrls', []))",
        "stacks" => "print(sorted((s['StackName'], s['StackStatus']) for s in c('cloudformation').list_stacks()['StackSummaries']))",
        "objects" => "print(sorted(o['Key'] for b in c('s3').list_buckets()['Buckets'] for o in c('s3').list_objects_v2(Bucket=b['Name']).get('Contents', [])))",
        other => panic!("{other}"),
    };
    boto3(moto, script)
}

fn recipe_app(query_memory: Option<u32>) -> App {
    let mut app = App::new();
    let stack = escdk_examples::recipe::stack("EventSourcingRecipe");
    if let Some(mb) = query_memory {
        // Change one property of a synthesized resource through the escape hatch.
        let handle = stack_handle(&stack);
        stack.add_property_override(&handle, "MemorySize", mb);
    }
    app.add_stack(stack);
    app
}

fn stack_handle(stack: &Stack) -> escdk_synth::Handle<escdk_synth::cfn::lambda::CfnFunction> {
    stack
        .handle_of(&["Handlers", "Query", "Resource"])
        .expect("the query function exists")
}

#[test]
fn bootstrap_deploy_redeploy_update_diff_destroy() {
    let moto = moto("workflow");
    let dir = TempDir::new("workflow-assembly");
    assembly(&dir.0, &recipe_app(None));

    // Deploy before bootstrap: told what to do.
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.err
            .contains("the bootstrap stack `EscdkBootstrap` does not exist")
            && r.err.contains("cargo run -- bootstrap"),
        "{}",
        r.err
    );

    let r = run(&moto, &dir.0, &["bootstrap"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("EscdkBootstrap: CREATE_COMPLETE"));

    // First deploy: the asset is uploaded, the stack created with its resources. (moto
    // accepts the alarm topic's AWS::SNS::TopicPolicy and ignores it; the template
    // assertions and the schema oracle check it.)
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("uploaded") && r.out.contains("EventSourcingRecipe: 33 change(s)"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains(
            "  + AWS::DynamoDB::Table             EventSourcingRecipe/EventStore/Table/Resource"
        ),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("EventSourcingRecipe: CREATE_COMPLETE"),
        "{}",
        r.out
    );
    let tables = listed(&moto, "tables");
    assert!(
        tables.contains("EventStoreTable") && tables.contains("ReadModelTable"),
        "{tables}"
    );
    let functions = listed(&moto, "functions");
    assert!(
        functions.contains("HandlersCommand") && functions.contains("HandlersQuery"),
        "{functions}"
    );
    assert!(listed(&moto, "queues").contains("DeadLetterQueue"));
    assert!(listed(&moto, "objects").contains("assets/"));

    // Again, unchanged: the stack holds this template, so deploy asks CloudFormation for
    // the template and the stack's state and nothing else: no change set, no bucket or
    // asset look-up, nothing uploaded, nothing executed.
    let r = deploy(&moto, &dir.0, &[]);
    assert_no_op(&r, "EventSourcingRecipe");
    assert!(!r.out.contains("s3://"), "{}", r.out);
    // --force goes through a change set all the same (the assets looked up, found there).
    let r = deploy(&moto, &dir.0, &["--force"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("already in s3://")
            && r.out
                .contains("EventSourcingRecipe: no changes (nothing executed)"),
        "{}",
        r.out
    );
    assert!(r.err.contains(" 0 bytes uploaded"), "{}", r.err);

    // One property changed: diff shows it, deploy updates.
    let changed = TempDir::new("workflow-changed");
    assembly(&changed.0, &recipe_app(Some(512)));
    let r = run(&moto, &changed.0, &["diff"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("[~] AWS::Lambda::Function")
            && r.out.contains("~ Properties.MemorySize: 256 -> 512"),
        "{}",
        r.out
    );
    let r = deploy(&moto, &changed.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("1 change(s)") && r.out.contains("  ~ AWS::Lambda::Function"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("EventSourcingRecipe: UPDATE_COMPLETE"),
        "{}",
        r.out
    );
    assert!(run(&moto, &changed.0, &["diff"])
        .out
        .contains("no differences"));

    // Destroy: asks first (no terminal here, so it refuses), then with --force.
    let r = run(&moto, &changed.0, &["destroy"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("pass --force"), "{}", r.err);
    let r = run(&moto, &changed.0, &["destroy", "--force"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("EventSourcingRecipe: deleted")
            && r.out
                .contains("kept (DeletionPolicy), still in your account"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("EventSourcingRecipe/EventStore/Table/Resource, RetainExceptOnCreate)\n      to remove it: aws dynamodb update-table --table-name EventSourcingRecipe-EventStoreTable"),
        "{}",
        r.out
    );
    let stacks = listed(&moto, "stacks");
    assert!(
        stacks.contains("('EventSourcingRecipe', 'DELETE_COMPLETE')"),
        "{stacks}"
    );
}

#[test]
fn changes_that_need_approval_are_not_executed_without_it() {
    let moto = moto("approval");
    let dir = TempDir::new("approval-assembly");
    assembly(&dir.0, &recipe_app(None));
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    let r = run(&moto, &dir.0, &["deploy"]);
    assert_eq!(r.code, 1);
    assert!(
        r.out.contains("these changes need approval:") && r.out.contains("add AWS::IAM::Role"),
        "{}",
        r.out
    );
    assert!(r.err.contains("--require-approval never"), "{}", r.err);
    // Nothing was created, and the empty review stack was cleaned up.
    assert!(!listed(&moto, "tables").contains("EventStoreTable"));
    assert!(!listed(&moto, "stacks").contains("REVIEW_IN_PROGRESS"));
}

#[test]
fn a_failing_create_exits_non_zero_with_the_reason() {
    let moto = moto("failing");
    let dir = TempDir::new("failing-assembly");
    let mut app = App::new();
    for name in ["First", "Second"] {
        let stack = Stack::new(name);
        // Both stacks want a bus with the same name: the second create must fail.
        EventBus::new(
            &stack.root(),
            "Bus",
            EventBusProps {
                name: Some("shared-bus".into()),
                archive: None,
                ..Default::default()
            },
        );
        app.add_stack(stack);
    }
    assembly(&dir.0, &app);
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    assert_eq!(deploy(&moto, &dir.0, &["First"]).code, 0);
    let r = deploy(&moto, &dir.0, &["Second"]);
    assert_ne!(r.code, 0);
    assert!(
        r.err.starts_with("error: ")
            && r.err.contains("shared-bus")
            && r.err.contains("already exists"),
        "{}",
        r.err
    );
}

#[test]
fn a_large_template_goes_through_the_bucket() {
    let moto = moto("large");
    let dir = TempDir::new("large-assembly");
    let stack = Stack::new("Large");
    for i in 0..3 {
        escdk_examples::recipe::build(&stack.root().child(&format!("Copy{i}")));
    }
    let mut app = App::new();
    app.add_stack(stack);
    assembly(&dir.0, &app);
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .contains("over the 51200-byte inline limit: passed through s3://"),
        "{}",
        r.out
    );
    assert!(r.out.contains("Large: CREATE_COMPLETE"), "{}", r.out);
    assert!(listed(&moto, "objects").contains("templates/Large-"));
}

#[test]
fn the_apps_deploy_verb_synthesizes_then_runs_this_tool() {
    // `cargo run -- deploy` as a user runs it: the default app's binary, next to this one.
    let tool = PathBuf::from(env!("CARGO_BIN_EXE_escdk-deploy"));
    let app = tool.with_file_name(format!("escdk{}", std::env::consts::EXE_SUFFIX));
    assert!(
        app.exists(),
        "{} is missing: run the workspace's tests (cargo test --workspace builds it)",
        app.display()
    );
    let moto = moto("app-verbs");
    let cwd = TempDir::new("app-verbs-cwd");
    let app_run = |args: &[&str]| {
        let out = Command::new(&app)
            .args(args)
            .current_dir(&cwd.0)
            .env("AWS_ENDPOINT_URL", &moto.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env_remove("ESCDK_DEPLOY")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("$ escdk {}\n{text}", args.join(" "));
        (out.status.code().unwrap_or(-1), text)
    };
    let (code, text) = app_run(&["bootstrap", "--poll-seconds", "0.1"]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = app_run(&[
        "deploy",
        "CqrsUsersOrders",
        "--require-approval",
        "never",
        "--poll-seconds",
        "0.1",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("CqrsUsersOrders: CREATE_COMPLETE"), "{text}");
    // The app's stack tags reached CloudFormation (read with boto3, not our client).
    let tags = boto3(
        &moto,
        "print(c('cloudformation').describe_stacks(StackName='CqrsUsersOrders')['Stacks'][0].get('Tags'))",
    );
    assert!(
        tags.contains("'Key': 'project', 'Value': 'cqrs-users-orders'"),
        "{tags}"
    );
    assert!(
        cwd.0
            .join("escdk.out/CqrsUsersOrders.template.json")
            .is_file(),
        "the app synthesized first"
    );
    let (code, text) = app_run(&["diff", "CqrsUsersOrders"]);
    assert_eq!((code, text.contains("no differences")), (0, true), "{text}");
    let (code, text) = app_run(&[
        "destroy",
        "CqrsUsersOrders",
        "--force",
        "--poll-seconds",
        "0.1",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("CqrsUsersOrders: deleted"), "{text}");
}

/// A shared stack with a queue; a service stack (declared first) that reads the queue's
/// ARN when `uses_shared`.
///
/// moto registers no exports for stacks created through change sets (which deploy always
/// uses), so an import in a resource property fails there at create. The service imports
/// in an output, which moto stores without resolving: the templates are real, and the test
/// reads what deploy did (its order, and the templates moto holds) rather than relying on
/// moto to enforce exports. On AWS the same sequence is what keeps the update of `Shared`
/// from being refused ("Export ... cannot be deleted as it is in use by Service").
fn shared_and_service(uses_shared: bool, service_first: bool) -> App {
    use escdk_constructs::sqs::{Queue, QueueProps};
    use escdk_synth::cfn::sqs::CfnQueue;
    let mut app = App::new();
    let (service, shared) = if service_first {
        let service = app.stack("Service");
        (service, app.stack("Shared"))
    } else {
        let shared = app.stack("Shared");
        (app.stack("Service"), shared)
    };
    let dlq = Queue::new(&shared.root(), "DeadLetters", QueueProps::default());
    service.root().add(
        "Work",
        CfnQueue {
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    );
    if uses_shared {
        service.add_output("DeadLettersArn", escdk_synth::Output::new(dlq.arn()));
    }
    app
}

/// The outputs of a deployed stack's template, as moto holds it (read with boto3).
fn deployed_outputs(moto: &Moto, stack: &str) -> String {
    boto3(
        moto,
        &format!(
            "b = c('cloudformation').get_template(StackName='{stack}')['TemplateBody']\nb = b if isinstance(b, dict) else json.loads(b)\nprint(json.dumps(b.get('Outputs', {{}}), sort_keys=True))"
        ),
    )
}

#[test]
fn cross_stack_references_deploy_in_order_and_an_export_still_imported_is_kept() {
    let moto = moto("xstack");
    let dir = TempDir::new("xstack-assembly");
    assembly(&dir.0, &shared_and_service(true, true));
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);

    // The producer is deployed first although the app declares it second.
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let shared_at = r.out.find("deploying Shared").expect("Shared deployed");
    let service_at = r.out.find("deploying Service").expect("Service deployed");
    assert!(shared_at < service_at, "{}", r.out);
    assert!(deployed_outputs(&moto, "Shared").contains("\"Name\": \"Shared:DeadLetters"));
    assert!(deployed_outputs(&moto, "Service").contains("Fn::ImportValue"));

    // Naming only the consumer deploys its producer too.
    let r = deploy(&moto, &dir.0, &["Service"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(r.out.contains("deploying Shared"), "{}", r.out);

    // Service stops using the queue: Shared's new template drops the export, which the
    // deployed Service still imports. Deploying Shared alone (the CDK's deadly embrace)
    // keeps the export, and says what to do.
    assembly(&dir.0, &shared_and_service(false, true));
    let d = run(&moto, &dir.0, &["diff", "Shared"]);
    assert!(
        d.out.contains(
            "is still imported by Service: deploy keeps it until they no longer import it"
        ),
        "{}",
        d.out
    );
    let r = deploy(&moto, &dir.0, &["Shared"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(
        r.out.contains("Shared: keeping export Shared:DeadLetters")
            && r.out.contains("is still imported by Service: kept; deploy Shared again once they stop importing it"),
        "{}",
        r.out
    );
    assert!(deployed_outputs(&moto, "Shared").contains("Shared:DeadLetters"));
    // The whole app: Service (no longer a consumer) drops its import, then Shared its export.
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(!deployed_outputs(&moto, "Shared").contains("Shared:DeadLetters"));
    assert!(!deployed_outputs(&moto, "Service").contains("Fn::ImportValue"));

    // Again, with Shared first in the app: in one run the export is kept while Service is
    // updated, then removed.
    assembly(&dir.0, &shared_and_service(true, false));
    assert_eq!(deploy(&moto, &dir.0, &[]).code, 0);
    assert!(deployed_outputs(&moto, "Service").contains("Fn::ImportValue"));
    assembly(&dir.0, &shared_and_service(false, false));
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let kept = r
        .out
        .find("Shared: keeping export Shared:DeadLetters")
        .expect("the export is kept while Service imports it");
    let service_at = r.out.find("deploying Service").expect("Service deployed");
    let removed = r
        .out
        .find("Shared: no stack imports the kept exports any more: removing them")
        .expect("the export is removed once Service no longer imports it");
    assert!(kept < service_at && service_at < removed, "{}", r.out);
    assert!(!deployed_outputs(&moto, "Shared").contains("Shared:DeadLetters"));
    assert!(!deployed_outputs(&moto, "Service").contains("Fn::ImportValue"));

    // A second deploy has nothing to keep.
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(!r.out.contains("keeping export"), "{}", r.out);

    // Destroy: the consumer goes first.
    let r = run(&moto, &dir.0, &["destroy", "--force"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let service_gone = r.out.find("Service").unwrap_or(usize::MAX);
    let shared_gone = r.out.find("Shared").unwrap_or(0);
    assert!(service_gone < shared_gone, "{}", r.out);
}

/// Blob storage with a long-lived key, and the alert topic, deploy: moto creates the bucket,
/// the user, its access key and the topic. moto drops a user's inline `Policies` and ignores
/// AWS::SNS::Subscription and AWS::SecretsManager::Secret (so the key's copy in a secret, a `Fn::Sub` of the
/// key's `Ref` and `SecretAccessKey` attribute, is asserted in
/// `tests/storage_email_alerts.rs`), the bucket's versioning and lifecycle and the topic
/// policy, which that test asserts too.
#[test]
fn blob_storage_with_an_access_key_and_alerts_deploy() {
    use escdk_constructs::alerts::{PlatformAlerts, PlatformAlertsProps};
    use escdk_constructs::s3::{BlobStore, BlobStoreProps, Credentials};
    use escdk_constructs::RemovalPolicy;

    let moto = moto("storage");
    let dir = TempDir::new("storage-assembly");
    let mut app = App::new();
    let stack = app.stack("Storage");
    BlobStore::new(
        &stack.root(),
        "Blobs",
        BlobStoreProps {
            credentials: Credentials::AccessKey { serial: 1 },
            removal_policy: RemovalPolicy::Destroy,
            ..Default::default()
        },
    );
    PlatformAlerts::new(
        &stack.root(),
        "Alerts",
        PlatformAlertsProps {
            emails: vec!["ops@example.com".into()],
        },
    );
    assembly(&dir.0, &app);
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("Storage: CREATE_COMPLETE"), "{}", r.out);

    // The user has exactly the key the stack made.
    let found = boto3(
        &moto,
        "iam = c('iam')\n\
         (user,) = [u['UserName'] for u in iam.list_users()['Users'] if 'Blobs' in u['UserName']]\n\
         print(len(iam.list_access_keys(UserName=user)['AccessKeyMetadata']))\n\
         names = [b['Name'] for b in c('s3').list_buckets()['Buckets'] if 'blobs' in b['Name']]\n\
         print(len([n for n in names if 'accesslogs' not in n]), len([n for n in names if 'accesslogs' in n]))\n\
         print(len(c('sns').list_topics()['Topics']))",
    );
    // The user's one key; the blob bucket and the bucket of its access logs; the topic.
    assert_eq!(found, "1\n1 1\n1\n");
}

#[test]
fn services_registries_and_load_balancers_deploy() {
    use escdk_constructs::ec2::{Vpc, VpcProps};
    use escdk_constructs::ecr::{Repository, RepositoryProps};
    use escdk_constructs::ecs::{Cluster, ContainerImage, FargateService, FargateServiceProps};
    use escdk_constructs::ecs_patterns::{
        ApplicationLoadBalancedService, ApplicationLoadBalancedServiceProps,
    };
    use escdk_constructs::github::{GithubActionsRole, GithubActionsRoleProps, GithubOidcProvider};
    use escdk_constructs::route53::HostedZone;
    use escdk_constructs::RemovalPolicy;

    let moto = moto("services");
    // The user's zone exists before the stack, as on AWS.
    let zone_id = boto3(
        &moto,
        "z = c('route53').create_hosted_zone(Name='example.com', CallerReference='e2e')\n\
         print(c('acm').request_certificate(DomainName='example.com', SubjectAlternativeNames=['www.example.com', 'api.example.com'], ValidationMethod='DNS')['CertificateArn'])\n\
         c('iam').create_open_id_connect_provider(Url='https://token.actions.githubusercontent.com', ClientIDList=['sts.amazonaws.com'])\n\
         print(z['HostedZone']['Id'].split('/')[-1])",
    );
    // moto's zone ids do not start with `Z` as Route 53's do, and synth refuses such an
    // id: the stack is synthesized with a well-formed id, which the test then swaps for
    // moto's in the written template (the template is otherwise deployed as synthesized).
    let (certificate, zone_id) = zone_id.trim().split_once('\n').unwrap();
    const SYNTH_ZONE: &str = "Z0E2E00000000000TEST";
    let dir = TempDir::new("services-assembly");
    let mut app = App::new();
    let stack = app.stack("Services");
    let root = stack.root();
    let vpc = Vpc::new(&root, "Vpc", VpcProps::default());
    let cluster = Cluster::new(&root, "Cluster");
    let zone = HostedZone::from_attributes(&root, SYNTH_ZONE, "example.com");
    // The account's provider, imported as the platform does (moto ignores
    // AWS::IAM::OIDCProvider in templates: `GithubOidcProvider::new` is checked at synth).
    let provider = GithubOidcProvider::import(&root);
    let mut services = Vec::new();
    for (id, port) in [("Backend", 3000), ("Frontend", 8080)] {
        let repo = Repository::new(
            &root,
            &format!("{id}Repo"),
            RepositoryProps {
                removal_policy: RemovalPolicy::Destroy,
                ..RepositoryProps::named(&format!("e2e-{}", id.to_lowercase()))
            },
        );
        let ci = GithubActionsRole::new(
            &root,
            &format!("{id}Ci"),
            &provider,
            GithubActionsRoleProps::branch("myorg", id, "main"),
        );
        repo.grant_pull_push(&ci);
        let props = FargateServiceProps {
            log_removal_policy: RemovalPolicy::Destroy,
            ..FargateServiceProps::new(ContainerImage::from_repository(&repo, "v1"), port)
        };
        services.push((props, ci));
    }
    let (frontend_props, _) = services.pop().unwrap();
    let (backend_props, _) = services.pop().unwrap();
    // moto's CloudFormation makes every load balancer an application one (it ignores
    // `Type`), so a network load balancer's TLS listener cannot be created there: the
    // backend runs here as a plain Fargate service, and `NetworkLoadBalancedService` is
    // checked at synth (tests/ecs_services.rs, the platform's snapshot and cfn-lint).
    FargateService::new(&root, "Backend", &cluster, &vpc, backend_props);
    let frontend = ApplicationLoadBalancedService::new(
        &root,
        "Frontend",
        &cluster,
        &vpc,
        ApplicationLoadBalancedServiceProps {
            additional_domains: vec!["www.example.com".into()],
            ..ApplicationLoadBalancedServiceProps::new(frontend_props, zone, "example.com")
        },
    );
    frontend.service.add_environment(vec![(
        "API_ADDRESS".into(),
        escdk_constructs::env::EnvValue::Value("https://api.example.com".into()),
    )]);
    assembly(&dir.0, &app);
    let template = dir.0.join("Services.template.json");
    let text = std::fs::read_to_string(&template).unwrap();
    assert!(text.contains(SYNTH_ZONE));
    // moto has no ACM in CloudFormation (a `Ref` to a certificate resolves to nothing and
    // its listener fails): the certificates are taken out and the listeners given the one
    // requested from moto's ACM above. The certificates themselves are asserted at synth.
    let mut t: serde_json::Value =
        serde_json::from_str(&text.replace(SYNTH_ZONE, zone_id)).unwrap();
    let resources = t["Resources"].as_object_mut().unwrap();
    let certificates: Vec<String> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CertificateManager::Certificate")
        .map(|(lid, _)| lid.clone())
        .collect();
    assert_eq!(certificates.len(), 1);
    for lid in &certificates {
        resources.remove(lid);
    }
    fn swap(v: &mut serde_json::Value, refs: &[String], arn: &str) {
        match v {
            serde_json::Value::Object(m) => {
                if m.len() == 1
                    && m.get("Ref")
                        .and_then(|r| r.as_str())
                        .is_some_and(|r| refs.iter().any(|l| l == r))
                {
                    *v = serde_json::Value::from(arn);
                } else {
                    m.values_mut().for_each(|x| swap(x, refs, arn));
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| swap(x, refs, arn)),
            _ => {}
        }
    }
    swap(&mut t, &certificates, certificate);
    let text = serde_json::to_string_pretty(&t).unwrap();
    assert!(!certificates.iter().any(|lid| text.contains(lid.as_str())));
    std::fs::write(&template, text).unwrap();
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("Services: CREATE_COMPLETE"), "{}", r.out);

    // What moto models, read back with boto3. moto ignores (creates nothing for, and does
    // not check) ACM certificates, OIDC providers and alarms, and does not run tasks; from
    // services and task definitions it drops the launch type, load balancers, network
    // mode, CPU and compatibilities (it reports EC2 and bridge). Those, the certificate's
    // names, the listeners' TLS policy and the task definitions' secrets are asserted at
    // synth (tests/ecs_services.rs) instead.
    let found = boto3(
        &moto,
        "ecs = c('ecs')\n\
         (cluster,) = ecs.list_clusters()['clusterArns']\n\
         services = ecs.describe_services(cluster=cluster, services=ecs.list_services(cluster=cluster)['serviceArns'])['services']\n\
         print(sorted(s['desiredCount'] for s in services))\n\
         tds = [ecs.describe_task_definition(taskDefinition=s['taskDefinition'])['taskDefinition'] for s in services]\n\
         print(sorted((t['memory'], t['containerDefinitions'][0]['image'].split(':')[-1]) for t in tds))\n\
         front = [t for t in tds if t['containerDefinitions'][0]['portMappings'][0]['containerPort'] == 8080][0]\n\
         env = {e['name']: e['value'] for e in front['containerDefinitions'][0]['environment']}\n\
         print(env['API_ADDRESS'])\n\
         elb = c('elbv2')\n\
         lbs = elb.describe_load_balancers()['LoadBalancers']\n\
         print(sorted((l['Type'], l['Scheme']) for l in lbs))\n\
         listeners = [x for l in lbs for x in elb.describe_listeners(LoadBalancerArn=l['LoadBalancerArn'])['Listeners']]\n\
         print(sorted((x['Protocol'], x['Port']) for x in listeners))\n\
         tgs = elb.describe_target_groups()['TargetGroups']\n\
         print(sorted((t['Protocol'], t['Port'], t['TargetType'], t['HealthCheckPath']) for t in tgs))\n\
         print(sorted(r['repositoryName'] for r in c('ecr').describe_repositories()['repositories']))\n\
         zone = c('route53').list_hosted_zones()['HostedZones'][0]['Id']\n\
         records = c('route53').list_resource_record_sets(HostedZoneId=zone)['ResourceRecordSets']\n\
         print(sorted(r['Name'] for r in records if 'AliasTarget' in r))",
    );
    let lines: Vec<&str> = found.lines().collect();
    assert_eq!(
        lines,
        [
            "[1, 1]",
            "[('512', 'v1'), ('512', 'v1')]",
            "https://api.example.com",
            "[('application', 'internet-facing')]",
            "[('HTTP', 80), ('HTTPS', 443)]",
            "[('HTTP', 8080, 'ip', '/')]",
            "['e2e-backend', 'e2e-frontend']",
            "['example.com', 'www.example.com']",
        ],
        "{found}"
    );
    // No destroy here: moto's DeleteStack stops at the VPC with DependencyViolation once
    // a load balancer has been in it (tried). Destroy is tested with the recipe
    // (bootstrap_deploy_redeploy_update_diff_destroy).
}

#[test]
fn an_s3_error_says_what_failed_without_a_debug_dump() {
    let moto = moto("s3-error");
    let dir = TempDir::new("s3-error-assembly");
    assembly(&dir.0, &recipe_app(None));
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);
    // The staging bucket goes away behind the bootstrap stack's back.
    boto3(
        &moto,
        "s3 = c('s3')\nfor b in s3.list_buckets()['Buckets']:\n    s3.delete_bucket(Bucket=b['Name'])",
    );
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err.contains("PutObject s3://escdk-assets-") && r.err.contains("NoSuchBucket"),
        "{}",
        r.err
    );
    assert!(
        !r.err.contains("ServiceError") && !r.err.contains("SdkError") && !r.err.contains("raw:"),
        "no debug dump: {}",
        r.err
    );
}

#[test]
fn an_asset_changed_since_synth_is_refused_and_nothing_is_uploaded() {
    use escdk_constructs::lambda::{Function, FunctionProps};
    let moto = moto("asset-changed");
    let code = TempDir::new("asset-changed-code");
    std::fs::write(
        code.0.join("handler.py"),
        "def handler(e, c):\n    return 1\n",
    )
    .unwrap();
    let mut app = App::new();
    let stack = Stack::new("AssetChanged");
    Function::new(
        &stack.root(),
        "Fn",
        FunctionProps::new(&code.0, "handler.handler"),
    );
    app.add_stack(stack);
    let dir = TempDir::new("asset-changed-assembly");
    assembly(&dir.0, &app);
    assert_eq!(run(&moto, &dir.0, &["bootstrap"]).code, 0);

    // Edited after synth: the template names the old files.
    std::fs::write(
        code.0.join("handler.py"),
        "def handler(e, c):\n    return 2\n",
    )
    .unwrap();
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err.contains("changed since synth") && r.err.contains("run synth again"),
        "{}",
        r.err
    );
    assert!(
        !listed(&moto, "objects").contains("assets/"),
        "nothing uploaded"
    );
    assert!(
        !listed(&moto, "stacks").contains("AssetChanged"),
        "no stack"
    );

    // Put back as synthesized: deploys. A second deploy, of a stack that holds this
    // template (no change set), checks the files again, and so does one with --force,
    // which finds the asset in the bucket.
    std::fs::write(
        code.0.join("handler.py"),
        "def handler(e, c):\n    return 1\n",
    )
    .unwrap();
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(listed(&moto, "objects").contains("assets/"));
    std::fs::write(code.0.join("extra.py"), "X = 1\n").unwrap();
    let r = deploy(&moto, &dir.0, &[]);
    assert_eq!(
        r.code, 1,
        "an asset already in the bucket is checked too: {}",
        r.out
    );
    assert!(r.err.contains("changed since synth"), "{}", r.err);
    let r = deploy(&moto, &dir.0, &["--force"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.err.contains("changed since synth"), "{}", r.err);
}

/// A one-queue stack with a parameter, with termination protection as given.
fn queue_app(protected: bool) -> App {
    let mut app = App::new();
    let stack = Stack::with_props(
        "Queues",
        escdk_synth::StackProps {
            termination_protection: protected,
            ..Default::default()
        },
    );
    let delay = stack.add_parameter(
        "Delay",
        escdk_synth::Parameter {
            default: Some("0".into()),
            ..escdk_synth::Parameter::number()
        },
    );
    stack.root().add(
        "Queue",
        escdk_synth::cfn::sqs::CfnQueue {
            delay_seconds: Some(delay.reference().into()),
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    );
    app.add_stack(stack);
    app
}

/// A deploy of `stack` that found nothing to change: no change set, two API calls, nothing
/// uploaded.
fn assert_no_op(r: &moto::Run, stack: &str) {
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .contains(&format!("{stack}: no changes (nothing executed)")),
        "{}",
        r.out
    );
    assert!(
        r.err.contains("(2 API calls, 0 bytes uploaded"),
        "{}",
        r.err
    );
}

#[test]
fn an_unchanged_stack_takes_two_calls_and_a_new_parameter_value_or_protection_is_still_applied() {
    let moto = moto("noop");
    let dir = TempDir::new("noop-assembly");
    assembly(&dir.0, &queue_app(false));
    let deploy = |extra: &[&str]| moto::deploy(&moto, &dir.0, extra);
    // Not bootstrapped: a stack without assets, inline, never asks for the bucket.
    let r = deploy(&["--parameters", "Delay=1"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("Queues: CREATE_COMPLETE"), "{}", r.out);
    // The same parameter value again, or none (the deployed one is kept): two calls.
    for extra in [&["--parameters", "Delay=1"][..], &[]] {
        assert_no_op(&deploy(extra), "Queues");
    }
    // A new value goes through a change set and is applied.
    let r = deploy(&["--parameters", "Delay=3"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("Queues: UPDATE_COMPLETE"), "{}", r.out);
    let delay = boto3(
        &moto,
        "s = c('cloudformation').describe_stacks(StackName='Queues')['Stacks'][0]\n\
         print([p['ParameterValue'] for p in s['Parameters'] if p['ParameterKey'] == 'Delay'][0])",
    );
    assert_eq!(delay.trim(), "3");
    // Termination protection alone, which no change set carries, is set without one.
    let protected = TempDir::new("noop-protected");
    assembly(&protected.0, &queue_app(true));
    let r = moto::deploy(&moto, &protected.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("Queues: termination protection on")
            && r.out.contains("Queues: no changes (nothing executed)"),
        "{}",
        r.out
    );
    let on = boto3(
        &moto,
        "print(c('cloudformation').describe_stacks(StackName='Queues')['Stacks'][0]['EnableTerminationProtection'])",
    );
    assert_eq!(on.trim(), "True");
}

/// A one-queue stack pinned to `account` in us-east-1 (moto's region here).
fn pinned_app(account: &str) -> App {
    let mut app = App::new();
    let stack = Stack::with_props(
        "Pinned",
        escdk_synth::StackProps {
            env: escdk_synth::Environment::new(account, "us-east-1"),
            ..Default::default()
        },
    );
    stack.root().add(
        "Queue",
        escdk_synth::cfn::sqs::CfnQueue {
            sqs_managed_sse_enabled: Some(true.into()),
            ..Default::default()
        },
    );
    app.add_stack(stack);
    app
}

#[test]
fn a_stack_pinned_to_another_account_is_refused_and_one_pinned_to_the_sessions_deploys() {
    let moto = moto("account");
    // moto answers sts:GetCallerIdentity with its default account, 123456789012.
    let other = TempDir::new("account-other");
    assembly(&other.0, &pinned_app("111111111111"));
    for verb in [
        &["deploy", "--require-approval", "never"][..],
        &["diff"],
        &["destroy", "--force"],
    ] {
        let r = run(&moto, &other.0, verb);
        assert_eq!(r.code, 1, "{verb:?}: {}", r.out);
        assert!(
            r.err.contains(
                "stack `Pinned` is for account 111111111111 (its StackProps env), and this session's credentials are for account 123456789012: nothing was done\n  fix: run with credentials for account 111111111111"
            ),
            "{verb:?}: {}",
            r.err
        );
    }
    assert_eq!(listed(&moto, "stacks").trim(), "[]");
    assert_eq!(listed(&moto, "queues").trim(), "[]");

    // Pinned to the credentials' account: deployed; a no-op deploy asks for the account
    // once more (one call), then takes its two.
    let same = TempDir::new("account-same");
    assembly(&same.0, &pinned_app("123456789012"));
    let r = deploy(&moto, &same.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("Pinned: CREATE_COMPLETE"), "{}", r.out);
    let r = deploy(&moto, &same.0, &[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("Pinned: no changes (nothing executed)"),
        "{}",
        r.out
    );
    assert!(
        r.err.contains("(3 API calls, 0 bytes uploaded"),
        "{}",
        r.err
    );
}

#[test]
fn the_outputs_file_holds_each_stack_deployed_or_unchanged_also_when_a_later_one_fails() {
    let moto = moto("outputs-file");
    let dir = TempDir::new("outputs-file-assembly");
    let mut app = App::new();
    for name in ["First", "Second"] {
        let stack = Stack::new(name);
        // Both stacks want a bus with the same name: the second create fails.
        let bus = EventBus::new(
            &stack.root(),
            "Bus",
            EventBusProps {
                name: Some("outputs-bus".into()),
                archive: None,
                ..Default::default()
            },
        );
        stack.add_output("BusArn", escdk_synth::Output::new(bus.arn()));
        app.add_stack(stack);
    }
    assembly(&dir.0, &app);
    let file = dir.0.join("ci").join("outputs.json");
    let read = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&file).expect("the file is written"))
            .expect("the file is JSON")
    };
    let file_arg = file.to_str().unwrap();
    let r = deploy(&moto, &dir.0, &["--outputs-file", file_arg]);
    assert_ne!(r.code, 0, "{}", r.out);
    assert!(r.err.contains("outputs-bus"), "{}", r.err);
    // First was deployed, Second failed: the file says what First holds, as moto has it.
    let arn = boto3(
        &moto,
        "print([o['OutputValue'] for o in c('cloudformation').describe_stacks(StackName='First')['Stacks'][0]['Outputs']][0])",
    );
    assert!(arn.trim().starts_with("arn:aws:events:"), "{arn}");
    assert_eq!(
        read(),
        serde_json::json!({ "First": { "BusArn": arn.trim() } })
    );

    // Unchanged: the outputs come from the description the no-op check reads, no call more.
    std::fs::remove_file(&file).unwrap();
    let r = deploy(&moto, &dir.0, &["First", "--outputs-file", file_arg]);
    assert_no_op(&r, "First");
    assert_eq!(
        read(),
        serde_json::json!({ "First": { "BusArn": arn.trim() } })
    );
}
