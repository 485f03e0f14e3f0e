//! [`GithubOidcProvider`]: the IAM identity provider for GitHub Actions' OIDC tokens.

use escdk_synth::cfn::iam::CfnOIDCProvider;
use escdk_synth::{fns, Expr, Scope};

/// The host of GitHub Actions' token issuer.
pub const ISSUER_HOST: &str = "token.actions.githubusercontent.com";
/// The audience GitHub's `aws-actions/configure-aws-credentials` asks tokens for.
pub const AUDIENCE: &str = "sts.amazonaws.com";

/// The account's GitHub Actions identity provider. An account has at most one per issuer:
/// create it in one stack ([`GithubOidcProvider::new`]) or refer to the one the account
/// has ([`GithubOidcProvider::import`]).
#[derive(Debug, Clone)]
pub struct GithubOidcProvider {
    arn: Expr,
}

impl GithubOidcProvider {
    /// Creates the provider: the issuer URL, the STS audience, and no thumbprints (IAM
    /// verifies GitHub's certificate through its trusted certificate authorities).
    pub fn new(scope: &Scope, id: &str) -> GithubOidcProvider {
        let handle = scope.add(
            id,
            CfnOIDCProvider {
                url: Some(format!("https://{ISSUER_HOST}").into()),
                client_id_list: Some(vec![escdk_synth::Value::from(AUDIENCE)].into()),
                ..Default::default()
            },
        );
        GithubOidcProvider {
            arn: handle.attr_arn(),
        }
    }

    /// The provider the account already has, by its ARN (built with `Fn::Sub`, so the
    /// template works in any account and partition).
    pub fn import(_scope: &Scope) -> GithubOidcProvider {
        GithubOidcProvider {
            arn: fns::sub(format!(
                "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{ISSUER_HOST}"
            )),
        }
    }

    pub fn arn(&self) -> Expr {
        self.arn.clone()
    }
}
