//! What ECR accepts as a repository name.

/// Why `name` is not a repository name ECR accepts, or `None`: 2 to 256 characters,
/// lower-case letters and digits in components separated by `.`, `_`, `__` or `-`, and
/// namespaces separated by `/`.
pub fn invalid_repository_name(name: &str) -> Option<String> {
    if !(2..=256).contains(&name.len()) {
        return Some(format!("is {} characters long (2 to 256)", name.len()));
    }
    for part in name.split('/') {
        if part.is_empty() {
            return Some("has an empty namespace (`//`, or `/` at an end)".into());
        }
        if let Some(c) = part
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(*c)))
        {
            return Some(format!(
                "contains `{c}`: only lower-case letters, digits, `.`, `_`, `-` and `/`"
            ));
        }
        let first = part.chars().next().unwrap_or('-');
        let last = part.chars().last().unwrap_or('-');
        if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
            return Some(format!(
                "has `{part}`, which must start and end with a letter or digit"
            ));
        }
        if part.contains("..")
            || part.contains("._")
            || part.contains("_.")
            || part.contains("___")
            || part.contains(".-")
            || part.contains("-.")
            || part.contains("_-")
            || part.contains("-_")
        {
            return Some(format!(
                "has `{part}`: separators are one `.`, one or two `_`, or dashes"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::invalid_repository_name as invalid;

    #[test]
    fn names_as_ecr_reads_them() {
        for ok in [
            "event-sourcing-app-backend",
            "team/app_1",
            "a__b",
            "a--b",
            "ab",
            "a.b/c-d",
        ] {
            assert_eq!(invalid(ok), None, "{ok}");
        }
        for bad in [
            "a", "App", "app-", "/app", "app//x", "a..b", "a___b", "a_-b", "a b",
        ] {
            assert!(invalid(bad).is_some(), "{bad}");
        }
    }
}
