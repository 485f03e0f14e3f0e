//! Two link settings for the `escdk` program on Linux (glibc), both for a synth process's
//! start-up (measured in BENCHMARKS.md):
//!
//! - position-dependent (`-no-pie`): a position-independent program spends a tenth of its
//!   life before `main` applying some 25,000 relocations to the generated schema tables.
//!   The stack, heap and libraries are still placed at random addresses; only the
//!   program's own image is not (as Go links its programs on Linux by default).
//! - the unwinder linked in (`libgcc_eh.a`) instead of loaded (`libgcc_s.so.1`): loading
//!   the shared library costs some 0.14 ms, most of it its constructor asking the CPU for
//!   its features with `cpuid`, which traps to the hypervisor in a VM (11 µs a time here).
//!   This is what `gcc -static-libgcc` does; Rust asks for `-lgcc_s` by name, so a linker
//!   script of that name in `OUT_DIR` answers `INPUT(-lgcc_eh)`. Panics unwind as before
//!   (`tests/linking.rs` checks a caught one). Done only in a native build whose C
//!   compiler has `libgcc_eh.a`; elsewhere the program loads `libgcc_s.so.1` as usual.
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    if var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static")
    {
        return; // a static program links libgcc_eh.a already
    }
    // Asked of the host's C compiler, so only for a native build.
    if var("TARGET") == var("HOST") && has_static_unwinder(&var("CC")) {
        let out = PathBuf::from(var("OUT_DIR")).join("link");
        let script = out.join("libgcc_s.so");
        let written = std::fs::create_dir_all(&out)
            .and_then(|()| std::fs::write(&script, "INPUT(-lgcc_eh)\n"));
        match written {
            Ok(()) => println!("cargo:rustc-link-search=native={}", out.display()),
            Err(e) => println!(
                "cargo:warning=linking libgcc_s.so.1 as usual: cannot write {}: {e}",
                script.display()
            ),
        }
    }
}

/// Whether the C compiler that links the program has the static unwinder: `cc
/// -print-file-name=libgcc_eh.a` prints an existing path (or the bare name when it has
/// none).
fn has_static_unwinder(cc: &str) -> bool {
    let cc = if cc.is_empty() { "cc" } else { cc };
    Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .is_some_and(|p| p.is_absolute() && Path::new(&p).is_file())
}
