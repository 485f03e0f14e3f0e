//! The rules S3 puts on a general purpose bucket's name, checked at synth.

/// Why S3 would refuse `name` for a bucket, if it would.
pub fn invalid_bucket_name(name: &str) -> Option<String> {
    if !(3..=63).contains(&name.len()) {
        return Some(format!("has {} characters; S3 takes 3 to 63", name.len()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Some(format!(
            "holds `{c}`: only lower-case letters, digits, `-` and `.`"
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return Some("must begin and end with a letter or a digit".into());
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return Some("has `..`, `.-` or `-.`".into());
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return Some("is formatted as an IP address".into());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Some(format!("starts with `{prefix}`, which S3 reserves"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Some(format!("ends with `{suffix}`, which S3 reserves"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_s3_takes_and_refuses() {
        for ok in ["blob-storage-1a2b3c4d", "abc", "my.bucket.name"] {
            assert_eq!(invalid_bucket_name(ok), None, "{ok}");
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "Blob",
            "blob_storage",
            "-blob",
            "blob.",
            "a..b",
            "192.168.5.4",
            "xn--blob",
            "blob-s3alias",
        ] {
            assert!(invalid_bucket_name(bad).is_some(), "{bad}");
        }
    }
}
