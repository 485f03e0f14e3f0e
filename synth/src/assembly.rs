//! The cloud assembly `synth --out DIR` writes and `escdk-deploy` reads:
//! `<Stack>.template.json` (or `.yaml`), `<Stack>.assets.json`, and `manifest.json`, which
//! lists the app's stacks in deployment order with their dependencies, stack tags,
//! termination protection and environment. Deploy acts only on the stacks the manifest
//! lists.
//!
//! Writing is all or nothing: every file that differs from what `DIR` holds is written to a
//! temporary directory inside `DIR` first and moved into place only when all were written;
//! then the files of stacks the app no longer has are removed. A file whose content is
//! unchanged is left as it is (its modification time too), so a synth that changes nothing
//! writes nothing.

use crate::asset::Asset;
use crate::synthesize::Synthesized;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";

/// A template format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
    pub fn render(self, s: &Synthesized) -> Cow<'_, str> {
        match self {
            Format::Json => Cow::Borrowed(s.json()),
            Format::Yaml => Cow::Owned(s.to_yaml()),
        }
    }
}

fn asset_manifest(assets: &[Asset]) -> String {
    let list: Vec<serde_json::Value> = assets
        .iter()
        .map(|a| {
            serde_json::json!({
                "path": a.path,
                "source": a.source.display().to_string(),
                "sha256": a.hash,
                "key": a.key(),
            })
        })
        .collect();
    crate::json_text::pretty(&serde_json::json!({ "assets": list }).into())
}

/// The manifest of `stacks` (in the order given, which is dependency order).
pub fn manifest(stacks: &[Synthesized], format: Format) -> String {
    let list: Vec<serde_json::Value> = stacks
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.stack_name,
                "template": format!("{}.template.{}", s.stack_name, format.ext()),
                "assets": format!("{}.assets.json", s.stack_name),
                "dependencies": s.dependencies,
                "tags": s.tags,
                "terminationProtection": s.termination_protection,
                "account": s.account,
                "region": s.region,
            })
        })
        .collect();
    crate::json_text::pretty(&serde_json::json!({ "version": 1, "stacks": list }).into())
}

fn ours(name: &str) -> bool {
    name == MANIFEST
        || name.ends_with(".template.json")
        || name.ends_with(".template.yaml")
        || name.ends_with(".assets.json")
}

/// Writes the assembly of `stacks` to `dir` (created if needed); returns the template
/// paths. On an error nothing in `dir` has changed.
pub fn write(dir: &Path, stacks: &[Synthesized], format: Format) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut files: Vec<(String, Cow<'_, str>)> = Vec::new();
    for s in stacks {
        files.push((
            format!("{}.template.{}", s.stack_name, format.ext()),
            format.render(s),
        ));
        files.push((
            format!("{}.assets.json", s.stack_name),
            Cow::Owned(asset_manifest(&s.assets)),
        ));
    }
    files.push((MANIFEST.to_string(), Cow::Owned(manifest(stacks, format))));
    let mut buf = vec![0u8; 8192];
    let changed: Vec<&(String, Cow<'_, str>)> = files
        .iter()
        .filter(|(name, body)| !holds(&dir.join(name), body.as_bytes(), &mut buf))
        .collect();
    let keep: Vec<&String> = files.iter().map(|(n, _)| n).collect();
    let stale: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    ours(&name) && !keep.contains(&&name)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    if !changed.is_empty() {
        replace(dir, &changed)?;
    }
    for path in stale {
        let _ = std::fs::remove_file(path);
    }
    Ok(stacks
        .iter()
        .map(|s| dir.join(format!("{}.template.{}", s.stack_name, format.ext())))
        .collect())
}

/// Whether the file at `path` holds exactly `body`, read in pieces into `buf` (no copy of
/// it is kept; one buffer for every file, zeroed once).
fn holds(path: &Path, body: &[u8], buf: &mut [u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut at = 0;
    loop {
        match file.read(buf) {
            Ok(0) => return at == body.len(),
            Ok(n) if body.get(at..at + n) == Some(&buf[..n]) => at += n,
            Ok(_) | Err(_) => return false,
        }
    }
}

/// Writes `files` to a temporary directory in `dir`, then moves them into place.
fn replace(dir: &Path, files: &[&(String, Cow<'_, str>)]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".escdk-tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp)?;
    let written = files
        .iter()
        .try_for_each(|(name, body)| std::fs::write(tmp.join(name), body.as_bytes()));
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Every target must be replaceable before anything is replaced: a failed synth
    // changes nothing.
    if let Some((name, _)) = files.iter().find(|(name, _)| dir.join(name).is_dir()) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(std::io::Error::other(format!(
            "{} is a directory, not a file this assembly can replace: move it away",
            dir.join(name).display()
        )));
    }
    for (name, _) in files {
        std::fs::rename(tmp.join(name), dir.join(name))?;
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
