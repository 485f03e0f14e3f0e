//! # escdk-constructs
//!
//! Typed constructs for event-sourced systems on AWS, one module per service as in the CDK
//! ([`dynamodb`], [`events`], [`lambda`], [`sqs`], [`sns`], [`iam`], [`cloudwatch`],
//! [`logs`], [`s3`], [`ses`], [`route53`], [`ec2`], [`kms`], [`ecr`], [`ecs`], [`elbv2`],
//! [`certificatemanager`], [`github`]), the load-balanced services of [`ecs_patterns`], and
//! the event-sourcing constructs built from them: [`EventStore`], [`ReadModel`],
//! [`Outbox`], [`CqrsLambdas`], [`Monitoring`], [`AuroraEventStore`], [`AmbarStreaming`], [`atlas`]'s
//! projection store, and the platform's [`s3::BlobStore`], [`ses::EmailSender`] and
//! [`alerts::PlatformAlerts`].
//!
//! Every construct takes a scope, an id and props with sensible defaults. Wiring constructs
//! together grants exactly what the wiring needs (IAM actions on the real ARNs). Stateful
//! resources are kept when the stack is deleted unless a removal policy says otherwise.

pub mod alerts;
pub mod ambar;
pub mod atlas;
pub mod aurora;
pub mod certificatemanager;
pub mod cloudwatch;
pub mod cqrs;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod ecs_patterns;
pub mod elbv2;
pub mod env;
pub mod event_store;
pub mod events;
pub mod github;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod monitoring;
pub mod outbox;
pub mod platform;
pub mod projection;
pub mod read_model;
pub mod removal;
pub mod route53;
pub mod s3;
pub mod secrets;
pub mod ses;
pub mod sns;
pub mod sqs;

pub use ambar::{AmbarStreaming, AmbarStreamingProps};
pub use aurora::{AuroraEventStore, AuroraEventStoreProps};
pub use cqrs::{CqrsLambdas, CqrsLambdasProps};
pub use event_store::{EventStore, EventStoreProps};
pub use events::{ArchiveProps, EventBus, EventBusProps, EventPattern};
pub use lambda::{Function, FunctionProps, Runtime};
pub use monitoring::{Monitoring, MonitoringProps};
pub use outbox::{Outbox, OutboxProps};
pub use platform::{EventSourcingPlatform, EventSourcingPlatformProps};
pub use projection::{Projection, ProjectionProps};
pub use read_model::{ReadModel, ReadModelProps};
pub use removal::RemovalPolicy;
