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
//! Context (`-c key=value`, or `escdk.json`): `ambarEgressCidrs` (a JSON list: Ambar's
//! egress addresses for its region, from Ambar's documentation) and `backendBaseUrl`
//! (`https://…` of the backend that receives the records). Until they are set, synth uses
//! placeholders and says so.

use escdk_constructs::ambar::{AmbarStreaming, AmbarStreamingProps, ApiKey, Destination};
use escdk_constructs::atlas::{AtlasActivation, ProjectionStore, ProjectionStoreProps};
use escdk_constructs::ec2::{SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use escdk_constructs::env::EnvValue;
use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
use escdk_synth::{Output, Scope, Stack};

/// A documentation range (RFC 5737): deployable, and reaches nothing.
const PLACEHOLDER_EGRESS: &str = "192.0.2.0/28";
const PLACEHOLDER_BASE_URL: &str = "https://api.example.com";
/// The seed's example project id.
const PLACEHOLDER_PROJECT: &str = "507f1f77bcf86cd799439011";

/// The Atlas project, from the context or the seed's example id.
fn atlas_project(scope: &Scope) -> String {
    match scope.try_get_context("atlasProjectId") {
        Some(serde_json::Value::String(id)) => id,
        Some(other) => other.to_string(),
        None => {
            scope.warning(
                format!("the Atlas project is not set: using the seed's example id {PLACEHOLDER_PROJECT}"),
                "set it: -c atlasProjectId=<your project's 24-digit id>",
            );
            PLACEHOLDER_PROJECT.to_string()
        }
    }
}

/// Ambar's egress CIDRs and the backend's base URL, from the context or placeholders.
fn streaming_context(scope: &Scope) -> (Vec<String>, String) {
    let egress = match scope.try_get_context("ambarEgressCidrs") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect(),
        Some(serde_json::Value::String(one)) => vec![one],
        Some(other) => vec![other.to_string()],
        None => {
            scope.warning(
                format!("Ambar's egress addresses are not set: using {PLACEHOLDER_EGRESS}, a documentation range Ambar does not use"),
                "set them from Ambar's documentation: -c 'ambarEgressCidrs=[\"a.b.c.d/32\"]'",
            );
            vec![PLACEHOLDER_EGRESS.to_string()]
        }
    };
    let base = match scope.try_get_context("backendBaseUrl") {
        Some(serde_json::Value::String(url)) => url,
        Some(other) => other.to_string(),
        None => {
            scope.warning(
                format!("the backend's base URL is not set: destinations point at {PLACEHOLDER_BASE_URL}"),
                "set it: -c backendBaseUrl=https://api.your-domain",
            );
            PLACEHOLDER_BASE_URL.to_string()
        }
    };
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
    for (var, value) in projections.environment() {
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
