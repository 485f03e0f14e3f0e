//! Whether a deploy would change nothing: the template CloudFormation holds is the one we
//! would send, with the same parameter values and tags, on a stack at rest. Then deploy asks
//! CloudFormation nothing more (no change set, which takes seconds to compute on AWS, and no
//! look-up of the staging bucket or the assets): two calls for the stack, `DescribeStacks`
//! and `GetTemplate`. Termination protection, which a change set does not carry, is set
//! apart. `deploy --force` creates a change set anyway.

use std::collections::BTreeMap;

/// The states in which a stack holds the template it was last deployed with, and takes an
/// update. (A stack in `UPDATE_ROLLBACK_COMPLETE` holds the template it rolled back to.)
const AT_REST: &[&str] = &[
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
];

/// What the deployed stack holds, as `DescribeStacks` and `GetTemplate` give it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployed {
    pub status: String,
    pub template: serde_json::Value,
    pub parameters: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
}

/// What this deploy would send.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wanted<'a> {
    pub template: &'a serde_json::Value,
    /// Each declared parameter: `Some(value)` given on the command line, `None` to keep the
    /// deployed value.
    pub parameters: BTreeMap<String, Option<String>>,
    /// The tags to set, or `None` to leave the stack's as they are.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Why the stack must go through a change set, or `None` when nothing would change.
pub fn difference(deployed: &Deployed, wanted: &Wanted) -> Option<String> {
    if !AT_REST.contains(&deployed.status.as_str()) {
        return Some(format!("the stack is {}", deployed.status));
    }
    if deployed.template.is_null() {
        return Some("the deployed template could not be read".into());
    }
    if &deployed.template != wanted.template {
        return Some("the template differs".into());
    }
    for (key, value) in &wanted.parameters {
        match (value, deployed.parameters.get(key)) {
            (_, None) => return Some(format!("parameter {key} is new")),
            (Some(v), Some(current)) if v != current => {
                return Some(format!("parameter {key} changes"))
            }
            _ => {}
        }
    }
    if deployed
        .parameters
        .keys()
        .any(|k| !wanted.parameters.contains_key(k))
    {
        return Some("a parameter is removed".into());
    }
    if let Some(tags) = &wanted.tags {
        if tags != &deployed.tags {
            return Some("the tags differ".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map<V: Clone>(pairs: &[(&str, V)]) -> BTreeMap<String, V> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn at_rest(template: serde_json::Value) -> Deployed {
        Deployed {
            status: "UPDATE_COMPLETE".into(),
            template,
            parameters: map(&[("AlarmEmail", "ops@example.com".to_string())]),
            tags: map(&[("project", "shop".to_string())]),
        }
    }

    #[test]
    fn the_same_template_parameters_and_tags_on_a_stack_at_rest_change_nothing() {
        let t = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}});
        let deployed = at_rest(t.clone());
        let kept = Wanted {
            template: &t,
            parameters: map(&[("AlarmEmail", None)]),
            tags: None,
        };
        assert_eq!(difference(&deployed, &kept), None);
        let same_values = Wanted {
            parameters: map(&[("AlarmEmail", Some("ops@example.com".to_string()))]),
            tags: Some(map(&[("project", "shop".to_string())])),
            ..kept.clone()
        };
        assert_eq!(difference(&deployed, &same_values), None);
        // Key order is not a difference: the templates are compared as JSON values.
        let reordered: serde_json::Value =
            serde_json::from_str(r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#).unwrap();
        assert_eq!(
            difference(
                &deployed,
                &Wanted {
                    template: &reordered,
                    ..kept.clone()
                }
            ),
            None
        );
    }

    #[test]
    fn any_difference_goes_through_a_change_set() {
        let t = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}});
        let other = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}}});
        let deployed = at_rest(t.clone());
        let kept = Wanted {
            template: &t,
            parameters: map(&[("AlarmEmail", None)]),
            tags: None,
        };
        let cases: Vec<(Deployed, Wanted, &str)> = vec![
            (
                deployed.clone(),
                Wanted {
                    template: &other,
                    ..kept.clone()
                },
                "template",
            ),
            (
                deployed.clone(),
                Wanted {
                    parameters: map(&[("AlarmEmail", Some("new@example.com".to_string()))]),
                    ..kept.clone()
                },
                "parameter AlarmEmail changes",
            ),
            (
                deployed.clone(),
                Wanted {
                    parameters: map(&[("AlarmEmail", None), ("Extra", None)]),
                    ..kept.clone()
                },
                "parameter Extra is new",
            ),
            (
                deployed.clone(),
                Wanted {
                    parameters: BTreeMap::new(),
                    ..kept.clone()
                },
                "removed",
            ),
            (
                deployed.clone(),
                Wanted {
                    tags: Some(map(&[("project", "other".to_string())])),
                    ..kept.clone()
                },
                "tags",
            ),
            (
                Deployed {
                    status: "UPDATE_ROLLBACK_FAILED".into(),
                    ..deployed.clone()
                },
                kept.clone(),
                "UPDATE_ROLLBACK_FAILED",
            ),
            (
                Deployed {
                    template: serde_json::Value::Null,
                    ..deployed.clone()
                },
                kept.clone(),
                "could not be read",
            ),
        ];
        for (d, w, why) in cases {
            let found = difference(&d, &w).unwrap_or_default();
            assert!(found.contains(why), "{why}: {found}");
        }
    }
}
