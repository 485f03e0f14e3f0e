//! The seed's variables for its frontend and backend, set from the constructs rather than
//! by hand (`../shared/reference/terraform-module.md`, "Values of the containers'
//! variables").

use super::{ApplicationLoadBalancedService, NetworkLoadBalancedService};
use crate::env::EnvValue;

fn value(name: &str, v: impl Into<escdk_synth::Value<String>>) -> (String, EnvValue) {
    (name.to_string(), EnvValue::Value(v.into()))
}

/// The frontend's own variables: `API_ADDRESS` (the backend's URL), `PRODUCTION`,
/// `SERVER_PORT`, `SERVER_HOSTNAME` (`::`, every address), `DOMAIN` (every frontend domain,
/// comma-separated) and `LOAD_BALANCER` (the ALB's DNS name).
pub fn frontend(
    frontend: &ApplicationLoadBalancedService,
    backend: &NetworkLoadBalancedService,
) -> Vec<(String, EnvValue)> {
    vec![
        value("API_ADDRESS", backend.url()),
        value("PRODUCTION", "TRUE"),
        value("SERVER_PORT", frontend.service.container_port.to_string()),
        value("SERVER_HOSTNAME", "::"),
        value("DOMAIN", frontend.domains().join(",")),
        value("LOAD_BALANCER", frontend.load_balancer.dns_name()),
    ]
}

/// The backend's variable about the frontend: `FRONTEND_DOMAIN` (its main domain). The
/// rest come from the event store, projection store, streaming, e-mail and storage.
pub fn backend(frontend: &ApplicationLoadBalancedService) -> Vec<(String, EnvValue)> {
    vec![value("FRONTEND_DOMAIN", frontend.domains()[0].as_str())]
}
