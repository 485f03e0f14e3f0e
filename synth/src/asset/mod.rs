//! File assets: directories (Lambda handler code) that deploy zips and uploads.
//!
//! At synth an asset is named by the SHA-256 of its contents, computed from the sorted
//! relative paths and bytes of its files, so the same files give the same key whatever the
//! modification times, the walk order or the machine. `__pycache__` folders, `*.pyc` files
//! and hidden files are left out (they are build noise, not source). A file's executable bit
//! is part of the asset (packaged as 0755); a symbolic link to a file is packaged as the
//! file, and one to a directory or to nothing is an error that names it. The template refers to
//! `assets/<hash>.zip` in the bootstrap bucket; the absolute path never enters a template.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

pub mod cache;

/// The bucket `bootstrap` creates, per account and region.
pub const ASSET_BUCKET: &str = "escdk-assets-${AWS::AccountId}-${AWS::Region}";

/// A directory asset of a stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Construct path of whatever uses it.
    pub path: String,
    pub source: PathBuf,
    /// Hex SHA-256 of the contents.
    pub hash: String,
}

impl Asset {
    /// The object key in the asset bucket.
    pub fn key(&self) -> String {
        format!("assets/{}.zip", self.hash)
    }
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "__pycache__" || name.ends_with(".pyc")
}

fn collect(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if skipped(&name) {
            continue;
        }
        let rel_name = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(&entry.path(), &rel_name, out)?;
        } else if kind.is_file() {
            out.push((rel_name, entry.path()));
        } else if kind.is_symlink() {
            // A link to a file is packaged as that file's content; a link to a directory
            // (which may loop) or to nothing is refused, saying which.
            match std::fs::metadata(entry.path()) {
                Ok(m) if m.is_file() => out.push((rel_name, entry.path())),
                Ok(_) => {
                    return Err(std::io::Error::other(format!(
                        "`{rel_name}` is a symbolic link to a directory, which assets do not follow: copy the directory in, or move the code"
                    )))
                }
                Err(_) => {
                    return Err(std::io::Error::other(format!(
                        "`{rel_name}` is a symbolic link to nothing: remove it or point it at a file"
                    )))
                }
            }
        }
    }
    Ok(())
}

/// The files of an asset directory, sorted by relative path (`/`-separated).
pub fn files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    collect(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// Whether a file is executable (by anyone): packaged with mode 0755, else 0644.
pub fn executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| mode_executable(&m))
}

fn mode_executable(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Reads every file of an asset directory once, in order, giving `each` its relative path,
/// whether it is executable and its bytes, and returns the directory's content hash: the
/// one walk both synth (naming) and deploy (packaging) use, so what is uploaded is exactly
/// what was hashed.
pub fn read_files(
    dir: &Path,
    each: impl FnMut(&str, bool, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<String> {
    read_listed(&listed(dir)?, each)
}

/// The files of `dir`, or an error when it holds none.
fn listed(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let list = files(dir)?;
    if list.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the directory holds no files",
        ));
    }
    Ok(list)
}

fn read_listed(
    list: &[(String, PathBuf)],
    mut each: impl FnMut(&str, bool, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for (rel, path) in list {
        // One open for the bytes and the mode.
        let mut file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        let exec = mode_executable(&meta);
        h.update(rel.as_bytes());
        h.update([0, u8::from(exec)]);
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(&bytes);
        each(rel, exec, &bytes)?;
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    Ok(h.finalize()
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]])
        .map(char::from)
        .collect())
}

/// The content hash of a directory: [`read_files`]' hash, taken from the [`cache`] when
/// no file of the directory changed since it was recorded (and once per process for each
/// directory).
pub fn hash_dir(dir: &Path) -> std::io::Result<String> {
    static SEEN: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);
    if let Ok(guard) = SEEN.lock() {
        if let Some(hit) = guard.as_ref().and_then(|m| m.get(dir)) {
            return Ok(hit.clone());
        }
    }
    let (hash, _) = cache::with(|c| hash_with(dir, c, cache::SETTLED))?;
    if let Ok(mut guard) = SEEN.lock() {
        guard
            .get_or_insert_with(HashMap::new)
            .insert(dir.to_path_buf(), hash.clone());
    }
    Ok(hash)
}

/// The content hash of `dir`, from `cache` when its files stat as recorded there (then
/// `true`), else read and recorded when `settled` (see [`cache`]). The stamps are taken
/// before the files are read.
fn hash_with(
    dir: &Path,
    cache: &mut cache::Cache,
    settled: std::time::Duration,
) -> std::io::Result<(String, bool)> {
    let list = listed(dir)?;
    let read = || read_listed(&list, |_, _, _| Ok(()));
    let Some(stamps) = cache::stamps(&list) else {
        return Ok((read()?, false));
    };
    if let Some(hash) = cache.get(&stamps) {
        return Ok((hash.to_string(), true));
    }
    let hash = read()?;
    cache.record(&stamps, &hash, SystemTime::now(), settled);
    Ok((hash, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("escdk-asset-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("pkg")).unwrap();
        d
    }

    #[test]
    fn hash_depends_on_contents_not_on_noise() {
        let a = temp_dir("a");
        std::fs::write(a.join("handler.py"), "print(1)\n").unwrap();
        std::fs::write(a.join("pkg/util.py"), "X = 1\n").unwrap();
        let b = temp_dir("b");
        // Written in the other order, plus a bytecode cache: same asset.
        std::fs::write(b.join("pkg/util.py"), "X = 1\n").unwrap();
        std::fs::write(b.join("handler.py"), "print(1)\n").unwrap();
        std::fs::create_dir_all(b.join("__pycache__")).unwrap();
        std::fs::write(b.join("__pycache__/handler.cpython-312.pyc"), [0u8, 1, 2]).unwrap();
        assert_eq!(hash_dir(&a).unwrap(), hash_dir(&b).unwrap());

        let c = temp_dir("c");
        std::fs::write(c.join("handler.py"), "print(2)\n").unwrap();
        std::fs::write(c.join("pkg/util.py"), "X = 1\n").unwrap();
        assert_ne!(hash_dir(&a).unwrap(), hash_dir(&c).unwrap());
        for d in [a, b, c] {
            let _ = std::fs::remove_dir_all(d);
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_exec_bit_is_part_of_the_asset_and_links_are_followed_or_refused() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let a = temp_dir("mode-a");
        std::fs::write(a.join("run.sh"), "#!/bin/sh\n").unwrap();
        let b = temp_dir("mode-b");
        std::fs::write(b.join("run.sh"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(b.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(executable(&b.join("run.sh")) && !executable(&a.join("run.sh")));
        assert_ne!(hash_dir(&a).unwrap(), hash_dir(&b).unwrap());

        // A link to a file is the file.
        let c = temp_dir("link-file");
        std::fs::write(c.join("real.py"), "X = 1\n").unwrap();
        symlink(c.join("real.py"), c.join("pkg/alias.py")).unwrap();
        let listed: Vec<String> = files(&c).unwrap().into_iter().map(|f| f.0).collect();
        assert_eq!(listed, ["pkg/alias.py", "real.py"]);
        // A link to a directory, or to nothing, is refused by name.
        let d = temp_dir("link-dir");
        std::fs::write(d.join("a.py"), "").unwrap();
        symlink(&d, d.join("pkg/loop")).unwrap();
        let e = files(&d).unwrap_err().to_string();
        assert!(
            e.contains("`pkg/loop` is a symbolic link to a directory"),
            "{e}"
        );
        let n = temp_dir("link-none");
        symlink(n.join("gone.py"), n.join("dangling.py")).unwrap();
        let e = files(&n).unwrap_err().to_string();
        assert!(
            e.contains("`dangling.py` is a symbolic link to nothing"),
            "{e}"
        );
        for dir in [a, b, c, d, n] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// Every kind of change to an asset directory makes the cache miss and the hash be
    /// read afresh; unchanged, a new process takes the hash from the cache file. The
    /// changes are 20 ms apart (more than a clock tick), which [`cache::SETTLED`] stands
    /// for in real use; the test of that rule is the next one.
    #[cfg(unix)]
    #[test]
    fn the_hash_cache_serves_a_directory_only_while_none_of_its_files_changed() {
        use std::os::unix::fs::PermissionsExt;
        let d = temp_dir("cache");
        let file = d.with_extension("hashes");
        let _ = std::fs::remove_file(&file);
        std::fs::write(d.join("handler.py"), "print(1)\n").unwrap();
        std::fs::write(d.join("pkg/util.py"), "X = 1\n").unwrap();
        let uncached = || read_files(&d, |_, _, _| Ok(())).unwrap();
        let hash = |c: &mut cache::Cache| hash_with(&d, c, std::time::Duration::ZERO).unwrap();
        let mut c = cache::Cache::load(Some(file.clone()));
        assert_eq!(hash(&mut c), (uncached(), false));
        let mut c = cache::Cache::load(Some(file.clone()));
        assert_eq!(
            hash(&mut c),
            (uncached(), true),
            "a new process reads the file"
        );

        let handler = d.join("handler.py");
        type Change<'a> = (&'a str, Box<dyn Fn() + 'a>);
        let changes: Vec<Change> = vec![
            (
                "same size, modification time set back",
                Box::new(|| {
                    let before = std::fs::metadata(&handler).unwrap().modified().unwrap();
                    std::fs::write(&handler, "print(2)\n").unwrap();
                    let f = std::fs::File::options().write(true).open(&handler).unwrap();
                    f.set_modified(before).unwrap();
                }),
            ),
            (
                "made executable",
                Box::new(|| {
                    let p = std::fs::Permissions::from_mode(0o755);
                    std::fs::set_permissions(&handler, p).unwrap();
                }),
            ),
            (
                "replaced by a rename, same bytes",
                Box::new(|| {
                    let bytes = std::fs::read(&handler).unwrap();
                    std::fs::write(d.join(".swap"), bytes).unwrap();
                    std::fs::rename(d.join(".swap"), &handler).unwrap();
                }),
            ),
            (
                "a file added",
                Box::new(|| std::fs::write(d.join("pkg/new.py"), "Y = 2\n").unwrap()),
            ),
            (
                "a file removed",
                Box::new(|| std::fs::remove_file(d.join("pkg/util.py")).unwrap()),
            ),
            (
                "a file renamed",
                Box::new(|| std::fs::rename(d.join("pkg/new.py"), d.join("pkg/old.py")).unwrap()),
            ),
        ];
        for (change, apply) in changes {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let before = uncached();
            apply();
            let (h, hit) = hash(&mut c);
            assert!(!hit, "{change}: served from the cache");
            assert_eq!(h, uncached(), "{change}");
            assert_eq!(hash(&mut c), (h, true), "{change}: recorded");
            if change != "replaced by a rename, same bytes" {
                assert_ne!(before, uncached(), "{change} changes the asset");
            }
        }

        // A cache file that is not one is ignored, and replaced.
        std::fs::write(&file, "escdk asset hashes 1\nnot a hash 3\n").unwrap();
        let mut c = cache::Cache::load(Some(file.clone()));
        assert_eq!(hash(&mut c), (uncached(), false));
        let mut c = cache::Cache::load(Some(file.clone()));
        assert_eq!(hash(&mut c), (uncached(), true));
        // With no cache file nothing is kept.
        let mut off = cache::Cache::load(None);
        assert_eq!(hash(&mut off), (uncached(), false));
        assert_eq!(hash(&mut off), (uncached(), false));
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_dir_all(d);
    }

    /// Files written within [`cache::SETTLED`] of the read are not recorded, so a second
    /// write in the same clock tick as the first cannot be mistaken for no change.
    #[cfg(unix)]
    #[test]
    fn files_just_written_are_read_again_until_they_settle() {
        let d = temp_dir("cache-racy");
        let file = d.with_extension("hashes");
        let _ = std::fs::remove_file(&file);
        std::fs::write(d.join("handler.py"), "print(1)\n").unwrap();
        let mut c = cache::Cache::load(Some(file.clone()));
        let first = hash_with(&d, &mut c, cache::SETTLED).unwrap();
        assert!(!first.1);
        // The same second: same size, perhaps the same times.
        std::fs::write(d.join("handler.py"), "print(2)\n").unwrap();
        let second = hash_with(&d, &mut c, cache::SETTLED).unwrap();
        assert_eq!(second, (read_files(&d, |_, _, _| Ok(())).unwrap(), false));
        assert_ne!(first.0, second.0);
        assert!(!file.exists(), "nothing recorded");
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn missing_or_empty_directory_is_an_error() {
        assert!(hash_dir(Path::new("/nonexistent/escdk/handler")).is_err());
        let e = temp_dir("empty");
        std::fs::remove_dir_all(e.join("pkg")).unwrap();
        assert!(hash_dir(&e).is_err());
        let _ = std::fs::remove_dir_all(e);
    }
}
