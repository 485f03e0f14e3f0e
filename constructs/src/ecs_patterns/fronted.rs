//! What both patterns build the same way: a service behind a TLS listener of a load
//! balancer, and alias records for its domains.

use crate::certificatemanager::Certificate;
use crate::ec2::Vpc;
use crate::ecs::{Cluster, FargateService, FargateServiceProps, LoadBalancerTarget};
use crate::elbv2::{HealthCheck, LoadBalancer, LoadBalancerProps, LoadBalancerType, TargetGroup};
use crate::route53::HostedZone;
use escdk_synth::cfn::elasticloadbalancingv2::CfnListener;
use escdk_synth::cfn::route53::CfnRecordSet;
use escdk_synth::{Handle, Scope};

/// A service, its load balancer, target group and TLS listener.
pub(crate) struct Fronted {
    pub service: FargateService,
    pub load_balancer: LoadBalancer,
    pub target_group: TargetGroup,
    pub listener: Handle<CfnListener>,
}

/// A load balancer (`lb`) with a target group on the service's port and a TLS listener
/// on 443 with `certificate`, and the service attached to it, all under `scope`.
pub(crate) fn behind_tls(
    scope: &Scope,
    cluster: &Cluster,
    vpc: &Vpc,
    service: FargateServiceProps,
    certificate: &Certificate,
    lb: LoadBalancerProps,
    check: &HealthCheck,
) -> Fronted {
    let listener_id = match lb.kind {
        LoadBalancerType::Application => "HttpsListener",
        LoadBalancerType::Network => "TlsListener",
    };
    let load_balancer = LoadBalancer::new(scope, "LoadBalancer", vpc, lb);
    let target_group = load_balancer.add_target_group("TargetGroup", service.container_port, check);
    let listener = load_balancer.add_tls_listener(listener_id, certificate, &target_group);
    let service = FargateService::new(scope, "Service", cluster, vpc, service);
    service.attach(&LoadBalancerTarget {
        target_group_arn: target_group.arn(),
        listener: listener.clone(),
        security_group: load_balancer.security_group.clone(),
    });
    Fronted {
        service,
        load_balancer,
        target_group,
        listener,
    }
}

/// An alias record per domain of `certificate` to `load_balancer`: `Record` for the
/// first, `AdditionalRecord<n>` for the others.
pub(crate) fn alias_records(
    scope: &Scope,
    zone: &HostedZone,
    certificate: &Certificate,
    load_balancer: &LoadBalancer,
) -> Vec<Handle<CfnRecordSet>> {
    certificate
        .domains
        .iter()
        .enumerate()
        .map(|(i, domain)| {
            let id = if i == 0 {
                "Record".to_string()
            } else {
                format!("AdditionalRecord{i}")
            };
            zone.add_alias(
                scope,
                &id,
                domain,
                load_balancer.dns_name(),
                load_balancer.canonical_hosted_zone_id(),
            )
        })
        .collect()
}
