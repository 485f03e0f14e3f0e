//! Output is byte-identical from run to run, and logical IDs do not depend on the order in
//! which code adds constructs.

mod support;

use escdk_synth::cfn::sqs::CfnQueue;
use escdk_synth::Stack;

#[test]
fn two_syntheses_are_byte_identical() {
    let a = support::example_templates();
    let b = support::example_templates();
    for ((name, ja, _), (_, jb, _)) in a.iter().zip(&b) {
        assert_eq!(ja, jb, "{name} differs between two runs");
    }
}

/// Every stack of the default app, synthesized by the real binary into `out`, from `cwd`.
fn synth_in_a_process(cwd: &std::path::Path, out: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_escdk"))
        .args(["synth", "--out"])
        .arg(out)
        .current_dir(cwd)
        .output()
        .expect("the binary runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn two_processes_in_two_directories_write_the_same_bytes() {
    // Cold caches, another working directory, another output path: the same assembly.
    let base = std::env::temp_dir().join(format!("escdk-determinism-{}", std::process::id()));
    let (cwd_a, cwd_b) = (base.join("a"), base.join("b/c"));
    std::fs::create_dir_all(&cwd_a).unwrap();
    std::fs::create_dir_all(&cwd_b).unwrap();
    let a = synth_in_a_process(&cwd_a, &base.join("out-a"));
    let b = synth_in_a_process(&cwd_b, &base.join("out-b"));
    assert!(
        a.len() >= 9,
        "templates, asset lists and the manifest: {:?}",
        a.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between two processes");
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn reordering_code_changes_nothing() {
    let build = |order: &[&str]| {
        let stack = Stack::new("Order");
        for id in order {
            stack.root().child(id).add("Resource", CfnQueue::default());
        }
        stack.synth().expect("valid").to_json()
    };
    assert_eq!(
        build(&["Alpha", "Beta", "Gamma"]),
        build(&["Gamma", "Alpha", "Beta"])
    );
}

#[test]
fn no_absolute_path_or_machine_detail_in_templates() {
    let root = support::root().display().to_string();
    for (name, json, _) in support::example_templates() {
        assert!(!json.contains(&root), "{name} contains the checkout path");
        assert!(
            !json.contains("/home/") && !json.contains("/tmp/"),
            "{name} contains a local path"
        );
    }
}
