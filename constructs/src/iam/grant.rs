//! What grants take ([`Grantee`]) and give back ([`Grant`]).

use super::policy::PolicyStatement;
use super::role::Role;

/// Anything with a role that grants can extend.
pub trait Grantee {
    fn grant_role(&self) -> &Role;
}

impl Grantee for Role {
    fn grant_role(&self) -> &Role {
        self
    }
}

/// What one `grant_*` call added to a role's policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The role's path (as the template's `escdk:path` shows it).
    pub role: String,
    pub statements: Vec<PolicyStatement>,
}

impl Grant {
    /// Adds `statements` to the grantee's role and says so.
    pub fn add(grantee: &impl Grantee, statements: Vec<PolicyStatement>) -> Grant {
        let role = grantee.grant_role();
        for s in &statements {
            role.add_to_policy(s.clone());
        }
        Grant {
            role: role.handle.path().to_string(),
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
