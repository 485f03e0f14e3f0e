//! SNS: an alarm [`Topic`] encrypted with its own KMS key (CloudWatch alarms cannot publish
//! to a topic encrypted with the AWS managed `aws/sns` key), with e-mail subscriptions.

use crate::kms;
use escdk_synth::cfn::kms::CfnKey;
use escdk_synth::cfn::sns::{CfnSubscription, CfnTopic};
use escdk_synth::{ConditionHandle, Expr, Handle, Scope, Value};

/// An encrypted topic.
#[derive(Debug, Clone)]
pub struct Topic {
    pub handle: Handle<CfnTopic>,
    pub key: Handle<CfnKey>,
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(char::is_whitespace)
}

impl Topic {
    /// A topic that `publisher_service` (e.g. `cloudwatch.amazonaws.com`) may publish to.
    pub fn new(scope: &mut Scope, id: &str, publisher_service: &str, emails: &[String]) -> Topic {
        let mut scope = scope.child(id);
        let key = kms::encryption_key(
            &mut scope,
            "Key",
            "Encrypts the alarm topic",
            vec![kms::service_statement(
                "PublisherEncrypts",
                publisher_service,
                &["kms:Decrypt", "kms:GenerateDataKey"],
                None,
            )],
        );
        let handle = scope.add(
            "Resource",
            CfnTopic {
                kms_master_key_id: Some(key.attr_arn().into()),
                ..Default::default()
            },
        );
        for (i, email) in emails.iter().enumerate() {
            if !valid_email(email) {
                scope.prop_error(
                    "Emails",
                    format!("`{email}` is not an e-mail address"),
                    "give addresses of the form name@example.com",
                );
            }
            if emails[..i].contains(email) {
                scope.prop_error(
                    "Emails",
                    format!("`{email}` is listed twice"),
                    "list each address once",
                );
                continue;
            }
            scope.add(
                &format!("Email{i}"),
                CfnSubscription {
                    endpoint: Some(email.as_str().into()),
                    ..CfnSubscription::new("email", handle.reference())
                },
            );
        }
        Topic { handle, key }
    }

    /// Subscribes an address given at deploy time (a parameter), created only when
    /// `condition` holds (for instance "the parameter is not empty").
    pub fn subscribe_email(
        &self,
        scope: &mut Scope,
        id: &str,
        endpoint: Value<String>,
        condition: Option<&ConditionHandle>,
    ) {
        let sub = scope.add(
            id,
            CfnSubscription {
                endpoint: Some(endpoint),
                ..CfnSubscription::new("email", self.handle.reference())
            },
        );
        if let (Some(c), Some(o)) = (condition, scope.stack().options_mut(&sub)) {
            o.condition = Some(c.clone());
        }
    }

    /// The topic ARN (`Ref`).
    pub fn arn(&self) -> Expr {
        self.handle.reference()
    }
}
