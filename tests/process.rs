//! The `escdk` program as a process. It starts without the Rust runtime's start-up
//! (`#![no_main]` and `escdk_synth::main!`), so what that start-up did for a command-line
//! tool is done by `escdk_synth::entry`: these check it from outside, on the real binary.
#![cfg(unix)]

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

fn escdk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_escdk"));
    c.current_dir(std::env::temp_dir());
    c
}

#[test]
fn a_reader_that_stops_early_is_not_an_error_and_does_not_kill_the_program() {
    // The platform's services stack is over 100 KB, more than a pipe holds: the program is
    // still writing when the reader has gone. Children of a Rust program get the default
    // SIGPIPE disposition back (the standard library resets it), so a program that did not
    // ignore SIGPIPE itself would die of it here.
    let mut child = escdk()
        .args(["synth", "production-PlatformServices"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"{");
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), None, "killed by a signal: {err}");
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_template_that_cannot_be_written_whole_is_an_error() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = escdk()
        .args(["synth", "EventSourcingRecipe"])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: cannot write to standard output: No space left on device"),
        "{err}"
    );
    assert!(err.contains("fix: "), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_closed_standard_descriptor_is_reopened_on_dev_null() {
    // The deploy verbs run a tool with the program's standard descriptors. Started with
    // its standard output closed, the program must hand the tool `/dev/null` there, not
    // nothing (and not whatever file it opened first, which would take descriptor 1).
    let dir = std::env::temp_dir().join(format!("escdk-process-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("stdout-of-the-tool");
    let tool = dir.join("deploy-tool.sh");
    std::fs::write(
        &tool,
        // Tested before the script opens anything (which would take a closed descriptor).
        "#!/bin/sh\nif [ /proc/$$/fd/1 -ef /dev/null ]; then s=dev-null\nelif [ -e /proc/$$/fd/1 ]; then s=other\nelse s=closed; fi\necho $s > \"$REPORT\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let status = Command::new("/bin/sh")
        .args(["-c", "exec \"$0\" bootstrap >&-"])
        .arg(env!("CARGO_BIN_EXE_escdk"))
        .env("ESCDK_DEPLOY", &tool)
        .env("REPORT", &report)
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let seen = std::fs::read_to_string(&report).unwrap();
    assert_eq!(seen.trim(), "dev-null");
    let _ = std::fs::remove_dir_all(&dir);
}
