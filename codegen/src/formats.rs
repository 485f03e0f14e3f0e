//! The schemas' `format` keywords. JSON Schema leaves formats to the validator; cfn-lint
//! defines the ones the resource schemas use (its `docs/format_keyword.md` and
//! `jsonschema/_format.py`), and each is checked here the same way on literal values.
//! Generation fails on a format with no entry, so a schema refresh cannot bring one in
//! unchecked and unnoticed.

/// How one format is checked.
pub enum FormatCheck {
    /// A value must match this regular expression (cfn-lint's, as written there).
    Regex(&'static str),
    /// A check written in the runtime (`rt::Format::<variant>`).
    Builtin(&'static str),
    /// A list whose every item has this (singular) format.
    Each(&'static str),
    /// Not checked on literals, and why.
    Unchecked(&'static str),
}

/// Every format the vendored schemas use.
pub const FORMATS: &[(&str, FormatCheck)] = &[
    (
        "AWS::EC2::VPC.Id",
        FormatCheck::Regex(r"^vpc-(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$"),
    ),
    (
        "AWS::EC2::Subnet.Id",
        FormatCheck::Regex(r"^subnet-(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$"),
    ),
    (
        "AWS::EC2::Subnet.Ids",
        FormatCheck::Each("AWS::EC2::Subnet.Id"),
    ),
    (
        "AWS::EC2::SecurityGroup.Id",
        FormatCheck::Regex(r"^sg-([a-fA-F0-9]{8}|[a-fA-F0-9]{17})$"),
    ),
    (
        "AWS::EC2::SecurityGroup.Ids",
        FormatCheck::Each("AWS::EC2::SecurityGroup.Id"),
    ),
    (
        "AWS::EC2::SecurityGroup.Name",
        FormatCheck::Regex(r"^[a-zA-Z0-9 \._\-:\/()#\,@\[\]+=&;\{\}!\$\*]+$"),
    ),
    (
        "AWS::IAM::Role.Arn",
        FormatCheck::Regex(r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/.+$"),
    ),
    (
        "AWS::KMS::Key.Arn",
        FormatCheck::Regex(r"^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$"),
    ),
    (
        "AWS::KMS::Key.Id",
        FormatCheck::Regex(
            r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]+)$",
        ),
    ),
    (
        "AWS::KMS::Alias.AliasName",
        FormatCheck::Regex(r"^alias/[a-zA-Z0-9:/_-]+$"),
    ),
    (
        "AWS::SNS::Topic.Arn",
        FormatCheck::Regex(r"^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:.+$"),
    ),
    (
        "AWS::ACM::Certificate.Arn",
        FormatCheck::Regex(r"^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:\d{12}:certificate/.+$"),
    ),
    (
        "AWS::Lambda::Function.Arn",
        FormatCheck::Regex(r"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:.+(:.+)?$"),
    ),
    (
        "AWS::Logs::LogGroup.Name",
        FormatCheck::Regex(r"^[\.\-_\/#A-Za-z0-9]{1,512}$"),
    ),
    ("AWS::S3::Bucket.Name", FormatCheck::Builtin("S3BucketName")),
    ("ipv4-network", FormatCheck::Builtin("Ipv4Network")),
    ("ipv6-network", FormatCheck::Builtin("Ipv6Network")),
    ("date-time", FormatCheck::Builtin("DateTime")),
    ("uri", FormatCheck::Builtin("Uri")),
    ("json", FormatCheck::Builtin("Json")),
    (
        "AWS::SQS::Queue.Arn",
        FormatCheck::Unchecked(
            "cfn-lint defines no check; the ARN's pattern, where the schema has one, applies",
        ),
    ),
    (
        "AWS::Route53::AliasTarget.HostedZoneId",
        FormatCheck::Unchecked("cfn-lint defines no check; each service has its own zone ids"),
    ),
];

/// The `rt::Format` expressions for a value with these formats (any one must hold), with
/// the regular expressions they need, or an error for a format with no entry.
pub fn lookup(name: &str) -> Result<&'static FormatCheck, String> {
    FORMATS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, check)| check)
        .ok_or_else(|| {
            format!(
                "format {name:?} has no entry in FORMATS (codegen/src/formats.rs): add how \
                 cfn-lint checks it, or why it is not checked"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cfn-lint's prefix of every ARN format.
    const ARN: &str = r"^arn:aws[a-zA-Z-]*:";

    #[test]
    fn every_regex_compiles_and_arns_share_the_prefix() {
        for (name, check) in FORMATS {
            if let FormatCheck::Regex(r) = check {
                regex::Regex::new(r).unwrap_or_else(|e| panic!("{name}: {e}"));
                if name.ends_with(".Arn") {
                    assert!(r.starts_with(ARN), "{name}");
                }
            }
            if let FormatCheck::Each(one) = check {
                assert!(matches!(lookup(one), Ok(FormatCheck::Regex(_))), "{name}");
            }
        }
        assert!(lookup("AWS::Nothing.Id").is_err());
    }
}
