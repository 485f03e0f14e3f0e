//! Security and best-practice rules, checked at synth over every resource of every stack, as
//! cdk-nag does for the CDK. Each rule has an id (`ESCDK-…`), a level, a one-line
//! explanation and the fix; a failure is reported with the construct path like any synth
//! diagnostic. Levels: [`Level::Error`] fails synth, [`Level::Warning`] is printed,
//! [`Level::Info`] is printed as worth knowing. `synth --rules strict` makes every failure an
//! error, `--rules off` checks nothing; the default is the levels as written. The CLI's
//! `synth` and the deploy verbs run them; in code, `synth_with_rules` does (plain `synth`,
//! for tests of one construct, does not).
//!
//! A rule that is wrong for a resource is suppressed in code, next to what it suppresses,
//! with the reason ([`suppress`], [`suppress_scope`]). The suppression is written into the
//! resource's `Metadata` in the forms the independent tools read (`checkov.skip` with the
//! reason as `comment`, `cfn-lint.config.ignore_checks`), so an auditor running checkov or
//! cfn-lint on the template sees the same decision and why. A suppression may also name a
//! checkov check (`CKV_AWS_117`) that no rule of ours covers.
//!
//! ```
//! use escdk_synth::{rules, rules::Mode, Stack, cfn::logs::CfnLogGroup};
//! let stack = Stack::new("Demo");
//! let audit = stack.root().add("Audit", CfnLogGroup::default());
//! let s = stack.synth_with_rules(Mode::Default).unwrap();
//! assert!(s.warnings.iter().any(|w| w.message.starts_with("ESCDK-LOG-RETENTION")));
//! assert!(stack.synth_with_rules(Mode::Strict).is_err());
//! rules::suppress(&audit, "ESCDK-LOG-RETENTION", "the audit trail of payments is kept for good");
//! let t = stack.synth_with_rules(Mode::Default).unwrap().template().clone();
//! assert_eq!(t["Resources"]["Audit"]["Metadata"]["checkov"]["skip"][0]["id"], "CKV_AWS_66");
//! ```

mod answers;
mod check;
mod encryption;
mod iam;
mod lambda;
mod lifecycle;
mod network;
mod pack;
mod rds;
mod storage;
mod suppress;

pub use answers::{Answer, ANSWERS};
pub use check::{refers_to, Referrers, Subject};
pub use pack::RULES;
pub use suppress::{suppress, suppress_scope, Suppression};

pub(crate) use check::run;

/// How bad a rule's failure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Synth fails.
    Error,
    /// Printed; synth goes on (an error with `--rules strict`).
    Warning,
    /// Printed as worth knowing (an error with `--rules strict`).
    Info,
}

/// Which rules run, and how hard (`synth --rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every failure is an error.
    Strict,
    /// Each rule at its level.
    #[default]
    Default,
    /// No rule runs.
    Off,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `ESCDK-<AREA>-<WHAT>`.
    pub id: &'static str,
    pub level: Level,
    /// The resource types it looks at.
    pub types: &'static [&'static str],
    /// What it requires and why, in one line.
    pub explanation: &'static str,
    /// What to do when it fails.
    pub fix: &'static str,
    /// The checkov checks that ask the same (a suppression skips them too).
    pub checkov: &'static [&'static str],
    /// `Some(what is wrong)` when the resource fails the rule.
    pub check: fn(&Subject) -> Option<String>,
}

/// What the rules found in one stack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rule-resource pairs checked.
    pub checked: usize,
    /// Of those, failed and not suppressed.
    pub failed: usize,
    /// Of those, failed and suppressed with a reason.
    pub suppressed: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rules: {} checked, {} failed, {} suppressed",
            self.checked, self.failed, self.suppressed
        )
    }
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The rules that look at resources of `type_name`, in [`RULES`]' order (an index made
/// once, instead of asking every rule of every resource).
pub(crate) fn for_type(type_name: &str) -> &'static [&'static Rule] {
    static BY_TYPE: std::sync::OnceLock<crate::hashing::HashMap<&str, Vec<&Rule>>> =
        std::sync::OnceLock::new();
    BY_TYPE
        .get_or_init(|| {
            let mut by_type = crate::hashing::HashMap::<&str, Vec<&Rule>>::default();
            for rule in RULES {
                for t in rule.types {
                    by_type.entry(*t).or_default().push(rule);
                }
            }
            by_type
        })
        .get(type_name)
        .map_or(&[], Vec::as_slice)
}
#[cfg(test)]
mod tests;
