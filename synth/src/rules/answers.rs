//! Where a checkov check reads less than a rule of ours: the rule passes, checkov's check
//! would fail only because it looks at one property. There the template says why, next to
//! the resource (`Metadata.checkov.skip`, the comment naming our rule), so that an auditor
//! reading checkov's report sees the reason instead of a failure nobody answered.
//!
//! Each answer is narrow: it is written only when our rule passes for a reason it can state,
//! and never where the rule is suppressed (the suppression's own reason is written then).

use super::check::{for_each_subject, Failed, Referrers, Subject};
use super::suppress::{child, push, Suppression};
use super::{lambda, rule, Rule};
use crate::json::JsonValue as Value;
use serde_json::json;

/// One answer: when `answer` gives a reason, checkov's `checkov` is skipped with it.
pub struct Answer {
    /// Our rule, which passes where the answer is written.
    pub rule: &'static str,
    /// The checkov check that reads less.
    pub checkov: &'static str,
    /// `Some(why our rule passes and checkov's check does not see it)`.
    pub answer: fn(&Subject) -> Option<String>,
}

/// Every answer.
pub static ANSWERS: &[Answer] = &[
    Answer {
        rule: "ESCDK-SQS-ENCRYPTED",
        checkov: "CKV_AWS_27",
        answer: queue_encrypted_by_sqs,
    },
    Answer {
        rule: "ESCDK-LAMBDA-ASYNC-FAILURES",
        checkov: "CKV_AWS_116",
        answer: lambda::failures_kept_without_a_dead_letter_queue,
    },
    Answer {
        rule: "ESCDK-LAMBDA-CONCURRENCY",
        checkov: "CKV_AWS_115",
        answer: lambda::needs_no_reserved_concurrency,
    },
];

/// CKV_AWS_27 reads only `KmsMasterKeyId`; SQS-managed encryption is encryption at rest too.
fn queue_encrypted_by_sqs(s: &Subject) -> Option<String> {
    (!s.is_set("KmsMasterKeyId") && s.prop("SqsManagedSseEnabled") == &crate::json::JsonValue::Bool(true))
        .then(|| {
            "the queue is encrypted at rest with SQS-managed keys (SqsManagedSseEnabled: true); CKV_AWS_27 reads only KmsMasterKeyId".into()
        })
}

/// An answer found: the resource's logical ID, the checkov check, the reason.
pub(crate) type Found = Vec<(String, &'static str, String)>;

/// Every answer that applies, unless a suppression already covers the rule or the checkov
/// check there.
/// `failed` holds what the rules found, when they ran; else each rule is asked here.
pub(crate) fn find<'a>(
    template: &'a Value,
    referrers: &Referrers<'a>,
    suppressions: &[Suppression],
    failed: Option<&Failed>,
) -> Found {
    let mut found = Vec::new();
    let answers: Vec<(&Answer, &Rule)> = ANSWERS
        .iter()
        .filter_map(|a| Some((a, rule(a.rule)?)))
        .collect();
    for_each_subject(template, referrers, |at, subject| {
        let (lid, path) = (subject.logical_id, subject.path);
        let type_name = subject.type_name();
        for &(a, r) in &answers {
            let fails = || match failed {
                Some(failed) => failed.contains(&(at, r.id)),
                None => (r.check)(subject).is_some(),
            };
            if !r.types.contains(&type_name)
                || suppressions
                    .iter()
                    .any(|s| (s.id == a.rule || s.id == a.checkov) && s.covers(lid, path))
                || fails()
            {
                continue;
            }
            if let Some(reason) = (a.answer)(subject) {
                found.push((lid.to_string(), a.checkov, reason));
            }
        }
    });
    found
}

/// Writes the answers [`find`] found into the resources' `Metadata.checkov.skip`.
pub(crate) fn write(template: &mut Value, found: Found) {
    let Some(resources) = template["Resources"].as_object_mut() else {
        return;
    };
    for (lid, id, reason) in found {
        if let Some(resource) = resources.get_mut(&lid).and_then(Value::as_object_mut) {
            let checkov = child(child(resource, "Metadata"), "checkov");
            push(
                checkov,
                "skip",
                Value::from(json!({"id": id, "comment": reason})),
            );
        }
    }
}
