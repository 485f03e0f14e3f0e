//! A role that an AWS service, or an identity federated through OpenID Connect, assumes,
//! with one inline policy, `Grants`, that grants extend.

use super::document::PolicyDocument;
use super::principal::Principal;
use super::statement::PolicyStatement;
use escdk_synth::cfn::iam::{role, CfnRole};
use escdk_synth::{Expr, Handle, Json, Scope, Stack};
use std::cell::RefCell;
use std::rc::Rc;

/// Who may assume a [`Role`].
#[derive(Debug, Clone, PartialEq)]
pub enum AssumedBy {
    /// An AWS service, e.g. `lambda.amazonaws.com`.
    Service(String),
    /// Identities of an OpenID Connect provider (its ARN), under `conditions` on the
    /// token's claims (`sts:AssumeRoleWithWebIdentity`).
    WebIdentity { provider: Expr, conditions: Json },
}

/// Properties of a [`Role`].
#[derive(Debug, Clone, PartialEq)]
pub struct RoleProps {
    pub assumed_by: AssumedBy,
    pub description: String,
}

impl RoleProps {
    /// A role the AWS service `service` (e.g. `lambda.amazonaws.com`) assumes.
    pub fn new(service: &str, description: &str) -> Self {
        RoleProps {
            assumed_by: AssumedBy::Service(service.to_string()),
            description: description.to_string(),
        }
    }

    /// A role that identities of the OpenID Connect provider `provider` assume when their
    /// token satisfies `conditions`.
    pub fn web_identity(provider: Expr, conditions: Json, description: &str) -> Self {
        RoleProps {
            assumed_by: AssumedBy::WebIdentity {
                provider,
                conditions,
            },
            description: description.to_string(),
        }
    }
}

impl AssumedBy {
    fn trust_statement(&self) -> PolicyStatement {
        match self {
            AssumedBy::Service(service) => {
                PolicyStatement::assume("sts:AssumeRole", Principal::service(service.as_str()))
            }
            AssumedBy::WebIdentity {
                provider,
                conditions,
            } => PolicyStatement::assume(
                "sts:AssumeRoleWithWebIdentity",
                Principal::Federated(provider.clone().into()),
            )
            .conditions(conditions.clone()),
        }
    }
}

/// An IAM role assumed by one AWS service.
#[derive(Debug, Clone)]
pub struct Role {
    pub handle: Handle<CfnRole>,
    stack: Stack,
    /// The statements grants added; only these are written to the `Grants` policy.
    grants: Rc<RefCell<PolicyDocument>>,
}

/// The name of the inline policy that grants add to.
pub const GRANTS_POLICY: &str = "Grants";

impl Role {
    pub fn new(scope: &Scope, id: &str, props: RoleProps) -> Role {
        let trust = PolicyDocument::new([props.assumed_by.trust_statement()]).to_json();
        let handle = scope.add(
            id,
            CfnRole {
                description: Some(props.description.into()),
                ..CfnRole::new(trust)
            },
        );
        Role {
            handle,
            stack: scope.stack().clone(),
            grants: Rc::default(),
        }
    }

    /// The role's ARN.
    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// Adds a statement to the role's `Grants` policy (merged with statements on the same
    /// resources). Other inline policies of the role are left as they are.
    pub fn add_to_policy(&self, statement: PolicyStatement) {
        let document = {
            let mut doc = self.grants.borrow_mut();
            doc.add(statement);
            doc.to_json()
        };
        self.stack.update(&self.handle, |cfn| {
            let mut policies = match cfn.policies.take() {
                Some(escdk_synth::Value::Lit(p)) => p,
                _ => Vec::new(),
            };
            let grants = role::Policy::new(document, GRANTS_POLICY);
            match policies
                .iter_mut()
                .find(|p| p.policy_name.literal().map(String::as_str) == Some(GRANTS_POLICY))
            {
                Some(p) => *p = grants,
                None => policies.push(grants),
            }
            cfn.policies = Some(policies.into());
        });
    }
}
