//! [`ApplicationLoadBalancedService`]: a web frontend on HTTPS.

use super::fronted::{alias_records, behind_tls};
use super::metrics::ServiceMetrics;
use crate::certificatemanager::{Certificate, CertificateProps, DEFAULT_DOMAIN_QUOTA};
use crate::ec2::Vpc;
use crate::ecs::{Cluster, FargateService, FargateServiceProps};
use crate::elbv2::{HealthCheck, LoadBalancer, LoadBalancerProps, LoadBalancerType, TargetGroup};
use crate::route53::HostedZone;
use escdk_synth::cfn::elasticloadbalancingv2::CfnListener;
use escdk_synth::cfn::route53::CfnRecordSet;
use escdk_synth::{Handle, Scope};

/// Properties of an [`ApplicationLoadBalancedService`].
#[derive(Debug, Clone)]
pub struct ApplicationLoadBalancedServiceProps {
    pub service: FargateServiceProps,
    /// The zone the domains are in (the seed's `hosted_zone_id`).
    pub zone: HostedZone,
    /// The service's domain (`app.example.com`).
    pub domain_name: String,
    /// More domains served, on the same certificate, each with its record (the seed's
    /// `additional_frontend_domains`).
    pub additional_domains: Vec<String>,
    pub health_check: HealthCheck,
    /// Off by default (see [`LoadBalancerProps::deletion_protection`]).
    pub deletion_protection: bool,
    /// ACM's quota of names per certificate (10 unless AWS raised it for the account).
    pub domain_quota: usize,
    /// Access logs to an encrypted bucket, kept this long: 90 days by default (the record of
    /// who called what; `None` turns them off, and the rule pack then says so).
    pub access_logs: Option<escdk_synth::Duration>,
}

impl ApplicationLoadBalancedServiceProps {
    pub fn new(service: FargateServiceProps, zone: HostedZone, domain_name: &str) -> Self {
        ApplicationLoadBalancedServiceProps {
            service,
            zone,
            domain_name: domain_name.to_string(),
            additional_domains: Vec::new(),
            health_check: HealthCheck::default(),
            deletion_protection: false,
            domain_quota: DEFAULT_DOMAIN_QUOTA,
            access_logs: Some(escdk_synth::Duration::days(90)),
        }
    }
}

/// A Fargate service behind an application load balancer on HTTPS.
#[derive(Debug, Clone)]
pub struct ApplicationLoadBalancedService {
    pub service: FargateService,
    pub load_balancer: LoadBalancer,
    pub target_group: TargetGroup,
    pub certificate: Certificate,
    pub https_listener: Handle<CfnListener>,
    pub http_listener: Option<Handle<CfnListener>>,
    /// One alias record per domain.
    pub records: Vec<Handle<CfnRecordSet>>,
}

impl ApplicationLoadBalancedService {
    pub fn new(
        scope: &Scope,
        id: &str,
        cluster: &Cluster,
        vpc: &Vpc,
        props: ApplicationLoadBalancedServiceProps,
    ) -> ApplicationLoadBalancedService {
        let scope = scope.child(id);
        let certificate = Certificate::new(
            &scope,
            "Certificate",
            &props.zone,
            CertificateProps {
                alternative_names: props.additional_domains.clone(),
                domain_quota: props.domain_quota,
                ..CertificateProps::new(&props.domain_name)
            },
        );
        let fronted = behind_tls(
            &scope,
            cluster,
            vpc,
            props.service,
            &certificate,
            LoadBalancerProps {
                kind: LoadBalancerType::Application,
                deletion_protection: props.deletion_protection,
                access_logs: props.access_logs,
            },
            &props.health_check,
        );
        let http_listener = fronted.load_balancer.add_redirect_to_https("HttpListener");
        let records = alias_records(&scope, &props.zone, &certificate, &fronted.load_balancer);
        ApplicationLoadBalancedService {
            service: fronted.service,
            load_balancer: fronted.load_balancer,
            target_group: fronted.target_group,
            certificate,
            https_listener: fronted.listener,
            http_listener,
            records,
        }
    }

    /// Every domain served, the main one first.
    pub fn domains(&self) -> &[String] {
        &self.certificate.domains
    }

    /// `https://<domain>`.
    pub fn url(&self) -> String {
        format!("https://{}", self.certificate.domains[0])
    }

    pub fn metrics(&self) -> ServiceMetrics {
        ServiceMetrics {
            target_5xx: self.load_balancer.metric_target_5xx_count(),
            unhealthy_hosts: self
                .load_balancer
                .metric_unhealthy_host_count(&self.target_group),
            cpu: self.service.metric_cpu_utilization(),
            memory: self.service.metric_memory_utilization(),
            log_group_name: self.service.log_group_name(),
        }
    }
}
