//! Reads what `synth --out DIR` wrote: `<Stack>.template.json` and `<Stack>.assets.json`.

use crate::error::DeployError;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct StackArtifact {
    pub name: String,
    pub template: Value,
    /// The template as written (what is deployed, byte for byte).
    pub body: String,
    pub assets: Vec<AssetEntry>,
}

/// An asset directory and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetEntry {
    pub source: PathBuf,
    pub sha256: String,
    pub key: String,
}

impl StackArtifact {
    /// The construct path of a resource (from its `escdk:path` metadata), or its logical ID.
    pub fn path_of(&self, logical_id: &str) -> String {
        self.template
            .pointer(&format!("/Resources/{logical_id}/Metadata/escdk:path"))
            .and_then(Value::as_str)
            .map_or_else(|| logical_id.to_string(), str::to_string)
    }

    pub fn resource_count(&self) -> usize {
        self.template["Resources"]
            .as_object()
            .map_or(0, |m| m.len())
    }
}

fn read(path: &Path) -> Result<String, DeployError> {
    std::fs::read_to_string(path)
        .map_err(|e| DeployError::Assembly(format!("cannot read {}: {e}", path.display())))
}

/// Loads the named stacks (all when `names` is empty) from `dir`, in name order.
pub fn load(dir: &Path, names: &[String]) -> Result<Vec<StackArtifact>, DeployError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| DeployError::Assembly(format!("cannot read {}: {e}", dir.display())))?;
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".template.json")
                .map(str::to_string)
        })
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(DeployError::Assembly(format!(
            "{} holds no synthesized stacks",
            dir.display()
        )));
    }
    for n in names {
        if !found.contains(n) {
            return Err(DeployError::Assembly(format!(
                "no stack `{n}` in {} (there are: {})",
                dir.display(),
                found.join(", ")
            )));
        }
    }
    let mut out = Vec::new();
    for name in found
        .into_iter()
        .filter(|n| names.is_empty() || names.contains(n))
    {
        let body = read(&dir.join(format!("{name}.template.json")))?;
        let template: Value = serde_json::from_str(&body)
            .map_err(|e| DeployError::Assembly(format!("{name}.template.json is not JSON: {e}")))?;
        let manifest_path = dir.join(format!("{name}.assets.json"));
        let assets = if manifest_path.exists() {
            let manifest: Value = serde_json::from_str(&read(&manifest_path)?).map_err(|e| {
                DeployError::Assembly(format!("{name}.assets.json is not JSON: {e}"))
            })?;
            manifest["assets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| AssetEntry {
                    source: PathBuf::from(a["source"].as_str().unwrap_or_default()),
                    sha256: a["sha256"].as_str().unwrap_or_default().to_string(),
                    key: a["key"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(StackArtifact {
            name,
            template,
            body,
            assets,
        });
    }
    Ok(out)
}
