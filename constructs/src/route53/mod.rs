//! Route 53: an existing [`HostedZone`] (the platform's domain is the user's, so the zone is
//! imported, never created) and the records constructs add to it, with the domain names
//! checked at synth ([`domain`]).

pub mod domain;
mod zone;

pub use zone::{txt, HostedZone, RecordProps};
