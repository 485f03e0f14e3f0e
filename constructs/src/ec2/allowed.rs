//! The one check of "who may connect" lists: each entry a CIDR, `0.0.0.0/0` refused unless
//! the construct's `allow_all_ipv4_addresses` says otherwise, and the union judged too
//! (`0.0.0.0/1` + `128.0.0.0/1` is every address, whatever each string says).

use super::cidr::Cidr;
use escdk_synth::Scope;

/// Parses `raw` (the `AllowedCidrs` property) and reports what is refused. `reach` ends
/// "0.0.0.0/0 would let the whole internet …"; `instead` is the fix before the opt-in.
pub fn allowed_cidrs(
    scope: &Scope,
    raw: &[String],
    allow_all: bool,
    reach: &str,
    instead: &str,
) -> Vec<Cidr> {
    let fix =
        format!("{instead}; if you really mean every address, set allow_all_ipv4_addresses: true");
    let mut cidrs = Vec::new();
    for text in raw {
        match Cidr::parse(text) {
            Err(e) => scope.prop_error("AllowedCidrs", e.to_string(), "write each as a.b.c.d/n"),
            Ok(c) if c.prefix == 0 && !allow_all => scope.prop_error(
                "AllowedCidrs",
                format!("0.0.0.0/0 would let the whole internet {reach}"),
                fix.as_str(),
            ),
            Ok(c) => cidrs.push(c),
        }
    }
    if cidrs.len() > 1 && Cidr::union_size(&cidrs) == Cidr::ALL_ADDRESSES && !allow_all {
        scope.prop_error(
            "AllowedCidrs",
            "together these blocks cover every IPv4 address, as 0.0.0.0/0 would",
            fix.as_str(),
        );
    }
    cidrs
}
