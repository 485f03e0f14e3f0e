//! YAML output (`synth --format yaml`): block style, two spaces a level, keys in template
//! order, every string written so that a YAML 1.1 reader, as CloudFormation's is, reads it
//! back as the same string.
//!
//! A YAML 1.2 writer leaves `yes`, `on`, `off`, `y`, `1_000`, `1:20` (sexagesimal 80) and
//! `2024-01-01` plain; under YAML 1.1 they are booleans, numbers and dates, so an
//! environment variable `on` would reach the container as `true`. Here a string is plain
//! only when it starts with a letter, `/`, `_` or `$` and is none of YAML 1.1's words
//! (booleans and nulls, in any case): so no plain string can be read as a number, a date,
//! a null or a boolean. Others are single-quoted, or double-quoted when they hold a
//! character that must be escaped; multi-line text is a literal block (`|`, `|-`).
//!
//! ```
//! let v = serde_json::json!({"A": "on", "B": ["x", 8080, "2024-01-01"], "C": "arn:aws:s3:::b"});
//! assert_eq!(
//!     escdk_synth::yaml::to_string(&v.into()),
//!     "A: 'on'\nB:\n  - x\n  - 8080\n  - '2024-01-01'\nC: arn:aws:s3:::b\n"
//! );
//! ```

use crate::json::JsonValue;
use crate::node::Object;
use std::fmt::Write;

/// The value as a YAML document.
pub fn to_string(value: &JsonValue) -> String {
    let mut out = String::with_capacity(8192);
    match value {
        JsonValue::Object(m) if !m.is_empty() => write_map(m, 0, false, &mut out),
        JsonValue::Array(a) if !a.is_empty() => write_seq(a, 0, false, &mut out),
        scalar => {
            write_scalar(scalar, &mut out);
            out.push('\n');
        }
    }
    out
}

fn pad(indent: usize, out: &mut String) {
    for _ in 0..indent {
        out.push(' ');
    }
}

/// The members of `m`, keys at `indent` (the first on the current line when `inline_first`,
/// after a sequence's `- `).
fn write_map(m: &Object, indent: usize, inline_first: bool, out: &mut String) {
    for (i, (key, value)) in m.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(indent, out);
        }
        write_str(key, out);
        out.push(':');
        write_after_indicator(value, indent, out);
    }
}

/// The items of `a`, dashes at `indent`.
fn write_seq(a: &[JsonValue], indent: usize, inline_first: bool, out: &mut String) {
    for (i, item) in a.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(indent, out);
        }
        out.push('-');
        match item {
            JsonValue::Object(m) if !m.is_empty() => {
                out.push(' ');
                write_map(m, indent + 2, true, out);
            }
            JsonValue::Array(a) if !a.is_empty() => {
                out.push(' ');
                write_seq(a, indent + 2, true, out);
            }
            _ => write_after_indicator(item, indent, out),
        }
    }
}

/// What follows `key:` or `-` of a node at `indent`: a scalar on the same line, or a
/// collection or literal block on the lines below, two spaces deeper.
fn write_after_indicator(value: &JsonValue, indent: usize, out: &mut String) {
    match value {
        JsonValue::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(m, indent + 2, false, out);
        }
        JsonValue::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(a, indent + 2, false, out);
        }
        JsonValue::String(s) if literal_block(s) => {
            let body = s.strip_suffix('\n');
            out.push_str(if body.is_some() { " |\n" } else { " |-\n" });
            for line in body.unwrap_or(s).split('\n') {
                if !line.is_empty() {
                    pad(indent + 2, out);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        scalar => {
            out.push(' ');
            write_scalar(scalar, out);
            out.push('\n');
        }
    }
}

fn write_scalar(value: &JsonValue, out: &mut String) {
    match value {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Number(n) => {
            let _ = write!(out, "{n}");
        }
        JsonValue::String(s) => write_str(s, out),
        JsonValue::Array(_) => out.push_str("[]"),
        JsonValue::Object(_) => out.push_str("{}"),
    }
}

/// A character a YAML scalar can hold only escaped, in double quotes.
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Multi-line text that a literal block holds exactly: lines of printable characters (tabs
/// allowed), the first with text not starting with a blank (the block's indentation is read
/// from it), and at most one final newline (kept by `|`, none by `|-`).
fn literal_block(s: &str) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    body.contains('\n')
        && !body.ends_with('\n')
        && s.chars().all(|c| c == '\n' || c == '\t' || !must_escape(c))
        && body
            .split('\n')
            .find(|l| !l.is_empty())
            .is_some_and(|l| !l.starts_with([' ', '\t']))
}

/// A string YAML 1.1 and 1.2 both read plain as that string (see the module's docs).
fn plain(s: &str) -> bool {
    const WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "=", "<<",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_alphabetic() || matches!(first, '/' | '_' | '$'))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(must_escape)
        && !WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

fn write_str(s: &str, out: &mut String) {
    if plain(s) {
        out.push_str(s);
    } else if !s.chars().any(must_escape) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\u{85}' => out.push_str("\\N"),
                '\u{2028}' => out.push_str("\\L"),
                '\u{2029}' => out.push_str("\\P"),
                c if must_escape(c) => {
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::to_string;
    use serde_json::json;

    fn yaml(v: serde_json::Value) -> String {
        to_string(&v.into())
    }

    #[test]
    fn strings_yaml_1_1_reads_otherwise_are_quoted() {
        for s in [
            "yes",
            "Yes",
            "NO",
            "on",
            "OFF",
            "y",
            "N",
            "true",
            "False",
            "null",
            "~",
            "",
            "=",
            "<<",
            "0x10",
            "017",
            "08",
            "1e3",
            "1_000",
            "1:20",
            "12:30:00",
            "2024-01-01",
            ".5",
            ".inf",
            "-.inf",
            "+1",
            "- x",
            "a: b",
            "b:",
            "x #c",
            "#c",
            "!t",
            "&a",
            "*a",
            "%x",
            "@x",
            "`x",
            "|",
            ">",
            "'q",
            "\"q",
            "[a]",
            "{a}",
            " lead",
            "trail ",
        ] {
            let out = yaml(json!({ "K": s }));
            assert!(
                out.starts_with("K: '") || out.starts_with("K: \""),
                "{s:?}: {out}"
            );
        }
        for s in [
            "x",
            "arn:aws:s3:::b/*",
            "Fn::Sub",
            "${AWS::Region}",
            "/p/x",
            "é ü",
            "a b",
        ] {
            assert_eq!(yaml(json!({ "K": s })), format!("K: {s}\n"));
        }
    }

    #[test]
    fn escapes_and_blocks() {
        assert_eq!(yaml(json!({"K": "it's"})), "K: it's\n");
        assert_eq!(yaml(json!({"K": "it's: x"})), "K: 'it''s: x'\n");
        assert_eq!(
            yaml(json!({"K": "a\tb\u{85}\u{7f}\"\\"})),
            "K: \"a\\tb\\N\\u007F\\\"\\\\\"\n"
        );
        assert_eq!(yaml(json!({"K": "a\n  b\n"})), "K: |\n  a\n    b\n");
        assert_eq!(
            yaml(json!({"K": ["a\n\nb"]})),
            "K:\n  - |-\n    a\n\n    b\n"
        );
        // Not a block: a first line starting with a blank, or two final newlines.
        assert_eq!(yaml(json!({"K": " a\nb"})), "K: \" a\\nb\"\n");
        assert_eq!(yaml(json!({"K": "a\n\n"})), "K: \"a\\n\\n\"\n");
    }

    #[test]
    fn collections_nest() {
        let v = json!({"R": {"P": [{"A": 1, "B": [[true, null]]}, [], {}], "E": {}}});
        assert_eq!(
            yaml(v),
            "R:\n  P:\n    - A: 1\n      B:\n        - - true\n          - null\n    - []\n    - {}\n  E: {}\n"
        );
    }
}
