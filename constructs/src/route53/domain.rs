//! Domain names as DNS and AWS take them: checked at synth, compared without case.

/// Why `name` is not a domain name a hosted zone can hold, if it is not: lower-case
/// letters, digits and hyphens in dot-separated labels of 1 to 63 characters, no label
/// starting or ending with a hyphen, 253 characters in all, at least two labels.
pub fn invalid(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.len() > 253 {
        return Some(format!("has {} characters; DNS allows 253", name.len()));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Some("has a single label; give the full name, e.g. app.example.com".into());
    }
    for label in labels {
        if label.is_empty() {
            return Some("has an empty label (two dots, or a dot at an end)".into());
        }
        if label.len() > 63 {
            return Some(format!(
                "has a label of {} characters; DNS allows 63",
                label.len()
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Some(format!(
                "holds `{c}`: only lower-case letters, digits, hyphens and dots (internationalised names in their `xn--` form)"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "has a label `{label}` that starts or ends with a hyphen"
            ));
        }
    }
    None
}

/// Whether `name` is `zone` or a name under it.
pub fn is_within(name: &str, zone: &str) -> bool {
    let name = name.trim_end_matches('.');
    let zone = zone.trim_end_matches('.');
    name.eq_ignore_ascii_case(zone)
        || (name.len() > zone.len()
            && name[name.len() - zone.len()..].eq_ignore_ascii_case(zone)
            && name.as_bytes()[name.len() - zone.len() - 1] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(invalid("app.example.com"), None);
        assert_eq!(invalid("xn--bcher-kva.example"), None);
        assert!(invalid("example").is_some());
        assert!(invalid("App.example.com").is_some());
        assert!(invalid("a..example.com").is_some());
        assert!(invalid("-a.example.com").is_some());
        assert!(invalid("a_b.example.com").is_some());
        assert!(invalid(&format!("{}.com", "a".repeat(64))).is_some());
        assert!(invalid(&format!("{}com", "abcdefghi.".repeat(26))).is_some());
    }

    #[test]
    fn within() {
        assert!(is_within("app.example.com", "example.com"));
        assert!(is_within("example.com", "example.com."));
        assert!(is_within("a.b.EXAMPLE.com", "example.com"));
        assert!(!is_within("badexample.com", "example.com"));
        assert!(!is_within("example.org", "example.com"));
        assert!(!is_within("com", "example.com"));
    }
}
