//! The platform's own checks of its inputs, reported under the module's input names. The
//! constructs it composes check the rest (CIDRs, CPU and memory, tags, domains in the zone).

use super::names::PlatformNames;
use super::props::EventSourcingPlatformProps;
use crate::route53::domain;
use escdk_synth::Scope;
use std::collections::BTreeSet;

/// `<prefix>.<domain>`, or the domain itself for an empty prefix (as the module).
pub fn domain_with_prefix(prefix: &str, domain: &str) -> String {
    if prefix.is_empty() {
        domain.to_string()
    } else {
        format!("{prefix}.{domain}")
    }
}

/// `aa-bbbb-1` or `us-gov-west-1`: the shape of every AWS region's name.
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    (3..=4).contains(&parts.len())
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| letters(p))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

/// The from-address: `local` becomes `local@<domain>`; a full address must be in `domain`.
pub fn from_address(scope: &Scope, from_email: &str, domain: &str) -> String {
    match from_email.rsplit_once('@') {
        None => format!("{from_email}@{domain}"),
        Some((_, at)) if at.eq_ignore_ascii_case(domain) => from_email.to_string(),
        Some((local, at)) => {
            scope.prop_error(
                "from_email",
                format!("`{from_email}` is not in the top-level domain `{domain}` ({at} is), and SES sends only from the domain the platform verifies"),
                format!("give the local part only (`{local}`), or an address @{domain}"),
            );
            from_email.to_string()
        }
    }
}

/// Checks what no composed construct can: the environment's name, the region, the
/// destinations as a list, the two services' domains against each other, the image tags
/// and the alert addresses.
pub fn check(scope: &Scope, p: &EventSourcingPlatformProps) {
    if let Some((message, fix)) = PlatformNames::check(&p.environment_name) {
        scope.prop_error("environment_name", message, fix);
    }
    if !is_region(&p.region) {
        scope.prop_error(
            "region",
            format!("`{}` is not an AWS region", p.region),
            "give a region's code, such as us-east-1 or eu-west-1",
        );
    }
    let mut paths = BTreeSet::new();
    for d in &p.destination_endpoints_to_descriptions {
        if !d.path.starts_with('/') {
            scope.prop_error(
                "destination_endpoints_to_descriptions",
                format!("`{}` is not a path of the backend", d.path),
                format!("start it with `/`: /{}", d.path.trim_start_matches('/')),
            );
        } else if !paths.insert(d.path.trim_end_matches('/')) {
            scope.prop_error(
                "destination_endpoints_to_descriptions",
                format!("the path `{}` is given twice", d.path),
                "give each endpoint once (one Ambar destination per path)",
            );
        }
    }
    if p.destination_endpoints_to_descriptions.is_empty() {
        scope.warning(
            "destination_endpoints_to_descriptions is empty: Ambar streams the event store to no endpoint",
            "add the backend's projection and reaction endpoints",
        );
    }
    let frontend = domain_with_prefix(&p.frontend_application_domain_prefix, &p.top_level_domain);
    let backend = domain_with_prefix(&p.backend_application_domain_prefix, &p.top_level_domain);
    if frontend.eq_ignore_ascii_case(&backend) {
        scope.prop_error(
            "backend_application_domain_prefix",
            format!("the frontend and the backend would both be `{backend}`"),
            "give the backend its own prefix, such as api",
        );
    } else if p
        .additional_frontend_domains
        .iter()
        .any(|d| d.trim_end_matches('.').eq_ignore_ascii_case(&backend))
    {
        scope.prop_error(
            "additional_frontend_domains",
            format!("`{backend}` is the backend's domain"),
            "remove it from the frontend's domains",
        );
    }
    if let Some(why) = domain::invalid(&p.top_level_domain) {
        scope.prop_error(
            "top_level_domain",
            format!("`{}` is not a domain name: {why}", p.top_level_domain),
            "give the domain both services live under, such as example.com",
        );
    }
    for (prop, tag) in [
        ("frontend_image", &p.frontend_image),
        ("backend_image", &p.backend_image),
    ] {
        if tag.trim().is_empty() {
            scope.prop_error(
                prop,
                "the image tag is empty",
                "give the tag pushed to the service's registry (the commit's SHA)",
            );
        }
    }
    for (prop, port) in [
        ("frontend_application_port", p.frontend_application_port),
        ("backend_application_port", p.backend_application_port),
    ] {
        if port == 0 {
            scope.prop_error(
                prop,
                "port 0 cannot be listened on",
                "give the port the application listens on (1 to 65535), such as 8080",
            );
        }
    }
    if p.emails_for_alerts.is_empty() {
        scope.warning(
            "emails_for_alerts is empty: alarms go to a topic nobody is subscribed to",
            "give at least one address, such as ops@your-domain",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{domain_with_prefix, is_region};

    #[test]
    fn regions_and_domains() {
        for ok in ["us-east-1", "eu-west-1", "ap-southeast-5", "us-gov-west-1"] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "useast1",
            "us-east-1a",
            "u-east-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
        assert_eq!(domain_with_prefix("", "example.com"), "example.com");
        assert_eq!(domain_with_prefix("api", "example.com"), "api.example.com");
    }
}
