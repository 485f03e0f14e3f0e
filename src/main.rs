//! The default app: `cargo run -- synth` prints the example stacks' templates.
//! Your own app is the same lines around your own stacks (see README.md).
// Started without the Rust runtime's start-up, a tenth of a synth process (the
// `escdk_synth::entry` module says what that changes).
#![cfg_attr(not(test), no_main)]

// A synth process allocates many small blocks and exits (BENCHMARKS.md).
#[global_allocator]
static ALLOC: escdk_alloc::SynthAlloc = escdk_alloc::SynthAlloc::new();
// In a release build for musl, memcpy and memcmp for short strings instead of musl's
// (the crate's documentation); elsewhere nothing.
use escdk_mem as _;

escdk_synth::main!(escdk_examples::app());
