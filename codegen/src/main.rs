//! `cargo run -p escdk-codegen`: regenerates `synth/src/cfn/` from `synth/schemas/`.
//! `cargo run -p escdk-codegen -- --check` exits non-zero if the committed code is stale.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let check = std::env::args().any(|a| a == "--check");
    let files = match escdk_codegen::generate(&root) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (path, contents) in &files {
        let target = root.join(path);
        let current = std::fs::read_to_string(&target).unwrap_or_default();
        if current == *contents {
            continue;
        }
        if check {
            stale.push(path.clone());
            continue;
        }
        if let Some(dir) = target.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: creating {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(e) = std::fs::write(&target, contents) {
            eprintln!("error: writing {}: {e}", target.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    if !stale.is_empty() {
        eprintln!(
            "error: generated code is stale: {}\n  fix: run `cargo run -p escdk-codegen` and commit the result",
            stale.join(", ")
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
