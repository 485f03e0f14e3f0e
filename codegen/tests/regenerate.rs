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
    // Every generated module is declared, so nothing generated is left out of the build.
    let listed = std::fs::read_dir(root.join("synth/src/cfn"))
        .unwrap()
        .count();
    assert!(listed > 5);
}
