//! `${NAME}` and `${NAME:-default}` placeholders in an artifact that is finished on the
//! user's machine (the Ambar emulator's configuration): filled from the environment, each
//! value escaped for a double-quoted YAML (or JSON) string, which is where constructs put
//! placeholders.

/// The text with every placeholder filled by `lookup`, or the names that have no value and
/// no default.
pub fn fill(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        match lookup(name).or_else(|| default.map(str::to_string)) {
            Some(v) => out.push_str(&escape(&v)),
            None => {
                if !missing.iter().any(|m| m == name) {
                    missing.push(name.to_string());
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// The inside of a JSON string literal, which a double-quoted YAML scalar reads the same.
fn escape(v: &str) -> String {
    let quoted = serde_json::Value::String(v.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_defaults_escapes_and_lists_what_is_missing() {
        let env = |k: &str| (k == "PW").then(|| "a\"b\\c".to_string());
        assert_eq!(
            fill("host: \"${HOST:-localhost}\"\npw: \"${PW}\"", env).unwrap(),
            "host: \"localhost\"\npw: \"a\\\"b\\\\c\""
        );
        assert_eq!(
            fill("${A} ${B} ${A}", |_| None).unwrap_err(),
            vec!["A".to_string(), "B".to_string()]
        );
        assert_eq!(
            fill("no placeholder $ {x}", |_| None).unwrap(),
            "no placeholder $ {x}"
        );
    }
}
