//! How the `escdk` program is linked on Linux with glibc (`build.rs`): position-dependent,
//! with the unwinder linked in (`libgcc_eh.a`) rather than loaded (`libgcc_s.so.1`) when
//! the C compiler has it, and panics unwinding all the same. This test binary is linked
//! with the same search path, so its own panics go through the unwinder the program uses.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::Command;

/// What build.rs asks: whether `cc` has the static unwinder.
fn compiler_has_static_unwinder() -> bool {
    let out = Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .expect("cc runs (it links the program)");
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    path.is_absolute() && path.is_file()
}

#[test]
fn the_program_is_position_dependent() {
    let elf = std::fs::read(env!("CARGO_BIN_EXE_escdk")).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    // e_type: 2 is a position-dependent executable, 3 a shared object (a PIE).
    assert_eq!(
        u16::from_le_bytes([elf[16], elf[17]]),
        2,
        "the program is a PIE"
    );
}

#[test]
fn the_program_loads_libgcc_s_only_when_the_compiler_has_no_static_unwinder() {
    let out = Command::new(env!("CARGO_BIN_EXE_escdk"))
        .arg("list")
        .env("LD_DEBUG", "libs")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    let loader = String::from_utf8_lossy(&out.stderr);
    assert!(
        loader.contains("libc.so.6"),
        "LD_DEBUG printed nothing: {loader}"
    );
    assert_eq!(
        loader.contains("libgcc_s.so"),
        !compiler_has_static_unwinder(),
        "{loader}"
    );
}

#[test]
fn this_test_binary_has_the_same_unwinder() {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    assert_eq!(
        maps.contains("libgcc_s.so"),
        !compiler_has_static_unwinder()
    );
}

struct SetOnDrop<'a>(&'a Cell<u32>);
impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[inline(never)]
fn nested(depth: u32, dropped: &Cell<u32>) -> u32 {
    let _guard = SetOnDrop(dropped);
    if depth == 0 {
        panic!("deep enough");
    }
    nested(depth - 1, dropped) + 1
}

#[test]
fn a_panic_unwinds_through_every_frame_and_runs_its_destructors() {
    let dropped = Cell::new(0);
    let caught = catch_unwind(AssertUnwindSafe(|| nested(20, &dropped)));
    let message = caught.expect_err("the panic was caught");
    assert_eq!(message.downcast_ref::<&str>(), Some(&"deep enough"));
    assert_eq!(dropped.get(), 21, "a frame's destructor did not run");
}
