//! The event-sourcing platform's foundation (`../shared/seeds/000_…`): a VPC and the Aurora
//! PostgreSQL event store, with its schema applied by the stack itself.
//!
//! Where the Terraform module opened the database to 0.0.0.0/0, ran `psql` from the
//! operator's laptop with credentials in the URL, and needed an `event_store_configured`
//! flag flipped after a first deploy, this stack:
//! - keeps the database in private subnets, reachable only from the services' security group;
//! - keeps the credentials in Secrets Manager;
//! - applies the schema in one deploy, with a custom resource that everything after it
//!   depends on;
//! - streams the event store to the application's endpoints through Ambar as the
//!   replication user, from Ambar's egress addresses only, configured by the stack itself.
//!
//! - keeps the application's objects in a private, versioned, TLS-only bucket that the
//!   services reach through their task role, with no long-lived key;
//! - sends e-mail from a DKIM-signed domain with MAIL FROM and DMARC records, over TLS
//!   only, with SMTP credentials the stack makes into a secret;
//! - alerts by e-mail on the event store's health and its replication stream.
//!
//! Context (`-c key=value`, or `escdk.json`): `ambarEgressCidrs` (a JSON list: Ambar's
//! egress addresses for its region, from Ambar's documentation), `backendBaseUrl`
//! (`https://…` of the backend that receives the records), `atlasProjectId`,
//! `hostedZoneId` and `hostedZoneName` (the seed's `hosted_zone_id` and `hosted_zone_name`:
//! e-mail is sent from the zone's domain),
//! `fromEmail` and `alertEmails` (a JSON list). Until they are set, synth uses placeholders
//! and says so.

use escdk_constructs::alerts::{EventStoreThresholds, PlatformAlerts, PlatformAlertsProps};
use escdk_constructs::ambar::{AmbarStreaming, AmbarStreamingProps, ApiKey, Destination};
use escdk_constructs::atlas::{AtlasActivation, ProjectionStore, ProjectionStoreProps};
use escdk_constructs::ec2::{SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use escdk_constructs::env::EnvValue;
use escdk_constructs::route53::HostedZone;
use escdk_constructs::s3::{BlobStore, BlobStoreProps};
use escdk_constructs::ses::{EmailSender, EmailSenderProps};
use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
use escdk_synth::{Output, Scope, Stack};

/// A documentation range (RFC 5737): deployable, and reaches nothing.
const PLACEHOLDER_EGRESS: &str = "192.0.2.0/28";
const PLACEHOLDER_BASE_URL: &str = "https://api.example.com";
/// The seed's example project id.
const PLACEHOLDER_PROJECT: &str = "507f1f77bcf86cd799439011";
/// A zone id of the right shape that no account has, and the documentation domain.
const PLACEHOLDER_ZONE_ID: &str = "Z0000000000000000EXAMPLE";
const PLACEHOLDER_DOMAIN: &str = "example.com";

/// A string from the context (a JSON value other than a string as its JSON text).
fn context_value(scope: &Scope, key: &str) -> Option<String> {
    match scope.try_get_context(key)? {
        serde_json::Value::String(v) => Some(v),
        other => Some(other.to_string()),
    }
}

/// A list of strings from the context (a JSON list, or one value).
fn context_list(scope: &Scope, key: &str) -> Option<Vec<String>> {
    match scope.try_get_context(key)? {
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
        ),
        serde_json::Value::String(one) => Some(vec![one]),
        other => Some(vec![other.to_string()]),
    }
}

/// A string from the context, or `placeholder` with a warning saying how to set it.
fn context_string(scope: &Scope, key: &str, placeholder: &str, what: &str) -> String {
    context_value(scope, key).unwrap_or_else(|| {
        scope.warning(
            format!("{what} is not set: using {placeholder}"),
            format!("set it: -c {key}=<value>"),
        );
        placeholder.to_string()
    })
}

/// One output per variable a construct hands to the services (its value, or the secret
/// reference ECS takes in `ValueFrom`), named after the variable in PascalCase.
fn environment_outputs(stack: &Stack, vars: Vec<(String, EnvValue)>) {
    for (var, value) in vars {
        let id: String = var
            .split('_')
            .map(|w| {
                let lower = w.to_lowercase();
                let mut cs = lower.chars();
                cs.next()
                    .map(|c| c.to_ascii_uppercase())
                    .into_iter()
                    .chain(cs)
                    .collect::<String>()
            })
            .collect();
        let (value, what) = match value {
            EnvValue::Value(v) => (v, "value"),
            EnvValue::Secret(r) => (r.into(), "secret reference (ECS `ValueFrom`)"),
        };
        stack.add_output(
            &id,
            Output::new(value).description(format!("{var}: the services' {what}")),
        );
    }
}

/// The Atlas project, from the context or the seed's example id.
fn atlas_project(scope: &Scope) -> String {
    context_value(scope, "atlasProjectId").unwrap_or_else(|| {
        scope.warning(
            format!(
                "the Atlas project is not set: using the seed's example id {PLACEHOLDER_PROJECT}"
            ),
            "set it: -c atlasProjectId=<your project's 24-digit id>",
        );
        PLACEHOLDER_PROJECT.to_string()
    })
}

/// Ambar's egress CIDRs and the backend's base URL, from the context or placeholders.
fn streaming_context(scope: &Scope) -> (Vec<String>, String) {
    let egress = context_list(scope, "ambarEgressCidrs").unwrap_or_else(|| {
        scope.warning(
            format!("Ambar's egress addresses are not set: using {PLACEHOLDER_EGRESS}, a documentation range Ambar does not use"),
            "set them from Ambar's documentation: -c 'ambarEgressCidrs=[\"a.b.c.d/32\"]'",
        );
        vec![PLACEHOLDER_EGRESS.to_string()]
    });
    let base = context_value(scope, "backendBaseUrl").unwrap_or_else(|| {
        scope.warning(
            format!(
                "the backend's base URL is not set: destinations point at {PLACEHOLDER_BASE_URL}"
            ),
            "set it: -c backendBaseUrl=https://api.your-domain",
        );
        PLACEHOLDER_BASE_URL.to_string()
    });
    (egress, base)
}

/// The platform stack: network, event store, streaming and projection store. Its Atlas
/// resources need `activation` (a stack of the same app) deployed first.
pub fn stack(name: &str, activation: &AtlasActivation) -> Stack {
    let stack = Stack::new(name);
    stack.set_description(
        "Event-sourcing platform: VPC and the Aurora PostgreSQL event store with its schema",
    );
    let root = stack.root();
    let vpc = Vpc::new(&root, "Network", VpcProps::default());
    // The application services (ECS) join this group; the event store admits it.
    let services = SecurityGroup::new(
        &root,
        "Services",
        &vpc,
        SecurityGroupProps::new("Application services"),
    );
    // Ambar connects from outside the VPC: public addresses, its egress CIDRs only.
    let store = AuroraEventStore::new(
        &root,
        "EventStore",
        &vpc,
        AuroraEventStoreProps {
            publicly_accessible: true,
            ..AuroraEventStoreProps::default()
        },
    );
    store.allow_from(&services);
    let (egress, base_url) = streaming_context(&root);
    let egress: Vec<&str> = egress.iter().map(String::as_str).collect();
    let streaming = AmbarStreaming::new(
        &root,
        "Streaming",
        &store,
        AmbarStreamingProps::new(
            ApiKey::Create,
            base_url,
            vec![
                Destination::new("/projections/users", "User projection endpoint"),
                Destination::new("/projections/orders", "Order projection endpoint"),
            ],
            &egress,
        ),
    );

    // Read models in MongoDB Atlas, reachable from the VPC's NAT address only.
    let projections = ProjectionStore::new(
        &root,
        "ProjectionStore",
        activation,
        &vpc,
        ProjectionStoreProps::new(&atlas_project(&root)),
    );
    environment_outputs(&stack, projections.environment());

    // Objects: versioned, private, TLS-only; the services use their task role, no key.
    let blobs = BlobStore::new(&root, "BlobStore", BlobStoreProps::default());
    environment_outputs(&stack, blobs.environment());

    // E-mail from the zone's domain, with SMTP credentials in a secret.
    let domain = context_string(
        &root,
        "hostedZoneName",
        PLACEHOLDER_DOMAIN,
        "the hosted zone's name (the seed's hosted_zone_name)",
    );
    let zone = HostedZone::from_attributes(
        &root,
        &context_string(
            &root,
            "hostedZoneId",
            PLACEHOLDER_ZONE_ID,
            "the hosted zone (the seed's hosted_zone_id)",
        ),
        &domain,
    );
    let email = EmailSender::new(
        &root,
        "Email",
        EmailSenderProps::new(
            zone,
            &domain,
            &context_string(
                &root,
                "fromEmail",
                "noreply",
                "the administrators' from-address (the seed's from_email)",
            ),
        ),
    );
    environment_outputs(&stack, email.environment());
    stack.add_output(
        "SesIdentity",
        Output::new(email.identity_arn())
            .description("The SES identity's ARN (the module's ses_identity)"),
    );

    // Alerts by e-mail on the event store and its replication stream.
    let emails = context_list(&root, "alertEmails").unwrap_or_default();
    if emails.is_empty() {
        root.warning(
            "no alert e-mail addresses: alarms go to a topic nobody is subscribed to",
            "set them: -c 'alertEmails=[\"ops@your-domain\"]'",
        );
    }
    let mut alerts = PlatformAlerts::new(&root, "Alerts", PlatformAlertsProps { emails });
    alerts.watch_event_store(&store, &EventStoreThresholds::default());
    stack.add_output(
        "AlertTopicArn",
        Output::new(alerts.topic_arn()).description("Alarms notify this topic"),
    );

    let outputs = [
        (
            "EventStoreEndpoint",
            store.endpoint(),
            "Writer endpoint of the event store",
        ),
        ("EventStorePort", store.port(), "PostgreSQL port"),
        (
            "EventStoreMasterSecretArn",
            store.master_secret_arn(),
            "Secret with the master credentials (never their value)",
        ),
        (
            "EventStoreReplicationSecretArn",
            store.replication_secret_arn(),
            "Secret with the replication user's credentials",
        ),
        (
            "ServicesSecurityGroupId",
            services.id(),
            "Security group the services join to reach the event store",
        ),
        ("VpcId", vpc.id(), "The VPC"),
        (
            "AmbarApiKeySecretArn",
            streaming.api_key_secret_arn.clone(),
            "Put the Ambar API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string <key>",
        ),
        (
            "AmbarHttpUsernameSecretArn",
            streaming.http_username.reference(),
            "Secret with the HTTP Basic username Ambar presents to the endpoints",
        ),
        (
            "AmbarHttpPasswordSecretArn",
            streaming.http_password.reference(),
            "Secret with the HTTP Basic password Ambar presents to the endpoints",
        ),
    ];
    for (name, value, description) in outputs {
        stack.add_output(name, Output::new(value).description(description));
    }
    for (name, value) in [
        ("EventStoreDatabaseName", store.names.database.clone()),
        ("EventStoreEventsTable", store.names.events_table.clone()),
        ("EventStorePublication", store.names.publication.clone()),
    ] {
        stack.add_output(name, Output::new(value));
    }
    stack
}
