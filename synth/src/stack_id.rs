//! [`StackId`]: which stack of the process a name belongs to.

use std::sync::atomic::{AtomicU32, Ordering};

/// Identifies a stack within the process, so a handle used in another stack is caught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackId(u32);

impl StackId {
    pub(crate) fn next() -> StackId {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        StackId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}
