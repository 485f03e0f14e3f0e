//! The CLI as a user runs it: the real binary of the default app.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(&std::env::temp_dir(), args)
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_escdk"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn synth_prints_the_recipe_template() {
    let (code, out, err) = run(&["synth", "EventSourcingRecipe"]);
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(&out).expect("stdout is the JSON template");
    assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
    assert!(t["Resources"].as_object().unwrap().len() > 20);
    // The recipe passes the rule pack: nothing on stderr but a clean summary.
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    let summary = lines[0]
        .strip_prefix("EventSourcingRecipe: rules: ")
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        summary.ends_with(" checked, 0 failed, 0 suppressed") && !summary.starts_with("0 checked"),
        "{err}"
    );
}

#[test]
fn synth_yaml_and_named_stack() {
    let (code, out, err) = run(&["synth", "EventSourcingRecipe", "--format", "yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("AWSTemplateFormatVersion: 2010-09-09")
            || out.starts_with("AWSTemplateFormatVersion: '2010-09-09'"),
        "{}",
        &out[..80]
    );
    let parsed: serde_json::Value = yaml_serde::from_str(&out).expect("valid YAML");
    let (_, json, _) = run(&["synth", "EventSourcingRecipe"]);
    let from_json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, from_json, "YAML and JSON carry the same template");
}

#[test]
fn synth_out_writes_templates_and_asset_manifests() {
    let dir = std::env::temp_dir().join(format!("escdk-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out, err) = run(&["synth", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("EventSourcingRecipe.template.json"), "{err}");
    let template = std::fs::read_to_string(dir.join("EventSourcingRecipe.template.json")).unwrap();
    let (_, printed, _) = run(&["synth", "EventSourcingRecipe"]);
    assert_eq!(template, printed);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("EventSourcingRecipe.assets.json")).unwrap(),
    )
    .unwrap();
    let assets = manifest["assets"].as_array().unwrap();
    assert_eq!(
        assets.len(),
        2,
        "the three handlers share one code directory; the outbox publisher has the library's"
    );
    for a in assets {
        assert!(
            template.contains(a["key"].as_str().unwrap()),
            "the template points at {}",
            a["key"]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn list_and_errors() {
    assert_eq!(
        run(&["list"]),
        (
            0,
            "EventSourcingRecipe\nCqrsUsersOrders\nAtlasActivation\nproduction-PlatformData\nproduction-PlatformServices\n".into(),
            String::new()
        )
    );
    let (code, _, err) = run(&["synth", "NoSuchStack"]);
    assert_eq!(code, 1);
    assert!(err.contains("error: NoSuchStack: no stack is named `NoSuchStack`\n  fix: choose one of: EventSourcingRecipe, CqrsUsersOrders, AtlasActivation, production-PlatformData, production-PlatformServices"), "{err}");
    // A context value without `=` is a usage error, not silently dropped.
    for args in [
        &["synth", "-c", "ambarEgressCidrs", "EventSourcingRecipe"][..],
        &["synth", "--context==x"][..],
        &["deploy", "--context=zones"][..],
        &["deploy", "EventSourcingRecipe", "-c"][..],
    ] {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(
            err.contains("is not KEY=VALUE\n  fix: write it as -c key=value"),
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = run(&["ambar", "emulator-config", "--stack", "NoSuchStack"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error: NoSuchStack: no stack is named `NoSuchStack`\n  fix: choose one of"),
        "{err}"
    );
    let (code, _, err) = run(&["publish"]);
    assert_eq!(code, 2, "unknown verbs are usage errors");
    assert!(err.contains("unrecognized subcommand"), "{err}");
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for verb in ["synth", "list", "bootstrap", "deploy", "diff", "destroy"] {
        assert!(out.contains(verb), "{verb} in --help:\n{out}");
    }
}

#[test]
fn synth_of_several_stacks_writes_them_like_cdk_out() {
    let dir = std::env::temp_dir().join(format!("escdk-cli-default-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (code, out, err) = run_in(&dir, &["synth"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "nothing on stdout when several stacks are written");
    assert!(err.ends_with("5 stacks synthesized to escdk.out/; name one to print its template: synth EventSourcingRecipe\n"), "{err}");
    for stack in [
        "EventSourcingRecipe",
        "CqrsUsersOrders",
        "AtlasActivation",
        "production-PlatformData",
        "production-PlatformServices",
    ] {
        assert!(dir
            .join("escdk.out")
            .join(format!("{stack}.template.json"))
            .is_file());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deploy_verbs_synthesize_then_need_the_deploy_tool() {
    // ESCDK_DEPLOY points nowhere: nothing can be contacted, and the message says what to do.
    let dir = std::env::temp_dir().join(format!("escdk-cli-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_escdk"))
        .args(["deploy", "EventSourcingRecipe"])
        .current_dir(&dir)
        .env("ESCDK_DEPLOY", "/nonexistent/escdk-deploy")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot run /nonexistent/escdk-deploy"),
        "{err}"
    );
    assert!(
        dir.join("escdk.out/EventSourcingRecipe.template.json")
            .is_file(),
        "synthesized before deploying"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sql_prints_the_event_store_schema() {
    let (code, out, err) = run(&["sql", "event-store"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("-- The event store schema (database eventstore)"),
        "{out}"
    );
    assert!(
        out.contains("CREATE TABLE IF NOT EXISTS event_store (")
            && out.contains("CREATE PUBLICATION ambar_publication")
    );
    assert!(
        out.contains("ALTER ROLE replication_user WITH LOGIN PASSWORD :'replication_password';")
    );
    let (code, _, err) = run(&["sql", "nothing"]);
    assert_eq!(code, 1);
    assert!(err.contains("no stack has SQL named `nothing`"), "{err}");
}

#[test]
fn diagram_prints_a_mermaid_flowchart() {
    let (code, out, err) = run(&["diagram", "EventSourcingRecipe"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("flowchart LR\n"), "{out}");
    assert!(out.contains("|grants|"), "{out}");
    let (code, _, err) = run(&["diagram", "NoSuchStack"]);
    assert_eq!(code, 1);
    assert!(err.contains("no stack is named `NoSuchStack`"), "{err}");
}

#[test]
fn synth_out_writes_a_manifest_in_dependency_order_and_removes_stale_stacks() {
    let dir = std::env::temp_dir().join(format!("escdk-cli-manifest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Removed.template.json"), "{}").unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let (code, _, err) = run(&["synth", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let names: Vec<&str> = m["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"EventSourcingRecipe"), "{names:?}");
    assert!(
        !dir.join("Removed.template.json").exists(),
        "a stack the app no longer has"
    );
    assert!(
        dir.join("notes.txt").exists(),
        "files that are not escdk's are left alone"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_escdk"));
    c.args(args).current_dir(std::env::temp_dir());
    for v in [
        "REPLICATION_PASSWORD",
        "AMBAR_HTTP_USERNAME",
        "AMBAR_HTTP_PASSWORD",
        "EVENT_STORE_HOST",
        "EVENT_STORE_PORT",
        "AMBAR_ENDPOINT_BASE_URL",
    ] {
        c.env_remove(v);
    }
    c.envs(env.iter().copied());
    let out = c.output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ambar_emulator_config_is_the_streaming_for_a_local_database() {
    let env = [
        ("REPLICATION_PASSWORD", "local \"pw\""),
        ("AMBAR_HTTP_USERNAME", "user1234"),
        ("AMBAR_HTTP_PASSWORD", "pass5678"),
        ("EVENT_STORE_PORT", "55432"),
    ];
    let (code, out, err) = run_env(&["ambar", "emulator-config"], &env);
    assert_eq!(code, 0, "{err}");
    let config: serde_json::Value = yaml_serde::from_str(&out).expect("the output is YAML");
    let source = &config["data_sources"][0];
    assert_eq!(source["type"], "postgres");
    assert_eq!(source["host"], "localhost");
    assert_eq!(source["port"], 55432, "a number, as the emulator reads it");
    assert_eq!(source["username"], "replication_user");
    assert_eq!(source["password"], "local \"pw\"", "escaped, not broken");
    assert_eq!(source["table"], "event_store");
    assert_eq!(source["serialColumn"], "id");
    assert_eq!(source["partitioningColumn"], "correlation_id");
    assert_eq!(source["columns"].as_array().unwrap().len(), 10);
    let destinations = config["data_destinations"].as_array().unwrap();
    assert_eq!(destinations.len(), 4, "the seed's four endpoints");
    assert_eq!(destinations[0]["type"], "http-push");
    assert_eq!(
        destinations[0]["endpoint"],
        "http://localhost:8080/projections/users"
    );
    assert_eq!(destinations[0]["username"], "user1234");
    assert_eq!(destinations[0]["sources"][0], source["id"]);

    let (code, out, err) = run_env(&["ambar", "emulator-config"], &env[..1]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(
        err.contains(
            "error: the emulator configuration needs AMBAR_HTTP_USERNAME, AMBAR_HTTP_PASSWORD"
        ),
        "{err}"
    );
}

#[test]
fn artifact_verbs_refuse_what_synth_refuses() {
    // Ambar's egress opened to the whole internet: the platform stack does not synthesize,
    // so neither its SQL nor its emulator configuration is printed.
    let bad = "ambarEgressCidrs=[\"0.0.0.0/0\"]";
    let env = [
        ("REPLICATION_PASSWORD", "p"),
        ("AMBAR_HTTP_USERNAME", "u"),
        ("AMBAR_HTTP_PASSWORD", "p"),
    ];
    for verb in [
        &["sql", "event-store"][..],
        &["ambar", "emulator-config"][..],
    ] {
        let args: Vec<&str> = verb.iter().copied().chain(["-c", bad]).collect();
        let (code, out, err) = run_env(&args, &env);
        assert_eq!(code, 1, "{verb:?}: {err}");
        assert_eq!(out, "", "{verb:?} printed although synth failed");
        assert!(
            err.contains("0.0.0.0/0 would open the event store to the whole internet"),
            "{err}"
        );
    }
}

/// A new directory `name` in the temporary directory with the default app synthesized to
/// `out` in it: (the directory, its `out`).
fn synthesized_to_out(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (code, _, err) = run_in(&dir, &["synth", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let out = dir.join("out");
    (dir, out)
}

fn assert_no_temporary_files_in(out: &std::path::Path) {
    let leftovers: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".escdk-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn a_failed_write_changes_nothing_in_the_output_directory() {
    let (dir, out) = synthesized_to_out("escdk-cli-atomic");
    // An earlier assembly, and something in the way of one of the files.
    std::fs::write(out.join("manifest.json"), "earlier").unwrap();
    std::fs::write(out.join("EventSourcingRecipe.template.json"), "earlier").unwrap();
    std::fs::remove_file(out.join("CqrsUsersOrders.template.json")).unwrap();
    std::fs::create_dir_all(out.join("CqrsUsersOrders.template.json/in-the-way")).unwrap();
    let (code, _, err) = run_in(&dir, &["synth", "--out", "out"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("CqrsUsersOrders.template.json is a directory"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("manifest.json")).unwrap(),
        "earlier"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("EventSourcingRecipe.template.json")).unwrap(),
        "earlier"
    );
    assert_no_temporary_files_in(&out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_synth_that_changes_nothing_writes_nothing_and_a_changed_file_is_rewritten() {
    use std::os::unix::fs::MetadataExt;
    let (dir, out) = synthesized_to_out("escdk-cli-unchanged");
    let recipe = out.join("EventSourcingRecipe.template.json");
    let manifest = out.join("manifest.json");
    let stamp = |p: &std::path::Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let (recipe_before, manifest_before) = (stamp(&recipe), stamp(&manifest));
    let recipe_text = std::fs::read_to_string(&recipe).unwrap();

    // The same app again: every file is as it was, not replaced by a copy.
    let (code, _, err) = run_in(&dir, &["synth", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stamp(&recipe),
        recipe_before,
        "an unchanged template was rewritten"
    );
    assert_eq!(
        stamp(&manifest),
        manifest_before,
        "an unchanged manifest was rewritten"
    );

    // A file edited since (same length, one byte different) is put back; the others stay.
    let edited = recipe_text.replacen("2010-09-09", "2010-09-08", 1);
    assert_eq!(edited.len(), recipe_text.len());
    std::fs::write(&recipe, &edited).unwrap();
    let edited_stamp = stamp(&recipe);
    let (code, _, err) = run_in(&dir, &["synth", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&recipe).unwrap(), recipe_text);
    assert_ne!(
        stamp(&recipe),
        edited_stamp,
        "the edited template was not replaced"
    );
    assert_eq!(stamp(&manifest), manifest_before);
    assert_no_temporary_files_in(&out);
    let _ = std::fs::remove_dir_all(&dir);
}
