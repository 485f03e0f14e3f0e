//! An existing hosted zone, and records in it.

use super::domain;
use escdk_synth::cfn::route53::{record_set, CfnRecordSet};
use escdk_synth::{Duration, Expr, Handle, Scope, Value};

/// A public hosted zone the account already has (the user's domain): its id and name.
#[derive(Debug, Clone, PartialEq)]
pub struct HostedZone {
    pub zone_id: String,
    pub zone_name: String,
}

/// A record: name, type, values and time to live.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordProps {
    /// The full name (`mail.example.com`), or an expression (DKIM's token names).
    pub name: Value<String>,
    pub record_type: &'static str,
    pub values: Vec<Value<String>>,
    pub ttl: Duration,
}

impl HostedZone {
    /// Refers to the zone `zone_id` (`Z…`, from the Route 53 console) named `zone_name`.
    /// A malformed id or name is a synth error on `scope`.
    pub fn from_attributes(scope: &Scope, zone_id: &str, zone_name: &str) -> HostedZone {
        let zone_name = zone_name.trim_end_matches('.').to_string();
        let id_ok = zone_id.len() <= 32
            && zone_id.starts_with('Z')
            && zone_id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !id_ok {
            scope.prop_error(
                "HostedZoneId",
                format!("`{zone_id}` is not a hosted zone id"),
                "give the id Route 53 shows for the zone: `Z` and up to 31 upper-case letters and digits",
            );
        }
        if let Some(why) = domain::invalid(&zone_name) {
            scope.prop_error(
                "HostedZoneName",
                format!("the zone name `{zone_name}` {why}"),
                "give the zone's domain, e.g. example.com",
            );
        }
        HostedZone {
            zone_id: zone_id.to_string(),
            zone_name,
        }
    }

    /// Checks that `name` is a valid domain within this zone; a synth error on `property`
    /// of `scope` if not. Returns whether it is.
    pub fn check_name(&self, scope: &Scope, property: &str, name: &str) -> bool {
        if let Some(why) = domain::invalid(name) {
            scope.prop_error(
                property,
                format!("`{name}` {why}"),
                "give a domain name such as app.example.com",
            );
            return false;
        }
        if !domain::is_within(name, &self.zone_name) {
            scope.prop_error(
                property,
                format!("`{name}` is not in the hosted zone `{}`", self.zone_name),
                format!(
                    "use a name that ends in .{}, or the zone that holds `{name}`",
                    self.zone_name
                ),
            );
            return false;
        }
        true
    }

    /// Adds a record at `<scope>/<id>`.
    pub fn add_record(&self, scope: &Scope, id: &str, props: RecordProps) -> Handle<CfnRecordSet> {
        let ttl = props.ttl.seconds_in(scope, "TTL", 0..=2_147_483_647);
        scope.add(
            id,
            CfnRecordSet {
                hosted_zone_id: Some(self.zone_id.as_str().into()),
                resource_records: Some(props.values.into()),
                ttl: Some(ttl.to_string().into()),
                ..CfnRecordSet::new(props.name, props.record_type)
            },
        )
    }
}

impl HostedZone {
    /// Adds an alias `A` record at `<scope>/<id>` pointing `name` at an AWS resource (a
    /// load balancer: its DNS name and canonical hosted zone), answering only while the
    /// target is healthy.
    pub fn add_alias(
        &self,
        scope: &Scope,
        id: &str,
        name: &str,
        dns_name: Expr,
        target_zone_id: Expr,
    ) -> Handle<CfnRecordSet> {
        scope.add(
            id,
            CfnRecordSet {
                hosted_zone_id: Some(self.zone_id.as_str().into()),
                alias_target: Some(record_set::AliasTarget {
                    evaluate_target_health: Some(true.into()),
                    ..record_set::AliasTarget::new(dns_name, target_zone_id)
                }),
                ..CfnRecordSet::new(name, "A")
            },
        )
    }
}

/// A TXT record's value: the text in double quotes, split into strings of at most 255
/// characters as DNS requires.
pub fn txt(text: &str) -> String {
    text.as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect::<Vec<_>>()
        .join(" ")
}
