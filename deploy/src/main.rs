//! `escdk-deploy`: see the crate docs. A thin main: parse, run, report.

use clap::Parser;
use escdk_deploy::assembly::{self, Pin, Selection, StackArtifact};
use escdk_deploy::aws::Aws;
use escdk_deploy::cli::{parse_parameter, Cli, Command};
use escdk_deploy::deploy::{self, Options};
use escdk_deploy::{bootstrap, destroy, diff, term, DeployError};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn bootstrap_artifact(retention_days: u32) -> Result<StackArtifact, DeployError> {
    let body = bootstrap::template(retention_days).map_err(|e| DeployError::Io(e.to_string()))?;
    let template = serde_json::from_str(&body).map_err(|e| DeployError::Io(e.to_string()))?;
    Ok(StackArtifact {
        name: bootstrap::STACK_NAME.into(),
        template,
        body,
        assets: Vec::new(),
        dependencies: Vec::new(),
        tags: Vec::new(),
        termination_protection: false,
        account: None,
        region: None,
    })
}

/// Refuses stacks pinned to another region or account than the session's, before any
/// other call; asks for the account only when a stack is pinned to one.
async fn check_environment(
    artifacts: &[assembly::StackArtifact],
    aws: &Aws,
) -> Result<(), DeployError> {
    assembly::check_pinned(artifacts, Pin::Region, &aws.region)?;
    if assembly::pins_an_account(artifacts) {
        assembly::check_pinned(artifacts, Pin::Account, &aws.account().await?)?;
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<(), DeployError> {
    escdk_deploy::interrupt::listen();
    let poll = Duration::from_secs_f64(cli.poll_seconds.max(0.05));
    // Each verb reads its arguments and the assembly first, then looks for the region and
    // credentials: a misspelt stack or a bad option is reported without AWS set up.
    let connect = || Aws::connect(cli.profile.as_deref(), cli.region.as_deref());
    let started = Instant::now();
    let aws = match cli.command {
        Command::Bootstrap { retention_days } => {
            let aws = connect().await?;
            let mut artifact = bootstrap_artifact(retention_days)?;
            artifact.name = cli.toolkit_stack_name.clone();
            let opts = Options {
                approval: escdk_deploy::changes::Approval::Never,
                parameters: Vec::new(),
                tags: Vec::new(),
                replace_failed: true,
                continue_rollback: false,
                toolkit_stack: cli.toolkit_stack_name.clone(),
                poll,
                change_set_timeout: deploy::CHANGE_SET_TIMEOUT,
                force: false,
                concurrency: 1,
            };
            println!("bootstrapping {} in {}", artifact.name, aws.region);
            // The bootstrap stack has no assets and passes its template inline: it never
            // asks for the bucket it makes.
            let staging = escdk_deploy::staging::Staging::new(&opts.toolkit_stack);
            deploy::deploy_stack(&aws, &staging, &artifact, None, &opts).await?;
            aws
        }
        Command::Deploy {
            stacks,
            require_approval,
            parameters,
            tags,
            replace_failed,
            continue_rollback,
            change_set_timeout,
            force,
            concurrency,
            outputs_file,
        } => {
            let approval: escdk_deploy::changes::Approval = require_approval.into();
            if concurrency == 0 {
                return Err(DeployError::Io(
                    "--concurrency 0 deploys nothing: give 1 (one stack at a time) or more".into(),
                ));
            }
            if concurrency > 1 && approval != escdk_deploy::changes::Approval::Never {
                return Err(DeployError::Io(format!(
                    "--concurrency {concurrency} needs --require-approval never: two stacks cannot ask for approval on one terminal at once (review with `diff` first)"
                )));
            }
            let artifacts = assembly::load(&cli.assembly, &stacks, Selection::WithDependencies)?;
            let app_stacks = assembly::stack_names(&cli.assembly)?;
            let parameters = parameters
                .iter()
                .map(|p| parse_parameter(p))
                .collect::<Result<Vec<_>, _>>()
                .map_err(DeployError::Io)?;
            let tags = tags
                .iter()
                .map(|t| {
                    t.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .ok_or_else(|| format!("tag `{t}` is not KEY=VALUE"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(DeployError::Io)?;
            let opts = Options {
                approval,
                parameters,
                tags,
                replace_failed,
                continue_rollback,
                toolkit_stack: cli.toolkit_stack_name.clone(),
                poll,
                change_set_timeout: Duration::from_secs(change_set_timeout),
                force,
                concurrency,
            };
            let aws = connect().await?;
            check_environment(&artifacts, &aws).await?;
            let staging = escdk_deploy::staging::Staging::new(&opts.toolkit_stack);
            let mut outputs = deploy::StackOutputs::new();
            let deployed =
                deploy::deploy_all(&aws, &staging, &artifacts, &app_stacks, &opts, &mut outputs)
                    .await;
            if let Some(file) = &outputs_file {
                let written = escdk_deploy::outputs::write(file, &outputs);
                match (&deployed, written) {
                    (Ok(()), written) => written?,
                    (Err(_), Err(e)) => eprintln!("{e}"),
                    (Err(_), Ok(())) => {}
                }
            }
            deployed?;
            aws
        }
        Command::Diff { stacks } => {
            let app_stacks = assembly::stack_names(&cli.assembly)?;
            let artifacts = assembly::load(&cli.assembly, &stacks, Selection::Exactly)?;
            let aws = connect().await?;
            check_environment(&artifacts, &aws).await?;
            for artifact in artifacts {
                let deployed = aws.deployed_template(&artifact.name).await;
                let state = if deployed.is_null() {
                    " (not deployed)"
                } else {
                    ""
                };
                println!("Stack {}{state}", artifact.name);
                let d = diff::diff(&deployed, &artifact.template);
                print!(
                    "{}",
                    diff::render(&d, term::color(), &|lid: &str| artifact.path_of(lid))
                );
                for (name, _, _, by) in
                    deploy::still_imported(&aws, &artifact, &deployed, &app_stacks).await
                {
                    println!(
                        "  export {name} is still imported by {}: deploy keeps it until they no longer import it, then removes it",
                        by.join(", ")
                    );
                }
            }
            aws
        }
        Command::Destroy { stacks, force } => {
            // Dependents first: a stack is deleted before the stacks it imports from.
            let mut artifacts = assembly::load(&cli.assembly, &stacks, Selection::Exactly)?;
            let aws = connect().await?;
            check_environment(&artifacts, &aws).await?;
            artifacts.reverse();
            for artifact in artifacts {
                destroy::destroy_stack(&aws, &artifact, force, poll).await?;
            }
            aws
        }
    };
    let (calls, bytes) = aws.counts();
    eprintln!(
        "({calls} API calls, {bytes} bytes uploaded, {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // A question left unanswered after Ctrl-C still reads the terminal: do not wait for it.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
