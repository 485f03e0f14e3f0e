//! The platform's services at synth: what a reviewer checks by hand in the templates (moto
//! ignores ACM certificates, OIDC providers, task definitions' secrets and alarms, so these
//! are asserted here and by the schema oracle), and bad input refused with the construct
//! path, the property and the fix.

mod support;

use support::of_type;

use escdk_constructs::alerts::{PlatformAlerts, PlatformAlertsProps, ServiceThresholds};
use escdk_constructs::ec2::{Vpc, VpcProps};
use escdk_constructs::ecr::{Repository, RepositoryProps};
use escdk_constructs::ecs::{Cluster, ContainerImage, Cpu, FargateServiceProps};
use escdk_constructs::ecs_patterns::{
    variables, ApplicationLoadBalancedService, ApplicationLoadBalancedServiceProps,
    NetworkLoadBalancedService, NetworkLoadBalancedServiceProps,
};
use escdk_constructs::env::EnvValue;
use escdk_constructs::github::{
    GithubActionsRole, GithubActionsRoleProps, GithubOidcProvider, GithubSubject,
};
use escdk_constructs::route53::HostedZone;
use escdk_constructs::ses::{EmailSender, EmailSenderProps};
use escdk_constructs::AuroraEventStoreProps;
use escdk_synth::{Severity, Size, Stack};
use serde_json::{json, Value};

const ZONE_ID: &str = "Z0123456789ABCDEFGHIJ";

fn zone(stack: &Stack) -> HostedZone {
    HostedZone::from_attributes(&stack.root(), ZONE_ID, "example.com")
}

fn resource<'a>(t: &'a Value, type_name: &str, prefix: &str) -> &'a Value {
    of_type(t, type_name)
        .into_iter()
        .find(|(lid, _)| lid.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {type_name} {prefix}…"))
        .1
}

fn logical_id_of(t: &Value, type_name: &str, prefix: &str) -> String {
    of_type(t, type_name)
        .into_iter()
        .find(|(lid, _)| lid.starts_with(prefix))
        .unwrap()
        .0
        .clone()
}

fn errors(stack: &Stack) -> String {
    stack.synth().expect_err("synth must fail").to_string()
}

fn statements(role: &Value) -> Vec<Value> {
    role["Properties"]["Policies"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap().clone())
        .collect()
}

/// Both services as the platform builds them, with an event store and e-mail feeding the
/// backend's variables; `frontend_domains` are the frontend's additional domains.
struct Fixture {
    stack: Stack,
    frontend: ApplicationLoadBalancedService,
    backend: NetworkLoadBalancedService,
}

fn platform(frontend_domains: &[&str]) -> Fixture {
    let stack = Stack::new("Services");
    let root = stack.root();
    let store = support::aurora_store(&stack, AuroraEventStoreProps::default());
    let vpc = Vpc::new(&root, "Vpc", VpcProps::default());
    let zone = zone(&stack);
    let cluster = Cluster::new(&root, "Cluster");
    let provider = GithubOidcProvider::import(&root);
    let mut out = Vec::new();
    for (id, port) in [("Backend", 3000), ("Frontend", 8080)] {
        let repo = Repository::new(&root, &format!("{id}Repo"), RepositoryProps::default());
        let ci = GithubActionsRole::new(
            &root,
            &format!("{id}Ci"),
            &provider,
            GithubActionsRoleProps::branch("myorg", &format!("{}-app", id.to_lowercase()), "main"),
        );
        repo.grant_pull_push(&ci);
        out.push((
            FargateServiceProps::new(ContainerImage::from_repository(&repo, "a6c58d7"), port),
            ci,
        ));
    }
    let (frontend_props, frontend_ci) = out.pop().unwrap();
    let (backend_props, backend_ci) = out.pop().unwrap();
    let backend = NetworkLoadBalancedService::new(
        &root,
        "Backend",
        &cluster,
        &vpc,
        NetworkLoadBalancedServiceProps::new(
            FargateServiceProps {
                cpu: Cpu::units(512),
                memory: Size::mebibytes(1024),
                ..backend_props
            },
            zone.clone(),
            "api.example.com",
        ),
    );
    let frontend = ApplicationLoadBalancedService::new(
        &root,
        "Frontend",
        &cluster,
        &vpc,
        ApplicationLoadBalancedServiceProps {
            additional_domains: frontend_domains.iter().map(|d| d.to_string()).collect(),
            ..ApplicationLoadBalancedServiceProps::new(frontend_props, zone.clone(), "example.com")
        },
    );
    frontend.service.grant_deploy(&frontend_ci);
    backend.service.grant_deploy(&backend_ci);
    let email = EmailSender::new(
        &root,
        "Email",
        EmailSenderProps::new(zone, "example.com", "noreply"),
    );
    backend.service.add_environment(store.environment());
    backend.service.add_environment(email.environment());
    backend
        .service
        .add_environment(variables::backend(&frontend));
    frontend
        .service
        .add_environment(variables::frontend(&frontend, &backend));
    Fixture {
        stack,
        frontend,
        backend,
    }
}

fn container(t: &Value, service: &str) -> Value {
    resource(
        t,
        "AWS::ECS::TaskDefinition",
        &format!("{service}ServiceTaskDefinition"),
    )["Properties"]["ContainerDefinitions"][0]
        .clone()
}

// ---- Variables and secrets --------------------------------------------------------------------

#[test]
fn no_environment_entry_holds_a_secret_and_the_execution_role_reads_exactly_the_referenced_secrets()
{
    let f = platform(&[]);
    let t = f.stack.synth().unwrap().template().clone();
    let c = container(&t, "Backend");
    let plain: Vec<&str> = c["Environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Name"].as_str().unwrap())
        .collect();
    let secrets = c["Secrets"].as_array().unwrap();
    for name in [
        "EVENT_STORE_PASSWORD",
        "EVENT_STORE_CREATE_REPLICATION_USER_WITH_PASSWORD",
        "SMTP_USERNAME",
        "SMTP_PASSWORD",
    ] {
        assert!(!plain.contains(&name), "{name} is a plain variable");
        assert!(
            secrets.iter().any(|s| s["Name"] == name),
            "{name} is not among the secrets"
        );
    }
    for name in ["EVENT_STORE_HOST", "SMTP_HOST", "FRONTEND_DOMAIN"] {
        assert!(plain.contains(&name), "{name} is missing");
    }
    // Every reference is `<arn>:<key>::` on a secret of the stack, never a literal.
    let mut referenced: Vec<Value> = Vec::new();
    for s in secrets {
        let sub = &s["ValueFrom"]["Fn::Sub"];
        assert!(
            sub[0].as_str().unwrap().starts_with("${Arn}:")
                && sub[0].as_str().unwrap().ends_with("::"),
            "{s}"
        );
        let arn = sub[1]["Arn"].clone();
        assert!(arn.is_object(), "{s}: a literal ARN");
        if !referenced.contains(&arn) {
            referenced.push(arn);
        }
    }
    let role = resource(&t, "AWS::IAM::Role", "BackendServiceExecutionRole");
    let mut readable: Vec<Value> = statements(role)
        .into_iter()
        .filter(|s| s["Action"] == json!(["secretsmanager:GetSecretValue"]))
        .flat_map(|s| s["Resource"].as_array().unwrap().clone())
        .collect();
    readable.dedup();
    let key = |v: &Value| v.to_string();
    let (mut a, mut b) = (referenced.clone(), readable.clone());
    a.sort_by_key(key);
    b.sort_by_key(key);
    assert_eq!(
        a, b,
        "the execution role reads exactly the referenced secrets"
    );
    // They are on the stack's key: the role may decrypt with it through Secrets Manager
    // only, and with no other key.
    let decrypts: Vec<Value> = statements(role)
        .into_iter()
        .filter(|s| s["Action"].to_string().contains("kms:"))
        .collect();
    assert_eq!(decrypts.len(), 1, "{decrypts:?}");
    assert_eq!(decrypts[0]["Action"], json!(["kms:Decrypt"]));
    assert_eq!(
        decrypts[0]["Resource"],
        json!([{"Fn::GetAtt": ["StackKey", "Arn"]}])
    );
    assert_eq!(
        decrypts[0]["Condition"],
        json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}}})
    );
    // The frontend references no secret, so its execution role reads none.
    let frontend_exec = resource(&t, "AWS::IAM::Role", "FrontendServiceExecutionRole");
    assert!(!statements(frontend_exec)
        .iter()
        .any(|s| s["Action"].to_string().contains("secretsmanager")));
    // The task roles hold only what grants added: nothing here.
    for prefix in ["BackendServiceTaskRole", "FrontendServiceTaskRole"] {
        assert!(statements(resource(&t, "AWS::IAM::Role", prefix)).is_empty());
    }
}

#[test]
fn the_frontend_gets_the_seeds_variables_from_the_constructs() {
    let f = platform(&["www.example.com", "shop.example.com"]);
    let vars = f.frontend.service.environment();
    let get = |name: &str| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let lit = |name: &str| match get(name) {
        Some(EnvValue::Value(escdk_synth::Value::Lit(s))) => s,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(lit("API_ADDRESS"), "https://api.example.com");
    assert_eq!(lit("PRODUCTION"), "TRUE");
    assert_eq!(lit("SERVER_PORT"), "8080");
    assert_eq!(lit("SERVER_HOSTNAME"), "::");
    assert_eq!(
        lit("DOMAIN"),
        "example.com,www.example.com,shop.example.com"
    );
    assert!(matches!(
        get("LOAD_BALANCER"),
        Some(EnvValue::Value(escdk_synth::Value::Expr(_)))
    ));
    let backend = f.backend.service.environment();
    assert!(backend
        .iter()
        .any(|(n, v)| n == "FRONTEND_DOMAIN" && *v == EnvValue::Value("example.com".into())));
}

// ---- CI access -----------------------------------------------------------------------------

#[test]
fn github_roles_trust_one_branch_of_one_repository_and_push_to_their_registry_only() {
    let f = platform(&[]);
    let t = f.stack.synth().unwrap().template().clone();
    let repo = logical_id_of(&t, "AWS::ECR::Repository", "BackendRepo");
    let service = logical_id_of(&t, "AWS::ECS::Service", "BackendService");
    let role = resource(&t, "AWS::IAM::Role", "BackendCi");
    let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"];
    assert_eq!(trust.as_array().unwrap().len(), 1);
    assert_eq!(trust[0]["Action"], json!(["sts:AssumeRoleWithWebIdentity"]));
    assert_eq!(
        trust[0]["Principal"],
        json!({"Federated": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}})
    );
    assert_eq!(
        trust[0]["Condition"],
        json!({"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:myorg/backend-app:ref:refs/heads/main"
        }})
    );
    for s in statements(role) {
        let actions: Vec<&str> = s["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        if actions == ["ecr:GetAuthorizationToken"] {
            assert_eq!(s["Resource"], json!(["*"]));
        } else if actions.iter().all(|a| a.starts_with("ecr:")) {
            assert_eq!(s["Resource"], json!([{"Fn::GetAtt": [repo, "Arn"]}]));
            assert!(actions.contains(&"ecr:PutImage"));
        } else {
            assert_eq!(actions, ["ecs:DescribeServices", "ecs:UpdateService"]);
            assert_eq!(s["Resource"], json!([{"Ref": service}]));
        }
    }
}

#[test]
fn a_created_oidc_provider_trusts_githubs_issuer_with_no_thumbprint() {
    let stack = Stack::new("Ci");
    let provider = GithubOidcProvider::new(&stack.root(), "GitHub");
    GithubActionsRole::new(
        &stack.root(),
        "Deployer",
        &provider,
        GithubActionsRoleProps {
            subject: GithubSubject::Environment("production".into()),
            ..GithubActionsRoleProps::branch("myorg", "app", "main")
        },
    );
    let t = stack.synth().unwrap().template().clone();
    let (lid, p) = of_type(&t, "AWS::IAM::OIDCProvider")[0];
    assert_eq!(
        p["Properties"],
        json!({"Url": "https://token.actions.githubusercontent.com", "ClientIdList": ["sts.amazonaws.com"]})
    );
    let role = &of_type(&t, "AWS::IAM::Role")[0].1;
    let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Principal"]["Federated"],
        json!({"Fn::GetAtt": [lid, "Arn"]})
    );
    assert_eq!(
        trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
        "repo:myorg/app:environment:production"
    );
}

#[test]
fn a_wildcard_subject_is_matched_with_string_like_only_when_asked_for_by_name() {
    let stack = Stack::new("Ci");
    let provider = GithubOidcProvider::import(&stack.root());
    GithubActionsRole::new(
        &stack.root(),
        "Releases",
        &provider,
        GithubActionsRoleProps {
            subject: GithubSubject::Wildcard("ref:refs/heads/release-*".into()),
            ..GithubActionsRoleProps::branch("myorg", "app", "main")
        },
    );
    let t = stack.synth().unwrap().template().clone();
    let trust = &of_type(&t, "AWS::IAM::Role")[0].1["Properties"]["AssumeRolePolicyDocument"]
        ["Statement"][0];
    assert_eq!(
        trust["Condition"],
        json!({
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": "repo:myorg/app:ref:refs/heads/release-*"}
        })
    );
}

#[test]
fn repositories_keep_tags_scan_encrypt_expire_and_stay() {
    let f = platform(&[]);
    let t = f.stack.synth().unwrap().template().clone();
    let repo = resource(&t, "AWS::ECR::Repository", "BackendRepo");
    assert_eq!(repo["DeletionPolicy"], "RetainExceptOnCreate");
    let p = &repo["Properties"];
    assert_eq!(p["ImageTagMutability"], "IMMUTABLE");
    assert_eq!(p["ImageScanningConfiguration"]["ScanOnPush"], true);
    assert_eq!(p["EncryptionConfiguration"]["EncryptionType"], "AES256");
    let rules: Value = serde_json::from_str(
        p["LifecyclePolicy"]["LifecyclePolicyText"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(rules["rules"][0]["selection"]["countNumber"], 30);
    assert_eq!(rules["rules"][0]["action"]["type"], "expire");
}

// ---- Network, TLS and DNS --------------------------------------------------------------------

#[test]
fn load_balancers_admit_their_listener_ports_and_tasks_admit_only_their_load_balancer() {
    let f = platform(&[]);
    let t = f.stack.synth().unwrap().template().clone();
    for (service, ports, container_port) in [
        ("Frontend", vec![80, 443], 8080),
        ("Backend", vec![443], 3000),
    ] {
        let lb_group = logical_id_of(
            &t,
            "AWS::EC2::SecurityGroup",
            &format!("{service}LoadBalancerSecurityGroup"),
        );
        let task_group = logical_id_of(
            &t,
            "AWS::EC2::SecurityGroup",
            &format!("{service}ServiceSecurityGroup"),
        );
        let group = |r: &Value| {
            r["Properties"]["GroupId"]["Fn::GetAtt"][0]
                .as_str()
                .unwrap()
                .to_string()
        };
        let mut open: Vec<i64> = of_type(&t, "AWS::EC2::SecurityGroupIngress")
            .into_iter()
            .filter(|(_, r)| group(r) == lb_group)
            .map(|(_, r)| {
                assert_eq!(r["Properties"]["CidrIp"], "0.0.0.0/0");
                r["Properties"]["FromPort"].as_i64().unwrap()
            })
            .collect();
        open.sort_unstable();
        assert_eq!(open, ports, "{service}'s load balancer");
        let task_rules: Vec<&Value> = of_type(&t, "AWS::EC2::SecurityGroupIngress")
            .into_iter()
            .filter(|(_, r)| group(r) == task_group)
            .map(|(_, r)| &r["Properties"])
            .collect();
        assert_eq!(task_rules.len(), 1, "{service}'s tasks");
        assert_eq!(task_rules[0]["FromPort"], container_port);
        assert_eq!(
            task_rules[0]["SourceSecurityGroupId"],
            json!({"Fn::GetAtt": [lb_group, "GroupId"]})
        );
        // The load balancer reaches its tasks and nothing else.
        let sg = resource(&t, "AWS::EC2::SecurityGroup", &lb_group);
        assert_eq!(
            sg["Properties"]["SecurityGroupEgress"][0]["CidrIp"],
            "255.255.255.255/32"
        );
        let egress: Vec<&Value> = of_type(&t, "AWS::EC2::SecurityGroupEgress")
            .into_iter()
            .filter(|(_, r)| group(r) == lb_group)
            .map(|(_, r)| &r["Properties"])
            .collect();
        assert_eq!(egress.len(), 1);
        assert_eq!(egress[0]["FromPort"], container_port);
        assert_eq!(
            egress[0]["DestinationSecurityGroupId"],
            json!({"Fn::GetAtt": [task_group, "GroupId"]})
        );
    }
    // Tasks run in private subnets without public addresses.
    for (_, s) in of_type(&t, "AWS::ECS::Service") {
        let net = &s["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"];
        assert_eq!(net["AssignPublicIp"], "DISABLED");
        assert!(net["Subnets"].to_string().contains("Private"));
        assert_eq!(
            s["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"],
            json!({"Enable": true, "Rollback": true})
        );
    }
}

#[test]
fn the_certificate_covers_every_domain_and_every_domain_has_a_record() {
    let f = platform(&["www.example.com", "shop.example.com"]);
    let t = f.stack.synth().unwrap().template().clone();
    let cert = &resource(
        &t,
        "AWS::CertificateManager::Certificate",
        "FrontendCertificate",
    )["Properties"];
    assert_eq!(cert["DomainName"], "example.com");
    assert_eq!(
        cert["SubjectAlternativeNames"],
        json!(["www.example.com", "shop.example.com"])
    );
    assert_eq!(cert["ValidationMethod"], "DNS");
    let validated: Vec<&Value> = cert["DomainValidationOptions"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|o| assert_eq!(o["HostedZoneId"], ZONE_ID))
        .map(|o| &o["DomainName"])
        .collect();
    assert_eq!(
        validated,
        ["example.com", "www.example.com", "shop.example.com"]
    );
    let lb = logical_id_of(
        &t,
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "FrontendLoadBalancer",
    );
    let mut named: Vec<&str> = of_type(&t, "AWS::Route53::RecordSet")
        .into_iter()
        .filter(|(_, r)| {
            r["Properties"]["AliasTarget"]["DNSName"] == json!({"Fn::GetAtt": [lb, "DNSName"]})
        })
        .map(|(_, r)| r["Properties"]["Name"].as_str().unwrap())
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        ["example.com", "shop.example.com", "www.example.com"]
    );
    // HTTPS and TLS listeners use the modern policy; HTTP only redirects.
    for (_, l) in of_type(&t, "AWS::ElasticLoadBalancingV2::Listener") {
        let p = &l["Properties"];
        match p["Protocol"].as_str().unwrap() {
            "HTTP" => assert_eq!(
                p["DefaultActions"][0]["RedirectConfig"]["Protocol"],
                "HTTPS"
            ),
            "HTTPS" | "TLS" => {
                assert_eq!(p["SslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
                assert_eq!(p["Port"], 443);
            }
            other => panic!("a {other} listener"),
        }
    }
}

#[test]
fn services_get_alarms_on_5xx_unhealthy_tasks_cpu_memory_and_errors() {
    let f = platform(&[]);
    let mut alerts = PlatformAlerts::new(&f.stack.root(), "Alerts", PlatformAlertsProps::default());
    alerts.watch_service(
        "Frontend",
        &f.frontend.metrics(),
        &ServiceThresholds::default(),
    );
    alerts.watch_service(
        "Backend",
        &f.backend.metrics(),
        &ServiceThresholds::default(),
    );
    let t = f.stack.synth().unwrap().template().clone();
    let alarms = of_type(&t, "AWS::CloudWatch::Alarm");
    let metric = |prefix: &str| -> &Value {
        &alarms
            .iter()
            .find(|(lid, _)| lid.starts_with(prefix))
            .unwrap_or_else(|| panic!("no alarm {prefix}"))
            .1["Properties"]
    };
    assert_eq!(
        metric("AlertsFrontendTarget5xx")["MetricName"],
        "HTTPCode_Target_5XX_Count"
    );
    assert_eq!(
        metric("AlertsFrontendTarget5xx")["Namespace"],
        "AWS/ApplicationELB"
    );
    assert_eq!(
        metric("AlertsBackendUnhealthyTargets")["Namespace"],
        "AWS/NetworkELB"
    );
    assert_eq!(metric("AlertsBackendCpu")["MetricName"], "CPUUtilization");
    assert_eq!(metric("AlertsBackendMemory")["Namespace"], "AWS/ECS");
    assert!(alarms
        .iter()
        .any(|(lid, _)| lid.starts_with("AlertsBackendErrors")));
    // A network load balancer has no HTTP status to count.
    assert!(!alarms
        .iter()
        .any(|(lid, _)| lid.starts_with("AlertsBackendTarget5xx")));
    let topic = logical_id_of(&t, "AWS::SNS::Topic", "Alerts");
    for (lid, a) in &alarms {
        assert_eq!(
            a["Properties"]["AlarmActions"],
            json!([{"Ref": topic}]),
            "{lid}"
        );
    }
}

/// A public nginx behind an application load balancer, with `access_logs`.
fn nginx_with_access_logs(name: &str, access_logs: Option<escdk_synth::Duration>) -> Stack {
    let stack = Stack::new(name);
    let root = stack.root();
    let vpc = Vpc::new(&root, "Vpc", VpcProps::default());
    let cluster = Cluster::new(&root, "Cluster");
    ApplicationLoadBalancedService::new(
        &root,
        "Web",
        &cluster,
        &vpc,
        ApplicationLoadBalancedServiceProps {
            access_logs,
            ..ApplicationLoadBalancedServiceProps::new(
                FargateServiceProps::new(
                    ContainerImage::from_registry("public.ecr.aws/nginx/nginx:1.27"),
                    80,
                ),
                zone(&stack),
                "app.example.com",
            )
        },
    );
    stack
}

#[test]
fn access_logs_go_to_a_private_bucket_only_elastic_load_balancing_may_write_to() {
    let stack = one_service(|_, _| {});
    let t0 = stack.synth().unwrap().template().clone();
    assert_eq!(
        of_type(&t0, "AWS::S3::Bucket").len(),
        1,
        "access logs by default"
    );
    let stack = nginx_with_access_logs("NoLogs", None);
    let off = stack
        .synth_with_rules(escdk_synth::rules::Mode::Default)
        .unwrap();
    assert!(
        of_type(off.template(), "AWS::S3::Bucket").is_empty(),
        "none when turned off"
    );
    assert!(
        off.warnings
            .iter()
            .any(|w| w.message.starts_with("ESCDK-LB-ACCESS-LOGS")),
        "and the rule pack says so"
    );
    let stack = nginx_with_access_logs("Logs", Some(escdk_synth::Duration::days(30)));
    let t = stack.synth().unwrap().template().clone();
    let (bucket_id, bucket) = of_type(&t, "AWS::S3::Bucket")[0];
    assert_eq!(bucket["DeletionPolicy"], "RetainExceptOnCreate");
    let p = &bucket["Properties"];
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    assert_eq!(
        p["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
        true
    );
    assert_eq!(
        p["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"],
        30
    );
    let (policy_id, policy) = of_type(&t, "AWS::S3::BucketPolicy")[0];
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert!(statements
        .iter()
        .any(|s| s["Sid"] == "DenyInsecureTransport"));
    let writes: Vec<&Value> = statements
        .iter()
        .filter(|s| s["Effect"] == "Allow")
        .collect();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        writes[0]["Principal"],
        json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"})
    );
    assert_eq!(writes[0]["Action"], json!(["s3:PutObject"]));
    assert!(writes[0]["Resource"]
        .to_string()
        .contains("/AWSLogs/${AWS::AccountId}/*"));
    // In the older regions, the regional account writes, from the mapping.
    let by_account = statements
        .iter()
        .find(|s| s.get("Fn::If").is_some())
        .expect("the regional account's statement");
    assert_eq!(by_account["Fn::If"][0], "ElbLogDeliveryByAccount");
    assert_eq!(
        t["Mappings"]["ElbLogDeliveryAccounts"]["eu-west-1"]["Account"],
        "156460612806"
    );
    let (_, lb) = of_type(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer")[0];
    let attrs = lb["Properties"]["LoadBalancerAttributes"]
        .as_array()
        .unwrap();
    assert!(attrs.contains(&json!({"Key": "access_logs.s3.enabled", "Value": "true"})));
    assert!(attrs.contains(&json!({"Key": "access_logs.s3.bucket", "Value": {"Ref": bucket_id}})));
    assert!(lb["DependsOn"]
        .as_array()
        .unwrap()
        .contains(&json!(policy_id)));
}

// ---- Bad input ---------------------------------------------------------------------------

fn one_service(change: impl FnOnce(&mut FargateServiceProps, &mut Vec<String>)) -> Stack {
    let stack = Stack::new("Bad");
    let root = stack.root();
    let vpc = Vpc::new(&root, "Vpc", VpcProps::default());
    let cluster = Cluster::new(&root, "Cluster");
    let repo = Repository::new(&root, "Repo", RepositoryProps::default());
    let mut props = FargateServiceProps::new(ContainerImage::from_repository(&repo, "v1"), 8080);
    let mut domains = Vec::new();
    change(&mut props, &mut domains);
    ApplicationLoadBalancedService::new(
        &root,
        "Web",
        &cluster,
        &vpc,
        ApplicationLoadBalancedServiceProps {
            additional_domains: domains,
            ..ApplicationLoadBalancedServiceProps::new(props, zone(&stack), "app.example.com")
        },
    );
    stack
}

#[test]
fn cpu_and_memory_must_be_a_fargate_pair() {
    let e = errors(&one_service(|p, _| {
        p.cpu = Cpu::units(256);
        p.memory = Size::mebibytes(4096);
    }));
    assert!(
        e.contains(
            "error: Bad/Web/Service Memory: 4096 MiB with 256 CPU units is not a Fargate size"
        ),
        "{e}"
    );
    assert!(
        e.contains("fix: with 256 CPU units use 512 MiB, 1024 MiB, 2048 MiB"),
        "{e}"
    );
    let e = errors(&one_service(|p, _| p.cpu = Cpu::units(300)));
    assert!(
        e.contains("error: Bad/Web/Service Cpu: 300 CPU units is not a Fargate size"),
        "{e}"
    );
    // A valid pair passes.
    one_service(|p, _| {
        p.cpu = Cpu::units(8192);
        p.memory = Size::gibibytes(20);
    })
    .synth()
    .expect("8 vCPU with 20 GiB is a Fargate size");
}

#[test]
fn a_port_must_be_a_port() {
    let e = errors(&one_service(|p, _| p.container_port = 0));
    assert!(
        e.contains("error: Bad/Web/Service ContainerPort: port 0 is not a port"),
        "{e}"
    );
}

#[test]
fn domains_must_be_in_the_zone_once_and_within_acms_quota() {
    let e = errors(&one_service(|_, d| d.push("www.other.org".into())));
    assert!(
        e.contains("error: Bad/Web/Certificate SubjectAlternativeNames: `www.other.org` is not in the hosted zone `example.com`"),
        "{e}"
    );
    let e = errors(&one_service(|_, d| d.push("APP.example.com".into())));
    assert!(e.contains("`APP.example.com` is named twice"), "{e}");
    // Ten names in all is ACM's default; eleven is refused with the way out.
    one_service(|_, d| d.extend((1..=9).map(|i| format!("s{i}.example.com"))))
        .synth()
        .expect("ten names");
    let e = errors(&one_service(|_, d| {
        d.extend((1..=10).map(|i| format!("s{i}.example.com")))
    }));
    assert!(
        e.contains("error: Bad/Web/Certificate SubjectAlternativeNames: 11 names on one certificate; ACM allows 10 per certificate by default"),
        "{e}"
    );
    assert!(e.contains("set domain_quota"), "{e}");
}

#[test]
fn latest_in_an_immutable_repository_is_a_warning() {
    let stack = one_service(|p, _| {
        if let ContainerImage::Repository { tag, .. } = &mut p.image {
            *tag = "latest".into();
        }
    });
    let w: Vec<String> = stack
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.to_string())
        .collect();
    assert!(
        w.iter().any(|d| d.starts_with("warning: Bad/Web/Service")
            && d.contains("`latest`")
            && d.contains("immutable")),
        "{w:?}"
    );
    let e = errors(&one_service(|p, _| {
        if let ContainerImage::Repository { tag, .. } = &mut p.image {
            *tag = "-bad tag".into();
        }
    }));
    assert!(
        e.contains("Bad/Web/Service Image: `-bad tag` is not an image tag"),
        "{e}"
    );
}

#[test]
fn a_variable_given_twice_is_refused() {
    let e = errors(&one_service(|p, _| {
        p.environment = vec![
            ("SMTP_HOST".into(), EnvValue::Value("a".into())),
            ("SMTP_HOST".into(), EnvValue::Value("b".into())),
        ]
    }));
    assert!(
        e.contains("error: Bad/Web/Service Environment: the variable `SMTP_HOST` is given twice"),
        "{e}"
    );
}

#[test]
fn a_task_definition_over_ecs_s_64_kib_is_refused() {
    // ECS registers task definitions of at most 64 KiB, and says so only at deploy.
    let big = |len: usize| {
        move |p: &mut FargateServiceProps, _: &mut Vec<String>| {
            p.environment = vec![("BIG".into(), EnvValue::Value("x".repeat(len).into()))];
        }
    };
    let e = errors(&one_service(big(70_000)));
    assert!(
        e.contains("error: Bad/Web/Service/TaskDefinition (")
            && e.contains(
                ") Properties.ContainerDefinitions: the task definition takes at least 70"
            ),
        "{e}"
    );
    assert!(
        e.contains(
            "ECS registers at most 64 KiB (65536 bytes)\n  fix: move large values out of it"
        ),
        "{e}"
    );
    one_service(big(60_000))
        .synth()
        .expect("a 60 KB variable fits in a task definition");
}

fn ci_role(props: GithubActionsRoleProps) -> String {
    let stack = Stack::new("Bad");
    let provider = GithubOidcProvider::import(&stack.root());
    GithubActionsRole::new(&stack.root(), "Ci", &provider, props);
    errors(&stack)
}

#[test]
fn github_names_are_checked_and_wildcards_need_their_name() {
    let e = ci_role(GithubActionsRoleProps::branch("myorg", "my repo", "main"));
    assert!(
        e.contains("error: Bad/Ci repository: the GitHub repository `my repo` contains ` `"),
        "{e}"
    );
    let e = ci_role(GithubActionsRoleProps::branch("-org", "app", "main"));
    assert!(
        e.contains("error: Bad/Ci owner: the GitHub owner `-org`"),
        "{e}"
    );
    let e = ci_role(GithubActionsRoleProps::branch("myorg", "app", "release/*"));
    assert!(
        e.contains("error: Bad/Ci subject: the branch `release/*` contains the wildcard `*`"),
        "{e}"
    );
    assert!(e.contains("GithubSubject::Wildcard"), "{e}");
}

#[test]
fn a_repository_name_ecr_refuses_is_an_error() {
    let stack = Stack::new("Bad");
    Repository::new(&stack.root(), "Repo", RepositoryProps::named("My_App"));
    let e = errors(&stack);
    assert!(
        e.contains("error: Bad/Repo RepositoryName: `My_App` contains `M`"),
        "{e}"
    );
}

#[test]
fn the_network_load_balancer_logs_its_tls_listener_to_a_bucket_only_log_delivery_writes_for_this_account(
) {
    let f = platform(&[]);
    let t = f.stack.synth().unwrap().template().clone();
    let lb_id = f.backend.load_balancer.handle.logical_id().to_string();
    let lb = &t["Resources"][lb_id.as_str()];
    let attributes = lb["Properties"]["LoadBalancerAttributes"]
        .as_array()
        .unwrap();
    let attr = |k: &str| {
        attributes
            .iter()
            .find(|a| a["Key"] == k)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attr("access_logs.s3.enabled"), Some(json!("true")));
    let bucket_id = attr("access_logs.s3.bucket").unwrap()["Ref"]
        .as_str()
        .unwrap()
        .to_string();
    let (policy_id, policy) = of_type(&t, "AWS::S3::BucketPolicy")
        .into_iter()
        .find(|(_, p)| p["Properties"]["Bucket"]["Ref"] == bucket_id.as_str())
        .expect("the log bucket has a policy");
    // Logging is turned on only once the delivery may write.
    assert!(lb["DependsOn"]
        .as_array()
        .unwrap()
        .contains(&json!(policy_id)));
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let allows: Vec<&Value> = statements
        .iter()
        .filter(|s| s["Effect"] == "Allow")
        .collect();
    assert_eq!(allows.len(), 2, "{allows:?}");
    for s in &allows {
        assert_eq!(
            s["Principal"],
            json!({"Service": "delivery.logs.amazonaws.com"})
        );
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({"Fn::Sub": "${AWS::AccountId}"})
        );
    }
    let write = allows
        .iter()
        .find(|s| s["Sid"] == "LogDeliveryWrite")
        .unwrap();
    assert_eq!(write["Action"], json!(["s3:PutObject"]));
    assert_eq!(
        write["Condition"]["StringEquals"]["s3:x-amz-acl"],
        "bucket-owner-full-control"
    );
    let acl = allows
        .iter()
        .find(|s| s["Sid"] == "LogDeliveryAclCheck")
        .unwrap();
    assert_eq!(acl["Action"], json!(["s3:GetBucketAcl"]));
    // No ELB account or service principal: those write an application load balancer's logs.
    assert!(!policy.to_string().contains("elasticloadbalancing"));
}
