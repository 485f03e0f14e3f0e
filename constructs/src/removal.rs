//! What happens to a stateful resource when it leaves the stack.

use escdk_synth::{Handle, Policy, Stack};

/// Removal policy of a stateful resource. Event stores and tables default to `Retain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovalPolicy {
    /// Keep the resource (and its data) when it is removed from the stack or replaced.
    #[default]
    Retain,
    /// Delete it with the stack. Data is lost: choose this explicitly, for throwaway stacks.
    Destroy,
}

impl RemovalPolicy {
    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` on a resource.
    pub fn apply<T>(self, stack: &Stack, handle: &Handle<T>) {
        let policy = match self {
            RemovalPolicy::Retain => Policy::Retain,
            RemovalPolicy::Destroy => Policy::Delete,
        };
        stack.set_removal_policy(handle, policy);
    }
}
