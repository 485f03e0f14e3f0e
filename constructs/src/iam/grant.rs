//! What grants take ([`Grantee`]) and give back ([`Grant`]).

use super::role::Role;
use super::statement::PolicyStatement;
use super::user::User;

/// Anything whose identity policy grants can extend: a [`Role`], a [`User`], or a construct
/// with a role (a function, a service's task).
pub trait Grantee {
    /// Adds a statement to the principal's `Grants` policy.
    fn add_to_principal_policy(&self, statement: PolicyStatement);
    /// The principal's construct path (as the template's `escdk:path` shows it).
    fn principal_path(&self) -> String;
}

impl Grantee for Role {
    fn add_to_principal_policy(&self, statement: PolicyStatement) {
        self.add_to_policy(statement);
    }
    fn principal_path(&self) -> String {
        self.handle.path().to_string()
    }
}

impl Grantee for User {
    fn add_to_principal_policy(&self, statement: PolicyStatement) {
        self.add_to_policy(statement);
    }
    fn principal_path(&self) -> String {
        self.handle.path().to_string()
    }
}

/// What one `grant_*` call added to a principal's policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The principal's path (as the template's `escdk:path` shows it).
    pub role: String,
    pub statements: Vec<PolicyStatement>,
}

impl Grant {
    /// Adds `statements` to the grantee's policy and says so.
    pub fn add(grantee: &impl Grantee, statements: Vec<PolicyStatement>) -> Grant {
        for s in &statements {
            grantee.add_to_principal_policy(s.clone());
        }
        Grant {
            role: grantee.principal_path(),
            statements,
        }
    }

    /// Every action granted, sorted.
    pub fn actions(&self) -> Vec<&str> {
        let mut a: Vec<&str> = self
            .statements
            .iter()
            .flat_map(|s| s.actions.iter().map(String::as_str))
            .collect();
        a.sort_unstable();
        a.dedup();
        a
    }
}
