//! Lambda runtimes the constructs know how to check.

/// A Lambda runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Runtime {
    Python311,
    #[default]
    Python312,
    Python313,
    Nodejs20,
    Nodejs22,
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Python311 => "python3.11",
            Runtime::Python312 => "python3.12",
            Runtime::Python313 => "python3.13",
            Runtime::Nodejs20 => "nodejs20.x",
            Runtime::Nodejs22 => "nodejs22.x",
        }
    }

    /// The file a handler `module.function` must be in, for runtimes where that is known.
    pub fn handler_file(self, module: &str) -> Option<String> {
        match self {
            Runtime::Python311 | Runtime::Python312 | Runtime::Python313 => {
                Some(format!("{}.py", module.replace('.', "/")))
            }
            Runtime::Nodejs20 | Runtime::Nodejs22 => None,
        }
    }
}
