//! The schemas' `pattern`s are written for Java's regex engine. Rust's `regex` crate (and the
//! `jsonschema` crate) reject a few of their constructs, so each is translated here, explicitly,
//! to a pattern with the same meaning; a pattern that cannot be translated fails generation so a
//! schema refresh never drops a check silently.

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
        why: "look-ahead `(?![:*$])` on each ASCII character rewritten as a class intersection; \
              unanchored at the end like the original",
    },
    PatternTranslation {
        from: r"^(?=.{2,256}$)([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)$",
        to: r"^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)$",
        why: "look-ahead `(?=.{2,256}$)` (the length) dropped: the same schema's minLength 2 and \
              maxLength 256 check it",
    },
];

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
        let re = |p: &str| regex::Regex::new(&translate_pattern(p).unwrap()).unwrap();
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
        // Python's `re.search` (cfn-lint) needs only the first character to qualify.
        let metric_name = re(r"^((?![:*$])[\x00-\x7F]){1,255}");
        for (s, ok) in [
            ("ErrorLines", true),
            ("backend/errors", true),
            (":x", false),
            ("*", false),
            ("$x", false),
            ("\u{e9}x", false),
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
    fn lookbehind_without_translation_is_an_error() {
        assert!(translate_pattern(r"^a(?<!b)$").is_err());
    }
}
