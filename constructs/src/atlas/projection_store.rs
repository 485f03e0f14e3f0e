//! [`ProjectionStore`]: the platform's read models in a MongoDB Atlas cluster, as typed,
//! schema-checked Atlas registry resources.
//!
//! - The cluster (`projection-store` by default) is an M10 replica set of 3 electable nodes
//!   (priority 7) with cloud backup, disk autoscaling and termination protection, retained
//!   on stack deletion; or M0 on the shared tier ([`Tier::Free`]), or a Flex cluster.
//! - The database user authenticates against `admin`, has `readWrite` and `dbAdmin` on the
//!   projections database only, and is scoped to this cluster. Its password is generated in
//!   Secrets Manager and reaches Atlas as a dynamic reference: never in the template.
//! - The project's IP access list admits the VPC's NAT gateway addresses and the CIDRs you
//!   add; `0.0.0.0/0` only when asked for by name.
//! - On dedicated tiers, a daily backup at 03:00 UTC kept 7 days (the seed's schedule).

use super::activation::{AtlasActivation, AtlasType};
use super::regions::{atlas_region, REGIONS};
use crate::ec2::{allowed_cidrs, Cidr, Vpc};
use crate::env::EnvValue;
use crate::removal::RemovalPolicy;
use crate::secrets::{self, generated};
use escdk_synth::cfn::atlas::{
    cloud_backup_schedule, cluster, database_user, flex_cluster, project_ip_access_list,
    CfnCloudBackupSchedule, CfnCluster, CfnDatabaseUser, CfnFlexCluster, CfnProjectIpAccessList,
};
use escdk_synth::cfn::secretsmanager::CfnSecret;
use escdk_synth::{fns, rules, Expr, Handle, Json, Pseudo, Scope, Value};

/// MongoDB's port.
pub const PORT: u16 = 27017;
/// The database users authenticate against.
pub const AUTHENTICATION_DATABASE: &str = "admin";

/// Where the cluster runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Tier {
    /// A dedicated replica set: `M10` and up, 3, 5 or 7 electable nodes.
    Dedicated {
        instance_size: String,
        node_count: u32,
        disk_autoscaling: bool,
    },
    /// M0 on the shared tier (the seed's `mongodbatlas_free_tier`): no backup, no scaling.
    Free,
    /// A Flex cluster (Atlas's pay-as-you-go tier).
    Flex,
}

impl Default for Tier {
    fn default() -> Self {
        Tier::Dedicated {
            instance_size: "M10".into(),
            node_count: 3,
            disk_autoscaling: true,
        }
    }
}

/// Properties of a [`ProjectionStore`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionStoreProps {
    /// The Atlas project (24 hexadecimal digits).
    pub project_id: String,
    pub tier: Tier,
    /// The AWS region (`us-east-1`); by default the stack's region, or for an
    /// environment-agnostic stack the deploy region, through a mapping of Atlas's names.
    pub region: Option<String>,
    pub cluster_name: String,
    pub mongodb_major_version: String,
    /// Cloud backup with the daily schedule (dedicated tiers only).
    pub backup: bool,
    pub termination_protection: bool,
    pub database: String,
    pub username: String,
    /// CIDRs admitted besides the VPC's NAT addresses.
    pub allowed_cidrs: Vec<String>,
    /// Lets `allowed_cidrs` hold 0.0.0.0/0 (the seed's default). Off: refusing it is the point.
    pub allow_all_ipv4_addresses: bool,
}

impl ProjectionStoreProps {
    /// The seed's projection store in the Atlas project `project_id`.
    pub fn new(project_id: &str) -> ProjectionStoreProps {
        ProjectionStoreProps {
            project_id: project_id.to_string(),
            tier: Tier::default(),
            region: None,
            cluster_name: "projection-store".into(),
            mongodb_major_version: "7.0".into(),
            backup: true,
            termination_protection: true,
            database: "projections".into(),
            username: "projection-store-app".into(),
            allowed_cidrs: Vec::new(),
            allow_all_ipv4_addresses: false,
        }
    }
}

/// The cluster resource of the chosen tier.
#[derive(Debug, Clone)]
pub enum ClusterHandle {
    Cluster(Handle<CfnCluster>),
    Flex(Handle<CfnFlexCluster>),
}

impl ClusterHandle {
    /// `mongodb+srv://…`.
    pub fn standard_srv(&self) -> Expr {
        match self {
            ClusterHandle::Cluster(h) => h.attr_connection_strings_standard_srv(),
            ClusterHandle::Flex(h) => h.attr_connection_strings_standard_srv(),
        }
    }
}

/// The projection store.
#[derive(Debug, Clone)]
pub struct ProjectionStore {
    pub cluster: ClusterHandle,
    pub access_list: Handle<CfnProjectIpAccessList>,
    pub user: Handle<CfnDatabaseUser>,
    pub password: Handle<CfnSecret>,
    /// The key the password is encrypted with (the stack's key).
    pub password_key: Expr,
    pub backup_schedule: Option<Handle<CfnCloudBackupSchedule>>,
    pub database: String,
    pub username: String,
}

/// A username Atlas accepts for SCRAM authentication, and that a URI can carry.
fn valid_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 1024
        && !s.starts_with('$')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// The entries an Atlas project's IP access list holds (Atlas's service limits).
pub const MAX_ACCESS_LIST_ENTRIES: usize = 200;
/// The oldest MongoDB major version Atlas creates clusters on: earlier ones have reached
/// their end of life (6.0 in July 2025).
const OLDEST_MAJOR_VERSION: u32 = 7;

/// The major number of a version written as Atlas does (`7.0`: numbers and dots, at least
/// one dot), or `None` for anything else.
fn major_version(version: &str) -> Option<u32> {
    let (major, _) = version.split_once('.')?;
    let well_formed = version
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    well_formed.then(|| major.parse().ok())?
}

/// An Atlas cluster name: ASCII letters, digits and hyphens, 64 at most.
fn valid_cluster_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A MongoDB database name: no `/\. "$`, 63 characters at most, not `admin`/`local`/`config`.
fn valid_database(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.chars().any(|c| "/\\. \"$*<>:|?".contains(c))
        && !["admin", "local", "config"].contains(&s)
}

struct Checked {
    /// Atlas's region name: a literal, or looked up from `AWS::Region` at deploy time.
    region: Value<String>,
    cidrs: Vec<Cidr>,
}

/// The mapping from AWS regions to Atlas's names, for environment-agnostic stacks.
pub const REGION_MAPPING: &str = "AtlasRegions";

/// Atlas's name of the stack's region, looked up in a mapping of every region Atlas offers
/// (a region outside it fails when the change set is made, before anything is created).
fn region_lookup(scope: &Scope) -> Value<String> {
    let stack = scope.stack();
    if !stack.has_mapping(REGION_MAPPING) {
        stack.add_mapping(
            REGION_MAPPING,
            Json::object(
                REGIONS
                    .iter()
                    .map(|(aws, atlas)| (*aws, Json::object([("Name", Json::from(*atlas))]))),
            ),
        );
    }
    fns::find_in_map(REGION_MAPPING, Pseudo::Region, "Name").into()
}

fn check(scope: &Scope, props: &ProjectionStoreProps, activation: &AtlasActivation) -> Checked {
    if props.project_id.is_empty() {
        scope.prop_error(
            "ProjectId",
            "the Atlas project id is empty",
            "give the id of your Atlas project (Atlas: Project Settings), 24 hexadecimal digits",
        );
    } else if props.project_id.len() != 24
        || !props.project_id.chars().all(|c| c.is_ascii_hexdigit())
    {
        scope.prop_error(
            "ProjectId",
            format!("`{}` is not an Atlas project id", props.project_id),
            "an Atlas project id is 24 hexadecimal digits (Atlas: Project Settings)",
        );
    }
    let region = props
        .region
        .clone()
        .or_else(|| scope.stack().region().as_str().map(str::to_string));
    let region = match region {
        None => region_lookup(scope),
        Some(r) => match atlas_region(&r) {
            Some(atlas) => Value::from(atlas),
            None => {
                scope.prop_error(
                    "Region",
                    format!("`{r}` is not a region MongoDB Atlas offers on AWS"),
                    "choose one of the regions in escdk_constructs::atlas::REGIONS (us-east-1, eu-west-1, ...)",
                );
                Value::from("")
            }
        },
    };
    match &props.tier {
        Tier::Dedicated {
            instance_size,
            node_count,
            ..
        } => {
            if instance_size == "M0" {
                scope.prop_error(
                    "Tier",
                    "M0 is the free shared tier: it has no dedicated nodes, autoscaling or backup",
                    "use Tier::Free for M0",
                );
            } else if !instance_size.starts_with('M')
                || instance_size[1..].parse::<u32>().map_or(true, |n| n < 10)
            {
                scope.prop_error(
                    "Tier",
                    format!("`{instance_size}` is not a dedicated Atlas tier"),
                    "use M10 or larger (M10, M20, M30, ...)",
                );
            }
            if ![3, 5, 7].contains(node_count) {
                scope.prop_error(
                    "Tier",
                    format!("{node_count} electable nodes: an Atlas replica set has 3, 5 or 7"),
                    "choose 3 (the seed's), 5 or 7",
                );
            }
        }
        Tier::Free | Tier::Flex if props.backup => scope.prop_error(
            "Backup",
            "cloud backup schedules exist on dedicated tiers only (the Terraform module fails here at apply)",
            "set backup: false on the free or Flex tier, or choose a dedicated tier",
        ),
        _ => {}
    }
    if !valid_username(&props.username) {
        scope.prop_error(
            "Username",
            format!(
                "`{}` is not a database username Atlas accepts here",
                props.username
            ),
            "use letters, digits, `-`, `_` and `.` (not starting with `$`)",
        );
    }
    if !valid_database(&props.database) {
        scope.prop_error(
            "Database",
            format!("`{}` cannot be the projections database", props.database),
            "use a name without / \\ . space \" $, of 63 characters at most, other than admin, local, config",
        );
    }
    match major_version(&props.mongodb_major_version) {
        None => scope.prop_error(
            "MongoDBMajorVersion",
            format!(
                "`{}` is not a MongoDB major version",
                props.mongodb_major_version
            ),
            "write it as Atlas does, e.g. \"7.0\" or \"8.0\"",
        ),
        Some(major) if major < OLDEST_MAJOR_VERSION => scope.prop_error(
            "MongoDBMajorVersion",
            format!(
                "MongoDB {} has reached its end of life: Atlas creates no cluster on it",
                props.mongodb_major_version
            ),
            "use \"7.0\" (the default) or \"8.0\"",
        ),
        Some(_) => {}
    }
    if !valid_cluster_name(&props.cluster_name) {
        scope.prop_error(
            "ClusterName",
            format!("`{}` is not an Atlas cluster name", props.cluster_name),
            "use ASCII letters, digits and `-`, 64 at most (projection-store by default)",
        );
    }
    let needed = match props.tier {
        Tier::Flex => AtlasType::FlexCluster,
        _ => AtlasType::Cluster,
    };
    for t in [
        needed,
        AtlasType::DatabaseUser,
        AtlasType::ProjectIpAccessList,
    ]
    .into_iter()
    .chain(
        matches!(props.tier, Tier::Dedicated { .. } if props.backup)
            .then_some(AtlasType::CloudBackupSchedule),
    ) {
        if !activation.activates(t) {
            scope.error(
                format!(
                    "the activation stack `{}` does not activate {}",
                    activation.stack.name(),
                    t.type_name()
                ),
                format!(
                    "add AtlasType::{} to its AtlasActivationProps.types",
                    t.name()
                ),
            );
        }
    }
    let cidrs = allowed_cidrs(
        scope,
        &props.allowed_cidrs,
        props.allow_all_ipv4_addresses,
        "try the projection store's password",
        "list the addresses that connect (the VPC's NAT addresses are already in)",
    );
    Checked { region, cidrs }
}

impl ProjectionStore {
    /// The projection store, reachable from `vpc`'s NAT addresses. Its stack deploys after
    /// `activation`'s.
    pub fn new(
        scope: &Scope,
        id: &str,
        activation: &AtlasActivation,
        vpc: &Vpc,
        props: ProjectionStoreProps,
    ) -> ProjectionStore {
        let scope = scope.child(id);
        let stack = scope.stack().clone();
        let checked = check(&scope, &props, activation);
        stack.add_stack_dependency(&activation.stack);
        let profile = || Some(Value::from(activation.profile.as_str()));
        let project = || Value::from(props.project_id.as_str());

        let mut entries: Vec<project_ip_access_list::AccessListDefinition> = vpc
            .nat_public_ips()
            .into_iter()
            .map(|ip| project_ip_access_list::AccessListDefinition {
                ip_address: Some(ip.into()),
                comment: Some("NAT gateway of the application's VPC".into()),
                ..Default::default()
            })
            .collect();
        entries.extend(checked.cidrs.iter().map(|c| {
            project_ip_access_list::AccessListDefinition {
                cidr_block: Some(c.to_string().into()),
                comment: Some("Allowed by the stack's props".into()),
                ..Default::default()
            }
        }));
        if entries.is_empty() {
            scope.error(
                "the access list is empty: the VPC has no NAT gateway and no CIDR is allowed",
                "give the VPC a NAT gateway, or list the addresses that connect in allowed_cidrs",
            );
        } else if entries.len() > MAX_ACCESS_LIST_ENTRIES {
            scope.prop_error(
                "AllowedCidrs",
                format!(
                    "the access list would have {} entries (the VPC's NAT addresses and allowed_cidrs); an Atlas project holds {MAX_ACCESS_LIST_ENTRIES}",
                    entries.len()
                ),
                "merge the blocks into fewer, wider ones",
            );
        }
        let access_list = scope.add(
            "AccessList",
            CfnProjectIpAccessList {
                profile: profile(),
                ..CfnProjectIpAccessList::new(entries, project())
            },
        );

        let cluster = match &props.tier {
            Tier::Flex => {
                let h = scope.add(
                    "Cluster",
                    CfnFlexCluster {
                        profile: profile(),
                        termination_protection_enabled: Some(props.termination_protection.into()),
                        ..CfnFlexCluster::new(
                            project(),
                            props.cluster_name.as_str(),
                            flex_cluster::ProviderSettings::new("AWS", checked.region.clone()),
                        )
                    },
                );
                cluster_removal(&props).apply(&stack, &h);
                ClusterHandle::Flex(h)
            }
            tier => {
                let region_config = match tier {
                    Tier::Dedicated {
                        instance_size,
                        node_count,
                        disk_autoscaling,
                    } => cluster::AdvancedRegionConfig {
                        region_name: Some(checked.region.clone()),
                        provider_name: Some("AWS".into()),
                        priority: Some(7.into()),
                        electable_specs: Some(cluster::Specs {
                            instance_size: Some(instance_size.as_str().into()),
                            node_count: Some(i64::from(*node_count).into()),
                            ..Default::default()
                        }),
                        auto_scaling: Some(cluster::AdvancedAutoScaling {
                            disk_gb: Some(cluster::DiskGB {
                                enabled: Some((*disk_autoscaling).into()),
                            }),
                            compute: Some(cluster::Compute {
                                enabled: Some(false.into()),
                                ..Default::default()
                            }),
                        }),
                        ..Default::default()
                    },
                    _ => cluster::AdvancedRegionConfig {
                        region_name: Some(checked.region.clone()),
                        provider_name: Some("TENANT".into()),
                        backing_provider_name: Some("AWS".into()),
                        priority: Some(7.into()),
                        electable_specs: Some(cluster::Specs {
                            instance_size: Some("M0".into()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    },
                };
                let dedicated = matches!(tier, Tier::Dedicated { .. });
                let h = scope.add(
                    "Cluster",
                    CfnCluster {
                        profile: profile(),
                        cluster_type: Some("REPLICASET".into()),
                        mongo_db_major_version: Some(props.mongodb_major_version.as_str().into()),
                        backup_enabled: Some((dedicated && props.backup).into()),
                        termination_protection_enabled: Some(props.termination_protection.into()),
                        replication_specs: Some(
                            vec![cluster::AdvancedReplicationSpec {
                                num_shards: Some(1.into()),
                                advanced_region_configs: Some(vec![region_config].into()),
                                ..Default::default()
                            }]
                            .into(),
                        ),
                        ..CfnCluster::new(project(), props.cluster_name.as_str())
                    },
                );
                cluster_removal(&props).apply(&stack, &h);
                ClusterHandle::Cluster(h)
            }
        };

        let password = secrets::add(
            &scope,
            "Password",
            generated(
                &format!(
                    "Password of the projection store's database user `{}`",
                    props.username
                ),
                serde_json::json!({ "username": props.username }),
                "password",
                32,
            ),
        );
        // The user goes with the stack; so does its password.
        RemovalPolicy::Destroy.apply(&stack, &password);
        rules::suppress(
            &password,
            "ESCDK-RETAIN",
            "it holds the password of the Atlas database user that is deleted with the stack: kept, it would open nothing",
        );
        let user = scope.add(
            "User",
            CfnDatabaseUser {
                profile: profile(),
                // Resolved by CloudFormation at deploy time; the template holds the reference.
                password: Some(
                    fns::sub_with(
                        "{{resolve:secretsmanager:${Secret}:SecretString:password}}",
                        [("Secret", Json::from(password.reference()))],
                    )
                    .into(),
                ),
                scopes: Some(
                    vec![database_user::ScopeDefinition {
                        name: Some(props.cluster_name.as_str().into()),
                        r#type: Some("CLUSTER".into()),
                    }]
                    .into(),
                ),
                ..CfnDatabaseUser::new(
                    AUTHENTICATION_DATABASE,
                    project(),
                    ["readWrite", "dbAdmin"]
                        .map(|role| database_user::RoleDefinition {
                            role_name: Some(role.into()),
                            database_name: Some(props.database.as_str().into()),
                            ..Default::default()
                        })
                        .to_vec(),
                    props.username.as_str(),
                )
            },
        );
        // The user is scoped to the cluster by name: it is created after the cluster.
        match &cluster {
            ClusterHandle::Cluster(h) => stack.add_dependency(&user, h),
            ClusterHandle::Flex(h) => stack.add_dependency(&user, h),
        }

        let backup_schedule = match (&cluster, &props.tier) {
            (ClusterHandle::Cluster(h), Tier::Dedicated { .. }) if props.backup => {
                let schedule = scope.add(
                    "BackupSchedule",
                    CfnCloudBackupSchedule {
                        profile: profile(),
                        project_id: Some(project()),
                        cluster_name: Some(props.cluster_name.as_str().into()),
                        reference_hour_of_day: Some(3.into()),
                        reference_minute_of_hour: Some(0.into()),
                        policies: Some(
                            vec![cloud_backup_schedule::ApiPolicyView {
                                policy_items: Some(
                                    vec![cloud_backup_schedule::ApiPolicyItemView {
                                        frequency_type: Some("daily".into()),
                                        frequency_interval: Some(1.into()),
                                        retention_unit: Some("days".into()),
                                        retention_value: Some(7.into()),
                                        ..Default::default()
                                    }]
                                    .into(),
                                ),
                                ..Default::default()
                            }]
                            .into(),
                        ),
                        ..CfnCloudBackupSchedule::new(false)
                    },
                );
                stack.add_dependency(&schedule, h);
                Some(schedule)
            }
            _ => None,
        };

        ProjectionStore {
            cluster,
            access_list,
            user,
            password,
            password_key: secrets::key_arn(&scope),
            backup_schedule,
            database: props.database,
            username: props.username,
        }
    }

    /// The SRV host, without `mongodb+srv://`.
    pub fn host(&self) -> Expr {
        fns::select(1, fns::split("://", self.cluster.standard_srv()))
    }

    /// The seed's `MONGODB_PROJECTION_*` variables; the password is a secret reference.
    pub fn environment(&self) -> Vec<(String, EnvValue)> {
        vec![
            (
                "MONGODB_PROJECTION_HOST".into(),
                EnvValue::Value(self.host().into()),
            ),
            (
                "MONGODB_PROJECTION_PORT".into(),
                EnvValue::Value(PORT.to_string().into()),
            ),
            (
                "MONGODB_PROJECTION_AUTHENTICATION_DATABASE".into(),
                EnvValue::Value(AUTHENTICATION_DATABASE.into()),
            ),
            (
                "MONGODB_PROJECTION_DATABASE_NAME".into(),
                EnvValue::Value(self.database.as_str().into()),
            ),
            (
                "MONGODB_PROJECTION_DATABASE_USERNAME".into(),
                EnvValue::Value(self.username.as_str().into()),
            ),
            (
                "MONGODB_PROJECTION_DATABASE_PASSWORD".into(),
                EnvValue::encrypted_secret_key(
                    self.password.reference(),
                    "password",
                    self.password_key.clone(),
                ),
            ),
        ]
    }
}

/// Termination protection and the removal policy agree (see [`crate::removal`]): a
/// protected cluster is kept even by a rollback, which could not delete it.
fn cluster_removal(props: &ProjectionStoreProps) -> RemovalPolicy {
    if props.termination_protection {
        RemovalPolicy::Retain
    } else {
        RemovalPolicy::RetainOnUpdateOrDelete
    }
}
