//! Typed errors of the deploy tool: each says what went wrong and what to do.

use std::fmt;

#[derive(Debug)]
pub enum DeployError {
    /// The synthesized output is missing or unreadable.
    Assembly(String),
    /// A stack named on the command line is not one of the app's.
    UnknownStack {
        name: String,
        known: Vec<String>,
    },
    /// The bootstrap stack is missing.
    NotBootstrapped {
        stack: String,
        region: String,
    },
    /// The app pinned the stack to another region than the session's.
    WrongRegion {
        stack: String,
        stack_region: String,
        session: String,
    },
    /// The app pinned the stack to another account than the credentials'.
    WrongAccount {
        stack: String,
        stack_account: String,
        session: String,
    },
    /// The stack is in a state deploy cannot proceed from.
    StackState {
        stack: String,
        status: String,
        way_forward: String,
    },
    /// CloudFormation or S3 refused a call.
    Aws {
        action: String,
        message: String,
    },
    /// The stack operation failed.
    Failed {
        stack: String,
        status: String,
        reason: String,
    },
    /// The user declined, or approval was needed but no terminal could ask.
    NotApproved(String),
    /// Ctrl-C while waiting; the operation goes on in CloudFormation.
    Interrupted {
        stack: String,
    },
    Io(String),
    /// Region or credentials are missing: the message says how to provide them.
    Setup(String),
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeployError::Assembly(m) => write!(f, "{m}\n  fix: run `cargo run -- synth --out escdk.out` (or the app's deploy verb, which synthesizes first)"),
            DeployError::UnknownStack { name, known } => write!(
                f,
                "the app has no stack named `{name}` (it has: {})\n  fix: name one of those (`cargo run -- list`); a stack added since the last synth appears after `cargo run -- synth --out escdk.out`",
                known.join(", ")
            ),
            DeployError::WrongRegion { stack, stack_region, session } => write!(
                f,
                "stack `{stack}` is for {stack_region} (its StackProps env), and this session's region is {session}: nothing was done\n  fix: run with --region {stack_region} (or AWS_REGION={stack_region})"
            ),
            DeployError::WrongAccount { stack, stack_account, session } => write!(
                f,
                "stack `{stack}` is for account {stack_account} (its StackProps env), and this session's credentials are for account {session}: nothing was done\n  fix: run with credentials for account {stack_account} (--profile, AWS_PROFILE, or its access keys)"
            ),
            DeployError::NotBootstrapped { stack, region } => write!(
                f,
                "the bootstrap stack `{stack}` does not exist in {region}: deploy needs its asset bucket\n  fix: run `cargo run -- bootstrap` once for this account and region"
            ),
            DeployError::StackState { stack, status, way_forward } => write!(f, "stack `{stack}` is {status}\n  fix: {way_forward}"),
            DeployError::Aws { action, message } => write!(f, "{action} failed: {message}"),
            DeployError::Failed { stack, status, reason } => write!(f, "stack `{stack}` ended {status}: {reason}"),
            DeployError::NotApproved(m) => write!(f, "{m}"),
            DeployError::Interrupted { stack } => write!(
                f,
                "interrupted: the operation on `{stack}` goes on in CloudFormation\n  fix: run the same command again to follow it to the end"
            ),
            DeployError::Io(m) | DeployError::Setup(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for DeployError {}

impl DeployError {
    /// The exit code: 130 for Ctrl-C, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            DeployError::Interrupted { .. } => 130,
            _ => 1,
        }
    }
}

/// Whether an AWS error message says the stack (or bucket, or object) is not there.
pub(crate) fn does_not_exist(message: &str) -> bool {
    message.contains("does not exist")
}

/// Turns an SDK error into a readable one (the service's message, not the debug dump).
pub fn aws<E>(action: &str, e: aws_sdk_cloudformation::error::SdkError<E>) -> DeployError
where
    E: aws_sdk_cloudformation::error::ProvideErrorMetadata + fmt::Debug,
{
    use aws_sdk_cloudformation::error::ProvideErrorMetadata;
    let message = match e.message() {
        Some(m) => format!(
            "{}{m}",
            e.code().map(|c| format!("{c}: ")).unwrap_or_default()
        ),
        None => match &e {
            aws_sdk_cloudformation::error::SdkError::DispatchFailure(d) => {
                format!("cannot reach the endpoint: {d:?}")
            }
            other => other
                .raw_response()
                .and_then(|r| r.body().bytes())
                .and_then(body_message)
                .unwrap_or_else(|| match other.raw_response() {
                    // A HEAD answer has no body to read a message from.
                    Some(r) => format!("HTTP {} without a message", r.status().as_u16()),
                    None => other.to_string(),
                }),
        },
    };
    DeployError::Aws {
        action: action.to_string(),
        message,
    }
}

/// The message of an error body the SDK could not parse (a JSON body where XML was
/// expected, as some stand-ins answer), with its error type.
fn body_message(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let message = json
        .get("message")
        .or_else(|| json.get("Message"))?
        .as_str()?
        .trim();
    let kind = json.get("__type").and_then(serde_json::Value::as_str);
    Some(match kind {
        Some(k) => format!("{k}: {message}"),
        None => message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_error_bodies_are_read() {
        let body =
            br#"{"__type": "ValidationException", "message": " 1 validation error detected"}"#;
        assert_eq!(
            super::body_message(body).unwrap(),
            "ValidationException: 1 validation error detected"
        );
        assert_eq!(super::body_message(b"<xml/>"), None);
    }
}
