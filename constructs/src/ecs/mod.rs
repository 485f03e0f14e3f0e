//! ECS on Fargate: a [`Cluster`] with Container Insights, and [`FargateService`], one
//! container from a [`ContainerImage`] with its variables and secrets, its own log group,
//! an execution role that may pull exactly its image and read exactly its secrets, a task
//! role with only the grants the user adds, and a deployment circuit breaker that rolls
//! back. [`crate::ecs_patterns`] puts a service behind a load balancer.

mod cluster;
mod image;
pub mod perms;
mod service;
mod size;

pub use cluster::Cluster;
pub use image::ContainerImage;
pub use service::{CpuArchitecture, FargateService, FargateServiceProps, LoadBalancerTarget};
pub use size::{fargate_memory_for, Cpu};
