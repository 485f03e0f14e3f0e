//! Insta snapshots of every example template (reviewed as a CloudFormation reviewer would).
//!
//! Asset keys are redacted (`assets/[asset hash].zip`), as the CDK's assertions do: editing
//! a handler's comment changes its hash, and must not invite a blind snapshot update. The
//! hashes are tested on their own (tests/cli.rs: each template points at the asset the
//! assembly uploads; synth/src/asset.rs: the hash follows the content).

mod support;

#[test]
fn example_templates_match_their_snapshots() {
    let asset = regex::Regex::new(r"assets/[0-9a-f]{64}\.zip").unwrap();
    for (stack, json, _) in support::example_templates() {
        let redacted = asset.replace_all(&json, "assets/[asset hash].zip");
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{stack}.template.json"), redacted);
        });
    }
}
