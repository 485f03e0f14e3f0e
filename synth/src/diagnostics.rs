//! Errors and warnings found at synth: each names the construct path, the property where
//! there is one, what is wrong and what to do about it.

use std::fmt;

/// How bad a finding is: errors stop synth, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, nothing to fix (aspects report these).
    Info,
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stack name, then the construct path inside it: `Recipe/EventStore/Resource`.
    pub path: String,
    /// The resource's logical ID, when the finding is about one resource.
    pub logical_id: Option<String>,
    /// Dotted property path, e.g. `Properties.TableName`.
    pub property: Option<String>,
    pub message: String,
    pub fix: String,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            logical_id: None,
            property: None,
            message: message.into(),
            fix: fix.into(),
        }
    }

    pub fn warning(
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message, fix)
        }
    }

    pub fn info(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Info,
            ..Diagnostic::error(path, message, "")
        }
    }

    pub fn with_property(mut self, property: impl Into<String>) -> Self {
        self.property = Some(property.into());
        self
    }

    pub fn with_logical_id(mut self, logical_id: impl Into<String>) -> Self {
        self.logical_id = Some(logical_id.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        write!(f, "{level}: {}", self.path)?;
        if let Some(id) = &self.logical_id {
            write!(f, " ({id})")?;
        }
        if let Some(p) = &self.property {
            write!(f, " {p}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.fix.is_empty() {
            write!(f, "\n  fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// Synth failed: every error found, in a stable order.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        write!(
            f,
            "synth failed with {errors} error(s); nothing was written"
        )
    }
}

impl std::error::Error for SynthError {}

/// Where an error about a property of a construct is recorded: a [`crate::Scope`] (the
/// construct at its path). Value types that check themselves against a property's range
/// ([`crate::units`]) report through it without knowing the construct tree.
pub trait PropertyErrors {
    /// Records an error about `property` of the construct's props.
    fn property_error(&self, property: &str, message: String, fix: String);
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
