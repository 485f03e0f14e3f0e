//! [`Certificate`]: one public certificate for a domain and its alternative names.

use crate::route53::HostedZone;
use escdk_synth::cfn::certificatemanager::{certificate, CfnCertificate};
use escdk_synth::{Expr, Handle, Scope};

/// ACM's default quota of domain names on one certificate (the main name included).
pub const DEFAULT_DOMAIN_QUOTA: usize = 10;

/// Properties of a [`Certificate`].
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateProps {
    /// The main name (`app.example.com`).
    pub domain_name: String,
    /// More names the certificate covers (`www.example.com`), all in the zone.
    pub alternative_names: Vec<String>,
    /// How many names the account may put on one certificate: ACM's default is 10 (the
    /// main name and 9 more); give the raised value after ACM raised the quota.
    pub domain_quota: usize,
}

impl CertificateProps {
    pub fn new(domain_name: &str) -> Self {
        CertificateProps {
            domain_name: domain_name.to_string(),
            alternative_names: Vec::new(),
            domain_quota: DEFAULT_DOMAIN_QUOTA,
        }
    }
}

/// A DNS-validated public certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub handle: Handle<CfnCertificate>,
    /// Every name it covers, main name first.
    pub domains: Vec<String>,
}

impl Certificate {
    /// A certificate for `props`' names, validated through `zone`. Every name must be in
    /// the zone, once, and within the quota; a synth error on this construct otherwise.
    pub fn new(scope: &Scope, id: &str, zone: &HostedZone, props: CertificateProps) -> Certificate {
        let scope = scope.child(id);
        let mut domains: Vec<String> = Vec::new();
        for (property, name) in std::iter::once(("DomainName", &props.domain_name)).chain(
            props
                .alternative_names
                .iter()
                .map(|n| ("SubjectAlternativeNames", n)),
        ) {
            let name = name.trim_end_matches('.').to_string();
            if domains.iter().any(|d| d.eq_ignore_ascii_case(&name)) {
                scope.prop_error(
                    property,
                    format!("`{name}` is named twice"),
                    "name each domain once",
                );
                continue;
            }
            zone.check_name(&scope, property, &name);
            domains.push(name);
        }
        if props.alternative_names.len() + 1 > props.domain_quota {
            scope.prop_error(
                "SubjectAlternativeNames",
                format!(
                    "{} names on one certificate; ACM allows {} per certificate{}",
                    props.alternative_names.len() + 1,
                    props.domain_quota,
                    if props.domain_quota == DEFAULT_DOMAIN_QUOTA {
                        " by default"
                    } else {
                        ""
                    }
                ),
                format!(
                    "use at most {} additional names, or ask AWS to raise ACM's \"Domain names per ACM certificate\" quota and set domain_quota to it",
                    props.domain_quota.saturating_sub(1)
                ),
            );
        }
        let validation: Vec<certificate::DomainValidationOption> = domains
            .iter()
            .map(|d| certificate::DomainValidationOption {
                domain_name: Some(d.as_str().into()),
                hosted_zone_id: Some(zone.zone_id.as_str().into()),
                ..Default::default()
            })
            .collect();
        let alternative: Vec<escdk_synth::Value<String>> =
            domains.iter().skip(1).map(|d| d.as_str().into()).collect();
        let handle = scope.add(
            "Resource",
            CfnCertificate {
                subject_alternative_names: (!alternative.is_empty()).then(|| alternative.into()),
                domain_validation_options: Some(validation.into()),
                validation_method: Some("DNS".into()),
                certificate_transparency_logging_preference: Some("ENABLED".into()),
                ..CfnCertificate::new(props.domain_name.trim_end_matches('.'))
            },
        );
        Certificate { handle, domains }
    }

    /// The certificate's ARN (its `Ref`).
    pub fn arn(&self) -> Expr {
        self.handle.reference()
    }
}
