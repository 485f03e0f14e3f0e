//! The schema's constraints on literal values: patterns, rules, combinations of
//! properties, and the [`Check`] that collects violations with their property paths.

use crate::json::Json;
use crate::value::{Map, Value};
use regex::Regex;
use std::sync::OnceLock;

/// Checks a value's literals against a schema rule.
pub trait Validate {
    fn validate(&self, rule: &Rule, cx: &mut Check);
}

/// A regex from a schema `pattern`, compiled on first use.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }
    pub fn source(&self) -> &'static str {
        self.source
    }
    /// `None` only if the pattern does not compile; a test asserts every generated one does.
    pub fn is_match(&self, s: &str) -> Option<bool> {
        self.compiled
            .get_or_init(|| Regex::new(self.source).ok())
            .as_ref()
            .map(|re| re.is_match(s))
    }
}

/// The schema's constraints on one value.
pub struct Rule {
    pub min_len: Option<usize>,
    pub max_len: Option<usize>,
    pub pattern: Option<&'static Pattern>,
    pub enum_values: &'static [&'static str],
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    /// The rule for each item of a list, or each value of a map.
    pub items: Option<&'static Rule>,
    pub key_pattern: Option<&'static Pattern>,
}

impl Rule {
    pub const NONE: Rule = Rule {
        min_len: None,
        max_len: None,
        pattern: None,
        enum_values: &[],
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        items: None,
        key_pattern: None,
    };
}

/// Constraints between the properties of one object.
pub enum Combo {
    AnyOf(&'static [&'static [&'static str]]),
    OneOf(&'static [&'static [&'static str]]),
    Requires(&'static str, &'static [&'static str]),
    Excludes(&'static str, &'static [&'static str]),
    Xor(&'static [&'static str]),
    Or(&'static [&'static str]),
}

/// One schema violation: where, what, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Dotted property path, e.g. `StreamSpecification.StreamViewType`.
    pub property: String,
    pub message: String,
    pub fix: String,
}

/// Validation context: the property path being checked and the violations found.
#[derive(Default)]
pub struct Check {
    path: Vec<String>,
    pub(crate) violations: Vec<Violation>,
}

impl Check {
    pub fn field<T: Validate>(&mut self, name: &str, value: &T, rule: &Rule) {
        self.path.push(name.to_string());
        value.validate(rule, self);
        self.path.pop();
    }

    pub(crate) fn item<T: Validate>(&mut self, index: String, value: &T, rule: &Rule) {
        match self.path.last_mut() {
            Some(last) => {
                let saved = last.clone();
                last.push_str(&index);
                value.validate(rule, self);
                if let Some(last) = self.path.last_mut() {
                    *last = saved;
                }
            }
            None => value.validate(rule, self),
        }
    }

    /// A violation at the property `name` below the current path.
    pub(crate) fn violation_at(&mut self, name: &str, message: String, fix: String) {
        self.path.push(name.to_string());
        self.violation(message, fix);
        self.path.pop();
    }

    /// Checks a list's length and uniqueness against `rule`.
    pub(crate) fn counts<T: PartialEq>(&mut self, items: &[T], rule: &Rule) {
        let n = items.len();
        if let Some(min) = rule.min_items {
            if n < min {
                self.violation(
                    format!("has {n} items, fewer than the minimum {min}"),
                    format!("give at least {min}"),
                );
            }
        }
        if let Some(max) = rule.max_items {
            if n > max {
                self.violation(
                    format!("has {n} items, more than the maximum {max}"),
                    format!("give at most {max}"),
                );
            }
        }
        if rule.unique_items {
            if let Some(i) = (1..n).find(|&i| items[..i].contains(&items[i])) {
                self.violation(
                    format!("item {i} repeats an earlier item"),
                    "remove the duplicate".to_string(),
                );
            }
        }
    }

    /// Checks a map's key against `rule`'s key pattern.
    pub(crate) fn key(&mut self, key: &str, rule: &Rule) {
        if let Some(p) = rule.key_pattern {
            if p.is_match(key) == Some(false) {
                self.violation(
                    format!("key `{key}` does not match the pattern `{}`", p.source()),
                    "rename the key".to_string(),
                );
            }
        }
    }

    pub fn violation(&mut self, message: String, fix: String) {
        self.violations.push(Violation {
            property: self.path.join("."),
            message,
            fix,
        });
    }

    /// Checks presence constraints between properties.
    pub fn combos(&mut self, combos: &[Combo], present: &dyn Fn(&str) -> bool) {
        let all = |names: &[&str]| names.iter().all(|n| present(n));
        let list = |names: &[&str]| names.join(", ");
        for combo in combos {
            match combo {
                Combo::AnyOf(alts) if !alts.iter().any(|a| all(a)) => {
                    let options: Vec<String> = alts.iter().map(|a| list(a)).collect();
                    self.violation(
                        format!("needs one of: {}", options.join(" | ")),
                        format!("set {}", options.join(", or ")),
                    );
                }
                Combo::OneOf(alts) if alts.iter().filter(|a| all(a)).count() != 1 => {
                    let options: Vec<String> = alts.iter().map(|a| list(a)).collect();
                    self.violation(
                        format!("needs exactly one of: {}", options.join(" | ")),
                        "set exactly one of them".to_string(),
                    );
                }
                Combo::Requires(p, needs) if present(p) && !all(needs) => {
                    self.violation(
                        format!("{p} is set, which requires {}", list(needs)),
                        format!("set {} too, or unset {p}", list(needs)),
                    );
                }
                Combo::Excludes(p, excl) if present(p) && excl.iter().any(|e| present(e)) => {
                    let set: Vec<&str> = excl.iter().copied().filter(|e| present(e)).collect();
                    self.violation(
                        format!("{p} cannot be combined with {}", list(&set)),
                        format!("unset {} or {p}", list(&set)),
                    );
                }
                Combo::Xor(names) if names.iter().filter(|n| present(n)).count() != 1 => {
                    self.violation(
                        format!("exactly one of {} must be set", list(names)),
                        "set exactly one of them".to_string(),
                    );
                }
                Combo::Or(names) if !names.iter().any(|n| present(n)) => {
                    self.violation(
                        format!("at least one of {} must be set", list(names)),
                        format!("set {}", names.join(" or ")),
                    );
                }
                _ => {}
            }
        }
    }
}

fn check_enum(cx: &mut Check, rule: &Rule, shown: &str) {
    if !rule.enum_values.is_empty() && !rule.enum_values.contains(&shown) {
        cx.violation(
            format!("`{shown}` is not an allowed value"),
            format!("use one of: {}", rule.enum_values.join(", ")),
        );
    }
}

fn check_number(cx: &mut Check, rule: &Rule, n: f64, shown: &str) {
    if let Some(min) = rule.minimum {
        if n < min {
            cx.violation(
                format!("{shown} is below the minimum {min}"),
                format!("use a value of at least {min}"),
            );
        }
    }
    if let Some(max) = rule.maximum {
        if n > max {
            cx.violation(
                format!("{shown} is above the maximum {max}"),
                format!("use a value of at most {max}"),
            );
        }
    }
    check_enum(cx, rule, shown);
}

impl Validate for String {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        let len = self.chars().count();
        if let Some(min) = rule.min_len {
            if len < min {
                cx.violation(
                    format!("`{self}` is {len} characters long, shorter than the minimum {min}"),
                    format!("use at least {min} characters"),
                );
            }
        }
        if let Some(max) = rule.max_len {
            if len > max {
                cx.violation(
                    format!("`{self}` is {len} characters long, longer than the maximum {max}"),
                    format!("shorten it to at most {max} characters"),
                );
            }
        }
        if let Some(p) = rule.pattern {
            if p.is_match(self) == Some(false) {
                cx.violation(
                    format!("`{self}` does not match the pattern `{}`", p.source()),
                    "use only the characters and form the pattern allows".to_string(),
                );
            }
        }
        check_enum(cx, rule, self);
    }
}

impl Validate for i64 {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        check_number(cx, rule, *self as f64, &self.to_string());
    }
}

impl Validate for f64 {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if !self.is_finite() {
            // JSON has no NaN or infinity: it would be written as `null`.
            cx.violation(
                format!("{self} is not a number a template can hold"),
                "give a finite number".to_string(),
            );
            return;
        }
        check_number(cx, rule, *self, &self.to_string());
    }
}

impl Validate for bool {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        check_enum(cx, rule, if *self { "true" } else { "false" });
    }
}

impl Validate for Json {
    fn validate(&self, _: &Rule, _: &mut Check) {}
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if let Some(v) = self {
            v.validate(rule, cx);
        }
    }
}

impl<T: Validate> Validate for Value<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        if let Value::Lit(v) = self {
            v.validate(rule, cx);
        }
    }
}

impl<T: Validate + PartialEq> Validate for Vec<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        cx.counts(self, rule);
        let item_rule = rule.items.unwrap_or(&Rule::NONE);
        for (i, v) in self.iter().enumerate() {
            cx.item(format!("[{i}]"), v, item_rule);
        }
    }
}

impl<T: Validate> Validate for Map<T> {
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        let value_rule = rule.items.unwrap_or(&Rule::NONE);
        for (k, v) in self {
            cx.key(k, rule);
            cx.item(format!("[{k}]"), v, value_rule);
        }
    }
}
