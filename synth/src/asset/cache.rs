//! The hash cache of asset directories. Synth names an asset by the SHA-256 of its files,
//! and opening, reading and hashing them was a tenth of a small synth's time
//! (BENCHMARKS.md). The cache holds, for each directory hashed before, its hash and the
//! metadata of every file as it was read: device, inode, size, modification and change
//! times to the nanosecond, mode and relative path. A directory whose files all stat the
//! same as recorded is not read again.
//!
//! Why that proves the contents unchanged: writing to a file sets its change time (ctime),
//! which no system call sets back; a chmod sets it too; a rename or an editor's
//! save-by-replace gives another inode; a file added, removed or renamed changes the list.
//! A file's times are only as fine as the kernel's clock tick, so two writes within one
//! tick can leave the same times: an entry is recorded only when every file's times are
//! at least [`SETTLED`] older than the moment its contents were read (git's "racy clean"
//! rule), so no later write can share the recorded times. A file changed while it is read
//! is recorded under its older metadata, which it never has again.
//!
//! The cache is one text file, `asset-hashes`, in `$ESCDK_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/escdk`, else `$HOME/.cache/escdk`; `ESCDK_CACHE_DIR=` (empty) turns it
//! off. It is written whole to a temporary file and renamed over the old one, so a synth
//! running beside another never reads half a cache; a cache that is unreadable or
//! malformed is ignored, and one that cannot be written is skipped: it only saves time.
//! Off Unix there is no cache.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How much older than the read a file's times must be for its hash to be recorded.
pub const SETTLED: Duration = Duration::from_secs(2);
/// The entries kept, most recently recorded first (a few per project).
const KEPT: usize = 256;
const HEADER: &str = "escdk asset hashes 1\n";

/// The metadata of a directory's files, one line per file, in the walk's (sorted) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamps {
    lines: String,
    /// The latest modification or change time of any of the files.
    newest: SystemTime,
}

/// The stamps of these files (relative path, path), or `None` where they cannot be taken
/// (a file gone, a name with a line break, no Unix metadata).
pub fn stamps(files: &[(String, PathBuf)]) -> Option<Stamps> {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::fs::MetadataExt;
        let mut lines = String::with_capacity(files.len() * 96);
        let mut newest = SystemTime::UNIX_EPOCH;
        for (rel, path) in files {
            if rel.contains(['\n', '\r']) {
                return None;
            }
            let m = std::fs::metadata(path).ok()?;
            newest = newest.max(m.modified().ok()?);
            newest = newest.max(ctime(&m)?);
            let _ = writeln!(
                lines,
                "{} {} {} {}.{:09} {}.{:09} {:o} {rel}",
                m.dev(),
                m.ino(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec(),
                m.mode()
            );
        }
        Some(Stamps { lines, newest })
    }
    #[cfg(not(unix))]
    {
        let _ = files;
        None
    }
}

#[cfg(unix)]
fn ctime(m: &std::fs::Metadata) -> Option<SystemTime> {
    use std::os::unix::fs::MetadataExt;
    let secs = u64::try_from(m.ctime()).ok()?;
    let nanos = u32::try_from(m.ctime_nsec()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// A cache file's entries: (hash, stamps' lines), most recent first.
#[derive(Debug, Default)]
pub struct Cache {
    file: Option<PathBuf>,
    entries: Vec<(String, String)>,
}

impl Cache {
    /// The cache in `file` (empty when it is missing or malformed), or one that keeps
    /// nothing when `file` is `None`.
    pub fn load(file: Option<PathBuf>) -> Self {
        let entries = file
            .as_deref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|text| parse(&text))
            .unwrap_or_default();
        Cache { file, entries }
    }

    /// The recorded hash of a directory whose files stat as `stamps`.
    pub fn get(&self, stamps: &Stamps) -> Option<&str> {
        self.entries
            .iter()
            .find(|(_, lines)| *lines == stamps.lines)
            .map(|(hash, _)| hash.as_str())
    }

    /// Records `hash` for `stamps` if every file's times are `settled` older than
    /// `read_at`, the moment the contents were read, and writes the cache file. Returns
    /// whether it was recorded.
    pub fn record(
        &mut self,
        stamps: &Stamps,
        hash: &str,
        read_at: SystemTime,
        settled: Duration,
    ) -> bool {
        let Some(file) = &self.file else { return false };
        let old_enough = read_at
            .checked_sub(settled)
            .is_some_and(|line| stamps.newest <= line);
        if !old_enough || self.get(stamps) == Some(hash) {
            return false;
        }
        self.entries.retain(|(_, lines)| *lines != stamps.lines);
        self.entries
            .insert(0, (hash.to_string(), stamps.lines.clone()));
        self.entries.truncate(KEPT);
        let _ = write_atomically(file, &render(&self.entries));
        true
    }
}

fn parse(text: &str) -> Option<Vec<(String, String)>> {
    let mut rest = text.strip_prefix(HEADER)?;
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let (head, after) = rest.split_once('\n')?;
        let (hash, count) = head.split_once(' ')?;
        let count: usize = count.parse().ok()?;
        let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid || count == 0 {
            return None;
        }
        let mut end = 0;
        for _ in 0..count {
            end += after[end..].find('\n')? + 1;
        }
        entries.push((hash.to_string(), after[..end].to_string()));
        rest = &after[end..];
    }
    Some(entries)
}

fn render(entries: &[(String, String)]) -> String {
    let mut out = String::from(HEADER);
    for (hash, lines) in entries {
        out.push_str(hash);
        out.push(' ');
        out.push_str(&lines.matches('\n').count().to_string());
        out.push('\n');
        out.push_str(lines);
    }
    out
}

fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Where the cache lives (see the module's documentation), or `None` when it is off.
pub fn location() -> Option<PathBuf> {
    let dir = match std::env::var_os("ESCDK_CACHE_DIR") {
        Some(d) if d.is_empty() => return None,
        Some(d) => PathBuf::from(d),
        None => match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
            Some(d) => PathBuf::from(d).join("escdk"),
            None => PathBuf::from(std::env::var_os("HOME").filter(|d| !d.is_empty())?)
                .join(".cache/escdk"),
        },
    };
    Some(dir.join("asset-hashes"))
}

/// The process's cache, loaded at first use.
pub fn with<R>(f: impl FnOnce(&mut Cache) -> R) -> R {
    static CACHE: Mutex<Option<Cache>> = Mutex::new(None);
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(|| Cache::load(location())))
}
