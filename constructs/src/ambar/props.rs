//! The props of [`super::AmbarStreaming`]: the Ambar environment, the destinations and the
//! network Ambar connects from.

use escdk_synth::{fns, Expr, Json};

/// Ambar's regional API host for eu-west-1 (Ambar's hosts are bare hostnames).
pub const EU_WEST_1: &str = "euw1.api.ambar.cloud";
/// Ambar's regional API host for ap-southeast-5.
pub const AP_SOUTHEAST_5: &str = "apse5.api.ambar.cloud";

/// Where the provider finds the environment's API key (a key is valid for one regional host).
#[derive(Debug, Clone, PartialEq)]
pub enum ApiKey {
    /// An existing Secrets Manager secret, by ARN, whose string is the key
    /// (`aws secretsmanager create-secret --name ambar/api-key --secret-string <key>`),
    /// encrypted with Secrets Manager's AWS managed key (`aws/secretsmanager`), which the
    /// provider may use without a grant.
    Secret(Expr),
    /// An existing secret, by ARN, encrypted with a customer managed KMS key (`key`, its
    /// ARN; an alias does not match in an IAM policy): the provider may also decrypt with
    /// that key, through Secrets Manager only. The key's policy must let the account's IAM
    /// policies grant its use (the default key policy does).
    EncryptedSecret { secret: Expr, key: Expr },
    /// The stack creates an empty secret with a fixed name (synth prints it). Put the key in
    /// it before or during the first deploy: the provider waits for it (bounded by the
    /// provider's timeout) and fails with the command to run when it is still empty.
    Create,
}

/// One HTTP endpoint of the application that receives the event store's records.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    /// A path under [`AmbarStreamingProps::base_url`] (`/projections/users`), or a full
    /// `https://` URL.
    pub path: String,
    pub description: String,
    /// Ambar's filter DSL text; `true` (every record) by default. Sent base64-encoded.
    pub filter: String,
}

impl Destination {
    /// A destination receiving every record.
    pub fn new(path: &str, description: &str) -> Destination {
        Destination {
            path: path.to_string(),
            description: description.to_string(),
            filter: "true".to_string(),
        }
    }

    /// The same destination with an Ambar filter.
    pub fn with_filter(mut self, filter: &str) -> Destination {
        self.filter = filter.to_string();
        self
    }

    /// Whether the destination is a full URL rather than a path under the base URL.
    pub fn is_url(&self) -> bool {
        self.path.contains("://")
    }
}

/// Properties of an [`super::AmbarStreaming`].
#[derive(Debug, Clone, PartialEq)]
pub struct AmbarStreamingProps {
    /// The regional API host, a bare hostname ([`EU_WEST_1`] by default).
    pub api_host: String,
    pub api_key: ApiKey,
    /// `https://host[/prefix]` the destinations' paths are under: a literal, or a
    /// CloudFormation value that evaluates to one (see [`AmbarStreamingProps::https_host`]).
    pub base_url: Option<Json>,
    pub destinations: Vec<Destination>,
    /// Ambar's egress CIDRs for its region (in Ambar's documentation): the only addresses
    /// that may connect to the event store. Each /16 or narrower; never 0.0.0.0/0.
    pub egress_cidrs: Vec<String>,
    /// The data source's description in Ambar.
    pub description: String,
    /// The host name Ambar checks the database's TLS certificate against, when it connects
    /// through something that terminates TLS under another name.
    pub tls_termination_override_host: Option<String>,
}

impl AmbarStreamingProps {
    /// Streaming to `destinations` under `base_url`, from `egress_cidrs`, with the API key
    /// in the secret `api_key`.
    pub fn new(
        api_key: ApiKey,
        base_url: impl Into<Json>,
        destinations: Vec<Destination>,
        egress_cidrs: &[&str],
    ) -> AmbarStreamingProps {
        AmbarStreamingProps {
            api_host: EU_WEST_1.to_string(),
            api_key,
            base_url: Some(base_url.into()),
            destinations,
            egress_cidrs: egress_cidrs.iter().map(|c| c.to_string()).collect(),
            description: "Event store".to_string(),
            tls_termination_override_host: None,
        }
    }

    /// `https://` followed by a host name known only at deploy time (a domain from another
    /// construct), for [`AmbarStreamingProps::base_url`].
    pub fn https_host(host: impl Into<Json>) -> Json {
        fns::sub_with("https://${Host}", [("Host", host.into())]).into()
    }
}
