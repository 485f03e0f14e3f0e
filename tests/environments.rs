//! Stack environments and context: a construct that needs the account and region refuses
//! an environment-agnostic stack, and lookups come from the committed context cache.

use escdk_constructs::ec2::{AvailabilityZones, Vpc, VpcProps};
use escdk_synth::{context, Environment, Pseudo, Stack, StackProps};
use serde_json::json;

fn vpc_in(stack: &Stack, zones: AvailabilityZones) {
    Vpc::new(
        &stack.root(),
        "Network",
        VpcProps {
            zones: 2,
            availability_zones: zones,
            ..VpcProps::default()
        },
    );
}

fn env_stack() -> Stack {
    Stack::with_props(
        "Pinned",
        StackProps {
            env: Environment::new("123456789012", "eu-west-1"),
            termination_protection: true,
            ..StackProps::default()
        },
    )
}

#[test]
fn a_lookup_in_an_environment_agnostic_stack_is_refused() {
    let stack = Stack::new("Anywhere");
    vpc_in(&stack, AvailabilityZones::Lookup);
    let e = stack.synth().unwrap_err().to_string();
    assert!(
        e.contains("error: Anywhere/Network AvailabilityZones: looking up availability zones needs the stack's account and region, and this stack is environment-agnostic"),
        "{e}"
    );
    assert!(e.contains("fix: give the stack an environment"), "{e}");
}

#[test]
fn zones_come_from_the_context_cache_and_a_missing_entry_says_how_to_add_it() {
    let stack = env_stack();
    vpc_in(&stack, AvailabilityZones::Lookup);
    let e = stack.synth().unwrap_err().to_string();
    assert!(
        e.contains("the availability zones of account 123456789012 in eu-west-1 are not in the context cache")
            && e.contains("add \"availability-zones:account=123456789012:region=eu-west-1\": [zone names] to escdk.context.json"),
        "{e}"
    );

    context::set(
        &context::availability_zones_key("123456789012", "eu-west-1"),
        json!(["eu-west-1a", "eu-west-1b"]),
    );
    let stack = env_stack();
    vpc_in(&stack, AvailabilityZones::Lookup);
    let s = stack.synth().expect("zones are known");
    let zones: Vec<&serde_json::Value> = s.template()["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::Subnet")
        .map(|r| &r["Properties"]["AvailabilityZone"])
        .collect();
    assert_eq!(zones.len(), 4);
    assert!(
        zones
            .iter()
            .all(|z| *z == "eu-west-1a" || *z == "eu-west-1b"),
        "{zones:?}"
    );
    assert!(s.termination_protection);
    assert_eq!(s.region.as_deref(), Some("eu-west-1"));
}

#[test]
fn named_zones_must_be_in_the_stacks_region() {
    let stack = env_stack();
    vpc_in(
        &stack,
        AvailabilityZones::Named(vec!["eu-west-1a".into(), "us-east-1b".into()]),
    );
    let e = stack.synth().unwrap_err().to_string();
    assert!(
        e.contains("zone `us-east-1b` is not in the stack's region `eu-west-1`"),
        "{e}"
    );
}

#[test]
fn region_and_account_are_literals_only_when_the_stack_has_them() {
    assert_eq!(env_stack().region(), escdk_synth::Json::from("eu-west-1"));
    assert_eq!(
        Stack::new("Anywhere").region(),
        escdk_synth::Json::from(Pseudo::Region)
    );
}
