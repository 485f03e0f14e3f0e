//! A synth program's entry point without the Rust runtime's start-up: [`main!`](crate::main).
//!
//! Before a Rust `main` runs, the runtime prepares the process for a long life, which a
//! synth process (a few milliseconds) does not have: it asks the C library for the main
//! thread's stack (glibc reads and parses `/proc/self/maps` for it), maps an alternate
//! signal stack and installs handlers that report a stack overflow by name, and names the
//! thread. On the project machine that costs a program that prints a line 0.1 ms, and
//! this repository's program 0.1 to 0.15 ms (BENCHMARKS.md).
//! A program whose root declares `#![cfg_attr(not(test), no_main)]` and calls
//! `escdk_synth::main!(...)` skips it; what the runtime does that matters to a
//! command-line tool is done here:
//!
//! | the runtime's start-up | here |
//! |---|---|
//! | `SIGPIPE` ignored: a write to a closed pipe is an error the write returns | the same |
//! | a closed standard descriptor (0, 1, 2) reopened on `/dev/null`, so no file opened later takes its number | the same |
//! | standard output flushed at exit | the same |
//! | a panic prints its message and exits with 101 | the same |
//! | a stack overflow reported as `thread 'main' has overflowed its stack` | a plain `SIGSEGV` |
//! | the main thread named `main` in panic messages | `<unnamed>` |
//!
//! The command line is read from the C `main`'s `argv` on Unix: `std::env::args` is empty
//! in a `no_main` program on every C library but glibc (musl hands the arguments to the
//! standard library only through the runtime's start-up), so a statically linked musl
//! build would otherwise see no arguments at all. Elsewhere (Windows) it comes from
//! `std::env::args_os`, as the system keeps it. An argument that is not UTF-8 is an error
//! that names it (exit 2), not a panic.

use crate::App;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The program's C `main`: runs the CLI of the app `$app` builds, without the Rust
/// runtime's start-up (see [`crate::entry`] for what that changes). The crate's root
/// declares `#![cfg_attr(not(test), no_main)]`: without `no_main` there would be two
/// `main`s, and a test build of the program (`cargo test` builds one) keeps the test
/// harness's own.
///
/// ```no_run
/// #![cfg_attr(not(test), no_main)]
///
/// fn app() -> escdk_synth::App {
///     let mut app = escdk_synth::App::new();
///     app.stack("Orders");
///     app
/// }
///
/// escdk_synth::main!(app());
/// ```
#[macro_export]
macro_rules! main {
    ($app:expr) => {
        #[cfg(not(test))]
        #[no_mangle]
        extern "C" fn main(
            argc: ::std::ffi::c_int,
            argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            // SAFETY: the C library calls `main` with its `argc` strings in `argv`.
            unsafe { $crate::entry::run_main(argc, argv, || $app) }
        }
    };
}

/// [`run`] with the command line a C `main` was given: what [`main!`](crate::main) calls.
///
/// # Safety
/// `argv` holds `argc` pointers to NUL-terminated strings, as the C library passes them to
/// `main`.
#[doc(hidden)]
pub unsafe fn run_main(
    argc: std::ffi::c_int,
    argv: *const *const std::ffi::c_char,
    app: impl FnOnce() -> App,
) -> i32 {
    // SAFETY: as the caller promises.
    let args = unsafe { arguments(argc, argv) };
    start_up_and_run(args, app)
}

/// Prepares the process as the runtime would (the table above), runs the app's CLI on the
/// process's arguments (`std::env::args_os`) and returns the exit code.
pub fn run(app: impl FnOnce() -> App) -> i32 {
    start_up_and_run(std::env::args_os().collect(), app)
}

#[cfg(unix)]
unsafe fn arguments(
    argc: std::ffi::c_int,
    argv: *const *const std::ffi::c_char,
) -> Vec<std::ffi::OsString> {
    use std::os::unix::ffi::OsStrExt;
    let n = usize::try_from(argc).unwrap_or(0);
    (0..n)
        .map(|i| {
            // SAFETY: `argv[i]` for `i < argc` is a NUL-terminated string (the caller's promise).
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            std::ffi::OsStr::from_bytes(arg.to_bytes()).to_os_string()
        })
        .collect()
}

#[cfg(not(unix))]
unsafe fn arguments(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> Vec<std::ffi::OsString> {
    std::env::args_os().collect()
}

/// The arguments as text, or the error for the first that is not UTF-8 (which no stack
/// name, context value or path escdk takes can need).
fn text(args: Vec<std::ffi::OsString>) -> Result<Vec<String>, String> {
    args.into_iter()
        .enumerate()
        .map(|(i, a)| {
            a.into_string().map_err(|a| {
                format!(
                    "error: argument {i} ({}) is not UTF-8: give stack names, context values and paths as UTF-8 text",
                    a.to_string_lossy()
                )
            })
        })
        .collect()
}

fn start_up_and_run(args: Vec<std::ffi::OsString>, app: impl FnOnce() -> App) -> i32 {
    start_up();
    let args = match text(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return 2;
        }
    };
    let code = match catch_unwind(AssertUnwindSafe(|| app().run_code(args))) {
        Ok(code) => i32::from(code),
        // The panic hook has printed the message (and a backtrace when asked).
        Err(_) => 101,
    };
    // The runtime flushes standard output when `main` returns; a C `main` returns to the
    // C library, which does not know Rust's buffer.
    let _ = std::io::stdout().flush();
    code
}

#[cfg(unix)]
fn start_up() {
    extern "C" {
        fn signal(signum: std::ffi::c_int, handler: usize) -> usize;
    }
    const SIGPIPE: std::ffi::c_int = 13; // on Linux and on the BSDs, macOS included
    const SIG_IGN: usize = 1;
    // SAFETY: sets the disposition of one signal to "ignore"; no handler code is involved.
    unsafe {
        signal(SIGPIPE, SIG_IGN);
    }
    reopen_closed_standard_descriptors();
}

#[cfg(not(unix))]
fn start_up() {}

/// A file opened takes the lowest free descriptor: while that is 0, 1 or 2, one of the
/// standard ones is closed, and `/dev/null` now stands in for it, for the life of the
/// process and for the programs it runs (the standard library opens files close-on-exec;
/// this one must not be). In the usual case this is one `open` and one `close`.
#[cfg(unix)]
fn reopen_closed_standard_descriptors() {
    use std::os::fd::{AsRawFd, IntoRawFd};
    extern "C" {
        fn fcntl(fd: std::ffi::c_int, cmd: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    const F_SETFD: std::ffi::c_int = 2; // on Linux and on the BSDs, macOS included
    loop {
        let Ok(null) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
        else {
            return;
        };
        if null.as_raw_fd() > 2 {
            return;
        }
        let fd = null.into_raw_fd();
        // SAFETY: clears the descriptor flags (close-on-exec) of a descriptor this owns.
        unsafe {
            fcntl(fd, F_SETFD, 0 as std::ffi::c_int);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_building_the_app_exits_101() {
        // The message is printed (by the panic hook, as in any program).
        assert_eq!(
            run(|| panic!("the app's code failed (this panic is expected)")),
            101
        );
    }

    /// A C `argv` of `args`, and the strings it points into (kept alive by the caller).
    fn c_argv(args: &[&[u8]]) -> (Vec<std::ffi::CString>, Vec<*const std::ffi::c_char>) {
        let owned: Vec<_> = args
            .iter()
            .map(|a| std::ffi::CString::new(*a).unwrap())
            .collect();
        let mut ptrs: Vec<_> = owned.iter().map(|c| c.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        (owned, ptrs)
    }

    fn one_stack() -> App {
        let mut app = App::new();
        app.stack("Orders");
        app
    }

    #[test]
    fn the_command_line_is_argv_not_the_standard_librarys_copy() {
        // The test binary's own arguments (its name, the harness's filters) are not an
        // escdk command line: these exit codes come from `argv` alone, as on musl, where
        // `std::env::args` is empty in a program without the runtime's start-up.
        let (_keep, argv) = c_argv(&[b"escdk", b"list"]);
        assert_eq!(unsafe { run_main(2, argv.as_ptr(), one_stack) }, 0);
        let (_keep, argv) = c_argv(&[b"escdk", b"no-such-verb"]);
        assert_eq!(unsafe { run_main(2, argv.as_ptr(), one_stack) }, 2);
        // `argc` bounds what is read.
        let (_keep, argv) = c_argv(&[b"escdk", b"list", b"--no-such-flag"]);
        assert_eq!(unsafe { run_main(2, argv.as_ptr(), one_stack) }, 0);
    }

    #[test]
    fn an_argument_that_is_not_utf8_is_an_error_naming_it() {
        let (_keep, argv) = c_argv(&[b"escdk", b"synth", b"Ord\xffers"]);
        let args = unsafe { arguments(3, argv.as_ptr()) };
        assert_eq!(args.len(), 3);
        let message = text(args).unwrap_err();
        assert!(
            message.contains("argument 2 (Ord\u{fffd}ers) is not UTF-8"),
            "{message}"
        );
        assert_eq!(unsafe { run_main(3, argv.as_ptr(), one_stack) }, 2);
    }
}
