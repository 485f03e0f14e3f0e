//! The command line of an app: `synth` and `list`.

use crate::app::App;
use crate::assembly;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where `synth` writes when several stacks are selected and no `--out` is given.
pub const DEFAULT_OUT: &str = "escdk.out";

#[derive(Parser, Debug)]
#[command(
    about = "Synthesize this app's stacks to CloudFormation, and deploy them",
    long_about = "Synthesize this app's stacks to CloudFormation.\n\n\
                  Every template is validated first (resource schemas, references, names, \
                  CloudFormation's limits); on any error nothing is written."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// A context value for constructs (`KEY=VALUE`, VALUE parsed as JSON when it is JSON);
    /// overrides escdk.json and escdk.context.json.
    #[arg(long, short = 'c', global = true, value_name = "KEY=VALUE")]
    context: Vec<String>,
}

/// A subcommand's arguments, added to clap's command only when the command line names
/// that subcommand (`Command::defer`): clap builds the arguments of the one subcommand run,
/// not of all nine. Help and errors are clap's, as without it.
#[derive(Debug)]
struct Deferred<T>(T);

impl<T: clap::Args> clap::Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args)
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(T::augment_args_for_update)
    }
}

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }
    fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }
    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
    fn update_from_arg_matches_mut(
        &mut self,
        matches: &mut clap::ArgMatches,
    ) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print one stack's template; with several stacks (or --out), write each to a directory.
    Synth(Deferred<SynthArgs>),
    /// Create the asset bucket stack once per account and region (runs escdk-deploy).
    Bootstrap(Deferred<BootstrapArgs>),
    /// Synthesize, then deploy through change sets (runs escdk-deploy).
    Deploy(Deferred<DeployArgs>),
    /// Synthesize, then compare with the deployed templates (runs escdk-deploy).
    Diff(Deferred<DiffArgs>),
    /// Delete deployed stacks; retained resources stay (runs escdk-deploy).
    Destroy(Deferred<DestroyArgs>),
    /// Print SQL a construct generates, e.g. `sql event-store` (for your own PostgreSQL).
    Sql(Deferred<SqlArgs>),
    /// Ambar: `ambar emulator-config` prints the configuration of Ambar's local emulator
    /// for the app's streaming, pointed at your machine.
    Ambar(Deferred<AmbarArgs>),
    /// Print a Mermaid flowchart of the stacks (all when none is named): resources grouped
    /// by construct, with the wiring references and grants create.
    Diagram(Deferred<DiagramArgs>),
    /// List the app's stacks.
    List(Deferred<ListArgs>),
}

#[derive(clap::Args, Debug)]
struct SynthArgs {
    /// Stacks to synthesize (all when none is named).
    stacks: Vec<String>,
    /// Template format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write `<Stack>.template.<format>` and `<Stack>.assets.json` here instead of printing
    /// (`escdk.out` when several stacks are selected and no directory is given).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Security and best-practice rules: each at its level (default), every failure an
    /// error (strict), or none (off).
    #[arg(long, value_enum, default_value_t = Rules::Default)]
    rules: Rules,
}

#[derive(clap::Args, Debug)]
struct BootstrapArgs {
    /// Arguments for `escdk-deploy bootstrap` (see `escdk-deploy bootstrap --help`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct DeployArgs {
    /// `[STACK...] [--require-approval never|broadening|any-change] [--parameters K=V]
    /// [--tags K=V] [--replace-failed] [--continue-rollback] [--change-set-timeout SECONDS]
    /// [--force] [--concurrency N]`
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// `[STACK...]`
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct DestroyArgs {
    /// `[STACK...] [--force]`
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct SqlArgs {
    /// What to print (`event-store`).
    name: String,
    /// The stack, when several have one.
    #[arg(long)]
    stack: Option<String>,
}

#[derive(clap::Args, Debug)]
struct AmbarArgs {
    #[command(subcommand)]
    command: AmbarCommand,
}

#[derive(clap::Args, Debug)]
struct DiagramArgs {
    /// Stacks to draw.
    stacks: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct ListArgs {
    /// Also show each stack's resource count and template size.
    #[arg(long)]
    long: bool,
}

#[derive(Subcommand, Debug)]
enum AmbarCommand {
    /// The emulator's YAML (data_sources / data_destinations) for the streaming construct,
    /// filled from the environment: REPLICATION_PASSWORD, AMBAR_HTTP_USERNAME and
    /// AMBAR_HTTP_PASSWORD are required; EVENT_STORE_HOST (localhost), EVENT_STORE_PORT
    /// (5432) and AMBAR_ENDPOINT_BASE_URL (http://localhost:8080) have defaults.
    EmulatorConfig {
        /// The stack, when several stream with Ambar.
        #[arg(long)]
        stack: Option<String>,
        /// Write the file here instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
enum Rules {
    Strict,
    Default,
    Off,
}

impl From<Rules> for crate::rules::Mode {
    fn from(r: Rules) -> Self {
        match r {
            Rules::Strict => crate::rules::Mode::Strict,
            Rules::Default => crate::rules::Mode::Default,
            Rules::Off => crate::rules::Mode::Off,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
enum Format {
    Json,
    Yaml,
}

impl From<Format> for assembly::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Json => assembly::Format::Json,
            Format::Yaml => assembly::Format::Yaml,
        }
    }
}

/// Writes synthesized stacks as deploy reads them (see [`assembly`]). Returns the template
/// paths.
pub fn write_assembly(dir: &Path, stacks: &[crate::Synthesized]) -> std::io::Result<Vec<PathBuf>> {
    assembly::write(dir, stacks, assembly::Format::Json)
}

/// The artifact `key` of the one stack that has it (or of `--stack`), after that stack
/// synthesizes without errors: what synth refuses is never printed for a tool to run.
fn checked_artifact(
    app: &App,
    key: &str,
    stack: Option<&str>,
    missing: &str,
    err: &mut dyn Write,
) -> Result<String, u8> {
    let stacks = app.stacks();
    let found: Vec<(&str, String)> = stacks
        .iter()
        .filter(|s| stack.is_none_or(|n| n == s.name()))
        .filter_map(|s| s.artifact(key).map(|t| (s.name(), t)))
        .collect();
    match found.as_slice() {
        [(name, text)] => {
            synth_and_warn(app, &[name.to_string()], err)?;
            Ok(text.clone())
        }
        [] => {
            // A construct publishes no artifact for input synth refuses: say why (and a
            // `--stack` the app does not have is refused with the names it has).
            let names: Vec<String> = match stack {
                Some(n) => vec![n.to_string()],
                None => stacks.iter().map(|s| s.name().to_string()).collect(),
            };
            synth_and_warn(app, &names, err)?;
            let _ = writeln!(err, "error: {missing}");
            Err(1)
        }
        many => {
            let names: Vec<&str> = many.iter().map(|(n, _)| *n).collect();
            let _ = writeln!(
                err,
                "error: several stacks have `{key}` ({})\n  fix: pick one with --stack",
                names.join(", ")
            );
            Err(2)
        }
    }
}

/// Synthesizes the named stacks, printing warnings; on errors prints them and gives the
/// exit code.
fn synth_and_warn(
    app: &App,
    names: &[String],
    err: &mut dyn Write,
) -> Result<Vec<crate::Synthesized>, u8> {
    synth_with_rules(app, names, crate::rules::Mode::Default, err)
}

/// [`synth_and_warn`] with the rules run as `rules` says.
fn synth_with_rules(
    app: &App,
    names: &[String],
    rules: crate::rules::Mode,
    err: &mut dyn Write,
) -> Result<Vec<crate::Synthesized>, u8> {
    let synthesized = app.synth_with_rules(names, rules).map_err(|e| {
        let _ = writeln!(err, "{e}");
        1u8
    })?;
    for s in &synthesized {
        for w in s.warnings.iter().chain(&s.infos) {
            let _ = writeln!(err, "{w}");
        }
    }
    Ok(synthesized)
}

/// The arguments for escdk-deploy: `--context`/`-c` pairs are the app's (they shaped the
/// synthesized templates) and are not passed on.
fn without_context(args: &[String]) -> Vec<&String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if a == "--context" || a == "-c" {
            skip = true;
        } else if !a.starts_with("--context=") {
            out.push(a);
        }
    }
    out
}

/// Finds the deploy tool: `ESCDK_DEPLOY`, next to this program, then on `PATH`.
fn find_deploy_tool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ESCDK_DEPLOY") {
        return Some(PathBuf::from(p));
    }
    let name = format!("escdk-deploy{}", std::env::consts::EXE_SUFFIX);
    let sibling = std::env::current_exe().ok()?.parent()?.join(&name);
    if sibling.is_file() {
        return Some(sibling);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
}

/// The deploy verbs: synthesize every stack to `escdk.out`, then run `escdk-deploy`, the
/// only program that links the AWS SDK (so editing and synthesizing an app never builds or
/// links it). Under `cargo run` a missing tool is built once.
fn delegate(app: &App, verb: &str, args: &[String], synthesize: bool, err: &mut dyn Write) -> u8 {
    if synthesize {
        let synthesized = match synth_and_warn(app, &[], err) {
            Ok(s) => s,
            Err(code) => return code,
        };
        if let Err(e) = write_assembly(Path::new(DEFAULT_OUT), &synthesized) {
            let _ = writeln!(err, "error: cannot write {DEFAULT_OUT}: {e}");
            return 1;
        }
    }
    let tool = match find_deploy_tool() {
        Some(t) => t,
        None => match std::env::var_os("CARGO") {
            Some(cargo) => {
                let _ = writeln!(
                    err,
                    "building the deploy tool once (`cargo build -p escdk-deploy`): it links the AWS SDK, which takes a while the first time"
                );
                let built = std::process::Command::new(cargo)
                    .args(["build", "-p", "escdk-deploy"])
                    .status();
                match (built, find_deploy_tool()) {
                    (Ok(s), Some(t)) if s.success() => t,
                    _ => {
                        let _ = writeln!(err, "error: the deploy tool `escdk-deploy` is not available\n  fix: `cargo install --path <escdk checkout>/deploy`, or set ESCDK_DEPLOY to its path");
                        return 1;
                    }
                }
            }
            None => {
                let _ = writeln!(err, "error: the deploy tool `escdk-deploy` is not on PATH\n  fix: `cargo install --path <escdk checkout>/deploy`, or set ESCDK_DEPLOY to its path");
                return 1;
            }
        },
    };
    let status = std::process::Command::new(&tool)
        .arg("--assembly")
        .arg(DEFAULT_OUT)
        .arg(verb)
        .args(without_context(args))
        .status();
    match status {
        Ok(s) => s.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1),
        Err(e) => {
            let _ = writeln!(err, "error: cannot run {}: {e}", tool.display());
            1
        }
    }
}

/// Writes a command's output (a template, SQL, a diagram) and flushes it: 0, or 1 after
/// saying why when it could not be written whole (a full disk, a closed descriptor). A
/// reader that stops early (`synth | head`) is not an error: what it did not read was not
/// wanted.
fn emit(out: &mut dyn Write, text: &str, err: &mut dyn Write) -> u8 {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write to standard output: {e}\n  fix: redirect it to a file on a disk with space, or use --out <dir> for templates");
            1
        }
    }
}

/// The command line on an [`App`]: defined with the CLI, which the app knows nothing of.
impl App {
    /// Runs the command line (`synth`, `list`, `deploy`, ...) on this app with the
    /// process's arguments.
    pub fn run(self) -> ExitCode {
        ExitCode::from(self.run_code(std::env::args().collect()))
    }

    /// [`App::run`] on the command line `args` (the program's name first), giving the exit
    /// code as a number (for [`crate::main!`]).
    pub(crate) fn run_code(self, args: Vec<String>) -> u8 {
        self.end_process();
        // One write per line: stderr is unbuffered, and a message is written in pieces.
        let mut err = std::io::LineWriter::new(std::io::stderr());
        let code = run(&self, &args, &mut std::io::stdout(), &mut err);
        drop(err);
        // The process exits now: freeing every construct one by one would only delay it.
        std::mem::forget(self);
        code
    }
}

/// Runs the CLI; returns the exit code (0 ok, 1 synth failed, 2 usage error).
pub fn run(app: &App, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            if code == 0 {
                let _ = write!(out, "{text}");
            } else {
                let _ = write!(err, "{text}");
            }
            return code;
        }
    };
    if let Some(bad) = crate::context::malformed(args) {
        let _ = writeln!(err, "error: the context value `{bad}` is not KEY=VALUE\n  fix: write it as -c key=value (the value is read as JSON when it is JSON)");
        return 2;
    }
    match cli.command {
        Command::Bootstrap(Deferred(BootstrapArgs { args })) => {
            delegate(app, "bootstrap", &args, false, err)
        }
        Command::Deploy(Deferred(DeployArgs { args })) => delegate(app, "deploy", &args, true, err),
        Command::Diff(Deferred(DiffArgs { args })) => delegate(app, "diff", &args, true, err),
        Command::Destroy(Deferred(DestroyArgs { args })) => {
            delegate(app, "destroy", &args, true, err)
        }
        Command::Sql(Deferred(SqlArgs { name, stack })) => {
            let missing = format!("no stack has SQL named `{name}`\n  fix: add the construct that generates it (an Aurora event store for `event-store`)");
            match checked_artifact(app, &format!("sql/{name}"), stack.as_deref(), &missing, err) {
                Ok(text) => emit(out, &text, err),
                Err(code) => code,
            }
        }
        Command::Ambar(Deferred(AmbarArgs {
            command: AmbarCommand::EmulatorConfig { stack, out: file },
        })) => {
            let missing =
                "no stack streams with Ambar\n  fix: add an AmbarStreaming construct to a stack";
            let text = match checked_artifact(
                app,
                "ambar/emulator-config",
                stack.as_deref(),
                missing,
                err,
            ) {
                Ok(text) => text,
                Err(code) => return code,
            };
            let filled = match crate::placeholders::fill(&text, |k| std::env::var(k).ok()) {
                Ok(t) => t,
                Err(names) => {
                    let _ = writeln!(err, "error: the emulator configuration needs {}\n  fix: export {} (the local database's replication password and the credentials your endpoint checks)", names.join(", "), names.iter().map(|n| format!("{n}=...")).collect::<Vec<_>>().join(" "));
                    return 1;
                }
            };
            match file {
                None => emit(out, &filled, err),
                Some(path) => match std::fs::write(&path, filled) {
                    Ok(()) => {
                        let _ = writeln!(err, "wrote {}", path.display());
                        0
                    }
                    Err(e) => {
                        let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                        1
                    }
                },
            }
        }
        Command::Diagram(Deferred(DiagramArgs { stacks })) => {
            match synth_and_warn(app, &stacks, err) {
                Ok(synthesized) => emit(out, &crate::diagram::mermaid(&synthesized), err),
                Err(code) => code,
            }
        }
        Command::List(Deferred(ListArgs { long })) => {
            if !long {
                let mut text = String::new();
                for name in app.stack_names() {
                    text.push_str(&name);
                    text.push('\n');
                }
                return emit(out, &text, err);
            }
            match app.synth(&[]) {
                Ok(all) => {
                    let mut text = String::new();
                    for s in all {
                        let n = s.tree()["Resources"].as_object().map_or(0, |r| r.len());
                        text.push_str(&format!(
                            "{}\t{n} resources\t{} bytes\n",
                            s.stack_name,
                            s.size()
                        ));
                    }
                    emit(out, &text, err)
                }
                Err(e) => {
                    let _ = writeln!(err, "{e}");
                    1
                }
            }
        }
        Command::Synth(Deferred(SynthArgs {
            stacks,
            format,
            out: dir,
            rules,
        })) => {
            let selected = if stacks.is_empty() {
                app.stack_names().len()
            } else {
                stacks.len()
            };
            let defaulted = dir.is_none() && selected != 1;
            let dir = if defaulted {
                Some(PathBuf::from(DEFAULT_OUT))
            } else {
                dir
            };
            let synthesized = match synth_with_rules(app, &stacks, rules.into(), err) {
                Ok(s) => s,
                Err(code) => return code,
            };
            for s in &synthesized {
                let _ = writeln!(err, "{}: {}", s.stack_name, s.rules);
            }
            let render = assembly::Format::from(format);
            match dir {
                None => {
                    let code = synthesized
                        .first()
                        .map_or(0, |s| emit(out, &render.render(s), err));
                    crate::synthesize::discard(synthesized, app.ends_process());
                    code
                }
                Some(dir) => {
                    let written = match assembly::write(&dir, &synthesized, format.into()) {
                        Ok(w) => w,
                        Err(e) => {
                            let _ = writeln!(err, "error: cannot write {}: {e}", dir.display());
                            return 1;
                        }
                    };
                    for (s, file) in synthesized.iter().zip(&written) {
                        let n = s.tree()["Resources"].as_object().map_or(0, |r| r.len());
                        let _ = writeln!(
                            err,
                            "wrote {} ({n} resources, {} bytes)",
                            file.display(),
                            s.size()
                        );
                    }
                    if defaulted {
                        let first = synthesized
                            .first()
                            .map_or("STACK", |s| s.stack_name.as_str());
                        let _ = writeln!(
                            err,
                            "{} stacks synthesized to {DEFAULT_OUT}/; name one to print its template: synth {first}",
                            synthesized.len()
                        );
                    }
                    crate::synthesize::discard(synthesized, app.ends_process());
                    0
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn context_pairs_are_not_passed_to_the_deploy_tool() {
        let args: Vec<String> = [
            "Stack",
            "-c",
            "a=1",
            "--context=b=2",
            "--context",
            "c=3",
            "--force",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let kept: Vec<&str> = super::without_context(&args)
            .into_iter()
            .map(String::as_str)
            .collect();
        assert_eq!(kept, ["Stack", "--force"]);
    }
}
