//! Asset packaging: a directory becomes a zip whose bytes depend only on the files' paths
//! and contents (sorted order, fixed timestamps, 0644 or 0755 for executables), so the same files always
//! give the same archive and the same key, on any machine.

use escdk_synth::asset;
use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// A packaged asset directory: the zip and the hash of the files it holds.
pub struct Package {
    pub bytes: Vec<u8>,
    /// The content hash (as synth computes it) of exactly the files zipped.
    pub sha256: String,
}

/// Zips a directory deterministically, hashing each file as it is read (the files
/// `escdk_synth::asset` hashes, in order).
pub fn package(dir: &Path) -> std::io::Result<Package> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let sha256 = asset::read_files(dir, |rel, exec, bytes| {
        let mode = if exec { 0o755 } else { 0o644 };
        writer
            .start_file(rel, options.unix_permissions(mode))
            .map_err(std::io::Error::other)?;
        writer.write_all(bytes)
    })?;
    let bytes = writer.finish().map_err(std::io::Error::other)?.into_inner();
    Ok(Package { bytes, sha256 })
}

/// Refuses an asset whose files are not the ones synth named it after: `found` is the hash
/// of the directory now, `expected` the one in the stack's asset manifest.
pub fn check_unchanged(source: &Path, expected: &str, found: &str) -> Result<(), String> {
    if expected == found {
        return Ok(());
    }
    Err(format!(
        "asset {} changed since synth (synth named it {}, its files now hash to {}): the template would deploy the old code under the new files' name; run synth again (`cargo run -- deploy` synthesizes first), then deploy",
        source.display(),
        short(expected),
        short(found)
    ))
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package_bytes(dir: &Path) -> std::io::Result<Vec<u8>> {
        package(dir).map(|p| p.bytes)
    }

    #[test]
    fn a_package_hashes_exactly_what_synth_hashes() {
        let d = dir("hashed", &[("a.py", "A = 1"), ("lib/b.py", "B = 2")]);
        let p = package(&d).unwrap();
        assert_eq!(p.sha256, asset::hash_dir(&d).unwrap());
        std::fs::write(d.join("lib/b.py"), "B = 3").unwrap();
        let changed = package(&d).unwrap();
        assert_ne!(changed.sha256, p.sha256);
        let refusal = check_unchanged(&d, &p.sha256, &changed.sha256).unwrap_err();
        assert!(refusal.contains("changed since synth"), "{refusal}");
        assert!(check_unchanged(&d, &p.sha256, &p.sha256).is_ok());
    }
    use std::path::PathBuf;

    fn dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let d = std::env::temp_dir().join(format!("escdk-zip-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for (rel, content) in files {
            let p = d.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        d
    }

    #[test]
    fn same_files_give_the_same_bytes_whatever_the_order_and_times() {
        let a = dir("a", &[("b.py", "B"), ("a.py", "A"), ("pkg/c.py", "C")]);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = dir("b", &[("pkg/c.py", "C"), ("a.py", "A"), ("b.py", "B")]);
        std::fs::create_dir_all(b.join("__pycache__")).unwrap();
        std::fs::write(b.join("__pycache__/a.pyc"), "noise").unwrap();
        let (za, zb) = (package_bytes(&a).unwrap(), package_bytes(&b).unwrap());
        assert_eq!(za, zb);
        let c = dir("c", &[("b.py", "B!"), ("a.py", "A"), ("pkg/c.py", "C")]);
        assert_ne!(za, package_bytes(&c).unwrap());
        // And the archive really holds the files.
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(za)).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().to_string())
            .collect();
        assert_eq!(names, ["a.py", "b.py", "pkg/c.py"]);
        for d in [a, b, c] {
            let _ = std::fs::remove_dir_all(d);
        }
    }

    #[cfg(unix)]
    #[test]
    fn executables_keep_their_bit() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir("mode", &[("run.sh", "#!/bin/sh\n"), ("lib.py", "X = 1\n")]);
        std::fs::set_permissions(d.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(package_bytes(&d).unwrap())).unwrap();
        let modes: Vec<(String, u32)> = (0..archive.len())
            .map(|i| {
                let f = archive.by_index(i).unwrap();
                (f.name().to_string(), f.unix_mode().unwrap() & 0o777)
            })
            .collect();
        assert_eq!(
            modes,
            [("lib.py".to_string(), 0o644), ("run.sh".to_string(), 0o755)]
        );
        let _ = std::fs::remove_dir_all(d);
    }
}
