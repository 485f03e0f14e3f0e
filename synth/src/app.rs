//! The app: the stacks a program defines, synthesized together.

use crate::diagnostics::{Diagnostic, SynthError};
use crate::stack::{Stack, Synthesized};
use std::process::ExitCode;

/// A set of stacks. A program builds one and hands it to [`App::run`], which is the CLI.
///
/// ```
/// use escdk_synth::{App, Stack};
/// let mut app = App::new();
/// app.add_stack(Stack::new("Empty"));
/// assert_eq!(app.stack_names(), vec!["Empty"]);
/// ```
#[derive(Default)]
pub struct App {
    stacks: Vec<Stack>,
}

impl App {
    pub fn new() -> Self {
        App::default()
    }

    /// Adds a stack; stack names must be unique (checked at synth).
    pub fn add_stack(&mut self, stack: Stack) -> &mut Stack {
        self.stacks.push(stack);
        let last = self.stacks.len() - 1;
        &mut self.stacks[last]
    }

    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    pub fn stack_names(&self) -> Vec<&str> {
        self.stacks.iter().map(Stack::name).collect()
    }

    /// Synthesizes the named stacks (all of them when `names` is empty). Every stack is
    /// validated; if any has an error, all errors are returned and nothing is produced.
    pub fn synth(&self, names: &[String]) -> Result<Vec<Synthesized>, SynthError> {
        let mut diagnostics = Vec::new();
        for (i, s) in self.stacks.iter().enumerate() {
            if self.stacks[..i].iter().any(|o| o.name() == s.name()) {
                diagnostics.push(Diagnostic::error(
                    s.name(),
                    format!("two stacks are named `{}`", s.name()),
                    "give each stack its own name",
                ));
            }
        }
        for n in names {
            if !self.stacks.iter().any(|s| s.name() == n) {
                diagnostics.push(Diagnostic::error(
                    n.as_str(),
                    format!("no stack is named `{n}`"),
                    format!("choose one of: {}", self.stack_names().join(", ")),
                ));
            }
        }
        let mut out = Vec::new();
        for s in &self.stacks {
            if !names.is_empty() && !names.iter().any(|n| n == s.name()) {
                continue;
            }
            match s.synth() {
                Ok(t) => out.push(t),
                Err(e) => diagnostics.extend(e.diagnostics),
            }
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.sort_by_key(|d| d.severity);
            return Err(SynthError { diagnostics });
        }
        Ok(out)
    }

    /// Runs the command line (`synth`, `list`) on this app with the process's arguments.
    pub fn run(self) -> ExitCode {
        let args: Vec<String> = std::env::args().collect();
        let code = crate::cli::run(&self, &args, &mut std::io::stdout(), &mut std::io::stderr());
        ExitCode::from(code)
    }
}
