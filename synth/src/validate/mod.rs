//! Checks run at synth, before anything is written: schema constraints (generated into
//! [`crate::cfn`]), AWS naming rules ([`names`]), references ([`references`]) and
//! CloudFormation's limits ([`limits`]).

pub mod limits;
pub mod lint;
pub mod names;
pub mod parameters;
pub mod references;

use crate::diagnostics::Diagnostic;

/// CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most.
pub fn stack_name(name: &str, diags: &mut Vec<Diagnostic>) {
    let valid = (1..=128).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        diags.push(Diagnostic::error(
            name,
            format!("stack name `{name}` is not valid: CloudFormation wants a letter, then letters, digits and hyphens, 128 characters at most"),
            "rename the stack",
        ));
    }
}

/// The candidate closest to `name` (case-insensitive edit distance), to suggest a fix.
pub(crate) fn closest<'a>(candidates: &[&'a str], name: &str) -> Option<&'a str> {
    candidates
        .iter()
        .min_by_key(|c| edit_distance(&c.to_lowercase(), &name.to_lowercase()))
        .copied()
}

/// Levenshtein distance, for suggesting the closest name.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
