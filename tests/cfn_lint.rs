//! cfn-lint (PyPI, pinned in requirements-dev.txt) reports nothing on any example template.
//! The test command (scripts/test) installs it in target/venv; this test fails loudly if it
//! is missing rather than skipping.

mod support;

use std::process::Command;

fn cfn_lint() -> std::path::PathBuf {
    let path = std::env::var_os("CFN_LINT")
        .map(Into::into)
        .unwrap_or_else(|| support::root().join("target/venv/bin/cfn-lint"));
    assert!(
        path.exists(),
        "cfn-lint not found at {}: run scripts/test (it installs cfn-lint into target/venv), or set CFN_LINT",
        path.display()
    );
    path
}

/// A directory of the vendored third-party registry schemas (MongoDB Atlas), for
/// `--registry-schemas`, so that cfn-lint knows those types exist. It does not validate
/// their properties (tried with 1.58.0: a misspelt property and a bad enum pass), which is
/// why synth checks them itself (tests/atlas.rs).
fn registry_schemas() -> std::path::PathBuf {
    // Copied once per test process: the tests run in parallel, and a copy rewriting a
    // schema while another test's cfn-lint reads it made that run fail at random.
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = support::root().join("target/cfn-lint/registry-schemas");
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(support::root().join("synth/schemas")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("mongodb-atlas-") && name.ends_with(".json") {
                std::fs::copy(&path, dir.join(&name)).unwrap();
            }
        }
        dir
    })
    .clone()
}

/// Writes `template` to target/cfn-lint/<name>.template.json and asserts cfn-lint, with the
/// registry schemas and informational findings included, reports nothing on it.
fn lint_clean(lint: &std::path::Path, name: &str, template: &str) {
    let dir = support::root().join("target/cfn-lint");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.template.json"));
    std::fs::write(&file, template).unwrap();
    let out = Command::new(lint)
        .args(["--include-checks", "I", "--registry-schemas"])
        .arg(registry_schemas())
        .arg("--")
        .arg(&file)
        .output()
        .expect("cfn-lint runs");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "cfn-lint on {name}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_example_template_passes_cfn_lint() {
    let lint = cfn_lint();
    for (stack, json, _) in support::example_templates() {
        lint_clean(&lint, &stack, &json);
    }
}

#[test]
fn cfn_lint_does_catch_a_broken_template() {
    // The check above is only worth something if cfn-lint really reads our files.
    let lint = cfn_lint();
    let file = support::root().join("target/cfn-lint/broken.template.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, r#"{"Resources":{"T":{"Type":"AWS::SQS::Queue","Properties":{"MessageRetentionPeriod":5}}}}"#).unwrap();
    let out = Command::new(&lint)
        .arg("--")
        .arg(&file)
        .output()
        .expect("cfn-lint runs");
    assert!(!out.status.success(), "cfn-lint accepted a broken template");
}

#[test]
fn cross_stack_exports_and_imports_pass_cfn_lint() {
    let lint = cfn_lint();
    let app = support::shared_and_consumer();
    for s in app.synth(&[]).unwrap() {
        lint_clean(&lint, &format!("CrossStack{}", s.stack_name), &s.to_json());
    }
}

/// The storage, e-mail and alert options the platform example does not use (a long-lived
/// key, transitions, CORS, a strict DMARC policy, log alarms) pass cfn-lint too.
#[test]
fn storage_email_and_alert_options_pass_cfn_lint() {
    use escdk_constructs::alerts::{PlatformAlerts, PlatformAlertsProps};
    use escdk_constructs::route53::HostedZone;
    use escdk_constructs::s3::{BlobStore, BlobStoreProps, Credentials, StorageClass, Transition};
    use escdk_constructs::ses::{DmarcPolicy, EmailSender, EmailSenderProps};

    let lint = cfn_lint();
    let stack = escdk_synth::Stack::new("Options");
    let root = stack.root();
    BlobStore::new(
        &root,
        "Blobs",
        BlobStoreProps {
            bucket_name: Some("options-blob-storage-1a2b3c4d".into()),
            credentials: Credentials::AccessKey { serial: 2 },
            transitions: vec![Transition {
                storage_class: StorageClass::InfrequentAccess,
                after: escdk_synth::Duration::days(30),
            }],
            cors_origins: vec!["https://app.example.com".into()],
            ..Default::default()
        },
    );
    let zone = HostedZone::from_attributes(&root, "Z1D633PJN98FT9", "example.com");
    EmailSender::new(
        &root,
        "Email",
        EmailSenderProps {
            dmarc_policy: DmarcPolicy::Reject,
            dmarc_reports_to: Some("dmarc@example.com".into()),
            mail_from_domain: Some("bounce.example.com".into()),
            ..EmailSenderProps::new(zone, "example.com", "admin@example.com")
        },
    );
    let mut alerts = PlatformAlerts::new(
        &root,
        "Alerts",
        PlatformAlertsProps {
            emails: vec!["ops@example.com".into()],
        },
    );
    alerts.watch_log_errors(
        "Backend",
        "/ecs/backend",
        escdk_constructs::logs::ERROR_PATTERN,
    );
    lint_clean(&lint, "Options", &stack.synth().unwrap().to_json());
}

#[test]
fn service_options_pass_cfn_lint() {
    use escdk_constructs::ec2::{Vpc, VpcProps};
    use escdk_constructs::ecr::{Encryption, Repository, RepositoryProps};
    use escdk_constructs::ecs::{
        Cluster, ContainerImage, Cpu, CpuArchitecture, FargateServiceProps,
    };
    use escdk_constructs::ecs_patterns::{
        ApplicationLoadBalancedService, ApplicationLoadBalancedServiceProps,
    };
    use escdk_constructs::elbv2::HealthCheck;
    use escdk_constructs::github::{
        GithubActionsRole, GithubActionsRoleProps, GithubOidcProvider, GithubSubject,
    };
    use escdk_constructs::route53::HostedZone;

    let lint = cfn_lint();
    let stack = escdk_synth::Stack::new("ServiceOptions");
    let root = stack.root();
    let vpc = Vpc::new(&root, "Vpc", VpcProps::default());
    let cluster = Cluster::new(&root, "Cluster");
    let provider = GithubOidcProvider::new(&root, "GitHub");
    let repo = Repository::new(
        &root,
        "Repo",
        RepositoryProps {
            keep_last_images: 5,
            encryption: Encryption::Kms,
            ..RepositoryProps::named("team/web")
        },
    );
    let ci = GithubActionsRole::new(
        &root,
        "Ci",
        &provider,
        GithubActionsRoleProps {
            subject: GithubSubject::Environment("production".into()),
            ..GithubActionsRoleProps::branch("myorg", "web", "main")
        },
    );
    repo.grant_push(&ci);
    let zone = HostedZone::from_attributes(&root, "Z1D633PJN98FT9", "example.com");
    let web = ApplicationLoadBalancedService::new(
        &root,
        "Web",
        &cluster,
        &vpc,
        ApplicationLoadBalancedServiceProps {
            additional_domains: (1..=9).map(|i| format!("s{i}.example.com")).collect(),
            health_check: HealthCheck {
                path: "/health".into(),
                healthy_http_codes: "200".into(),
                ..Default::default()
            },
            deletion_protection: true,
            access_logs: Some(escdk_synth::Duration::days(90)),
            ..ApplicationLoadBalancedServiceProps::new(
                FargateServiceProps {
                    cpu: Cpu::units(16384),
                    memory: escdk_synth::Size::gibibytes(120),
                    cpu_architecture: CpuArchitecture::Arm64,
                    desired_count: 3,
                    ..FargateServiceProps::new(
                        ContainerImage::from_repository(&repo, "v1.2.3"),
                        443,
                    )
                },
                zone,
                "www.example.com",
            )
        },
    );
    web.service.grant_deploy(&ci);
    lint_clean(&lint, "ServiceOptions", &stack.synth().unwrap().to_json());
}

/// The platform's other options: the free tier, a staging environment under the
/// production zone, extra domains and variables (plain and secret).
#[test]
fn platform_options_pass_cfn_lint() {
    use escdk_constructs::platform::{EnvVar, EventSourcingPlatformProps};
    let lint = cfn_lint();
    let mut app = escdk_synth::App::new();
    let seed = escdk_examples::platform::props(&["203.0.113.0/28"]);
    let secret = escdk_synth::fns::sub(
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:staging/payments",
    );
    escdk_constructs::EventSourcingPlatform::new(
        &mut app,
        EventSourcingPlatformProps {
            environment_name: "staging".into(),
            top_level_domain: "staging.example.com".into(),
            frontend_application_domain_prefix: "www".into(),
            additional_frontend_domains: vec!["shop.staging.example.com".into()],
            mongodbatlas_free_tier: true,
            from_email: "noreply@staging.example.com".into(),
            backend_environment_variables: vec![
                EnvVar::new("FEATURE_FLAGS", "a,b"),
                EnvVar::secret("PAYMENTS_KEY", secret, "key"),
            ],
            frontend_environment_variables: vec![EnvVar::new("THEME", "dark")],
            ..seed
        },
    );
    for s in app.synth(&[]).unwrap_or_else(|e| panic!("{e}")) {
        lint_clean(
            &lint,
            &format!("platform-options-{}", s.stack_name),
            &s.to_json(),
        );
    }
}

/// A reference to a resource that has a condition, from where the condition is not known to
/// hold, is refused by CloudFormation when the condition is false ("Unresolved resource
/// dependencies"). Synth warns exactly where cfn-lint's W1001 does: a plain reference, the
/// other branch of an `Fn::If`, a `DependsOn`; not under the same condition, a condition
/// that is an `Fn::And` of it, or the first branch of an `Fn::If` on it.
#[test]
fn references_to_conditional_resources_are_warned_where_cfn_lint_warns() {
    use escdk_synth::cfn::sqs::CfnQueue;
    use escdk_synth::{fns, Expr, Output, Pseudo, Stack};
    let lint = cfn_lint();
    let stack = Stack::new("Conditional");
    let prod = stack.add_condition("IsProd", fns::equals(stack.region(), "eu-west-1"));
    let main = stack.add_condition(
        "IsProdMain",
        fns::and([prod.expr(), fns::equals(stack.account(), "111111111111")]),
    );
    let queue = |id: &str| {
        stack.root().add(
            id,
            CfnQueue {
                sqs_managed_sse_enabled: Some(true.into()),
                message_retention_period: Some(1209600.into()),
                ..CfnQueue::default()
            },
        )
    };
    let only = queue("OnlyInProd");
    stack.update_options(&only, |o| o.condition = Some(prod.clone()));
    let redrive = |target: escdk_synth::Json| {
        escdk_synth::Json::object([
            ("deadLetterTargetArn", target),
            ("maxReceiveCount", escdk_synth::Json::from(3)),
        ])
    };
    for (id, condition, target) in [
        ("Plain", None, only.attr_arn().into()),
        ("SameCondition", Some(&prod), only.attr_arn().into()),
        ("AndCondition", Some(&main), only.attr_arn().into()),
        (
            "Guarded",
            None,
            fns::if_(&prod, only.attr_arn(), Expr::from(Pseudo::NoValue)).into(),
        ),
    ] {
        let user = queue(id);
        stack.update(&user, |q| q.redrive_policy = Some(redrive(target)));
        stack.update_options(&user, |o| o.condition = condition.cloned());
    }
    stack.add_output("PlainOutput", Output::new(only.reference()));
    let mut same = Output::new(only.reference());
    same.condition = Some(prod.clone());
    stack.add_output("SameOutput", same);
    stack.add_output(
        "OtherBranch",
        Output::new(fns::if_(
            &main,
            Expr::from(Pseudo::NoValue),
            only.reference(),
        )),
    );
    // A `DependsOn` on it is an error (cfn-lint's E3005), tried on a copy of the stack.
    let with_depends_on = |depends: bool| {
        let copy = Stack::new("Conditional");
        let c = copy.add_condition("IsProd", fns::equals(copy.region(), "eu-west-1"));
        let only = copy.root().add("OnlyInProd", CfnQueue::default());
        copy.update_options(&only, |o| o.condition = Some(c.clone()));
        let waits = copy.root().add("WaitsForIt", CfnQueue::default());
        if depends {
            copy.add_dependency(&waits, &only);
        }
        copy.synth().map(|_| ()).map_err(|e| e.to_string())
    };
    let e = with_depends_on(true).unwrap_err();
    assert!(
        e.contains("error: Conditional/WaitsForIt (WaitsForIt) DependsOn: `DependsOn` to `OnlyInProd`, which exists only when condition `IsProd` is true")
            && e.contains("fix: give this resource the same condition (`IsProd`), or remove the dependency"),
        "{e}"
    );
    assert_eq!(with_depends_on(false), Ok(()));
    let s = stack.synth().unwrap_or_else(|e| panic!("{e}"));
    let mut ours: Vec<String> = s
        .warnings
        .iter()
        .filter(|w| {
            w.message
                .contains("exists only when condition `IsProd` is true")
        })
        .map(|w| match &w.logical_id {
            Some(lid) => format!("Resources/{lid}"),
            None => w.path.trim_start_matches("Conditional/").to_string(),
        })
        .collect();
    ours.sort();
    ours.dedup();
    let dir = support::root().join("target/cfn-lint");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("conditional-references.template.json");
    std::fs::write(&file, s.to_json()).unwrap();
    let out = Command::new(&lint)
        .args(["--format", "parseable", "--"])
        .arg(&file)
        .output()
        .expect("cfn-lint runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut theirs: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains(":W1001:"))
        .filter_map(|l| l.split(" at ").nth(1))
        .map(|at| at.split('/').take(2).collect::<Vec<_>>().join("/"))
        .collect();
    theirs.sort();
    theirs.dedup();
    assert_eq!(
        ours,
        [
            "Outputs/OtherBranch",
            "Outputs/PlainOutput",
            "Resources/Plain"
        ]
    );
    assert_eq!(ours, theirs, "cfn-lint said:\n{stdout}");
}

/// `synth --format yaml` is read back as the JSON template by YAML 1.1 readers, as
/// CloudFormation's is: PyYAML's and cfn-lint's (both from target/venv). Strings a YAML
/// 1.2 writer leaves plain (`on`, `yes`, `1_000`, `1:20`, a date) would come back as
/// booleans, numbers and dates. Every example template, and a stack of such strings.
#[test]
fn yaml_templates_read_back_as_the_json_under_yaml_1_1() {
    use escdk_synth::{Json, Output, Stack};
    let _ = cfn_lint();
    let python = support::root().join("target/venv/bin/python");
    let dir = support::root().join("target/yaml-1.1");
    std::fs::create_dir_all(&dir).unwrap();
    let tricky = Stack::new("Tricky");
    let strings = [
        "on",
        "Off",
        "yes",
        "NO",
        "y",
        "n",
        "true",
        "null",
        "~",
        "",
        "=",
        "<<",
        "0x1F",
        "017",
        "08",
        "1e3",
        "1_000",
        "1:20",
        "12:30:00",
        "2024-01-01",
        ".inf",
        "-.5",
        "+1",
        "- x",
        "a: b",
        "x #y",
        "!t",
        "&a",
        "*a",
        "%x",
        "@x",
        "'q",
        "\"q",
        "[a]",
        "{a}",
        " a",
        "a ",
        "tab\there",
        "\u{85}",
        "\u{feff}x",
        "é 日本",
        "l1\nl2",
        "l1\n  l2\n",
        " l\nm",
        "x\n\n",
    ];
    for (i, s) in strings.iter().enumerate() {
        tricky.add_output(&format!("O{i}"), Output::new(Json::from(*s)));
    }
    // One synth gives each stack's JSON and YAML.
    let tricky = tricky.synth().expect("outputs of strings synthesize");
    let mut stacks = escdk_examples::app()
        .synth(&[])
        .expect("the example app synthesizes");
    stacks.push(tricky);
    let mut files = Vec::new();
    for s in &stacks {
        std::fs::write(dir.join(format!("{}.json", s.stack_name)), s.to_json()).unwrap();
        std::fs::write(dir.join(format!("{}.yaml", s.stack_name)), s.to_yaml()).unwrap();
        files.push(s.stack_name.clone());
    }
    let script = r#"
import json, sys, yaml
from cfnlint.decode import cfn_yaml
for name in sys.argv[2:]:
    base = sys.argv[1] + '/' + name
    want = json.load(open(base + '.json'))
    for reader, got in (('PyYAML', yaml.safe_load(open(base + '.yaml'))), ('cfn-lint', cfn_yaml.load(base + '.yaml'))):
        if json.loads(json.dumps(got)) != want:
            print(name, 'read differently by', reader)
print('read', len(sys.argv) - 2)
"#;
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .args(&files)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout == format!("read {}\n", files.len()),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
