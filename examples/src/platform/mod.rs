//! The event-sourcing platform (`../shared/seeds/000_…`): a VPC, the Aurora PostgreSQL
//! event store with its schema applied by the stack itself, Ambar streaming, the MongoDB
//! Atlas projection store, blob storage, e-mail, alerts, and the frontend and backend
//! services with their registries, CI roles, load balancers, certificates and records.
//!
//! Where the Terraform module opened the database to 0.0.0.0/0, ran `psql` from the
//! operator's laptop with credentials in the URL, and needed an `event_store_configured`
//! flag flipped after a first deploy, this stack:
//! - keeps the database in private subnets, reachable only from the services' security group;
//! - keeps the credentials in Secrets Manager, and hands them to the containers as secret
//!   references (ECS `Secrets`), never as plain variables;
//! - applies the schema in one deploy, with a custom resource that everything after it
//!   depends on;
//! - streams the event store to the backend's endpoints through Ambar as the replication
//!   user, from Ambar's egress addresses only, configured by the stack itself;
//! - keeps the application's objects in a private, versioned, TLS-only bucket that the
//!   backend reaches through its task role, with no long-lived key;
//! - sends e-mail from a DKIM-signed domain with MAIL FROM and DMARC records, over TLS
//!   only, with SMTP credentials the stack makes into a secret;
//! - serves the frontend on HTTPS (HTTP redirected) and the backend on TLS only, with one
//!   certificate per service covering every domain, and a record for every domain;
//! - lets each GitHub repository push to its own registry and roll its own service only;
//! - alerts by e-mail on the event store's health, its replication stream, and each
//!   service's errors, 5xx answers, unhealthy tasks, CPU and memory.
//!
//! Context (`-c key=value`, or `escdk.json`): `ambarEgressCidrs` (a JSON list: Ambar's
//! egress addresses for its region, from Ambar's documentation), `atlasProjectId`,
//! `hostedZoneId` and `hostedZoneName` (the seed's `hosted_zone_id` and
//! `hosted_zone_name`), `topLevelDomain` (the zone's name by default),
//! `frontendDomainPrefix` (empty by default: the frontend is on the top-level domain),
//! `backendDomainPrefix` (`api`), `additionalFrontendDomains` (a JSON list),
//! `githubOrganization`, `frontendGithubRepository`, `backendGithubRepository`,
//! `frontendGithubBranch` and `backendGithubBranch` (`main`), `frontendImage` and
//! `backendImage` (the tags to run), `fromEmail` and `alertEmails` (a JSON list). Until they
//! are set, synth uses placeholders and says so.

mod context;
pub mod services;

use context::{context_list, context_string, context_value};

use escdk_constructs::alerts::{
    EventStoreThresholds, PlatformAlerts, PlatformAlertsProps, ServiceThresholds,
};
use escdk_constructs::ambar::{AmbarStreaming, AmbarStreamingProps, ApiKey, Destination};
use escdk_constructs::atlas::{AtlasActivation, ProjectionStore, ProjectionStoreProps};
use escdk_constructs::ec2::{SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use escdk_constructs::ecs_patterns::variables;
use escdk_constructs::route53::HostedZone;
use escdk_constructs::s3::{BlobStore, BlobStoreProps};
use escdk_constructs::ses::{EmailSender, EmailSenderProps};
use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
use escdk_synth::{Output, Scope, Stack};

/// A documentation range (RFC 5737): deployable, and reaches nothing.
const PLACEHOLDER_EGRESS: &str = "192.0.2.0/28";
/// The seed's example project id.
const PLACEHOLDER_PROJECT: &str = "507f1f77bcf86cd799439011";
/// A zone id of the right shape that no account has, and the documentation domain.
const PLACEHOLDER_ZONE_ID: &str = "Z0000000000000000EXAMPLE";
const PLACEHOLDER_DOMAIN: &str = "example.com";

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

/// Ambar's egress CIDRs, from the context or a placeholder.
fn ambar_egress(scope: &Scope) -> Vec<String> {
    context_list(scope, "ambarEgressCidrs").unwrap_or_else(|| {
        scope.warning(
            format!("Ambar's egress addresses are not set: using {PLACEHOLDER_EGRESS}, a documentation range Ambar does not use"),
            "set them from Ambar's documentation: -c 'ambarEgressCidrs=[\"a.b.c.d/32\"]'",
        );
        vec![PLACEHOLDER_EGRESS.to_string()]
    })
}

/// The platform stack: network, event store, streaming, projection store, storage,
/// e-mail, alerts and the two services. Its Atlas resources need `activation` (a stack of
/// the same app) deployed first.
pub fn stack(name: &str, activation: &AtlasActivation) -> Stack {
    let stack = Stack::new(name);
    stack.set_description(
        "Event-sourcing platform: VPC, Aurora PostgreSQL event store, Ambar streaming, Atlas projections, storage, e-mail, alerts and the frontend and backend services",
    );
    let root = stack.root();
    let vpc = Vpc::new(&root, "Network", VpcProps::default());
    // The backend joins this group; the event store admits it.
    let services_group = SecurityGroup::new(
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
    store.allow_from(&services_group);

    // The domains: the zone, the top-level domain in it, and the services' names under it.
    let zone_name = context_string(
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
        &zone_name,
    );
    let top = context_value(&root, "topLevelDomain").unwrap_or_else(|| zone_name.clone());
    let frontend_domain = services::domain_with_prefix(
        &context_value(&root, "frontendDomainPrefix").unwrap_or_default(),
        &top,
    );
    let backend_domain = services::domain_with_prefix(
        &context_value(&root, "backendDomainPrefix").unwrap_or_else(|| "api".to_string()),
        &top,
    );

    let egress = ambar_egress(&root);
    let egress: Vec<&str> = egress.iter().map(String::as_str).collect();
    let streaming = AmbarStreaming::new(
        &root,
        "Streaming",
        &store,
        AmbarStreamingProps::new(
            ApiKey::Create,
            format!("https://{backend_domain}"),
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

    // Objects: versioned, private, TLS-only; the backend uses its task role, no key.
    let blobs = BlobStore::new(&root, "BlobStore", BlobStoreProps::default());

    // E-mail from the zone's domain, with SMTP credentials in a secret.
    let email = EmailSender::new(
        &root,
        "Email",
        EmailSenderProps::new(
            zone.clone(),
            &zone_name,
            &context_string(
                &root,
                "fromEmail",
                "noreply",
                "the administrators' from-address (the seed's from_email)",
            ),
        ),
    );

    // The services, their registries and CI roles.
    let app = services::services(
        &root,
        &vpc,
        &zone,
        &frontend_domain,
        &backend_domain,
        vec![services_group.clone()],
    );
    let backend = &app.backend.service;
    for vars in [
        store.environment(),
        projections.environment(),
        streaming.environment(),
        email.environment(),
        blobs.environment(),
        variables::backend(&app.frontend),
    ] {
        backend.add_environment(vars);
    }
    app.frontend
        .service
        .add_environment(variables::frontend(&app.frontend, &app.backend));
    blobs.grant_read_write(backend);
    // Tasks start once the schema is applied and the SMTP secret holds its credentials.
    stack.add_dependency(&backend.service, &store.schema);
    stack.add_dependency(&backend.service, &email.smtp.resource);

    // Alerts by e-mail on the event store, its replication stream and the services.
    let emails = context_list(&root, "alertEmails").unwrap_or_default();
    if emails.is_empty() {
        root.warning(
            "no alert e-mail addresses: alarms go to a topic nobody is subscribed to",
            "set them: -c 'alertEmails=[\"ops@your-domain\"]'",
        );
    }
    let mut alerts = PlatformAlerts::new(&root, "Alerts", PlatformAlertsProps { emails });
    alerts.watch_event_store(&store, &EventStoreThresholds::default());
    alerts.watch_service(
        "Frontend",
        &app.frontend.metrics(),
        &ServiceThresholds::default(),
    );
    alerts.watch_service(
        "Backend",
        &app.backend.metrics(),
        &ServiceThresholds::default(),
    );

    // The module's outputs, under its names in PascalCase.
    let module_outputs = [
        ("FrontendUrl", app.frontend.url().into(), "The frontend's URL (frontend_url)"),
        ("BackendUrl", app.backend.url().into(), "The backend's URL (backend_url)"),
        (
            "FrontendEcrRepositoryUrl",
            app.frontend_repository.repository_uri().into(),
            "Push the frontend's images here (frontend_ecr_repository_url)",
        ),
        (
            "FrontendGithubAssumableRoleReadWrite",
            app.frontend_ci.arn().into(),
            "The frontend repository's workflows assume this role (frontend_github_assumable_role_read_write)",
        ),
        (
            "BackendEcrRepositoryUrl",
            app.backend_repository.repository_uri().into(),
            "Push the backend's images here (backend_ecr_repository_url)",
        ),
        (
            "BackendGithubAssumableRoleReadWrite",
            app.backend_ci.arn().into(),
            "The backend repository's workflows assume this role (backend_github_assumable_role_read_write)",
        ),
        (
            "SesIdentity",
            email.identity_arn().into(),
            "The SES identity's ARN (ses_identity)",
        ),
    ];
    let outputs: [(&str, escdk_synth::Json, &str); 12] = [
        (
            "EventStoreEndpoint",
            store.endpoint().into(),
            "Writer endpoint of the event store",
        ),
        (
            "EventStoreMasterSecretArn",
            store.master_secret_arn().into(),
            "Secret with the master credentials (never their value)",
        ),
        (
            "EventStoreReplicationSecretArn",
            store.replication_secret_arn().into(),
            "Secret with the replication user's credentials",
        ),
        ("VpcId", vpc.id().into(), "The VPC"),
        (
            "AmbarApiKeySecretArn",
            streaming.api_key_secret_arn.clone().into(),
            "Put the Ambar API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string <key>",
        ),
        (
            "AlertTopicArn",
            alerts.topic_arn().into(),
            "Alarms notify this topic",
        ),
        ("FrontendServiceName", app.frontend.service.service.attr_name().into(), "The frontend's ECS service name"),
        ("BackendServiceName", backend.service.attr_name().into(), "The backend's ECS service name"),
        ("BlobStoreBucketName", blobs.name().into(), "The application's bucket"),
        ("EventStoreDatabaseName", store.names.database.clone().into(), "The event store's database"),
        ("EventStoreEventsTable", store.names.events_table.clone().into(), "The events table"),
        ("EventStorePublication", store.names.publication.clone().into(), "The publication Ambar reads"),
    ];
    for (name, value, description) in module_outputs.into_iter().chain(outputs) {
        stack.add_output(name, Output::new(value).description(description));
    }
    stack
}
