//! MongoDB Atlas: the projection store of the platform ([`ProjectionStore`]) and the stack
//! that activates the Atlas registry types it uses ([`AtlasActivation`]).
//!
//! The Atlas resources are the public third-party CloudFormation types `MongoDB::Atlas::*`,
//! typed and checked at synth like AWS's (generated from their vendored schemas). A stack
//! using them depends on the activation stack, so a deploy of the app activates the types
//! first; synth refuses a use with no activation before it.
//!
//! Required properties are constructor arguments, so a cluster without its project does not
//! compile:
//!
//! ```compile_fail
//! use escdk_synth::cfn::atlas::CfnCluster;
//! let cluster = CfnCluster::new("projection-store"); // ProjectId missing
//! ```
//!
//! and with them it does:
//!
//! ```
//! use escdk_synth::cfn::atlas::CfnCluster;
//! let cluster = CfnCluster::new("507f1f77bcf86cd799439011", "projection-store");
//! ```

mod activation;
mod projection_store;
mod regions;

pub use activation::{
    profile_secret_name, AtlasActivation, AtlasActivationProps, AtlasType, PUBLISHER_ID,
};
pub use projection_store::{
    ClusterHandle, ProjectionStore, ProjectionStoreProps, Tier, AUTHENTICATION_DATABASE, PORT,
};
pub use regions::{atlas_region, REGIONS};
