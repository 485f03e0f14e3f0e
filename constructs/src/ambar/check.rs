//! Synth-time checks of [`super::AmbarStreamingProps`]: each bad input is an error at the
//! construct's path naming the property and the fix.

use super::props::{AmbarStreamingProps, Destination};
use crate::ec2::Cidr;
use escdk_synth::{Json, Scope};
use std::collections::BTreeMap;

/// The widest egress block accepted for Ambar (Ambar publishes a few addresses per region).
pub const WIDEST_EGRESS_PREFIX: u8 = 16;

/// A bare DNS host name: labels of letters, digits and `-`, no scheme, port or path.
pub fn bare_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// An `https://host[/path]` URL with a bare host name.
fn https_url(s: &str) -> bool {
    s.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?']).next().unwrap_or("");
        let host =
            host.split_once(':').map_or(
                host,
                |(h, port)| {
                    if port.parse::<u16>().is_ok() {
                        h
                    } else {
                        ""
                    }
                },
            );
        bare_hostname(host) && !rest.chars().any(char::is_whitespace)
    })
}

/// The first character of `s` (a URL's path and query) that a URL cannot carry as it is
/// (RFC 3986): anything but letters, digits, `-._~!$&'()*+,;=:@/?` and a `%` with two
/// hexadecimal digits. `#` is one: it starts a fragment, which no request carries.
fn first_non_url_char(s: &str) -> Option<char> {
    let bytes = s.as_bytes();
    s.char_indices().find_map(|(i, c)| {
        let escape = c == '%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let plain = c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?".contains(c);
        (!escape && !plain).then_some(c)
    })
}

/// `c` percent-encoded, byte by byte of its UTF-8 (`é` → `%C3%A9`).
fn percent_encoded(c: char) -> String {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// The construct id of a destination, from its path (`/projections/users` →
/// `ProjectionsUsers`); `Root` for `/`.
pub fn destination_id(d: &Destination) -> String {
    let path = if d.is_url() {
        let rest = d.path.split_once("://").map_or("", |(_, r)| r);
        rest.split_once('/').map_or("", |(_, p)| p)
    } else {
        d.path.as_str()
    };
    let id: String = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(cs).collect::<String>()
        })
        .collect();
    if id.is_empty() {
        "Root".to_string()
    } else {
        id
    }
}

/// Checks the props; returns the egress CIDRs that passed.
pub fn check(scope: &Scope, props: &AmbarStreamingProps, publicly_accessible: bool) -> Vec<Cidr> {
    if !bare_hostname(&props.api_host) {
        scope.prop_error(
            "ApiHost",
            format!("`{}` is not a bare host name", props.api_host),
            "give Ambar's regional API host without scheme or path, e.g. euw1.api.ambar.cloud",
        );
    }
    if let Some(host) = &props.tls_termination_override_host {
        if !bare_hostname(host) {
            scope.prop_error(
                "TlsTerminationOverrideHost",
                format!("`{host}` is not a bare host name"),
                "give the host name the database's certificate is for, without scheme or port",
            );
        }
    }
    if props.description.trim().is_empty() {
        scope.prop_error(
            "Description",
            "the data source has an empty description",
            "describe the data source (Ambar shows it, and sends it with every record)",
        );
    }
    check_destinations(scope, props);
    check_network(scope, props, publicly_accessible)
}

fn check_destinations(scope: &Scope, props: &AmbarStreamingProps) {
    if props.destinations.is_empty() {
        scope.prop_error(
            "Destinations",
            "no destination: Ambar would read the event store and deliver nothing",
            "add at least one Destination::new(\"/path\", \"description\")",
        );
    }
    let literal_base = match &props.base_url {
        Some(Json::String(s)) => Some(s.as_str()),
        _ => None,
    };
    if let Some(base) = literal_base {
        if !https_url(base) || base.ends_with('/') || base.contains(['?', '#']) {
            scope.prop_error(
                "BaseUrl",
                format!("`{base}` is not an https:// base URL"),
                "use https://host or https://host/prefix, without a trailing `/` (Ambar delivers over TLS only)",
            );
        }
    }
    let mut seen_paths = BTreeMap::new();
    let mut seen_ids = BTreeMap::new();
    for d in &props.destinations {
        if d.is_url() {
            if !https_url(&d.path) {
                scope.prop_error(
                    "Destinations",
                    format!("destination `{}` is not an https:// URL", d.path),
                    "give a path under base_url (`/projections/users`) or an https:// URL",
                );
            }
        } else if !d.path.starts_with('/') {
            scope.prop_error(
                "Destinations",
                format!("destination path `{}` does not start with `/`", d.path),
                "write the path from the root of base_url, e.g. `/projections/users`",
            );
        } else if props.base_url.is_none() {
            scope.prop_error(
                "BaseUrl",
                format!(
                    "destination `{}` is a path, and there is no base URL",
                    d.path
                ),
                "set base_url (https://your-backend), or give the destination a full https:// URL",
            );
        }
        let after_host = if d.is_url() {
            d.path.split_once("://").map_or("", |(_, rest)| rest)
        } else {
            d.path.as_str()
        };
        if let Some(c) =
            first_non_url_char(after_host).filter(|c| !(d.is_url() && c.is_whitespace()))
        {
            let fix = if c == '#' {
                "leave the fragment out: Ambar's requests would not carry it".to_string()
            } else {
                format!(
                    "write it percent-encoded (`{}`), or use letters, digits and `-._~/`",
                    percent_encoded(c)
                )
            };
            scope.prop_error(
                "Destinations",
                format!(
                    "destination `{}` holds `{c}`, which a URL cannot carry as it is",
                    d.path
                ),
                fix,
            );
        }
        if d.filter.trim().is_empty() {
            scope.prop_error(
                "Destinations",
                format!("destination `{}` has an empty filter", d.path),
                "leave the default `true` to receive every record, or write an Ambar filter",
            );
        }
        if d.description.trim().is_empty() {
            scope.prop_error(
                "Destinations",
                format!("destination `{}` has an empty description", d.path),
                "describe what the endpoint does (Ambar sends it with every record)",
            );
        }
        if seen_paths.insert(d.path.clone(), ()).is_some() {
            scope.prop_error(
                "Destinations",
                format!("destination `{}` is listed twice", d.path),
                "list each endpoint once; give one endpoint several records with a wider filter",
            );
            continue;
        }
        if let Some(other) = seen_ids.insert(destination_id(d), d.path.clone()) {
            scope.prop_error(
                "Destinations",
                format!(
                    "destinations `{other}` and `{}` would get the same construct id `{}`",
                    d.path,
                    destination_id(d)
                ),
                "give the endpoints paths that differ in letters or digits",
            );
        }
    }
}

fn check_network(
    scope: &Scope,
    props: &AmbarStreamingProps,
    publicly_accessible: bool,
) -> Vec<Cidr> {
    if !publicly_accessible {
        scope.error(
            "the event store is not publicly accessible: Ambar connects from outside the VPC",
            "set AuroraEventStoreProps { publicly_accessible: true, .. }; only egress_cidrs are let in",
        );
    }
    if props.egress_cidrs.is_empty() {
        scope.prop_error(
            "EgressCidrs",
            "no egress CIDR: Ambar could not reach the event store",
            "list Ambar's egress addresses for its region (Ambar's documentation), e.g. \"203.0.113.10/32\"",
        );
    }
    let mut cidrs = Vec::new();
    for raw in &props.egress_cidrs {
        match Cidr::parse(raw) {
            Err(e) => scope.prop_error("EgressCidrs", e.to_string(), "write each as a.b.c.d/n"),
            Ok(c) if c.prefix == 0 => scope.prop_error(
                "EgressCidrs",
                "0.0.0.0/0 would open the event store to the whole internet",
                "list Ambar's egress addresses for its region instead",
            ),
            Ok(c) if c.prefix < WIDEST_EGRESS_PREFIX => scope.prop_error(
                "EgressCidrs",
                format!(
                    "{c} is wider than /{WIDEST_EGRESS_PREFIX}: far more than Ambar's egress addresses"
                ),
                "list Ambar's published egress addresses (usually /32 each)",
            ),
            Ok(c) if cidrs.contains(&c) => scope.prop_error(
                "EgressCidrs",
                format!("{c} is listed twice"),
                "list each block once",
            ),
            Ok(c) => cidrs.push(c),
        }
    }
    let widest = 1u64 << (32 - WIDEST_EGRESS_PREFIX);
    if cidrs.len() > 1 && Cidr::union_size(&cidrs) > widest {
        scope.prop_error(
            "EgressCidrs",
            format!("together these blocks cover more addresses than a /{WIDEST_EGRESS_PREFIX}: far more than Ambar's egress addresses"),
            "list Ambar's published egress addresses (usually /32 each)",
        );
    }
    cidrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_bare() {
        assert!(bare_hostname("euw1.api.ambar.cloud"));
        assert!(!bare_hostname("https://euw1.api.ambar.cloud"));
        assert!(!bare_hostname("euw1.api.ambar.cloud/"));
        assert!(!bare_hostname("euw1.api.ambar.cloud:443"));
        assert!(!bare_hostname(""));
        assert!(!bare_hostname("a..b"));
    }

    #[test]
    fn url_characters() {
        assert_eq!(first_non_url_char("/projections/users?v=1&x=a%2Fb"), None);
        assert_eq!(first_non_url_char("api.example.com:8443/a-b_c.d~e"), None);
        assert_eq!(first_non_url_char("/проекции"), Some('п'));
        assert_eq!(first_non_url_char("/a#b"), Some('#'));
        assert_eq!(first_non_url_char("/a%2"), Some('%'));
        assert_eq!(first_non_url_char("/a%zz"), Some('%'));
        assert_eq!(first_non_url_char("/a\\b"), Some('\\'));
        assert_eq!(percent_encoded('п'), "%D0%BF");
        assert_eq!(percent_encoded(' '), "%20");
    }

    #[test]
    fn urls_must_be_https() {
        assert!(https_url("https://api.example.com"));
        assert!(https_url("https://api.example.com:8443/p"));
        assert!(!https_url("http://api.example.com"));
        assert!(!https_url("https://"));
        assert!(!https_url("https://api.example.com:x/p"));
        assert!(!https_url("https://api example.com"));
    }

    #[test]
    fn destination_ids_come_from_the_path() {
        let id = |p: &str| destination_id(&Destination::new(p, "d"));
        assert_eq!(id("/projections/users"), "ProjectionsUsers");
        assert_eq!(id("/"), "Root");
        assert_eq!(id("https://x.example.com/a-b/c"), "ABC");
        assert_eq!(id("https://x.example.com"), "Root");
    }
}
