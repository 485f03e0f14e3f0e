//! The small value types of a template besides resources: removal [`Policy`], the other
//! resource attributes ([`ResourceOptions`]), [`Parameter`] and [`Output`].

use crate::handle::{ConditionHandle, Handle};
use crate::json::Json;

/// What happens to a resource when it is deleted from the stack or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Delete,
    Retain,
    RetainExceptOnCreate,
    Snapshot,
}

/// The resource types CloudFormation can snapshot on delete (`DeletionPolicy: Snapshot`),
/// as its documentation lists them.
const SNAPSHOT_TYPES: [&str; 8] = [
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
];

impl Policy {
    /// Whether CloudFormation can snapshot a resource of `type_name` on delete.
    pub fn can_snapshot(type_name: &str) -> bool {
        SNAPSHOT_TYPES.contains(&type_name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Policy::Delete => "Delete",
            Policy::Retain => "Retain",
            Policy::RetainExceptOnCreate => "RetainExceptOnCreate",
            Policy::Snapshot => "Snapshot",
        }
    }
}

/// The resource attributes other than `Type` and `Properties`.
#[derive(Debug, Clone, Default)]
pub struct ResourceOptions {
    pub depends_on: Vec<Handle<()>>,
    pub condition: Option<ConditionHandle>,
    pub deletion_policy: Option<Policy>,
    pub update_replace_policy: Option<Policy>,
    pub metadata: Option<Json>,
}

/// A template parameter with its constraints.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `String`, `Number`, `List<Number>`, `CommaDelimitedList`, or an AWS-specific type.
    pub kind: String,
    pub description: Option<String>,
    pub default: Option<Json>,
    pub allowed_values: Vec<Json>,
    pub allowed_pattern: Option<String>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub constraint_description: Option<String>,
    pub no_echo: bool,
}

impl Parameter {
    /// A `String` parameter with no constraints.
    pub fn string() -> Self {
        Parameter::of_kind("String")
    }
    /// A `Number` parameter with no constraints.
    pub fn number() -> Self {
        Parameter::of_kind("Number")
    }
    pub fn of_kind(kind: &str) -> Self {
        Parameter {
            kind: kind.to_string(),
            description: None,
            default: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            constraint_description: None,
            no_echo: false,
        }
    }
}

/// A stack output.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub value: Json,
    pub description: Option<String>,
    pub export_name: Option<Json>,
    pub condition: Option<ConditionHandle>,
}

impl Output {
    pub fn new(value: impl Into<Json>) -> Self {
        Output {
            value: value.into(),
            description: None,
            export_name: None,
            condition: None,
        }
    }
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Exports the value by name. Not needed to use a value in another stack of the same
    /// app: handles do that on their own (see [`crate::cross_stack`]).
    pub fn export(mut self, name: impl Into<Json>) -> Self {
        self.export_name = Some(name.into());
        self
    }
    /// Only output the value when `condition` holds.
    pub fn condition(mut self, condition: &ConditionHandle) -> Self {
        self.condition = Some(condition.clone());
        self
    }
}
