//! A change set, summarized: what is added, modified (and whether it is replaced) or
//! removed, and whether the user must approve it.

/// One resource change.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import` or `Dynamic`.
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// `True`, `False` or `Conditional` (modifications only).
    pub replacement: Option<String>,
}

/// Resource types whose replacement or removal loses data.
const STATEFUL: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::Events::Archive",
];

/// Resource types that grant permissions.
const PERMISSIONS: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Lambda::Permission",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::S3::BucketPolicy",
    "AWS::KMS::Key",
];

/// `--require-approval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Never ask.
    Never,
    /// Ask for data-losing replacements and removals, and for permission changes (default).
    Broadening,
    /// Ask for any change.
    AnyChange,
}

impl ResourceChange {
    pub fn replaces(&self) -> bool {
        matches!(self.replacement.as_deref(), Some("True" | "Conditional"))
    }

    fn loses_data(&self) -> bool {
        STATEFUL.contains(&self.resource_type.as_str())
            && (self.action == "Remove" || self.replaces())
    }

    fn changes_permissions(&self) -> bool {
        PERMISSIONS.contains(&self.resource_type.as_str())
            && matches!(self.action.as_str(), "Add" | "Modify" | "Dynamic")
    }

    /// One line: `+` add, `~` modify, `-` remove, `!` replace.
    pub fn line(&self, path: &str) -> String {
        let (sign, note) = match self.action.as_str() {
            "Add" => ("+", String::new()),
            "Remove" => ("-", String::new()),
            "Modify" if self.replaces() => (
                "!",
                format!(
                    " (replaced{})",
                    if self.replacement.as_deref() == Some("Conditional") {
                        " if a changed property requires it"
                    } else {
                        ""
                    }
                ),
            ),
            "Modify" => ("~", String::new()),
            other => ("?", format!(" ({other})")),
        };
        let warn = if self.loses_data() {
            "  <- data in this resource is lost"
        } else {
            ""
        };
        format!(
            "  {sign} {:<32} {path} ({}){note}{warn}",
            self.resource_type, self.logical_id
        )
    }
}

/// Why approval is needed, or None.
pub fn approval_reasons(changes: &[ResourceChange], level: Approval) -> Vec<String> {
    match level {
        Approval::Never => Vec::new(),
        Approval::AnyChange if !changes.is_empty() => vec![format!("{} change(s)", changes.len())],
        Approval::AnyChange => Vec::new(),
        Approval::Broadening => {
            let mut reasons = Vec::new();
            for c in changes {
                if c.loses_data() {
                    let what = if c.action == "Remove" {
                        "removes"
                    } else {
                        "replaces"
                    };
                    reasons.push(format!(
                        "{what} {} {} (its data would be lost unless retained)",
                        c.resource_type, c.logical_id
                    ));
                }
                if c.changes_permissions() {
                    reasons.push(format!(
                        "{} {} {} (permissions change)",
                        c.action.to_lowercase(),
                        c.resource_type,
                        c.logical_id
                    ));
                }
            }
            reasons
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(action: &str, ty: &str, replacement: Option<&str>) -> ResourceChange {
        ResourceChange {
            action: action.into(),
            logical_id: "X".into(),
            resource_type: ty.into(),
            replacement: replacement.map(Into::into),
        }
    }

    #[test]
    fn replacing_an_event_store_or_widening_iam_needs_approval() {
        let replace_table = change("Modify", "AWS::DynamoDB::Table", Some("True"));
        let tweak_table = change("Modify", "AWS::DynamoDB::Table", Some("False"));
        let remove_table = change("Remove", "AWS::DynamoDB::Table", None);
        let new_role = change("Add", "AWS::IAM::Role", None);
        let new_function = change("Add", "AWS::Lambda::Function", None);
        assert_eq!(
            approval_reasons(
                &[tweak_table.clone(), new_function.clone()],
                Approval::Broadening
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            approval_reasons(std::slice::from_ref(&replace_table), Approval::Broadening).len(),
            1
        );
        assert_eq!(
            approval_reasons(&[remove_table], Approval::Broadening).len(),
            1
        );
        assert_eq!(approval_reasons(&[new_role], Approval::Broadening).len(), 1);
        assert!(approval_reasons(std::slice::from_ref(&replace_table), Approval::Never).is_empty());
        assert_eq!(
            approval_reasons(&[new_function], Approval::AnyChange).len(),
            1
        );
        assert!(
            replace_table.line("S/T").contains("! AWS::DynamoDB::Table")
                && replace_table
                    .line("S/T")
                    .contains("data in this resource is lost")
        );
        assert!(tweak_table.line("S/T").starts_with("  ~ "));
    }
}
