//! The app: the stacks a program defines, synthesized together.

use crate::diagnostics::{Diagnostic, SynthError};
use crate::stack::{Stack, StackProps};
use crate::synthesize::{synth_stacks, Synthesized};
use std::process::ExitCode;

/// A set of stacks. A program builds one and hands it to [`App::run`], which is the CLI.
/// Handles of one stack used in another become exports and imports (see
/// [`crate::cross_stack`]).
///
/// ```
/// use escdk_synth::{App, Output, cfn::sqs::CfnQueue};
/// let mut app = App::new();
/// let shared = app.stack("Shared");
/// let queue = shared.root().add("Jobs", CfnQueue { sqs_managed_sse_enabled: Some(true.into()), ..Default::default() });
/// let service = app.stack("Service");
/// service.add_output("JobsUrl", Output::new(queue.reference()));
/// let out = app.synth(&[]).unwrap();
/// assert_eq!(out[1].dependencies, vec!["Shared"]);
/// assert_eq!(out[1].template["Outputs"]["JobsUrl"]["Value"]["Fn::ImportValue"], "Shared:Jobs");
/// assert_eq!(out[0].template["Outputs"]["ExportJobs"]["Export"]["Name"], "Shared:Jobs");
/// ```
#[derive(Default)]
pub struct App {
    stacks: Vec<Stack>,
}

impl App {
    pub fn new() -> Self {
        App::default()
    }

    /// Adds a stack; stack names must be unique (checked at synth). Returns the stack (a
    /// handle: the app and the caller share it).
    pub fn add_stack(&mut self, stack: Stack) -> Stack {
        self.stacks.push(stack.clone());
        stack
    }

    /// A new environment-agnostic stack in this app.
    pub fn stack(&mut self, name: &str) -> Stack {
        self.add_stack(Stack::new(name))
    }

    /// A new stack with options in this app.
    pub fn stack_with(&mut self, name: &str, props: StackProps) -> Stack {
        self.add_stack(Stack::with_props(name, props))
    }

    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    pub fn stack_names(&self) -> Vec<&str> {
        self.stacks.iter().map(Stack::name).collect()
    }

    /// Synthesizes the named stacks (all of them when `names` is empty) and returns them in
    /// dependency order: a stack comes after the stacks it imports from. Every stack of the
    /// app is rendered and its constructs' errors reported (they may import from each
    /// other: what one imports decides what another exports); the named ones and the stacks
    /// they depend on are also finished: rules, references, limits. If any has an error, all
    /// errors are returned and nothing is produced.
    pub fn synth(&self, names: &[String]) -> Result<Vec<Synthesized>, SynthError> {
        self.synth_with_rules(names, crate::rules::Mode::Off)
    }

    /// [`synth`](Self::synth), with the security and best-practice rules run as `rules` says
    /// (the CLI's `synth --rules`, `default` unless told). `synth` alone checks everything
    /// else and runs no rule, as the CDK's `Template.fromStack` runs no cdk-nag: tests of
    /// one construct need not satisfy the pack.
    pub fn synth_with_rules(
        &self,
        names: &[String],
        rules: crate::rules::Mode,
    ) -> Result<Vec<Synthesized>, SynthError> {
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
        let all = match synth_stacks(&self.stacks, rules, names) {
            Ok(all) => all,
            Err(e) => {
                diagnostics.extend(e.diagnostics);
                Vec::new()
            }
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.sort_by_key(|d| d.severity);
            return Err(SynthError { diagnostics });
        }
        Ok(dependency_order(all)
            .into_iter()
            .filter(|s| names.is_empty() || names.contains(&s.stack_name))
            .collect())
    }

    /// Runs the command line (`synth`, `list`, `deploy`, ...) on this app with the
    /// process's arguments.
    pub fn run(self) -> ExitCode {
        let args: Vec<String> = std::env::args().collect();
        let code = crate::cli::run(&self, &args, &mut std::io::stdout(), &mut std::io::stderr());
        ExitCode::from(code)
    }
}

/// Stable topological order: each stack after its dependencies, otherwise as declared.
fn dependency_order(mut all: Vec<Synthesized>) -> Vec<Synthesized> {
    let mut out: Vec<Synthesized> = Vec::with_capacity(all.len());
    while !all.is_empty() {
        let ready = all
            .iter()
            .position(|s| {
                s.dependencies
                    .iter()
                    .all(|d| out.iter().any(|o| &o.stack_name == d))
            })
            .unwrap_or(0);
        out.push(all.remove(ready));
    }
    out
}
