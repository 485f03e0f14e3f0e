//! The default app: `cargo run -- synth` prints the example stacks' templates.
//! Your own app is the same three lines around your own stacks (see README.md).

fn main() -> std::process::ExitCode {
    escdk_examples::app().run()
}
