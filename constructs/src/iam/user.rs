//! An IAM user for a program that cannot assume a role (SMTP clients, applications that
//! insist on a long-lived key), with one inline policy, `Grants`, that grants extend. It
//! has no console password, and its access keys are made by the construct that needs
//! them, into a Secrets Manager secret.

use super::document::PolicyDocument;
use super::role::GRANTS_POLICY;
use super::statement::PolicyStatement;
use escdk_synth::cfn::iam::{user, CfnUser};
use escdk_synth::{Expr, Handle, Scope, Stack};
use std::cell::RefCell;
use std::rc::Rc;

/// An IAM user whose only permissions are the grants made to it.
#[derive(Debug, Clone)]
pub struct User {
    pub handle: Handle<CfnUser>,
    stack: Stack,
    grants: Rc<RefCell<PolicyDocument>>,
}

impl User {
    pub fn new(scope: &Scope, id: &str) -> User {
        let handle = scope.add(id, CfnUser::default());
        User {
            handle,
            stack: scope.stack().clone(),
            grants: Rc::default(),
        }
    }

    /// The user's name (`Ref`).
    pub fn name(&self) -> Expr {
        self.handle.reference()
    }

    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// Adds a statement to the user's `Grants` policy.
    pub fn add_to_policy(&self, statement: PolicyStatement) {
        let document = {
            let mut doc = self.grants.borrow_mut();
            doc.add(statement);
            doc.to_json()
        };
        self.stack.update(&self.handle, |cfn| {
            cfn.policies = Some(vec![user::Policy::new(document, GRANTS_POLICY)].into());
        });
    }
}
