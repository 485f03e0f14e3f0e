//! What deploy does with a stack in each CloudFormation status.

/// The way forward from a stack's current status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// No stack: create it.
    Create,
    /// A stable stack: update it.
    Update,
    /// An operation is running: wait for it, then decide again.
    Wait,
    /// A failed first create left an empty, rolled-back stack: it must be deleted first.
    DeleteFirst,
    /// Stuck: a human has to act (the message says how).
    Stuck(String),
}

/// Decides from a stack status (None when the stack does not exist).
pub fn next(status: Option<&str>) -> Next {
    let Some(s) = status else { return Next::Create };
    match s {
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => Next::DeleteFirst,
        "DELETE_COMPLETE" | "REVIEW_IN_PROGRESS" => Next::Create,
        "UPDATE_ROLLBACK_FAILED" => Next::Stuck(
            "an update failed and its rollback failed too: fix what the events name, then run \
             `aws cloudformation continue-update-rollback --stack-name <stack>` (or deploy with \
             --continue-rollback), and deploy again"
                .into(),
        ),
        "DELETE_FAILED" => Next::Stuck(
            "the stack could not be deleted: see its events, fix the cause, then destroy it again"
                .into(),
        ),
        s if s.ends_with("_IN_PROGRESS") => Next::Wait,
        s if s.ends_with("_COMPLETE") => Next::Update,
        other => Next::Stuck(format!(
            "CloudFormation reports {other}: see the stack's events"
        )),
    }
}

/// A final status that means success for the operation that led to it.
pub fn succeeded(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" | "IMPORT_COMPLETE"
    )
}

/// A status that ends an operation (nothing more will happen without a new request).
pub fn is_terminal(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_has_a_way_forward() {
        assert_eq!(next(None), Next::Create);
        assert_eq!(next(Some("CREATE_COMPLETE")), Next::Update);
        assert_eq!(next(Some("UPDATE_ROLLBACK_COMPLETE")), Next::Update);
        assert_eq!(next(Some("ROLLBACK_COMPLETE")), Next::DeleteFirst);
        assert_eq!(next(Some("UPDATE_IN_PROGRESS")), Next::Wait);
        assert_eq!(
            next(Some("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")),
            Next::Wait
        );
        assert!(
            matches!(next(Some("UPDATE_ROLLBACK_FAILED")), Next::Stuck(m) if m.contains("continue-update-rollback"))
        );
        assert!(!succeeded("UPDATE_ROLLBACK_COMPLETE"));
        assert!(is_terminal("ROLLBACK_COMPLETE") && !is_terminal("CREATE_IN_PROGRESS"));
    }
}
