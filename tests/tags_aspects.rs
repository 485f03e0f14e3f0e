//! Tags and aspects, as a user applies them.

use escdk_synth::aspects::{EnforceRemovalPolicy, PermissionsBoundary, STATEFUL_TYPES};
use escdk_synth::assertions::{Match, Template};
use escdk_synth::cfn::lambda::CfnPermission;
use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::{Aspect, Aspects, Node, Policy, Stack, Tags};
use serde_json::Value;

mod support;

/// Whether the vendored schema says the type is taggable (the oracle, read independently
/// of the generated code).
fn taggable(type_name: &str) -> bool {
    let schema = support::raw_schema(type_name);
    schema["tagging"]["taggable"].as_bool() == Some(true)
        && schema["tagging"]["tagProperty"].as_str() == Some("/properties/Tags")
}

fn tag(resource: &Value, key: &str) -> Option<String> {
    resource["Properties"]["Tags"]
        .as_array()?
        .iter()
        .find(|t| t["Key"] == key)
        .and_then(|t| t["Value"].as_str().map(str::to_string))
}

#[test]
fn every_taggable_resource_of_the_default_app_carries_its_stacks_tags() {
    let mut checked = 0;
    for (name, _, template) in support::example_templates() {
        for (lid, r) in template["Resources"].as_object().unwrap() {
            let t = r["Type"].as_str().unwrap();
            if t.starts_with("Custom::") {
                continue;
            }
            if taggable(t) {
                assert!(
                    tag(r, "project").is_some(),
                    "{name}/{lid} ({t}) has no project tag"
                );
                checked += 1;
            } else {
                assert!(
                    r["Properties"].get("Tags").is_none(),
                    "{name}/{lid} ({t}) is not taggable"
                );
            }
        }
        let platform = name.starts_with("production-Platform");
        let synthesized = escdk_examples::app()
            .synth(std::slice::from_ref(&name))
            .unwrap();
        assert_eq!(synthesized[0].tags.contains_key("environment"), platform);
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn the_nearest_scope_wins_remove_takes_off_and_a_resources_own_tags_win() {
    let stack = Stack::new("T");
    let root = stack.root();
    Tags::of(&root)
        .add("team", "platform")
        .add("cost", "shared");
    let billing = root.child("Billing");
    Tags::of(&billing).add("team", "billing");
    let quiet = billing.child("Quiet");
    Tags::of(&quiet).remove("cost");
    let q1 = billing.add("Jobs", CfnQueue::default());
    let q2 = quiet.add("Jobs", CfnQueue::default());
    let q3 = root.add(
        "Own",
        CfnQueue {
            tags: Some(vec![escdk_synth::cfn::sqs::queue::Tag::new("team", "mine")].into()),
            ..Default::default()
        },
    );
    root.add(
        "Perm",
        CfnPermission::new("lambda:InvokeFunction", "f", "events.amazonaws.com"),
    );
    let t = stack.synth().unwrap().template().clone();
    let r = |h: &str| t["Resources"][h].clone();
    assert_eq!(tag(&r(q1.logical_id()), "team").as_deref(), Some("billing"));
    assert_eq!(tag(&r(q1.logical_id()), "cost").as_deref(), Some("shared"));
    assert_eq!(tag(&r(q2.logical_id()), "team").as_deref(), Some("billing"));
    assert_eq!(tag(&r(q2.logical_id()), "cost"), None);
    assert_eq!(tag(&r(q3.logical_id()), "team").as_deref(), Some("mine"));
    assert!(t["Resources"]["Perm"]["Properties"].get("Tags").is_none());
    let s = stack.synth().unwrap();
    assert_eq!(s.tags.get("team").map(String::as_str), Some("platform"));
}

#[test]
fn aws_tag_limits_are_synth_errors() {
    let stack = Stack::new("Limits");
    let root = stack.root();
    Tags::of(&root).add("aws:owner", "me");
    Tags::of(&root).add("k".repeat(129), "v");
    Tags::of(&root).add("long", "v".repeat(257));
    let many = root.child("Many");
    for i in 0..51 {
        Tags::of(&many).add(format!("t{i}"), "v");
    }
    many.add("Q", CfnQueue::default());
    let e = stack.synth().unwrap_err().to_string();
    assert!(
        e.contains(
            "error: Limits Tags: tag key `aws:owner` starts with `aws:`, which AWS reserves"
        ),
        "{e}"
    );
    assert!(e.contains("has 129 characters; AWS allows 1 to 128"), "{e}");
    assert!(
        e.contains("the value of tag `long` has 257 characters; AWS allows 256"),
        "{e}"
    );
    assert!(
        e.contains("error: Limits/Many/Q (ManyQ")
            && e.contains(") Properties.Tags: has 51 tags; AWS allows 50 per resource"),
        "{e}"
    );
}

#[test]
fn enforce_removal_policy_reaches_every_stateful_resource_of_the_recipe() {
    // The constructs already choose RetainExceptOnCreate; an organisation that wants plain
    // Retain everywhere enforces it.
    let stack = escdk_examples::recipe::stack("Recipe");
    Aspects::of(&stack.root()).add(EnforceRemovalPolicy(Policy::Retain));
    let s = stack.synth().unwrap();
    let mut seen = 0;
    for r in s.template()["Resources"].as_object().unwrap().values() {
        if STATEFUL_TYPES.contains(&r["Type"].as_str().unwrap()) {
            assert_eq!(r["DeletionPolicy"], "Retain", "{r}");
            assert_eq!(r["UpdateReplacePolicy"], "Retain");
            seen += 1;
        }
    }
    assert!(seen >= 6, "{seen}");
    assert!(s
        .infos
        .iter()
        .any(|d| d.message.contains("removal policy set to Retain")));
}

#[test]
fn permissions_boundary_is_set_on_every_role_under_the_scope_only() {
    let stack = escdk_examples::recipe::stack("Recipe");
    let handlers =
        stack.handle_of::<escdk_synth::cfn::iam::CfnRole>(&["Handlers", "Command", "Role"]);
    assert!(handlers.is_some());
    Aspects::of(&stack.root()).add(PermissionsBoundary::managed_policy("Boundary"));
    let t = Template::from_stack(&stack);
    t.resource_count_is("AWS::IAM::Role", 4);
    let without = t.find_resources(
        "AWS::IAM::Role",
        Match::object_like([(
            "Properties",
            Match::object_like([("PermissionsBoundary", Match::absent())]),
        )]),
    );
    assert!(without.is_empty(), "{without:?}");
}

struct NoPlainQueues;
impl Aspect for NoPlainQueues {
    fn visit(&self, node: &mut Node) {
        if let Some(q) = node.props::<CfnQueue>() {
            if q.sqs_managed_sse_enabled.is_none() {
                node.error("queue without encryption", "set sqs_managed_sse_enabled");
            } else {
                node.warning("checked", "nothing");
            }
        }
    }
}

#[test]
fn an_aspect_error_fails_synth_with_the_construct_path() {
    let stack = Stack::new("A");
    let inner = stack.root().child("Inner");
    inner.add("Plain", CfnQueue::default());
    stack.root().add("Outside", CfnQueue::default());
    Aspects::of(&inner).add(NoPlainQueues);
    let e = stack.synth().unwrap_err().to_string();
    assert!(e.contains("error: A/Inner/Plain (InnerPlain"), "{e}");
    assert!(
        e.contains("): queue without encryption\n  fix: set sqs_managed_sse_enabled"),
        "{e}"
    );
    assert!(
        !e.contains("A/Outside"),
        "only resources under the scope are visited: {e}"
    );
}
