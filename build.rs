//! Links the `escdk` program as a position-dependent executable on Linux (glibc): a synth
//! process is short, and a position-independent one spends a tenth of its life before
//! `main`, applying some 25,000 relocations to the generated schema tables (measured in
//! BENCHMARKS.md). The stack, heap and libraries are still placed at random addresses;
//! only the program's own image is not (as Go links its programs on Linux by default).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
