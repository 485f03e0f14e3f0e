//! [`LoadBalancer`]: an internet-facing application or network load balancer.

use super::target_group::{HealthCheck, TargetGroup};
use crate::certificatemanager::Certificate;
use crate::cloudwatch::{Metric, Statistic};
use crate::ec2::{Cidr, SecurityGroup, SecurityGroupProps, Vpc};
use escdk_synth::cfn::elasticloadbalancingv2::{
    listener, load_balancer, CfnListener, CfnLoadBalancer,
};
use escdk_synth::{Duration, Expr, Handle, Scope, Value};

/// TLS 1.3 and 1.2 with forward secrecy only: what the seed uses, and what AWS recommends.
pub const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// Which kind of load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadBalancerType {
    /// HTTP(S), layer 7: redirects, health checks, 5xx metrics.
    Application,
    /// TCP/TLS, layer 4.
    Network,
}

impl LoadBalancerType {
    fn namespace(self) -> &'static str {
        match self {
            LoadBalancerType::Application => "AWS/ApplicationELB",
            LoadBalancerType::Network => "AWS/NetworkELB",
        }
    }
}

/// Properties of a [`LoadBalancer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancerProps {
    pub kind: LoadBalancerType,
    /// Off by default: a load balancer keeps no data, and with protection on, a failed
    /// first deploy cannot roll back (and `destroy` fails) until it is turned off by hand.
    pub deletion_protection: bool,
    /// Write access logs to a bucket of their own, kept this long (none by default). A
    /// network load balancer logs its TLS listeners, the only kind it gets here.
    pub access_logs: Option<Duration>,
}

/// An internet-facing load balancer in the VPC's public subnets.
#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub handle: Handle<CfnLoadBalancer>,
    /// Admits the listeners' ports from anywhere; reaches only its targets.
    pub security_group: SecurityGroup,
    pub kind: LoadBalancerType,
    scope: Scope,
    vpc: Vpc,
}

impl LoadBalancer {
    pub fn new(scope: &Scope, id: &str, vpc: &Vpc, props: LoadBalancerProps) -> LoadBalancer {
        let scope = scope.child(id);
        let security_group = SecurityGroup::new(
            &scope,
            "SecurityGroup",
            vpc,
            SecurityGroupProps::no_outbound("Load balancer: its listener ports from the internet"),
        );
        let mut attributes = vec![(
            "deletion_protection.enabled",
            props.deletion_protection.to_string(),
        )];
        attributes.push(match props.kind {
            LoadBalancerType::Application => (
                "routing.http.drop_invalid_header_fields.enabled",
                "true".into(),
            ),
            LoadBalancerType::Network => ("load_balancing.cross_zone.enabled", "true".into()),
        });
        // A network load balancer logs its TLS listeners (the only kind escdk gives it).
        let logs = props.access_logs.map(|expire| {
            let (bucket, policy) = super::access_logs::log_bucket(&scope, expire, props.kind);
            attributes.push(("access_logs.s3.enabled", "true".into()));
            (bucket, policy)
        });
        let mut attributes: Vec<load_balancer::LoadBalancerAttribute> = attributes
            .into_iter()
            .map(|(k, v)| load_balancer::LoadBalancerAttribute {
                key: Some(k.into()),
                value: Some(v.into()),
            })
            .collect();
        if let Some((bucket, _)) = &logs {
            attributes.push(load_balancer::LoadBalancerAttribute {
                key: Some("access_logs.s3.bucket".into()),
                value: Some(bucket.reference().into()),
            });
        }
        let subnets: Vec<Value<String>> = vpc
            .public_subnets
            .iter()
            .map(|s| s.reference().into())
            .collect();
        let handle = scope.add(
            "Resource",
            CfnLoadBalancer {
                r#type: Some(
                    match props.kind {
                        LoadBalancerType::Application => "application",
                        LoadBalancerType::Network => "network",
                    }
                    .into(),
                ),
                scheme: Some("internet-facing".into()),
                ip_address_type: Some("ipv4".into()),
                subnets: Some(subnets.into()),
                security_groups: Some(vec![Value::from(security_group.id())].into()),
                load_balancer_attributes: Some(attributes.into()),
                ..Default::default()
            },
        );
        scope.stack().add_dependency(&handle, &vpc.internet_route);
        // ELB checks that it may write to the bucket when logging is turned on.
        if let Some((_, policy)) = &logs {
            scope.stack().add_dependency(&handle, policy);
        }
        LoadBalancer {
            handle,
            security_group,
            kind: props.kind,
            scope,
            vpc: vpc.clone(),
        }
    }

    /// The DNS name clients resolve (what an alias record points at).
    pub fn dns_name(&self) -> Expr {
        self.handle.attr_dns_name()
    }

    /// The hosted zone of the load balancer's DNS name (an alias record's target zone).
    pub fn canonical_hosted_zone_id(&self) -> Expr {
        self.handle.attr_canonical_hosted_zone_id()
    }

    /// `app/<name>/<id>` or `net/<name>/<id>`: the `LoadBalancer` dimension of its metrics.
    pub fn full_name(&self) -> Expr {
        self.handle.attr_load_balancer_full_name()
    }

    /// IP targets on `port`, checked by `check`.
    pub fn add_target_group(&self, id: &str, port: u16, check: &HealthCheck) -> TargetGroup {
        TargetGroup::new(&self.scope, id, self.kind, &self.vpc, port, check)
    }

    fn admit(&self, port: u16, why: &str) {
        let anywhere = Cidr::parse("0.0.0.0/0").expect("a valid CIDR");
        let ingress = self.security_group.allow_from_cidr(anywhere, port, why);
        escdk_synth::rules::suppress(
            &ingress,
            "ESCDK-PUBLIC-INGRESS",
            &format!("the listener of an internet-facing load balancer ({why}): reaching it from the internet is its purpose; the targets admit only this load balancer"),
        );
    }

    /// Port 443 with `certificate` on [`TLS_POLICY`], forwarding to `target`: HTTPS on an
    /// application load balancer, TLS on a network one. Admits 443 from anywhere.
    pub fn add_tls_listener(
        &self,
        id: &str,
        certificate: &Certificate,
        target: &TargetGroup,
    ) -> Handle<CfnListener> {
        let protocol = match self.kind {
            LoadBalancerType::Application => "HTTPS",
            LoadBalancerType::Network => "TLS",
        };
        self.admit(443, &format!("{protocol} from the internet"));
        self.scope.add(
            id,
            CfnListener {
                port: Some(443.into()),
                protocol: Some(protocol.into()),
                ssl_policy: Some(TLS_POLICY.into()),
                certificates: Some(
                    vec![listener::Certificate {
                        certificate_arn: Some(certificate.arn().into()),
                    }]
                    .into(),
                ),
                ..CfnListener::new(
                    vec![listener::Action {
                        target_group_arn: Some(target.arn().into()),
                        ..listener::Action::new("forward")
                    }],
                    self.handle.reference(),
                )
            },
        )
    }

    /// Port 80 answering every request with a permanent redirect to the same URL on HTTPS
    /// (application load balancers only). Admits 80 from anywhere.
    pub fn add_redirect_to_https(&self, id: &str) -> Option<Handle<CfnListener>> {
        if self.kind != LoadBalancerType::Application {
            self.scope.prop_error(
                "Listeners",
                "a network load balancer cannot redirect HTTP",
                "redirect on an application load balancer, or leave port 80 closed",
            );
            return None;
        }
        self.admit(80, "HTTP from the internet (redirected to HTTPS)");
        Some(self.scope.add(
            id,
            CfnListener {
                port: Some(80.into()),
                protocol: Some("HTTP".into()),
                ..CfnListener::new(
                    vec![listener::Action {
                        redirect_config: Some(listener::RedirectConfig {
                            protocol: Some("HTTPS".into()),
                            port: Some("443".into()),
                            ..listener::RedirectConfig::new("HTTP_301")
                        }),
                        ..listener::Action::new("redirect")
                    }],
                    self.handle.reference(),
                )
            },
        ))
    }

    /// Answers with a 5xx from the targets, per minute (application load balancers only:
    /// a network load balancer does not read HTTP).
    pub fn metric_target_5xx_count(&self) -> Option<Metric> {
        (self.kind == LoadBalancerType::Application).then(|| {
            Metric::new(self.kind.namespace(), "HTTPCode_Target_5XX_Count")
                .dimension("LoadBalancer", self.full_name())
                .statistic(Statistic::Sum)
        })
    }

    /// Targets of `target` failing their health checks (the most in a period).
    pub fn metric_unhealthy_host_count(&self, target: &TargetGroup) -> Metric {
        Metric::new(self.kind.namespace(), "UnHealthyHostCount")
            .dimension("TargetGroup", target.full_name())
            .dimension("LoadBalancer", self.full_name())
            .statistic(Statistic::Maximum)
    }
}
