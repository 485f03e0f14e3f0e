//! The platform's two services (the seed's `frontend_service` and `backend_service`), their
//! registries and the GitHub Actions roles that push to them.

use super::context::{context_list, context_string, context_value};
use escdk_constructs::ec2::{SecurityGroup, Vpc};
use escdk_constructs::ecr::{Repository, RepositoryProps};
use escdk_constructs::ecs::{Cluster, ContainerImage, Cpu, FargateServiceProps};
use escdk_constructs::ecs_patterns::{
    ApplicationLoadBalancedService, ApplicationLoadBalancedServiceProps,
    NetworkLoadBalancedService, NetworkLoadBalancedServiceProps,
};
use escdk_constructs::github::{GithubActionsRole, GithubActionsRoleProps, GithubOidcProvider};
use escdk_constructs::route53::HostedZone;
use escdk_synth::{Scope, Size};

/// The seed's example organisation and repositories.
const PLACEHOLDER_ORG: &str = "myorg";

/// The services, their registries and their CI roles.
pub struct AppServices {
    pub frontend: ApplicationLoadBalancedService,
    pub backend: NetworkLoadBalancedService,
    pub frontend_repository: Repository,
    pub backend_repository: Repository,
    pub frontend_ci: GithubActionsRole,
    pub backend_ci: GithubActionsRole,
}

/// `<prefix>.<domain>`, or the domain itself for an empty prefix (as the seed).
pub fn domain_with_prefix(prefix: &str, domain: &str) -> String {
    if prefix.is_empty() {
        domain.to_string()
    } else {
        format!("{prefix}.{domain}")
    }
}

/// One service's image: the tag from the context (the seed's `frontend_image`), or, until
/// one is pushed, a placeholder tag and no running task (as the seed with no image).
fn image_of(
    scope: &Scope,
    key: &str,
    repository: &Repository,
    what: &str,
) -> (ContainerImage, u32) {
    match context_value(scope, key) {
        Some(tag) => (ContainerImage::from_repository(repository, &tag), 1),
        None => {
            scope.warning(
                format!("the {what} image is not set: the service starts with no task"),
                format!("push an image tagged with the commit's SHA, then: -c {key}=<tag>"),
            );
            (
                ContainerImage::from_repository(repository, "no-image-yet"),
                0,
            )
        }
    }
}

/// One service's registry and where its CI runs: the construct id, the repository's name,
/// and the context keys of its GitHub repository (with the seed's default) and branch.
struct Registry<'a> {
    id: &'a str,
    name: &'a str,
    github_key: &'a str,
    github_default: &'a str,
    branch_key: &'a str,
}

/// The registry and a role that its GitHub repository's workflows on the branch assume
/// to push to it.
fn registry(
    root: &Scope,
    r: Registry,
    provider: &GithubOidcProvider,
    org: &str,
) -> (Repository, GithubActionsRole) {
    let id = r.id;
    let repository = Repository::new(
        root,
        &format!("{id}Repository"),
        RepositoryProps::named(r.name),
    );
    let github = context_value(root, r.github_key).unwrap_or_else(|| r.github_default.to_string());
    let branch = context_value(root, r.branch_key).unwrap_or_else(|| "main".to_string());
    let ci = GithubActionsRole::new(
        root,
        &format!("{id}GithubRole"),
        provider,
        GithubActionsRoleProps::branch(org, &github, &branch),
    );
    repository.grant_pull_push(&ci);
    (repository, ci)
}

/// Builds both services in `vpc`, on `zone`'s domains; the backend joins `backend_groups`.
pub fn services(
    root: &Scope,
    vpc: &Vpc,
    zone: &HostedZone,
    frontend_domain: &str,
    backend_domain: &str,
    backend_groups: Vec<SecurityGroup>,
) -> AppServices {
    let cluster = Cluster::new(root, "Cluster");
    // The account's GitHub provider: one per account, so it is referred to, not created.
    let provider = GithubOidcProvider::import(root);
    let org = context_string(
        root,
        "githubOrganization",
        PLACEHOLDER_ORG,
        "the GitHub organisation (the seed's github_organization_with_read_write_access)",
    );
    let (frontend_repository, frontend_ci) = registry(
        root,
        Registry {
            id: "Frontend",
            name: "event-sourcing-app-frontend",
            github_key: "frontendGithubRepository",
            github_default: "frontend-app",
            branch_key: "frontendGithubBranch",
        },
        &provider,
        &org,
    );
    let (backend_repository, backend_ci) = registry(
        root,
        Registry {
            id: "Backend",
            name: "event-sourcing-app-backend",
            github_key: "backendGithubRepository",
            github_default: "backend-api",
            branch_key: "backendGithubBranch",
        },
        &provider,
        &org,
    );

    let (image, count) = image_of(root, "backendImage", &backend_repository, "backend");
    let backend = NetworkLoadBalancedService::new(
        root,
        "Backend",
        &cluster,
        vpc,
        NetworkLoadBalancedServiceProps::new(
            FargateServiceProps {
                cpu: Cpu::units(512),
                memory: Size::mebibytes(1024),
                desired_count: count,
                security_groups: backend_groups,
                ..FargateServiceProps::new(image, 3000)
            },
            zone.clone(),
            backend_domain,
        ),
    );
    let (image, count) = image_of(root, "frontendImage", &frontend_repository, "frontend");
    let frontend = ApplicationLoadBalancedService::new(
        root,
        "Frontend",
        &cluster,
        vpc,
        ApplicationLoadBalancedServiceProps {
            additional_domains: context_list(root, "additionalFrontendDomains").unwrap_or_default(),
            ..ApplicationLoadBalancedServiceProps::new(
                FargateServiceProps {
                    desired_count: count,
                    ..FargateServiceProps::new(image, 8080)
                },
                zone.clone(),
                frontend_domain,
            )
        },
    );
    // CI may roll its own service onto a new image, and nothing else.
    frontend.service.grant_deploy(&frontend_ci);
    backend.service.grant_deploy(&backend_ci);
    AppServices {
        frontend,
        backend,
        frontend_repository,
        backend_repository,
        frontend_ci,
        backend_ci,
    }
}
