//! Insta snapshots of every example template (reviewed as a CloudFormation reviewer would).

mod support;

#[test]
fn example_templates_match_their_snapshots() {
    for (stack, json, _) in support::example_templates() {
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{stack}.template.json"), json);
        });
    }
}
