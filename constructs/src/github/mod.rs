//! GitHub Actions' access to the account through OpenID Connect: the account's
//! [`GithubOidcProvider`] (created once, or imported by ARN), and a [`GithubActionsRole`]
//! that only one repository's workflows, on one branch or environment, may assume; no
//! long-lived keys in GitHub's secrets.

mod actions_role;
mod names;
mod oidc_provider;

pub use actions_role::{GithubActionsRole, GithubActionsRoleProps, GithubSubject};
pub use names::{invalid_branch, invalid_environment, invalid_owner, invalid_repository};
pub use oidc_provider::{GithubOidcProvider, AUDIENCE, ISSUER_HOST};
