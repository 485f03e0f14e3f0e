//! [`AtlasActivation`]: the stack that activates the MongoDB Atlas registry types, once per
//! account and region, with the execution role their handlers run as.
//!
//! The handlers call Atlas's API with the organization API key kept in the Secrets Manager
//! secret `cfn/atlas/profile/<Profile>` as `{"PublicKey": …, "PrivateKey": …}`, which the
//! user creates once (README: "MongoDB Atlas"). The role may read that secret, and decrypt it
//! with the customer managed key it is encrypted with when one is named, and nothing else.

use crate::iam::{PolicyStatement, Role, RoleProps};
use crate::secrets;
use escdk_synth::cfn::cloudformation::CfnTypeActivation;
use escdk_synth::{fns, App, Expr, Handle, Stack};

/// MongoDB's publisher id in the CloudFormation registry.
pub const PUBLISHER_ID: &str = "bb989456c78c398a858fef18f2ca1bfc1fbba082";

/// An Atlas registry type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AtlasType {
    Cluster,
    CloudBackupSchedule,
    DatabaseUser,
    FlexCluster,
    Project,
    ProjectIpAccessList,
}

impl AtlasType {
    pub const ALL: [AtlasType; 6] = [
        AtlasType::Project,
        AtlasType::ProjectIpAccessList,
        AtlasType::Cluster,
        AtlasType::FlexCluster,
        AtlasType::DatabaseUser,
        AtlasType::CloudBackupSchedule,
    ];

    /// `Cluster`, `DatabaseUser`, ...
    pub fn name(self) -> &'static str {
        match self {
            AtlasType::Cluster => "Cluster",
            AtlasType::CloudBackupSchedule => "CloudBackupSchedule",
            AtlasType::DatabaseUser => "DatabaseUser",
            AtlasType::FlexCluster => "FlexCluster",
            AtlasType::Project => "Project",
            AtlasType::ProjectIpAccessList => "ProjectIpAccessList",
        }
    }

    /// `MongoDB::Atlas::Cluster`.
    pub fn type_name(self) -> String {
        format!("MongoDB::Atlas::{}", self.name())
    }
}

/// Properties of an [`AtlasActivation`].
#[derive(Debug, Clone, PartialEq)]
pub struct AtlasActivationProps {
    /// The profile whose secret `cfn/atlas/profile/<profile>` holds the API key.
    pub profile: String,
    /// The types to activate (the projection store's by default).
    pub types: Vec<AtlasType>,
    /// The customer managed KMS key (its ARN) the profile's secret is encrypted with, when
    /// it is not Secrets Manager's AWS managed key (`aws/secretsmanager`, the default, which
    /// needs no grant): the execution role may then decrypt with it, through Secrets
    /// Manager only.
    pub profile_key: Option<Expr>,
}

impl Default for AtlasActivationProps {
    fn default() -> Self {
        AtlasActivationProps {
            profile: "default".into(),
            types: vec![
                AtlasType::ProjectIpAccessList,
                AtlasType::Cluster,
                AtlasType::FlexCluster,
                AtlasType::DatabaseUser,
                AtlasType::CloudBackupSchedule,
            ],
            profile_key: None,
        }
    }
}

/// The activation stack.
#[derive(Debug, Clone)]
pub struct AtlasActivation {
    pub stack: Stack,
    pub execution_role: Role,
    pub activations: Vec<(AtlasType, Handle<CfnTypeActivation>)>,
    pub profile: String,
}

/// The name of the secret an Atlas profile's API key lives in.
pub fn profile_secret_name(profile: &str) -> String {
    format!("cfn/atlas/profile/{profile}")
}

impl AtlasActivation {
    /// Adds the stack `name` to `app`.
    pub fn new(app: &mut App, name: &str, props: AtlasActivationProps) -> AtlasActivation {
        let stack = app.stack(name);
        stack.set_description(
            "MongoDB Atlas registry types, activated for this account and region, with their execution role",
        );
        let root = stack.root();
        let profile_ok = !props.profile.is_empty()
            && props.profile.len() <= 64
            && props
                .profile
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
        if !profile_ok {
            root.prop_error(
                "Profile",
                format!("`{}` is not a profile name", props.profile),
                "use letters, digits, `-` and `_` (64 at most); `default` is what Atlas resources use unless told",
            );
        }
        let mut types = props.types.clone();
        types.sort();
        types.dedup();
        if types.is_empty() {
            root.prop_error(
                "Types",
                "no type to activate",
                "list the Atlas types the app uses",
            );
        }
        let execution_role = Role::new(
            &root,
            "ExecutionRole",
            RoleProps::new(
                "resources.cloudformation.amazonaws.com",
                "Runs the MongoDB Atlas resource handlers: reads their API key profile, nothing else",
            ),
        );
        // The handlers read the organization API key from the profile secret; that is the
        // only AWS call they make. `-??????` is the random suffix Secrets Manager adds.
        execution_role.add_to_policy(PolicyStatement::allow(
            ["secretsmanager:GetSecretValue"],
            [fns::sub(format!(
                "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{}-??????",
                profile_secret_name(&props.profile)
            ))],
        ));
        if let Some(key) = &props.profile_key {
            execution_role.add_to_policy(secrets::key_statement(key.clone(), secrets::KEY_READ));
        }
        let mut activations: Vec<(AtlasType, Handle<CfnTypeActivation>)> = Vec::new();
        for t in AtlasType::ALL.into_iter().filter(|t| types.contains(t)) {
            let handle = root.add(
                &format!("{}Activation", t.name()),
                CfnTypeActivation {
                    public_type_arn: Some(
                        fns::sub(format!(
                            "arn:${{AWS::Partition}}:cloudformation:${{AWS::Region}}::type/resource/{PUBLISHER_ID}/MongoDB-Atlas-{}",
                            t.name()
                        ))
                        .into(),
                    ),
                    execution_role_arn: Some(execution_role.arn().into()),
                    auto_update: Some(true.into()),
                    r#type: Some("RESOURCE".into()),
                    ..Default::default()
                },
            );
            // One after another: activations of one publisher in parallel are throttled.
            if let Some((_, previous)) = activations.last() {
                stack.add_dependency(&handle, previous);
            }
            activations.push((t, handle));
        }
        AtlasActivation {
            stack,
            execution_role,
            activations,
            profile: props.profile,
        }
    }

    /// Whether this activation covers `t`.
    pub fn activates(&self, t: AtlasType) -> bool {
        self.activations.iter().any(|(a, _)| *a == t)
    }
}
