//! `deploy --outputs-file FILE`: the stacks' outputs as JSON, `{"Stack": {"Key": "value"}}`,
//! the shape `cdk deploy --outputs-file` writes, for a CI job's next step to read.

use crate::deploy::StackOutputs;
use crate::error::DeployError;
use std::collections::BTreeMap;
use std::path::Path;

/// The file's text: stacks and their outputs by name, each in name order.
pub fn render(outputs: &StackOutputs) -> String {
    let by_name: BTreeMap<&str, BTreeMap<&str, &str>> = outputs
        .iter()
        .map(|(stack, outs)| {
            (
                stack.as_str(),
                outs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            )
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&by_name).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `outputs` to `file` whole (a temporary file beside it, then renamed over it), so a
/// reader never sees half a file; its directory is created when missing.
pub fn write(file: &Path, outputs: &StackOutputs) -> Result<(), DeployError> {
    let failed = |e: std::io::Error| {
        DeployError::Io(format!(
            "cannot write the outputs file {}: {e}\n  fix: give --outputs-file a path in a writable directory",
            file.display()
        ))
    };
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut partial = file.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, render(outputs)).map_err(failed)?;
    std::fs::rename(&partial, file).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_and_outputs_are_written_by_name_as_the_cdk_writes_them() {
        let mut outputs = StackOutputs::new();
        outputs.insert(
            "Orders".into(),
            vec![
                ("Url".into(), "https://x".into()),
                ("Arn".into(), "arn:a".into()),
            ],
        );
        outputs.insert("Data".into(), Vec::new());
        assert_eq!(
            render(&outputs),
            "{\n  \"Data\": {},\n  \"Orders\": {\n    \"Arn\": \"arn:a\",\n    \"Url\": \"https://x\"\n  }\n}\n"
        );
    }
}
