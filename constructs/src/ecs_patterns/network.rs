//! [`NetworkLoadBalancedService`]: an API on TLS, terminated by a network load balancer.

use super::fronted::{alias_records, behind_tls};
use super::metrics::ServiceMetrics;
use crate::certificatemanager::{Certificate, CertificateProps};
use crate::ec2::Vpc;
use crate::ecs::{Cluster, FargateService, FargateServiceProps};
use crate::elbv2::{HealthCheck, LoadBalancer, LoadBalancerProps, LoadBalancerType, TargetGroup};
use crate::route53::HostedZone;
use escdk_synth::cfn::elasticloadbalancingv2::CfnListener;
use escdk_synth::cfn::route53::CfnRecordSet;
use escdk_synth::{Handle, Scope};

/// Properties of a [`NetworkLoadBalancedService`].
#[derive(Debug, Clone)]
pub struct NetworkLoadBalancedServiceProps {
    pub service: FargateServiceProps,
    /// The zone the domain is in (the seed's `hosted_zone_id`).
    pub zone: HostedZone,
    /// The service's domain (`api.example.com`).
    pub domain_name: String,
    pub health_check: HealthCheck,
    /// Off by default (see [`LoadBalancerProps::deletion_protection`]).
    pub deletion_protection: bool,
    /// Access logs of the TLS listener to an encrypted bucket, kept this long: 90 days by
    /// default (`None` turns them off, and the rule pack then says so).
    pub access_logs: Option<escdk_synth::Duration>,
}

impl NetworkLoadBalancedServiceProps {
    pub fn new(service: FargateServiceProps, zone: HostedZone, domain_name: &str) -> Self {
        NetworkLoadBalancedServiceProps {
            service,
            zone,
            domain_name: domain_name.to_string(),
            health_check: HealthCheck::default(),
            deletion_protection: false,
            access_logs: Some(escdk_synth::Duration::days(90)),
        }
    }
}

/// A Fargate service behind a network load balancer with a TLS listener on 443. Unlike
/// the seed, there is no plain TCP listener on 80: the API is reachable over TLS only.
#[derive(Debug, Clone)]
pub struct NetworkLoadBalancedService {
    pub service: FargateService,
    pub load_balancer: LoadBalancer,
    pub target_group: TargetGroup,
    pub certificate: Certificate,
    pub tls_listener: Handle<CfnListener>,
    pub record: Handle<CfnRecordSet>,
}

impl NetworkLoadBalancedService {
    pub fn new(
        scope: &Scope,
        id: &str,
        cluster: &Cluster,
        vpc: &Vpc,
        props: NetworkLoadBalancedServiceProps,
    ) -> NetworkLoadBalancedService {
        let scope = scope.child(id);
        let certificate = Certificate::new(
            &scope,
            "Certificate",
            &props.zone,
            CertificateProps::new(&props.domain_name),
        );
        let fronted = behind_tls(
            &scope,
            cluster,
            vpc,
            props.service,
            &certificate,
            LoadBalancerProps {
                kind: LoadBalancerType::Network,
                deletion_protection: props.deletion_protection,
                access_logs: props.access_logs,
            },
            &props.health_check,
        );
        let mut records = alias_records(&scope, &props.zone, &certificate, &fronted.load_balancer);
        NetworkLoadBalancedService {
            service: fronted.service,
            load_balancer: fronted.load_balancer,
            target_group: fronted.target_group,
            certificate,
            tls_listener: fronted.listener,
            record: records.remove(0),
        }
    }

    /// The service's domain.
    pub fn domain(&self) -> &str {
        &self.certificate.domains[0]
    }

    /// `https://<domain>`.
    pub fn url(&self) -> String {
        format!("https://{}", self.domain())
    }

    pub fn metrics(&self) -> ServiceMetrics {
        ServiceMetrics {
            target_5xx: None,
            unhealthy_hosts: self
                .load_balancer
                .metric_unhealthy_host_count(&self.target_group),
            cpu: self.service.metric_cpu_utilization(),
            memory: self.service.metric_memory_utilization(),
            log_group_name: self.service.log_group_name(),
        }
    }
}
