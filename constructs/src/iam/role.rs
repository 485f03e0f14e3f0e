//! A role a service assumes, with one inline policy that grants extend.

use super::policy::{PolicyDocument, PolicyStatement};
use escdk_synth::cfn::iam::{role, CfnRole};
use escdk_synth::{Expr, Handle, Json, Scope, Stack};

/// An IAM role assumed by one AWS service (e.g. `lambda.amazonaws.com`).
#[derive(Debug, Clone)]
pub struct Role {
    pub handle: Handle<CfnRole>,
}

/// The name of the inline policy that grants add to.
const POLICY_NAME: &str = "Grants";

impl Role {
    pub fn new(scope: &mut Scope, id: &str, service: &str, description: &str) -> Role {
        let trust = Json::object([
            ("Version", Json::from("2012-10-17")),
            (
                "Statement",
                Json::array([Json::object([
                    ("Effect", Json::from("Allow")),
                    ("Principal", Json::object([("Service", service)])),
                    ("Action", Json::from("sts:AssumeRole")),
                ])]),
            ),
        ]);
        let handle = scope.add(
            id,
            CfnRole {
                description: Some(description.into()),
                ..CfnRole::new(trust)
            },
        );
        Role { handle }
    }

    /// The role's ARN.
    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// Adds a statement to the role's inline policy (merged with statements on the same
    /// resources).
    pub fn add_to_policy(&self, stack: &mut Stack, statement: PolicyStatement) {
        let Some(cfn) = stack.get_mut(&self.handle) else {
            return;
        };
        let mut doc = current_document(cfn);
        doc.add(statement);
        cfn.policies = Some(vec![role::Policy::new(doc.to_json(), POLICY_NAME)].into());
    }
}

/// Reads the grants policy back into a document (only this module writes it).
fn current_document(cfn: &CfnRole) -> PolicyDocument {
    let mut doc = PolicyDocument::default();
    let Some(policies) = cfn.policies.as_ref().and_then(|p| p.literal()) else {
        return doc;
    };
    for p in policies {
        let Json::Object(d) = &p.policy_document else {
            continue;
        };
        let Some(Json::Array(statements)) = d.get("Statement") else {
            continue;
        };
        for s in statements {
            let Json::Object(s) = s else { continue };
            let actions = match s.get("Action") {
                Some(Json::Array(a)) => a
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            let resources = match s.get("Resource") {
                Some(Json::Array(r)) => r.clone(),
                _ => Vec::new(),
            };
            doc.add(PolicyStatement {
                actions,
                resources,
                conditions: s.get("Condition").cloned(),
            });
        }
    }
    doc
}
