//! `escdk-deploy`: see the crate docs. A thin main: parse, run, report.

use clap::Parser;
use escdk_deploy::assembly::{self, StackArtifact};
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
    })
}

async fn run(cli: Cli) -> Result<(), DeployError> {
    let poll = Duration::from_secs_f64(cli.poll_seconds.max(0.05));
    let aws = Aws::connect(cli.profile.as_deref(), cli.region.as_deref()).await;
    let started = Instant::now();
    match cli.command {
        Command::Bootstrap { retention_days } => {
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
            };
            println!("bootstrapping {} in {}", artifact.name, aws.region);
            deploy::deploy_stack(&aws, "", &artifact, &opts).await?;
        }
        Command::Deploy {
            stacks,
            require_approval,
            parameters,
            tags,
            replace_failed,
            continue_rollback,
        } => {
            let artifacts = assembly::load(&cli.assembly, &stacks)?;
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
                approval: require_approval.into(),
                parameters,
                tags,
                replace_failed,
                continue_rollback,
                toolkit_stack: cli.toolkit_stack_name.clone(),
                poll,
            };
            let bucket = deploy::staging_bucket(&aws, &opts.toolkit_stack).await?;
            for artifact in &artifacts {
                println!(
                    "deploying {} ({} resources) to {}",
                    artifact.name,
                    artifact.resource_count(),
                    aws.region
                );
                deploy::deploy_stack(&aws, &bucket, artifact, &opts).await?;
            }
        }
        Command::Diff { stacks } => {
            for artifact in assembly::load(&cli.assembly, &stacks)? {
                aws.call();
                let deployed = match aws
                    .cfn
                    .get_template()
                    .stack_name(&artifact.name)
                    .template_stage(aws_sdk_cloudformation::types::TemplateStage::Original)
                    .send()
                    .await
                {
                    Ok(t) => t
                        .template_body()
                        .and_then(|b| serde_json::from_str(b).ok())
                        .unwrap_or(serde_json::Value::Null),
                    Err(_) => serde_json::Value::Null,
                };
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
            }
        }
        Command::Destroy { stacks, force } => {
            for artifact in assembly::load(&cli.assembly, &stacks)? {
                destroy::destroy_stack(&aws, &artifact, force, poll).await?;
            }
        }
    }
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
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
