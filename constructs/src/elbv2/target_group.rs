//! [`TargetGroup`]: the tasks a load balancer sends traffic to, by IP.

use super::load_balancer::LoadBalancerType;
use crate::ec2::Vpc;
use escdk_synth::cfn::elasticloadbalancingv2::{target_group, CfnTargetGroup};
use escdk_synth::{Duration, Expr, Handle, Scope};

/// How the load balancer checks a target: an HTTP `GET` of `path` on the traffic port.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    /// `/` by default.
    pub path: String,
    /// 30 s by default.
    pub interval: Duration,
    /// 6 s by default.
    pub timeout: Duration,
    /// Checks in a row that make a target healthy, or unhealthy (3 and 3 by default).
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// Answers counted as healthy (`200-399` by default).
    pub healthy_http_codes: String,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            path: "/".into(),
            interval: Duration::seconds(30),
            timeout: Duration::seconds(6),
            healthy_threshold: 3,
            unhealthy_threshold: 3,
            healthy_http_codes: "200-399".into(),
        }
    }
}

/// IP targets on one port.
#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub handle: Handle<CfnTargetGroup>,
}

impl TargetGroup {
    /// Targets on `port` in `vpc`: HTTP for an application load balancer, TCP for a network
    /// one; both health-checked over HTTP.
    pub(crate) fn new(
        scope: &Scope,
        id: &str,
        kind: LoadBalancerType,
        vpc: &Vpc,
        port: u16,
        check: &HealthCheck,
    ) -> TargetGroup {
        let scope = scope.child(id);
        if !check.path.starts_with('/') || check.path.chars().any(char::is_whitespace) {
            scope.prop_error(
                "HealthCheckPath",
                format!("`{}` is not a path", check.path),
                "give a path starting with `/`, e.g. /health",
            );
        }
        let interval = check
            .interval
            .seconds_in(&scope, "HealthCheckIntervalSeconds", 5..=300);
        let timeout = check
            .timeout
            .seconds_in(&scope, "HealthCheckTimeoutSeconds", 2..=120);
        if timeout >= interval {
            scope.prop_error(
                "HealthCheckTimeoutSeconds",
                format!(
                    "the timeout ({timeout} s) is not shorter than the interval ({interval} s)"
                ),
                "make the health check's timeout shorter than its interval",
            );
        }
        for (property, n) in [
            ("HealthyThresholdCount", check.healthy_threshold),
            ("UnhealthyThresholdCount", check.unhealthy_threshold),
        ] {
            if !(2..=10).contains(&n) {
                scope.prop_error(property, format!("{n} checks"), "give 2 to 10 checks");
            }
        }
        let protocol = match kind {
            LoadBalancerType::Application => "HTTP",
            LoadBalancerType::Network => "TCP",
        };
        let handle = scope.add(
            "Resource",
            CfnTargetGroup {
                protocol: Some(protocol.into()),
                port: Some(i64::from(port).into()),
                target_type: Some("ip".into()),
                vpc_id: Some(vpc.id().into()),
                health_check_enabled: Some(true.into()),
                health_check_protocol: Some("HTTP".into()),
                health_check_path: Some(check.path.as_str().into()),
                health_check_interval_seconds: Some(interval.into()),
                health_check_timeout_seconds: Some(timeout.into()),
                healthy_threshold_count: Some(u64::from(check.healthy_threshold).into()),
                unhealthy_threshold_count: Some(u64::from(check.unhealthy_threshold).into()),
                matcher: Some(target_group::Matcher {
                    http_code: Some(check.healthy_http_codes.as_str().into()),
                    ..Default::default()
                }),
                // Tasks being replaced get 30 s to finish requests (300 s by default makes
                // every deployment five minutes longer).
                target_group_attributes: Some(
                    vec![target_group::TargetGroupAttribute {
                        key: Some("deregistration_delay.timeout_seconds".into()),
                        value: Some("30".into()),
                    }]
                    .into(),
                ),
                ..Default::default()
            },
        );
        TargetGroup { handle }
    }

    /// The target group's ARN (its `Ref`).
    pub fn arn(&self) -> Expr {
        self.handle.reference()
    }

    /// `targetgroup/<name>/<id>`: the `TargetGroup` dimension of its metrics.
    pub fn full_name(&self) -> Expr {
        self.handle.attr_target_group_full_name()
    }
}
