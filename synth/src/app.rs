//! The app: the stacks a program defines, synthesized together.

use crate::diagnostics::{Diagnostic, SynthError};
use crate::stack::{Stack, StackProps};
use crate::synthesize::{synth_stacks, Synthesized};
use std::cell::{Cell, RefCell};

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
/// assert_eq!(out[1].template()["Outputs"]["JobsUrl"]["Value"]["Fn::ImportValue"], "Shared:Jobs");
/// assert_eq!(out[0].template()["Outputs"]["ExportJobs"]["Export"]["Name"], "Shared:Jobs");
/// ```
#[derive(Default)]
pub struct App {
    stacks: RefCell<Vec<Stack>>,
    /// Groups of stacks built when a command first needs one of them.
    groups: RefCell<Vec<Group>>,
    /// What building the groups found wrong (names declared and not built, or built and not
    /// declared).
    group_errors: RefCell<Vec<Diagnostic>>,
    /// Set by [`App::run`]: the process ends with the command, so what it built is left to
    /// the OS to reclaim instead of being freed piece by piece.
    ends_process: Cell<bool>,
}

/// Stacks [`App::on_demand`] builds when a command needs one of them.
struct Group {
    names: Vec<String>,
    build: Box<dyn FnOnce(&mut App)>,
}

impl App {
    pub fn new() -> Self {
        App::default()
    }

    /// Adds a stack; stack names must be unique (checked at synth). Returns the stack (a
    /// handle: the app and the caller share it).
    pub fn add_stack(&mut self, stack: Stack) -> Stack {
        self.stacks.get_mut().push(stack.clone());
        stack
    }

    /// Stacks named `names`, built by `build` only when a command needs one of them:
    /// `synth <name>` of a stack of the group builds this group alone (and the app's other
    /// stacks, built as usual); a command on any other stack, on every stack, or a deploy
    /// verb builds every group. `list` names them without building. The stacks of a group
    /// may use the handles of the app's other stacks, and of each other; no stack outside
    /// the group can use theirs (they do not exist before it is built), so nothing else
    /// depends on them.
    ///
    /// ```
    /// use escdk_synth::{App, cfn::sqs::CfnQueue};
    /// let mut app = App::new();
    /// app.on_demand(&["Queues"], |app| {
    ///     let stack = app.stack("Queues");
    ///     stack.root().add("Jobs", CfnQueue { sqs_managed_sse_enabled: Some(true.into()), ..Default::default() });
    /// });
    /// assert_eq!(app.stack_names(), ["Queues"]);
    /// assert_eq!(app.synth(&["Queues".into()]).unwrap()[0].stack_name, "Queues");
    /// ```
    pub fn on_demand(&mut self, names: &[&str], build: impl FnOnce(&mut App) + 'static) {
        self.groups.get_mut().push(Group {
            names: names.iter().map(|n| n.to_string()).collect(),
            build: Box::new(build),
        });
    }

    /// Builds the groups a command on `names` needs (every group when `names` is empty or
    /// names a stack outside the groups).
    fn prepare(&self, names: &[String]) {
        // A stack outside the groups may be used by a group's stacks (then it exports what
        // they import): every group is built for it, as for an unknown name or for all.
        let only_groups = !names.is_empty()
            && names
                .iter()
                .all(|n| self.groups.borrow().iter().any(|g| g.names.contains(n)));
        let pending: Vec<Group> = {
            let mut groups = self.groups.borrow_mut();
            let all = std::mem::take(&mut *groups);
            let (now, later): (Vec<Group>, Vec<Group>) = all
                .into_iter()
                .partition(|g| !only_groups || g.names.iter().any(|n| names.contains(n)));
            *groups = later;
            now
        };
        for g in pending {
            let mut built = App::new();
            (g.build)(&mut built);
            built.prepare(&[]);
            let stacks = built.stacks.into_inner();
            let mut errors = self.group_errors.borrow_mut();
            errors.extend(built.group_errors.into_inner());
            for n in &g.names {
                if !stacks.iter().any(|s| s.name() == n) {
                    errors.push(Diagnostic::error(
                        n.as_str(),
                        format!(
                            "the group of stacks declared `{n}` but built no stack of that name"
                        ),
                        "name in App::on_demand exactly the stacks its closure adds",
                    ));
                }
            }
            for s in &stacks {
                if !g.names.iter().any(|n| n == s.name()) {
                    errors.push(Diagnostic::error(
                        s.name(),
                        format!(
                            "the group of stacks built `{}`, which it did not declare",
                            s.name()
                        ),
                        format!("add `{}` to the names given to App::on_demand", s.name()),
                    ));
                }
            }
            self.stacks.borrow_mut().extend(stacks);
        }
    }

    /// A new environment-agnostic stack in this app.
    pub fn stack(&mut self, name: &str) -> Stack {
        self.add_stack(Stack::new(name))
    }

    /// A new stack with options in this app.
    pub fn stack_with(&mut self, name: &str, props: StackProps) -> Stack {
        self.add_stack(Stack::with_props(name, props))
    }

    /// Every stack of the app (building the groups not built yet).
    pub fn stacks(&self) -> Vec<Stack> {
        self.prepare(&[]);
        self.stacks.borrow().clone()
    }

    /// Whether the command that runs now is the process's last act ([`App::run`]).
    /// Marks the app as the process's last use of it (its stacks are then left to the OS).
    pub(crate) fn end_process(&self) {
        self.ends_process.set(true);
    }

    pub(crate) fn ends_process(&self) -> bool {
        self.ends_process.get()
    }

    /// The names of the app's stacks, those of groups not built yet included (nothing is
    /// built).
    pub fn stack_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .stacks
            .borrow()
            .iter()
            .map(|s| s.name().to_string())
            .collect();
        for g in self.groups.borrow().iter() {
            names.extend(g.names.iter().cloned());
        }
        names
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
        self.prepare(names);
        let stacks = self.stacks.borrow();
        let mut diagnostics = self.group_errors.borrow().clone();
        for (i, s) in stacks.iter().enumerate() {
            if stacks[..i].iter().any(|o| o.name() == s.name()) {
                diagnostics.push(Diagnostic::error(
                    s.name(),
                    format!("two stacks are named `{}`", s.name()),
                    "give each stack its own name",
                ));
            }
        }
        for n in names {
            if !stacks.iter().any(|s| s.name() == n) {
                diagnostics.push(Diagnostic::error(
                    n.as_str(),
                    format!("no stack is named `{n}`"),
                    format!("choose one of: {}", self.stack_names().join(", ")),
                ));
            }
        }
        let all = match synth_stacks(&stacks, rules, names, self.ends_process()) {
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
        // The stacks named, without the dependencies finished along with them.
        let (named, others): (Vec<_>, Vec<_>) = dependency_order(all)
            .into_iter()
            .partition(|s| names.is_empty() || names.contains(&s.stack_name));
        crate::synthesize::discard(others, self.ends_process());
        Ok(named)
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
