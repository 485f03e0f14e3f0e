//! The deploy tool's command line.

use crate::changes::Approval;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "escdk-deploy",
    about = "Bootstrap, deploy, diff and destroy the stacks an escdk app synthesized",
    long_about = "Bootstrap, deploy, diff and destroy the stacks an escdk app synthesized.\n\n\
                  Apps run this for their `bootstrap`, `deploy`, `diff` and `destroy` verbs after \
                  synthesizing to --assembly. Credentials, region and profile come from the standard \
                  AWS configuration; AWS_ENDPOINT_URL overrides the endpoint."
)]
pub struct Cli {
    /// Where the app synthesized its stacks.
    #[arg(long, global = true, default_value = "escdk.out")]
    pub assembly: PathBuf,
    /// AWS profile.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// AWS region.
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// The bootstrap stack's name.
    #[arg(long, global = true, default_value = crate::bootstrap::STACK_NAME)]
    pub toolkit_stack_name: String,
    /// Seconds between polls while waiting.
    #[arg(long, global = true, default_value_t = 2.0, hide = true)]
    pub poll_seconds: f64,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or update the staging stack (asset bucket) for this account and region.
    Bootstrap {
        /// Days staged assets and templates are kept.
        #[arg(long, default_value_t = 30)]
        retention_days: u32,
    },
    /// Upload assets and create or update stacks through change sets.
    Deploy {
        /// Stacks to deploy (all when none is named).
        stacks: Vec<String>,
        /// When to ask before executing.
        #[arg(long, value_enum, default_value_t = RequireApproval::Broadening)]
        require_approval: RequireApproval,
        /// Parameter values, `Key=Value` or `Stack:Key=Value`.
        #[arg(long = "parameters", value_name = "[STACK:]KEY=VALUE")]
        parameters: Vec<String>,
        /// Stack tags, `Key=Value`.
        #[arg(long = "tags", value_name = "KEY=VALUE")]
        tags: Vec<String>,
        /// Delete a stack left in ROLLBACK_COMPLETE by a failed first create, then create it.
        #[arg(long)]
        replace_failed: bool,
        /// Continue a failed update rollback (UPDATE_ROLLBACK_FAILED) before deploying.
        #[arg(long)]
        continue_rollback: bool,
        /// Seconds to wait for CloudFormation to compute a change set before deleting it.
        #[arg(long, value_name = "SECONDS", default_value_t = 900)]
        change_set_timeout: u64,
        /// Create a change set even when a stack already holds this template, these
        /// parameters and tags (otherwise such a stack is left alone after two calls).
        #[arg(long)]
        force: bool,
        /// Deploy up to N stacks at once, each after the stacks it imports from (needs
        /// `--require-approval never`: two stacks cannot ask on one terminal).
        #[arg(long, value_name = "N", default_value_t = 1)]
        concurrency: usize,
        /// Write the stacks' outputs to FILE as JSON, `{"Stack": {"Key": "value"}}`, as
        /// `cdk deploy --outputs-file` does: every stack deployed or found unchanged, also
        /// when a later stack fails.
        #[arg(long, value_name = "FILE")]
        outputs_file: Option<std::path::PathBuf>,
    },
    /// Compare the synthesized templates with the deployed ones.
    Diff { stacks: Vec<String> },
    /// Delete stacks (retained resources stay, and are listed).
    Destroy {
        stacks: Vec<String>,
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum RequireApproval {
    /// Never ask.
    Never,
    /// Ask before replacing or removing stateful resources, or changing permissions.
    Broadening,
    /// Ask before any change.
    AnyChange,
}

impl From<RequireApproval> for Approval {
    fn from(r: RequireApproval) -> Approval {
        match r {
            RequireApproval::Never => Approval::Never,
            RequireApproval::Broadening => Approval::Broadening,
            RequireApproval::AnyChange => Approval::AnyChange,
        }
    }
}

/// `[Stack:]Key=Value` -> (stack, key, value).
pub fn parse_parameter(s: &str) -> Result<(Option<String>, String, String), String> {
    let (target, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))?;
    let (stack, key) = match target.split_once(':') {
        Some((st, k)) => (Some(st.to_string()), k),
        None => (None, target),
    };
    if key.is_empty() {
        return Err(format!("`{s}` has an empty key"));
    }
    Ok((stack, key.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_parse() {
        assert_eq!(
            super::parse_parameter("A=b=c").unwrap(),
            (None, "A".into(), "b=c".into())
        );
        assert_eq!(
            super::parse_parameter("S:A=").unwrap(),
            (Some("S".into()), "A".into(), String::new())
        );
        assert!(super::parse_parameter("A").is_err());
    }
}
