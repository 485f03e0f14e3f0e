//! Reads what `synth --out DIR` wrote: `manifest.json` (the app's stacks in deployment
//! order, with their dependencies, stack tags and termination protection),
//! `<Stack>.template.json` and `<Stack>.assets.json`. Only the stacks the manifest lists are
//! acted on, so a stack removed from the app is never deployed or destroyed by accident.

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
    /// Stacks deployed before this one (it imports from them).
    pub dependencies: Vec<String>,
    /// Stack tags from the app (`Tags::of(stack root)`).
    pub tags: Vec<(String, String)>,
    pub termination_protection: bool,
    /// The account the app pinned the stack to (`StackProps::env`), if any.
    pub account: Option<String>,
    /// The region the app pinned the stack to (`StackProps::env`), if any.
    pub region: Option<String>,
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

/// One stack as the manifest lists it.
struct Listed {
    name: String,
    dependencies: Vec<String>,
    tags: Vec<(String, String)>,
    termination_protection: bool,
    account: Option<String>,
    region: Option<String>,
}

/// The stacks of the manifest, in its (dependency) order; without a manifest (an assembly
/// written by an older escdk), the templates in the directory in name order.
fn listed(dir: &Path) -> Result<Vec<Listed>, DeployError> {
    let manifest = dir.join("manifest.json");
    if manifest.exists() {
        let m: Value = serde_json::from_str(&read(&manifest)?)
            .map_err(|e| DeployError::Assembly(format!("manifest.json is not JSON: {e}")))?;
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        return Ok(m["stacks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some(Listed {
                    name: s["name"].as_str()?.to_string(),
                    dependencies: strings(&s["dependencies"]),
                    tags: s["tags"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect(),
                    termination_protection: s["terminationProtection"].as_bool() == Some(true),
                    account: s["account"].as_str().map(str::to_string),
                    region: s["region"].as_str().map(str::to_string),
                })
            })
            .collect());
    }
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
    Ok(found
        .into_iter()
        .map(|name| Listed {
            name,
            dependencies: Vec::new(),
            tags: Vec::new(),
            termination_protection: false,
            account: None,
            region: None,
        })
        .collect())
}

/// What of its environment the app can pin a stack to (`StackProps::env`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    Region,
    Account,
}

/// Refuses to act on a stack the app pinned to another region than the session's, or to
/// another account than the one the session's credentials belong to (`session` is that
/// region or account), as the CDK does: it would be created where it does not belong,
/// with the pinned account and region written into its ARNs (or, for diff and destroy,
/// not be found).
pub fn check_pinned(
    artifacts: &[StackArtifact],
    pin: Pin,
    session: &str,
) -> Result<(), DeployError> {
    let pinned = |a: &StackArtifact| match pin {
        Pin::Region => a.region.clone(),
        Pin::Account => a.account.clone(),
    };
    let Some((a, theirs)) = artifacts
        .iter()
        .find_map(|a| pinned(a).filter(|p| p != session).map(|p| (a, p)))
    else {
        return Ok(());
    };
    let (stack, session) = (a.name.clone(), session.to_string());
    Err(match pin {
        Pin::Region => DeployError::WrongRegion {
            stack,
            stack_region: theirs,
            session,
        },
        Pin::Account => DeployError::WrongAccount {
            stack,
            stack_account: theirs,
            session,
        },
    })
}

/// Whether any of `artifacts` is pinned to an account: only then is the session's account
/// asked for (one `sts:GetCallerIdentity`), so an environment-agnostic app makes no call.
pub fn pins_an_account(artifacts: &[StackArtifact]) -> bool {
    artifacts.iter().any(|a| a.account.is_some())
}

/// The names of every stack of the app, in deployment order.
pub fn stack_names(dir: &Path) -> Result<Vec<String>, DeployError> {
    Ok(listed(dir)?.into_iter().map(|l| l.name).collect())
}

/// Which stacks a command acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The named stacks and the stacks they depend on (deploy).
    WithDependencies,
    /// The named stacks only.
    Exactly,
}

/// Refuses a name that is not a stack of the app.
fn check_known(all: &[Listed], names: &[String]) -> Result<(), DeployError> {
    match names.iter().find(|n| !all.iter().any(|l| &l.name == *n)) {
        Some(n) => Err(DeployError::UnknownStack {
            name: n.clone(),
            known: all.iter().map(|l| l.name.clone()).collect(),
        }),
        None => Ok(()),
    }
}

/// Loads the named stacks (all when `names` is empty) from `dir`, in deployment order:
/// every stack after the stacks it imports from.
pub fn load(
    dir: &Path,
    names: &[String],
    selection: Selection,
) -> Result<Vec<StackArtifact>, DeployError> {
    let all = listed(dir)?;
    if all.is_empty() {
        return Err(DeployError::Assembly(format!(
            "{} holds no synthesized stacks",
            dir.display()
        )));
    }
    check_known(&all, names)?;
    let mut wanted: Vec<String> = names.to_vec();
    if selection == Selection::WithDependencies {
        let mut i = 0;
        while i < wanted.len() {
            if let Some(l) = all.iter().find(|l| l.name == wanted[i]) {
                for d in &l.dependencies {
                    if !wanted.contains(d) {
                        wanted.push(d.clone());
                    }
                }
            }
            i += 1;
        }
    }
    let mut out = Vec::new();
    for l in all
        .into_iter()
        .filter(|l| names.is_empty() || wanted.contains(&l.name))
    {
        let name = l.name;
        let json = dir.join(format!("{name}.template.json"));
        if !json.exists() && dir.join(format!("{name}.template.yaml")).exists() {
            return Err(DeployError::Assembly(format!(
                "{} holds the template of `{name}` as YAML (synth --format yaml); deploy, diff and destroy read JSON templates",
                dir.display()
            )));
        }
        let body = read(&json)?;
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
            dependencies: l.dependencies,
            tags: l.tags,
            termination_protection: l.termination_protection,
            account: l.account,
            region: l.region,
        });
    }
    Ok(out)
}
