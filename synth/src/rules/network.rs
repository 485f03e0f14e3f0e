//! Network exposure: ingress from the whole internet, load balancers without TLS or access
//! logs.

use super::check::Subject;
use crate::json::JsonValue as Value;

fn open_to_all(rule: &Value) -> bool {
    rule["CidrIp"] == "0.0.0.0/0" || rule["CidrIpv6"] == "::/0"
}

/// No ingress from 0.0.0.0/0 or ::/0.
pub fn no_public_ingress(s: &Subject) -> Option<String> {
    let rules: Vec<&Value> = match s.type_name() {
        "AWS::EC2::SecurityGroupIngress" => {
            vec![s.resource.get("Properties").unwrap_or(&Value::Null)]
        }
        _ => s
            .prop("SecurityGroupIngress")
            .as_array()
            .into_iter()
            .flatten()
            .collect(),
    };
    let open: Vec<String> = rules
        .into_iter()
        .filter(|r| open_to_all(r))
        .map(|r| match (r["FromPort"].as_i64(), r["ToPort"].as_i64()) {
            (Some(a), Some(b)) if a == b => format!("port {a}"),
            (Some(a), Some(b)) => format!("ports {a}-{b}"),
            _ => "every port".to_string(),
        })
        .collect();
    (!open.is_empty()).then(|| format!("{} open to the internet", open.join(", ")))
}

/// TLS security policies that allow only TLS 1.2 or newer with forward secrecy.
const MODERN_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
];

/// A listener speaks TLS with a modern policy, or only redirects to one that does.
pub fn listener_tls(s: &Subject) -> Option<String> {
    match s.prop("Protocol").as_str() {
        Some("HTTPS" | "TLS") => {
            let policy = s.prop("SslPolicy").as_str().unwrap_or("the default policy");
            (!MODERN_POLICIES.contains(&policy)).then(|| format!("it uses {policy}"))
        }
        Some("HTTP") => {
            let redirects = s.prop("DefaultActions").as_array().is_some_and(|a| {
                a.iter()
                    .all(|x| x["Type"] == "redirect" && x["RedirectConfig"]["Protocol"] == "HTTPS")
            });
            (!redirects).then(|| "it serves plain HTTP".into())
        }
        Some(other) => Some(format!("it speaks {other}, not TLS")),
        None => Some("it has no protocol".into()),
    }
}

/// A load balancer writes access logs.
pub fn load_balancer_access_logs(s: &Subject) -> Option<String> {
    let on = s
        .prop("LoadBalancerAttributes")
        .as_array()
        .is_some_and(|a| {
            a.iter()
                .any(|x| x["Key"] == "access_logs.s3.enabled" && x["Value"] == "true")
        });
    (!on).then(|| "access_logs.s3.enabled is not true".into())
}
