//! MongoDB Atlas at synth: the typed registry resources are checked like AWS's (cfn-lint
//! does not validate them), the activation is required, and the projection store refuses
//! bad input with the construct path, the property and the fix.

use escdk_constructs::atlas::{
    AtlasActivation, AtlasActivationProps, AtlasType, ProjectionStore, ProjectionStoreProps, Tier,
};
use escdk_constructs::ec2::{Vpc, VpcProps};
use escdk_synth::assertions::{Match, Template};
use escdk_synth::cfn::atlas::{database_user, CfnCluster, CfnDatabaseUser};
use escdk_synth::{fns, App, Environment, Stack, StackProps};
use serde_json::json;

const PROJECT: &str = "507f1f77bcf86cd799439011";

/// An app with the activation stack and `Platform` (in us-east-1) holding a VPC.
fn app_with(types: Vec<AtlasType>) -> (App, AtlasActivation, Stack, Vpc) {
    let mut app = App::new();
    let activation = AtlasActivation::new(
        &mut app,
        "AtlasActivation",
        AtlasActivationProps {
            types,
            ..Default::default()
        },
    );
    let platform = app.stack_with(
        "Platform",
        StackProps {
            env: Environment::region("us-east-1"),
            ..Default::default()
        },
    );
    let vpc = Vpc::new(&platform.root(), "Network", VpcProps::default());
    (app, activation, platform, vpc)
}

fn app() -> (App, AtlasActivation, Stack, Vpc) {
    app_with(AtlasActivationProps::default().types)
}

fn errors(app: &App) -> String {
    app.synth(&[]).expect_err("synth must fail").to_string()
}

fn store_errors(props: ProjectionStoreProps) -> String {
    let (app, activation, platform, vpc) = app();
    ProjectionStore::new(&platform.root(), "Projections", &activation, &vpc, props);
    errors(&app)
}

#[test]
fn the_projection_store_is_the_seeds_with_the_nat_address_only() {
    let (app, activation, platform, vpc) = app();
    let store = ProjectionStore::new(
        &platform.root(),
        "Projections",
        &activation,
        &vpc,
        ProjectionStoreProps::new(PROJECT),
    );
    let t = Template::from_app(&app, "Platform");
    t.has_resource_properties(
        "MongoDB::Atlas::Cluster",
        Match::Literal(json!({
            "Name": "projection-store",
            "ClusterType": "REPLICASET",
            "BackupEnabled": true,
            "TerminationProtectionEnabled": true,
            "MongoDBMajorVersion": "7.0",
            "ReplicationSpecs": [{"AdvancedRegionConfigs": [{
                "RegionName": "US_EAST_1",
                "ProviderName": "AWS",
                "Priority": 7,
                "ElectableSpecs": {"InstanceSize": "M10", "NodeCount": 3},
                "AutoScaling": {"DiskGB": {"Enabled": true}}
            }]}]
        })),
    );
    t.has_resource_properties(
        "MongoDB::Atlas::DatabaseUser",
        Match::Literal(json!({
            "DatabaseName": "admin",
            "Roles": [
                {"RoleName": "readWrite", "DatabaseName": "projections"},
                {"RoleName": "dbAdmin", "DatabaseName": "projections"}
            ],
            "Scopes": [{"Name": "projection-store", "Type": "CLUSTER"}]
        })),
    );
    let json = t.to_json();
    let user = json["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "MongoDB::Atlas::DatabaseUser")
        .unwrap();
    let password = user["Properties"]["Password"].to_string();
    assert!(
        password.starts_with(
            r#"{"Fn::Sub":["{{resolve:secretsmanager:${Secret}:SecretString:password}}""#
        ),
        "a Secrets Manager reference, never a value: {password}"
    );
    let nat = vpc.nat_eips[0].logical_id().to_string();
    t.has_resource_properties(
        "MongoDB::Atlas::ProjectIpAccessList",
        Match::exact(json!({
            "ProjectId": PROJECT,
            "Profile": "default",
            "AccessList": [{
                "IPAddress": {"Fn::GetAtt": [nat, "PublicIp"]},
                "Comment": "NAT gateway of the application's VPC"
            }]
        })),
    );
    t.has_resource_properties(
        "MongoDB::Atlas::CloudBackupSchedule",
        Match::Literal(json!({
            "ClusterName": "projection-store",
            "ReferenceHourOfDay": 3,
            "Policies": [{"PolicyItems": [{"FrequencyType": "daily", "FrequencyInterval": 1, "RetentionUnit": "days", "RetentionValue": 7}]}]
        })),
    );
    let synthesized = app.synth(&["Platform".to_string()]).unwrap();
    assert_eq!(synthesized[0].dependencies, vec!["AtlasActivation"]);
    let vars: Vec<String> = store.environment().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        vars,
        [
            "MONGODB_PROJECTION_HOST",
            "MONGODB_PROJECTION_PORT",
            "MONGODB_PROJECTION_AUTHENTICATION_DATABASE",
            "MONGODB_PROJECTION_DATABASE_NAME",
            "MONGODB_PROJECTION_DATABASE_USERNAME",
            "MONGODB_PROJECTION_DATABASE_PASSWORD"
        ]
    );
}

#[test]
fn the_free_tier_is_m0_on_the_shared_tier_without_backup() {
    let (app, activation, platform, vpc) = app();
    ProjectionStore::new(
        &platform.root(),
        "Projections",
        &activation,
        &vpc,
        ProjectionStoreProps {
            tier: Tier::Free,
            backup: false,
            ..ProjectionStoreProps::new(PROJECT)
        },
    );
    let t = Template::from_app(&app, "Platform");
    t.has_resource_properties(
        "MongoDB::Atlas::Cluster",
        Match::Literal(json!({
            "BackupEnabled": false,
            "ReplicationSpecs": [{"AdvancedRegionConfigs": [{
                "ProviderName": "TENANT", "BackingProviderName": "AWS",
                "ElectableSpecs": {"InstanceSize": "M0"}
            }]}]
        })),
    );
    t.resource_count_is("MongoDB::Atlas::CloudBackupSchedule", 0);
}

#[test]
fn an_atlas_type_without_an_activation_stack_is_refused() {
    let mut app = App::new();
    let stack = app.stack("Lonely");
    stack
        .root()
        .add("Cluster", CfnCluster::new(PROJECT, "projection-store"));
    let e = errors(&app);
    assert!(e.contains("error: Lonely/Cluster (Cluster): uses the registry type `MongoDB::Atlas::Cluster`, and no stack this one depends on activates it"), "{e}");
    assert!(e.contains("fix: add a stack with an AWS::CloudFormation::TypeActivation for `MongoDB::Atlas::Cluster`"), "{e}");
}

#[test]
fn an_activation_without_the_type_is_refused() {
    let (app, activation, platform, vpc) = app_with(vec![AtlasType::Cluster]);
    ProjectionStore::new(
        &platform.root(),
        "Projections",
        &activation,
        &vpc,
        ProjectionStoreProps::new(PROJECT),
    );
    let e = errors(&app);
    assert!(e.contains("error: Platform/Projections: the activation stack `AtlasActivation` does not activate MongoDB::Atlas::DatabaseUser"), "{e}");
    assert!(
        e.contains("fix: add AtlasType::DatabaseUser to its AtlasActivationProps.types"),
        "{e}"
    );
}

#[test]
fn synth_checks_atlas_resources_like_aws_ones() {
    let (app, activation, platform, _) = app();
    let root = platform.root();
    platform.add_stack_dependency(&activation.stack);
    // A bad enum.
    root.add(
        "User",
        CfnDatabaseUser {
            awsiam_type: Some("ROOT".into()),
            ..CfnDatabaseUser::new(
                "admin",
                PROJECT,
                vec![database_user::RoleDefinition {
                    role_name: Some("read".into()),
                    ..Default::default()
                }],
                "reader",
            )
        },
    );
    // A misspelt property, through the escape hatch.
    let cluster = root.add("Cluster", CfnCluster::new(PROJECT, "projection-store"));
    platform.add_property_override(&cluster, "ProjectID", PROJECT);
    // An attribute the type does not have.
    platform.add_output(
        "Bogus",
        escdk_synth::Output::new(cluster.get_att("ConnectionStrings.Bogus")),
    );
    let e = errors(&app);
    assert!(e.contains("Platform/User (User) Properties.AWSIAMType: `ROOT` is not an allowed value\n  fix: use one of: NONE, USER, ROLE"), "{e}");
    assert!(e.contains("Platform/Cluster (Cluster) Properties.ProjectID: `MongoDB::Atlas::Cluster` has no property `ProjectID`\n  fix: did you mean `ProjectId`?"), "{e}");
    assert!(
        e.contains(
            "`MongoDB::Atlas::Cluster` has no attribute `ConnectionStrings.Bogus` for `Fn::GetAtt`"
        ),
        "{e}"
    );
}

#[test]
fn an_empty_or_malformed_project_id() {
    let e = store_errors(ProjectionStoreProps::new(""));
    assert!(
        e.contains("error: Platform/Projections ProjectId: the Atlas project id is empty"),
        "{e}"
    );
    let e = store_errors(ProjectionStoreProps::new("my-project"));
    assert!(e.contains("`my-project` is not an Atlas project id"), "{e}");
}

#[test]
fn an_unknown_region() {
    let e = store_errors(ProjectionStoreProps {
        region: Some("us-moon-1".into()),
        ..ProjectionStoreProps::new(PROJECT)
    });
    assert!(
        e.contains(
            "Platform/Projections Region: `us-moon-1` is not a region MongoDB Atlas offers on AWS"
        ),
        "{e}"
    );
}

#[test]
fn m0_with_backup_or_as_a_dedicated_tier() {
    let e = store_errors(ProjectionStoreProps {
        tier: Tier::Free,
        ..ProjectionStoreProps::new(PROJECT)
    });
    assert!(
        e.contains(
            "Platform/Projections Backup: cloud backup schedules exist on dedicated tiers only"
        ),
        "{e}"
    );
    assert!(
        e.contains("fix: set backup: false on the free or Flex tier"),
        "{e}"
    );
    let e = store_errors(ProjectionStoreProps {
        tier: Tier::Dedicated {
            instance_size: "M0".into(),
            node_count: 3,
            disk_autoscaling: true,
        },
        ..ProjectionStoreProps::new(PROJECT)
    });
    assert!(e.contains("M0 is the free shared tier: it has no dedicated nodes, autoscaling or backup\n  fix: use Tier::Free for M0"), "{e}");
}

#[test]
fn node_counts_other_than_3_5_7() {
    for n in [1, 2, 4, 9] {
        let e = store_errors(ProjectionStoreProps {
            tier: Tier::Dedicated {
                instance_size: "M10".into(),
                node_count: n,
                disk_autoscaling: true,
            },
            ..ProjectionStoreProps::new(PROJECT)
        });
        assert!(e.contains(&format!("Platform/Projections Tier: {n} electable nodes: an Atlas replica set has 3, 5 or 7")), "{e}");
    }
}

#[test]
fn a_username_atlas_refuses_and_the_whole_internet() {
    let e = store_errors(ProjectionStoreProps {
        username: "app user:1".into(),
        allowed_cidrs: vec!["0.0.0.0/0".into()],
        ..ProjectionStoreProps::new(PROJECT)
    });
    assert!(e.contains("Platform/Projections Username: `app user:1` is not a database username Atlas accepts here"), "{e}");
    assert!(e.contains("Platform/Projections AllowedCidrs: 0.0.0.0/0 would let the whole internet try the projection store's password"), "{e}");
}

/// The statements of the activation stack's execution role.
fn execution_role_statements(app: &App) -> Vec<serde_json::Value> {
    let template = Template::from_app(app, "AtlasActivation");
    let t = template.to_json();
    let role = &t["Resources"]["ExecutionRole"];
    assert_eq!(role["Type"], "AWS::IAM::Role");
    role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("the role has a policy")
        .clone()
}

#[test]
fn the_execution_role_decrypts_the_profile_secret_only_with_a_key_named() {
    let profile_secret = json!([{"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:cfn/atlas/profile/default-??????"}]);
    // Secrets Manager's AWS managed key needs no grant: reading the secret is all.
    let (app, ..) = app();
    let statements = execution_role_statements(&app);
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!(
        statements[0]["Action"],
        json!(["secretsmanager:GetSecretValue"])
    );
    assert_eq!(statements[0]["Resource"], profile_secret);

    // A customer managed key: decrypting with it, through Secrets Manager only.
    let key = "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let mut app = App::new();
    AtlasActivation::new(
        &mut app,
        "AtlasActivation",
        AtlasActivationProps {
            profile_key: Some(fns::sub(key)),
            ..Default::default()
        },
    );
    let statements = execution_role_statements(&app);
    assert_eq!(statements.len(), 2, "{statements:?}");
    assert_eq!(statements[0]["Resource"], profile_secret);
    assert_eq!(statements[1]["Action"], json!(["kms:Decrypt"]));
    assert_eq!(statements[1]["Resource"], json!([{"Fn::Sub": key}]));
    assert_eq!(
        statements[1]["Condition"],
        json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}}})
    );
}

#[test]
fn a_cluster_name_an_end_of_life_version_and_more_entries_than_an_access_list_holds() {
    let e = store_errors(ProjectionStoreProps {
        cluster_name: "projection_store".into(),
        mongodb_major_version: "6.0".into(),
        allowed_cidrs: (0..200).map(|i| format!("10.0.{i}.0/24")).collect(),
        ..ProjectionStoreProps::new(PROJECT)
    });
    assert!(
        e.contains("error: Platform/Projections ClusterName: `projection_store` is not an Atlas cluster name\n  fix: use ASCII letters, digits and `-`, 64 at most"),
        "{e}"
    );
    assert!(
        e.contains("error: Platform/Projections MongoDBMajorVersion: MongoDB 6.0 has reached its end of life"),
        "{e}"
    );
    // 200 blocks and the VPC's NAT address: one more than a project holds.
    assert!(
        e.contains("error: Platform/Projections AllowedCidrs: the access list would have 201 entries (the VPC's NAT addresses and allowed_cidrs); an Atlas project holds 200"),
        "{e}"
    );
    // 199 blocks, 8.0, a 64-character name: accepted.
    let (app, activation, platform, vpc) = app();
    ProjectionStore::new(
        &platform.root(),
        "Projections",
        &activation,
        &vpc,
        ProjectionStoreProps {
            cluster_name: format!("p-{}", "a".repeat(62)),
            mongodb_major_version: "8.0".into(),
            allowed_cidrs: (0..199).map(|i| format!("10.0.{i}.0/24")).collect(),
            ..ProjectionStoreProps::new(PROJECT)
        },
    );
    app.synth(&[]).expect("within Atlas's limits");
}
