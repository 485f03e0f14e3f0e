//! The default app: `cargo run -- synth` prints the example stacks' templates.
//! Your own app is the same three lines around your own stacks (see README.md).

// A synth process allocates many small blocks and exits (BENCHMARKS.md).
#[global_allocator]
static ALLOC: escdk_alloc::SynthAlloc = escdk_alloc::SynthAlloc::new();

fn main() -> std::process::ExitCode {
    escdk_examples::app().run()
}
