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

/// The `Statement` list of a policy document, when it is one.
fn statements_of(document: &mut Json) -> Option<&mut Vec<Json>> {
    match document {
        Json::Object(doc) => match doc.get_mut("Statement") {
            Some(Json::Array(list)) => Some(list),
            _ => None,
        },
        _ => None,
    }
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
        let (index, count, rendered) = {
            let mut doc = self.grants.borrow_mut();
            let index = doc.add(statement);
            (
                index,
                doc.statements().len(),
                doc.statements()[index].to_json(),
            )
        };
        let grants = &self.grants;
        self.stack.update(&self.handle, |cfn| {
            let mut policies = match cfn.policies.take() {
                Some(escdk_synth::Value::Lit(p)) => p,
                _ => Vec::new(),
            };
            match policies
                .iter_mut()
                .find(|p| p.policy_name.literal().map(String::as_str) == Some(GRANTS_POLICY))
            {
                // The policy as the earlier grants wrote it: only the statement that
                // changed is rendered again (rendering the whole document on every grant
                // made a role's grants quadratic).
                Some(p) => match statements_of(&mut p.policy_document) {
                    Some(list) if list.len() == count => list[index] = rendered,
                    Some(list) if list.len() + 1 == count && index == list.len() => {
                        list.push(rendered);
                    }
                    _ => p.policy_document = grants.borrow().to_json(),
                },
                None => policies.push(role::Policy::new(grants.borrow().to_json(), GRANTS_POLICY)),
            }
            cfn.policies = Some(policies.into());
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use escdk_synth::fns;

    /// The rendered `Grants` policy document of the role `Worker` in `stack`.
    fn grants_document(stack: &Stack) -> serde_json::Value {
        let out = stack.synth().expect("synthesizes");
        let policies = out.template()["Resources"]["Worker"]["Properties"]["Policies"]
            .as_array()
            .expect("policies")
            .clone();
        let grants = policies
            .iter()
            .find(|p| p["PolicyName"] == GRANTS_POLICY)
            .expect("the Grants policy");
        grants["PolicyDocument"].clone()
    }

    /// `document` rendered as the `Grants` policy of a role written directly.
    fn rendered(document: &PolicyDocument) -> serde_json::Value {
        let (stack, role) = worker();
        stack.update(&role.handle, |cfn| {
            cfn.policies = Some(vec![role::Policy::new(document.to_json(), GRANTS_POLICY)].into());
        });
        grants_document(&stack)
    }

    fn statements() -> Vec<PolicyStatement> {
        vec![
            PolicyStatement::allow(["sqs:SendMessage"], [fns::sub("arn:a")]),
            PolicyStatement::allow(["s3:GetObject"], [fns::sub("arn:b")]),
            // Merges into the first, then into the second, then one of its own.
            PolicyStatement::allow(["sqs:GetQueueUrl"], [fns::sub("arn:a")]),
            PolicyStatement::allow(["s3:ListBucket", "s3:GetObject"], [fns::sub("arn:b")]),
            PolicyStatement::deny(["s3:DeleteObject"], [fns::sub("arn:b")]),
        ]
    }

    /// The role `Worker` of a new stack `S`.
    fn worker() -> (Stack, Role) {
        let stack = Stack::new("S");
        let role = Role::new(
            &stack.root(),
            "Worker",
            RoleProps::new("lambda.amazonaws.com", "w"),
        );
        (stack, role)
    }

    /// Grants `statements` to `role` one at a time; returns the document they make.
    fn grant_each(role: &Role, statements: Vec<PolicyStatement>) -> PolicyDocument {
        let mut expected = PolicyDocument::default();
        for s in statements {
            expected.add(s.clone());
            role.add_to_policy(s);
        }
        expected
    }

    #[test]
    fn grants_rendered_one_statement_at_a_time_equal_the_whole_document() {
        let (stack, role) = worker();
        let expected = grant_each(&role, statements());
        assert_eq!(expected.statements().len(), 3);
        assert_eq!(grants_document(&stack), rendered(&expected));
    }

    #[test]
    fn a_grants_policy_changed_through_the_handle_is_written_whole_again() {
        let (stack, role) = worker();
        let mut expected = grant_each(&role, statements().into_iter().take(2).collect());
        stack.update(&role.handle, |cfn| {
            if let Some(escdk_synth::Value::Lit(policies)) = &mut cfn.policies {
                policies[0].policy_document =
                    Json::object([("Statement", Json::array(Vec::<Json>::new()))]);
            }
        });
        let last = statements().pop().expect("a statement");
        expected.add(last.clone());
        role.add_to_policy(last);
        assert_eq!(grants_document(&stack), rendered(&expected));
    }
}
