//! A Lambda function from an asset directory.

use super::runtime::Runtime;
use crate::cloudwatch::Metric;
use crate::iam::{Grant, Grantee, PolicyStatement, Role, RoleProps};
use crate::removal::RemovalPolicy;
use crate::sqs::Queue;
use escdk_synth::cfn::lambda::{event_invoke_config, function, CfnEventInvokeConfig, CfnFunction};
use escdk_synth::cfn::logs::CfnLogGroup;
use escdk_synth::{Duration, Expr, Handle, Json, Map, RetentionDays, Scope, Size};
use std::path::PathBuf;

/// Properties of a [`Function`].
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionProps {
    /// Directory holding the handler code (zipped and uploaded by deploy).
    pub code: PathBuf,
    /// `module.function`, e.g. `command_handler.lambda_handler`.
    pub handler: String,
    pub runtime: Runtime,
    /// 128 MiB to 10 GiB (10240 MiB).
    pub memory: Size,
    /// 1 second to 15 minutes, in whole seconds.
    pub timeout: Duration,
    pub description: Option<String>,
    /// Extra environment variables (the wiring adds its own).
    pub environment: Vec<(String, Json)>,
    /// How long the log group keeps logs.
    pub log_retention: RetentionDays,
    /// The log group is kept on stack deletion by default (logs are an audit trail).
    pub log_removal_policy: RemovalPolicy,
    /// Executions reserved for this function, which is also the most it runs at once
    /// (`ReservedConcurrentExecutions`): give one to a function writing to a store other
    /// writers share (rule ESCDK-LAMBDA-CONCURRENCY). Lambda takes it from the account's
    /// pool and refuses a reservation leaving fewer than 100 unreserved executions: on an
    /// account at the default limit of 1,000 that is plenty, on a new account limited to 10
    /// ask for a raise (Service Quotas) first. `None` (the default) reserves nothing.
    pub reserved_concurrency: Option<u32>,
}

impl FunctionProps {
    /// Python 3.12, 256 MB, 30 seconds, logs kept 30 days.
    pub fn new(code: impl Into<PathBuf>, handler: &str) -> Self {
        FunctionProps {
            code: code.into(),
            handler: handler.to_string(),
            runtime: Runtime::Python312,
            memory: Size::mebibytes(256),
            timeout: Duration::seconds(30),
            description: None,
            environment: Vec::new(),
            log_retention: RetentionDays::OneMonth,
            log_removal_policy: RemovalPolicy::RetainOnUpdateOrDelete,
            reserved_concurrency: None,
        }
    }
}

/// A Lambda function with its own execution role and log group.
#[derive(Debug, Clone)]
pub struct Function {
    pub handle: Handle<CfnFunction>,
    pub role: Role,
    pub log_group: Handle<CfnLogGroup>,
    /// The function's own scope: what wiring adds for it goes here.
    scope: Scope,
}

impl Grantee for Function {
    fn add_to_principal_policy(&self, statement: PolicyStatement) {
        self.role.add_to_policy(statement);
    }
    fn principal_path(&self) -> String {
        self.role.principal_path()
    }
}

/// Variables Lambda sets itself; a function may not set them.
const RESERVED_ENV: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

impl Function {
    pub fn new(scope: &Scope, id: &str, props: FunctionProps) -> Function {
        let scope = scope.child(id);
        check_handler(&scope, &props);
        let mut env: Map<Json> = Map::new();
        let mut refused = Vec::new();
        for (k, v) in props.environment {
            // Lambda's API refuses a key that is not wholly `[a-zA-Z][a-zA-Z0-9_]+`.
            let valid_key = k.len() >= 2
                && k.starts_with(|c: char| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_key {
                scope.prop_error(
                    "Environment",
                    format!("`{k}` is not an environment variable name Lambda accepts"),
                    "start with a letter, then letters, digits and `_` (at least 2 characters), e.g. MY_VAR",
                );
                refused.push(k.clone());
            }
            if RESERVED_ENV.contains(&k.as_str()) {
                scope.prop_error(
                    "Environment",
                    format!("`{k}` is reserved: Lambda sets it itself"),
                    "use another variable name",
                );
            }
            if env.insert(k.clone(), v).is_some() {
                scope.prop_error(
                    "Environment",
                    format!("`{k}` is set twice"),
                    "set each variable once",
                );
            }
        }
        // Lambda's limit on the variables together (names and values, as far as known here).
        let env_bytes: usize = env
            .iter()
            .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
            .sum();
        if env_bytes > 4096 {
            scope.prop_error(
                "Environment",
                format!("the environment variables take {env_bytes} bytes; Lambda allows 4 KB (4096) in total"),
                "move large values to a file in the code, SSM Parameter Store or Secrets Manager",
            );
        }
        // Said above in the construct's words; left out of the L1 properties so the schema's
        // (anchored) pattern does not report the same keys again.
        for k in &refused {
            env.shift_remove(k);
        }
        // Ordinary functions: 128 MiB to 10 GiB, up to 15 minutes (the schema's wider
        // bounds are those of Lambda Managed Instances).
        let memory = props
            .memory
            .mebibytes_in(&scope, "MemorySize", 128..=10_240);
        let timeout = props.timeout.seconds_in(&scope, "Timeout", 1..=900);
        if props.reserved_concurrency == Some(0) {
            scope.prop_error(
                "ReservedConcurrentExecutions",
                "a reservation of 0 executions throttles every invocation: the function never runs",
                "reserve at least 1, or leave reserved_concurrency None",
            );
        }
        let role = Role::new(
            &scope,
            "Role",
            RoleProps::new(
                "lambda.amazonaws.com",
                "Execution role: only the grants of what this function is wired to",
            ),
        );
        let log_group = crate::logs::log_group(
            &scope,
            "LogGroup",
            props.log_retention,
            props.log_removal_policy,
            &role,
        );
        // The environment is encrypted with the stack's key. The role needs no grant for
        // it: creating the function, CloudFormation's caller gives Lambda a KMS grant for
        // this function's role and encryption context alone.
        let environment_key = crate::kms::stack_key(&scope).attr_arn();
        let (bucket, key) = scope.add_asset(&props.code);
        let handle = scope.add(
            "Resource",
            CfnFunction {
                runtime: Some(props.runtime.name().into()),
                handler: Some(props.handler.as_str().into()),
                memory_size: Some(memory.into()),
                timeout: Some(timeout.into()),
                description: props.description.map(Into::into),
                environment: (!env.is_empty()).then(|| function::Environment {
                    variables: Some(env.into()),
                }),
                kms_key_arn: Some(environment_key.into()),
                reserved_concurrent_executions: props
                    .reserved_concurrency
                    .map(|n| i64::from(n).into()),
                logging_config: Some(function::LoggingConfig {
                    log_group: Some(log_group.reference().into()),
                    ..Default::default()
                }),
                ..CfnFunction::new(
                    function::Code {
                        s3_bucket: Some(bucket.into()),
                        s3_key: Some(key.into()),
                        ..Default::default()
                    },
                    role.arn(),
                )
            },
        );
        escdk_synth::rules::suppress(
            &handle,
            "CKV_AWS_117",
            "escdk functions run outside a VPC: they call AWS APIs over TLS with a role granting only what they are wired to; a VPC would add NAT or endpoints and reach nothing more",
        );
        Function {
            handle,
            role,
            log_group,
            scope,
        }
    }

    /// The function's ARN.
    pub fn arn(&self) -> Expr {
        self.handle.attr_arn()
    }

    /// The function's name (`Ref`).
    pub fn name(&self) -> Expr {
        self.handle.reference()
    }

    /// `Errors`: invocations that failed (Sum).
    pub fn metric_errors(&self) -> Metric {
        Metric::new("AWS/Lambda", "Errors").dimension("FunctionName", self.name())
    }

    /// The function's scope (its path in the construct tree).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Adds an environment variable after construction (wiring that comes later).
    pub fn add_environment(&self, key: &str, value: impl Into<Json>) {
        let value = value.into();
        self.scope.stack().update(&self.handle, |f| {
            let env = f.environment.get_or_insert_with(Default::default);
            let mut vars = env
                .variables
                .take()
                .and_then(|v| v.literal().cloned())
                .unwrap_or_default();
            vars.insert(key.to_string(), value);
            env.variables = Some(vars.into());
        });
    }

    /// Asynchronous invocations that still fail after `retries` (0 to 2) go to `queue`.
    /// The configuration is added under the function (`<function>/EventInvokeConfig`).
    pub fn send_failures_to(&self, queue: &Queue, retries: u32) -> Grant {
        self.scope.add(
            "EventInvokeConfig",
            CfnEventInvokeConfig {
                maximum_retry_attempts: Some(retries.into()),
                destination_config: Some(event_invoke_config::DestinationConfig {
                    on_failure: Some(event_invoke_config::OnFailure::new(queue.arn())),
                    ..Default::default()
                }),
                ..CfnEventInvokeConfig::new(self.name(), "$LATEST")
            },
        );
        queue.grant_send_messages(self)
    }
}

fn check_handler(scope: &Scope, props: &FunctionProps) {
    let Some((module, func)) = props.handler.rsplit_once('.') else {
        scope.prop_error(
            "Handler",
            format!(
                "handler `{}` is not of the form `module.function`",
                props.handler
            ),
            "write it as `<file without .py>.<function>`, e.g. `command_handler.lambda_handler`",
        );
        return;
    };
    if module.is_empty() || func.is_empty() {
        scope.prop_error(
            "Handler",
            format!(
                "handler `{}` has an empty module or function name",
                props.handler
            ),
            "write it as `<file without .py>.<function>`",
        );
        return;
    }
    if let Some(file) = props.runtime.handler_file(module) {
        let path = props.code.join(&file);
        if !path.is_file() && props.code.is_dir() {
            scope.prop_error(
                "Handler",
                format!(
                    "handler `{}` needs `{file}` in the code directory `{}`, which has no such file",
                    props.handler,
                    props.code.display()
                ),
                "fix the handler's module name or the code directory",
            );
        }
    }
}
