//! With no region or no credentials, the deploy tool says what is missing and how to
//! provide it, before any call (not the SDK's `DispatchFailure { … }` or a guessed region);
//! a stack the app does not have, or a bad option, is reported before either is looked for.

use std::process::Command;

fn deploy_tool(env: &[(&str, &str)]) -> (i32, String) {
    run_tool(&["bootstrap"], env)
}

fn run_tool(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let home = std::env::temp_dir().join(format!("escdk-empty-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_escdk-deploy"));
    c.args(args).env_clear().env("HOME", &home);
    // No config or credentials files, no instance metadata to wait for.
    c.env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if let Ok(path) = std::env::var("PATH") {
        c.env("PATH", path);
    }
    c.envs(env.iter().copied());
    let out = c.output().expect("the deploy tool runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn no_region_says_how_to_set_one() {
    let (code, err) = deploy_tool(&[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("no AWS region is configured\n  fix: pass --region, set AWS_REGION"),
        "{err}"
    );
    assert!(
        !err.contains("us-east-1") && !err.contains("MissingSigningRegion"),
        "{err}"
    );
}

#[test]
fn no_credentials_says_how_to_provide_them() {
    let (code, err) = deploy_tool(&[("AWS_REGION", "eu-west-1")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no AWS credentials were found"), "{err}");
    assert!(
        err.contains("fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        "{err}"
    );
    assert!(
        !err.contains("DispatchFailure") && !err.contains("FailedToLoadToken"),
        "{err}"
    );
}

#[test]
fn an_unknown_stack_or_a_bad_option_is_reported_before_region_and_credentials() {
    let dir = std::env::temp_dir().join(format!("escdk-unknown-stack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Orders.template.json"), r#"{"Resources":{}}"#).unwrap();
    let assembly = dir.to_str().unwrap();
    for verb in ["deploy", "diff", "destroy"] {
        // No region, no credentials: had the tool looked for them first, it would say so.
        let (code, err) = run_tool(&["--assembly", assembly, verb, "Ordres"], &[]);
        assert_eq!(code, 1, "{verb}: {err}");
        assert!(
            err.contains(
                "the app has no stack named `Ordres` (it has: Orders)\n  fix: name one of those"
            ),
            "{verb}: {err}"
        );
    }
    // So are bad options.
    for (args, says) in [
        (&["--tags", "team"][..], "tag `team` is not KEY=VALUE"),
        (
            &["--concurrency", "0"][..],
            "--concurrency 0 deploys nothing",
        ),
        (&["--parameters", "NoValue"][..], "NoValue"),
    ] {
        let all: Vec<&str> = ["--assembly", assembly, "deploy", "Orders"]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        let (code, err) = run_tool(&all, &[]);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains(says) && !err.contains("region"),
            "{args:?}: {err}"
        );
    }
    // A stack it has gets past the check, to the missing region.
    let (_, err) = run_tool(&["--assembly", assembly, "diff", "Orders"], &[]);
    assert!(err.contains("no AWS region is configured"), "{err}");
}

#[test]
fn an_assembly_of_yaml_templates_is_named_as_such() {
    let dir = std::env::temp_dir().join(format!("escdk-yaml-assembly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stack = escdk_synth::Stack::new("Orders");
    stack
        .root()
        .add("Q", escdk_synth::cfn::sqs::CfnQueue::default());
    let synthesized = stack.synth().unwrap();
    escdk_synth::assembly::write(&dir, &[synthesized], escdk_synth::assembly::Format::Yaml)
        .unwrap();
    let assembly = dir.to_str().unwrap();
    for verb in ["deploy", "diff", "destroy"] {
        let (code, err) = run_tool(&["--assembly", assembly, verb], &[]);
        assert_eq!(code, 1, "{verb}: {err}");
        assert!(
            err.contains("holds the template of `Orders` as YAML (synth --format yaml); deploy, diff and destroy read JSON templates"),
            "{verb}: {err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
