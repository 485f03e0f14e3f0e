//! Suppressions: a rule (or a checkov check) declared wrong for a resource or a scope, with
//! the reason, in code next to what it suppresses.

use super::RULES;
use crate::diagnostics::{closest, Diagnostic};
use crate::handle::Handle;
use crate::json::{JsonMap as Map, JsonValue as Value};
use crate::scope::{below_stack, is_under, Scope};
use crate::stack_id::StackId;
use serde_json::json;
use std::cell::RefCell;
use std::collections::HashMap;

/// The shortest reason taken: a reviewer must be able to read why.
const MIN_REASON: usize = 10;

/// One suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// A rule id (`ESCDK-…`), a checkov check (`CKV_AWS_117`) or a cfn-lint rule (`W3005`).
    pub id: String,
    pub reason: String,
    target: Target,
}

#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// One resource, by logical ID (its path, for messages).
    Resource { logical_id: String, path: String },
    /// Every resource under a scope (its full path).
    Scope(String),
}

impl Suppression {
    /// Whether it applies to the resource `logical_id` at `path` (full path).
    pub(crate) fn covers(&self, logical_id: &str, path: &str) -> bool {
        match &self.target {
            Target::Resource { logical_id: l, .. } => l == logical_id,
            Target::Scope(scope) => {
                let stack = scope.split('/').next().unwrap_or_default();
                is_under(below_stack(path, stack), below_stack(scope, stack))
                    && path.split('/').next() == Some(stack)
            }
        }
    }

    /// A suppression of `id` on the resource `logical_id`, for the rules' own tests.
    #[cfg(test)]
    pub(crate) fn for_test(id: &str, reason: &str, logical_id: &str) -> Suppression {
        Suppression {
            id: id.into(),
            reason: reason.into(),
            target: Target::Resource {
                logical_id: logical_id.into(),
                path: format!("S/{logical_id}"),
            },
        }
    }

    fn at(&self) -> &str {
        match &self.target {
            Target::Resource { path, .. } => path,
            Target::Scope(scope) => scope,
        }
    }
}

thread_local! {
    static SUPPRESSIONS: RefCell<HashMap<StackId, Vec<Suppression>>> = RefCell::new(HashMap::new());
}

fn add(stack: StackId, s: Suppression) {
    SUPPRESSIONS.with(|all| all.borrow_mut().entry(stack).or_default().push(s));
}

/// Suppresses the rule (or checkov check) `id` on one resource, because `reason`. The reason
/// is written into the template for auditors; one shorter than ten characters is a synth
/// error.
pub fn suppress<T>(handle: &Handle<T>, id: &str, reason: &str) {
    add(
        handle.stack,
        Suppression {
            id: id.to_string(),
            reason: reason.trim().to_string(),
            target: Target::Resource {
                logical_id: handle.logical_id().to_string(),
                path: handle.path().to_string(),
            },
        },
    );
}

/// Suppresses the rule (or checkov check) `id` on every resource under `scope`, because
/// `reason`.
pub fn suppress_scope(scope: &Scope, id: &str, reason: &str) {
    add(
        scope.stack().id(),
        Suppression {
            id: id.to_string(),
            reason: reason.trim().to_string(),
            target: Target::Scope(scope.full_path()),
        },
    );
}

/// The suppressions made in the stack `stack`.
pub(crate) fn of(stack: StackId) -> Vec<Suppression> {
    SUPPRESSIONS.with(|all| all.borrow().get(&stack).cloned().unwrap_or_default())
}

fn is_checkov(id: &str) -> bool {
    id.starts_with("CKV_") || id.starts_with("CKV2_")
}

fn is_cfn_lint(id: &str) -> bool {
    id.len() == 5
        && matches!(id.as_bytes()[0], b'E' | b'W' | b'I')
        && id[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Errors for suppressions without a reason, or of an id no tool knows.
pub(crate) fn check(suppressions: &[Suppression], diags: &mut Vec<Diagnostic>) {
    for s in suppressions {
        if s.reason.chars().count() < MIN_REASON {
            diags.push(Diagnostic::error(
                s.at(),
                format!(
                    "the suppression of {} gives no reason a reviewer can read (\"{}\")",
                    s.id, s.reason
                ),
                "say why the rule is wrong for this resource, in a sentence",
            ));
        }
        if super::rule(&s.id).is_none() && !is_checkov(&s.id) && !is_cfn_lint(&s.id) {
            let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            diags.push(Diagnostic::error(
                s.at(),
                format!("`{}` is not a rule id", s.id),
                match closest(&ids, &s.id) {
                    Some(c) => format!("did you mean `{c}`? (or a checkov check, CKV_AWS_…, or a cfn-lint rule, W…)"),
                    None => "name a rule (ESCDK-…), a checkov check (CKV_AWS_…) or a cfn-lint rule (W…)".into(),
                },
            ));
        }
    }
}

/// The object under `key` in `map`, made (or replacing a non-object) if need be.
pub(super) fn child<'a>(map: &'a mut Map, key: &'static str) -> &'a mut Map {
    let entry = map.get_or_insert_with(key, || Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("an object")
}

pub(super) fn push(map: &mut Map, key: &'static str, item: Value) {
    let list = map.get_or_insert_with(key, || Value::Array(Vec::new()));
    if let Some(a) = list.as_array_mut() {
        if !a.contains(&item) {
            a.push(item);
        }
    }
}

/// Writes each resource's suppressions into its `Metadata`: `checkov.skip` (id and
/// comment), `cfn-lint.config.ignore_checks`, and `escdk:suppressed` (id and reason) for the
/// suppressions of our rules and cfn-lint's (a checkov check's reason is its skip's comment).
pub(crate) fn write_metadata(template: &mut Value, suppressions: &[Suppression]) {
    if suppressions.is_empty() {
        return;
    }
    let Some(resources) = template["Resources"].as_object_mut() else {
        return;
    };
    for (lid, resource) in resources.iter_mut() {
        let path = crate::metadata::construct_path(resource)
            .unwrap_or(lid)
            .to_string();
        let Some(resource) = resource.as_object_mut() else {
            continue;
        };
        for s in suppressions.iter().filter(|s| s.covers(lid, &path)) {
            let metadata = child(resource, "Metadata");
            let checkov_ids: Vec<&str> = match super::rule(&s.id) {
                Some(rule) => rule.checkov.to_vec(),
                None if is_checkov(&s.id) => vec![s.id.as_str()],
                None => Vec::new(),
            };
            if !checkov_ids.is_empty() {
                let checkov = child(metadata, "checkov");
                for id in checkov_ids {
                    push(
                        checkov,
                        "skip",
                        Value::from(json!({"id": id, "comment": s.reason})),
                    );
                }
            }
            if is_cfn_lint(&s.id) {
                let config = child(child(metadata, "cfn-lint"), "config");
                push(config, "ignore_checks", Value::from(json!(s.id)));
            }
            // A checkov check's reason is already beside it, in `checkov.skip`.
            if !is_checkov(&s.id) {
                push(
                    metadata,
                    "escdk:suppressed",
                    Value::from(json!({"id": s.id, "reason": s.reason})),
                );
            }
        }
    }
}
