//! The schemas' `pattern`s are written for Java's regex engine. Rust's `regex` crate (and the
//! `jsonschema` crate) reject a few of their constructs, so each is translated here, explicitly,
//! to a pattern with the same meaning; a pattern that cannot be translated fails generation so a
//! schema refresh never drops a check silently.
//!
//! Anchoring: JSON Schema's `pattern` (and cfn-lint's `re.search`) matches anywhere in the
//! value, so an unanchored `[a-zA-Z][a-zA-Z0-9_]+` accepts `MY-VAR`. The schemas copy these
//! patterns from the services' API models, and the services match them against the whole
//! value (Lambda answers `MY-VAR` with "Member must satisfy regular expression pattern:
//! [a-zA-Z]([a-zA-Z0-9_])+"). Every pattern that is not anchored at both ends is listed in
//! [`ANCHORING`] with a reviewed decision; generation fails on one that is not, so a schema
//! refresh cannot bring in a substring check unnoticed.

/// One explicit translation of a whole pattern that uses a construct Rust's `regex` lacks.
pub struct PatternTranslation {
    pub from: &'static str,
    pub to: &'static str,
    pub why: &'static str,
}

/// Whole-pattern translations. `\Z` and `\A` are handled generically in [`translate_pattern`].
pub const PATTERN_TRANSLATIONS: &[PatternTranslation] = &[
    PatternTranslation {
        from: r"^[0-9A-Za-z\.\-_]*(?<!\.)$",
        to: r"^(?:[0-9A-Za-z.\-_]*[0-9A-Za-z\-_])?$",
        why: "look-behind `(?<!\\.)` (must not end with a dot) rewritten without look-behind",
    },
    PatternTranslation {
        from: r"^(?!\s*$).+$",
        to: r"^.*\S.*$",
        why: "look-ahead `(?!\\s*$)` (not blank) rewritten as: one line with a non-blank character",
    },
    PatternTranslation {
        from: r"^([a-z,A-Z,0-9,. _\-:/()#,@[\]+=&;\{\}!$*])*$",
        to: r"^[a-zA-Z0-9,. _\-:/()#@\[\]+=&;{}!$*]*$",
        why: "Java reads the unescaped `[` inside the class as a nested class; the intent is the \
              allowed characters, `[` and `]` among them, written as one Rust class",
    },
    PatternTranslation {
        from: r"^(^(?!(system\x2e)))(^[_a-zA-Z0-9])([^$]*)$",
        to: r"^[_a-zA-Z0-9][^$]*$",
        why: "WEAKER: the look-ahead that refuses a `system.` prefix is dropped (no look-ahead in \
              Rust's regex); the first-character and no-`$` rules are kept, and cfn-lint checks the rest",
    },
    PatternTranslation {
        from: r"^((?![:*$])[\x00-\x7F]){1,255}",
        to: r"^[\x00-\x7F&&[^:*$]]{1,255}",
        why: "look-ahead `(?![:*$])` on each ASCII character rewritten as a class intersection \
              (anchored at the end by ANCHORING, as the service matches it)",
    },
    PatternTranslation {
        from: r"^(?=.{2,256}$)([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)$",
        to: r"^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)$",
        why: "look-ahead `(?=.{2,256}$)` (the length) dropped: the same schema's minLength 2 and \
              maxLength 256 check it",
    },
];

/// How an unanchored schema pattern is checked.
pub enum Anchoring {
    /// Matched against the whole value (generated as `^(?:pattern)$`), as the service does.
    Whole,
    /// Kept as written, matched anywhere; the reason says why that is the meaning.
    AsWritten(&'static str),
}

/// The reviewed decision for each pattern (as it reads after translation) that the vendored
/// schemas leave unanchored.
pub const ANCHORING: &[(&str, Anchoring)] = &[
    // Enumerations written as patterns (SES configuration sets and identities, Lambda).
    ("ENABLED|DISABLED", Anchoring::Whole),
    ("REQUIRE|OPTIONAL", Anchoring::Whole),
    ("REQUIRE|REQUIRE_OPEN_ONLY|OPTIONAL", Anchoring::Whole),
    ("true|false", Anchoring::Whole),
    ("BOUNCE|COMPLAINT", Anchoring::Whole),
    ("MEDIUM|HIGH|MANAGED", Anchoring::Whole),
    ("RSA_1024_BIT|RSA_2048_BIT", Anchoring::Whole),
    ("USE_DEFAULT_VALUE|REJECT_MESSAGE", Anchoring::Whole),
    ("(LATEST|TRIM_HORIZON|AT_TIMESTAMP)+", Anchoring::Whole),
    // Names and identifiers: the class is the set of characters the whole value may use.
    ("[a-zA-Z][a-zA-Z0-9_]+", Anchoring::Whole),
    ("[a-zA-Z0-9]+", Anchoring::Whole),
    ("[0-9]+", Anchoring::Whole),
    ("[0-9A-Fa-f]{40}", Anchoring::Whole),
    (r"[\.\-_A-Za-z0-9]+", Anchoring::Whole),
    (r"[\.\-_/#A-Za-z0-9]+", Anchoring::Whole),
    ("[0-9a-zA-Z-]{1,40}", Anchoring::Whole),
    (r"[0-9A-Za-z_\-\*]+", Anchoring::Whole),
    (r"[a-zA-Z0-9-\/*:_+=.@-]*", Anchoring::Whole),
    ("[a-zA-Z0-9-/*:_+=.@-]*", Anchoring::Whole),
    (
        "[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}",
        Anchoring::Whole,
    ),
    (
        "[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}(::MODULE){0,1}",
        Anchoring::Whole,
    ),
    (r"[-+]?[0-9]{1,2}(\.[0-9]{0,2})?", Anchoring::Whole),
    (r"[-+]?[0-9]{1,3}(\.[0-9]{0,2})?", Anchoring::Whole),
    ("^[0-9a-zA-Z._*-]{1,128}", Anchoring::Whole),
    (r"^[0-9a-zA-Z\.\-_\/#]{1,256}", Anchoring::Whole),
    ("^[^:*]{1,512}", Anchoring::Whole),
    (r"^[.\-_/#A-Za-z0-9]{1,512}", Anchoring::Whole),
    (r"^[\x00-\x7F&&[^:*$]]{1,255}", Anchoring::Whole),
    (r"^[^.]([a-zA-Z0-9\-_.]+)", Anchoring::Whole),
    (
        r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]):[0-9]{1,5}",
        Anchoring::Whole,
    ),
    // ARNs: without `^` a value merely containing an ARN would pass.
    (
        r"arn:(aws[a-zA-Z-]*)?:iam::(\d{12}|aws):policy/[a-zA-Z_0-9+=,.@\-_/]+",
        Anchoring::Whole,
    ),
    (
        r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)",
        Anchoring::Whole,
    ),
    (
        r"^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]+(-[a-z]+)+-\d{1})?:(\d{12})?:(.*)",
        Anchoring::Whole,
    ),
    (
        r"^$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)",
        Anchoring::Whole,
    ),
    ("(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()", Anchoring::Whole),
    (
        r"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        Anchoring::Whole,
    ),
    (
        r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?",
        Anchoring::Whole,
    ),
    (
        r"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}",
        Anchoring::Whole,
    ),
    (
        "arn:aws[A-Za-z0-9-]{0,64}:cloudformation:[A-Za-z0-9-]{1,64}:([0-9]{12})?:type/.+",
        Anchoring::Whole,
    ),
    // Alternatives anchored at one end each (`^a|b$`): the intent is one of them, whole.
    (
        r"^\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9$_-]{1,129}$",
        Anchoring::Whole,
    ),
    (
        r"^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$",
        Anchoring::Whole,
    ),
    (
        r"^(^arn:aws([a-z]|\-)*:secretsmanager:[a-z0-9-.]+:.*)|(\$(\.[\w_-]+(\[(\d+|\*)\])*)*)$",
        Anchoring::Whole,
    ),
    (
        "^(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()$",
        Anchoring::Whole,
    ),
    // Patterns whose meaning is a prefix or anything at all.
    (
        "^[^:]",
        Anchoring::AsWritten("a CloudWatch namespace may not start with a colon; the rest is free"),
    ),
    (".*", Anchoring::AsWritten("any value")),
    (r"[\s\S]*", Anchoring::AsWritten("any value")),
    (
        ".{1,}",
        Anchoring::AsWritten("any non-empty key (Docker labels)"),
    ),
];

/// Whether `pattern` can only match whole values: every alternative outside a group or
/// class starts with `^` and ends with `$` (in `^a|b$` each is anchored at one end only).
pub fn is_anchored(pattern: &str) -> bool {
    let mut alternatives = vec![String::new()];
    let (mut depth, mut in_class, mut escaped) = (0i32, false, false);
    for c in pattern.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            '|' if !in_class && depth == 0 => {
                alternatives.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = alternatives.last_mut() {
            last.push(c);
        }
    }
    alternatives.iter().all(|a| {
        let backslashes = a[..a.len().saturating_sub(1)]
            .chars()
            .rev()
            .take_while(|&c| c == '\\')
            .count();
        a.starts_with('^') && a.ends_with('$') && backslashes % 2 == 0
    })
}

/// The translated pattern with its reviewed anchoring applied, or an error for an
/// unanchored pattern with no decision in [`ANCHORING`].
pub fn anchor_pattern(translated: &str) -> Result<String, String> {
    if is_anchored(translated) {
        return Ok(translated.to_string());
    }
    match ANCHORING.iter().find(|(p, _)| *p == translated) {
        Some((_, Anchoring::Whole)) => Ok(format!("^(?:{translated})$")),
        Some((_, Anchoring::AsWritten(_))) => Ok(translated.to_string()),
        None => Err(format!(
            "pattern {translated:?} is not anchored at both ends, so it would match anywhere in a \
             value: decide whether the service matches it whole and add it to ANCHORING in \
             codegen/src/patterns.rs"
        )),
    }
}

/// Returns the pattern to compile, or an error naming the construct that has no translation.
///
/// - `\Z` (end of input) becomes `$`, and `\A` (start of input) becomes `^`: without the
///   multi-line flag these mean the same in Rust's `regex`.
/// - The patterns of [`PATTERN_TRANSLATIONS`] are replaced whole.
pub fn translate_pattern(pattern: &str) -> Result<String, String> {
    if let Some(t) = PATTERN_TRANSLATIONS.iter().find(|t| t.from == pattern) {
        return Ok(t.to.to_string());
    }
    let translated = pattern.replace(r"\Z", "$").replace(r"\A", "^");
    for unsupported in ["(?<", "(?=", "(?!", "\\G", "\\z"] {
        if translated.contains(unsupported) && !translated.contains("(?<name>") {
            return Err(format!(
                "pattern {pattern:?} uses {unsupported:?}, which Rust's regex does not support: \
                 add a translation to PATTERN_TRANSLATIONS in codegen/src/patterns.rs"
            ));
        }
    }
    Ok(translated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_input_anchor_is_translated() {
        assert_eq!(
            translate_pattern(r"^[.\-_/#A-Za-z0-9]{1,512}\Z").unwrap(),
            r"^[.\-_/#A-Za-z0-9]{1,512}$"
        );
    }

    #[test]
    fn translations_keep_their_meaning() {
        let re = |p: &str| {
            let t = anchor_pattern(&translate_pattern(p).unwrap()).unwrap();
            regex::Regex::new(&t).unwrap()
        };
        let no_trailing_dot = re(r"^[0-9A-Za-z\.\-_]*(?<!\.)$");
        for (s, ok) in [
            ("abc", true),
            ("", true),
            ("a.b", true),
            ("abc.", false),
            (".", false),
            ("a b", false),
        ] {
            assert_eq!(no_trailing_dot.is_match(s), ok, "{s:?}");
        }
        let group_description = re(r"^([a-z,A-Z,0-9,. _\-:/()#,@[\]+=&;\{\}!$*])*$");
        for (s, ok) in [
            ("Allows [db] access: 5432/tcp", true),
            ("tab\tnot allowed", false),
            ("caf\u{e9}", false),
        ] {
            assert_eq!(group_description.is_match(s), ok, "{s:?}");
        }
        let not_blank = re(r"^(?!\s*$).+$");
        for (s, ok) in [("x", true), (" x ", true), ("", false), ("   ", false)] {
            assert_eq!(not_blank.is_match(s), ok, "{s:?}");
        }
        // Python's `re.search` (cfn-lint) needs only the first character to qualify;
        // CloudWatch checks every character.
        let metric_name = re(r"^((?![:*$])[\x00-\x7F]){1,255}");
        for (s, ok) in [
            ("ErrorLines", true),
            ("backend/errors", true),
            (":x", false),
            ("*", false),
            ("$x", false),
            ("\u{e9}x", false),
            ("x\u{e9}", false),
            ("errors:5xx", false),
            ("", false),
        ] {
            assert_eq!(metric_name.is_match(s), ok, "{s:?}");
        }
        let repository = re(
            r"^(?=.{2,256}$)([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)$",
        );
        for (s, ok) in [
            ("event-sourcing-app-backend", true),
            ("team/app_1", true),
            ("App", false),
            ("app-", false),
            ("/app", false),
        ] {
            assert_eq!(repository.is_match(s), ok, "{s:?}");
        }
    }

    #[test]
    fn unanchored_patterns_match_whole_values_unless_reviewed_otherwise() {
        let whole = |p: &str| regex::Regex::new(&anchor_pattern(p).unwrap()).unwrap();
        let env_key = whole("[a-zA-Z][a-zA-Z0-9_]+");
        for (s, ok) in [
            ("MY_VAR", true),
            ("MY-VAR", false),
            ("9LIVES", false),
            ("A", false),
        ] {
            assert_eq!(env_key.is_match(s), ok, "{s:?}");
        }
        let tls = whole("REQUIRE|OPTIONAL");
        for (s, ok) in [("REQUIRE", true), ("OPTIONAL", true), ("REQUIRED", false)] {
            assert_eq!(tls.is_match(s), ok, "{s:?}");
        }
        // `^$|arn:…` is anchored only in its first alternative.
        let destination = whole(
            r"^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]+(-[a-z]+)+-\d{1})?:(\d{12})?:(.*)",
        );
        for (s, ok) in [
            ("", true),
            ("arn:aws:sqs:eu-west-1:123456789012:dlq", true),
            ("queue arn:aws:sqs:eu-west-1:123456789012:dlq", false),
        ] {
            assert_eq!(destination.is_match(s), ok, "{s:?}");
        }
        let namespace = whole("^[^:]");
        assert!(namespace.is_match("EventSourcing/Backend"));
        assert!(!namespace.is_match(":x"));
        assert!(is_anchored("^a(b|c)$"));
        assert!(!is_anchored("^a|c$"));
        assert!(!is_anchored(r"^a\$"));
        assert!(is_anchored(r"^a\\$"));
        assert!(is_anchored("^$|^[a-z]+$"));
        assert!(anchor_pattern("[a-z]+x").is_err());
    }

    #[test]
    fn lookbehind_without_translation_is_an_error() {
        assert!(translate_pattern(r"^a(?<!b)$").is_err());
    }
}
