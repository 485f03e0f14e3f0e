//! What happens to a stateful resource when it leaves the stack.
//!
//! Deletion protection (DynamoDB, RDS, Atlas) and the removal policy must agree: a
//! protected resource cannot be deleted by a rollback either, so only
//! [`RemovalPolicy::Retain`] goes with protection; the constructs turn protection on for
//! it and refuse protection with the others.

use escdk_synth::{Handle, Policy, Scope, Stack};

/// Removal policy of a stateful resource. Event stores, tables, keys, queues, logs and
/// secrets default to [`RemovalPolicy::RetainOnUpdateOrDelete`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovalPolicy {
    /// Keep the resource (and its data) when it is removed from the stack, the stack is
    /// deleted, or it is replaced: `DeletionPolicy: RetainExceptOnCreate`,
    /// `UpdateReplacePolicy: Retain`. Only when the operation that created it fails and
    /// rolls back is it deleted (it holds nothing yet), so a failed first deploy leaves no
    /// orphaned table, key, queue or secret behind to block the retry.
    #[default]
    RetainOnUpdateOrDelete,
    /// Keep the resource whatever happens, even when the operation that created it rolls
    /// back (`DeletionPolicy: Retain`): a failed first deploy leaves it behind. The one
    /// policy that goes with deletion protection.
    Retain,
    /// Delete the resource after a final snapshot (RDS clusters and instances, ElastiCache,
    /// Neptune, Redshift: the types CloudFormation can snapshot).
    Snapshot,
    /// Delete it with the stack. Data is lost: choose this explicitly, for throwaway stacks.
    Destroy,
}

impl RemovalPolicy {
    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` on a resource.
    pub fn apply<T>(self, stack: &Stack, handle: &Handle<T>) {
        let policy = match self {
            RemovalPolicy::RetainOnUpdateOrDelete => Policy::RetainExceptOnCreate,
            RemovalPolicy::Retain => Policy::Retain,
            RemovalPolicy::Snapshot => Policy::Snapshot,
            RemovalPolicy::Destroy => Policy::Delete,
        };
        stack.set_removal_policy(handle, policy);
    }

    /// Whether deletion protection goes with this policy: only [`RemovalPolicy::Retain`]
    /// never asks CloudFormation to delete the resource.
    pub fn protects(self) -> bool {
        self == RemovalPolicy::Retain
    }
}

/// Deletion protection as asked (`None`: what `policy` goes with), refusing protection the
/// removal policy contradicts: `property` names the construct's protection property.
pub fn check_protection(
    scope: &Scope,
    property: &str,
    asked: Option<bool>,
    policy: RemovalPolicy,
) -> bool {
    match asked {
        None => policy.protects(),
        Some(true) if !policy.protects() => {
            scope.prop_error(
                property,
                format!(
                    "deletion protection with removal policy {policy:?}: CloudFormation could not delete it when a failed create rolls back (ROLLBACK_FAILED), nor on `destroy`"
                ),
                "protect it with `removal_policy: RemovalPolicy::Retain` (protection follows), or leave the protection unset",
            );
            true
        }
        Some(on) => on,
    }
}
