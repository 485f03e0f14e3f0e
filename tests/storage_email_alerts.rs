//! Blob storage, e-mail and alerts at synth: what a reviewer checks by hand in the templates
//! (moto creates buckets but ignores versioning and lifecycle, and ignores SES identities,
//! record sets' validation and alarms, so these are asserted here and by the schema oracle),
//! and bad input refused with the construct path, the property and the fix.

mod support;

use support::of_type;

use escdk_constructs::alerts::{EventStoreThresholds, PlatformAlerts, PlatformAlertsProps};
use escdk_constructs::env::EnvValue;
use escdk_constructs::iam::{Role, RoleProps};
use escdk_constructs::logs::ERROR_PATTERN;
use escdk_constructs::route53::HostedZone;
use escdk_constructs::s3::{BlobStore, BlobStoreProps, Credentials, StorageClass, Transition};
use escdk_constructs::ses::{EmailSender, EmailSenderProps};
use escdk_constructs::AuroraEventStoreProps;
use escdk_synth::assertions::Template;
use escdk_synth::{Duration, Stack};
use serde_json::{json, Value};

const ZONE_ID: &str = "Z0123456789ABCDEFGHIJ";

fn errors(stack: &Stack) -> String {
    stack.synth().expect_err("synth must fail").to_string()
}

fn template(stack: &Stack) -> Value {
    stack.synth().expect("synth succeeds").template().clone()
}

fn var<'a>(vars: &'a [(String, EnvValue)], name: &str) -> Option<&'a EnvValue> {
    vars.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

// ---- BlobStore ----------------------------------------------------------------------------

/// The blob store's own bucket (not the bucket of its access logs).
fn blob_bucket(t: &Value) -> (&String, &Value) {
    let buckets: Vec<_> = of_type(t, "AWS::S3::Bucket")
        .into_iter()
        .filter(|(_, b)| {
            b["Metadata"]["escdk:path"]
                .as_str()
                .unwrap()
                .ends_with("/Bucket")
        })
        .collect();
    assert_eq!(buckets.len(), 1, "one blob bucket");
    buckets[0]
}

#[test]
fn the_bucket_logs_every_request_to_a_bucket_only_s3s_log_delivery_writes_for_this_account() {
    let stack = Stack::new("Storage");
    BlobStore::new(
        &stack.root(),
        "Blobs",
        BlobStoreProps {
            bucket_name: Some("acme-blobs".into()),
            ..Default::default()
        },
    );
    let t = template(&stack);
    let (_, bucket) = blob_bucket(&t);
    let logging = &bucket["Properties"]["LoggingConfiguration"];
    let log_id = logging["DestinationBucketName"]["Ref"].as_str().unwrap();
    assert_eq!(logging["LogFilePrefix"], "access-logs/");
    let log_bucket = &t["Resources"][log_id];
    assert_eq!(
        log_bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"],
        90
    );
    assert_eq!(log_bucket["DeletionPolicy"], "RetainExceptOnCreate");
    assert!(
        log_bucket["Properties"]["LoggingConfiguration"].is_null(),
        "no logging of the logs"
    );
    let (_, policy) = of_type(&t, "AWS::S3::BucketPolicy")
        .into_iter()
        .find(|(_, p)| p["Properties"]["Bucket"]["Ref"] == log_id)
        .expect("the log bucket has a policy");
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let write = statements
        .iter()
        .find(|s| s["Sid"] == "LogDeliveryWrite")
        .expect("S3's log delivery may write");
    assert_eq!(
        write["Principal"],
        json!({"Service": "logging.s3.amazonaws.com"})
    );
    assert_eq!(write["Action"], json!(["s3:PutObject"]));
    assert_eq!(
        write["Condition"]["ArnLike"]["aws:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::acme-blobs"})
    );
    assert_eq!(
        write["Condition"]["StringEquals"]["aws:SourceAccount"],
        json!({"Fn::Sub": "${AWS::AccountId}"})
    );
    assert!(
        statements
            .iter()
            .any(|s| s["Effect"] == "Deny"
                && s["Condition"]["Bool"]["aws:SecureTransport"] == "false"),
        "TLS only"
    );
    // Turned off by name: one bucket, no logging.
    let stack = Stack::new("Storage");
    BlobStore::new(
        &stack.root(),
        "Blobs",
        BlobStoreProps {
            access_logs: None,
            ..Default::default()
        },
    );
    let t = template(&stack);
    assert_eq!(of_type(&t, "AWS::S3::Bucket").len(), 1);
    assert!(blob_bucket(&t).1["Properties"]["LoggingConfiguration"].is_null());
}

#[test]
fn the_bucket_is_versioned_encrypted_private_tls_only_and_kept() {
    let stack = Stack::new("Storage");
    BlobStore::new(
        &stack.root(),
        "Blobs",
        BlobStoreProps {
            cors_origins: vec!["https://app.example.com".into()],
            ..Default::default()
        },
    );
    let t = template(&stack);
    let (_, bucket) = blob_bucket(&t);
    assert_eq!(bucket["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(bucket["UpdateReplacePolicy"], "Retain");
    let p = &bucket["Properties"];
    assert_eq!(p["VersioningConfiguration"], json!({"Status": "Enabled"}));
    assert_eq!(
        p["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(
        p["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerEnforced"
    );
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    let rule = &p["LifecycleConfiguration"]["Rules"][0];
    assert_eq!(rule["Status"], "Enabled");
    assert_eq!(rule["NoncurrentVersionExpiration"]["NoncurrentDays"], 90);
    assert_eq!(
        rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
        7
    );
    assert_eq!(
        p["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"],
        json!(["https://app.example.com"])
    );
    // The policy denies every request without TLS, on the bucket and on its objects.
    let (_, policy) = of_type(&t, "AWS::S3::BucketPolicy")[0];
    let deny = &policy["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Principal"], "*");
    assert_eq!(
        deny["Condition"],
        json!({"Bool": {"aws:SecureTransport": "false"}})
    );
    assert_eq!(deny["Resource"].as_array().unwrap().len(), 2);
    assert!(deny["Resource"][1].to_string().contains("/*"));
}

#[test]
fn by_default_the_task_role_reads_and_writes_this_bucket_only_and_no_key_exists() {
    let stack = Stack::new("Storage");
    let root = stack.root();
    let blobs = BlobStore::new(&root, "Blobs", BlobStoreProps::default());
    let task = Role::new(
        &root,
        "TaskRole",
        RoleProps::new("ecs-tasks.amazonaws.com", "the service's task"),
    );
    let grant = blobs.grant_read_write(&task);
    assert!(
        !grant.actions().iter().any(|a| a.contains('*')),
        "{:?}",
        grant.actions()
    );
    assert!(grant.actions().contains(&"s3:PutObject") && grant.actions().contains(&"s3:GetObject"));
    let vars = blobs.environment();
    assert!(var(&vars, "S3_ACCESS_KEY").is_none() && var(&vars, "S3_SECRET_KEY").is_none());
    for name in ["S3_ENDPOINT_URL", "S3_BUCKET_NAME", "S3_REGION"] {
        assert!(
            matches!(var(&vars, name), Some(EnvValue::Value(_))),
            "{name}"
        );
    }
    let t = template(&stack);
    assert!(of_type(&t, "AWS::IAM::User").is_empty());
    assert!(of_type(&t, "AWS::IAM::AccessKey").is_empty());
    let role = &of_type(&t, "AWS::IAM::Role")[0].1["Properties"];
    let statements = &role["Policies"][0]["PolicyDocument"]["Statement"];
    let bucket_id = blob_bucket(&t).0;
    for s in statements.as_array().unwrap() {
        assert!(
            s["Resource"].to_string().contains(bucket_id.as_str()),
            "{s}"
        );
    }
}

#[test]
fn an_access_key_is_for_this_bucket_only_and_travels_as_secret_references() {
    let stack = Stack::new("Storage");
    let blobs = BlobStore::new(
        &stack.root(),
        "Blobs",
        BlobStoreProps {
            credentials: Credentials::AccessKey { serial: 1 },
            ..Default::default()
        },
    );
    let vars = blobs.environment();
    for (name, key) in [
        ("S3_ACCESS_KEY", "accessKeyId"),
        ("S3_SECRET_KEY", "secretAccessKey"),
    ] {
        match var(&vars, name) {
            Some(v @ EnvValue::Secret { key: k, .. }) => {
                assert_eq!(k, key);
                let r = format!("{:?}", v.value_from());
                assert!(r.contains(&format!(":{key}::")), "{r}")
            }
            other => panic!("{name} must be a secret reference, is {other:?}"),
        }
    }
    let t = template(&stack);
    let (_, user) = of_type(&t, "AWS::IAM::User")[0];
    let doc = user["Properties"]["Policies"][0]["PolicyDocument"].to_string();
    assert!(!doc.contains("s3:*") && !doc.contains("\"*\""), "{doc}");
    let (key_id, _) = of_type(&t, "AWS::IAM::AccessKey")[0];
    let secrets = of_type(&t, "AWS::SecretsManager::Secret");
    let value = secrets[0].1["Properties"]["SecretString"].to_string();
    assert!(
        value.contains(&format!("[\"{key_id}\",\"SecretAccessKey\"]")),
        "the key's secret part is a GetAtt, never a literal: {value}"
    );
}

#[test]
fn bad_bucket_input_is_refused_with_the_path_and_the_fix() {
    let cases: Vec<(BlobStoreProps, &str)> = vec![
        (
            BlobStoreProps {
                bucket_name: Some("Blob_Storage".into()),
                ..Default::default()
            },
            "error: Bad/Blobs BucketName: `Blob_Storage` holds `B`",
        ),
        (
            BlobStoreProps {
                bucket_name: Some("192.168.1.1".into()),
                ..Default::default()
            },
            "is formatted as an IP address",
        ),
        (
            BlobStoreProps {
                noncurrent_version_expiration: Duration::days(0),
                ..Default::default()
            },
            "error: Bad/Blobs NoncurrentVersionExpiration:",
        ),
        (
            BlobStoreProps {
                transitions: vec![Transition {
                    storage_class: StorageClass::InfrequentAccess,
                    after: Duration::days(10),
                }],
                ..Default::default()
            },
            "error: Bad/Blobs Transitions:",
        ),
        (
            BlobStoreProps {
                cors_origins: vec!["http://app.example.com".into()],
                ..Default::default()
            },
            "error: Bad/Blobs CorsOrigins: `http://app.example.com` is not an https origin",
        ),
    ];
    for (props, expected) in cases {
        let stack = Stack::new("Bad");
        BlobStore::new(&stack.root(), "Blobs", props);
        let e = errors(&stack);
        assert!(e.contains(expected), "expected `{expected}` in:\n{e}");
        assert!(e.contains("fix:"), "{e}");
    }
}

// ---- EmailSender --------------------------------------------------------------------------

fn sender(stack: &Stack, props: impl FnOnce(EmailSenderProps) -> EmailSenderProps) -> EmailSender {
    let root = stack.root();
    let zone = HostedZone::from_attributes(&root, ZONE_ID, "example.com");
    EmailSender::new(
        &root,
        "Email",
        props(EmailSenderProps::new(zone, "example.com", "noreply")),
    )
}

#[test]
fn the_identity_signs_with_2048_bit_dkim_and_publishes_its_records() {
    let stack = Stack::new("Email");
    let email = sender(&stack, |p| p);
    let t = template(&stack);
    let (identity_id, identity) = of_type(&t, "AWS::SES::EmailIdentity")[0];
    let p = &identity["Properties"];
    assert_eq!(p["EmailIdentity"], "example.com");
    assert_eq!(
        p["DkimSigningAttributes"]["NextSigningKeyLength"],
        "RSA_2048_BIT"
    );
    assert_eq!(
        p["MailFromAttributes"]["MailFromDomain"],
        "mail.example.com"
    );
    let (_, set) = of_type(&t, "AWS::SES::ConfigurationSet")[0];
    assert_eq!(set["Properties"]["DeliveryOptions"]["TlsPolicy"], "REQUIRE");

    let records = of_type(&t, "AWS::Route53::RecordSet");
    let cnames: Vec<_> = records
        .iter()
        .filter(|(_, r)| r["Properties"]["Type"] == "CNAME")
        .collect();
    assert_eq!(cnames.len(), 3);
    for (i, (_, r)) in cnames.iter().enumerate() {
        assert_eq!(
            r["Properties"]["Name"],
            json!({"Fn::GetAtt": [identity_id, format!("DkimDNSTokenName{}", i + 1)]})
        );
        assert_eq!(r["Properties"]["HostedZoneId"], ZONE_ID);
    }
    let find = |kind: &str, name: &str| {
        records
            .iter()
            .find(|(_, r)| r["Properties"]["Type"] == kind && r["Properties"]["Name"] == name)
            .map(|(_, r)| r["Properties"]["ResourceRecords"][0].clone())
            .unwrap_or_else(|| panic!("no {kind} record for {name}"))
    };
    assert_eq!(
        find("MX", "mail.example.com"),
        json!({"Fn::Sub": "10 feedback-smtp.${AWS::Region}.amazonses.com"})
    );
    assert_eq!(
        find("TXT", "mail.example.com"),
        "\"v=spf1 include:amazonses.com ~all\""
    );
    assert_eq!(find("TXT", "_dmarc.example.com"), "\"v=DMARC1; p=none;\"");

    // The SMTP user may only send raw e-mail from this identity (and its configuration set).
    let users = of_type(&t, "AWS::IAM::User");
    let statements = &users[0].1["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    assert_eq!(statements.as_array().unwrap().len(), 1);
    assert_eq!(statements[0]["Action"], json!(["ses:SendRawEmail"]));
    assert!(statements[0]["Resource"][0]
        .to_string()
        .contains(":identity/example.com"));

    let vars = email.environment();
    assert!(matches!(
        var(&vars, "SMTP_USERNAME"),
        Some(EnvValue::Secret { .. })
    ));
    assert!(matches!(
        var(&vars, "SMTP_PASSWORD"),
        Some(EnvValue::Secret { .. })
    ));
    assert_eq!(
        var(&vars, "SMTP_PORT"),
        Some(&EnvValue::Value("587".into()))
    );
    assert_eq!(
        var(&vars, "SMTP_FROM_EMAIL_FOR_ADMINISTRATORS"),
        Some(&EnvValue::Value("noreply@example.com".into()))
    );
    assert!(matches!(var(&vars, "SMTP_HOST"), Some(EnvValue::Value(_))));
}

#[test]
fn a_full_from_address_at_the_domain_is_taken_as_it_is() {
    let stack = Stack::new("Email");
    let email = sender(&stack, |p| EmailSenderProps {
        from_address: "Admins@Example.com".into(),
        ..p
    });
    assert_eq!(email.from_address, "Admins@example.com");
    template(&stack);
}

#[test]
fn bad_email_input_is_refused_with_the_path_and_the_fix() {
    type Edit = Box<dyn FnOnce(EmailSenderProps) -> EmailSenderProps>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|p| EmailSenderProps {
                from_address: "noreply@other.org".into(),
                ..p
            }),
            "error: Bad/Email FromAddress: `noreply@other.org` is not at the identity's domain `example.com`",
        ),
        (
            Box::new(|p| EmailSenderProps {
                from_address: "no reply".into(),
                ..p
            }),
            "error: Bad/Email FromAddress: `no reply` has no valid local part",
        ),
        (
            Box::new(|p| EmailSenderProps {
                mail_from_domain: Some("mail.other.org".into()),
                ..p
            }),
            "error: Bad/Email MailFromDomain: `mail.other.org` is not a subdomain of the identity `example.com`",
        ),
        (
            Box::new(|p| EmailSenderProps {
                mail_from_domain: Some("example.com".into()),
                ..p
            }),
            "error: Bad/Email MailFromDomain: `example.com` is not a subdomain",
        ),
        (
            Box::new(|p| EmailSenderProps {
                domain: "example.org".into(),
                ..p
            }),
            "error: Bad/Email Domain: `example.org` is not in the hosted zone `example.com`",
        ),
        (
            Box::new(|p| EmailSenderProps {
                dmarc_reports_to: Some("not-an-address".into()),
                ..p
            }),
            "error: Bad/Email DmarcReportsTo: `not-an-address` is not an e-mail address",
        ),
    ];
    for (edit, expected) in cases {
        let stack = Stack::new("Bad");
        sender(&stack, edit);
        let e = errors(&stack);
        assert!(e.contains(expected), "expected `{expected}` in:\n{e}");
        assert!(e.contains("fix:"), "{e}");
    }
    let stack = Stack::new("Bad");
    HostedZone::from_attributes(&stack.root(), "zone-1", "example.com");
    let e = errors(&stack);
    assert!(
        e.contains("error: Bad HostedZoneId: `zone-1` is not a hosted zone id"),
        "{e}"
    );
}

// ---- PlatformAlerts -----------------------------------------------------------------------

#[test]
fn alerts_watch_the_event_store_and_its_replication_on_every_instance() {
    let stack = Stack::new("Alerts");
    let store = support::aurora_store(&stack, AuroraEventStoreProps::default());
    let mut alerts = PlatformAlerts::new(
        &stack.root(),
        "Alerts",
        PlatformAlertsProps {
            emails: vec!["ops@example.com".into(), "dev@example.com".into()],
        },
    );
    alerts.watch_event_store(&store, &EventStoreThresholds::default());
    let t = template(&stack);
    let alarms = of_type(&t, "AWS::CloudWatch::Alarm");
    assert_eq!(alarms.len(), 5 * store.instances.len());
    let topic = of_type(&t, "AWS::SNS::Topic")[0].0;
    for name in [
        "CPUUtilization",
        "FreeableMemory",
        "FreeLocalStorage",
        "OldestReplicationSlotLag",
        "TransactionLogsDiskUsage",
    ] {
        let matching: Vec<_> = alarms
            .iter()
            .filter(|(_, a)| a["Properties"]["MetricName"] == name)
            .collect();
        assert_eq!(matching.len(), store.instances.len(), "{name}");
        for (_, a) in matching {
            let p = &a["Properties"];
            assert_eq!(p["Namespace"], "AWS/RDS");
            assert_eq!(p["Dimensions"][0]["Name"], "DBInstanceIdentifier");
            assert_eq!(p["AlarmActions"], json!([{"Ref": topic}]));
            assert!(p["AlarmDescription"].as_str().unwrap().len() > 40, "{p}");
        }
    }
    let lag = alarms
        .iter()
        .find(|(_, a)| a["Properties"]["MetricName"] == "OldestReplicationSlotLag")
        .unwrap()
        .1;
    assert_eq!(lag["Properties"]["Threshold"], 1024.0 * 1024.0 * 1024.0);
    assert_eq!(
        lag["Properties"]["ComparisonOperator"],
        "GreaterThanThreshold"
    );
    // The topic is encrypted and refuses requests without TLS.
    assert!(of_type(&t, "AWS::SNS::Topic")[0].1["Properties"]["KmsMasterKeyId"].is_object());
    let (_, policy) = of_type(&t, "AWS::SNS::TopicPolicy")[0];
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][0]["Condition"],
        json!({"Bool": {"aws:SecureTransport": "false"}})
    );
}

#[test]
fn subscriptions_are_named_by_address_so_removing_one_keeps_the_others() {
    let ids = |emails: Vec<&str>| {
        let stack = Stack::new("Alerts");
        PlatformAlerts::new(
            &stack.root(),
            "Alerts",
            PlatformAlertsProps {
                emails: emails.into_iter().map(String::from).collect(),
            },
        );
        let t = template(&stack);
        let mut ids: Vec<String> = of_type(&t, "AWS::SNS::Subscription")
            .into_iter()
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    };
    let both = ids(vec!["ops@example.com", "dev@example.com"]);
    let one = ids(vec!["dev@example.com"]);
    assert_eq!(both.len(), 2);
    assert_eq!(one.len(), 1);
    assert!(both.contains(&one[0]));
}

#[test]
fn log_errors_become_a_metric_and_an_alarm() {
    let stack = Stack::new("Alerts");
    let mut alerts = PlatformAlerts::new(&stack.root(), "Alerts", PlatformAlertsProps::default());
    alerts.watch_log_errors("Backend", "/ecs/backend", ERROR_PATTERN);
    let t = template(&stack);
    let (_, filter) = of_type(&t, "AWS::Logs::MetricFilter")[0];
    let p = &filter["Properties"];
    assert_eq!(p["FilterPattern"], ERROR_PATTERN);
    assert_eq!(p["LogGroupName"], "/ecs/backend");
    let transformation = &p["MetricTransformations"][0];
    let (_, alarm) = of_type(&t, "AWS::CloudWatch::Alarm")[0];
    assert_eq!(
        alarm["Properties"]["MetricName"],
        transformation["MetricName"]
    );
    assert_eq!(
        alarm["Properties"]["Namespace"],
        transformation["MetricNamespace"]
    );
    assert_eq!(alarm["Properties"]["Period"], 60);

    let stack = Stack::new("Bad");
    let mut alerts = PlatformAlerts::new(&stack.root(), "Alerts", PlatformAlertsProps::default());
    alerts.watch_log_errors("Backend", "/ecs/backend", " ");
    let e = errors(&stack);
    assert!(
        e.contains(
            "error: Bad/Alerts BackendErrorLines: an empty filter pattern matches every line"
        ),
        "{e}"
    );
}

#[test]
fn an_alert_address_that_is_not_an_email_is_refused() {
    let stack = Stack::new("Bad");
    PlatformAlerts::new(
        &stack.root(),
        "Alerts",
        PlatformAlertsProps {
            emails: vec!["ops-at-example.com".into()],
        },
    );
    let e = errors(&stack);
    assert!(
        e.contains("error: Bad/Alerts/Topic Emails: `ops-at-example.com` is not an e-mail address"),
        "{e}"
    );
}

#[test]
fn the_platform_example_has_all_three_and_passes_the_template_assertions() {
    let app = escdk_examples::app();
    let t = Template::from_app(&app, "production-PlatformData");
    // The blob store and the bucket of its access logs.
    t.resource_count_is("AWS::S3::Bucket", 2);
    t.resource_count_is("AWS::SES::EmailIdentity", 1);
    t.resource_count_is("Custom::SesSmtpCredentials", 1);
    assert!(t.to_json()["Outputs"].get("SesIdentity").is_some());
    // The alerts live with the services they watch.
    let t = Template::from_app(&app, "production-PlatformServices");
    t.resource_count_is("AWS::SNS::TopicPolicy", 1);
    // The backend gets the variables: values in `Environment`, credentials in `Secrets`.
    let json = t.to_json();
    let (_, backend) = of_type(json, "AWS::ECS::TaskDefinition")
        .into_iter()
        .find(|(lid, _)| lid.starts_with("BackendService"))
        .expect("the backend's task definition");
    let container = &backend["Properties"]["ContainerDefinitions"][0];
    let names = |key: &str| -> Vec<String> {
        container[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["Name"].as_str().unwrap().to_string())
            .collect()
    };
    let (plain, secret) = (names("Environment"), names("Secrets"));
    for name in [
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_FROM_EMAIL_FOR_ADMINISTRATORS",
        "S3_ENDPOINT_URL",
        "S3_BUCKET_NAME",
        "S3_REGION",
    ] {
        assert!(plain.contains(&name.to_string()), "{name} is not a value");
    }
    for name in ["SMTP_USERNAME", "SMTP_PASSWORD"] {
        assert!(secret.contains(&name.to_string()), "{name} is not a secret");
    }
    // No long-lived S3 key by default: the task role is the credential.
    assert!(!plain
        .iter()
        .chain(&secret)
        .any(|n| n.starts_with("S3_ACCESS") || n.starts_with("S3_SECRET")));
}

#[test]
fn lifecycle_transitions_go_down_s3_s_classes_once_each_30_days_after_standard_ia() {
    let blobs = |transitions: &[(StorageClass, u64)]| {
        let stack = Stack::new("Storage");
        BlobStore::new(
            &stack.root(),
            "Blobs",
            BlobStoreProps {
                transitions: transitions
                    .iter()
                    .map(|&(storage_class, days)| Transition {
                        storage_class,
                        after: Duration::days(days),
                    })
                    .collect(),
                ..Default::default()
            },
        );
        stack
    };
    let e = errors(&blobs(&[
        (StorageClass::Glacier, 30),
        (StorageClass::InfrequentAccess, 60),
    ]));
    assert!(
        e.contains("error: Storage/Blobs Transitions: STANDARD_IA on day 60 does not follow GLACIER on day 30: S3 moves objects only to a colder class, on a later day"),
        "{e}"
    );
    let e = errors(&blobs(&[
        (StorageClass::Glacier, 30),
        (StorageClass::Glacier, 90),
    ]));
    assert!(e.contains("Transitions: two transitions to GLACIER"), "{e}");
    let e = errors(&blobs(&[
        (StorageClass::InfrequentAccess, 30),
        (StorageClass::Glacier, 59),
    ]));
    assert!(
        e.contains(
            "Transitions: GLACIER on day 59 is less than 30 days after STANDARD_IA on day 30"
        ),
        "{e}"
    );
    let e = errors(&blobs(&[
        (StorageClass::GlacierInstantRetrieval, 90),
        (StorageClass::Glacier, 90),
    ]));
    assert!(
        e.contains("GLACIER on day 90 does not follow GLACIER_IR on day 90"),
        "{e}"
    );
    // In any order given, the waterfall with 30 days after Standard-IA passes.
    blobs(&[
        (StorageClass::DeepArchive, 365),
        (StorageClass::InfrequentAccess, 30),
        (StorageClass::Glacier, 60),
    ])
    .synth()
    .expect("Standard-IA, then Glacier 30 days later, then Deep Archive");
}
