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
//! `std::env::args` works as usual (on Linux and macOS the C library hands the arguments
//! to the standard library before any `main`; on Windows it reads them from the system).

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
        pub extern "C" fn main(
            _argc: ::std::ffi::c_int,
            _argv: *const *const ::std::ffi::c_char,
        ) -> ::std::ffi::c_int {
            $crate::entry::run(|| $app)
        }
    };
}

/// Prepares the process as the runtime would (the table above), runs the app's CLI and
/// returns the exit code: what [`main!`](crate::main) calls.
pub fn run(app: impl FnOnce() -> App) -> i32 {
    start_up();
    let code = match catch_unwind(AssertUnwindSafe(|| app().run_code())) {
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
}
