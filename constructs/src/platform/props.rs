//! The props of [`super::EventSourcingPlatform`]: one field per input of the seed's
//! Terraform module, under the module's name, with Rust types in place of strings, and the
//! few settings the module did not need because it did less (Ambar's egress addresses, the
//! shared Atlas activation).

use crate::ambar::{ApiKey, Destination};
use crate::atlas::AtlasActivation;
use crate::ecs::Cpu;
use crate::env::EnvValue;
use escdk_synth::{Expr, Size};

/// The seed's default branch for both GitHub repositories.
pub const DEFAULT_BRANCH: &str = "main";

/// One variable of `frontend_environment_variables` or `backend_environment_variables`:
/// a plain value (the seed's `{ name, value }`), or a key of a Secrets Manager secret that the
/// task reads at start (which the seed could not express).
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
}

impl EnvVar {
    /// A plain value, as the seed's `{ name = "...", value = "..." }`.
    pub fn new(name: &str, value: &str) -> EnvVar {
        EnvVar {
            name: name.to_string(),
            value: EnvValue::Value(value.into()),
        }
    }

    /// The JSON key `key` of the secret `arn`, handed to the container as a secret reference.
    pub fn secret(name: &str, arn: Expr, key: &str) -> EnvVar {
        EnvVar {
            name: name.to_string(),
            value: EnvValue::secret_key(arn, key),
        }
    }
}

/// How the stack reaches Ambar and how Ambar reaches the event store (the module took
/// Ambar's provider settings from its own configuration and opened the database to
/// 0.0.0.0/0 instead).
#[derive(Debug, Clone, PartialEq)]
pub struct AmbarSettings {
    /// The regional API host ([`crate::ambar::EU_WEST_1`], ...).
    pub api_host: String,
    /// Where the environment's API key is: by default a secret the stack creates and synth
    /// names, which you fill before or during the first deploy.
    pub api_key: ApiKey,
    /// Ambar's egress CIDRs for that region, from Ambar's documentation: the only addresses
    /// that may connect to the event store.
    pub egress_cidrs: Vec<String>,
}

impl AmbarSettings {
    /// Ambar's `api_host`, reaching the event store from `egress_cidrs`, with the API key
    /// in a secret the stack creates.
    pub fn new(api_host: &str, egress_cidrs: &[&str]) -> AmbarSettings {
        AmbarSettings {
            api_host: api_host.to_string(),
            api_key: ApiKey::Create,
            egress_cidrs: egress_cidrs.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// The inputs of the seed's module (`../shared/seeds/000_…`), one field each, under the
/// module's names. Rust has no default field values, so the struct has no `Default`: the
/// inputs the module defaults are ordinary fields whose documentation gives the module's
/// default (`false`, [`DEFAULT_BRANCH`], `""`, an empty list).
///
/// `event_store_configured` has no field: the schema is applied by a custom resource in the
/// same deploy, and everything that needs it depends on it.
#[derive(Debug, Clone)]
pub struct EventSourcingPlatformProps {
    /// The AWS region every stack of the platform is pinned to (`deploy` refuses another).
    pub region: String,
    /// The Atlas project (24 hexadecimal digits).
    pub mongodbatlas_project_id: String,
    /// M0 on Atlas's shared tier instead of a dedicated M10 (module default: `false`).
    pub mongodbatlas_free_tier: bool,
    /// The backend's endpoints that Ambar delivers the event store's records to, paths
    /// under the backend's domain (`/projections/users`).
    pub destination_endpoints_to_descriptions: Vec<Destination>,
    /// The GitHub organisation (or user) owning both repositories.
    pub github_organization_with_read_write_access: String,
    pub frontend_github_repository_with_read_write_access: String,
    /// Module default: [`DEFAULT_BRANCH`].
    pub frontend_github_branch_with_read_write_access: String,
    /// The tag of the frontend's image in its registry (a commit SHA).
    pub frontend_image: String,
    pub frontend_application_port: u16,
    pub frontend_cpu_capacity: Cpu,
    pub frontend_mem_capacity: Size,
    pub frontend_instance_count: u32,
    /// Module default: none.
    pub additional_frontend_domains: Vec<String>,
    /// The domain both services live under (`example.com`).
    pub top_level_domain: String,
    /// Module default: `""` (the frontend is on the top-level domain itself).
    pub frontend_application_domain_prefix: String,
    /// Module default: none.
    pub frontend_environment_variables: Vec<EnvVar>,
    /// The Route 53 hosted zone holding the top-level domain.
    pub hosted_zone_id: String,
    pub hosted_zone_name: String,
    pub backend_github_repository_with_read_write_access: String,
    /// Module default: [`DEFAULT_BRANCH`].
    pub backend_github_branch_with_read_write_access: String,
    /// The tag of the backend's image in its registry (a commit SHA).
    pub backend_image: String,
    /// `api` makes the backend `api.<top_level_domain>`.
    pub backend_application_domain_prefix: String,
    pub backend_application_port: u16,
    pub backend_cpu_capacity: Cpu,
    pub backend_mem_capacity: Size,
    pub backend_instance_count: u32,
    /// The backend's from-address: a local part (`notifications`) or a full address in the
    /// top-level domain.
    pub from_email: String,
    /// Module default: none.
    pub backend_environment_variables: Vec<EnvVar>,
    /// Who receives the alarms (an empty list is a warning: alarms would reach nobody).
    pub emails_for_alerts: Vec<String>,
    /// Prefixes every stack and physical name, so that environments deploy side by side in
    /// one account and region: lower-case letters, digits and single hyphens.
    pub environment_name: String,
    /// Ambar's API host, key and egress addresses (not an input of the module).
    pub ambar: AmbarSettings,
    /// The Atlas registry types' activation stack, shared by the environments of one
    /// account and region; `None` adds it to the app (not an input of the module).
    pub atlas_activation: Option<AtlasActivation>,
}
