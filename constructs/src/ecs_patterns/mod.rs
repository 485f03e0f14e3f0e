//! A Fargate service behind an internet-facing load balancer on its own domain, as the
//! CDK's `ApplicationLoadBalancedFargateService` and `NetworkLoadBalancedFargateService`:
//! [`ApplicationLoadBalancedService`] (HTTPS on 443, HTTP redirected, one certificate for
//! every domain, an alias record per domain) and [`NetworkLoadBalancedService`] (TLS on
//! 443 to TCP targets, an alias record). Both give [`ServiceMetrics`] for alarms, and
//! [`variables`] sets the seed's frontend and backend variables from them.

mod application;
mod fronted;
mod metrics;
mod network;
pub mod variables;

pub use application::{ApplicationLoadBalancedService, ApplicationLoadBalancedServiceProps};
pub use metrics::ServiceMetrics;
pub use network::{NetworkLoadBalancedService, NetworkLoadBalancedServiceProps};
