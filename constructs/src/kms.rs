//! KMS: customer managed keys for services that encrypt on our behalf (alarm topics, flow
//! logs). The account keeps administering the key through IAM (AWS's default key policy);
//! the service gets only the use it needs. Keys are retained when the stack is deleted:
//! deleting a key makes whatever it encrypted unreadable.

use crate::removal::RemovalPolicy;
use escdk_synth::cfn::kms::CfnKey;
use escdk_synth::{fns, Handle, Json, Scope};

/// A key-policy statement letting `principal` (a service, as a string or expression) use the
/// key for `actions`, under an optional condition.
pub fn service_statement(
    sid: &str,
    principal: impl Into<Json>,
    actions: &[&str],
    condition: Option<Json>,
) -> Json {
    let mut fields = vec![
        ("Sid", Json::from(sid)),
        ("Effect", Json::from("Allow")),
        ("Principal", Json::object([("Service", principal.into())])),
        ("Action", Json::from(actions.to_vec())),
        ("Resource", Json::from("*")),
    ];
    if let Some(c) = condition {
        fields.push(("Condition", c));
    }
    Json::object(fields)
}

/// A rotating customer managed key whose policy is the account's administration plus
/// `service_statements`; retained on delete.
pub fn encryption_key(
    scope: &Scope,
    id: &str,
    description: &str,
    service_statements: Vec<Json>,
) -> Handle<CfnKey> {
    let mut statements = vec![Json::object([
        ("Sid", Json::from("AccountAdministers")),
        ("Effect", Json::from("Allow")),
        (
            "Principal",
            Json::object([(
                "AWS",
                Json::from(fns::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
                )),
            )]),
        ),
        ("Action", Json::from("kms:*")),
        ("Resource", Json::from("*")),
    ])];
    statements.extend(service_statements);
    let key = scope.add(
        id,
        CfnKey {
            description: Some(description.into()),
            enable_key_rotation: Some(true.into()),
            key_policy: Some(Json::object([
                ("Version", Json::from("2012-10-17")),
                ("Statement", Json::Array(statements)),
            ])),
            pending_window_in_days: Some(30.into()),
            ..Default::default()
        },
    );
    RemovalPolicy::RetainOnUpdateOrDelete.apply(scope.stack(), &key);
    key
}
