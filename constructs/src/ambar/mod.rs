//! `AmbarStreaming`: streams every row appended to the Aurora event store's table to the
//! application's HTTP endpoints through [Ambar](https://ambar.cloud), configured by the
//! stack itself.
//!
//! One data source on the event store, and per endpoint a filter and a destination, are
//! CloudFormation custom resources of one provider function shipped with the library
//! (`constructs/assets/ambar_provider`). CloudFormation orders them: the data source waits
//! for the event store's schema (publication and replication user), filters for the data
//! source, destinations for their filter; deletes run in reverse. There is no two-phase flag.
//!
//! - Ambar connects as the **replication user**, never the master user. The provider reads
//!   the API key, the replication credentials and the HTTP Basic credentials from Secrets
//!   Manager at run time, with permission for exactly those secrets: no secret is in the
//!   template, an output, a log line or a CloudFormation reason.
//! - The database is reachable from Ambar's egress CIDRs only (each /16 or narrower), on
//!   the PostgreSQL port, over TLS (the event store forces it).
//! - Replacement follows Ambar's API: changes that Ambar cannot make in place create the
//!   new resource first; CloudFormation deletes the old one after, so a stream is never
//!   without its destination during an update.
//!
//! What an endpoint receives and must answer is in the README ("Streaming with Ambar");
//! `examples/platform/endpoint` has a tested reference endpoint.

mod check;
pub mod emulator;
mod props;
mod streaming;

pub use check::{bare_hostname, destination_id, WIDEST_EGRESS_PREFIX};
pub use props::{AmbarStreamingProps, ApiKey, Destination, AP_SOUTHEAST_5, EU_WEST_1};
pub use streaming::{
    AmbarStreaming, StreamDestination, HTTP_PASSWORD_LENGTH, HTTP_USERNAME_LENGTH, PROVIDER_TIMEOUT,
};
