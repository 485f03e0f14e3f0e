//! The platform's two services (the module's `frontend_service` and `backend_service`),
//! the registries their images come from, and the GitHub Actions roles that push to them.

use super::checks::domain_with_prefix;
use super::props::{EnvVar, EventSourcingPlatformProps};
use crate::ec2::{SecurityGroup, Vpc};
use crate::ecr::Repository;
use crate::ecs::{Cluster, ContainerImage, FargateServiceProps};
use crate::ecs_patterns::{
    ApplicationLoadBalancedService, ApplicationLoadBalancedServiceProps,
    NetworkLoadBalancedService, NetworkLoadBalancedServiceProps,
};
use crate::env::EnvValue;
use crate::github::{GithubActionsRole, GithubActionsRoleProps, GithubOidcProvider};
use crate::route53::HostedZone;
use escdk_synth::Scope;

/// The two services and the roles CI assumes to push and roll them.
pub struct Services {
    pub frontend: ApplicationLoadBalancedService,
    pub backend: NetworkLoadBalancedService,
    pub frontend_ci: GithubActionsRole,
    pub backend_ci: GithubActionsRole,
}

/// The user's extra variables, as `add_environment` takes them.
pub fn variables(vars: &[EnvVar]) -> Vec<(String, EnvValue)> {
    vars.iter()
        .map(|v| (v.name.clone(), v.value.clone()))
        .collect()
}

/// A role that the repository's workflows on `branch` assume to push to `registry`.
fn ci_role(
    root: &Scope,
    id: &str,
    provider: &GithubOidcProvider,
    p: &EventSourcingPlatformProps,
    (repository, branch): (&str, &str),
    registry: &Repository,
) -> GithubActionsRole {
    let role = GithubActionsRole::new(
        root,
        id,
        provider,
        GithubActionsRoleProps::branch(
            &p.github_organization_with_read_write_access,
            repository,
            branch,
        ),
    );
    registry.grant_pull_push(&role);
    role
}

/// Both services in `vpc` on the zone's domains, from the two registries; the backend
/// joins `backend_group`, which the event store admits.
pub fn services(
    root: &Scope,
    vpc: &Vpc,
    p: &EventSourcingPlatformProps,
    (frontend_registry, backend_registry): (&Repository, &Repository),
    backend_group: &SecurityGroup,
) -> Services {
    let zone = HostedZone::from_attributes(root, &p.hosted_zone_id, &p.hosted_zone_name);
    let cluster = Cluster::new(root, "Cluster");
    // The account's GitHub provider: one per account, so it is referred to, not created.
    let provider = GithubOidcProvider::import(root);
    let frontend_ci = ci_role(
        root,
        "FrontendGithubRole",
        &provider,
        p,
        (
            &p.frontend_github_repository_with_read_write_access,
            &p.frontend_github_branch_with_read_write_access,
        ),
        frontend_registry,
    );
    let backend_ci = ci_role(
        root,
        "BackendGithubRole",
        &provider,
        p,
        (
            &p.backend_github_repository_with_read_write_access,
            &p.backend_github_branch_with_read_write_access,
        ),
        backend_registry,
    );
    let backend = NetworkLoadBalancedService::new(
        root,
        "Backend",
        &cluster,
        vpc,
        NetworkLoadBalancedServiceProps::new(
            FargateServiceProps {
                cpu: p.backend_cpu_capacity,
                memory: p.backend_mem_capacity,
                desired_count: p.backend_instance_count,
                security_groups: vec![backend_group.clone()],
                ..FargateServiceProps::new(
                    ContainerImage::from_repository(backend_registry, &p.backend_image),
                    p.backend_application_port,
                )
            },
            zone.clone(),
            &domain_with_prefix(&p.backend_application_domain_prefix, &p.top_level_domain),
        ),
    );
    let frontend = ApplicationLoadBalancedService::new(
        root,
        "Frontend",
        &cluster,
        vpc,
        ApplicationLoadBalancedServiceProps {
            additional_domains: p.additional_frontend_domains.clone(),
            ..ApplicationLoadBalancedServiceProps::new(
                FargateServiceProps {
                    cpu: p.frontend_cpu_capacity,
                    memory: p.frontend_mem_capacity,
                    desired_count: p.frontend_instance_count,
                    ..FargateServiceProps::new(
                        ContainerImage::from_repository(frontend_registry, &p.frontend_image),
                        p.frontend_application_port,
                    )
                },
                zone,
                &domain_with_prefix(&p.frontend_application_domain_prefix, &p.top_level_domain),
            )
        },
    );
    // CI may roll its own service onto a new image, and nothing else.
    frontend.service.grant_deploy(&frontend_ci);
    backend.service.grant_deploy(&backend_ci);
    Services {
        frontend,
        backend,
        frontend_ci,
        backend_ci,
    }
}
