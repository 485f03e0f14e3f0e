//! Generates the typed low-level (L1) resources of `escdk-synth` from the vendored
//! CloudFormation resource provider schemas in `synth/schemas/`.
//!
//! One Rust file per AWS service (`synth/src/cfn/dynamodb.rs`, ...) holds a `Cfn<Name>` struct
//! per resource type, a submodule per resource type with its nested property structs, typed
//! `GetAtt` accessors on the resource's handle (from the schema's read-only properties), and the
//! schema's constraints (lengths, patterns, enums, ranges, item counts, required combinations)
//! compiled into `check` methods so synth validates without loading a JSON Schema engine.
//!
//! The output is deterministic: [`generate`] returns the files as `(relative path, contents)`,
//! the binary writes them, and a test asserts regeneration gives no diff.

pub mod formats;
mod names;
mod patterns;
mod render;
mod schema;
mod simple_rust;

pub use patterns::{
    anchor_pattern, is_anchored, translate_pattern, Anchoring, PatternTranslation, ANCHORING,
    PATTERN_TRANSLATIONS,
};

use std::collections::BTreeMap;
use std::path::Path;

/// One generated file: path relative to the repository root, and its contents.
pub type GeneratedFile = (String, String);

/// Reads `synth/schemas/types.txt` and the schemas it names under `root`, and returns the
/// generated files (the per-service modules and `synth/src/cfn/mod.rs`).
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let schema_dir = root.join("synth/schemas");
    let types = std::fs::read_to_string(schema_dir.join("types.txt"))
        .map_err(|e| format!("reading synth/schemas/types.txt: {e}"))?;
    let version = std::fs::read_to_string(schema_dir.join("VERSION"))
        .map_err(|e| format!("reading synth/schemas/VERSION: {e}"))?;
    let mut by_service: BTreeMap<String, Vec<schema::ResourceModel>> = BTreeMap::new();
    for type_name in types
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let file = schema_dir.join(names::schema_file_name(type_name));
        let text = std::fs::read_to_string(&file).map_err(|e| {
            format!(
                "reading {}: {e} (run scripts/vendor-schemas.py)",
                file.display()
            )
        })?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", file.display()))?;
        let model = schema::ResourceModel::from_schema(type_name, &json)?;
        by_service
            .entry(model.service.clone())
            .or_default()
            .push(model);
    }
    let version = version.trim();
    let mut files = Vec::new();
    let mut patterns = render::Patterns::default();
    for (service, models) in &by_service {
        files.push((
            format!("synth/src/cfn/{service}.rs"),
            render::service_file(version, models, &mut patterns),
        ));
    }
    files.push(("synth/src/cfn/patterns.rs".to_string(), patterns.file()));
    files.push((
        "synth/src/cfn/mod.rs".to_string(),
        render::mod_file(version, &by_service),
    ));
    Ok(files)
}
