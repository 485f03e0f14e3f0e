//! # escdk-deploy
//!
//! Deploys what an escdk app synthesized (`escdk.out/`): `bootstrap`, `deploy`, `diff`,
//! `destroy`. This is the only crate that links the AWS SDK: apps and `synth` never compile
//! it, and the app's deploy verbs run this binary.
//!
//! Credentials, region and profile come from the standard aws-config chain; the endpoint
//! can be overridden with `AWS_ENDPOINT_URL`, so the whole workflow runs against a local
//! stand-in (the tests use moto's server).

pub mod assembly;
pub mod assets;
pub mod aws;
pub mod bootstrap;
pub mod change_set;
pub mod changes;
pub mod cli;
pub mod deploy;
pub mod destroy;
pub mod diff;
pub mod error;
pub mod exports;
pub mod interrupt;
pub mod noop;
pub mod outputs;
pub mod progress;
pub mod staging;
pub mod status;
pub mod term;
pub mod watch;

pub use error::DeployError;
