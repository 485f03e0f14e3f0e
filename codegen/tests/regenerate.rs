//! Regenerating the L1 code from the vendored schemas gives exactly the committed files.

use std::path::PathBuf;

#[test]
fn regeneration_gives_no_diff() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = escdk_codegen::generate(&root).expect("generation succeeds");
    assert!(files.len() > 5, "expected one file per service plus mod.rs");
    let mut stale = Vec::new();
    for (path, contents) in files {
        let committed = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        if committed != contents {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo run -p escdk-codegen` and commit"
    );
    // Nothing in synth/src/cfn/ that the generator no longer produces (a type removed
    // from types.txt leaves no orphan module behind).
    let produced: std::collections::BTreeSet<String> = escdk_codegen::generate(&root)
        .unwrap()
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(root.join("synth/src/cfn"))
        .unwrap()
        .map(|e| format!("synth/src/cfn/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    let orphans: Vec<&String> = on_disk.difference(&produced).collect();
    assert!(
        orphans.is_empty(),
        "files the generator no longer produces: {orphans:?}; delete them"
    );
    // Every generated module is declared in mod.rs (the services `pub`, the shared
    // patterns private), so none is left out of the build.
    let module_file = std::fs::read_to_string(root.join("synth/src/cfn/mod.rs")).unwrap();
    for path in &produced {
        let Some(name) = path
            .strip_prefix("synth/src/cfn/")
            .and_then(|f| f.strip_suffix(".rs"))
        else {
            continue;
        };
        if name != "mod" {
            assert!(
                module_file.contains(&format!("mod {name};")),
                "synth/src/cfn/mod.rs does not declare `{name}`"
            );
        }
    }
}
