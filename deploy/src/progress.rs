//! Live progress: stack events, as they arrive, become lines with a running count; the
//! first failure is remembered with CloudFormation's reason. Pure (no I/O), so recorded
//! event sequences test it.

/// One stack event, as CloudFormation reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub timestamp: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

/// Follows one stack operation.
#[derive(Debug)]
pub struct Progress {
    stack: String,
    total: usize,
    seen: std::collections::HashSet<String>,
    done: std::collections::HashSet<String>,
    pub first_failure: Option<Event>,
}

fn is_failure(status: &str) -> bool {
    status.ends_with("_FAILED")
}

impl Progress {
    /// `total`: the resources the template declares (the count's denominator).
    pub fn new(stack: &str, total: usize, already_seen: impl IntoIterator<Item = String>) -> Self {
        Progress {
            stack: stack.to_string(),
            total,
            seen: already_seen.into_iter().collect(),
            done: Default::default(),
            first_failure: None,
        }
    }

    /// Whether the event was shown (or existed before the operation).
    pub fn has_seen(&self, id: &str) -> bool {
        self.seen.contains(id)
    }

    /// Takes events newest first (as DescribeStackEvents gives them) and returns the lines
    /// for the new ones, oldest first. `path_of` maps a logical ID to its construct path.
    pub fn feed(
        &mut self,
        newest_first: &[Event],
        path_of: &dyn Fn(&str) -> String,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        for e in newest_first.iter().rev() {
            if !self.seen.insert(e.id.clone()) {
                continue;
            }
            let is_stack =
                e.logical_id == self.stack && e.resource_type == "AWS::CloudFormation::Stack";
            if !is_stack && (e.status.ends_with("_COMPLETE") || e.status.ends_with("_SKIPPED")) {
                self.done.insert(e.logical_id.clone());
            }
            if is_failure(&e.status) && self.first_failure.is_none() && !is_stack {
                self.first_failure = Some(e.clone());
            }
            let what = if is_stack {
                self.stack.clone()
            } else {
                format!("{} ({})", path_of(&e.logical_id), e.logical_id)
            };
            let mut line = format!(
                "{:>4}/{} | {} | {:<28} | {:<30} | {what}",
                self.done.len(),
                self.total,
                e.timestamp,
                e.status,
                e.resource_type
            );
            if let Some(r) = e
                .reason
                .as_deref()
                .filter(|r| !r.is_empty() && is_failure(&e.status))
            {
                line.push_str(&format!("\n       reason: {r}"));
            }
            lines.push(line);
        }
        lines
    }

    /// The failure to report: the first failed resource, with its reason.
    pub fn failure_summary(&self, path_of: &dyn Fn(&str) -> String) -> Option<String> {
        self.first_failure.as_ref().map(|e| {
            format!(
                "first failure: {} ({}, {}): {}",
                path_of(&e.logical_id),
                e.logical_id,
                e.resource_type,
                e.reason.as_deref().unwrap_or("no reason given")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, lid: &str, ty: &str, status: &str, reason: Option<&str>) -> Event {
        Event {
            id: id.into(),
            timestamp: format!("10:00:{id:0>2}"),
            logical_id: lid.into(),
            resource_type: ty.into(),
            status: status.into(),
            reason: reason.map(Into::into),
        }
    }

    /// A real-world shape: a create that fails on one resource and rolls back.
    fn failed_create() -> Vec<Event> {
        vec![
            ev(
                "1",
                "Demo",
                "AWS::CloudFormation::Stack",
                "CREATE_IN_PROGRESS",
                Some("User Initiated"),
            ),
            ev("2", "Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS", None),
            ev(
                "3",
                "Table",
                "AWS::DynamoDB::Table",
                "CREATE_IN_PROGRESS",
                None,
            ),
            ev("4", "Queue", "AWS::SQS::Queue", "CREATE_COMPLETE", None),
            ev(
                "5",
                "Table",
                "AWS::DynamoDB::Table",
                "CREATE_FAILED",
                Some("One or more parameter values were invalid: Missing the key Id"),
            ),
            ev(
                "6",
                "Demo",
                "AWS::CloudFormation::Stack",
                "ROLLBACK_IN_PROGRESS",
                Some("The following resource(s) failed to create: [Table]."),
            ),
            ev("7", "Queue", "AWS::SQS::Queue", "DELETE_COMPLETE", None),
            ev(
                "8",
                "Demo",
                "AWS::CloudFormation::Stack",
                "ROLLBACK_COMPLETE",
                None,
            ),
        ]
    }

    #[test]
    fn events_print_once_in_order_with_a_running_count() {
        let path = |lid: &str| format!("Demo/{lid}");
        let all = failed_create();
        let mut p = Progress::new("Demo", 2, []);
        // The first poll sees four events, the second all eight (newest first each time).
        let first: Vec<Event> = all[..4].iter().rev().cloned().collect();
        let lines = p.feed(&first, &path);
        assert_eq!(lines.len(), 4);
        assert!(lines[0].contains("CREATE_IN_PROGRESS") && lines[0].ends_with("| Demo"));
        assert!(
            lines[3].starts_with("   1/2 |") && lines[3].contains("Demo/Queue (Queue)"),
            "{}",
            lines[3]
        );
        let second: Vec<Event> = all.iter().rev().cloned().collect();
        let lines = p.feed(&second, &path);
        assert_eq!(lines.len(), 4, "only the new events");
        assert!(
            lines[0].contains("CREATE_FAILED")
                && lines[0].contains("reason: One or more parameter values were invalid")
        );
        assert_eq!(
            p.failure_summary(&path).unwrap(),
            "first failure: Demo/Table (Table, AWS::DynamoDB::Table): One or more parameter values were invalid: Missing the key Id"
        );
    }

    #[test]
    fn events_from_before_the_operation_are_not_shown() {
        let all = failed_create();
        let mut p = Progress::new("Demo", 2, all.iter().map(|e| e.id.clone()));
        assert!(p.feed(&all, &|l: &str| l.to_string()).is_empty());
        assert!(p.first_failure.is_none());
    }

    #[test]
    fn stack_level_events_only_still_report() {
        // What moto gives: no per-resource events.
        let events = vec![
            ev(
                "2",
                "Demo",
                "AWS::CloudFormation::Stack",
                "CREATE_COMPLETE",
                None,
            ),
            ev(
                "1",
                "Demo",
                "AWS::CloudFormation::Stack",
                "CREATE_IN_PROGRESS",
                None,
            ),
        ];
        let mut p = Progress::new("Demo", 24, []);
        let lines = p.feed(&events, &|l: &str| l.to_string());
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains("CREATE_COMPLETE"));
        assert!(p.failure_summary(&|l: &str| l.to_string()).is_none());
    }
}
