//! Naming rules: CloudFormation names to Rust identifiers.

/// `AWS::DynamoDB::Table` -> `aws-dynamodb-table.json` (as `scripts/vendor-schemas.py` writes).
pub fn schema_file_name(type_name: &str) -> String {
    format!("{}.json", type_name.to_lowercase().replace("::", "-"))
}

/// `SSESpecification` -> `sse_specification`, `OKActions` -> `ok_actions`,
/// `KMSMasterKeyId` -> `kms_master_key_id`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// A field name that is a valid Rust identifier (raw identifiers for keywords).
pub fn field_name(property: &str) -> String {
    let snake = snake_case(property);
    match snake.as_str() {
        "type" | "match" | "ref" | "in" | "loop" | "mod" | "move" | "override" | "self"
        | "static" | "struct" | "trait" | "use" | "where" | "async" | "await" | "dyn" | "fn"
        | "for" | "if" | "impl" | "let" | "mut" | "pub" | "return" | "super" | "true" | "false"
        | "while" | "as" | "break" | "const" | "continue" | "crate" | "else" | "enum"
        | "extern" | "final" | "macro" | "priv" | "typeof" | "unsafe" | "virtual" | "yield"
        | "box" | "do" | "abstract" | "become" | "try" | "gen" => {
            format!("r#{snake}")
        }
        _ => snake,
    }
}

/// A type name that is a valid Rust identifier in PascalCase.
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// `SnapStartResponse/ApplyOn` -> `snap_start_response_apply_on`.
pub fn attr_method(attr: &str) -> String {
    format!("attr_{}", snake_case(&attr.replace(['/', '.'], "_")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms() {
        assert_eq!(snake_case("SSESpecification"), "sse_specification");
        assert_eq!(snake_case("OKActions"), "ok_actions");
        assert_eq!(snake_case("KMSMasterKeyId"), "kms_master_key_id");
        assert_eq!(snake_case("TableName"), "table_name");
        assert_eq!(snake_case("S3Bucket"), "s3_bucket");
        assert_eq!(field_name("Type"), "r#type");
    }
}
