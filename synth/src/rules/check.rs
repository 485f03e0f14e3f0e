//! Running the rules over a rendered template.

use super::suppress::{self, Suppression};
use super::{Level, Mode, Rule, Summary};
use crate::diagnostics::{Diagnostic, Severity};
use crate::hashing::{HashMap, HashSet};
use crate::json::JsonValue as Value;
use crate::stack_id::StackId;
use crate::validate::references::Edges;

/// Who refers to whom in a template (the references the reference check finds: one walk
/// of the template for both), built once per template so that a rule asking for a
/// resource's referrers reads a list instead of walking every resource again.
#[derive(Debug, Default)]
pub struct Referrers<'a> {
    of: HashMap<&'a str, Vec<(&'a str, &'a Value)>>,
}

impl<'a> Referrers<'a> {
    /// The index of `template`: for each resource, the others whose properties refer to it.
    pub fn of(template: &'a Value) -> Self {
        Self::from_edges(template, &crate::validate::references::edges(template))
    }

    /// The index of `template` from the references its check found.
    pub(crate) fn from_edges(template: &'a Value, edges: &Edges) -> Self {
        let mut of: HashMap<&'a str, Vec<(&'a str, &'a Value)>> = HashMap::default();
        let Some(resources) = template["Resources"].as_object() else {
            return Referrers { of };
        };
        let members: Vec<(&'a str, &'a Value)> =
            resources.iter().map(|(k, r)| (k.as_str(), r)).collect();
        for (&(lid, r), targets) in members.iter().zip(&edges.property) {
            for &t in targets {
                if let Some(&(target, _)) = members.get(t as usize) {
                    of.entry(target).or_default().push((lid, r));
                }
            }
        }
        Referrers { of }
    }

    fn get(&self, lid: &str) -> &[(&'a str, &'a Value)] {
        self.of.get(lid).map_or(&[], Vec::as_slice)
    }
}

/// The text of an `Fn::Sub` argument (the string, or the first item of the list form).
fn sub_text(sub: &Value) -> Option<&str> {
    match sub {
        Value::String(s) => Some(s.as_str()),
        Value::Array(a) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

/// One resource as a rule sees it: rendered, with the whole template around it.
pub struct Subject<'a> {
    pub logical_id: &'a str,
    /// The construct path, starting with the stack name.
    pub path: &'a str,
    pub resource: &'a Value,
    pub template: &'a Value,
    /// Who refers to whom in `template`.
    pub referrers: &'a Referrers<'a>,
}

impl<'a> Subject<'a> {
    /// The resource type, e.g. `AWS::SQS::Queue`.
    pub fn type_name(&self) -> &'a str {
        self.resource["Type"].as_str().unwrap_or_default()
    }

    /// A property by dotted path (`SSESpecification.KMSMasterKeyId`); `Null` when absent.
    pub fn prop(&self, dotted: &str) -> &'a Value {
        dotted
            .split('.')
            .fold(&self.resource["Properties"], |v, key| &v[key])
    }

    /// Whether the property is present and not `false` or empty.
    pub fn is_set(&self, dotted: &str) -> bool {
        !matches!(self.prop(dotted), Value::Null | Value::Bool(false))
            && self.prop(dotted) != &Value::String(String::new())
    }

    /// The resource's `DeletionPolicy`, if any.
    pub fn deletion_policy(&self) -> Option<&'a str> {
        self.resource["DeletionPolicy"].as_str()
    }

    /// The other resources of the template whose properties refer to this one (`Ref`,
    /// `Fn::GetAtt`, or `${Id}` in `Fn::Sub`), with their logical IDs, in template order.
    pub fn referrers(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + '_ {
        self.referrers.get(self.logical_id).iter().copied()
    }
}

/// Whether `v` refers to the resource `lid`.
pub fn refers_to(v: &Value, lid: &str) -> bool {
    match v {
        Value::Object(m) => {
            // An intrinsic function is an object of one key.
            if let (1, Some((k, arg))) = (m.len(), m.iter().next()) {
                let refers = match (k.as_str(), arg) {
                    ("Ref", Value::String(t)) => t == lid,
                    ("Fn::GetAtt", Value::Array(a)) => {
                        a.first().and_then(Value::as_str) == Some(lid)
                    }
                    ("Fn::Sub", sub) => sub_text(sub).is_some_and(|t| {
                        t.contains(&format!("${{{lid}}}")) || t.contains(&format!("${{{lid}."))
                    }),
                    _ => false,
                };
                if refers {
                    return true;
                }
            }
            m.values().any(|x| refers_to(x, lid))
        }
        Value::Array(a) => a.iter().any(|x| refers_to(x, lid)),
        _ => false,
    }
}

fn severity(rule: &Rule, mode: Mode) -> Severity {
    match (mode, rule.level) {
        (Mode::Strict, _) | (_, Level::Error) => Severity::Error,
        (_, Level::Warning) => Severity::Warning,
        (_, Level::Info) => Severity::Info,
    }
}

/// Checks every resource of `template` (stack `stack`), writes the suppressions into the
/// resources' metadata, and says what it found.
pub(crate) fn run(
    stack: StackId,
    template: &mut Value,
    edges: &Edges,
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
) -> Summary {
    let suppressions = suppress::of(stack);
    suppress::check(&suppressions, diags);
    let mut summary = Summary::default();
    let referrers = Referrers::from_edges(template, edges);
    let failed = (mode != Mode::Off).then(|| {
        let (s, failed) = check_all(template, &referrers, &suppressions, mode, diags);
        summary = s;
        failed
    });
    let answers = super::answers::find(template, &referrers, &suppressions, failed.as_ref());
    suppress::write_metadata(template, &suppressions);
    super::answers::write(template, answers);
    summary
}

/// Calls `f` with every resource of `template` as a rule sees it, and its position among
/// the template's resources.
pub(crate) fn for_each_subject<'a>(
    template: &'a Value,
    referrers: &Referrers<'a>,
    mut f: impl FnMut(usize, &Subject),
) {
    let Some(resources) = template["Resources"].as_object() else {
        return;
    };
    for (position, (lid, resource)) in resources.iter().enumerate() {
        f(
            position,
            &Subject {
                logical_id: lid,
                path: crate::metadata::construct_path(resource).unwrap_or(lid),
                resource,
                template,
                referrers,
            },
        );
    }
}

/// The resources (by position in the template, as [`for_each_subject`] gives them) and
/// rules (ID) that failed, suppressed or not.
pub(crate) type Failed = HashSet<(usize, &'static str)>;

pub(super) fn check_all<'a>(
    template: &'a Value,
    referrers: &Referrers<'a>,
    suppressions: &[Suppression],
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
) -> (Summary, Failed) {
    let mut summary = Summary::default();
    let mut failed = Failed::default();
    for_each_subject(template, referrers, |at, subject| {
        let (lid, path) = (subject.logical_id, subject.path);
        for rule in super::for_type(subject.type_name()) {
            summary.checked += 1;
            let Some(detail) = (rule.check)(subject) else {
                continue;
            };
            failed.insert((at, rule.id));
            if suppressions
                .iter()
                .any(|s| s.id == rule.id && s.covers(lid, path))
            {
                summary.suppressed += 1;
                continue;
            }
            summary.failed += 1;
            diags.push(Diagnostic {
                severity: severity(rule, mode),
                path: path.to_string(),
                logical_id: Some(lid.to_string()),
                property: None,
                message: format!("{} {}: {detail}", rule.id, rule.explanation),
                fix: format!(
                    "{} (or, where the rule is wrong here: rules::suppress(&handle, \"{}\", \"why\"))",
                    rule.fix, rule.id
                ),
            });
        }
    });
    (summary, failed)
}
