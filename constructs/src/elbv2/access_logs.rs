//! Access logs of a load balancer: a private, TLS-only bucket (S3-managed keys, the only
//! encryption an application load balancer writes to) that the log delivery may write to
//! under `AWSLogs/<account>/`, and nothing else.
//!
//! Who writes depends on the kind. For an application load balancer, in regions opened
//! before August 2022, the regional Elastic Load Balancing account; in later ones, the
//! `logdelivery.elasticloadbalancing` service principal. The policy names the service
//! principal always, and the regional account through a mapping when the stack is deployed
//! to one of those regions. A network load balancer's TLS listeners are logged by CloudWatch
//! Logs' delivery (`delivery.logs.amazonaws.com`), which first checks the bucket's ACL, and
//! may write only for this account's load balancers.

use super::LoadBalancerType;
use crate::iam::{PolicyStatement, Principal};
use crate::s3::secure;
use escdk_synth::cfn::s3::{CfnBucket, CfnBucketPolicy};
use escdk_synth::{fns, ConditionHandle, Duration, Handle, Json, Pseudo, Scope, Stack};

/// The accounts Elastic Load Balancing writes access logs from, in the regions opened
/// before August 2022 (AWS's table, which no longer grows).
pub const LOG_DELIVERY_ACCOUNTS: &[(&str, &str)] = &[
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

const MAPPING: &str = "ElbLogDeliveryAccounts";
const CONDITION: &str = "ElbLogDeliveryByAccount";

/// The mapping and condition, once per stack.
fn region_table(stack: &Stack) -> ConditionHandle {
    if !stack.has_mapping(MAPPING) {
        stack.add_mapping(
            MAPPING,
            Json::object(LOG_DELIVERY_ACCOUNTS.iter().map(|(region, account)| {
                (*region, Json::object([("Account", Json::from(*account))]))
            })),
        );
        // Fn::Or takes at most 10 conditions: OR over groups of 10.
        let groups: Vec<escdk_synth::Expr> = LOG_DELIVERY_ACCOUNTS
            .chunks(10)
            .map(|chunk| {
                fns::or(
                    chunk
                        .iter()
                        .map(|(region, _)| fns::equals(Pseudo::Region, *region)),
                )
            })
            .collect();
        return stack.add_condition(CONDITION, fns::or(groups));
    }
    stack.condition(CONDITION).expect("added with the mapping")
}

/// The log bucket and its policy under `scope`, logs expiring after `expire_after`.
pub(crate) fn log_bucket(
    scope: &Scope,
    expire_after: Duration,
    kind: LoadBalancerType,
) -> (Handle<CfnBucket>, Handle<CfnBucketPolicy>) {
    // The mapping and condition live in the stack; made before the closure borrows.
    let by_account = (kind == LoadBalancerType::Application).then(|| region_table(scope.stack()));
    secure::log_bucket(scope, expire_after, "Elastic Load Balancing", |bucket| {
        let logs = fns::sub_with(
            "${Arn}/AWSLogs/${AWS::AccountId}/*",
            [("Arn", bucket.attr_arn())],
        );
        let write = |principal: Principal| {
            PolicyStatement::allow(["s3:PutObject"], [logs.clone()]).principal(principal)
        };
        match by_account {
            Some(by_account) => vec![
                write(Principal::service(
                    "logdelivery.elasticloadbalancing.amazonaws.com",
                )),
                write(Principal::Aws(
                    fns::sub_with(
                        "arn:${AWS::Partition}:iam::${Account}:root",
                        [(
                            "Account",
                            fns::find_in_map(MAPPING, Pseudo::Region, "Account"),
                        )],
                    )
                    .into(),
                ))
                .only_if(&by_account),
            ],
            None => {
                let delivery = || Principal::service("delivery.logs.amazonaws.com");
                let this_account = fns::sub("${AWS::AccountId}");
                let source =
                    fns::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*");
                vec![
                    write(delivery())
                        .sid("LogDeliveryWrite")
                        .condition("StringEquals", "s3:x-amz-acl", "bucket-owner-full-control")
                        .condition("StringEquals", "aws:SourceAccount", this_account.clone())
                        .condition("ArnLike", "aws:SourceArn", source.clone()),
                    PolicyStatement::allow(["s3:GetBucketAcl"], [bucket.attr_arn()])
                        .sid("LogDeliveryAclCheck")
                        .principal(delivery())
                        .condition("StringEquals", "aws:SourceAccount", this_account)
                        .condition("ArnLike", "aws:SourceArn", source),
                ]
            }
        }
    })
}
