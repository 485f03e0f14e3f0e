//! `EventSourcingPlatform` at synth: the seed module's variables reach the right container
//! (secrets only as references), every cross-stack reference is an export of a stack
//! deployed earlier, two environments share an account without a name clash, and bad
//! input is an error naming the module's input.

mod support;

use escdk_constructs::atlas::AtlasActivation;
use escdk_constructs::platform::{EnvVar, EventSourcingPlatformProps};
use escdk_constructs::EventSourcingPlatform;
use escdk_synth::{App, Synthesized};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use support::of_type;

/// The seed's complete example (with a real-looking egress range).
fn seed() -> EventSourcingPlatformProps {
    escdk_examples::platform::props(&["203.0.113.0/28"])
}

fn synth(props: EventSourcingPlatformProps) -> Result<Vec<Synthesized>, String> {
    let mut app = App::new();
    EventSourcingPlatform::new(&mut app, props);
    app.synth(&[]).map_err(|e| e.to_string())
}

fn stack<'a>(all: &'a [Synthesized], suffix: &str) -> &'a Value {
    all.iter()
        .find(|s| s.stack_name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no stack {suffix}"))
        .template()
}

/// The container's variables: (plain names, secret names).
fn container_variables(services: &Value, service: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let (_, td) = of_type(services, "AWS::ECS::TaskDefinition")
        .into_iter()
        .find(|(_, r)| {
            r["Metadata"]["escdk:path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("{service}/Service/TaskDefinition"))
        })
        .unwrap_or_else(|| panic!("{service}'s task definition"));
    let c = &td["Properties"]["ContainerDefinitions"][0];
    let names = |key: &str| -> BTreeSet<String> {
        c[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["Name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    (names("Environment"), names("Secrets"))
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_variable_of_the_seeds_tables_reaches_its_container_and_secrets_only_as_references() {
    let mut props = seed();
    props.backend_environment_variables = vec![EnvVar::new("FEATURE_FLAGS", "a,b")];
    props.frontend_environment_variables = vec![EnvVar::new("THEME", "dark")];
    let all = synth(props).unwrap();
    let services = stack(&all, "-PlatformServices");
    let (plain, secret) = container_variables(services, "Backend");
    // The seed's backend tables, less the two S3 keys (the task role is the credential) and
    // the replication user's (the stack creates that user itself).
    let backend_plain = set(&[
        "EVENT_STORE_HOST",
        "EVENT_STORE_PORT",
        "EVENT_STORE_DATABASE_NAME",
        "EVENT_STORE_USER",
        "EVENT_STORE_CREATE_REPLICATION_USER_WITH_USERNAME",
        "EVENT_STORE_EVENTS_TABLE_NAME",
        "EVENT_STORE_IDEMPOTENT_REACTION_TABLE_NAME",
        "EVENT_STORE_CREATE_REPLICATION_PUBLICATION",
        "MONGODB_PROJECTION_HOST",
        "MONGODB_PROJECTION_PORT",
        "MONGODB_PROJECTION_AUTHENTICATION_DATABASE",
        "MONGODB_PROJECTION_DATABASE_NAME",
        "MONGODB_PROJECTION_DATABASE_USERNAME",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_FROM_EMAIL_FOR_ADMINISTRATORS",
        "S3_ENDPOINT_URL",
        "S3_BUCKET_NAME",
        "S3_REGION",
        "FRONTEND_DOMAIN",
        "FEATURE_FLAGS",
    ]);
    // User names are plain values, as in the seed; every password and key is a secret.
    let backend_secret = set(&[
        "EVENT_STORE_PASSWORD",
        "EVENT_STORE_CREATE_REPLICATION_USER_WITH_PASSWORD",
        "MONGODB_PROJECTION_DATABASE_PASSWORD",
        "SMTP_USERNAME",
        "SMTP_PASSWORD",
        "AMBAR_HTTP_USERNAME",
        "AMBAR_HTTP_PASSWORD",
    ]);
    assert_eq!(plain, backend_plain, "the backend's values");
    assert_eq!(secret, backend_secret, "the backend's secrets");
    let (plain, secret) = container_variables(services, "Frontend");
    assert_eq!(
        plain,
        set(&[
            "API_ADDRESS",
            "PRODUCTION",
            "SERVER_PORT",
            "SERVER_HOSTNAME",
            "DOMAIN",
            "LOAD_BALANCER",
            "THEME"
        ])
    );
    assert!(secret.is_empty(), "{secret:?}");
    // Every secret is a `ValueFrom` reference; no value in the template names a password.
    let text = serde_json::to_string(services).unwrap();
    for (_, td) in of_type(services, "AWS::ECS::TaskDefinition") {
        for s in td["Properties"]["ContainerDefinitions"][0]["Secrets"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(s["ValueFrom"].is_object(), "{s}: a reference to a secret");
        }
    }
    assert!(
        !text.contains("resolve:secretsmanager"),
        "no dynamic reference leaks a secret into a container's plain variables"
    );
}

#[test]
fn the_module_outputs_are_there_under_its_names() {
    let all = synth(seed()).unwrap();
    let outputs: BTreeSet<String> = all
        .iter()
        .flat_map(|s| {
            s.template()["Outputs"]
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys().cloned())
                .collect::<Vec<_>>()
        })
        .collect();
    for name in [
        "FrontendUrl",
        "BackendUrl",
        "FrontendEcrRepositoryUrl",
        "FrontendGithubAssumableRoleReadWrite",
        "BackendEcrRepositoryUrl",
        "BackendGithubAssumableRoleReadWrite",
        "SesIdentity",
    ] {
        assert!(outputs.contains(name), "{name}");
    }
    let services = stack(&all, "-PlatformServices");
    assert_eq!(
        services["Outputs"]["FrontendUrl"]["Value"],
        "https://example.com"
    );
    assert_eq!(
        services["Outputs"]["BackendUrl"]["Value"],
        "https://api.example.com"
    );
}

#[test]
fn every_import_is_an_export_of_a_stack_deployed_earlier() {
    let all = synth(seed()).unwrap();
    let names: Vec<&str> = all.iter().map(|s| s.stack_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AtlasActivation",
            "production-PlatformData",
            "production-PlatformServices"
        ],
        "deploy order"
    );
    let mut exported: BTreeMap<String, usize> = BTreeMap::new();
    let mut imports = 0;
    for (i, s) in all.iter().enumerate() {
        let text = serde_json::to_string(s.template()).unwrap();
        for import in text.split("\"Fn::ImportValue\":\"").skip(1) {
            let name = &import[..import.find('"').unwrap()];
            let producer = exported.get(name).copied();
            assert!(
                producer.is_some_and(|p| p < i),
                "{}: imports {name}, which no earlier stack exports",
                s.stack_name
            );
            assert!(
                s.dependencies.contains(&all[producer.unwrap()].stack_name),
                "{} depends on its producer",
                s.stack_name
            );
            imports += 1;
        }
        for o in s.template()["Outputs"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            if let Some(name) = o["Export"]["Name"].as_str() {
                assert!(
                    exported.insert(name.to_string(), i).is_none(),
                    "{name} exported twice"
                );
            }
        }
    }
    assert!(
        imports > 20,
        "the services stack imports the data stack's values: {imports}"
    );
    // The schema and the SMTP credentials come before the backend: its stack depends on
    // theirs (CloudFormation's DependsOn cannot cross stacks).
    let services = all.last().unwrap();
    assert_eq!(services.dependencies, ["production-PlatformData"]);
    let data = &all[1];
    assert_eq!(data.dependencies, ["AtlasActivation"]);
}

/// Physical names AWS or Atlas keep unique per account, region or project.
fn physical_names(all: &[Synthesized]) -> Vec<String> {
    let mut names: Vec<String> = all.iter().map(|s| s.stack_name.clone()).collect();
    for s in all {
        for r in s.template()["Resources"].as_object().unwrap().values() {
            let t = r["Type"].as_str().unwrap();
            let p = &r["Properties"];
            if t == "AWS::Route53::RecordSet" {
                // A record is its name and type; DKIM names are the identity's own tokens.
                match p["Name"].as_str() {
                    Some(n) => names.push(format!("{t} {n} {}", p["Type"])),
                    None => names.push(format!("{t} {} {}", s.stack_name, p["Name"])),
                }
                continue;
            }
            for key in [
                "RepositoryName",
                "Name",
                "Username",
                "ClusterName",
                "BucketName",
            ] {
                if let Some(v) = p[key].as_str() {
                    names.push(format!("{t} {key} {v}"));
                }
            }
            if t == "AWS::SES::EmailIdentity" {
                names.push(format!("{t} {}", p["EmailIdentity"]));
            }
        }
        for o in s.template()["Outputs"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            if let Some(n) = o["Export"]["Name"].as_str() {
                names.push(format!("export {n}"));
            }
        }
    }
    names
}

#[test]
fn two_environments_deploy_side_by_side_with_no_physical_name_clash() {
    let mut app = App::new();
    let activation = AtlasActivation::new(&mut app, "AtlasActivation", Default::default());
    let production = EventSourcingPlatformProps {
        atlas_activation: Some(activation.clone()),
        ..seed()
    };
    // Staging under the same zone, as a team would: its own top-level domain in it.
    let staging = EventSourcingPlatformProps {
        environment_name: "staging".into(),
        top_level_domain: "staging.example.com".into(),
        atlas_activation: Some(activation),
        ..seed()
    };
    EventSourcingPlatform::new(&mut app, production);
    EventSourcingPlatform::new(&mut app, staging);
    let all = app.synth(&[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 5, "one activation, two stacks per environment");
    let names = physical_names(&all);
    let mut seen = BTreeSet::new();
    let clashes: Vec<&String> = names.iter().filter(|n| !seen.insert(*n)).collect();
    assert!(clashes.is_empty(), "{clashes:?}");
    assert!(names
        .iter()
        .any(|n| n.ends_with("staging-event-sourcing-app-backend")));
    assert!(names
        .iter()
        .any(|n| n.ends_with("Name production-projection-store")));
}

fn error_of(props: EventSourcingPlatformProps) -> String {
    synth(props).expect_err("synth must fail")
}

/// A change to the seed's inputs.
type Change = dyn Fn(&mut EventSourcingPlatformProps);

#[test]
fn bad_input_is_an_error_naming_the_modules_input() {
    let cases: Vec<(Box<Change>, &str)> = vec![
        (
            Box::new(|p| p.environment_name = "a".repeat(48)),
            "environment_name: makes the Atlas cluster name",
        ),
        (
            Box::new(|p| p.environment_name = "Prod_1".into()),
            "environment_name: `Prod_1` is not lower-case letters",
        ),
        (
            Box::new(|p| {
                let d = p.destination_endpoints_to_descriptions[0].clone();
                p.destination_endpoints_to_descriptions.push(d);
            }),
            "destination_endpoints_to_descriptions: the path `/projections/users` is given twice",
        ),
        (
            Box::new(|p| p.backend_application_domain_prefix = "".into()),
            "backend_application_domain_prefix: the frontend and the backend would both be `example.com`",
        ),
        (
            Box::new(|p| p.from_email = "notifications@other.org".into()),
            "from_email: `notifications@other.org` is not in the top-level domain `example.com`",
        ),
        (
            Box::new(|p| p.backend_image = "".into()),
            "backend_image: the image tag is empty",
        ),
        (
            Box::new(|p| p.region = "us-east".into()),
            "region: `us-east` is not an AWS region",
        ),
        (
            Box::new(|p| p.frontend_application_port = 0),
            "frontend_application_port: port 0 cannot be listened on",
        ),
    ];
    for (change, expected) in cases {
        let mut props = seed();
        change(&mut props);
        let e = error_of(props);
        assert!(e.contains(expected), "expected `{expected}` in:\n{e}");
        assert!(e.contains("  fix: "), "{e}");
    }
}

#[test]
fn a_variable_the_platform_sets_cannot_be_given_again() {
    let mut props = seed();
    props.backend_environment_variables = vec![EnvVar::new("EVENT_STORE_HOST", "elsewhere")];
    let e = error_of(props);
    assert!(e.contains("EVENT_STORE_HOST"), "{e}");
}

#[test]
fn no_alert_addresses_is_a_warning_not_an_error() {
    let mut props = seed();
    props.emails_for_alerts.clear();
    let all = synth(props).unwrap();
    let warnings: Vec<String> = all
        .iter()
        .flat_map(|s| s.warnings.iter().map(ToString::to_string))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("emails_for_alerts is empty")),
        "{warnings:?}"
    );
}

#[test]
fn the_free_tier_is_m0_without_backup() {
    let mut props = seed();
    props.mongodbatlas_free_tier = true;
    let all = synth(props).unwrap();
    let data = stack(&all, "-PlatformData");
    let (_, cluster) = of_type(data, "MongoDB::Atlas::Cluster").remove(0);
    assert!(
        cluster.to_string().contains("\"M0\""),
        "{}",
        cluster["Properties"]
    );
    assert!(of_type(data, "MongoDB::Atlas::CloudBackupSchedule").is_empty());
}
