//! What GitHub accepts as an owner, a repository, a branch and an environment name: a
//! trust condition naming something GitHub cannot have would never match.

/// Why `owner` is not a GitHub user or organisation name, or `None`: 1 to 39 letters,
/// digits and single hyphens, not at either end.
pub fn invalid_owner(owner: &str) -> Option<String> {
    if owner.is_empty() || owner.len() > 39 {
        return Some(format!("is {} characters long (1 to 39)", owner.len()));
    }
    if let Some(c) = owner
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!("contains `{c}`: only letters, digits and `-`"));
    }
    if owner.starts_with('-') || owner.ends_with('-') || owner.contains("--") {
        return Some("has a hyphen at an end or two in a row".into());
    }
    None
}

/// Why `repository` is not a GitHub repository name, or `None`: 1 to 100 letters, digits,
/// `.`, `_` and `-`, not `.` or `..`, not ending in `.git`.
pub fn invalid_repository(repository: &str) -> Option<String> {
    if repository.is_empty() || repository.len() > 100 {
        return Some(format!(
            "is {} characters long (1 to 100)",
            repository.len()
        ));
    }
    if let Some(c) = repository
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
    {
        return Some(format!(
            "contains `{c}`: GitHub allows only letters, digits, `.`, `_` and `-`"
        ));
    }
    if repository == "." || repository == ".." {
        return Some("is reserved".into());
    }
    if repository.to_ascii_lowercase().ends_with(".git") {
        return Some("ends in `.git`, which GitHub strips".into());
    }
    None
}

/// Why `branch` is not a branch name git accepts, or `None` (`git check-ref-format`'s
/// rules). A wildcard is refused here: it is a pattern, not a branch.
pub fn invalid_branch(branch: &str) -> Option<String> {
    if branch.is_empty() || branch.len() > 255 {
        return Some(format!("is {} characters long (1 to 255)", branch.len()));
    }
    if let Some(c) = branch.chars().find(|c| "*?[".contains(*c)) {
        return Some(format!("contains the wildcard `{c}`"));
    }
    if let Some(c) = branch
        .chars()
        .find(|c| c.is_ascii_control() || " ~^:\\".contains(*c))
    {
        return Some(format!(
            "contains `{}`, which git refuses",
            c.escape_default()
        ));
    }
    if branch.contains("..") || branch.contains("@{") || branch.contains("//") || branch == "@" {
        return Some("contains `..`, `@{` or `//`, or is `@`, which git refuses".into());
    }
    if branch.starts_with('-') || branch.starts_with('/') || branch.ends_with('/') {
        return Some("starts with `-` or `/`, or ends with `/`".into());
    }
    if branch.ends_with('.')
        || branch.ends_with(".lock")
        || branch.split('/').any(|p| p.starts_with('.'))
    {
        return Some("ends with `.` or `.lock`, or has a part starting with `.`".into());
    }
    None
}

/// Why `environment` is not a GitHub environment name usable in a token's subject, or
/// `None`: 1 to 255 characters, no wildcard, no `:` (the subject's separator).
pub fn invalid_environment(environment: &str) -> Option<String> {
    if environment.is_empty() || environment.len() > 255 {
        return Some(format!(
            "is {} characters long (1 to 255)",
            environment.len()
        ));
    }
    if let Some(c) = environment
        .chars()
        .find(|c| "*?[:".contains(*c) || c.is_control())
    {
        return Some(format!("contains `{}`", c.escape_default()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_names() {
        assert_eq!(invalid_owner("ambarltd"), None);
        assert_eq!(invalid_owner("my-org2"), None);
        for bad in [
            "",
            "-org",
            "org-",
            "a--b",
            "my_org",
            "org/x",
            &"a".repeat(40),
        ] {
            assert!(invalid_owner(bad).is_some(), "{bad}");
        }
        for ok in ["event-sourcing-app", "app.web", "a_b", "x"] {
            assert_eq!(invalid_repository(ok), None, "{ok}");
        }
        for bad in ["", ".", "..", "my repo", "app/x", "app.git", "caf\u{e9}"] {
            assert!(invalid_repository(bad).is_some(), "{bad}");
        }
        for ok in ["main", "release/1.2", "feature-x"] {
            assert_eq!(invalid_branch(ok), None, "{ok}");
        }
        for bad in [
            "",
            "*",
            "release/*",
            "a b",
            "a..b",
            "-x",
            "x/",
            "x.lock",
            "a:b",
            ".x",
            "a/.b",
        ] {
            assert!(invalid_branch(bad).is_some(), "{bad}");
        }
        assert_eq!(invalid_environment("production"), None);
        for bad in ["", "prod*", "a:b"] {
            assert!(invalid_environment(bad).is_some(), "{bad}");
        }
    }
}
