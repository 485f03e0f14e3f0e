//! [`GithubActionsRole`]: a role one GitHub repository's workflows assume through OIDC.

use super::names::{invalid_branch, invalid_environment, invalid_owner, invalid_repository};
use super::oidc_provider::{GithubOidcProvider, AUDIENCE, ISSUER_HOST};
use crate::iam::{Grantee, PolicyStatement, Role, RoleProps};
use escdk_synth::{Expr, Json, Scope};

/// Which workflow runs of the repository may assume the role: the token's `sub` claim.
#[derive(Debug, Clone, PartialEq)]
pub enum GithubSubject {
    /// Runs on one branch: `repo:<owner>/<repo>:ref:refs/heads/<branch>`.
    Branch(String),
    /// Jobs that name a GitHub environment (which can require reviewers):
    /// `repo:<owner>/<repo>:environment:<name>`.
    Environment(String),
    /// A pattern after `repo:<owner>/<repo>:`, with `*` and `?` wildcards
    /// (`ref:refs/heads/release-*`), matched with `StringLike`. Every run that matches may
    /// assume the role: ask for it only by this name, knowingly.
    Wildcard(String),
}

/// Properties of a [`GithubActionsRole`].
#[derive(Debug, Clone, PartialEq)]
pub struct GithubActionsRoleProps {
    /// The repository's owner: a user or organisation (the seed's `github_organization`).
    pub owner: String,
    /// The repository's name (the seed's `*_github_repository`).
    pub repository: String,
    pub subject: GithubSubject,
}

impl GithubActionsRoleProps {
    /// Runs on `branch` of `owner/repository`.
    pub fn branch(owner: &str, repository: &str, branch: &str) -> Self {
        GithubActionsRoleProps {
            owner: owner.to_string(),
            repository: repository.to_string(),
            subject: GithubSubject::Branch(branch.to_string()),
        }
    }
}

/// A role only the named repository's workflows (on the named branch or environment) may
/// assume, with no permission until a grant adds one (`repository.grant_push(&role)`).
#[derive(Debug, Clone)]
pub struct GithubActionsRole {
    pub role: Role,
    /// The `sub` the trust policy admits (`repo:owner/repo:ref:refs/heads/main`).
    pub subject: String,
}

impl GithubActionsRole {
    pub fn new(
        scope: &Scope,
        id: &str,
        provider: &GithubOidcProvider,
        props: GithubActionsRoleProps,
    ) -> GithubActionsRole {
        let scope = scope.child(id);
        check(&scope, &props);
        let base = format!("repo:{}/{}:", props.owner, props.repository);
        let (operator, subject) = match &props.subject {
            GithubSubject::Branch(b) => ("StringEquals", format!("{base}ref:refs/heads/{b}")),
            GithubSubject::Environment(e) => ("StringEquals", format!("{base}environment:{e}")),
            GithubSubject::Wildcard(p) => ("StringLike", format!("{base}{p}")),
        };
        let aud = (format!("{ISSUER_HOST}:aud"), Json::from(AUDIENCE));
        let sub = (format!("{ISSUER_HOST}:sub"), Json::from(subject.as_str()));
        let conditions = if operator == "StringEquals" {
            Json::object([("StringEquals", Json::object([aud, sub]))])
        } else {
            Json::object([
                ("StringEquals", Json::object([aud])),
                ("StringLike", Json::object([sub])),
            ])
        };
        let role = Role::new(
            &scope,
            "Resource",
            RoleProps::web_identity(
                provider.arn(),
                conditions,
                &format!("GitHub Actions of {}/{}", props.owner, props.repository),
            ),
        );
        GithubActionsRole { role, subject }
    }

    /// The role's ARN: what `aws-actions/configure-aws-credentials` takes as `role-to-assume`.
    pub fn arn(&self) -> Expr {
        self.role.arn()
    }
}

impl Grantee for GithubActionsRole {
    fn add_to_principal_policy(&self, statement: PolicyStatement) {
        self.role.add_to_policy(statement);
    }
    fn principal_path(&self) -> String {
        self.role.principal_path()
    }
}

fn check(scope: &Scope, props: &GithubActionsRoleProps) {
    if let Some(why) = invalid_owner(&props.owner) {
        scope.prop_error(
            "owner",
            format!("the GitHub owner `{}` {why}", props.owner),
            "give the user or organisation as GitHub shows it, e.g. ambarltd",
        );
    }
    if let Some(why) = invalid_repository(&props.repository) {
        scope.prop_error(
            "repository",
            format!("the GitHub repository `{}` {why}", props.repository),
            "give the repository's name without its owner, e.g. event-sourcing-app",
        );
    }
    match &props.subject {
        GithubSubject::Branch(b) => {
            if let Some(why) = invalid_branch(b) {
                scope.prop_error(
                    "subject",
                    format!("the branch `{b}` {why}"),
                    "name one branch, e.g. main; to admit a pattern, say so with GithubSubject::Wildcard",
                );
            }
        }
        GithubSubject::Environment(e) => {
            if let Some(why) = invalid_environment(e) {
                scope.prop_error(
                    "subject",
                    format!("the environment `{e}` {why}"),
                    "name one GitHub environment, e.g. production",
                );
            }
        }
        GithubSubject::Wildcard(p) => {
            if p.is_empty() || p.chars().any(|c| c.is_whitespace() || c.is_control()) {
                scope.prop_error(
                    "subject",
                    format!("the pattern `{p}` is empty or has white space"),
                    "give what follows `repo:<owner>/<repo>:`, e.g. ref:refs/heads/release-*",
                );
            }
        }
    }
}
