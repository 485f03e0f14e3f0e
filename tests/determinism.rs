//! Output is byte-identical from run to run, and logical IDs do not depend on the order in
//! which code adds constructs.

mod support;

use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::Stack;

#[test]
fn two_syntheses_are_byte_identical() {
    let a = support::example_templates();
    let b = support::example_templates();
    for ((name, ja, _), (_, jb, _)) in a.iter().zip(&b) {
        assert_eq!(ja, jb, "{name} differs between two runs");
    }
}

#[test]
fn reordering_code_changes_nothing() {
    let build = |order: &[&str]| {
        let stack = Stack::new("Order");
        for id in order {
            stack.root().child(id).add("Resource", CfnQueue::default());
        }
        stack.synth().expect("valid").to_json()
    };
    assert_eq!(
        build(&["Alpha", "Beta", "Gamma"]),
        build(&["Gamma", "Alpha", "Beta"])
    );
}

#[test]
fn no_absolute_path_or_machine_detail_in_templates() {
    let root = support::root().display().to_string();
    for (name, json, _) in support::example_templates() {
        assert!(!json.contains(&root), "{name} contains the checkout path");
        assert!(
            !json.contains("/home/") && !json.contains("/tmp/"),
            "{name} contains a local path"
        );
    }
}
