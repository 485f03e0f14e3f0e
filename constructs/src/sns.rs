//! SNS: an alarm [`Topic`] encrypted with its own KMS key (CloudWatch alarms cannot publish
//! to a topic encrypted with the AWS managed `aws/sns` key), that refuses requests not made
//! over TLS, with e-mail subscriptions.

use crate::iam::resource_policy::deny_insecure_transport;
use crate::iam::{PolicyDocument, PolicyStatement, Principal};
use crate::kms;
use escdk_synth::cfn::kms::CfnKey;
use escdk_synth::cfn::sns::{CfnSubscription, CfnTopic, CfnTopicPolicy};
use escdk_synth::{fns, ConditionHandle, Expr, Handle, Scope, Value};

/// Properties of a [`Topic`].
#[derive(Debug, Clone, PartialEq)]
pub struct TopicProps {
    /// The service that publishes (e.g. `cloudwatch.amazonaws.com`): it may use the key.
    pub publisher_service: String,
    /// E-mail addresses subscribed at creation; each is confirmed by its owner.
    pub emails: Vec<String>,
}

impl TopicProps {
    pub fn new(publisher_service: &str) -> Self {
        TopicProps {
            publisher_service: publisher_service.to_string(),
            emails: Vec::new(),
        }
    }
}

/// An encrypted topic.
#[derive(Debug, Clone)]
pub struct Topic {
    pub handle: Handle<CfnTopic>,
    pub key: Handle<CfnKey>,
    pub policy: Handle<CfnTopicPolicy>,
    scope: Scope,
}

/// Whether `e` looks like an e-mail address (`local@domain.tld`, no spaces).
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(char::is_whitespace)
}

/// The condition that a service acts for this account: `aws:SourceAccount`.
/// Keeps a service statement to requests made for this account (no confused deputy).
fn for_this_account(statement: PolicyStatement) -> PolicyStatement {
    statement.condition(
        "StringEquals",
        "aws:SourceAccount",
        fns::sub("${AWS::AccountId}"),
    )
}

impl Topic {
    /// A topic that `props.publisher_service` may publish to, with e-mail subscriptions.
    /// A subscription's id comes from its address (`Email-ops@example.com`), so adding or
    /// removing one address leaves the others (and their confirmations) alone.
    pub fn new(scope: &Scope, id: &str, props: TopicProps) -> Topic {
        let scope = scope.child(id);
        let key = kms::encryption_key(
            &scope,
            "Key",
            "Encrypts the alarm topic",
            // On behalf of this account only (no confused deputy), as the topic policy.
            vec![for_this_account(kms::service_statement(
                "PublisherEncrypts",
                props.publisher_service.as_str(),
                &["kms:Decrypt", "kms:GenerateDataKey"],
            ))],
        );
        let handle = scope.add(
            "Resource",
            CfnTopic {
                kms_master_key_id: Some(key.attr_arn().into()),
                ..Default::default()
            },
        );
        let policy = scope.add(
            "Policy",
            CfnTopicPolicy::new(
                PolicyDocument::new([
                    deny_insecure_transport("sns:Publish", [handle.reference()]),
                    // A topic policy replaces SNS's default one: say who publishes, from
                    // this account only (no confused deputy).
                    for_this_account(
                        PolicyStatement::allow(["sns:Publish"], [handle.reference()])
                            .sid("PublisherPublishes")
                            .principal(Principal::service(props.publisher_service.as_str())),
                    ),
                ])
                .to_json(),
                vec![Value::from(handle.reference())],
            ),
        );
        let topic = Topic {
            handle,
            key,
            policy,
            scope,
        };
        for (i, email) in props.emails.iter().enumerate() {
            if !valid_email(email) {
                topic.scope.prop_error(
                    "Emails",
                    format!("`{email}` is not an e-mail address"),
                    "give addresses of the form name@example.com",
                );
                continue;
            }
            if props.emails[..i]
                .iter()
                .any(|e| e.eq_ignore_ascii_case(email))
            {
                topic.scope.prop_error(
                    "Emails",
                    format!("`{email}` is listed twice"),
                    "list each address once",
                );
                continue;
            }
            topic.subscribe_email(
                &format!("Email-{}", email.to_ascii_lowercase()),
                email.as_str().into(),
                None,
            );
        }
        topic
    }

    /// Subscribes an address (a literal or a parameter's value) under the topic, as
    /// `<topic>/<id>`, only when `condition` holds if one is given.
    pub fn subscribe_email(
        &self,
        id: &str,
        endpoint: Value<String>,
        condition: Option<&ConditionHandle>,
    ) -> Handle<CfnSubscription> {
        let sub = self.scope.add(
            id,
            CfnSubscription {
                endpoint: Some(endpoint),
                ..CfnSubscription::new("email", self.handle.reference())
            },
        );
        if let Some(c) = condition {
            self.scope
                .stack()
                .update_options(&sub, |o| o.condition = Some(c.clone()));
        }
        sub
    }

    pub fn arn(&self) -> Expr {
        self.handle.reference()
    }
}
