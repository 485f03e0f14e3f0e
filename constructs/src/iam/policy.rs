//! Policy statements and documents.

use escdk_synth::{Expr, Json};

/// An `Allow` statement: actions on resources, with optional conditions.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    pub actions: Vec<String>,
    pub resources: Vec<Json>,
    pub conditions: Option<Json>,
}

impl PolicyStatement {
    /// Allows `actions` on `resources` (ARNs: resource attributes or `fns::sub` strings).
    pub fn allow<A: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = Expr>,
    ) -> Self {
        PolicyStatement {
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Json::from).collect(),
            conditions: None,
        }
    }

    /// `action` on `*`: only for an action with no resource-level permission (the caller
    /// says why next to it); the security test admits exactly these.
    pub fn allow_any_resource(action: &str) -> Self {
        PolicyStatement {
            actions: vec![action.to_string()],
            resources: vec![Json::from("*")],
            conditions: None,
        }
    }

    fn to_json(&self) -> Json {
        let mut actions = self.actions.clone();
        actions.sort();
        actions.dedup();
        let mut fields = vec![
            ("Effect", Json::from("Allow")),
            ("Action", Json::from(actions)),
            ("Resource", Json::Array(self.resources.clone())),
        ];
        if let Some(c) = &self.conditions {
            fields.push(("Condition", c.clone()));
        }
        Json::object(fields)
    }
}

/// A policy document built from statements; statements with the same resources and
/// conditions are merged into one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    pub fn add(&mut self, statement: PolicyStatement) {
        if let Some(existing) = self
            .statements
            .iter_mut()
            .find(|s| s.resources == statement.resources && s.conditions == statement.conditions)
        {
            existing.actions.extend(statement.actions);
            existing.actions.sort();
            existing.actions.dedup();
        } else {
            self.statements.push(statement);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    pub fn statements(&self) -> &[PolicyStatement] {
        &self.statements
    }

    pub fn to_json(&self) -> Json {
        Json::object([
            ("Version", Json::from("2012-10-17")),
            (
                "Statement",
                Json::Array(
                    self.statements
                        .iter()
                        .map(PolicyStatement::to_json)
                        .collect(),
                ),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use escdk_synth::fns;

    #[test]
    fn statements_on_the_same_resources_merge() {
        let mut doc = PolicyDocument::default();
        doc.add(PolicyStatement::allow(
            ["dynamodb:Query"],
            [fns::sub("arn:a")],
        ));
        doc.add(PolicyStatement::allow(
            ["dynamodb:GetItem", "dynamodb:Query"],
            [fns::sub("arn:a")],
        ));
        doc.add(PolicyStatement::allow(
            ["sqs:SendMessage"],
            [fns::sub("arn:b")],
        ));
        assert_eq!(doc.statements().len(), 2);
        assert_eq!(
            doc.statements()[0].actions,
            vec!["dynamodb:GetItem", "dynamodb:Query"]
        );
    }
}
