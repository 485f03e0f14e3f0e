//! IAM: roles for services, policy statements, and the grants other constructs make.
//!
//! Grants follow the CDK: a construct that is wired to another asks it for a grant
//! (`table.grant_read(stack, &function.role)`), and the grantee's role gains exactly the
//! actions on exactly the resource ARNs that wiring needs. Statements on the same resources
//! are merged, so each role carries one readable inline policy.

mod policy;
mod role;

pub use policy::{PolicyDocument, PolicyStatement};
pub use role::Role;
