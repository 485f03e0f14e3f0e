//! The event-sourcing platform's foundation (`../shared/seeds/000_…`): a VPC and the Aurora
//! PostgreSQL event store, with its schema applied by the stack itself.
//!
//! Where the Terraform module opened the database to 0.0.0.0/0, ran `psql` from the
//! operator's laptop with credentials in the URL, and needed an `event_store_configured`
//! flag flipped after a first deploy, this stack:
//! - keeps the database in private subnets, reachable only from the services' security group;
//! - keeps the credentials in Secrets Manager;
//! - applies the schema in one deploy, with a custom resource that everything after it
//!   depends on.

use escdk_constructs::ec2::{SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use escdk_constructs::{AuroraEventStore, AuroraEventStoreProps};
use escdk_synth::{Output, Stack};

/// The platform stack: network and event store.
pub fn stack(name: &str) -> Stack {
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
    let store = AuroraEventStore::new(&root, "EventStore", &vpc, AuroraEventStoreProps::default());
    store.allow_from(&services);

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
