//! `AuroraEventStore`: the platform's event store on Aurora PostgreSQL, with its schema
//! applied by the stack itself.
//!
//! - The cluster is encrypted, backed up 7 days, and snapshotted on delete and on
//!   replacement (deletion protection comes with `RemovalPolicy::Retain`). Its parameter
//!   group turns on logical replication and forces TLS.
//! - The master credentials are generated and kept by Secrets Manager
//!   (`ManageMasterUserPassword`); the replication user has its own generated secret.
//!   Neither password is ever in the template, its outputs or a log.
//! - The cluster is reachable only from what the user allows: security groups
//!   ([`AuroraEventStore::allow_from`]) or explicit CIDRs. `0.0.0.0/0` is refused unless
//!   `allow_all_ipv4_addresses` says otherwise.
//! - The schema (the seed's `event_store` table, indexes, idempotent-reaction table,
//!   replication user and publication) is applied by a custom resource through the RDS Data
//!   API: the handler needs no driver and no VPC attachment, and reads the passwords from
//!   the secrets at run time. The replication password reaches PostgreSQL only as its
//!   SCRAM-SHA-256 verifier; indexes are built concurrently on update. Whatever depends on the schema depends on
//!   [`AuroraEventStore::schema`], so no two-phase flag is needed.

mod metrics;
mod sql;

pub use sql::{
    script, statements, valid_database, valid_identifier, SchemaNames, COLUMNS,
    PASSWORD_PLACEHOLDER,
};

pub use crate::env::EnvValue;

use crate::ec2::{allowed_cidrs, Cidr, SecurityGroup, SecurityGroupProps, Vpc};
use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::lambda::{Function, FunctionProps};
use crate::removal::{check_protection, RemovalPolicy};
use crate::secrets::{self, generated};
use escdk_synth::cfn::rds::{
    db_cluster, CfnDBCluster, CfnDBClusterParameterGroup, CfnDBInstance, CfnDBSubnetGroup,
};
use escdk_synth::cfn::secretsmanager::CfnSecret;
use escdk_synth::rules;
use escdk_synth::{fns, CustomResource, Duration, Expr, Handle, Json, Policy, Scope, Stack};
use std::path::PathBuf;

/// The replication settings of the cluster parameter group.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationSettings {
    /// Milliseconds; 0 never times out an idle replication connection.
    pub wal_sender_timeout: Duration,
    pub max_wal_senders: u32,
    pub max_replication_slots: u32,
}

impl Default for ReplicationSettings {
    fn default() -> Self {
        ReplicationSettings {
            wal_sender_timeout: Duration::millis(0),
            max_wal_senders: 20,
            max_replication_slots: 20,
        }
    }
}

/// Properties of an [`AuroraEventStore`].
#[derive(Debug, Clone, PartialEq)]
pub struct AuroraEventStoreProps {
    pub names: SchemaNames,
    /// 15.10 by default.
    pub engine_version: String,
    pub instances: u32,
    pub instance_class: String,
    pub master_username: String,
    pub replication: ReplicationSettings,
    /// 1 to 35 days.
    pub backup_retention: Duration,
    /// What deleting the stack (or replacing the cluster) does: a final snapshot, then the
    /// cluster is deleted, by default. `Retain` keeps the cluster.
    pub removal_policy: RemovalPolicy,
    /// Follows the removal policy when unset (as in the CDK): on for `Retain`, off
    /// otherwise. Deletion protection with any other policy is refused at synth: a failed
    /// first create could not roll back (`ROLLBACK_FAILED`) and `destroy` would stop at the
    /// cluster after deleting its instances.
    pub deletion_protection: Option<bool>,
    pub performance_insights: bool,
    /// Enhanced monitoring: OS metrics of each instance every this many seconds (1, 5, 10,
    /// 15, 30 or 60), through a role RDS assumes that may write only the `RDSOSMetrics`
    /// log group of this account and region. `None` turns it off. 60 seconds by default.
    pub monitoring_interval: Option<Duration>,
    /// IAM database authentication on the cluster (on by default: a client with a role may
    /// connect with a token instead of a password; passwords keep working, as Ambar needs).
    pub iam_authentication: bool,
    /// The generation of the replication user's password. The secret has no rotation
    /// schedule (rotating it would leave the role's password behind): to change the
    /// password, put a new one in the secret, raise this number and deploy; the schema
    /// custom resource then sets the role's new password (as a SCRAM verifier).
    pub replication_password_version: u32,
    /// Put the instances in public subnets with public addresses: only for a streaming
    /// service outside the VPC, together with its egress CIDRs in `allowed_cidrs`.
    pub publicly_accessible: bool,
    /// IPv4 blocks allowed to connect on the PostgreSQL port.
    pub allowed_cidrs: Vec<String>,
    /// Lets `allowed_cidrs` hold 0.0.0.0/0. Off: refusing it is the point.
    pub allow_all_ipv4_addresses: bool,
}

impl Default for AuroraEventStoreProps {
    fn default() -> Self {
        AuroraEventStoreProps {
            names: SchemaNames::default(),
            engine_version: "15.10".into(),
            instances: 2,
            instance_class: "db.r6g.large".into(),
            master_username: "event_store_admin".into(),
            replication: ReplicationSettings::default(),
            backup_retention: Duration::days(7),
            removal_policy: RemovalPolicy::Snapshot,
            deletion_protection: None,
            performance_insights: false,
            monitoring_interval: Some(Duration::seconds(60)),
            iam_authentication: true,
            replication_password_version: 1,
            publicly_accessible: false,
            allowed_cidrs: Vec::new(),
            allow_all_ipv4_addresses: false,
        }
    }
}

/// Deletion protection, consistent with the removal policy (see [`crate::removal`]).
fn deletion_protection(scope: &Scope, props: &AuroraEventStoreProps) -> bool {
    check_protection(
        scope,
        "DeletionProtection",
        props.deletion_protection,
        props.removal_policy,
    )
}

/// How long the schema function may run; CloudFormation waits no longer for it.
const SCHEMA_TIMEOUT: Duration = Duration::minutes(5);

/// PostgreSQL's port.
pub const PORT: u16 = 5432;

/// The event store.
#[derive(Debug, Clone)]
pub struct AuroraEventStore {
    pub cluster: Handle<CfnDBCluster>,
    pub instances: Vec<Handle<CfnDBInstance>>,
    pub security_group: SecurityGroup,
    pub replication_secret: Handle<CfnSecret>,
    /// The key both secrets (the master user's and the replication user's) are encrypted
    /// with: the stack's key.
    pub secret_key: Expr,
    /// The schema custom resource: depend on it to start after the schema exists.
    pub schema: Handle<CustomResource>,
    pub names: SchemaNames,
    pub master_username: String,
    /// Whether the instances have public addresses (for a streaming service outside the VPC).
    pub publicly_accessible: bool,
}

/// The intervals enhanced monitoring takes, in seconds.
const MONITORING_INTERVALS: [i64; 6] = [1, 5, 10, 15, 30, 60];

/// The role RDS's enhanced monitoring assumes, writing only the `RDSOSMetrics` log group
/// of this account and region (the actions of AWS's `AmazonRDSEnhancedMonitoringRole`,
/// narrowed to it), and the interval in seconds.
fn monitoring_role(scope: &Scope, interval: Duration) -> (i64, Role) {
    let seconds = interval
        .to_seconds()
        .and_then(|s| i64::try_from(s).ok())
        .filter(|s| MONITORING_INTERVALS.contains(s));
    if seconds.is_none() {
        scope.prop_error(
            "MonitoringInterval",
            format!(
                "enhanced monitoring takes 1, 5, 10, 15, 30 or 60 seconds, not {}",
                interval.human()
            ),
            "choose one of those intervals, or set monitoring_interval None to turn it off",
        );
    }
    let seconds = seconds.unwrap_or(60);
    let role = Role::new(
        scope,
        "MonitoringRole",
        RoleProps::new(
            "monitoring.rds.amazonaws.com",
            "Enhanced monitoring of the event store's instances: writes their OS metrics",
        ),
    );
    let group =
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:RDSOSMetrics";
    // The group's ARN in both of the forms IAM sees it in.
    role.add_to_policy(PolicyStatement::allow(
        ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
        [fns::sub(group), fns::sub(format!("{group}:*"))],
    ));
    role.add_to_policy(PolicyStatement::allow(
        [
            "logs:CreateLogStream",
            "logs:DescribeLogStreams",
            "logs:GetLogEvents",
            "logs:PutLogEvents",
        ],
        [fns::sub(format!("{group}:log-stream:*"))],
    ));
    (seconds, role)
}

fn schema_handler_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/event_store_schema")
}

fn check_props(scope: &Scope, props: &AuroraEventStoreProps, vpc: &Vpc) -> Vec<Cidr> {
    let n = &props.names;
    if !valid_database(&n.database) {
        scope.prop_error(
            "DatabaseName",
            format!("`{}` is not a database name Aurora accepts", n.database),
            "use a letter, then letters, digits or `_` (63 at most)",
        );
    }
    for (what, name) in [
        ("EventsTable", &n.events_table),
        ("ReactionsTable", &n.reactions_table),
        ("Publication", &n.publication),
        ("ReplicationUser", &n.replication_user),
    ] {
        if !valid_identifier(name) {
            scope.prop_error(
                what,
                format!("`{name}` is not a plain PostgreSQL identifier"),
                "use lowercase letters, digits and `_`, not starting with a digit (63 at most)",
            );
        }
    }
    if n.events_table == n.reactions_table {
        scope.prop_error(
            "ReactionsTable",
            format!("`{}` names both the events table and the reactions table", n.reactions_table),
            "give the two tables different names (event_store and event_store_idempotent_reaction by default)",
        );
    }
    // PostgreSQL's own bounds (MAX_BACKENDS); streaming needs at least one of each.
    const MAX_BACKENDS: u32 = 262_143;
    for (what, value) in [
        ("MaxWalSenders", props.replication.max_wal_senders),
        (
            "MaxReplicationSlots",
            props.replication.max_replication_slots,
        ),
    ] {
        if !(1..=MAX_BACKENDS).contains(&value) {
            scope.prop_error(
                what,
                format!("{value} is outside PostgreSQL's 1 to {MAX_BACKENDS}: logical replication needs at least one"),
                "keep the default (20), or give one per consumer of the stream plus a few spare",
            );
        }
    }
    // Names RDS keeps for itself, or PostgreSQL's own superuser.
    const RESERVED: [&str; 4] = ["rdsadmin", "rdsrepladmin", "admin", "postgres"];
    if RESERVED.contains(&props.master_username.as_str()) {
        scope.prop_error(
            "MasterUsername",
            format!(
                "`{}` is a name RDS or PostgreSQL reserves",
                props.master_username
            ),
            "choose another master user name (event_store_admin by default)",
        );
    }
    // The schema is applied through the Data API, which Aurora offers on provisioned
    // instance classes other than the burstable db.t* ones.
    if props.instance_class == "db.serverless" {
        scope.prop_error(
            "InstanceClass",
            "db.serverless (Aurora Serverless v2) needs a scaling configuration on the cluster, which this construct does not set",
            "use a provisioned class (db.r6g.large by default)",
        );
    } else if props.instance_class.starts_with("db.t") {
        scope.prop_error(
            "InstanceClass",
            format!("`{}` is a burstable class, on which the RDS Data API (which applies the schema) is not available", props.instance_class),
            "use a db.r* or db.x* class (db.r6g.large by default)",
        );
    } else if !props.instance_class.starts_with("db.") {
        scope.prop_error(
            "InstanceClass",
            format!("`{}` is not an RDS instance class", props.instance_class),
            "write it as RDS does, e.g. db.r6g.large",
        );
    }
    if !valid_identifier(&props.master_username) || props.master_username == n.replication_user {
        scope.prop_error(
            "MasterUsername",
            format!("`{}` cannot be the master user name", props.master_username),
            "use lowercase letters, digits and `_`, other than the replication user",
        );
    }
    if !(1..=15).contains(&props.instances) {
        scope.prop_error(
            "Instances",
            format!(
                "{} instances: an Aurora cluster has 1 to 15",
                props.instances
            ),
            "choose 1 to 15 (2 or more to survive an instance failure)",
        );
    }
    if !props.engine_version.starts_with("15.") {
        scope.prop_error(
            "EngineVersion",
            format!(
                "engine {} is not Aurora PostgreSQL 15, which the parameter group is for",
                props.engine_version
            ),
            "use a 15.x version (15.10 by default)",
        );
    }
    if vpc.zones() < 2 {
        scope.error(
            format!("the VPC spans {} availability zone(s); an Aurora subnet group needs subnets in at least 2", vpc.zones()),
            "give the VPC 2 or more zones",
        );
    }
    let cidrs = allowed_cidrs(
        scope,
        &props.allowed_cidrs,
        props.allow_all_ipv4_addresses,
        "reach the database",
        "list the streaming service's egress addresses instead",
    );
    for &c in &cidrs {
        if props.publicly_accessible && c.prefix < 16 {
            scope.warning(
                format!(
                    "{c} is a wide block (/{}) on a publicly accessible database",
                    c.prefix
                ),
                "narrow it to the egress addresses of what must connect",
            );
        }
        if !props.publicly_accessible && !vpc.cidr.contains(c) {
            scope.warning(
                format!("{c} is outside the VPC ({}) and the database is not publicly accessible: the rule has no effect", vpc.cidr),
                "remove it, or set publicly_accessible for a service outside the VPC",
            );
        }
    }
    cidrs
}

impl AuroraEventStore {
    pub fn new(
        scope: &Scope,
        id: &str,
        vpc: &Vpc,
        props: AuroraEventStoreProps,
    ) -> AuroraEventStore {
        let scope = scope.child(id);
        let cidrs = check_props(&scope, &props, vpc);
        let names = props.names.clone();
        let security_group = SecurityGroup::new(
            &scope,
            "SecurityGroup",
            vpc,
            SecurityGroupProps::new("Event store: PostgreSQL from what is allowed only"),
        );
        for c in &cidrs {
            security_group.allow_from_cidr(*c, PORT, "PostgreSQL from an allowed network");
        }
        let subnets = if props.publicly_accessible {
            &vpc.public_subnets
        } else {
            &vpc.private_subnets
        };
        let subnet_group = scope.add(
            "SubnetGroup",
            CfnDBSubnetGroup::new(
                "Event store subnets",
                subnets
                    .iter()
                    .map(|s| escdk_synth::Value::from(s.reference()))
                    .collect::<Vec<_>>(),
            ),
        );
        let r = &props.replication;
        let parameters = Json::object([
            ("rds.logical_replication", Json::from("1")),
            ("rds.force_ssl", Json::from("1")),
            (
                "wal_sender_timeout",
                Json::from(
                    r.wal_sender_timeout
                        .millis_in(&scope, "WalSenderTimeout", 0..=3_600_000)
                        .to_string(),
                ),
            ),
            ("max_wal_senders", Json::from(r.max_wal_senders.to_string())),
            (
                "max_replication_slots",
                Json::from(r.max_replication_slots.to_string()),
            ),
        ]);
        let parameter_group = scope.add(
            "ParameterGroup",
            CfnDBClusterParameterGroup {
                ..CfnDBClusterParameterGroup::new(
                    "Event store: logical replication, TLS only",
                    "aurora-postgresql15",
                    parameters,
                )
            },
        );
        let cluster = scope.add(
            "Cluster",
            CfnDBCluster {
                engine: Some("aurora-postgresql".into()),
                engine_version: Some(props.engine_version.as_str().into()),
                database_name: Some(names.database.as_str().into()),
                master_username: Some(props.master_username.as_str().into()),
                manage_master_user_password: Some(true.into()),
                // RDS keeps the master password in a secret of its own, on the stack's key.
                master_user_secret: Some(db_cluster::MasterUserSecret {
                    kms_key_id: Some(secrets::key_arn(&scope).into()),
                    ..Default::default()
                }),
                db_cluster_parameter_group_name: Some(parameter_group.reference().into()),
                db_subnet_group_name: Some(subnet_group.reference().into()),
                vpc_security_group_ids: Some(
                    vec![escdk_synth::Value::from(security_group.id())].into(),
                ),
                port: Some(i64::from(PORT).into()),
                storage_encrypted: Some(true.into()),
                deletion_protection: Some(deletion_protection(&scope, &props).into()),
                backup_retention_period: Some(
                    props
                        .backup_retention
                        .days_in(&scope, "BackupRetentionPeriod", 1..=35)
                        .into(),
                ),
                enable_http_endpoint: Some(true.into()),
                copy_tags_to_snapshot: Some(true.into()),
                enable_cloudwatch_logs_exports: Some(vec!["postgresql"].into()),
                enable_iam_database_authentication: Some(props.iam_authentication.into()),
                ..Default::default()
            },
        );
        props.removal_policy.apply(scope.stack(), &cluster);
        let monitoring = props
            .monitoring_interval
            .map(|interval| monitoring_role(&scope, interval));
        let mut instances = Vec::new();
        for i in 1..=props.instances.clamp(1, 15) {
            let instance = scope.add(
                &format!("Instance{i}"),
                CfnDBInstance {
                    db_cluster_identifier: Some(cluster.reference().into()),
                    db_instance_class: Some(props.instance_class.as_str().into()),
                    engine: Some("aurora-postgresql".into()),
                    publicly_accessible: Some(props.publicly_accessible.into()),
                    enable_performance_insights: Some(props.performance_insights.into()),
                    monitoring_interval: monitoring.as_ref().map(|(seconds, _)| (*seconds).into()),
                    monitoring_role_arn: monitoring.as_ref().map(|(_, role)| role.arn().into()),
                    ..Default::default()
                },
            );
            // The data lives in the cluster (snapshotted); an instance is compute.
            RemovalPolicy::Destroy.apply(scope.stack(), &instance);
            if props.publicly_accessible {
                rules::suppress(
                    &instance,
                    "ESCDK-RDS-PRIVATE",
                    "publicly_accessible was chosen for a streaming service outside the VPC: the security group admits only allowed_cidrs (0.0.0.0/0 is refused) and the cluster requires TLS (rds.force_ssl)",
                );
            }
            instances.push(instance);
        }
        let replication_secret = secrets::add(
            &scope,
            "ReplicationSecret",
            generated(
                &format!(
                    "Credentials of the event store's replication user `{}`",
                    names.replication_user
                ),
                serde_json::json!({ "username": names.replication_user }),
                "password",
                32,
            ),
        );
        RemovalPolicy::RetainOnUpdateOrDelete.apply(scope.stack(), &replication_secret);

        // The schema, applied through the Data API by a function of ours.
        let schema_fn = Function::new(
            &scope,
            "SchemaFunction",
            FunctionProps {
                description: Some("Applies the event store schema through the RDS Data API".into()),
                timeout: SCHEMA_TIMEOUT,
                ..FunctionProps::new(schema_handler_dir(), "schema_handler.lambda_handler")
            },
        );
        let master_secret = cluster.attr_master_user_secret_secret_arn();
        schema_fn.role.add_to_policy(PolicyStatement::allow(
            ["rds-data:ExecuteStatement"],
            [cluster.attr_db_cluster_arn()],
        ));
        for statement in secrets::read_statements(
            vec![master_secret.clone(), replication_secret.reference()],
            Some(secrets::key_arn(&scope)),
        ) {
            schema_fn.role.add_to_policy(statement);
        }
        let statements: Vec<Json> = statements(&names).into_iter().map(Json::from).collect();
        let schema = scope.add_custom(
            "Schema",
            CustomResource::new("Custom::EventStoreSchema", schema_fn.arn())
                .with_service_timeout(SCHEMA_TIMEOUT)
                .with("ClusterArn", cluster.attr_db_cluster_arn())
                .with("SecretArn", master_secret)
                .with("ReplicationSecretArn", replication_secret.reference())
                .with("Database", names.database.as_str())
                .with(
                    "PasswordVersion",
                    i64::from(props.replication_password_version),
                )
                .with("Statements", Json::Array(statements)),
        );
        for instance in &instances {
            scope.stack().add_dependency(&schema, instance);
        }
        // The schema is applied and kept: deleting the stack leaves the data to the snapshot.
        scope.stack().set_removal_policy(&schema, Policy::Retain);
        // SQL for a name synth refuses is never published (the `sql` verb also synthesizes
        // first): an identifier that is not plain could carry SQL of its own.
        if names.are_plain() {
            scope
                .stack()
                .add_artifact("sql/event-store", script(&names));
        }
        AuroraEventStore {
            cluster,
            instances,
            security_group,
            replication_secret,
            secret_key: secrets::key_arn(&scope),
            schema,
            names,
            master_username: props.master_username,
            publicly_accessible: props.publicly_accessible,
        }
    }

    /// Lets members of `source` connect on the PostgreSQL port.
    pub fn allow_from(&self, source: &SecurityGroup) {
        self.security_group
            .allow_from(source, PORT, "PostgreSQL from an allowed security group");
    }

    pub fn endpoint(&self) -> Expr {
        self.cluster.attr_endpoint_address()
    }

    pub fn port(&self) -> Expr {
        self.cluster.attr_endpoint_port()
    }

    pub fn master_secret_arn(&self) -> Expr {
        self.cluster.attr_master_user_secret_secret_arn()
    }

    pub fn replication_secret_arn(&self) -> Expr {
        self.replication_secret.reference()
    }

    /// Makes `dependent` wait for the schema (streaming, services).
    pub fn before<T>(&self, stack: &Stack, dependent: &Handle<T>) {
        stack.add_dependency(dependent, &self.schema);
    }

    /// The environment the platform's containers receive (the seed's variable names);
    /// passwords are secret references, never values.
    pub fn environment(&self) -> Vec<(String, EnvValue)> {
        let n = &self.names;
        let secret_key =
            |arn, key| EnvValue::encrypted_secret_key(arn, key, self.secret_key.clone());
        vec![
            (
                "EVENT_STORE_HOST".into(),
                EnvValue::Value(self.endpoint().into()),
            ),
            (
                "EVENT_STORE_PORT".into(),
                EnvValue::Value(self.port().into()),
            ),
            (
                "EVENT_STORE_DATABASE_NAME".into(),
                EnvValue::Value(n.database.as_str().into()),
            ),
            (
                "EVENT_STORE_USER".into(),
                EnvValue::Value(self.master_username.as_str().into()),
            ),
            (
                "EVENT_STORE_PASSWORD".into(),
                secret_key(self.master_secret_arn(), "password"),
            ),
            (
                "EVENT_STORE_EVENTS_TABLE_NAME".into(),
                EnvValue::Value(n.events_table.as_str().into()),
            ),
            (
                "EVENT_STORE_IDEMPOTENT_REACTION_TABLE_NAME".into(),
                EnvValue::Value(n.reactions_table.as_str().into()),
            ),
            (
                "EVENT_STORE_CREATE_REPLICATION_USER_WITH_USERNAME".into(),
                EnvValue::Value(n.replication_user.as_str().into()),
            ),
            (
                "EVENT_STORE_CREATE_REPLICATION_USER_WITH_PASSWORD".into(),
                secret_key(self.replication_secret_arn(), "password"),
            ),
            (
                "EVENT_STORE_CREATE_REPLICATION_PUBLICATION".into(),
                EnvValue::Value(n.publication.as_str().into()),
            ),
        ]
    }
}
