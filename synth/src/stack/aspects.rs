//! Aspects, as the CDK's `Aspects.of(scope).add(...)`: a visitor over every resource under a
//! scope, run once at synth after the tree is built and before it is rendered. An aspect
//! reads and changes a resource's typed properties and attributes, and reports errors
//! (synth fails), warnings and info, each printed with the construct path.
//!
//! Two ship with the library: [`EnforceRemovalPolicy`] and [`PermissionsBoundary`].
//!
//! ```
//! use escdk_synth::{Aspects, Aspect, Node, Stack, cfn::sqs::CfnQueue};
//! struct RequireEncryption;
//! impl Aspect for RequireEncryption {
//!     fn visit(&self, node: &mut Node) {
//!         if let Some(q) = node.props::<CfnQueue>() {
//!             if q.sqs_managed_sse_enabled.is_none() && q.kms_master_key_id.is_none() {
//!                 node.error("queue is not encrypted", "set sqs_managed_sse_enabled");
//!             }
//!         }
//!     }
//! }
//! let stack = Stack::new("Demo");
//! stack.root().add("Jobs", CfnQueue::default());
//! Aspects::of(&stack.root()).add(RequireEncryption);
//! let err = stack.synth().unwrap_err().to_string();
//! assert!(err.contains("Demo/Jobs (Jobs): queue is not encrypted"));
//! ```

use super::scope::{below_stack, is_under, Scope};
use super::{ResourceEntry, Stack};
use crate::diagnostics::Diagnostic;
use crate::l1::Resource;
use crate::parts::{Policy, ResourceOptions};
use std::rc::Rc;

/// A visitor over resources.
pub trait Aspect {
    fn visit(&self, node: &mut Node);
}

pub(crate) struct AspectEntry {
    /// Path below the stack.
    path: String,
    aspect: Rc<dyn Aspect>,
    done: bool,
}

/// The aspects of one scope.
pub struct Aspects {
    stack: Stack,
    path: String,
}

impl Aspects {
    /// The aspects applied to everything under `scope`.
    pub fn of(scope: &Scope) -> Aspects {
        Aspects {
            stack: scope.stack().clone(),
            path: scope.path().to_string(),
        }
    }

    /// Adds an aspect; it visits every resource under the scope, once, at synth.
    pub fn add(&self, aspect: impl Aspect + 'static) -> &Self {
        self.stack.data().aspects.push(AspectEntry {
            path: self.path.clone(),
            aspect: Rc::new(aspect),
            done: false,
        });
        self
    }
}

/// One resource as an aspect sees it.
pub struct Node<'a> {
    path: &'a str,
    logical_id: &'a str,
    entry: &'a mut ResourceEntry,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Node<'_> {
    /// The construct path, starting with the stack name.
    pub fn path(&self) -> &str {
        self.path
    }
    pub fn logical_id(&self) -> &str {
        self.logical_id
    }
    /// The resource type, e.g. `AWS::DynamoDB::Table`.
    pub fn type_name(&self) -> &str {
        self.entry.props.type_name()
    }
    /// The typed properties, when the resource is a `T`.
    pub fn props<T: Resource>(&mut self) -> Option<&mut T> {
        self.entry.props.as_any_mut().downcast_mut()
    }
    /// `DependsOn`, `Condition`, `DeletionPolicy`, `UpdateReplacePolicy`, `Metadata`.
    pub fn options(&mut self) -> &mut ResourceOptions {
        &mut self.entry.options
    }
    fn push(&mut self, d: Diagnostic) {
        self.diagnostics
            .push(d.with_logical_id(self.logical_id.to_string()));
    }
    /// Synth fails with this error at the resource's path.
    pub fn error(&mut self, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Diagnostic::error(self.path, message, fix));
    }
    pub fn warning(&mut self, message: impl Into<String>, fix: impl Into<String>) {
        self.push(Diagnostic::warning(self.path, message, fix));
    }
    pub fn info(&mut self, message: impl Into<String>) {
        self.push(Diagnostic::info(self.path, message));
    }
}

/// Runs the aspects not run yet over the stack's resources, in the order they were added,
/// visiting resources in path order. The resources are taken out of the stack while the
/// aspects run, so an aspect that uses the stack cannot break it.
pub(crate) fn run(stack: &Stack) {
    let pending: Vec<(String, Rc<dyn Aspect>)> = {
        let mut d = stack.data();
        d.aspects
            .iter_mut()
            .filter(|a| !a.done)
            .map(|a| {
                a.done = true;
                (a.path.clone(), a.aspect.clone())
            })
            .collect()
    };
    if pending.is_empty() {
        return;
    }
    let mut resources = std::mem::take(&mut stack.data().resources);
    let mut diagnostics = Vec::new();
    let mut order: Vec<(String, String)> = resources
        .iter()
        .map(|(lid, e)| (e.path.clone(), lid.clone()))
        .collect();
    order.sort();
    for (scope, aspect) in &pending {
        for (path, lid) in &order {
            if !is_under(below_stack(path, stack.name()), scope) {
                continue;
            }
            if let Some(entry) = resources.get_mut(lid) {
                let mut node = Node {
                    path,
                    logical_id: lid,
                    entry,
                    diagnostics: &mut diagnostics,
                };
                aspect.visit(&mut node);
            }
        }
    }
    let mut d = stack.data();
    let added = std::mem::replace(&mut d.resources, resources);
    d.resources.extend(added);
    d.diagnostics.extend(diagnostics);
}

/// Resource types that hold data or keys: what [`EnforceRemovalPolicy`] acts on.
pub const STATEFUL_TYPES: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::S3::Bucket",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
    "AWS::SQS::Queue",
    "AWS::SecretsManager::Secret",
    "AWS::Events::Archive",
    "AWS::ECR::Repository",
    "AWS::Cognito::UserPool",
];

/// Sets one removal policy on every stateful resource under a scope (see
/// [`STATEFUL_TYPES`]), and says what it changed. `Snapshot` applies only where
/// CloudFormation supports it (RDS); other types get `Retain` instead.
///
/// ```
/// use escdk_synth::{Aspects, Stack, Policy, aspects::EnforceRemovalPolicy, cfn::sqs::CfnQueue};
/// let stack = Stack::new("Demo");
/// stack.root().add("Jobs", CfnQueue { sqs_managed_sse_enabled: Some(true.into()), ..Default::default() });
/// Aspects::of(&stack.root()).add(EnforceRemovalPolicy(Policy::RetainExceptOnCreate));
/// let t = stack.synth().unwrap().template().clone();
/// assert_eq!(t["Resources"]["Jobs"]["DeletionPolicy"], "RetainExceptOnCreate");
/// assert_eq!(t["Resources"]["Jobs"]["UpdateReplacePolicy"], "Retain");
/// ```
pub struct EnforceRemovalPolicy(pub Policy);

impl Aspect for EnforceRemovalPolicy {
    fn visit(&self, node: &mut Node) {
        let t = node.type_name().to_string();
        if !STATEFUL_TYPES.contains(&t.as_str()) {
            return;
        }
        let snapshots = Policy::can_snapshot(&t);
        let deletion = match self.0 {
            Policy::Snapshot if !snapshots => Policy::Retain,
            p => p,
        };
        // UpdateReplacePolicy has no RetainExceptOnCreate.
        let replace = match deletion {
            Policy::RetainExceptOnCreate => Policy::Retain,
            p => p,
        };
        let o = node.options();
        let before = (o.deletion_policy, o.update_replace_policy);
        o.deletion_policy = Some(deletion);
        o.update_replace_policy = Some(replace);
        if before != (Some(deletion), Some(replace)) {
            node.info(format!(
                "removal policy set to {} (EnforceRemovalPolicy)",
                deletion.name()
            ));
        }
    }
}

/// Sets a permissions boundary on every IAM role under a scope, as organisations that
/// delegate role creation require.
///
/// ```
/// use escdk_synth::{Aspects, Stack, aspects::PermissionsBoundary, cfn::iam::CfnRole, Json};
/// let stack = Stack::new("Demo");
/// let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///     "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
/// stack.root().add("Role", CfnRole::new(Json::from(trust)));
/// Aspects::of(&stack.root()).add(PermissionsBoundary::managed_policy("Boundary"));
/// let t = stack.synth().unwrap().template().clone();
/// assert!(t["Resources"]["Role"]["Properties"]["PermissionsBoundary"]["Fn::Sub"]
///     .as_str().unwrap().ends_with(":policy/Boundary"));
/// ```
pub struct PermissionsBoundary(pub crate::Expr);

impl PermissionsBoundary {
    /// The customer-managed policy of this name in the deploying account.
    pub fn managed_policy(name: &str) -> Self {
        PermissionsBoundary(crate::fns::sub(format!(
            "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{name}"
        )))
    }
}

impl Aspect for PermissionsBoundary {
    fn visit(&self, node: &mut Node) {
        if let Some(role) = node.props::<crate::cfn::iam::CfnRole>() {
            role.permissions_boundary = Some(self.0.clone().into());
        }
    }
}
