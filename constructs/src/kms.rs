//! KMS: customer managed keys for services that encrypt on our behalf (alarm topics, flow
//! logs), and the stack's shared key ([`stack_key`]) for its log groups, tables, secrets and
//! function environments. The account keeps administering the key through IAM (AWS's default key policy);
//! the service gets only the use it needs. Keys are retained when the stack is deleted:
//! deleting a key makes whatever it encrypted unreadable.

use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::removal::RemovalPolicy;
use escdk_synth::cfn::kms::CfnKey;
use escdk_synth::{Handle, Json, Scope};

/// A key-policy statement letting the service `principal` (a string or expression) use
/// the key for `actions`; the caller adds the conditions that keep it to this account.
pub fn service_statement(
    sid: &str,
    principal: impl Into<Json>,
    actions: &[&str],
) -> PolicyStatement {
    PolicyStatement::allow(actions.iter().copied(), [])
        .sid(sid)
        .principal(Principal::service(principal))
        .on_any_resource()
}

/// A rotating customer managed key whose policy is the account's administration plus
/// `service_statements`; retained on delete.
pub fn encryption_key(
    scope: &Scope,
    id: &str,
    description: &str,
    service_statements: Vec<PolicyStatement>,
) -> Handle<CfnKey> {
    let administers = PolicyStatement::allow(["kms:*"], [])
        .sid("AccountAdministers")
        .principal(Principal::this_account())
        .on_any_resource();
    let policy = PolicyDocument::new(std::iter::once(administers).chain(service_statements));
    let key = scope.add(
        id,
        CfnKey {
            description: Some(description.into()),
            enable_key_rotation: Some(true.into()),
            key_policy: Some(policy.to_json()),
            pending_window_in_days: Some(30.into()),
            ..Default::default()
        },
    );
    RemovalPolicy::RetainOnUpdateOrDelete.apply(scope.stack(), &key);
    key
}

/// The id, at the stack's root, of the key [`stack_key`] makes.
pub const STACK_KEY_ID: &str = "StackKey";

/// The stack's shared key: one customer managed key per stack (not one per resource: a key
/// costs $1 a month plus requests) that encrypts the stack's log groups, tables, secrets and
/// function environments. The account administers it through IAM, so a role may use it only
/// where a grant says so (the constructs' grants add the key actions they need); CloudWatch
/// Logs may use it only for log groups of this account and region. Made on first use, at
/// `<stack>/StackKey`, and retained like every key.
pub fn stack_key(scope: &Scope) -> Handle<CfnKey> {
    let stack = scope.stack();
    if let Some(key) = stack.handle_of::<CfnKey>(&[STACK_KEY_ID]) {
        return key;
    }
    let log_groups = escdk_synth::fns::sub(
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
    );
    encryption_key(
        &stack.root(),
        STACK_KEY_ID,
        "Encrypts this stack's log groups, tables, secrets and function environments",
        vec![service_statement(
            "LogsEncrypt",
            escdk_synth::fns::sub("logs.${AWS::Region}.amazonaws.com"),
            &[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
                "kms:DescribeKey",
            ],
        )
        .condition("ArnLike", "kms:EncryptionContext:aws:logs:arn", log_groups)],
    )
}
