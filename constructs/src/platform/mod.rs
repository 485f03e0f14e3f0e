//! [`EventSourcingPlatform`]: the seed's Terraform module (`../shared/seeds/000_…`) as one
//! construct. One field per module input ([`EventSourcingPlatformProps`]); the module's
//! outputs under its names; every container variable of the module's tables set from the
//! constructs that own the value.
//!
//! It adds three stacks to the app, in the order `deploy` deploys them:
//! - `AtlasActivation` activates the Atlas registry types, once per account and region
//!   (CloudFormation checks a template's types before it creates anything, so they must be
//!   activated by an earlier stack). Environments share it.
//! - `<environment>-PlatformData` keeps the state: the VPC, the Aurora event store with its
//!   schema, Ambar streaming, the Atlas projection store, the bucket, e-mail and the two
//!   image registries.
//! - `<environment>-PlatformServices` serves and watches: the cluster, both services behind
//!   their load balancers with certificates and records, the GitHub Actions roles, and the
//!   alerts. It imports what it uses from the data stack, so it can be changed, rolled back
//!   or destroyed and recreated without touching a byte of data.
//!
//! Where the module opened the database and Atlas to 0.0.0.0/0, streamed as the master
//! user, put credentials in plain variables, gave `s3:*` and ECR actions on `*`, and needed
//! `event_store_configured` flipped after a first deploy, the platform admits Ambar's
//! egress addresses and the VPC's NAT address only, streams as the replication user, hands
//! every secret to the containers as a Secrets Manager reference, grants each role the
//! actions it uses on the resources it uses, and applies the schema in the same deploy.

mod checks;
mod names;
mod props;
mod services;

pub use checks::domain_with_prefix;
pub use names::{PlatformNames, DATA_STACK, SERVICES_STACK};
pub use props::{AmbarSettings, EnvVar, EventSourcingPlatformProps, DEFAULT_BRANCH};

use crate::alerts::{EventStoreThresholds, PlatformAlerts, PlatformAlertsProps, ServiceThresholds};
use crate::ambar::{AmbarStreaming, AmbarStreamingProps};
use crate::atlas::{AtlasActivation, ProjectionStore, ProjectionStoreProps, Tier};
use crate::ec2::{SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use crate::ecr::{Repository, RepositoryProps};
use crate::ecs_patterns::{variables, ApplicationLoadBalancedService, NetworkLoadBalancedService};
use crate::github::GithubActionsRole;
use crate::route53::HostedZone;
use crate::s3::{BlobStore, BlobStoreProps};
use crate::ses::{EmailSender, EmailSenderProps};
use crate::{AuroraEventStore, AuroraEventStoreProps};
use escdk_synth::{App, Environment, Expr, Json, Output, Stack, StackProps, Tags};

/// The name of the activation stack the platform adds when none is given.
pub const ACTIVATION_STACK: &str = "AtlasActivation";

/// The whole platform of one environment.
pub struct EventSourcingPlatform {
    pub names: PlatformNames,
    pub activation: AtlasActivation,
    pub data: Stack,
    pub services: Stack,
    pub vpc: Vpc,
    pub event_store: AuroraEventStore,
    pub streaming: AmbarStreaming,
    pub projections: ProjectionStore,
    pub blobs: BlobStore,
    pub email: EmailSender,
    pub frontend_repository: Repository,
    pub backend_repository: Repository,
    pub frontend: ApplicationLoadBalancedService,
    pub backend: NetworkLoadBalancedService,
    pub frontend_ci: GithubActionsRole,
    pub backend_ci: GithubActionsRole,
    pub alerts: PlatformAlerts,
}

/// A stack of the platform, pinned to the region and tagged with the environment.
fn platform_stack(
    app: &mut App,
    name: &str,
    description: &str,
    p: &EventSourcingPlatformProps,
) -> Stack {
    let stack = app.stack_with(
        name,
        StackProps {
            description: Some(description.to_string()),
            env: Environment::region(&p.region),
            termination_protection: false,
        },
    );
    Tags::of(&stack.root())
        .add("project", "event-sourcing-platform")
        .add("environment", &p.environment_name);
    stack
}

impl EventSourcingPlatform {
    /// Adds the platform's stacks to `app` (and the activation stack, unless
    /// `props.atlas_activation` gives one).
    pub fn new(app: &mut App, props: EventSourcingPlatformProps) -> EventSourcingPlatform {
        let p = props;
        let names = PlatformNames::new(&p.environment_name);
        let activation = p.atlas_activation.clone().unwrap_or_else(|| {
            let activation = AtlasActivation::new(app, ACTIVATION_STACK, Default::default());
            Tags::of(&activation.stack.root()).add("project", "event-sourcing-platform");
            activation
        });
        let data = platform_stack(
            app,
            &names.data_stack,
            "Event-sourcing platform, state: VPC, Aurora PostgreSQL event store, Ambar streaming, Atlas projections, blob storage, e-mail and image registries",
            &p,
        );
        let services_stack = platform_stack(
            app,
            &names.services_stack,
            "Event-sourcing platform, services: the frontend and backend behind their load balancers, their CI roles, and the alerts",
            &p,
        );
        let root = data.root();
        checks::check(&root, &p);
        let top = p
            .top_level_domain
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let frontend_domain = domain_with_prefix(&p.frontend_application_domain_prefix, &top);
        let backend_domain = domain_with_prefix(&p.backend_application_domain_prefix, &top);

        let vpc = Vpc::new(&root, "Network", VpcProps::default());
        // The backend joins this group; the event store admits it.
        let backend_group = SecurityGroup::new(
            &root,
            "Backend",
            &vpc,
            SecurityGroupProps::new("Backend tasks"),
        );
        // Ambar connects from outside the VPC: public addresses, its egress CIDRs only.
        let event_store = AuroraEventStore::new(
            &root,
            "EventStore",
            &vpc,
            AuroraEventStoreProps {
                publicly_accessible: true,
                ..AuroraEventStoreProps::default()
            },
        );
        event_store.allow_from(&backend_group);
        let egress: Vec<&str> = p.ambar.egress_cidrs.iter().map(String::as_str).collect();
        let streaming = AmbarStreaming::new(
            &root,
            "Streaming",
            &event_store,
            AmbarStreamingProps {
                api_host: p.ambar.api_host.clone(),
                ..AmbarStreamingProps::new(
                    p.ambar.api_key.clone(),
                    format!("https://{backend_domain}"),
                    p.destination_endpoints_to_descriptions.clone(),
                    &egress,
                )
            },
        );
        let free = p.mongodbatlas_free_tier;
        let projections = ProjectionStore::new(
            &root,
            "ProjectionStore",
            &activation,
            &vpc,
            ProjectionStoreProps {
                tier: if free { Tier::Free } else { Tier::default() },
                backup: !free,
                region: Some(p.region.clone()),
                cluster_name: names.atlas_cluster.clone(),
                username: names.atlas_user.clone(),
                ..ProjectionStoreProps::new(&p.mongodbatlas_project_id)
            },
        );
        let mut origins = vec![format!("https://{frontend_domain}")];
        origins.extend(
            p.additional_frontend_domains
                .iter()
                .map(|d| format!("https://{d}")),
        );
        let blobs = BlobStore::new(
            &root,
            "BlobStore",
            BlobStoreProps {
                cors_origins: origins,
                ..BlobStoreProps::default()
            },
        );
        let zone = HostedZone::from_attributes(&root, &p.hosted_zone_id, &p.hosted_zone_name);
        let from = checks::from_address(&root, &p.from_email, &top);
        // The identity is the top-level domain, so environments under one zone have their own.
        let email = EmailSender::new(&root, "Email", EmailSenderProps::new(zone, &top, &from));
        let frontend_repository = Repository::new(
            &root,
            "FrontendRepository",
            RepositoryProps::named(&names.frontend_repository),
        );
        let backend_repository = Repository::new(
            &root,
            "BackendRepository",
            RepositoryProps::named(&names.backend_repository),
        );

        let sroot = services_stack.root();
        let svc = services::services(
            &sroot,
            &vpc,
            &p,
            (&frontend_repository, &backend_repository),
            &backend_group,
        );
        let backend = &svc.backend.service;
        for vars in [
            event_store.environment(),
            projections.environment(),
            streaming.environment(),
            email.environment(),
            blobs.environment(),
            variables::backend(&svc.frontend),
            services::variables(&p.backend_environment_variables),
        ] {
            backend.add_environment(vars);
        }
        let frontend = &svc.frontend.service;
        frontend.add_environment(variables::frontend(&svc.frontend, &svc.backend));
        frontend.add_environment(services::variables(&p.frontend_environment_variables));
        blobs.grant_read_write(backend);
        // Tasks start once the schema is applied and the SMTP secret holds its credentials
        // (both in the data stack, which deploys first).
        services_stack.add_dependency(&backend.service, &event_store.schema);
        services_stack.add_dependency(&backend.service, &email.smtp.resource);

        let mut alerts = PlatformAlerts::new(
            &sroot,
            "Alerts",
            PlatformAlertsProps {
                emails: p.emails_for_alerts.clone(),
            },
        );
        alerts.watch_event_store(&event_store, &EventStoreThresholds::default());
        alerts.watch_service(
            "Frontend",
            &svc.frontend.metrics(),
            &ServiceThresholds::default(),
        );
        alerts.watch_service(
            "Backend",
            &svc.backend.metrics(),
            &ServiceThresholds::default(),
        );

        let platform = EventSourcingPlatform {
            names,
            activation,
            data,
            services: services_stack,
            vpc,
            event_store,
            streaming,
            projections,
            blobs,
            email,
            frontend_repository,
            backend_repository,
            frontend: svc.frontend,
            backend: svc.backend,
            frontend_ci: svc.frontend_ci,
            backend_ci: svc.backend_ci,
            alerts,
        };
        platform.add_outputs();
        platform
    }

    /// `frontend_url`: `https://` and the frontend's domain.
    pub fn frontend_url(&self) -> String {
        self.frontend.url()
    }

    /// `backend_url`: `https://` and the backend's domain.
    pub fn backend_url(&self) -> String {
        self.backend.url()
    }

    /// `frontend_ecr_repository_url`.
    pub fn frontend_ecr_repository_url(&self) -> Expr {
        self.frontend_repository.repository_uri()
    }

    /// `backend_ecr_repository_url`.
    pub fn backend_ecr_repository_url(&self) -> Expr {
        self.backend_repository.repository_uri()
    }

    /// `frontend_github_assumable_role_read_write`: the role's ARN.
    pub fn frontend_github_assumable_role_read_write(&self) -> Expr {
        self.frontend_ci.arn()
    }

    /// `backend_github_assumable_role_read_write`: the role's ARN.
    pub fn backend_github_assumable_role_read_write(&self) -> Expr {
        self.backend_ci.arn()
    }

    /// `ses_identity`: the SES identity's ARN.
    pub fn ses_identity(&self) -> Expr {
        self.email.identity_arn()
    }

    /// The module's outputs (PascalCase, as CloudFormation's output names allow), each in
    /// the stack that owns the value, and a few the module lacked.
    fn add_outputs(&self) {
        let data: Vec<(&str, Json, &str)> = vec![
            ("FrontendEcrRepositoryUrl", self.frontend_ecr_repository_url().into(), "Push the frontend's images here (frontend_ecr_repository_url)"),
            ("BackendEcrRepositoryUrl", self.backend_ecr_repository_url().into(), "Push the backend's images here (backend_ecr_repository_url)"),
            ("SesIdentity", self.ses_identity().into(), "The SES identity's ARN (ses_identity)"),
            ("EventStoreEndpoint", self.event_store.endpoint().into(), "Writer endpoint of the event store"),
            ("EventStoreMasterSecretArn", self.event_store.master_secret_arn().into(), "Secret with the master credentials (never their value)"),
            ("EventStoreReplicationSecretArn", self.event_store.replication_secret_arn().into(), "Secret with the replication user's credentials"),
            ("AmbarApiKeySecretArn", self.streaming.api_key_secret_arn.clone().into(), "Put the Ambar API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string <key>"),
            ("BlobStoreBucketName", self.blobs.name().into(), "The application's bucket"),
        ];
        let services: Vec<(&str, Json, &str)> = vec![
            ("FrontendUrl", self.frontend_url().into(), "The frontend's URL (frontend_url)"),
            ("BackendUrl", self.backend_url().into(), "The backend's URL (backend_url)"),
            ("FrontendGithubAssumableRoleReadWrite", self.frontend_github_assumable_role_read_write().into(), "The frontend repository's workflows assume this role (frontend_github_assumable_role_read_write)"),
            ("BackendGithubAssumableRoleReadWrite", self.backend_github_assumable_role_read_write().into(), "The backend repository's workflows assume this role (backend_github_assumable_role_read_write)"),
            ("FrontendServiceName", self.frontend.service.service.attr_name().into(), "The frontend's ECS service"),
            ("BackendServiceName", self.backend.service.service.attr_name().into(), "The backend's ECS service"),
            ("AlertTopicArn", self.alerts.topic_arn().into(), "Alarms notify this topic"),
        ];
        for (stack, outputs) in [(&self.data, data), (&self.services, services)] {
            for (name, value, description) in outputs {
                stack.add_output(name, Output::new(value).description(description));
            }
        }
    }
}
