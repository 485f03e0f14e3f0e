//! A policy document: the one way every policy of ours is written.

use super::statement::PolicyStatement;
use escdk_synth::Json;

/// A policy document built from [`PolicyStatement`]s. [`add`](Self::add) merges a statement
/// into one that differs only in its actions, so a role's grants stay one readable list;
/// [`push`](Self::push) keeps it apart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// A document of `statements`, each kept as given.
    pub fn new(statements: impl IntoIterator<Item = PolicyStatement>) -> Self {
        PolicyDocument {
            statements: statements.into_iter().collect(),
        }
    }

    /// Adds `statement`, merged into one on the same resources, principal and conditions.
    /// Returns the index of the statement that holds it (the merged one, or the new last).
    pub fn add(&mut self, statement: PolicyStatement) -> usize {
        match self
            .statements
            .iter()
            .position(|s| s.merges_with(&statement))
        {
            Some(i) if statement.merges_with(&self.statements[i]) => {
                let existing = &mut self.statements[i];
                existing.actions.extend(statement.actions);
                existing.actions.sort();
                existing.actions.dedup();
                i
            }
            _ => {
                self.statements.push(statement);
                self.statements.len() - 1
            }
        }
    }

    /// Adds `statement` as a statement of its own.
    pub fn push(&mut self, statement: PolicyStatement) {
        self.statements.push(statement);
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

impl From<PolicyDocument> for Json {
    fn from(doc: PolicyDocument) -> Json {
        doc.to_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::Principal;
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

    #[test]
    fn a_deny_a_principal_or_a_name_keeps_a_statement_apart() {
        let arn = || [fns::sub("arn:a")];
        let mut doc = PolicyDocument::default();
        doc.add(PolicyStatement::allow(["s3:GetObject"], arn()));
        doc.add(PolicyStatement::deny(["s3:DeleteObject"], arn()));
        doc.add(
            PolicyStatement::allow(["s3:PutObject"], arn())
                .principal(Principal::service("logging.s3.amazonaws.com")),
        );
        doc.add(PolicyStatement::allow(["s3:ListBucket"], arn()).sid("Lists"));
        doc.add(PolicyStatement::allow(["s3:GetObject"], arn()).not_actions(["s3:PutObject"]));
        assert_eq!(doc.statements().len(), 5);
        let Json::Object(json) = doc.to_json() else {
            panic!("a document is an object")
        };
        let Some(Json::Array(statements)) = json.get("Statement") else {
            panic!("a document has statements")
        };
        let field = |i: usize, key: &str| match &statements[i] {
            Json::Object(m) => m.get(key).cloned(),
            _ => None,
        };
        assert_eq!(field(1, "Effect"), Some(Json::from("Deny")));
        assert_eq!(
            field(2, "Principal"),
            Some(Json::object([("Service", "logging.s3.amazonaws.com")]))
        );
        assert_eq!(field(3, "Sid"), Some(Json::from("Lists")));
        assert_eq!(field(4, "NotAction"), Some(Json::array(["s3:PutObject"])));
        assert_eq!(field(4, "Action"), None);
    }
}
