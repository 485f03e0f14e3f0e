//! The rule pack at synth: failures named by rule and path, suppressions with their reasons
//! written where checkov and cfn-lint read them, and `synth --rules`.

mod support;

use escdk_synth::cfn::logs::CfnLogGroup;
use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::rules::Mode;
use escdk_synth::{rules, App, Stack};

#[test]
fn an_error_rule_fails_synth_with_the_path_the_rule_and_the_fix() {
    let stack = Stack::new("Rules");
    stack.root().child("Jobs").add("Queue", CfnQueue::default());
    let err = stack
        .synth_with_rules(Mode::Default)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("error: Rules/Jobs/Queue (JobsQueue")
            && err.contains("ESCDK-SQS-ENCRYPTED")
            && err.contains("fix: set SqsManagedSseEnabled")
            && err.contains("rules::suppress(&handle, \"ESCDK-SQS-ENCRYPTED\""),
        "{err}"
    );
}

#[test]
fn a_suppression_with_a_reason_is_written_where_checkov_and_cfn_lint_read_it() {
    let stack = Stack::new("Rules");
    let g = stack.root().add("Audit", CfnLogGroup::default());
    rules::suppress(
        &g,
        "ESCDK-LOG-RETENTION",
        "the audit trail of payments is kept for good",
    );
    rules::suppress(&g, "CKV_AWS_999", "a checkov check no rule of ours covers");
    rules::suppress(&g, "W3005", "the explicit dependency documents the order");
    let s = stack.synth_with_rules(Mode::Default).unwrap();
    let m = &s.template()["Resources"]["Audit"]["Metadata"];
    assert_eq!(
        m["checkov"]["skip"],
        serde_json::json!([
            {"id": "CKV_AWS_66", "comment": "the audit trail of payments is kept for good"},
            {"id": "CKV_AWS_338", "comment": "the audit trail of payments is kept for good"},
            {"id": "CKV_AWS_999", "comment": "a checkov check no rule of ours covers"}
        ])
    );
    assert_eq!(
        m["cfn-lint"]["config"]["ignore_checks"],
        serde_json::json!(["W3005"])
    );
    assert_eq!(m["escdk:suppressed"][0]["id"], "ESCDK-LOG-RETENTION");
    assert_eq!(s.rules.suppressed, 1);
    assert!(s.rules.checked > s.rules.suppressed);
    assert!(!s
        .warnings
        .iter()
        .any(|w| w.message.contains("ESCDK-LOG-RETENTION")));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.message.contains("ESCDK-LOGS-CMK")),
        "others still checked"
    );
}

#[test]
fn a_suppression_without_a_reason_or_of_no_rule_is_a_synth_error() {
    let stack = Stack::new("Rules");
    let g = stack.root().add("Jobs", CfnLogGroup::default());
    rules::suppress(&g, "ESCDK-RETAIN", "  ok ");
    rules::suppress(
        &g,
        "ESCDK-RETIAN",
        "a typo in the id should not pass silently",
    );
    let err = stack
        .synth_with_rules(Mode::Default)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Rules/Jobs: the suppression of ESCDK-RETAIN gives no reason"),
        "{err}"
    );
    assert!(
        err.contains("`ESCDK-RETIAN` is not a rule id")
            && err.contains("did you mean `ESCDK-RETAIN`"),
        "{err}"
    );
}

#[test]
fn a_scope_suppression_covers_what_is_under_the_scope_only() {
    let stack = Stack::new("Rules");
    let scratch = stack.root().child("Scratch");
    scratch.add("Queue", CfnLogGroup::default());
    stack.root().add("Kept", CfnLogGroup::default());
    rules::suppress_scope(
        &scratch,
        "ESCDK-RETAIN",
        "scratch queues are rebuilt from the event store",
    );
    let s = stack.synth_with_rules(Mode::Default).unwrap();
    let retain: Vec<&str> = s
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("ESCDK-RETAIN"))
        .map(|w| w.path.as_str())
        .collect();
    assert_eq!(retain, ["Rules/Kept"]);
    let skips = |path: &str| {
        s.template()["Resources"]
            .as_object()
            .unwrap()
            .values()
            .find(|r| r["Metadata"]["escdk:path"] == path)
            .map(|r| r["Metadata"]["escdk:suppressed"].clone())
            .unwrap()
    };
    assert_eq!(skips("Rules/Scratch/Queue")[0]["id"], "ESCDK-RETAIN");
    assert!(skips("Rules/Kept").is_null());
}

fn synth_cli(app: &App, rules: &str) -> (u8, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args: Vec<String> = ["app", "synth", "--rules", rules]
        .map(String::from)
        .to_vec();
    let code = escdk_synth::cli::run(app, &args, &mut out, &mut err);
    (code, String::from_utf8(err).unwrap())
}

#[test]
fn synth_rules_strict_makes_warnings_errors_and_off_checks_nothing() {
    let mut app = App::new();
    let stack = app.add_stack(Stack::new("Logs"));
    // A log group without retention or a key: two warnings.
    stack.root().add("Group", CfnLogGroup::default());
    let (code, err) = synth_cli(&app, "default");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: Logs/Group (Group): ESCDK-LOG-RETENTION"),
        "{err}"
    );
    assert!(err.contains("Logs: rules: "), "a summary line: {err}");
    let (code, err) = synth_cli(&app, "strict");
    assert_ne!(code, 0);
    assert!(
        err.contains("error: Logs/Group (Group): ESCDK-LOG-RETENTION"),
        "{err}"
    );
    let (code, err) = synth_cli(&app, "off");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Logs: rules: 0 checked, 0 failed, 0 suppressed"),
        "{err}"
    );
    assert!(!err.contains("ESCDK-"), "{err}");
}

#[test]
fn the_stacks_log_groups_share_one_key_that_logs_may_use_for_this_accounts_groups_only() {
    let stack = escdk_examples::recipe::stack("EventSourcingRecipe");
    let t = stack
        .synth_with_rules(Mode::Default)
        .unwrap()
        .template()
        .clone();
    let resources = t["Resources"].as_object().unwrap();
    let keys: Vec<&serde_json::Value> = resources
        .values()
        .filter(|r| r["Type"] == "AWS::Logs::LogGroup")
        .map(|r| &r["Properties"]["KmsKeyId"])
        .collect();
    assert!(keys.len() >= 4, "every function's log group");
    assert!(
        keys.iter()
            .all(|k| **k == serde_json::json!({"Fn::GetAtt": ["StackKey", "Arn"]})),
        "{keys:?}"
    );
    let policy = &t["Resources"]["StackKey"]["Properties"]["KeyPolicy"]["Statement"];
    let logs = policy
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "LogsEncrypt")
        .unwrap();
    assert_eq!(
        logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]["Fn::Sub"],
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
    );
    assert_eq!(
        t["Resources"]["StackKey"]["DeletionPolicy"],
        "RetainExceptOnCreate"
    );
    let s = stack.synth_with_rules(Mode::Default).unwrap();
    assert!(!s
        .warnings
        .iter()
        .any(|w| w.message.starts_with("ESCDK-LOGS-CMK")));
}

#[test]
fn the_referrers_index_agrees_with_a_walk_of_every_resource_on_every_example_template() {
    // The index is built once per template; the walk it replaces asked each resource's
    // properties whether they refer to the subject. Both must give the same referrers.
    let mut all_pairs = 0;
    for (stack, _, t) in support::example_templates() {
        let t = escdk_synth::node::Node::from(t);
        let index = rules::Referrers::of(&t);
        let resources = t["Resources"].as_object().unwrap();
        let mut pairs = 0;
        for (lid, resource) in resources {
            let subject = rules::Subject {
                logical_id: lid,
                path: lid,
                resource,
                template: &t,
                referrers: &index,
            };
            let indexed: Vec<&str> = subject.referrers().map(|(l, _)| l).collect();
            let walked: Vec<&str> = resources
                .iter()
                .filter(|(other, r)| {
                    other.as_str() != lid && rules::refers_to(&r["Properties"], lid)
                })
                .map(|(other, _)| other.as_str())
                .collect();
            assert_eq!(indexed, walked, "{stack}/{lid}");
            pairs += walked.len();
        }
        all_pairs += pairs;
    }
    assert!(
        all_pairs > 300,
        "the templates are wired: {all_pairs} references"
    );
}
