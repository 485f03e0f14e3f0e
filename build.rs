//! Link settings for the `escdk` program on Linux, all for a synth process's start-up
//! (measured in BENCHMARKS.md). With glibc:
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
//!
//! With glibc and with musl, the functions a synth runs laid out together
//! (`symbol-order/<target>.txt`, written by `scripts/symbol-order`): about 1 MB of the
//! program's 4 MB of code, which the recipe's synth otherwise touches in 38 places, a page
//! fault each, instead of 13. Only in a release build linked by the Rust toolchain's own
//! `lld`, which reads the file ([`symbol_order`]); a name the program no longer has is
//! passed over (a stale file makes the layout less compact, nothing else).
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" {
        return;
    }
    symbol_order(&var);
    if var("CARGO_CFG_TARGET_ENV") != "gnu" {
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

/// Asks the linker to lay out the functions `symbol-order/<target>.txt` names first, in its
/// order, in a release build (whose symbol names the file holds) linked by the Rust
/// toolchain's `lld`, which reads the file: the default linker for
/// `x86_64-unknown-linux-gnu` from Rust 1.90 on; for `x86_64-unknown-linux-musl`, whose
/// default is the C compiler's `ld`, the same `lld` is named here (`-fuse-ld=lld` from the
/// toolchain's `gcc-ld` directory) when the toolchain has it. Left alone when a linker is
/// chosen (`target.<triple>.linker`, which cargo passes as `RUSTC_LINKER`, or a flag: `-C
/// linker`, `-C linker-features`, `-C link-self-contained`, `-fuse-ld`).
fn symbol_order(var: &dyn Fn(&str) -> String) {
    let target = var("TARGET");
    let file = PathBuf::from(var("CARGO_MANIFEST_DIR"))
        .join("symbol-order")
        .join(format!("{target}.txt"));
    println!("cargo:rerun-if-changed={}", file.display());
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let chosen = !var("RUSTC_LINKER").is_empty()
        || ["linker", "link-self-contained", "fuse-ld"]
            .iter()
            .any(|f| flags.contains(f));
    // Built on x86-64 Linux only (for glibc or musl): how a cross build links is the cross
    // toolchain's business.
    let native = var("HOST") == "x86_64-unknown-linux-gnu";
    if var("PROFILE") != "release" || !file.is_file() || chosen || !native {
        return;
    }
    let rustc = var("RUSTC");
    let rustc = if rustc.is_empty() { "rustc" } else { &rustc };
    let ask = |arg: &str| {
        Command::new(rustc)
            .arg(arg)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = ask("--version");
    let minor = version
        .strip_prefix("rustc 1.")
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if minor.is_none_or(|m| m < 90) {
        return;
    }
    match target.as_str() {
        "x86_64-unknown-linux-gnu" => {}
        "x86_64-unknown-linux-musl" => {
            let gcc_ld = PathBuf::from(ask("--print=sysroot"))
                .join("lib/rustlib")
                .join(var("HOST"))
                .join("bin/gcc-ld");
            if !gcc_ld.join("ld.lld").is_file() {
                return;
            }
            println!("cargo:rustc-link-arg-bins=-fuse-ld=lld");
            println!("cargo:rustc-link-arg-bins=-B{}", gcc_ld.display());
        }
        _ => return,
    }
    println!(
        "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
        file.display()
    );
    println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
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
