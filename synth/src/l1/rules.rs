//! The schema's constraints on literal values: patterns, rules, combinations of
//! properties, and the [`Check`] that collects violations with their property paths.

use super::simple_pattern::Simple;
use crate::json::Json;
use crate::value::{Map, Value};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Checks a value's literals against a schema rule.
pub trait Validate {
    fn validate(&self, rule: &Rule, cx: &mut Check);
}

/// A schema `pattern` (or a template parameter's `AllowedPattern`): matched without a
/// regex engine when it is simple (see `l1::simple_pattern`; generated code holds the tree
/// codegen parsed, others parse at first use), else by a regex compiled on first use.
pub struct Pattern {
    source: Cow<'static, str>,
    simple: Parsed,
    compiled: OnceLock<Option<Regex>>,
}

/// A pattern's tree for the simple matcher.
enum Parsed {
    /// Parsed by codegen (`None`: a pattern the matcher does not read).
    Built(Option<&'static Simple>),
    /// Parsed at first use.
    Lazy(OnceLock<Option<Simple>>),
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source: Cow::Borrowed(source),
            simple: Parsed::Lazy(OnceLock::new()),
            compiled: OnceLock::new(),
        }
    }
    /// A pattern made at run time (a template parameter's, say), parsed at first use.
    pub fn owned(source: String) -> Self {
        Pattern {
            source: Cow::Owned(source),
            simple: Parsed::Lazy(OnceLock::new()),
            compiled: OnceLock::new(),
        }
    }
    /// A pattern codegen parsed: `simple` is what `Simple::parse(source)` gives (a test
    /// holds every generated pattern to that).
    pub(crate) const fn built(source: &'static str, simple: Option<&'static Simple>) -> Self {
        Pattern {
            source: Cow::Borrowed(source),
            simple: Parsed::Built(simple),
            compiled: OnceLock::new(),
        }
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    fn simple(&self) -> Option<&Simple> {
        match &self.simple {
            Parsed::Built(simple) => *simple,
            Parsed::Lazy(cell) => cell.get_or_init(|| Simple::parse(&self.source)).as_ref(),
        }
    }
    /// `None` only if the pattern does not compile; a test asserts every generated one does.
    pub fn is_match(&self, s: &str) -> Option<bool> {
        if let Some(answer) = self.simple().and_then(|p| p.is_match(s)) {
            return Some(answer);
        }
        self.regex_match(s)
    }
    /// The answer of the regex engine alone (the oracle of the simple matcher's tests).
    pub fn regex_match(&self, s: &str) -> Option<bool> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
            .map(|re| re.is_match(s))
    }
    /// Whether the pattern is matched without the regex engine (for ASCII values at least).
    pub fn is_simple(&self) -> bool {
        self.simple().is_some()
    }

    /// Whether codegen's tree is what parsing the source gives now (always, for a pattern
    /// parsed at first use).
    pub fn built_as_parsed(&self) -> bool {
        match &self.simple {
            Parsed::Built(simple) => simple.cloned() == Simple::parse(&self.source),
            Parsed::Lazy(_) => true,
        }
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
    /// Formats (cfn-lint's) of which a literal must have one.
    pub formats: &'static [Format],
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
        formats: &[],
    };
}

/// A schema `format`, checked on literal strings as cfn-lint checks it
/// (codegen/src/formats.rs lists each and where it comes from).
pub enum Format {
    /// A named format checked by a regular expression.
    Pattern(&'static str, &'static Pattern),
    /// A bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and
    /// ending with a letter or digit, with no `..`, `.-` or `-.`.
    S3BucketName,
    /// An IPv4 network (`10.0.0.0/16`; an address alone is a /32) with no host bits set.
    Ipv4Network,
    /// An IPv6 network (`2001:db8::/32`) with no host bits set.
    Ipv6Network,
    /// An RFC 3339 date and time.
    DateTime,
    /// A URI: a scheme, a colon and no spaces.
    Uri,
    /// A JSON document (when given as a string).
    Json,
}

impl Format {
    pub fn name(&self) -> &'static str {
        match self {
            Format::Pattern(name, _) => name,
            Format::S3BucketName => "AWS::S3::Bucket.Name",
            Format::Ipv4Network => "ipv4-network",
            Format::Ipv6Network => "ipv6-network",
            Format::DateTime => "date-time",
            Format::Uri => "uri",
            Format::Json => "json",
        }
    }

    pub fn accepts(&self, s: &str) -> bool {
        match self {
            Format::Pattern(_, p) => p.is_match(s) != Some(false),
            Format::S3BucketName => {
                let edge = |c: Option<char>| {
                    c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                };
                (3..=63).contains(&s.len())
                    && s.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    })
                    && edge(s.chars().next())
                    && edge(s.chars().last())
                    && !s.contains("..")
                    && !s.contains(".-")
                    && !s.contains("-.")
            }
            Format::Ipv4Network => network(s, false),
            Format::Ipv6Network => network(s, true),
            Format::DateTime => {
                static RE: Pattern = Pattern::new(
                    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$",
                );
                RE.is_match(s) == Some(true)
            }
            Format::Uri => {
                let (scheme, rest) = s.split_once(':').unwrap_or(("", ""));
                scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                    && !rest.contains(char::is_whitespace)
            }
            Format::Json => serde_json::from_str::<serde_json::Value>(s).is_ok(),
        }
    }
}

/// `address[/prefix]` with no bits set after the prefix (Python's strict `ip_network`,
/// which cfn-lint uses).
fn network(s: &str, v6: bool) -> bool {
    let (address, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, p.parse::<u32>().ok()),
        None => (s, None),
    };
    let (bits, width) = if v6 {
        match address.parse::<std::net::Ipv6Addr>() {
            Ok(a) => (a.to_bits(), 128),
            Err(_) => return false,
        }
    } else {
        match address.parse::<std::net::Ipv4Addr>() {
            Ok(a) => (u128::from(a.to_bits()), 32),
            Err(_) => return false,
        }
    };
    if s.contains('/') && prefix.is_none() {
        return false;
    }
    let prefix = prefix.unwrap_or(width);
    if prefix > width {
        return false;
    }
    let host = width - prefix;
    let mask = 1u128.checked_shl(host).map_or(u128::MAX, |b| b - 1);
    bits & mask == 0
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
    /// Property names, borrowed from the generated tables: nothing is allocated for a
    /// property that passes.
    path: Vec<Cow<'static, str>>,
    pub(crate) violations: Vec<Violation>,
}

impl Check {
    pub fn field<T: Validate>(&mut self, name: &'static str, value: &T, rule: &Rule) {
        self.path.push(Cow::Borrowed(name));
        value.validate(rule, self);
        self.path.pop();
    }

    pub(crate) fn item<T: Validate>(&mut self, index: String, value: &T, rule: &Rule) {
        match self.path.last_mut() {
            Some(last) => {
                let saved = last.clone();
                last.to_mut().push_str(&index);
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
        self.path.push(Cow::Owned(name.to_string()));
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
        // In characters, counted only where the schema bounds the length.
        let len = if rule.min_len.is_some() || rule.max_len.is_some() {
            self.chars().count()
        } else {
            0
        };
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
        if !rule.formats.is_empty() && !rule.formats.iter().any(|f| f.accepts(self)) {
            let names: Vec<&str> = rule.formats.iter().map(Format::name).collect();
            cx.violation(
                format!("`{self}` is not a valid {}", names.join(" or ")),
                format!(
                    "give a {} (or a reference to the resource that has it)",
                    names.join(" or ")
                ),
            );
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
    fn validate(&self, rule: &Rule, cx: &mut Check) {
        // A document given as a JSON string must parse (`format: json`).
        if let Json::String(s) = self {
            if rule.formats.iter().any(|f| matches!(f, Format::Json)) && !Format::Json.accepts(s) {
                cx.violation(
                    "the string is not a JSON document".to_string(),
                    "give the document as an object, or a string that parses as JSON".to_string(),
                );
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn formats_accept_what_cfn_lint_accepts() {
        let cases: &[(Format, &str, bool)] = &[
            (Format::Ipv4Network, "10.0.0.0/16", true),
            (Format::Ipv4Network, "10.0.0.1", true),
            (Format::Ipv4Network, "0.0.0.0/0", true),
            (Format::Ipv4Network, "10.0.0.1/16", false),
            (Format::Ipv4Network, "10.0.0.0/33", false),
            (Format::Ipv4Network, "10.0.0/16", false),
            (Format::Ipv4Network, "10.0.0.0/", false),
            (Format::Ipv6Network, "2001:db8::/32", true),
            (Format::Ipv6Network, "::/0", true),
            (Format::Ipv6Network, "2001:db8::1/32", false),
            (Format::Ipv6Network, "10.0.0.0/8", false),
            (Format::S3BucketName, "my-bucket.logs", true),
            (Format::S3BucketName, "ab", false),
            (Format::S3BucketName, "My-Bucket", false),
            (Format::S3BucketName, "-bucket", false),
            (Format::S3BucketName, "bucket.", false),
            (Format::S3BucketName, "a..b", false),
            (Format::S3BucketName, "a.-b", false),
            (Format::DateTime, "2026-11-23T10:00:00Z", true),
            (Format::DateTime, "2026-11-23T10:00:00.5+01:00", true),
            (Format::DateTime, "2026-13-23T10:00:00Z", false),
            (Format::DateTime, "2026-11-23", false),
            (Format::Uri, "https://example.com/x", true),
            (Format::Uri, "example.com", false),
            (Format::Uri, "https://exa mple.com", false),
            (Format::Json, "{\"a\": 1}", true),
            (Format::Json, "{not json", false),
        ];
        for (format, value, ok) in cases {
            assert_eq!(format.accepts(value), *ok, "{} {value:?}", format.name());
        }
    }
}
