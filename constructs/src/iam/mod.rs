//! IAM: roles for services, policy statements, and the grants other constructs make.
//!
//! Grants follow the CDK: a construct wired to another asks it for a grant
//! (`table.grant_read_data(&function)`), and the grantee's role gains exactly the actions
//! on exactly the resource ARNs that wiring needs. Every `grant_*` takes a [`Grantee`] (a
//! [`Role`], or a construct with one, such as a function) and returns the [`Grant`] it
//! added. Statements on the same resources are merged, so each role carries one readable
//! inline policy, `Grants`, which only grants write; a policy the user adds is never
//! rewritten.
//!
//! Every policy the library writes (grants, trust, and the key, queue, topic and bucket
//! policies) is a [`PolicyDocument`] of [`PolicyStatement`]s: effect, principal, actions or
//! `NotAction`, resources or `NotResource`, conditions.

mod document;
mod grant;
mod principal;
pub mod resource_policy;
mod role;
mod statement;
mod user;

pub use document::PolicyDocument;
pub use grant::{Grant, Grantee};
pub use principal::Principal;
pub use role::{AssumedBy, Role, RoleProps};
pub use statement::{Effect, PolicyStatement};
pub use user::User;
