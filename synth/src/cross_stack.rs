//! Cross-stack references: a handle of stack A used in stack B becomes an `Export` in A and
//! `Fn::ImportValue` in B, and B depends on A (deploy deploys A first).
//!
//! Export names are read by people (in the console, in `aws cloudformation list-exports`) and
//! must not change when code is reordered, so they come from the producer's stack name and
//! the resource's logical ID, itself derived from the construct path:
//! `Network:NetworkVpcA1B2C3D4` for a `Ref`, `Store:StoreClusterE5F6-Endpoint-Address` for
//! `Fn::GetAtt [StoreCluster…, Endpoint.Address]`. CloudFormation allows 255 characters; a
//! longer name keeps a readable head and ends in a hash of the whole.
//!
//! Removing a use in B removes the export from A's template, and CloudFormation refuses to
//! update A while B still imports it (the CDK's "deadly embrace", aws/aws-cdk#7602).
//! `escdk-deploy` keeps such an export in A until B no longer imports it, then removes it in
//! the same run, and `diff` says so.

use crate::json::JsonValue;
use crate::stack_id::StackId;
use sha2::{Digest, Sha256};

/// CloudFormation's limit on an export name.
pub const MAX_EXPORT_NAME: usize = 255;
/// CloudFormation's limit on an output's logical ID.
const MAX_OUTPUT_ID: usize = 255;

/// One value a stack imports from another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Import {
    pub producer: StackId,
    /// The logical name in the producer (a resource or a parameter).
    pub name: String,
    /// `None` for `Ref`, the attribute for `Fn::GetAtt`.
    pub attribute: Option<String>,
    pub export_name: String,
}

fn hash8(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// `head` cut so that `head + hash` fits in `max`, hash taken over `whole`.
fn fit(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let hash = hash8(&text);
    let mut head = text;
    head.truncate(max - hash.len() - 1);
    format!("{head}-{hash}")
}

impl Import {
    pub(crate) fn new(producer: StackId, stack_name: &str, name: &str, attr: Option<&str>) -> Self {
        let readable = match attr {
            None => format!("{stack_name}:{name}"),
            Some(a) => format!("{stack_name}:{name}-{}", a.replace('.', "-")),
        };
        Import {
            producer,
            name: name.to_string(),
            attribute: attr.map(str::to_string),
            export_name: fit(readable, MAX_EXPORT_NAME),
        }
    }

    /// The logical ID of the output that carries the export in the producer's template.
    pub fn output_id(&self) -> String {
        let attr: String = self
            .attribute
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let id = format!("Export{}{attr}", self.name);
        if id.len() <= MAX_OUTPUT_ID {
            return id;
        }
        let hash = hash8(&id);
        let mut head = id;
        head.truncate(MAX_OUTPUT_ID - hash.len());
        head + &hash
    }

    /// The output as the producer's template holds it.
    pub fn output(&self) -> JsonValue {
        let value = match &self.attribute {
            None => serde_json::json!({ "Ref": self.name }),
            Some(a) => serde_json::json!({ "Fn::GetAtt": [self.name, a] }),
        };
        serde_json::json!({
            "Description": "Read by another stack of this app (Fn::ImportValue); escdk keeps it while a deployed stack imports it",
            "Value": value,
            "Export": { "Name": self.export_name },
        })
        .into()
    }
}

/// Stacks in an order where every stack comes after those it depends on, or the first
/// cycle found (as indexes, the cycle's start repeated at its end).
pub fn order(deps: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        i: usize,
        deps: &[Vec<usize>],
        marks: &mut [Mark],
        stack: &mut Vec<usize>,
        out: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match marks[i] {
            Mark::Done => return Ok(()),
            Mark::Open => {
                let start = stack.iter().position(|&s| s == i).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(i);
                return Err(cycle);
            }
            Mark::New => {}
        }
        marks[i] = Mark::Open;
        stack.push(i);
        for &d in &deps[i] {
            visit(d, deps, marks, stack, out)?;
        }
        stack.pop();
        marks[i] = Mark::Done;
        out.push(i);
        Ok(())
    }
    let mut marks = vec![Mark::New; deps.len()];
    let mut out = Vec::with_capacity(deps.len());
    for i in 0..deps.len() {
        visit(i, deps, &mut marks, &mut Vec::new(), &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_are_readable_and_bounded() {
        let id = StackId::next();
        let r = Import::new(id, "Network", "NetworkVpcA1B2C3D4", None);
        assert_eq!(r.export_name, "Network:NetworkVpcA1B2C3D4");
        assert_eq!(r.output_id(), "ExportNetworkVpcA1B2C3D4");
        let g = Import::new(id, "Store", "StoreCluster", Some("Endpoint.Address"));
        assert_eq!(g.export_name, "Store:StoreCluster-Endpoint-Address");
        assert_eq!(g.output_id(), "ExportStoreClusterEndpointAddress");
        let long = Import::new(id, &"S".repeat(128), &"L".repeat(255), Some("Arn"));
        assert_eq!(long.export_name.len(), MAX_EXPORT_NAME);
        assert!(long.export_name.starts_with("SSSS"));
        assert!(long.output_id().len() <= MAX_OUTPUT_ID);
        let other = Import::new(id, &"S".repeat(128), &"L".repeat(255), Some("Name"));
        assert_ne!(long.export_name, other.export_name);
    }

    #[test]
    fn order_puts_dependencies_first_and_finds_cycles() {
        assert_eq!(order(&[vec![1], vec![], vec![0, 1]]), Ok(vec![1, 0, 2]));
        assert_eq!(order(&[vec![1], vec![0]]), Err(vec![0, 1, 0]));
    }
}
