//! Who a resource or trust policy statement is about.

use escdk_synth::Json;

/// The `Principal` of a resource or trust policy statement. Identity policies (a role's or
/// user's) have none: the identity is the principal.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service, e.g. `sns.amazonaws.com` (a string or an expression such as
    /// `logs.${AWS::Region}.amazonaws.com`).
    Service(Json),
    /// An account or IAM identity, by ARN (`arn:…:iam::<account>:root` for an account).
    Aws(Json),
    /// Identities of an identity provider (an OpenID Connect provider's ARN).
    Federated(Json),
    /// Anyone, signed or not (`"*"`): only in `Deny` statements of ours.
    Anyone,
}

impl Principal {
    /// An AWS service principal.
    pub fn service(service: impl Into<Json>) -> Self {
        Principal::Service(service.into())
    }

    /// The account the stack is deployed to (its root, meaning: IAM decides).
    pub fn this_account() -> Self {
        Principal::Aws(
            escdk_synth::fns::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root").into(),
        )
    }

    pub(crate) fn to_json(&self) -> Json {
        let keyed = |key: &'static str, value: &Json| Json::object([(key, value.clone())]);
        match self {
            Principal::Service(s) => keyed("Service", s),
            Principal::Aws(a) => keyed("AWS", a),
            Principal::Federated(f) => keyed("Federated", f),
            Principal::Anyone => Json::from("*"),
        }
    }
}
