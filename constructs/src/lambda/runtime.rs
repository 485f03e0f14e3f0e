//! Lambda runtimes the constructs know how to check.

/// A Lambda runtime. Synth warns once one is deprecated and refuses it once Lambda blocks
/// creating functions with it (the dates cfn-lint uses), naming its successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Runtime {
    Python311,
    #[default]
    Python312,
    Python313,
    Python314,
    Nodejs20,
    Nodejs22,
    Nodejs24,
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Python311 => "python3.11",
            Runtime::Python312 => "python3.12",
            Runtime::Python313 => "python3.13",
            Runtime::Python314 => "python3.14",
            Runtime::Nodejs20 => "nodejs20.x",
            Runtime::Nodejs22 => "nodejs22.x",
            Runtime::Nodejs24 => "nodejs24.x",
        }
    }

    /// The file a handler `module.function` must be in, for runtimes where that is known.
    pub fn handler_file(self, module: &str) -> Option<String> {
        match self {
            Runtime::Python311 | Runtime::Python312 | Runtime::Python313 | Runtime::Python314 => {
                Some(format!("{}.py", module.replace('.', "/")))
            }
            Runtime::Nodejs20 | Runtime::Nodejs22 | Runtime::Nodejs24 => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Runtime::{self, *};

    const ALL: [Runtime; 7] = [
        Python311, Python312, Python313, Python314, Nodejs20, Nodejs22, Nodejs24,
    ];

    /// Every runtime is in the lifecycle table synth checks against, and the successor that
    /// table names for it (which a deprecation warning tells the user to move to) is one a
    /// user can choose.
    #[test]
    fn every_successor_can_be_chosen() {
        let table: serde_json::Value = serde_json::from_str(include_str!(
            "../../../synth/schemas/lambda-runtime-lifecycle.json"
        ))
        .unwrap();
        for runtime in ALL {
            let entry = &table[runtime.name()];
            assert!(entry.is_object(), "{} is not in the table", runtime.name());
            if let Some(successor) = entry["successor"].as_str() {
                assert!(
                    ALL.iter().any(|r| r.name() == successor),
                    "{} names {successor} as its successor, which Runtime lacks",
                    runtime.name()
                );
            }
        }
    }
}
