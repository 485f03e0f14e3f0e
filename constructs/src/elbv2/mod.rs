//! Elastic Load Balancing v2: an internet-facing [`LoadBalancer`] (application or network)
//! in the public subnets, with its own security group that admits the listeners' ports
//! and reaches only its targets; [`TargetGroup`]s of IP targets with health checks;
//! HTTPS/TLS listeners on a modern TLS policy ([`TLS_POLICY`]); and their metrics.

mod access_logs;
mod load_balancer;
mod target_group;

pub use access_logs::LOG_DELIVERY_ACCOUNTS;
pub use load_balancer::{LoadBalancer, LoadBalancerProps, LoadBalancerType, TLS_POLICY};
pub use target_group::{HealthCheck, TargetGroup};
