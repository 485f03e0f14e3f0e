//! [`EmailSender`]: the domain identity, its DNS records, a TLS-only configuration set, and
//! SMTP credentials.

use super::smtp::{self, SmtpCredentials};
use crate::env::EnvValue;
use crate::route53::{domain, txt, HostedZone, RecordProps};
use escdk_synth::cfn::route53::CfnRecordSet;
use escdk_synth::cfn::ses::{
    configuration_set, email_identity, CfnConfigurationSet, CfnEmailIdentity,
};
use escdk_synth::{fns, Duration, Expr, Handle, Scope, Value};

/// What receivers should do with mail that fails DMARC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DmarcPolicy {
    /// Report only: the safe start while other senders of the domain are found.
    #[default]
    None,
    Quarantine,
    Reject,
}

impl DmarcPolicy {
    fn tag(self) -> &'static str {
        match self {
            DmarcPolicy::None => "none",
            DmarcPolicy::Quarantine => "quarantine",
            DmarcPolicy::Reject => "reject",
        }
    }
}

/// Properties of an [`EmailSender`].
#[derive(Debug, Clone, PartialEq)]
pub struct EmailSenderProps {
    /// The zone the domain's records go to.
    pub zone: HostedZone,
    /// The domain mail is sent from (the zone's name, or a name under it).
    pub domain: String,
    /// The administrators' sender: a local part (`noreply`) or a full address at `domain`.
    pub from_address: String,
    /// The custom MAIL FROM domain, under `domain` (`mail.<domain>` by default, as in the seed).
    pub mail_from_domain: Option<String>,
    pub dmarc_policy: DmarcPolicy,
    /// Where aggregate DMARC reports go (`rua=mailto:…`), if anywhere.
    pub dmarc_reports_to: Option<String>,
    /// The SMTP key's generation: change it to rotate the key.
    pub smtp_rotation: u32,
    /// Time to live of the records (300 seconds, as in the seed).
    pub record_ttl: Duration,
}

impl EmailSenderProps {
    pub fn new(zone: HostedZone, domain: &str, from_address: &str) -> Self {
        EmailSenderProps {
            zone,
            domain: domain.to_string(),
            from_address: from_address.to_string(),
            mail_from_domain: None,
            dmarc_policy: DmarcPolicy::None,
            dmarc_reports_to: None,
            smtp_rotation: 1,
            record_ttl: Duration::minutes(5),
        }
    }
}

/// A verified sending domain with SMTP credentials.
#[derive(Debug, Clone)]
pub struct EmailSender {
    pub identity: Handle<CfnEmailIdentity>,
    pub configuration_set: Handle<CfnConfigurationSet>,
    pub records: Vec<Handle<CfnRecordSet>>,
    pub smtp: SmtpCredentials,
    pub domain: String,
    /// The full from-address.
    pub from_address: String,
}

fn valid_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
}

/// The full from-address, or a synth error saying why not.
fn from_address(scope: &Scope, from: &str, domain: &str) -> String {
    let (local, at) = match from.split_once('@') {
        Some((local, at)) => (local, Some(at)),
        None => (from, None),
    };
    if let Some(at) = at {
        if !at.eq_ignore_ascii_case(domain) {
            scope.prop_error(
                "FromAddress",
                format!("`{from}` is not at the identity's domain `{domain}`: SES would refuse to send from it"),
                format!("use an address @{domain}, or just its local part"),
            );
        }
    }
    if !valid_local_part(local) {
        scope.prop_error(
            "FromAddress",
            format!("`{from}` has no valid local part before @{domain}"),
            "give a local part such as noreply (letters, digits and .!#$%&'*+-/=?^_`{|}~)",
        );
    }
    format!("{local}@{domain}")
}

impl EmailSender {
    pub fn new(scope: &Scope, id: &str, props: EmailSenderProps) -> EmailSender {
        let scope = scope.child(id);
        let domain = props.domain.trim_end_matches('.').to_ascii_lowercase();
        props.zone.check_name(&scope, "Domain", &domain);
        let from = from_address(&scope, &props.from_address, &domain);
        let mail_from = props
            .mail_from_domain
            .clone()
            .unwrap_or_else(|| format!("mail.{domain}"));
        if domain::invalid(&mail_from).is_none()
            && (mail_from.eq_ignore_ascii_case(&domain) || !domain::is_within(&mail_from, &domain))
        {
            scope.prop_error(
                "MailFromDomain",
                format!("`{mail_from}` is not a subdomain of the identity `{domain}`"),
                format!("use a name under it, such as mail.{domain}"),
            );
        } else {
            props.zone.check_name(&scope, "MailFromDomain", &mail_from);
        }
        if let Some(to) = &props.dmarc_reports_to {
            if !crate::sns::valid_email(to) {
                scope.prop_error(
                    "DmarcReportsTo",
                    format!("`{to}` is not an e-mail address"),
                    "give an address of the form dmarc@example.com",
                );
            }
        }

        // Every message goes out over TLS or not at all.
        let configuration_set = scope.add(
            "ConfigurationSet",
            CfnConfigurationSet {
                delivery_options: Some(configuration_set::DeliveryOptions {
                    tls_policy: Some("REQUIRE".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
        );
        let identity = scope.add(
            "Identity",
            CfnEmailIdentity {
                dkim_signing_attributes: Some(email_identity::DkimSigningAttributes {
                    next_signing_key_length: Some("RSA_2048_BIT".into()),
                    ..Default::default()
                }),
                dkim_attributes: Some(email_identity::DkimAttributes {
                    signing_enabled: Some(true.into()),
                }),
                mail_from_attributes: Some(email_identity::MailFromAttributes {
                    mail_from_domain: Some(mail_from.as_str().into()),
                    behavior_on_mx_failure: Some("USE_DEFAULT_VALUE".into()),
                }),
                configuration_set_attributes: Some(email_identity::ConfigurationSetAttributes {
                    configuration_set_name: Some(configuration_set.reference().into()),
                }),
                ..CfnEmailIdentity::new(domain.as_str())
            },
        );

        let ttl = props.record_ttl;
        let record = |id: &str, name: Value<String>, kind: &'static str, value: Value<String>| {
            props.zone.add_record(
                &scope,
                id,
                RecordProps {
                    name,
                    record_type: kind,
                    values: vec![value],
                    ttl,
                },
            )
        };
        let mut records = Vec::new();
        for (i, (name, value)) in [
            (
                identity.attr_dkim_dns_token_name1(),
                identity.attr_dkim_dns_token_value1(),
            ),
            (
                identity.attr_dkim_dns_token_name2(),
                identity.attr_dkim_dns_token_value2(),
            ),
            (
                identity.attr_dkim_dns_token_name3(),
                identity.attr_dkim_dns_token_value3(),
            ),
        ]
        .into_iter()
        .enumerate()
        {
            records.push(record(
                &format!("Dkim{}", i + 1),
                name.into(),
                "CNAME",
                value.into(),
            ));
        }
        records.push(record(
            "MailFromMx",
            mail_from.as_str().into(),
            "MX",
            fns::sub("10 feedback-smtp.${AWS::Region}.amazonses.com").into(),
        ));
        records.push(record(
            "MailFromSpf",
            mail_from.as_str().into(),
            "TXT",
            txt("v=spf1 include:amazonses.com ~all").into(),
        ));
        let mut dmarc = format!("v=DMARC1; p={};", props.dmarc_policy.tag());
        if let Some(to) = &props.dmarc_reports_to {
            dmarc.push_str(&format!(" rua=mailto:{to};"));
        }
        records.push(record(
            "Dmarc",
            format!("_dmarc.{domain}").into(),
            "TXT",
            txt(&dmarc).into(),
        ));

        let identity_arn = fns::sub(format!(
            "arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{domain}"
        ));
        let configuration_set_arn = fns::sub_with(
            "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${Name}",
            [("Name", configuration_set.reference())],
        );
        let smtp = smtp::credentials(
            &scope.child("Smtp"),
            vec![identity_arn, configuration_set_arn],
            props.smtp_rotation,
        );
        EmailSender {
            identity,
            configuration_set,
            records,
            smtp,
            domain,
            from_address: from,
        }
    }

    /// The identity's ARN (the module's `ses_identity` output).
    pub fn identity_arn(&self) -> Expr {
        fns::sub(format!(
            "arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{}",
            self.domain
        ))
    }

    /// The seed's SMTP variables: `SMTP_HOST` (this region's endpoint), `SMTP_PORT` (587,
    /// STARTTLS), `SMTP_USERNAME` and `SMTP_PASSWORD` (secret references) and
    /// `SMTP_FROM_EMAIL_FOR_ADMINISTRATORS`.
    pub fn environment(&self) -> Vec<(String, EnvValue)> {
        let secret = self.smtp.secret.reference();
        let key = self.smtp.secret_key.clone();
        vec![
            (
                "SMTP_HOST".into(),
                EnvValue::Value(fns::sub("email-smtp.${AWS::Region}.${AWS::URLSuffix}").into()),
            ),
            ("SMTP_PORT".into(), EnvValue::Value("587".into())),
            (
                "SMTP_USERNAME".into(),
                EnvValue::encrypted_secret_key(secret.clone(), "username", key.clone()),
            ),
            (
                "SMTP_PASSWORD".into(),
                EnvValue::encrypted_secret_key(secret, "password", key),
            ),
            (
                "SMTP_FROM_EMAIL_FOR_ADMINISTRATORS".into(),
                EnvValue::Value(self.from_address.as_str().into()),
            ),
        ]
    }
}
