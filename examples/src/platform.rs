//! The event-sourcing platform (`../shared/seeds/000_…`): the seed's complete module
//! example, value for value, as one [`EventSourcingPlatform`].
//!
//! `cargo run -- synth` shows what the Terraform module would build from these inputs, and
//! better (see the README, "Coming from the Terraform module"): the stacks
//! `AtlasActivation`, `production-PlatformData` and `production-PlatformServices`.
//!
//! Two settings are not inputs of the module: Ambar's egress addresses, which are the only
//! addresses that may reach the event store (the module opened it to 0.0.0.0/0), and the
//! Ambar API host. The egress addresses come from the context (`-c
//! 'ambarEgressCidrs=["a.b.c.d/32"]'`, from Ambar's documentation for its region); until
//! they are set, synth uses a documentation range that reaches nothing, and says so.

use escdk_constructs::ambar::{Destination, EU_WEST_1};
use escdk_constructs::ecs::Cpu;
use escdk_constructs::platform::{
    AmbarSettings, EventSourcingPlatformProps, PlatformNames, ACTIVATION_STACK,
};
use escdk_constructs::EventSourcingPlatform;
use escdk_synth::{App, Size};

/// A documentation range (RFC 5737): deployable, and reaches nothing.
const PLACEHOLDER_EGRESS: &str = "192.0.2.0/28";

/// Ambar's egress CIDRs from the context (a JSON list or one CIDR), if set.
fn ambar_egress() -> Option<Vec<String>> {
    Some(match escdk_synth::context::get("ambarEgressCidrs")? {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect(),
        serde_json::Value::String(one) => vec![one],
        other => vec![other.to_string()],
    })
}

/// The seed's complete example, with Ambar's egress addresses `egress`.
pub fn props(egress: &[&str]) -> EventSourcingPlatformProps {
    EventSourcingPlatformProps {
        region: "us-east-1".into(),
        mongodbatlas_project_id: "507f1f77bcf86cd799439011".into(),
        mongodbatlas_free_tier: false,
        destination_endpoints_to_descriptions: vec![
            Destination::new("/projections/users", "User projection endpoint"),
            Destination::new("/projections/orders", "Order projection endpoint"),
            Destination::new("/reactions/notifications", "Notification reaction endpoint"),
            Destination::new(
                "/reactions/email-triggers",
                "Email trigger reaction endpoint",
            ),
        ],
        top_level_domain: "example.com".into(),
        frontend_application_domain_prefix: "".into(),
        backend_application_domain_prefix: "api".into(),
        from_email: "notifications".into(),
        hosted_zone_id: "Z1D633PJN98FT9".into(),
        hosted_zone_name: "example.com".into(),
        github_organization_with_read_write_access: "myorg".into(),
        frontend_github_repository_with_read_write_access: "frontend-app".into(),
        frontend_github_branch_with_read_write_access: "main".into(),
        backend_github_repository_with_read_write_access: "backend-api".into(),
        backend_github_branch_with_read_write_access: "main".into(),
        frontend_image: "a6c58d7df3ea76c5463161eae6c201659e397ece".into(),
        backend_image: "a6c58d7df3ea76c5463161eae6c201659e397ece".into(),
        frontend_application_port: 8080,
        frontend_cpu_capacity: Cpu::units(256),
        frontend_mem_capacity: Size::mebibytes(512),
        frontend_instance_count: 1,
        additional_frontend_domains: vec![],
        frontend_environment_variables: vec![],
        backend_application_port: 3000,
        backend_cpu_capacity: Cpu::units(512),
        backend_mem_capacity: Size::mebibytes(1024),
        backend_instance_count: 1,
        backend_environment_variables: vec![],
        emails_for_alerts: vec!["admin@example.com".into(), "ops@example.com".into()],
        environment_name: "production".into(),
        ambar: AmbarSettings::new(EU_WEST_1, egress),
        atlas_activation: None,
    }
}

/// Adds the platform's stacks to `app`.
/// The stacks [`add_to`] adds: the Atlas activation stack, then the environment's data and
/// services stacks.
pub fn stack_names() -> Vec<String> {
    let names = PlatformNames::new(&props(&[PLACEHOLDER_EGRESS]).environment_name);
    vec![
        ACTIVATION_STACK.to_string(),
        names.data_stack,
        names.services_stack,
    ]
}

pub fn add_to(app: &mut App) -> EventSourcingPlatform {
    let egress = ambar_egress();
    let cidrs: Vec<&str> = match &egress {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => vec![PLACEHOLDER_EGRESS],
    };
    let platform = EventSourcingPlatform::new(app, props(&cidrs));
    if egress.is_none() {
        platform.data.root().warning(
            format!("Ambar's egress addresses are not set: using {PLACEHOLDER_EGRESS}, a documentation range Ambar does not use"),
            "set them from Ambar's documentation: -c 'ambarEgressCidrs=[\"a.b.c.d/32\"]'",
        );
    }
    platform
}
