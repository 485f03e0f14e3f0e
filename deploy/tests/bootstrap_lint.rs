//! The bootstrap template is a template we emit too: cfn-lint (with informational checks)
//! reports nothing on it.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_bootstrap_template_passes_cfn_lint() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let lint = std::env::var_os("CFN_LINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/venv/bin/cfn-lint"));
    assert!(
        lint.exists(),
        "cfn-lint not found at {}: run scripts/test, or set CFN_LINT",
        lint.display()
    );
    let file = std::env::temp_dir().join(format!(
        "escdk-bootstrap-{}.template.json",
        std::process::id()
    ));
    std::fs::write(
        &file,
        escdk_deploy::bootstrap::template(30).expect("the bootstrap template synthesizes"),
    )
    .unwrap();
    let out = Command::new(&lint)
        .args(["--include-checks", "I", "--"])
        .arg(&file)
        .output()
        .expect("cfn-lint runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "cfn-lint on the bootstrap template:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
